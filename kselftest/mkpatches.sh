#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Description: the kselftest as a format-patch series against Debian's 7.3
# kernel source (make kselftest-patches), written to kselftest/patches/:
# a cover letter (cover-letter.txt), the test with its MAINTAINERS line
# (patch-1.txt), its TARGETS line (patch-2.txt). Reproducible: fixed dates, zero
# commit ids, no signature; then checked with `git apply --check` on the
# pristine tree.
#
# Usage: kselftest/mkpatches.sh [VER]   (default 7.3; kselftest/ksrc.sh VER fetches it)
# PATCH_AUTHOR="Name <mail>" sets the author and Signed-off-by (default: git config).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ver=${1:-7.3}
out=$HERE/patches
test_dir=tools/testing/selftests/filesystems/dax
tree=$("$HERE/ksrc.sh" "$ver")
# shellcheck source=../scripts/patch-author.sh
. "$HERE/../scripts/patch-author.sh"
patch_author "$HERE"

work=$(mktemp -d /tmp/daxstress-kpatch.XXXXXX)
trap 'rm -rf "$work"' EXIT
git="git -C $work -c core.autocrlf=false -c commit.gpgsign=false"
$git init -q
mkdir -p "$work/tools/testing/selftests"
cp "$tree/MAINTAINERS" "$work/MAINTAINERS"
cp "$tree/tools/testing/selftests/Makefile" "$work/tools/testing/selftests/Makefile"
$git add -A
$git commit -q -m "linux-source-$ver (the files the series touches)"

# 1: the test, with its MAINTAINERS line.
mkdir -p "$work/$test_dir"
for f in .gitignore Makefile break_layouts.c config settings; do
	cp "$HERE/$test_dir/$f" "$work/$test_dir/$f"
done
sed -i '/^FILESYSTEM DIRECT ACCESS (DAX)$/,/^$/ s|^F:\tinclude/trace/events/fs_dax.h$|&\nF:\ttools/testing/selftests/filesystems/dax/|' \
	"$work/MAINTAINERS"
grep -q "^F:	tools/testing/selftests/filesystems/dax/$" "$work/MAINTAINERS" ||
	{ echo "mkpatches.sh: no FILESYSTEM DIRECT ACCESS (DAX) entry to extend" >&2; exit 1; }
$git add -A
$git commit -q -s -F "$HERE/patch-1.txt"

# 2: the TARGETS line (after filesystems/binderfs), so that a whole-tree
# kselftest build and run includes it.
sed -i '/^TARGETS += filesystems\/binderfs$/a TARGETS += filesystems/dax' \
	"$work/tools/testing/selftests/Makefile"
grep -q '^TARGETS += filesystems/dax$' "$work/tools/testing/selftests/Makefile" ||
	{ echo "mkpatches.sh: no filesystems/binderfs line in the selftests Makefile" >&2; exit 1; }
$git add -A
$git commit -q -s -F "$HERE/patch-2.txt"

rm -rf "$out"
mkdir -p "$out"
$git format-patch -q --cover-letter --zero-commit --no-signature --numbered \
	--subject-prefix=PATCH -o "$out" HEAD~2
cover=$(ls "$out"/0000-*.patch)
python3 - "$cover" "$HERE/cover-letter.txt" <<'PY'
import sys
path, blurb = sys.argv[1], open(sys.argv[2]).read()
subject, _, body = blurb.partition('\n\n')
text = open(path).read()
text = text.replace('*** SUBJECT HERE ***', subject.strip())
text = text.replace('*** BLURB HERE ***', body.strip())
open(path, 'w').write(text)
PY
(cd "$tree" && git apply --check "$out"/000[1-9]-*.patch) ||
	{ echo "mkpatches.sh: the series does not apply to $tree" >&2; exit 1; }
echo "mkpatches.sh: $(ls "$out" | wc -l) files in $out; git apply --check on linux-source-$ver: ok" >&2
