#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Description: the test kernels' work tree (runner/kbuild/worktree.sh) on a
# toy source: a patch stacked onto one that touched a header keeps that
# header's mtime when its content is the same (so make rebuilds only what
# the new patch changes), a file the new patch changes gets a new mtime,
# and a file only the old patch touched goes back to the pristine content.
. "$(dirname "$0")/../lib.sh"

t=$(mktemp -d /tmp/daxstress-kbtree.XXXXXX)
mkdir -p "$t/pristine/include" "$t/pristine/mm" "$t/pristine/fs"
printf 'int a;\n' >"$t/pristine/include/mm.h"
printf 'int g;\n' >"$t/pristine/mm/gup.c"
printf 'int d;\n' >"$t/pristine/fs/dax.c"
cp -a "$t/pristine" "$t/work"

# patch A: the header and fs/dax.c; patch B: patch A plus mm/gup.c, without fs/dax.c
mkpatch() {	# OUT FILE... (each FILE's first line gets " /* patched */")
	out=$1
	shift
	: >"$out"
	for f in "$@"; do
		printf -- '--- a/%s\n+++ b/%s\n@@ -1 +1 @@\n-%s\n+%s /* patched */\n' \
			"$f" "$f" "$(cat "$t/pristine/$f")" "$(cat "$t/pristine/$f")" >>"$out"
	done
}
mkpatch "$t/A.patch" include/mm.h fs/dax.c
mkpatch "$t/B.patch" include/mm.h mm/gup.c

# Run the worktree functions as build.sh does: save, unpatch, patch, restore.
apply() {
	bash -c '. runner/kbuild/worktree.sh
		die() { echo "die: $*"; exit 1; }
		save_patched "$2/work" "$2/prev"
		unpatch_work "$2/pristine" "$2/work"
		patch_work "$2/work" "$1" >/dev/null 2>&1
		restore_mtimes "$2/work" "$2/prev"' sh "$1" "$t"
}

apply "$t/A.patch"
expect_eq "patch A applied to the header" "$(cat "$t/work/include/mm.h")" "int a; /* patched */"
touch -d '2020-01-01 00:00:00' "$t/work/include/mm.h" "$t/work/fs/dax.c"
apply "$t/B.patch"
expect_eq "stacked B: the header has the same content" \
	"$(cat "$t/work/include/mm.h")" "int a; /* patched */"
expect_eq "stacked B: the header keeps its mtime (no rebuild of what includes it)" \
	"$(date -r "$t/work/include/mm.h" +%Y)" 2020
expect_eq "stacked B: mm/gup.c is patched" "$(cat "$t/work/mm/gup.c")" "int g; /* patched */"
expect_match "stacked B: mm/gup.c has a new mtime" "$(date -r "$t/work/mm/gup.c" +%Y)" "^20[3-9][0-9]$|^202[1-9]$"
expect_eq "stacked B: fs/dax.c, patch A's only, is pristine again" \
	"$(cat "$t/work/fs/dax.c")" "int d;"
expect_match "stacked B: fs/dax.c has a new mtime (its content changed back)" \
	"$(date -r "$t/work/fs/dax.c" +%Y)" "^20[3-9][0-9]$|^202[1-9]$"
expect_eq "no copies left behind" "$(ls -A "$t/work" | grep -c prev)" 0
rm -rf "$t"
finish
