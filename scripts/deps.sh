#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Install the Debian packages daxstress needs, only those missing.
set -e
PKGS="gcc make pkg-config liburing-dev libpmem2-dev libndctl-dev libjson-c-dev
libinih-dev libblkid-dev libmount-dev libtracefs-dev libtraceevent-dev libarchive-dev libaio-dev libcmocka-dev jq qemu-system-x86 busybox-static xfsprogs e2fsprogs
ndctl fio cpio zstd xz-utils kmod rsync python3 python3-junitparser libxml2-utils yamllint
flex bison bc libelf-dev libssl-dev"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "deps: installing:$missing"
if [ "$(id -u)" -ne 0 ]; then
	echo "deps: not root: run 'sudo apt-get install$missing' and retry" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null || true
apt-get install -y -q --no-install-recommends $missing
