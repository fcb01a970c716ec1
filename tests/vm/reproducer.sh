#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Description: the standalone reproducers of the findings, run in the pmem
# VM with `daxstress vm --exec`: reproducers/odirect-truncate.c must catch
# Debian 12's stock 6.1 O_DIRECT missed wakeup on ext4 by itself,
# reproducers/reflink-pin.c the 6.12 GUP livelock on xfs (deterministic),
# reproducers/reflink-cow-reuse.c the 6.1 fsdax CoW mark left on freed
# pages (a WARNING when the page is faulted again) on xfs (deterministic:
# in round 1, through a clone of the copy; its control, the clone only
# read, must not warn),
# reproducers/refault-truncate.c the 7.x truncate that a refaulted mapping
# keeps asleep, on ext4 and xfs
# (deterministic, through a 200 ms null_blk), and
# reproducers/cow-pinned-page.c the 7.x warning of a copy-on-write fault on
# a pinned reflinked page, on xfs (deterministic, the same null_blk). Each
# VM run fails with the reproducer's exit code, its KTAP output shown.
. "$(dirname "$0")/../lib.sh"

# repro LABEL KERNEL FS PROGRAM EXIT KTAP-LINE TEXT [VM-ARGS...]: PROGRAM
# exits EXIT on KERNEL and on each filesystem of FS (comma separated), with
# KTAP-LINE, and its output holds TEXT (an ERE). The VM exits 1 when the
# reproducer fails, 0 when it passes (EXIT 0: a control).
repro() {
	label=$1 kernel=$2 fs=$3 prog=$4 code=$5 line=$6 text=$7
	shift 7
	res=$(mktemp -d /tmp/daxstress-vmrepro.XXXXXX)
	vm_run "$res" --kernel "$kernel" --fs "$fs" --exec "$BUILD/reproducers/$prog" \
		--timeout 600 "$@"
	if [ "$code" = 0 ]; then
		expect_eq "$label: vm exits 0 (the reproducer passed)" "$rc" 0
	else
		expect_eq "$label: vm exits 1 (the reproducer failed)" "$rc" 1
	fi
	need_report
	for f in $(echo "$fs" | tr ',' ' '); do
		expect_eq "$label: $f: the reproducer's exit code is the filesystem's" \
			"$(jq -r ".filesystems[\"$f\"].exit_status" "$rep")" "$code"
	done
	expect_eq "$label: $line, once per filesystem" \
		"$(grep -cxF "$line" "$res/out.txt")" "$(echo "$fs" | tr ',' '\n' | grep -c .)"
	expect_match "$label: $text" "$(cat "$res/out.txt")" "$text"
	echo "# VM wall $(jq -r .times.wall_s "$rep") s"
	rm -rf "$res"
}

repro "6.1 odirect-truncate" debian:6.1 ext4 odirect-truncate 1 \
	"not ok 1 odirect-truncate # missed-wakeup" \
	"still asleep in ext4_break_layouts; a SA_RESTART signal made ftruncate complete"
repro "6.12 reflink-pin" debian:6.12 xfs reflink-pin 1 \
	"not ok 1 reflink-pin # livelock" \
	"livelock: the read-only pin of a reflinked DAX page ran in the kernel"
repro "6.1 reflink-cow-reuse" debian:6.1 xfs reflink-cow-reuse 1 \
	"not ok 1 reflink-cow-reuse # cow-mark-leak" \
	"round 1, .* s: a CoW-faulted page, .*WARNING: .* at fs/dax.c:[0-9]+ dax_insert_entry"
# its control: the same rounds with the clone read, not copied on write; the
# twin's read alone must not warn
repro "6.1 reflink-read-reuse" debian:6.1 xfs reflink-read-reuse 0 \
	"ok 1 reflink-read-reuse # pass" \
	"[0-9]+ rounds in .* s \(1024 KiB of a clone read, then read through its twin, each\): no warning"
repro "7.3 refault-truncate" debian:7.3 ext4,xfs refault-truncate 3 \
	"not ok 1 refault-truncate # blocked-by-mapping" \
	"blocked by the mapping: released when the file was unmapped, with no signal" \
	--append daxstress.nullb_nsec=200000000
repro "7.3 cow-pinned-page" debian:7.3 xfs cow-pinned-page 1 \
	"not ok 1 cow-pinned-page # cow-of-pinned-page-warning" \
	"WARNING: fs/dax.c:[0-9]+ at dax_disassociate_entry" \
	--append daxstress.nullb_nsec=200000000
finish
