#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Description: a Debian kernel source tree for the kselftest and the patch
# series, fetched and unpacked once, with its UAPI headers installed
# (`make headers`, which kselftest's KHDR_INCLUDES needs).
#
# Usage: kselftest/ksrc.sh VER      (6.1, 6.12, 7.3: any debian:VER of configs/kernels)
#
# Prints the tree's directory, ${XDG_CACHE_HOME:-~/.cache}/daxstress/ksrc/linux-source-VER.
# The package comes from the suites `daxstress kernels --resolve debian:VER`
# names, read with the private apt lists of runner/vm/debian-apt.sh (the
# host's apt state is not touched). Nothing of the tree is ever committed.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/daxstress
APTCACHE=$CACHE/apt
KSRC=$CACHE/ksrc
say() { printf 'ksrc.sh: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }
# shellcheck source=../runner/vm/debian-apt.sh
. "$HERE/../runner/vm/debian-apt.sh"

[ $# -eq 1 ] || die "usage: $0 VER (a Debian kernel version: 6.1, 6.12, 7.3)"
ver=$1
tree=$KSRC/linux-source-$ver
mkdir -p "$KSRC"
exec 9>"$KSRC/.lock-$ver"
flock 9

fetch() {
	local suites key deb tmp
	local -a groups opts
	debian_resolve "debian:$ver"
	mapfile -t groups <<<"$KGROUPS"
	tmp=$(mktemp -d "$KSRC/.fetch.XXXXXX")
	# shellcheck disable=SC2064
	trap "rm -rf '$tmp'" EXIT
	for suites in "${groups[@]}"; do
		key=$(apt_key "$suites")
		compgen -G "$APTCACHE/$key/lists/*_Packages*" >/dev/null ||
			apt_setup "$key" "$suites"
		mapfile -t opts < <(apt_opts "$APTCACHE/$key")
		say "apt-get download $KSOURCE ($suites)"
		if (cd "$tmp" && apt-get "${opts[@]}" download "$KSOURCE" >&2); then
			deb=$(ls "$tmp"/*.deb)
			break
		fi
	done
	[ -n "${deb:-}" ] || die "no $KSOURCE in: $(echo "$KGROUPS" | paste -sd';' -)"
	dpkg-deb -x "$deb" "$tmp/deb"
	say "unpacking $(basename "$deb")"
	rm -rf "$tree"
	tar -C "$KSRC" -xf "$tmp/deb/usr/src/$KSOURCE.tar.xz"
	rm -rf "$tmp"
	trap - EXIT
	touch "$tree/.unpacked"
}

[ -f "$tree/.unpacked" ] || fetch
if [ ! -f "$tree/.headers" ]; then
	say "make headers in $tree"
	make -C "$tree" headers >"$tree/.headers.log" 2>&1 ||
		die "make headers failed: $tree/.headers.log"
	touch "$tree/.headers"
fi
echo "$tree"
