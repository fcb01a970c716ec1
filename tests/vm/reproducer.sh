#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Description: the standalone reproducers of the findings, run in the pmem
# VM with `daxstress vm --exec`: reproducers/odirect-truncate.c must catch
# Debian 12's stock 6.1 O_DIRECT missed wakeup on ext4 by itself, and
# reproducers/reflink-pin.c the 6.12 GUP livelock on xfs (deterministic);
# reproducers/reflink-cow-reuse.c the 6.1 fsdax CoW mark left on freed
# pages (a WARNING on reuse) on xfs;
# each VM run fails with the reproducer's exit code, its KTAP output shown.
. "$(dirname "$0")/../lib.sh"

res=$(mktemp -d /tmp/daxstress-vmrepro.XXXXXX)
vm_run "$res" --kernel debian:6.1 --fs ext4 --exec "$BUILD/reproducers/odirect-truncate" \
	--timeout 600
expect_eq "vm exits 1 (the reproducer failed)" "$rc" 1
need_report
expect_eq "the reproducer's exit code is the filesystem's" \
	"$(jq -r .filesystems.ext4.exit_status "$rep")" 1
expect_match "it proved a missed wakeup" "$(cat "$res/out.txt")" \
	"not ok 1 odirect-truncate # missed-wakeup"
expect_match "asleep in ext4's break-layouts" "$(cat "$res/out.txt")" \
	"still asleep in ext4_break_layouts; a SA_RESTART signal made ftruncate complete"
echo "# VM wall $(jq -r .times.wall_s "$rep") s"
rm -rf "$res"

res=$(mktemp -d /tmp/daxstress-vmrepro.XXXXXX)
vm_run "$res" --kernel debian:6.12 --fs xfs --exec "$BUILD/reproducers/reflink-pin" --timeout 600
expect_eq "6.12 reflink-pin: vm exits 1 (the reproducer failed)" "$rc" 1
need_report
expect_eq "6.12 reflink-pin: exit code 1, livelock" "$(jq -r .filesystems.xfs.exit_status "$rep")" 1
expect_match "6.12 reflink-pin: the pin spun in the kernel until SIGKILL" "$(cat "$res/out.txt")" \
	"not ok 1 reflink-pin # livelock"
echo "# VM wall $(jq -r .times.wall_s "$rep") s"
rm -rf "$res"
res=$(mktemp -d /tmp/daxstress-vmrepro.XXXXXX)
vm_run "$res" --kernel debian:6.1 --fs xfs --exec "$BUILD/reproducers/reflink-cow-reuse" --timeout 600
expect_eq "6.1 reflink-cow-reuse: vm exits 1 (the reproducer failed)" "$rc" 1
need_report
expect_eq "6.1 reflink-cow-reuse: exit code 1, the warning" "$(jq -r .filesystems.xfs.exit_status "$rep")" 1
expect_match "6.1 reflink-cow-reuse: the CoW mark outlived the page's owner" "$(cat "$res/out.txt")" \
	"not ok 1 reflink-cow-reuse # cow-mark-leak"
expect_match "6.1 reflink-cow-reuse: the warning is dax_associate_entry's, in a fault" "$(cat "$res/out.txt")" \
	"WARNING: .* at fs/dax.c:[0-9]+ dax_insert_entry"
echo "# VM wall $(jq -r .times.wall_s "$rep") s"
rm -rf "$res"
finish
