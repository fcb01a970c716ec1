#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The kernel's coding style over daxstress's C code, as it would be checked
# in a kernel tree: scripts/checkpatch.pl --strict, whole files (-f).
#
#   sh scripts/checkpatch.sh [FILE...]      (make checkpatch)
#
# Default files: lib/*/*.c lib/*/*.h runner/*.c runner/*.h workloads/*.c.
# Prints every finding (file:line: LEVEL:TYPE: message), then the count of
# errors, warnings and checks per file and the total.
#
# Exit status: 1 when there is any ERROR or WARNING, 0 otherwise; 2 when
# checkpatch.pl cannot be had.  CHECKs (what --strict adds) are printed and
# counted but do not fail the run, unless CHECKPATCH_CHECKS_FAIL=1.
#
# checkpatch.pl comes from Debian's linux-source package, fetched with
# `apt-get download` (no root needed, nothing installed) into
#   ${XDG_CACHE_HOME:-~/.cache}/daxstress/checkpatch/
# of which only scripts/checkpatch.pl, scripts/spelling.txt and
# scripts/const_structs.checkpatch are kept; the .deb is deleted afterwards.
# Overrides: CHECKPATCH=/path/to/linux/scripts/checkpatch.pl uses a kernel
# tree's copy instead; CHECKPATCH_SRC=linux-source-6.1 another source
# package (default: linux-source-6.12, then linux-source-6.1).
# None of the fetched files is part of the project: never commit them.
#
# Ignored types (kept short, each with its reason):
#   PREFER_KERNEL_TYPES  u8/u32/u64 are the kernel's internal typedefs; user
#                        space (kselftests included) has only <stdint.h>'s.
#   BIT_MACRO            BIT() is linux/bits.h, which user space lacks, and
#                        some 1u << N here are sizes (1 MiB), not bits.
#   VOLATILE             the kernel's rule is for kernel code; in user space
#                        a flag set by a signal handler must be a volatile
#                        sig_atomic_t (C11 7.14.1.1), which is our only use.
set -u

cache=${XDG_CACHE_HOME:-$HOME/.cache}/daxstress/checkpatch
ignore="PREFER_KERNEL_TYPES,BIT_MACRO,VOLATILE"

die2() {
	echo "checkpatch: $*" >&2
	exit 2
}

fetch() {
	pkgs=${CHECKPATCH_SRC:-linux-source-6.12 linux-source-6.1}
	mkdir -p "$cache" || die2 "cannot create $cache"
	tmp=$(mktemp -d "$cache/fetch.XXXXXX") || die2 "mktemp in $cache failed"
	trap 'rm -rf "$tmp"' EXIT
	deb=""
	for pkg in $pkgs; do
		echo "checkpatch: fetching $pkg (once; cached in $cache)" >&2
		if (cd "$tmp" && apt-get download -q "$pkg" >/dev/null 2>"$tmp/apt.err"); then
			deb=$(ls "$tmp"/"$pkg"_*.deb 2>/dev/null | head -n 1)
			[ -n "$deb" ] && break
		fi
		sed 's/^/  /' "$tmp/apt.err" >&2
	done
	if [ -z "$deb" ]; then
		cat >&2 <<-EOF
		checkpatch: could not apt-get download any of: $pkgs
		  Either make Debian's archive reachable (apt-get update) and rerun,
		  or point CHECKPATCH at a kernel tree's copy:
		    CHECKPATCH=/path/to/linux/scripts/checkpatch.pl sh scripts/checkpatch.sh
		  (spelling.txt and const_structs.checkpatch must sit beside it).
		EOF
		exit 2
	fi
	# The .deb holds usr/src/linux-source-X.Y.tar.xz; stream it, keep 3 files.
	dpkg-deb --fsys-tarfile "$deb" |
		tar -xOf - --wildcards './usr/src/linux-source-*.tar.xz' |
		tar -xJf - -C "$tmp" --wildcards --no-anchored \
			'*/scripts/checkpatch.pl' '*/scripts/spelling.txt' \
			'*/scripts/const_structs.checkpatch' ||
		die2 "unpacking $deb failed"
	for f in checkpatch.pl spelling.txt const_structs.checkpatch; do
		src=$(find "$tmp" -path "*/scripts/$f" | head -n 1)
		[ -n "$src" ] || die2 "$deb has no scripts/$f"
		cp "$src" "$cache/$f.new" && mv "$cache/$f.new" "$cache/$f" ||
			die2 "cannot write $cache/$f"
	done
	chmod +x "$cache/checkpatch.pl"
	basename "$deb" .deb >"$cache/SOURCE"
	rm -rf "$tmp"
	trap - EXIT
}

if [ -n "${CHECKPATCH:-}" ]; then
	[ -f "$CHECKPATCH" ] || die2 "CHECKPATCH=$CHECKPATCH: no such file"
	cp=$CHECKPATCH
else
	cp=$cache/checkpatch.pl
	if [ ! -f "$cp" ] || [ ! -f "$cache/spelling.txt" ] ||
	   [ ! -f "$cache/const_structs.checkpatch" ]; then
		command -v apt-get >/dev/null && command -v dpkg-deb >/dev/null ||
			die2 "no checkpatch.pl in $cache and no apt-get/dpkg-deb to fetch it; set CHECKPATCH=/path/to/checkpatch.pl"
		fetch
	fi
fi
command -v perl >/dev/null || die2 "perl is needed (apt-get install perl)"

if [ $# -eq 0 ]; then
	# Run from the top of the tree (make checkpatch does).
	cd "$(dirname "$0")/.." || exit 2
	set -- lib/*/*.c lib/*/*.h runner/*.c runner/*.h workloads/*.c
fi

# checkpatch --strict caches the kernel's CamelCase identifiers in
# ./.checkpatch-camelcase.* (found via ./.git or $root/include): run it in a
# scratch directory so that nothing lands in the tree, on absolute paths,
# and take the scratch directory's prefix back off the output.
here=$(pwd)
work=$(mktemp -d) || exit 2
trap 'rm -rf "$work"' EXIT
out=$work/out
for f in "$@"; do
	[ -f "$f" ] || { echo "checkpatch: $f: no such file" >&2; exit 2; }
	case $f in
	/*) printf '%s\n' "$f" ;;
	*) printf '%s\n' "$here/$f" ;;
	esac
done >"$work/files"
ign=""
[ -n "$ignore" ] && ign="--ignore $ignore"
# checkpatch's own exit status is ignored: the counts below decide.
# shellcheck disable=SC2046,SC2086
(cd "$work" && unset GIT_DIR &&
 tr '\n' '\0' <files | xargs -0 perl "$cp" --strict --no-tree --terse \
	--show-types --no-summary --color=never $ign -f) >"$out.raw" 2>"$work/err"
sed "s|^$here/||" "$out.raw" >"$out"
sed "s|^$here/||" "$work/files" >"$work/names"
# The CamelCase seeding looks for a kernel's include/ that is not there.
grep -v -e '^find: .*/include' -e 'uninitialized value \$root' "$work/err" |
	sed 's/^/checkpatch: /' >&2

# Findings look like "FILE:LINE: LEVEL:TYPE: message".
grep -E '^[^:]+:[0-9]+: (ERROR|WARNING|CHECK):' "$out"
# Anything else checkpatch said (it should say nothing else) is shown too.
grep -vE '^[^:]+:[0-9]+: (ERROR|WARNING|CHECK):' "$out" | grep -v '^$' |
	sed 's/^/checkpatch: /'

echo
awk -v checks_fail="${CHECKPATCH_CHECKS_FAIL:-0}" '
FNR == NR { order[++files] = $0; next }
match($0, /^[^:]+:[0-9]+: (ERROR|WARNING|CHECK):/) {
	f = $0; sub(/:[0-9]+: .*/, "", f)
	lvl = $0; sub(/^[^:]+:[0-9]+: /, "", lvl); sub(/:.*/, "", lvl)
	c[f, lvl]++
}
END {
	printf "%-40s %6s %8s %6s\n", "file", "errors", "warnings", "checks"
	for (i = 1; i <= files; i++) {
		f = order[i]
		e = c[f, "ERROR"] + 0; w = c[f, "WARNING"] + 0; k = c[f, "CHECK"] + 0
		te += e; tw += w; tk += k
		if (e + w + k)
			printf "%-40s %6d %8d %6d\n", f, e, w, k
	}
	printf "%-40s %6d %8d %6d  (%d files)\n", "total", te, tw, tk, files
	bad = te + tw + (checks_fail ? tk : 0)
	exit bad ? 1 : 0
}' "$work/names" "$out"
