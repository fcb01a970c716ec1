#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Description: a newer mkfs.xfs for the guest, from Debian trixie's
# xfsprogs, with the trixie C library it needs (Debian 12's glibc is too old
# for it). Debian 12's xfsprogs 6.1 cannot make the exchange-range feature
# (mkfs.xfs -i exchange=1, xfsprogs 6.10+), which XFS_IOC_EXCHANGE_RANGE
# requires; the guest's xfs-exchange filesystem is made with this one.
#
# Usage: xfsprogs.sh     prints the cached directory: sbin/mkfs.xfs, lib/
# (the loader and libraries). Run it as lib/ld-linux-x86-64.so.2
# --library-path lib sbin/mkfs.xfs. Progress goes to stderr.
set -euo pipefail

CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/daxstress
APTCACHE=$CACHE/apt
OUT=$CACHE/xfsprogs-trixie
# mkfs.xfs's NEEDED libraries (readelf -d) and the C library
PKGS="xfsprogs libc6 libblkid1 libuuid1 libinih1 liburcu8t64"
LIBS="ld-linux-x86-64.so.2 libc.so.6 libblkid.so.1 libuuid.so.1 libinih.so.1 liburcu.so.8"

say() { printf 'xfsprogs.sh: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

# shellcheck source=debian-apt.sh
. "$(dirname "$0")/debian-apt.sh"

main() {
	local tmp dir l v
	if [ -f "$OUT/.complete" ]; then
		echo "$OUT"
		return
	fi
	command -v dpkg-deb >/dev/null || die "dpkg-deb not found (apt-get install dpkg)"
	apt_setup trixie+trixie-updates+trixie-security "trixie trixie-updates" trixie-security
	dir=$APTCACHE/trixie+trixie-updates+trixie-security
	mkdir -p "$CACHE"
	tmp=$(mktemp -d "$CACHE/.xfsprogs.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	say "download $PKGS"
	# shellcheck disable=SC2046,SC2086
	(cd "$tmp" && apt-get $(apt_opts "$dir") download $PKGS >&2) ||
		die "apt-get download of trixie's xfsprogs failed"
	mkdir "$tmp/root" "$tmp/out" "$tmp/out/sbin" "$tmp/out/lib"
	for p in "$tmp"/*.deb; do
		dpkg-deb -x "$p" "$tmp/root"
	done
	cp "$tmp/root/usr/sbin/mkfs.xfs" "$tmp/out/sbin/"
	for l in $LIBS; do
		cp -L "$tmp/root/usr/lib/x86_64-linux-gnu/$l" "$tmp/out/lib/" ||
			die "$l is not in trixie's packages ($PKGS)"
	done
	v=$("$tmp/out/lib/ld-linux-x86-64.so.2" --library-path "$tmp/out/lib" \
		"$tmp/out/sbin/mkfs.xfs" -V) || die "trixie's mkfs.xfs does not run here"
	say "$v"
	touch "$tmp/out/.complete"
	rm -rf "$OUT"
	mv "$tmp/out" "$OUT"
	rm -rf "$tmp"
	trap - EXIT
	echo "$OUT"
}

main "$@"
