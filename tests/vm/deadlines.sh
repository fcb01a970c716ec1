#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Description: the VM's deadlines on a guest that goes wrong, cheaply: a
# guest that says nothing before the boot deadline (3 s, shorter than any
# TCG boot) and a guest kernel that panics (no init: rdinit=/nonexistent).
# Each must end with exit 2 within a few seconds of the event, a report
# whose status says what happened, the console kept, and no QEMU left.
. "$(dirname "$0")/../lib.sh"

res=$(mktemp -d /tmp/daxstress-vmdead.XXXXXX)

# vm_case NAME ARGS...: run the VM, leave $rc, $took, $rep, $out
vm_case() {
	name=$1
	shift
	start=$(date +%s)
	out=$("$DAXSTRESS" vm --kernel debian:6.1 --fs ext4 --results "$res/$name" "$@" 2>&1)
	rc=$?
	took=$(($(date +%s) - start))
	rep=$(ls "$res/$name"/*/report.json 2>/dev/null | head -n 1)
	echo "$out" | tail -3 | sed 's/^/    /'
}

# The deadlines are about the guest, so the initramfs is made first: after a
# change to the payload, building it takes a minute or more, which the
# timed runs below must not count (--dry-run resolves kernel and initramfs).
# A dry run keeps its temporary directory (the printed command names its
# initramfs) and says where: the test removes it, or every run left 35 MB.
warm=$("$DAXSTRESS" vm --kernel debian:6.1 --fs ext4 --results "$res/warm" --dry-run 2>&1) ||
	not_ok "vm --dry-run could not make the initramfs"
kept=$(echo "$warm" | sed -n 's/^daxstress vm: kept \(\/tmp\/daxstress-vm\.[A-Za-z0-9]*\)$/\1/p')
[ -z "$kept" ] || rm -rf "$kept"
expect_eq "the dry run said which directory it kept, and it is gone" "$([ -n "$kept" ] && ls -d "$kept" 2>&1)" \
	"ls: cannot access '$kept': No such file or directory"

vm_case silent --boot-timeout 3
expect_eq "silent guest: exit 2 (after ${took} s)" "$rc" 2
expect_eq "silent guest: status boot-timeout" "$(jq -r .status "$rep" 2>&1)" boot-timeout
expect_match "silent guest: says which deadline" "$out" "did not start within the boot deadline \\(3 s\\)"
expect_eq "silent guest: ends within 15 s" "$([ "$took" -le 15 ] && echo yes)" yes

vm_case panic --boot-timeout 120 --append "rdinit=/nonexistent"
expect_eq "panic: exit 2 (after ${took} s)" "$rc" 2
expect_eq "panic: status panic" "$(jq -r .status "$rep" 2>&1)" panic
expect_match "panic: the panic line is shown" "$out" "Kernel panic - not syncing"
expect_match "panic: the console is kept" "$(cat "$(dirname "$rep")/console.log")" "Kernel panic"
expect_eq "panic: ends long before the boot deadline" "$([ "$took" -le 60 ] && echo yes)" yes
expect_eq "no QEMU left behind" "$(pgrep -f "qemu-system.*$res" | tr '\n' ' ')" ""
rm -rf "$res"
finish
