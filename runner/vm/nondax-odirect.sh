#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Description: the non-DAX regression check of the 6.1 bio fix
# (configs/kernel-patches/6.1-bio-release-devmap-wake.patch), a guest
# program for `daxstress vm --exec runner/vm/nondax-odirect.sh`. The fix
# changes __bio_release_pages(), which every O_DIRECT bio of 6.1 completes
# through, so it is checked where no page is DAX: an ext4 on a memory-backed
# null_blk made through configfs (an ordinary blk-mq device), with fio doing
# O_DIRECT with verification from ordinary pages (malloc'd buffers) and from
# page-cache pages (buffers in a shared mapping of a file on that ext4),
# libaio at depth 16. Checks: fio verifies every block; the kernel logs no
# warning; the memory comes back once the device is gone (a reference left
# behind by the release path would keep pages allocated). Prints KTAP with
# the IOPS of each job; exit 0 when every check passes. DIR (the DAX mount
# daxstress vm passes) is not touched.
# Usage (in the guest): nondax-odirect.sh DIR [TARGET]
SECS=20
fail=0
n=0

say() { echo "# $*"; }
check() {	# check OK DESCRIPTION
	n=$((n + 1))
	if [ "$1" = 0 ]; then echo "ok $n $2"; else echo "not ok $n $2"; fail=1; fi
}
avail_kb() { awk '/^MemAvailable:/ { print $2 }' /proc/meminfo; }
field() {	# field JSONFILE KEY: the numbers after "KEY" : in fio's output, in order
	tr -d ' \n' <"$1" | grep -o "\"$2\":[0-9.]*" | sed 's/.*://' | tr '\n' ' '
}

MNT=/tmp/nondax
CFS=/sys/kernel/config
ND=$CFS/nullb/nondax
echo "TAP version 13"
echo "1..5"
cd / || exit 4
sync
echo 3 >/proc/sys/vm/drop_caches
before=$(avail_kb)
[ -d $CFS/nullb ] || mount -t configfs none $CFS 2>/dev/null
if ! mkdir $ND 2>/dev/null || ! { echo 1 >$ND/memory_backed && echo 512 >$ND/size &&
	echo 1 >$ND/power; }; then
	echo "Bail out! no configfs null_blk (CONFIG_BLK_DEV_NULL_BLK with configfs)"
	exit 4
fi
dev=
for i in 1 2 3 4 5 6 7 8 9 10; do
	for d in /dev/nondax "/dev/nullb$(cat $ND/index)"; do [ -b "$d" ] && dev=$d; done
	[ -n "$dev" ] && break
	sleep 0.2
done
mkdir -p $MNT
if [ -z "$dev" ] || ! /usr/sbin/mke2fs -q -t ext4 -F "$dev" >/dev/null 2>&1 ||
	! mount -t ext4 "$dev" $MNT; then
	echo "Bail out! cannot make an ext4 on the memory-backed null_blk ${dev:-(no node)}"
	exit 4
fi
DIR=$MNT
say "kernel $(uname -r), ext4 on $dev (memory-backed null_blk, 512 MiB, no DAX)"
dmesg -c >/dev/null

# job NAME EXTRA-ARGS...: one verified O_DIRECT fio run.
job() {
	name=$1
	shift
	fio --name="$name" --directory="$DIR" --direct=1 --ioengine=libaio --iodepth=16 \
		--rw=randrw --bs=16k --size=64M --time_based=1 --runtime="$SECS" \
		--verify=crc32c --verify_fatal=1 --do_verify=1 --output-format=json \
		"$@" >"/tmp/$name.json" 2>"/tmp/$name.err"
	rc=$?
	set -- $(field "/tmp/$name.json" iops)
	errs=$(field "/tmp/$name.json" error)
	errs=${errs%% *}
	say "$name: exit $rc, error ${errs:-?}, IOPS read ${1:-?} write ${2:-?} (fio --rw=randrw --bs=16k --iodepth=16, $SECS s)"
	[ "$rc" = 0 ] || tail -n 3 "/tmp/$name.err" | sed 's/^/#   /'
	[ "$rc" = 0 ] && [ "${errs:-1}" = 0 ]
}

job anon
check $? "O_DIRECT from malloc'd buffers: fio verified every block"
# fio maps the file as it is: it must hold iodepth x bs (256 KiB) already.
dd if=/dev/zero of="$DIR/buffers" bs=1M count=1 2>/dev/null
job pagecache --iomem=mmapshared:"$DIR/buffers"
check $? "O_DIRECT from page-cache buffers: fio verified every block"

warn=$(dmesg | grep -E 'WARNING|BUG|Bad page|refcount' | head -n 3)
[ -z "$warn" ] || say "kernel: $warn"
check "$([ -z "$warn" ]; echo $?)" "no kernel warning during the runs"

umount $MNT && echo 0 >$ND/power && rmdir $ND
check $? "the device went away (unmounted, powered off, removed)"
sync
echo 3 >/proc/sys/vm/drop_caches
after=$(avail_kb)
say "MemAvailable before $before kB, after $after kB"
# Within 64 MiB of where it started (MemAvailable moves by tens of MiB on its
# own here): each job made some 25,000 requests, so one page kept per request
# would hold about 100 MiB, and the device itself held up to 512 MiB.
check "$([ $((before - after)) -lt 65536 ]; echo $?)" "memory came back once the device was gone"
exit $fail
