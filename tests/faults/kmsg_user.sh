#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Description: a line a program writes to the kernel log is not a kernel
# warning, even when it says "WARNING:". A case with such a line logged in
# the middle of it passes (the kernel gives every line written to /dev/kmsg
# a non-kernel facility, and only facility 0 counts).
. "$(dirname "$0")/../lib.sh"

if [ "$(id -u)" -ne 0 ] || [ ! -w /dev/kmsg ] || [ ! -r /dev/kmsg ]; then
	echo "ok - program's WARNING line # SKIP needs root to write and read /dev/kmsg"
	exit 0
fi
dir=$(mktemp -d /tmp/daxstress-kmsguser.XXXXXX)
tag="daxstress-kmsg-user-test-$$"
printf '[global]\nworkload = pin-truncate\npin = plant-wake\nbreak = plant-wait\nsize = 8M\npin-size = 64k\n[clean]\nduration = 2s\n' \
	>"$dir/short.conf"
(sleep 0.5; echo "<4>WARNING: $tag (written by tests/faults/kmsg_user.sh, not a kernel warning)" \
	>/dev/kmsg) &
"$DAXSTRESS" run --dir "$dir" --allow-nodax --quiet --suite "$dir/short.conf" \
	--json "$dir/r.json" >"$dir/out" 2>&1
rc=$?
wait
expect_match "the line is in the kernel log" "$(dmesg 2>/dev/null | tail -n 200)" "$tag"
expect_eq "a program's WARNING line: the case passes" "$(jq -r '.cases[0].verdict' "$dir/r.json")" pass
expect_eq "a program's WARNING line: the run exits 0" "$rc" 0
rm -rf "$dir"
finish
