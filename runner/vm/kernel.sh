#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Description: resolve a kernel for the daxstress VM into a cache directory.
#
# Usage: kernel.sh SPEC [MODULES_DIR]
#   SPEC  debian:VER         a Debian kernel by version: the suites of its
#                            configs/kernels entry, else the first of its
#                            [debian-search] suite sets that has it
#                            (daxstress kernels --list, --resolve debian:VER)
#         debian:VER@SUITE   the newest linux-image-VER.* of exactly SUITE
#         default            the host release's kernel (its linux-image-amd64)
#         /path/to/bzImage   [MODULES_DIR: lib/modules/<release> or a root holding it]
#         /path/to/linux     a build tree (arch/x86/boot/bzImage, modules if built)
#
# Prints the kernel directory on stdout; progress goes to stderr.  The
# directory holds vmlinuz, release, config (if known) and
# lib/modules/<release>/ with modules.dep made by depmod -b.
# Resolved specs are cached; DAXSTRESS_KERNEL_REFRESH=1 resolves again.
set -euo pipefail
PATH=$PATH:/usr/sbin:/sbin

CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/daxstress
KCACHE=$CACHE/kernels
APTCACHE=$CACHE/apt

say() { printf 'kernel.sh: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

# shellcheck source=debian-apt.sh
. "$(dirname "$0")/debian-apt.sh"

# Newest package named like PATTERN (or PATTERN-unsigned) whose version is
# VER.x, from the private lists.
newest_image() {
	local dir=$1 ver=$2 pat=$3 best="" bestv="" name v
	# shellcheck disable=SC2046
	while read -r name v; do
		case "$v" in "$ver".*|"$ver"-*|"$ver"~*|"$ver"+*) ;; *) continue ;; esac
		# shellcheck disable=SC2254
		case "$name" in $pat|$pat-unsigned) ;; *) continue ;; esac
		if [ -z "$bestv" ] || dpkg --compare-versions "$v" gt "$bestv"; then
			best=$name
			bestv=$v
		fi
	done < <(apt-cache $(apt_opts "$dir") dumpavail |
		awk '/^Package: / { p = $2 } /^Version: / { print p, $2 }' |
		grep -E '^linux-image-[0-9][^ ]*-amd64(-unsigned)? ')
	[ -n "$best" ] || return 1
	say "newest $ver kernel: $best $bestv"
	echo "$best"
}

# The package plus the kernel parts it depends on (7.x splits binary/modules).
kernel_packages() {
	local pkg=$1 abi
	shift
	abi=${pkg#linux-image-}
	abi=${abi%-unsigned}
	abi=${abi%-amd64}
	echo "$pkg"
	apt-cache "$@" show --no-all-versions "$pkg" |
		sed -n 's/^Depends: //p' | tr ',' '\n' | sed 's/^ *//; s/ .*//' |
		awk -v abi="$abi" '/^linux-(binary|modules|base|image)-/ && index($0, abi)'
}

# Turn an unpacked package tree ROOT into the kernel dir layout at DEST.
install_tree() {
	local root=$1 dest=$2 moddir rel vmlinuz
	moddir=$(find "$root/lib/modules" "$root/usr/lib/modules" -mindepth 1 \
		-maxdepth 1 -type d 2>/dev/null | sed -n 1p)
	[ -n "$moddir" ] || die "no lib/modules/<release> in the packages"
	rel=$(basename "$moddir")
	vmlinuz=$root/boot/vmlinuz-$rel
	[ -f "$vmlinuz" ] || vmlinuz=$moddir/vmlinuz
	[ -f "$vmlinuz" ] || vmlinuz=""
	[ -n "$vmlinuz" ] || die "no vmlinuz for $rel in the packages"
	mkdir -p "$dest/lib/modules"
	mv "$vmlinuz" "$dest/vmlinuz"
	if [ -f "$root/boot/config-$rel" ]; then
		mv "$root/boot/config-$rel" "$dest/config"
	elif [ -f "$moddir/config" ]; then
		cp "$moddir/config" "$dest/config"
	fi
	mv "$moddir" "$dest/lib/modules/$rel"
	echo "$rel" >"$dest/release"
}

finish_kdir() {
	local kdir=$1 rel
	rel=$(cat "$kdir/release")
	if [ -d "$kdir/lib/modules/$rel" ]; then
		say "depmod -b $kdir $rel"
		depmod -b "$kdir" "$rel" || die "depmod failed"
	fi
	touch "$kdir/.complete"
}

# The cached directory of a kernel package, if it is there already.
cached_package() {
	local rel=${1#linux-image-}
	rel=${rel%-unsigned}
	[ -f "$KCACHE/$rel/.complete" ] || return 1
	say "$rel already cached"
	echo "$KCACHE/$rel"
}

# Download and unpack PKGS (with apt options OPTS...) into the cache, print the dir.
fetch_debian() {
	local tmp kdir rel t0 p debs
	t0=$(date +%s.%N)
	tmp=$(mktemp -d "$KCACHE/.fetch.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	local -a pkgs=()
	while [ "$1" != -- ]; do pkgs+=("$1"); shift; done
	shift
	say "download ${pkgs[*]}"
	(cd "$tmp" && apt-get "$@" download "${pkgs[@]}" >&2) || die "apt-get download failed"
	mkdir "$tmp/root"
	debs=("$tmp"/*.deb)
	for p in "${debs[@]}"; do
		dpkg-deb -x "$p" "$tmp/root"
	done
	mkdir "$tmp/kdir"
	install_tree "$tmp/root" "$tmp/kdir"
	rel=$(cat "$tmp/kdir/release")
	kdir=$KCACHE/$rel
	if [ -f "$kdir/.complete" ]; then
		say "$rel already cached"
	else
		rm -rf "$kdir"
		mv "$tmp/kdir" "$kdir"
		finish_kdir "$kdir"
	fi
	rm -rf "$tmp"
	trap - EXIT
	say "$rel ready in $(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN { printf "%.1f s", b - a }')"
	echo "$kdir"
}

# The suite sets of the kernel table in turn; the first with the package wins.
resolve_debian() {
	local spec=$1 suites key dir="" pkg=""
	local -a groups opts
	debian_resolve "$spec"
	mapfile -t groups <<<"$KGROUPS"
	for suites in "${groups[@]}"; do
		key=$(apt_key "$suites")
		dir=$APTCACHE/$key
		apt_setup "$key" "$suites"
		if pkg=$(newest_image "$dir" "$KVER" "$KIMAGE"); then
			break
		fi
		say "no $KIMAGE of version $KVER.* in $suites"
	done
	[ -n "$pkg" ] || die "no $KIMAGE of version $KVER.* in any of: $(echo "$KGROUPS" | paste -sd';' -)"
	mapfile -t opts < <(apt_opts "$dir")
	cached_package "$pkg" && return
	# shellcheck disable=SC2046
	fetch_debian $(kernel_packages "$pkg" "${opts[@]}") -- "${opts[@]}"
}

# The host's own kernel flavour through the host's apt configuration; without
# apt lists (a fresh container), the kernel table's entry of the host's codename.
resolve_default() {
	local pkg codename spec
	pkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-image-[^ ]*\)/\1/p' | sed -n 1p)
	if [ -z "$pkg" ]; then
		# shellcheck disable=SC1091
		codename=$(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}")
		spec=$(kernels --codename "$codename") ||
			die "cannot resolve the host's linux-image-amd64 (no apt lists, codename '$codename')"
		say "no linux-image-amd64 in the host's apt lists, using $spec"
		resolve_debian "$spec"
		return
	fi
	say "host kernel package: $pkg"
	cached_package "$pkg" && return
	# shellcheck disable=SC2046
	fetch_debian $(kernel_packages "$pkg" -o APT::Sandbox::User=root -q) -- \
		-o APT::Sandbox::User=root -q
}

# Release string from a bzImage header (kernel_version field at 0x20e).
bzimage_release() {
	local img=$1 off
	off=$(od -An -tu2 -j $((0x20e)) -N2 "$img" | tr -d ' ')
	[ -n "$off" ] && [ "$off" -gt 0 ] || return 1
	dd if="$img" bs=1 skip=$((off + 0x200)) count=256 2>/dev/null |
		tr '\0' '\n' | sed -n 1p | cut -d' ' -f1
}

# Copy the modules of a build tree (modules.order) into DEST/lib/modules/REL.
copy_tree_modules() {
	local tree=$1 dest=$2 rel=$3 m ko out
	out=$dest/lib/modules/$rel
	mkdir -p "$out/kernel"
	while read -r m; do
		m=${m#kernel/}
		ko=${m%.o}
		ko=${ko%.ko}.ko
		[ -f "$tree/$ko" ] || continue
		mkdir -p "$out/kernel/$(dirname "$ko")"
		cp "$tree/$ko" "$out/kernel/$ko"
		echo "kernel/$ko"
	done <"$tree/modules.order" >"$out/modules.order"
	for m in modules.builtin modules.builtin.modinfo; do
		[ ! -f "$tree/$m" ] || cp "$tree/$m" "$out/$m"
	done
}

resolve_path() {
	local spec=$1 mods=${2:-} img tree="" rel sum kdir tmp
	if [ -d "$spec" ]; then
		tree=$(cd "$spec" && pwd)
		img=$tree/arch/x86/boot/bzImage
		[ -f "$img" ] || die "$spec: no arch/x86/boot/bzImage (build the kernel first)"
	else
		[ -f "$spec" ] || die "$spec: no such kernel spec, file or directory"
		img=$spec
	fi
	if [ -n "$tree" ] && [ -f "$tree/include/config/kernel.release" ]; then
		rel=$(cat "$tree/include/config/kernel.release")
	else
		rel=$(bzimage_release "$img") || die "$img: not a bzImage"
	fi
	if [ -n "$mods" ]; then
		[ ! -d "$mods/lib/modules/$rel" ] || mods=$mods/lib/modules/$rel
		[ -d "$mods" ] || die "$mods: no such modules directory"
		mods=$(cd "$mods" && pwd)
	fi
	sum=$(sha256sum "$img" | cut -c1-12)
	kdir=$KCACHE/$rel-$sum
	if [ -f "$kdir/.complete" ] && { [ -z "$mods" ] ||
		[ "$(cat "$kdir/modules-from" 2>/dev/null)" = "$mods" ]; }; then
		echo "$kdir"
		return 0
	fi
	say "installing $img ($rel) into $kdir"
	tmp=$(mktemp -d "$KCACHE/.path.XXXXXX")
	cp "$img" "$tmp/vmlinuz"
	echo "$rel" >"$tmp/release"
	if [ -n "$tree" ] && [ -f "$tree/.config" ]; then
		cp "$tree/.config" "$tmp/config"
	fi
	if [ -n "$mods" ]; then
		mkdir -p "$tmp/lib/modules"
		echo "$mods" >"$tmp/modules-from"
		cp -al "$mods" "$tmp/lib/modules/$rel" 2>/dev/null ||
			cp -a "$mods" "$tmp/lib/modules/$rel"
		rm -f "$tmp/lib/modules/$rel/build" "$tmp/lib/modules/$rel/source"
	elif [ -n "$tree" ] && [ -s "$tree/modules.order" ]; then
		copy_tree_modules "$tree" "$tmp" "$rel"
	fi
	rm -rf "$kdir"
	mv "$tmp" "$kdir"
	finish_kdir "$kdir"
	echo "$kdir"
}

# A cached spec resolution: kernels/spec/<spec> holds the release directory name.
cached_spec() {
	local f=$KCACHE/spec/$1 kdir
	[ -z "${DAXSTRESS_KERNEL_REFRESH:-}" ] && [ -f "$f" ] || return 1
	kdir=$KCACHE/$(cat "$f")
	[ -f "$kdir/.complete" ] || return 1
	echo "$kdir"
}

remember_spec() {
	mkdir -p "$KCACHE/spec"
	basename "$2" >"$KCACHE/spec/$1"
}

main() {
	local spec=${1:-} kdir
	[ -n "$spec" ] || { sed -n '3,19s/^# \{0,1\}//p' "$0" >&2; exit 2; }
	mkdir -p "$KCACHE"
	command -v depmod >/dev/null || die "depmod not found (apt-get install kmod)"
	case "$spec" in
	debian:* | default)
		if ! kdir=$(cached_spec "$spec"); then
			exec 9>"$KCACHE/.lock"
			flock 9
			if [ "$spec" = default ]; then
				kdir=$(resolve_default)
			else
				kdir=$(resolve_debian "$spec")
			fi
			remember_spec "$spec" "$kdir"
		fi
		;;
	*)
		kdir=$(resolve_path "$spec" "${2:-}")
		;;
	esac
	echo "$kdir"
}

main "$@"
