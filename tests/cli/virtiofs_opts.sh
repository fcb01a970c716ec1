#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Description: daxstress vm --fs virtiofs without booting: with no prepared
# cache every virtiofs case is a KTAP SKIP that names make virtiofs-prep
# (the launcher is told the cache is missing), exit 0 and nothing booted;
# virtiofs mixed with an NVDIMM filesystem and a window past the memory-slot
# limit are refused with a message.
. "$(dirname "$0")/../lib.sh"

res=$(mktemp -d /tmp/daxstress-vfsopts.XXXXXX)
# No cache: a SKIP per filesystem that says what to run, exit 0, no boot.
out=$(DAXSTRESS_VIRTIOFS_SKIP="virtiofs DAX parts not prepared (run make virtiofs-prep)" \
	DAXSTRESS_VMDIR=$(pwd)/runner/vm "$DAXSTRESS" vm --kernel debian:6.12 --fs virtiofs --results "$res/skip" 2>/dev/null)
rc=$?
expect_eq "no cache: exit 0" "$rc" 0
expect_match "no cache: a KTAP SKIP that names make virtiofs-prep" "$out" \
	"^ok 1 virtiofs # SKIP .*make virtiofs-prep"
expect_eq "no cache: nothing booted" "$(ls "$res/skip" 2>/dev/null | wc -l)" 0
out=$("$DAXSTRESS" vm --fs virtiofs,ext4 --dry-run 2>&1)
expect_match "virtiofs with an NVDIMM filesystem is refused" "$out" "in a run of its own"
out=$("$DAXSTRESS" vm --fs virtiofs --virtiofs-window 300M --dry-run 2>&1)
expect_match "a window over the memory-slot limit is refused" "$out" "2M..256M"

rm -rf "$res"
finish
