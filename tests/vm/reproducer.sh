#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Description: the standalone reproducers of the findings, run in the pmem
# VM with `daxstress vm --exec`: reproducers/odirect-truncate.c must catch
# Debian 12's stock 6.1 O_DIRECT missed wakeup on ext4 by itself,
# reproducers/reflink-pin.c the 6.12 GUP livelock on xfs (deterministic),
# and reproducers/reflink-cow-reuse.c the 6.1 fsdax CoW mark left on freed
# pages (a WARNING on reuse) on xfs; each VM run fails with the
# reproducer's exit code, its KTAP output shown.
. "$(dirname "$0")/../lib.sh"

# repro LABEL KERNEL FS PROGRAM KTAP-LINE TEXT: PROGRAM fails on KERNEL and
# FS (exit 1) with KTAP-LINE, and its output holds TEXT (an ERE).
repro() {
	res=$(mktemp -d /tmp/daxstress-vmrepro.XXXXXX)
	vm_run "$res" --kernel "$2" --fs "$3" --exec "$BUILD/reproducers/$4" --timeout 600
	expect_eq "$1: vm exits 1 (the reproducer failed)" "$rc" 1
	need_report
	expect_eq "$1: the reproducer's exit code is the filesystem's" \
		"$(jq -r ".filesystems.$3.exit_status" "$rep")" 1
	expect_match "$1: $5" "$(cat "$res/out.txt")" "$5"
	expect_match "$1: $6" "$(cat "$res/out.txt")" "$6"
	echo "# VM wall $(jq -r .times.wall_s "$rep") s"
	rm -rf "$res"
}

repro "6.1 odirect-truncate" debian:6.1 ext4 odirect-truncate \
	"not ok 1 odirect-truncate # missed-wakeup" \
	"still asleep in ext4_break_layouts; a SA_RESTART signal made ftruncate complete"
repro "6.12 reflink-pin" debian:6.12 xfs reflink-pin \
	"not ok 1 reflink-pin # livelock" \
	"livelock: the read-only pin of a reflinked DAX page ran in the kernel"
repro "6.1 reflink-cow-reuse" debian:6.1 xfs reflink-cow-reuse \
	"not ok 1 reflink-cow-reuse # cow-mark-leak" \
	"WARNING: .* at fs/dax.c:[0-9]+ dax_insert_entry"
finish
