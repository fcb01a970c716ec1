#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Description: `daxstress prepare` names the NVDIMM namespace behind the
# device (libndctl), and for a device that is none (a loop device, or any
# device on a host without NVDIMMs) it says why and goes on; its mounted
# check (libmount) names a mount point with a space as it is, unescaped.
# Uses a 32 MiB file-backed loop device (no DAX: --allow-nodax).
. "$(dirname "$0")/../lib.sh"

need_losetup ndns
dir=$(mktemp -d /tmp/daxstress-ndns.XXXXXX)
mkdir "$dir/mnt" "$dir/m nt"
loop_device ndns "$dir" 32M
cleanup() {
	umount "$dir/m nt" 2>/dev/null
	umount "$dir/mnt" 2>/dev/null
	losetup -d "$loop"
	rm -rf "$dir"
}
trap cleanup EXIT
P="$DAXSTRESS prepare --fs ext4 --device $loop"
if ls /sys/bus/nd/devices 2>/dev/null | grep -q '^ndbus'; then
	why="no namespace on the [0-9]+ NVDIMM bus(es)? has it as its block device"
else
	why="no NVDIMM bus \\(libndctl found none\\)"
fi

out=$($P --mount "$dir/mnt" 2>&1)
expect_eq "not a namespace, no DAX: refused" "$?" 2
expect_match "not a namespace: the usual advice" "$out" "cannot do DAX.*use a pmem device \\(fsdax namespace\\)"

out=$($P --mount "$dir/mnt" --allow-nodax -- true 2>&1)
expect_eq "not a namespace: prepare still runs (exit 0)" "$?" 0
expect_match "not a namespace: says why" "$out" "# prepare: $loop: $why: not a pmem namespace"
expect_match "not a namespace: formatted and mounted anyway" "$out" "mounted $loop on $dir/mnt: ext4"

mount "$loop" "$dir/m nt"
out=$($P --mount "$dir/mnt" --allow-nodax --force 2>&1)
expect_eq "mounted on a path with a space: refused" "$?" 2
expect_match "mounted: the path as it is, unescaped by libmount" "$out" "it is mounted on $dir/m nt; unmount it first"
umount "$dir/m nt"
finish
