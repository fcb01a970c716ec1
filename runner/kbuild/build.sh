#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Description: build a small test kernel (built-in DAX/NVDIMM/ext4/xfs) from
# Debian's linux-source package, optionally with a patch, cached.
#
# Usage: build.sh --source debian:VER[@SUITE]
#                 [--patch NAME|FILE] [--jobs N] [--force] [--prepare] [--print-dir]
#   --source       linux-source-VER from the suites configs/kernels gives
#                  debian:VER (daxstress kernels --resolve debian:VER), or SUITE
#   --patch NAME   configs/kernel-patches/NAME.patch (or a patch file), applied with -p1;
#                  A+B applies A, then B
#   --jobs N       make -jN (default 2)
#   --force        build again even when the result is cached
#   --prepare      fetch, unpack, patch and configure only (no compile); prints the
#                  work directory (src/ = the patched tree, obj/ = the objects)
#   --print-dir    print the result directory instead of the bzImage path
#
# Prints the bzImage path on stdout (give it to `daxstress vm --kernel`);
# progress goes to stderr. Results are cached under
#   ~/.cache/daxstress/kbuild/<source-version>-<config-hash>-<patch|stock>/
#     bzImage config patch build.log info .complete
# and a second call with the same inputs returns at once. The source is
# linux-source-VER from Debian's archive, read with a private apt list (the
# host's apt sources are not touched; the lists are shared with
# runner/vm/kernel.sh, and refreshed when missing or with
# DAXSTRESS_KBUILD_REFRESH=1). The config is x86_64_defconfig +
# kvm_guest.config + runner/kbuild/daxstress.config. One object tree per
# source version and config is kept under kbuild/work/ so that a second patch
# of the same version rebuilds only the files the patches touch. Only one
# compile runs at a time (kbuild/.build.lock).
# Host packages: gcc make flex bison bc libelf-dev libssl-dev xz-utils.
set -euo pipefail
PATH=$PATH:/usr/sbin:/sbin

HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
FRAGMENT=$HERE/daxstress.config
PATCHDIR=$TOP/configs/kernel-patches
CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/daxstress
KB=$CACHE/kbuild
APTCACHE=$CACHE/apt
# Bump when the way the config is made changes (part of the config hash).
RECIPE=1

# Options that must be =y after olddefconfig; OPTIONAL ones only warn.
REQUIRED="FS_DAX FS_DAX_PMD ZONE_DEVICE LIBNVDIMM BLK_DEV_PMEM ND_PFN NVDIMM_PFN DAX
ACPI_NFIT EXT4_FS XFS_FS BLK_DEV_NULL_BLK IO_URING AIO VIRTIO_PMEM VIRTIO_CONSOLE
KPROBES KPROBE_EVENTS FTRACE DEBUG_FS CONFIGFS_FS DEVTMPFS BLK_DEV_INITRD
SERIAL_8250_CONSOLE TRANSPARENT_HUGEPAGE CROSS_MEMORY_ATTACH USERFAULTFD CMDLINE_BOOL"
OPTIONAL="XFS_ONLINE_SCRUB DEV_DAX_PMEM FUSE_DAX VIRTIO_FS"

say() { printf 'build.sh: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }
usage() { sed -n '3,32s/^# \{0,1\}//p' "$0" >&2; exit 2; }
elapsed() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.0f", b - a }'; }

# Debian archive access, shared with runner/vm/kernel.sh.
# shellcheck source=../vm/debian-apt.sh
. "$HERE/../vm/debian-apt.sh"

# Lists present for KEY (any Packages file)?
have_lists() {
	compgen -G "$APTCACHE/$1/lists/*_Packages*" >/dev/null
}

# Newest version of package PKG in the private lists of DIR.
newest_version() {
	local dir=$1 pkg=$2 best="" v
	# shellcheck disable=SC2046
	while read -r v; do
		if [ -z "$best" ] || dpkg --compare-versions "$v" gt "$best"; then
			best=$v
		fi
	done < <(apt-cache $(apt_opts "$dir") dumpavail |
		awk -v want="$pkg" '/^Package: / { p = $2 } /^Version: / && p == want { print $2 }')
	[ -n "$best" ] || return 1
	echo "$best"
}

# --- source ------------------------------------------------------------------

# Sets SRCPKG, SRCVER, APTDIR for the spec in $1: the first suite set of the
# kernel table that has the package.
resolve_source() {
	local spec=$1 suites key
	local -a groups
	debian_resolve "$spec"
	SRCPKG=$KSOURCE
	SRCVER=""
	mkdir -p "$CACHE/kernels"
	mapfile -t groups <<<"$KGROUPS"
	for suites in "${groups[@]}"; do
		key=$(apt_key "$suites")
		APTDIR=$APTCACHE/$key
		if [ -n "${DAXSTRESS_KBUILD_REFRESH:-}" ] || ! have_lists "$key"; then
			# kernel.sh holds this lock while it runs apt on the same lists
			exec 8>"$CACHE/kernels/.lock"
			flock 8
			apt_setup "$key" "$suites"
			flock -u 8
		fi
		if SRCVER=$(newest_version "$APTDIR" "$SRCPKG"); then
			return
		fi
		say "no $SRCPKG in $suites"
	done
	die "no $SRCPKG in any of: $(echo "$KGROUPS" | paste -sd';' -) (DAXSTRESS_KBUILD_REFRESH=1 reads the archive again)"
}

# The unpacked, never modified tree of SRCPKG SRCVER; fetched once.
source_tree() {
	local dir=$KB/src/${SRCPKG}_$SRCVER tmp t0 tarball
	if [ -f "$dir/.complete" ]; then
		echo "$dir/$SRCPKG"
		return
	fi
	t0=$(date +%s.%N)
	mkdir -p "$KB/src"
	tmp=$(mktemp -d "$KB/src/.fetch.XXXXXX")
	# shellcheck disable=SC2064
	trap "rm -rf '$tmp'" EXIT
	local -a opts
	mapfile -t opts < <(apt_opts "$APTDIR")
	say "download $SRCPKG=$SRCVER"
	(cd "$tmp" && apt-get "${opts[@]}" download "$SRCPKG=$SRCVER" >&2) ||
		die "apt-get download $SRCPKG=$SRCVER failed"
	dpkg-deb -x "$tmp"/*.deb "$tmp/deb"
	tarball=$(find "$tmp/deb/usr/src" -maxdepth 1 -name "$SRCPKG.tar.*" | sed -n 1p)
	[ -n "$tarball" ] || die "no /usr/src/$SRCPKG.tar.* in the package"
	say "unpack $(basename "$tarball")"
	mkdir "$tmp/out"
	tar -xf "$tarball" -C "$tmp/out"
	[ -f "$tmp/out/$SRCPKG/Makefile" ] || die "the tarball has no $SRCPKG/Makefile"
	rm -rf "$dir"
	mv "$tmp/out" "$dir"
	touch "$dir/.complete"
	rm -rf "$tmp"
	trap - EXIT
	say "source ready in $(elapsed "$t0") s: $dir/$SRCPKG"
	echo "$dir/$SRCPKG"
}

# --- patch -------------------------------------------------------------------

# The work tree: unpatch_work, patch_work, save_patched, restore_mtimes.
# shellcheck source=worktree.sh
. "$HERE/worktree.sh"

# --- config ------------------------------------------------------------------

config_hash() {
	{
		echo "recipe $RECIPE x86_64_defconfig kvm_guest.config"
		cat "$FRAGMENT"
		gcc -dumpfullversion 2>/dev/null || true
		ld --version 2>/dev/null | sed -n 1p || true
	} | sha256sum | cut -c1-12
}

kmake() {
	make -C "$WORK/src" O="$WORK/obj" ARCH=x86_64 "$@"
}

# x86_64_defconfig + kvm_guest.config + the fragment; no =m left.
configure() {
	local obj=$WORK/obj cfg=$WORK/obj/.config kvm
	kvm=$(find "$WORK/src/kernel/configs" "$WORK/src/arch/x86/configs" \
		-name kvm_guest.config 2>/dev/null | sed -n 1p)
	[ -n "$kvm" ] || die "no kvm_guest.config in $SRCPKG"
	mkdir -p "$obj"
	say "configure: x86_64_defconfig + $(basename "$kvm") + daxstress.config"
	cat "$WORK/src/arch/x86/configs/x86_64_defconfig" "$kvm" "$FRAGMENT" >"$cfg"
	kmake olddefconfig >"$WORK/config.log" 2>&1 || { cat "$WORK/config.log" >&2; die "olddefconfig failed"; }
	if ! grep -q '^CONFIG_KPROBES=y' "$cfg"; then
		# 6.1: KPROBES depends on MODULES. Turn MODULES on; no module gets built.
		say "KPROBES needs MODULES in $SRCPKG: MODULES=y, every tristate =y or off"
		"$WORK/src/scripts/config" --file "$cfg" -e MODULES -e KPROBES -e KPROBE_EVENTS
		kmake olddefconfig >>"$WORK/config.log" 2>&1 || die "olddefconfig failed"
	fi
	for _ in 1 2 3 4; do
		grep -q '^CONFIG_[A-Za-z0-9_]*=m$' "$cfg" || break
		sed -i 's/^\(CONFIG_[A-Za-z0-9_]*\)=m$/# \1 is not set/' "$cfg"
		kmake olddefconfig >>"$WORK/config.log" 2>&1 || die "olddefconfig failed"
	done
	check_config "$cfg"
	echo "$CHASH" >"$obj/.daxstress-config-hash"
}

check_config() {
	local cfg=$1 o bad=""
	for o in $REQUIRED; do
		grep -q "^CONFIG_$o=y" "$cfg" || bad="$bad $o"
	done
	[ -z "$bad" ] || die "config: not built in:$bad (see $WORK/config.log)"
	for o in $OPTIONAL; do
		grep -q "^CONFIG_$o=y" "$cfg" || say "config: optional $o is off"
	done
	if grep -q '^CONFIG_[A-Za-z0-9_]*=m$' "$cfg"; then
		say "config: modules left: $(grep -c '=m$' "$cfg")"
	fi
}

# --- main --------------------------------------------------------------------

SPEC=""
PATCH=""
JOBS=2
FORCE=""
PREPARE=""
PRINTDIR=""
while [ $# -gt 0 ]; do
	case "$1" in
	--source) SPEC=${2:?}; shift 2 ;;
	--source=*) SPEC=${1#*=}; shift ;;
	--patch) PATCH=${2:?}; shift 2 ;;
	--patch=*) PATCH=${1#*=}; shift ;;
	--jobs|-j) JOBS=${2:?}; shift 2 ;;
	--force) FORCE=1; shift ;;
	--prepare) PREPARE=1; shift ;;
	--print-dir) PRINTDIR=1; shift ;;
	-h|--help) usage ;;
	*) say "unknown argument '$1'"; usage ;;
	esac
done
[ -n "$SPEC" ] || usage
case "$JOBS" in ''|*[!0-9]*) die "--jobs wants a number" ;; esac

# A patch name (configs/kernel-patches/NAME[.patch]) or file: its absolute path.
resolve_patch() {
	if [ -f "$1" ]; then
		echo "$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
	elif [ -f "$PATCHDIR/$1" ]; then
		echo "$PATCHDIR/$1"
	elif [ -f "$PATCHDIR/$1.patch" ]; then
		echo "$PATCHDIR/$1.patch"
	else
		return 1
	fi
}

# A+B: the patches applied in turn, as one file under $KB/stacked/.
stack_patches() {
	local out=$KB/stacked/$1.patch p f
	mkdir -p "$KB/stacked"
	{
		echo "daxstress: patches stacked by build.sh --patch $1"
		echo
		for p in $(echo "$1" | tr '+' ' '); do
			f=$(resolve_patch "$p") || die "no patch '$p' (not a file, not in $PATCHDIR)"
			cat "$f"
		done
	} >"$out.tmp" && mv "$out.tmp" "$out"
	echo "$out"
}

PATCHF=""
PNAME=stock
if [ -n "$PATCH" ] && [ "$PATCH" != stock ]; then
	if PATCHF=$(resolve_patch "$PATCH"); then
		:
	elif [ "${PATCH#*+}" != "$PATCH" ]; then
		PATCHF=$(stack_patches "$PATCH") || exit 1
	else
		die "no patch '$PATCH' (not a file, not in $PATCHDIR)"
	fi
	PNAME=$(basename "$PATCHF" .patch)
	case "$PNAME" in *[!A-Za-z0-9._+-]*) die "patch name '$PNAME': use [A-Za-z0-9._+-]" ;; esac
fi

# Host tools a kernel build needs (Debian packages in parentheses).
check_host() {
	local missing="" c
	for c in gcc:gcc make:make flex:flex bison:bison bc:bc perl:perl xz:xz-utils \
		 patch:patch dpkg-deb:dpkg apt-get:apt; do
		command -v "${c%%:*}" >/dev/null || missing="$missing ${c#*:}"
	done
	[ -f /usr/include/gelf.h ] || missing="$missing libelf-dev"
	[ -f /usr/include/openssl/ssl.h ] || missing="$missing libssl-dev"
	[ -z "$missing" ] || die "missing host packages:$missing (apt-get install$missing)"
}

check_host
resolve_source "$SPEC"
CHASH=$(config_hash)
OUT=$KB/$SRCVER-$CHASH-$PNAME

# The diff part of a patch (from the first "--- " line): header edits do not
# make a rebuild.
patch_body() {
	sed -n '/^--- /,$p' "$1"
}

# The result is current when it is complete and was built from the same diff.
is_cached() {
	[ -f "$OUT/.complete" ] && [ -f "$OUT/bzImage" ] || return 1
	if [ -n "$PATCHF" ]; then
		[ -f "$OUT/patch" ] && cmp -s <(patch_body "$PATCHF") <(patch_body "$OUT/patch") ||
			return 1
	else
		[ ! -e "$OUT/patch" ] || return 1
	fi
}

print_result() {
	if [ -n "$PRINTDIR" ]; then echo "$OUT"; else echo "$OUT/bzImage"; fi
}

if [ -z "$FORCE$PREPARE" ] && is_cached; then
	say "cached: $OUT"
	print_result
	exit 0
fi

T0=$(date +%s.%N)
mkdir -p "$KB/src"
PRISTINE=$(exec 6>"$KB/src/.lock" && flock 6 && source_tree)
WORK=$KB/work/$SRCVER-$CHASH
mkdir -p "$WORK"
# One user of a work tree at a time; compiles are serialised separately below.
exec 9>"$WORK/.lock"
if ! flock -n 9; then
	say "waiting for another build in $WORK"
	flock 9
fi
if [ -z "$FORCE$PREPARE" ] && is_cached; then
	say "cached: $OUT (built meanwhile)"
	print_result
	exit 0
fi
if [ ! -d "$WORK/src" ]; then
	say "work tree $WORK/src (hard links to the pristine source)"
	rm -rf "$WORK/src.tmp"
	cp -al "$PRISTINE" "$WORK/src.tmp"
	mv "$WORK/src.tmp" "$WORK/src"
fi
save_patched "$WORK/src" "$WORK/prev"
unpatch_work "$PRISTINE" "$WORK/src"
if [ -n "$PATCHF" ]; then
	say "apply $PNAME"
	patch_work "$WORK/src" "$PATCHF"
fi
restore_mtimes "$WORK/src" "$WORK/prev"
if [ "$(cat "$WORK/obj/.daxstress-config-hash" 2>/dev/null)" != "$CHASH" ] ||
   [ ! -f "$WORK/obj/.config" ]; then
	configure
fi

# uname -r: <version>-daxstress[+<patch without its version prefix>];
# uname -v: "#1 SMP [PREEMPT_DYNAMIC] daxstress <package version>" (64 chars at most).
# The kernel refuses a release over 64 characters: past 48 for the suffix
# (a version is at most 16), its end becomes ~ and 8 hex digits of its sha1.
LOCALV=-daxstress
[ -z "$PATCHF" ] || LOCALV="$LOCALV+$(echo "$PNAME" | sed -E 's/(^|\+)[0-9]+(\.[0-9]+)*-/\1/g')"
if [ ${#LOCALV} -gt 48 ]; then
	LOCALV="${LOCALV:0:39}~$(printf '%s' "$LOCALV" | sha1sum | cut -c1-8)"
fi
MAKEVARS=(LOCALVERSION="$LOCALV" KBUILD_BUILD_TIMESTAMP="daxstress $SRCVER"
	KBUILD_BUILD_USER=daxstress KBUILD_BUILD_HOST=kbuild KBUILD_BUILD_VERSION=1)

if [ -n "$PREPARE" ]; then
	say "prepared: $WORK/src (objects in $WORK/obj)"
	echo "$WORK"
	exit 0
fi

# At most one kernel compile at a time on this machine.
exec 7>"$KB/.build.lock"
if ! flock -n 7; then
	say "waiting for another kernel build to finish (one at a time)"
	flock 7
fi
say "make -j$JOBS bzImage ($SRCPKG $SRCVER, $PNAME); log: $WORK/build.log"
TB=$(date +%s.%N)
if ! kmake -j"$JOBS" "${MAKEVARS[@]}" bzImage >"$WORK/build.log" 2>&1; then
	tail -n 40 "$WORK/build.log" >&2
	die "kernel build failed; log: $WORK/build.log"
fi
BUILD_S=$(elapsed "$TB")
REL=$(cat "$WORK/obj/include/config/kernel.release")

TMPOUT=$(mktemp -d "$KB/.out.XXXXXX")
cp "$WORK/obj/arch/x86/boot/bzImage" "$TMPOUT/bzImage"
cp "$WORK/obj/.config" "$TMPOUT/config"
cp "$WORK/build.log" "$TMPOUT/build.log"
[ -z "$PATCHF" ] || cp "$PATCHF" "$TMPOUT/patch"
{
	echo "source = $SRCPKG"
	echo "source_version = $SRCVER"
	echo "spec = $SPEC"
	echo "patch = $PNAME"
	[ -z "$PATCHF" ] || echo "patch_sha256 = $(patch_body "$PATCHF" | sha256sum | cut -d' ' -f1) (the diff part)"
	echo "config_hash = $CHASH"
	echo "release = $REL"
	echo "uts_version = $(sed -n 's/^#define UTS_VERSION "\(.*\)"$/\1/p' \
		"$WORK/obj/include/generated/"{compile,utsversion}.h 2>/dev/null | sed -n 1p)"
	echo "build_s = $BUILD_S"
	echo "total_s = $(elapsed "$T0")"
	echo "jobs = $JOBS"
	echo "built = $(date -u +%FT%TZ)"
} >"$TMPOUT/info"
touch "$TMPOUT/.complete"
rm -rf "$OUT"
mv "$TMPOUT" "$OUT"
say "built $REL in $BUILD_S s: $OUT"
print_result
