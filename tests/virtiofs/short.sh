#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Description: one short case on virtiofs with a DAX window, on the cached
# parts (make virtiofs-prep) and the stock 6.12 kernel: the file is DAX
# (statx), truncate breaks layouts while process_vm_readv pins, the verdict
# is pass, and the run leaves no daemon, QEMU or shared directory behind.
# One boot: 93 s here under load, over make check's budget for one test, so
# make virtiofs-check runs it (tests/cli/virtiofs_opts.sh is make check's).
. "$(dirname "$0")/../lib.sh"

res=$(mktemp -d /tmp/daxstress-vfs.XXXXXX)
KERNEL=${VIRTIOFS_KERNEL:-debian:6.12}

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
expect_eq "the guest saw a 64 MiB window" "$(jq -r .fsdax "$rep")" "virtiofs window 0x4000000"
expect_eq "no QEMU or virtiofsd left" \
	"$(pgrep -f "qemu-system.*$res|virtiofsd.*$res" | tr '\n' ' ')" ""
expect_eq "the shared directory is removed" "$(ls -d "$res"/run/*/virtiofs-dir 2>/dev/null)" ""
rm -rf "$res"
finish
