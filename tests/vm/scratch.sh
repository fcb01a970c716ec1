#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Description: the VM's second NVDIMM and the evict-umount breaker on
# Debian 12's stock 6.1, ext4. The suite's filesystem must be on the larger
# (2 GiB) device whichever region number it got; the scratch one must be
# made fsdax, formatted and named to the case, which then mounts and
# unmounts it every break. On 6.1 eviction warns in dax_disassociate_entry
# (known issue evict-busy-pages-pre-6.15): the verdict must be that
# warning, reported XFAIL. A case that skipped would mean the chain broke.
. "$(dirname "$0")/../lib.sh"

res=$(mktemp -d /tmp/daxstress-vmscratch.XXXXXX)
cat >"$res/umount.conf" <<'SUITE'
[global]
workload = pin-truncate
size = 16M
duration = 8s
stall-timeout = 6s
grace = 2s

[evict-umount]
pin = pvm
break = evict-umount
SUITE
vm_run "$res" --kernel debian:6.1 --fs ext4 --suite "$res/umount.conf" --timeout 600
expect_eq "vm exits 0 (the warning is a known issue)" "$rc" 0
need_report
sectors=$(sed -nE 's/.*fsdax [0-9.]+ s: pmem[0-9]+ [a-z]+ ([0-9]+);.*/\1/p' "$res/out.txt")
[ "${sectors:-0}" -gt 3000000 ] && ok "the suite's filesystem is on the 2 GiB NVDIMM ($sectors sectors)" ||
	not_ok "the suite's filesystem is on a device of '$sectors' sectors, not the 2 GiB one"
c='.filesystems.ext4.result.cases[] | select(.suite_case == "evict-umount")'
expect_eq "evict-umount ran (not skipped)" "$(jq -r "$c | .verdict" "$rep")" xfail
expect_eq "evict-umount measured the eviction warning" "$(jq -r "$c | .raw_verdict" "$rep")" kernel-warning
expect_match "the warning is dax_disassociate_entry's" "$(jq -r "$c | .reason" "$rep")" dax_disassociate_entry
b=$(jq -r "$c | .counters.break_ops" "$rep")
[ "${b:-0}" -ge 3 ] && ok "evict-umount: $b mount-evict-unmount breaks" ||
	not_ok "evict-umount: '$b' breaks"
expect_match "the guest formatted the scratch NVDIMM" \
	"$(cat "$(dirname "$rep")/console.log")" "scratch nvdimm: /dev/pmem[0-9]"
rm -rf "$res"
finish
