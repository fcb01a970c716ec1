#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Description: the evict-umount breaker and its scratch device. No device
# named is a SKIP that says how to name one; a character device, a mounted
# device and a device without ext4 or xfs are errors that say what is wrong;
# an xfs loop device (no DAX: --allow-nodax, xfs mounts it without DAX)
# is mounted and unmounted by every op, and nothing is left mounted or
# behind afterwards. The test formats only its own loop device.
. "$(dirname "$0")/../lib.sh"

if [ "$(id -u)" -ne 0 ] || ! command -v losetup >/dev/null || ! command -v mkfs.xfs >/dev/null; then
	echo "ok - evict-umount # SKIP needs root, losetup and mkfs.xfs for a scratch loop device"
	exit 0
fi
dir=$(mktemp -d /tmp/daxstress-umount.XXXXXX)
mkdir "$dir/case" "$dir/other" "$dir/tmp"
# 320 MiB: mkfs.xfs refuses less than 300 MiB; sparse, so it costs nothing
loop_device evict-umount "$dir" 320M
cleanup() {
	umount "$dir/other" 2>/dev/null
	for m in "$dir"/tmp/daxstress-scratch.*; do
		[ -d "$m" ] && umount "$m" 2>/dev/null
	done
	losetup -d "$loop"
	rm -rf "$dir"
}
trap cleanup EXIT
WL=$BUILD/workloads/pin-truncate
export TMPDIR=$dir/tmp
unset DAXSTRESS_SCRATCH_DEV

# field NAME KEY: a field of case NAME's result
field() { jq -r ".$2" "$dir/$1.json"; }

# wl NAME [OPTIONS]: a 1 s case on the non-DAX case directory
wl() {
	name=$1
	shift
	"$WL" --dir "$dir/case" --allow-nodax --pin pvm --break evict-umount --size 4M \
		--owner-threads 0 --duration 1s --result "$dir/$name.json" "$@" 2>&1
}

out=$(wl none)
expect_eq "no scratch device: skip" "$(field none verdict)" skip
expect_match "no scratch device: says how to name one" "$(field none reason)" \
	"no scratch device.*scratch-dev.*DAXSTRESS_SCRATCH_DEV.*never formats"

wl chr --scratch-dev /dev/null >/dev/null
expect_eq "character device: error" "$(field chr verdict)" error
expect_match "character device: says so" "$(field chr reason)" "/dev/null is not a block device"

wl empty --scratch-dev "$loop" >/dev/null
expect_eq "no filesystem on it: error" "$(field empty verdict)" error
expect_match "no filesystem on it: says it must hold ext4 or xfs" \
	"$(field empty reason)" "did not mount as ext4 or xfs.*never formats"

# daxstress run --scratch-dev passes the device to every case
printf '[global]\nworkload = pin-truncate\npin = pvm\nbreak = evict-umount\nsize = 4M\n[um]\nduration = 1s\n' >"$dir/um.conf"
"$DAXSTRESS" run --dir "$dir/case" --allow-nodax --suite "$dir/um.conf" --scratch-dev /dev/null \
	--json "$dir/run.json" --quiet >/dev/null 2>&1
expect_match "run --scratch-dev reaches the case" "$(jget "$dir/run.json" um reason)" \
	"/dev/null is not a block device"

mkfs.xfs -q -f "$loop" || not_ok "mkfs.xfs on the test's own loop device"
mount "$loop" "$dir/other"
wl mounted --scratch-dev "$loop" >/dev/null
expect_eq "mounted elsewhere: error" "$(field mounted verdict)" error
expect_match "mounted elsewhere: names the mount" "$(field mounted reason)" \
	"is mounted at $dir/other"
umount "$dir/other"

# One thread mounts and unmounts: breakers = 2 (the default) starts one.
out=$(DAXSTRESS_SCRATCH_DEV=$loop wl xfs --breakers 2)
expect_eq "two breakers: runs" "$(field xfs verdict)" pass
expect_match "two breakers: one breaker thread started" "$out" "threads [0-9]+\\+[0-9]+\\+1,"

out=$(DAXSTRESS_SCRATCH_DEV=$loop wl xfs)
expect_eq "xfs loop device from the environment: pass" "$(field xfs verdict)" pass
b=$(field xfs counters.break_ops)
# At least one whole cycle: how many fit in 1 s is the host's speed (one,
# with kernel builds beside it), not something this test can promise.
[ "${b:-0}" -ge 1 ] && ok "xfs loop device: $b mount-write-umount ops in 1 s" ||
	not_ok "xfs loop device: '$b' ops: $(echo "$out" | tail -n 3)"
expect_eq "nothing left mounted" "$(grep -c "$dir" /proc/mounts)" 0
expect_eq "no mount point left behind" "$(ls "$dir/tmp" | wc -l)" 0
mount "$loop" "$dir/other"
expect_eq "its file is on the device, 2 MiB" "$(stat -c %s "$dir/other/daxstress-evict")" 2097152
umount "$dir/other"
finish
