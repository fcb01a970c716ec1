#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Description: build the daxstress guest initramfs, cached by a hash of its inputs.
#
# Usage: initramfs.sh KDIR [PAYLOAD_DIR|-] [OUT]
#   KDIR         a kernel directory made by kernel.sh (release, lib/modules/<release>)
#   PAYLOAD_DIR  an installed tree: a root (usr/bin/daxstress, usr/libexec/daxstress/,
#                usr/share/daxstress/), copied as is, or a prefix (bin/daxstress,
#                libexec/daxstress/, share/daxstress/), put under /usr;
#                "-" or missing: no payload
#   OUT          where to put the image (hard link or copy of the cached one)
# Prints the image path on stdout; progress goes to stderr.
# Environment: DAXSTRESS_VM_MODULES  extra modules to include (space separated)
#              DAXSTRESS_VM_TOOLS    extra host programs to include (full paths)
#              DAXSTRESS_VM_NO_FIO=1 leave fio (and its ~80 MB of libraries) out
#              DAXSTRESS_VM_NEW_XFSPROGS=1 add trixie's mkfs.xfs (xfsprogs.sh)
set -euo pipefail
PATH=$PATH:/usr/sbin:/sbin

HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/daxstress/initramfs

# Modules the guest needs; their dependencies come from modules.dep.
MODULES="libnvdimm nfit nd_pmem nd_btt dax_pmem ext4 xfs configfs null_blk
virtio_pci virtio_pmem virtio_console nd_e820"
# Host programs copied with their libraries; mke2fs by full path (busybox has one too).
TOOLS="/usr/sbin/mke2fs /usr/sbin/mkfs.xfs /usr/sbin/xfs_io /usr/bin/ndctl"

say() { printf 'initramfs.sh: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

is_elf() {
	[ "$(head -c 4 "$1" 2>/dev/null | od -An -c | tr -d ' ')" = '177ELF' ]
}

# Destination path in the merged-/usr guest tree.
guest_path() {
	case "$1" in
	/bin/* | /sbin/* | /lib/* | /lib64/*) echo "/usr$1" ;;
	*) echo "$1" ;;
	esac
}

# "module-file TAB guest-path" for every module the run needs, in load order.
module_list() {
	local kdir=$1 rel=$2 m line seen=" "
	for m in $MODULES ${DAXSTRESS_VM_MODULES:-}; do
		if ! line=$(modprobe -C /dev/null -d "$kdir" -S "$rel" --show-depends "$m" 2>/dev/null); then
			say "warning: module $m not found in $rel"
			continue
		fi
		echo "$line"
	done | while read -r kind path _; do
		[ "$kind" = insmod ] || continue
		case "$seen" in *" $path "*) continue ;; esac
		seen="$seen$path "
		printf '%s\t%s\n' "$path" "$(echo "${path#"$kdir"}" | sed -E 's/\.(xz|zst|gz)$//')"
	done
}

# Every shared library (and the loader) the ELF files on stdin need.
libs_of() {
	local f
	while read -r f; do
		ldd "$f" 2>/dev/null | sed -nE 's/.*=> (\/[^ ]+) .*/\1/p; s/^[[:space:]]*(\/[^ ]+) \(0x.*/\1/p'
	done | sort -u
}

# "source TAB guest-path" for every payload file and symlink.
payload_list() {
	local sub
	[ -n "$PAYLOAD" ] || return 0
	if [ -d "$PAYLOAD/usr" ]; then
		(cd "$PAYLOAD" && find . \( -type f -o -type l \) | LC_ALL=C sort) |
			while read -r t; do printf '%s\t%s\n' "$PAYLOAD/${t#./}" "${t#.}"; done
	elif [ -x "$PAYLOAD/bin/daxstress" ]; then
		printf '%s\t%s\n' "$PAYLOAD/bin/daxstress" /usr/bin/daxstress
		for sub in libexec/daxstress share/daxstress; do
			[ -d "$PAYLOAD/$sub" ] || continue
			(cd "$PAYLOAD" && find "$sub" \( -type f -o -type l \) | LC_ALL=C sort) |
				while read -r t; do printf '%s\t/usr/%s\n' "$PAYLOAD/$t" "$t"; done
		done
	else
		die "$PAYLOAD: neither usr/bin/daxstress nor bin/daxstress in it"
	fi
}

# DAXSTRESS_VM_NEW_XFSPROGS=1: trixie's mkfs.xfs with its own C library
# under /opt/xfsprogs (xfsprogs.sh), for the xfs-exchange filesystem.
new_xfsprogs() {
	local x t
	[ -n "${DAXSTRESS_VM_NEW_XFSPROGS:-}" ] || return 0
	x=$("$HERE/xfsprogs.sh") || die "cannot fetch trixie's xfsprogs (needed for xfs-exchange)"
	(cd "$x" && find sbin lib -type f | LC_ALL=C sort) | while read -r t; do
		printf '%s\t/opt/xfsprogs/%s\n' "$x/$t" "$t"
	done
}

# "source TAB guest-path" for busybox, the tools, their libraries and the init.
file_list() {
	local t
	local -a elfs=()
	printf '%s\t%s\n' /bin/busybox /usr/bin/busybox "$HERE/init" /init
	[ ! -f /etc/mke2fs.conf ] || printf '%s\t%s\n' /etc/mke2fs.conf /etc/mke2fs.conf
	for t in $TOOLS ${DAXSTRESS_VM_TOOLS:-}; do
		[ -x "$t" ] || die "$t not found (install e2fsprogs xfsprogs ndctl fio)"
		printf '%s\t%s\n' "$t" "$(guest_path "$t")"
		elfs+=("$t")
	done
	while IFS="$(printf '\t')" read -r t _; do
		[ -L "$t" ] || ! is_elf "$t" || elfs+=("$t")
	done <"$WORK/payload"
	new_xfsprogs
	[ ${#elfs[@]} -eq 0 ] && return 0
	printf '%s\n' "${elfs[@]}" | libs_of | while read -r t; do
		printf '%s\t%s\n' "$t" "$(guest_path "$t")"
	done
}

# Hash of everything that goes into the image.
inputs_hash() {
	{
		cat "$KDIR/release"
		cut -f2 "$WORK/files" "$WORK/modules" "$WORK/payload"
		cut -f1 "$WORK/files" "$WORK/modules" "$WORK/payload" |
			xargs -d '\n' sha256sum | cut -d' ' -f1
		sha256sum "$0" | cut -d' ' -f1
	} | sha256sum | cut -c1-16
}

copy_file() {
	local src=$1 dst=$STAGE$2
	mkdir -p "$(dirname "$dst")"
	cp -L "$src" "$dst"
}

stage_modules() {
	local rel src dst
	rel=$(cat "$KDIR/release")
	while IFS="$(printf '\t')" read -r src dst; do
		mkdir -p "$(dirname "$STAGE$dst")"
		case "$src" in
		*.xz) xz -dc "$src" >"$STAGE$dst" ;;
		*.zst) zstd -qdc "$src" >"$STAGE$dst" ;;
		*.gz) gzip -dc "$src" >"$STAGE$dst" ;;
		*) cp "$src" "$STAGE$dst" ;;
		esac
		echo "$dst"
	done <"$WORK/modules" >"$STAGE/etc/daxstress/modules.load"
	for f in modules.order modules.builtin modules.builtin.modinfo; do
		[ ! -f "$KDIR/lib/modules/$rel/$f" ] || cp "$KDIR/lib/modules/$rel/$f" "$STAGE/lib/modules/$rel/"
	done
	[ ! -s "$WORK/modules" ] || depmod -b "$STAGE" "$rel"
}

# Busybox applet links, where no real program of that name was copied.
stage_busybox() {
	local a dst
	busybox --list-full | while read -r a; do
		dst=$(guest_path "/$a")
		[ -e "$STAGE$dst" ] || [ -L "$STAGE$dst" ] || ln -s /usr/bin/busybox "$STAGE$dst"
	done
}

stage_tree() {
	local src dst
	mkdir -p "$STAGE"/usr/bin "$STAGE"/usr/sbin "$STAGE"/usr/lib "$STAGE"/usr/lib64 \
		"$STAGE"/etc/daxstress "$STAGE"/proc "$STAGE"/sys "$STAGE"/dev "$STAGE"/tmp \
		"$STAGE"/run "$STAGE"/mnt "$STAGE"/root "$STAGE"/var
	ln -s usr/bin "$STAGE/bin"
	ln -s usr/sbin "$STAGE/sbin"
	ln -s usr/lib "$STAGE/lib"
	ln -s usr/lib64 "$STAGE/lib64"
	while IFS="$(printf '\t')" read -r src dst; do
		mkdir -p "$(dirname "$STAGE$dst")"
		cp -P --preserve=mode "$src" "$STAGE$dst"
	done <"$WORK/payload"
	while IFS="$(printf '\t')" read -r src dst; do
		copy_file "$src" "$dst"
	done <"$WORK/files"
	ln -sf mke2fs "$STAGE/usr/sbin/mkfs.ext4"
	chmod 755 "$STAGE/init"
	stage_busybox
	stage_modules
	cp "$KDIR/release" "$STAGE/etc/daxstress/kernel.release"
}

compress() {
	if grep -q '^CONFIG_RD_ZSTD=y' "$KDIR/config" 2>/dev/null && command -v zstd >/dev/null; then
		zstd -q -T0 -6
	else
		gzip -6
	fi
}

main() {
	local t0 img hash out
	KDIR=${1:?usage: initramfs.sh KDIR [PAYLOAD_DIR|-] [OUT]}
	PAYLOAD=${2:-}
	out=${3:-}
	[ "$PAYLOAD" != - ] || PAYLOAD=""
	[ -f "$KDIR/release" ] || die "$KDIR: not a kernel directory (no release file)"
	KDIR=$(cd "$KDIR" && pwd)
	[ -z "$PAYLOAD" ] || [ -d "$PAYLOAD" ] || die "$PAYLOAD: no such payload directory"
	[ -z "$PAYLOAD" ] || PAYLOAD=$(cd "$PAYLOAD" && pwd)
	[ -n "${DAXSTRESS_VM_NO_FIO:-}" ] || TOOLS="$TOOLS /usr/bin/fio"
	command -v modprobe >/dev/null || die "modprobe not found (apt-get install kmod)"
	t0=$(date +%s.%N)
	mkdir -p "$CACHE"
	WORK=$(mktemp -d "$CACHE/.work.XXXXXX")
	trap 'rm -rf "$WORK"' EXIT
	module_list "$KDIR" "$(cat "$KDIR/release")" >"$WORK/modules"
	payload_list >"$WORK/payload"
	file_list >"$WORK/files"
	hash=$(inputs_hash)
	img=$CACHE/$(cat "$KDIR/release")-$hash.img
	if [ ! -f "$img" ]; then
		say "building $img"
		STAGE=$WORK/root
		stage_tree
		(cd "$STAGE" && find . -mindepth 1 | LC_ALL=C sort |
			cpio -o -H newc -R 0:0 --quiet | compress) >"$WORK/img"
		mv "$WORK/img" "$img"
		# Keep the three newest images of this kernel.
		find "$CACHE" -maxdepth 1 -name "$(cat "$KDIR/release")-*.img" -printf '%T@ %p\n' |
			sort -rn | tail -n +4 | cut -d' ' -f2- | xargs -r -d '\n' rm -f
		say "built $(du -h "$img" | cut -f1) in $(awk -v a="$t0" -v b="$(date +%s.%N)" \
			'BEGIN { printf "%.1f s", b - a }')"
	fi
	if [ -n "$out" ]; then
		ln -f "$img" "$out" 2>/dev/null || cp "$img" "$out"
		img=$out
	fi
	echo "$img"
}

main "$@"
