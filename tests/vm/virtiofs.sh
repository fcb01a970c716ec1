#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Description: one short case on virtiofs with a DAX window, on the cached
# parts (make virtiofs-prep) and the stock 6.12 kernel: the file is DAX
# (statx), truncate breaks layouts while process_vm_readv pins, the verdict
# is pass, and the run leaves no daemon, QEMU or shared directory behind.
# Also: without the cache every virtiofs case is a SKIP naming make
# virtiofs-prep (checked with the launcher told the cache is missing).
. "$(dirname "$0")/../lib.sh"

res=$(mktemp -d /tmp/daxstress-vfs.XXXXXX)
KERNEL=${VIRTIOFS_KERNEL:-debian:6.12}

# No cache: a SKIP per filesystem that says what to run, exit 0, no boot.
out=$(DAXSTRESS_VIRTIOFS_SKIP="virtiofs DAX parts not prepared (run make virtiofs-prep)" \
	"$DAXSTRESS" vm --kernel "$KERNEL" --fs virtiofs --results "$res/skip" 2>/dev/null)
rc=$?
expect_eq "no cache: exit 0" "$rc" 0
expect_match "no cache: a KTAP SKIP that names make virtiofs-prep" "$out" \
	"^ok 1 virtiofs # SKIP .*make virtiofs-prep"
expect_eq "no cache: nothing booted" "$(ls "$res/skip" 2>/dev/null | wc -l)" 0
out=$("$DAXSTRESS" vm --fs virtiofs,ext4 --dry-run 2>&1)
expect_match "virtiofs with an NVDIMM filesystem is refused" "$out" "in a run of its own"
out=$("$DAXSTRESS" vm --fs virtiofs --virtiofs-window 300M --dry-run 2>&1)
expect_match "a window over the memory-slot limit is refused" "$out" "2M..256M"

if ! runner/vm/virtiofs-prep.sh --check >/dev/null 2>&1; then
	echo "ok - virtiofs DAX case # SKIP no virtiofs cache (make virtiofs-prep)"
	rm -rf "$res"
	finish
fi

printf '[global]\nworkload = pin-truncate\nsize = 16M\npin-size = 256k\nstall-timeout = 8s\ngrace = 3s\n[pvm-truncate]\npin = pvm\nbreak = truncate\nduration = 8s\n' \
	>"$res/suite.conf"
mkdir -p "$res/run"
vm_run "$res/run" --kernel "$KERNEL" --fs virtiofs --suite "$res/suite.conf" \
	--virtiofs-window 64M --timeout 400
need_report
expect_eq "virtiofs run: exit 0" "$rc" 0
expect_eq "the mount is virtiofs with dax=always" \
	"$(jq -r '.filesystems.virtiofs.mount_options | test("dax=always")' "$rep")" true
expect_eq "the case's file is DAX (statx)" \
	"$(jq -r '.filesystems.virtiofs.result.cases[0].dax' "$rep")" true
expect_eq "verdict pass" "$(jq -r '.filesystems.virtiofs.result.cases[0].verdict' "$rep")" pass
expect_match "the guest saw the window" "$(cat "$(dirname "$rep")/console.log")" \
	"virtiofs.*Cache len: 0x4000000"
expect_eq "no QEMU or virtiofsd left" \
	"$(pgrep -f "qemu-system.*$res|virtiofsd.*$res" | tr '\n' ' ')" ""
expect_eq "the shared directory is removed" "$(ls -d "$res"/run/*/virtiofs-dir 2>/dev/null)" ""
rm -rf "$res"
finish
