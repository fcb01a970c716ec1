#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Description: the fixes of docs/findings as mail-ready `git format-patch`
# series, made from Debian's kernel source trees and checked against them.
#
# Usage: scripts/findings-patches.sh [NAME...]    (make findings-patches)
#   NAME   a series of docs/findings/patches/src/NAME.conf (default: all)
#
# For each series: the pristine tree Debian's linux-source package gives
# (runner/kbuild/build.sh fetches it into ~/.cache/daxstress/kbuild/src/ and
# it is never committed), a throw-away git repository in /tmp holding only
# the files the patch touches, the diff of configs/kernel-patches/KPATCH.patch
# committed there with the changelog src/NAME.commit, then
#   git format-patch --cover-letter  -> docs/findings/patches/NAME/
# with To: from the .conf and Cc: from the tree's get_maintainer.pl plus the
# .conf's extra names. The cover letter carries src/NAME.cover and the
# reproducer the .conf names. Dates and hashes are fixed (--zero-commit), so
# a second run gives the same files.
# Checks, written to docs/findings/patches/NAME/VERIFY.txt: `git apply
# --check` of every patch against the whole pristine tree, `git am` of the
# series onto the base repository, and the tree's own scripts/checkpatch.pl
# --strict. Exit 1 when one of them fails.
#
# The author and Signed-off-by are a marked placeholder
# (SOB_PLACEHOLDER below): the sender replaces both before sending.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/.." && pwd)
SRC=$TOP/docs/findings/patches/src
OUTTOP=$TOP/docs/findings/patches
KB=${XDG_CACHE_HOME:-$HOME/.cache}/daxstress/kbuild
SOB_PLACEHOLDER="PLACEHOLDER Replace-Before-Sending <replace.before.sending@example.invalid>"
# Fixed dates: the output does not change from run to run.
export GIT_AUTHOR_DATE="2026-12-05T00:00:00+00:00"
export GIT_COMMITTER_DATE="$GIT_AUTHOR_DATE"
export GIT_CONFIG_GLOBAL=/dev/null GIT_CONFIG_NOSYSTEM=1

say() { printf 'findings-patches: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

# The files a unified diff touches, one a line.
patch_files() {
	sed -n 's,^+++ [^/[:space:]]*/\([^[:space:]]*\).*,\1,p' "$1" | sort -u
}

# The pristine tree of $SOURCE ("linux-source-VER_DEBVER"), fetched when missing.
pristine_tree() {
	local dir=$KB/src/$SOURCE pkg=${SOURCE%%_*}
	if [ ! -f "$dir/.complete" ]; then
		say "$SOURCE is not in $KB/src: fetching with build.sh --prepare"
		"$TOP/runner/kbuild/build.sh" --source "$SPEC" --prepare >/dev/null
	fi
	[ -f "$dir/.complete" ] ||
		die "$SOURCE not fetched (Debian now ships another version? see runner/kbuild/build.sh --source $SPEC --prepare, then update $NAME.conf)"
	echo "$dir/$pkg"
}

git_q() { git -C "$1" "${@:2}" >/dev/null; }

# A repository with the touched files of the pristine tree committed.
base_repo() {
	local repo=$1 f
	mkdir -p "$repo"
	git_q "$repo" init -q
	git_q "$repo" config user.name "${SOB_PLACEHOLDER% <*}"
	git_q "$repo" config user.email "$(echo "$SOB_PLACEHOLDER" | sed 's/.*<\(.*\)>/\1/')"
	while read -r f; do
		mkdir -p "$repo/$(dirname "$f")"
		cp "$TREE/$f" "$repo/$f"
		git_q "$repo" add "$f"
	done <"$WORK/files"
	git_q "$repo" commit -q -m "$SOURCE (the files the patch touches)"
}

# "Name <mail>" lines of get_maintainer.pl for PATCH, without the lists we
# put in To: already. Perl orders equal-ranked names by its hash order,
# which is random per run: a fixed seed makes a second run give the same
# Cc: lines.
maintainers() {
	(cd "$TREE" && PERL_HASH_SEED=0 PERL_PERTURB_KEYS=0 \
		perl scripts/get_maintainer.pl --nogit --nogit-fallback \
		--norolestats "$1")
}

# Fill the cover letter's placeholders with src/NAME.cover and the reproducer.
fill_cover() {
	local cover=$1 subject blurb
	subject=$(sed -n 1p "$SRC/$NAME.cover")
	blurb=$WORK/blurb
	{
		sed -n '3,$p' "$SRC/$NAME.cover"
		if [ -n "${REPRODUCER:-}" ]; then
			echo
			echo "The reproducer, $(basename "$REPRODUCER") (GPL-2.0, libc only):"
			echo
			cat "$TOP/$REPRODUCER"
		fi
	} >"$blurb"
	SUBJECT=$subject BLURB=$blurb perl -0pi -e '
		s/\*\*\* SUBJECT HERE \*\*\*/$ENV{SUBJECT}/;
		my $b = do { local $/; open my $f, "<", $ENV{BLURB} or die; <$f> };
		s/\*\*\* BLURB HERE \*\*\*\n/$b/;
	' "$cover"
}

one_series() {
	NAME=$1
	local conf=$SRC/$NAME.conf out=$OUTTOP/$NAME repo kpatch p rc=0 cc
	[ -f "$conf" ] || die "no $conf"
	SPEC="" SOURCE="" KPATCH="" PREFIX="" TO="" EXTRA_CC="" REPRODUCER=""
	# shellcheck disable=SC1090
	. "$conf"
	kpatch=$TOP/configs/kernel-patches/$KPATCH.patch
	[ -f "$kpatch" ] || die "$NAME.conf: no $kpatch"
	[ -f "$SRC/$NAME.commit" ] && [ -f "$SRC/$NAME.cover" ] ||
		die "$NAME: src/$NAME.commit and src/$NAME.cover are needed"
	TREE=$(pristine_tree)
	WORK=$(mktemp -d /tmp/findings-patches.XXXXXX)
	# shellcheck disable=SC2064
	trap "rm -rf '$WORK'" EXIT
	sed -n '/^--- /,$p' "$kpatch" >"$WORK/diff"
	patch_files "$WORK/diff" >"$WORK/files"
	repo=$WORK/repo
	base_repo "$repo"
	git -C "$repo" apply "$WORK/diff" ||
		die "$KPATCH.patch does not apply to $SOURCE"
	git -C "$repo" add -A
	sed "s|@SOB@|$SOB_PLACEHOLDER|" "$SRC/$NAME.commit" >"$WORK/msg"
	git_q "$repo" commit -q -F "$WORK/msg"

	git -C "$repo" format-patch -1 --stdout >"$WORK/one.patch"
	cc=$(maintainers "$WORK/one.patch" | grep -vxF -f <(echo "$TO" | tr ',' '\n' |
		sed 's/^ *//') || true)
	local -a args=(--cover-letter --zero-commit --no-signature --numbered-files
		--subject-prefix="$PREFIX" -o "$WORK/out")
	while read -r p; do [ -z "$p" ] || args+=(--to="$p"); done < <(echo "$TO" | tr ',' '\n' | sed 's/^ *//')
	while read -r p; do [ -z "$p" ] || args+=(--cc="$p"); done < <({ echo "$cc"; echo "$EXTRA_CC" | tr ',' '\n' | sed 's/^ *//'; } | awk 'NF && !seen[$0]++')
	git -C "$repo" format-patch "${args[@]}" -1 >/dev/null
	fill_cover "$WORK/out/0"

	rm -rf "$out.tmp"
	mkdir -p "$out.tmp"
	cp "$WORK/out/0" "$out.tmp/0000-cover-letter.patch"
	local subj
	subj=$(sed -n 1p "$WORK/msg" | tr 'A-Z' 'a-z' | sed 's/[^a-z0-9]\{1,\}/-/g; s/^-//; s/-$//' | cut -c1-52)
	cp "$WORK/out/1" "$out.tmp/0001-$subj.patch"

	# Checks against the pristine tree and the base repository.
	{
		echo "# Checks of docs/findings/patches/$NAME (scripts/findings-patches.sh)"
		echo "tree: $SOURCE (Debian linux-source, pristine)"
		echo "kernel patch: configs/kernel-patches/$KPATCH.patch"
		echo
		echo "## git apply --check (in the pristine tree)"
		if (cd "$TREE" && git apply --check -v "$out.tmp/0001-$subj.patch") 2>&1; then
			echo "result: applies"
		else
			echo "result: DOES NOT APPLY"; rc=1
		fi
		echo
		echo "## git am (onto the base repository: the touched files of the tree)"
		rm -rf "$WORK/am"
		git clone -q "$repo" "$WORK/am"
		git -C "$WORK/am" checkout -q -B am HEAD~1
		git_q "$WORK/am" config user.name daxstress
		git_q "$WORK/am" config user.email daxstress@example.invalid
		if git -C "$WORK/am" am -q "$out.tmp/0001-$subj.patch" 2>&1 &&
		   git -C "$WORK/am" diff --quiet HEAD "$(git -C "$repo" rev-parse HEAD)" 2>/dev/null; then
			echo "result: applies, tree identical to the patched files"
		else
			echo "result: git am FAILED"; rc=1
		fi
		echo
		echo "## scripts/checkpatch.pl --strict (the tree's own copy)"
		echo "# The full output first. No kernel git history is at hand here, so"
		echo "# checkpatch cannot look up the SHAs of Fixes: and commit references"
		echo "# (UNKNOWN_COMMIT_ID); they were checked against the public mails"
		echo "# named in docs/findings/patches/README.md. The verdict ignores that"
		echo "# type only."
		for p in "$out.tmp"/0001-*.patch; do
			(cd "$TREE" && perl scripts/checkpatch.pl --strict "$p") 2>&1 |
				sed "s|$out.tmp/||" || true
			echo
			if (cd "$TREE" && perl scripts/checkpatch.pl --strict --ignore UNKNOWN_COMMIT_ID "$p") \
				>"$WORK/cp" 2>&1; then
				echo "result (--ignore UNKNOWN_COMMIT_ID): $(grep '^total:' "$WORK/cp")"
			else
				echo "result (--ignore UNKNOWN_COMMIT_ID): FAILED: $(grep '^total:' "$WORK/cp")"
				rc=1
			fi
		done
	} >"$out.tmp/VERIFY.txt"
	rm -rf "$out"
	mv "$out.tmp" "$out"
	rm -rf "$WORK"
	trap - EXIT
	say "$NAME: $(ls "$out" | tr '\n' ' ')(rc $rc)"
	return $rc
}

names=("$@")
if [ ${#names[@]} -eq 0 ]; then
	for c in "$SRC"/*.conf; do names+=("$(basename "$c" .conf)"); done
fi
status=0
for n in "${names[@]}"; do
	one_series "$n" || status=1
done
exit $status
