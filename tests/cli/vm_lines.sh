#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Description: the VM launcher's data channel with a stand-in QEMU that
# writes a finished guest run. A report line longer than the host's line
# buffer (a case's kernel trace tail is one JSON string of up to hundreds
# of KiB) must reach report.json whole, and a piece of it that happens to
# start like an event mark must not be taken for one.
. "$(dirname "$0")/../lib.sh"

dir=$(mktemp -d /tmp/daxstress-vmlines.XXXXXX)
# 38 KiB of trace text; the mark-looking text starts exactly where the
# host's 8191-byte line buffer cuts the line
long=$(head -c 30000 /dev/zero | tr '\0' 'x')
cat >"$dir/body" <<EOF2
	echo "TAP version 13"
	echo "1..1"
	echo "ok 1 ext4.fake"
	echo "\$m KTAP-END 2.0 ext4 0"
	echo "\$m JSON-BEGIN 2.1 ext4"
	printf '{"cases":[{"name":"ext4.fake","verdict":"pass","kernel_trace":{"tail":"%s' "$(head -c 8120 /dev/zero | tr '\0' 'y')"
	printf '@@DAXSTRESS DONE 9 1'
	printf '%s"}}]}\n' "$long"
	echo "\$m JSON-END 2.2 ext4"
	echo "\$m FS-END 2.3 ext4 0"
	echo "\$m DONE 2.4 0"
EOF2
fake_qemu "$dir/qemu" ext4 "$dir/body"
# the sanitizer build lives in build/asan, away from runner/vm: name it
out=$(DAXSTRESS_QEMU=$dir/qemu DAXSTRESS_VMDIR=$(pwd)/runner/vm "$DAXSTRESS" vm --kernel debian:6.1 --fs ext4 --accel tcg \
	--results "$dir/res" --timeout 120 2>&1)
rc=$?
rep=$(ls "$dir"/res/*/report.json 2>/dev/null | head -n 1)
expect_eq "stand-in guest: exit 0" "$rc" 0
c='.filesystems.ext4.result.cases[0]'
expect_eq "the long report line is parsed JSON" "$(jq -r "$c.verdict" "$rep" 2>&1)" pass
expect_eq "the long string arrived whole" "$(jq -r "$c.kernel_trace.tail | length" "$rep" 2>&1)" \
	$((8120 + 20 + 30000))
expect_match "the mark-looking piece was data, not an event" \
	"$(jq -r "$c.kernel_trace.tail" "$rep" 2>&1 | head -c 8150 | tail -c 40)" "@@DAXSTRESS DONE 9 1"
[ "$rc" -ne 0 ] && echo "$out" | tail -5 | sed 's/^/    /'
rm -rf "$dir"
finish
