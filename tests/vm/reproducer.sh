#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Description: the standalone reproducer of the 6.1 finding
# (reproducers/odirect-truncate.c, libc only) run in the pmem VM with
# `daxstress vm --exec` on Debian 12's stock 6.1: it must catch the O_DIRECT
# missed wakeup on ext4 by itself, and the VM run must fail with its exit
# code (1), its KTAP output shown.
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
finish
