#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Description: the patched work tree of runner/kbuild/build.sh: put back the
# pristine files of the last patch, apply the next one, and keep the mtime
# of every file whose content the two patches leave the same, so that make
# rebuilds only what changed. Sourced by build.sh and tests/cli/kbuild_tree.sh;
# die() comes from the caller.

# Files a patch touches (the new names), one a line.
patch_files() {
	sed -n 's,^\(---\|+++\) [^/[:space:]]*/\([^[:space:]]*\).*,\2,p' "$1" |
		grep -vx 'dev/null' | sort -u
}

# Put the work tree back to the pristine source for the files the last patch touched.
unpatch_work() {
	local pristine=$1 work=$2 f
	[ -f "$work/.daxstress-patched" ] || return 0
	while read -r f; do
		[ -n "$f" ] || continue
		rm -f "$work/$f"
		# a copy, not a link: its new mtime makes make rebuild it
		[ ! -e "$pristine/$f" ] || cp "$pristine/$f" "$work/$f"
	done <"$work/.daxstress-patched"
	rm -f "$work/.daxstress-patched" "$work/.daxstress-patch"
}

# Copies (with their times) of the files the last patch touched, before
# unpatch_work replaces them: a file that ends up with the same content
# under the next patch gets its old mtime back (restore_mtimes), so make
# rebuilds only what the patches change. Without it, stacking a patch onto
# one that touches include/linux/mm.h rebuilt the whole kernel (45 min).
save_patched() {
	local work=$1 keep=$2 f
	rm -rf "$keep"
	[ -f "$work/.daxstress-patched" ] || return 0
	while read -r f; do
		[ -n "$f" ] && [ -f "$work/$f" ] || continue
		mkdir -p "$keep/$(dirname "$f")"
		cp -p "$work/$f" "$keep/$f"
	done <"$work/.daxstress-patched"
}

restore_mtimes() {
	local work=$1 keep=$2 f
	[ -d "$keep" ] || return 0
	(cd "$keep" && find . -type f) | while read -r f; do
		! cmp -s "$keep/$f" "$work/$f" || touch -r "$keep/$f" "$work/$f"
	done
	rm -rf "$keep"
}

# Apply PATCH to the work tree, after breaking the hard links of its files.
patch_work() {
	local work=$1 patchf=$2 f
	patch_files "$patchf" >"$work/.daxstress-patched"
	cp "$patchf" "$work/.daxstress-patch"
	while read -r f; do
		[ -e "$work/$f" ] || continue
		cp "$work/$f" "$work/$f.daxstress-tmp"
		mv -f "$work/$f.daxstress-tmp" "$work/$f"
	done <"$work/.daxstress-patched"
	patch -d "$work" -p1 --forward --batch --no-backup-if-mismatch -r - <"$patchf" >&2 ||
		die "$(basename "$patchf") does not apply to $SRCPKG $SRCVER"
}

