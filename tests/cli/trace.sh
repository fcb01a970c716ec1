#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Description: `daxstress vm --trace FILE` refuses a malformed trace file with
# file:line before any boot; the peer503 baseline skips a non-DAX directory
# with the reason and, allowed, runs and reports its break mix.
. "$(dirname "$0")/../lib.sh"

dir=$(mktemp -d /tmp/daxstress-trace.XXXXXX)

printf 'r:dsbusy dax_layout_busy_page_range ret=$retval\nfilter dbusy ret != 0\n' >"$dir/bad.trace"
out=$("$DAXSTRESS" vm --trace "$dir/bad.trace" --kernel /nonexistent/bzImage --dry-run 2>&1); rc=$?
expect_eq "bad trace file: exit 2" "$rc" 2
expect_match "bad trace file: file, line and problem" "$out" "bad.trace:2: filter for 'dbusy', which no probe line above defines"
expect_match "bad trace file: refused before the kernel is looked at" "$(printf '%s' "$out" | grep -c nonexistent)" "^0$"

out=$("$DAXSTRESS" vm --trace "$dir/missing.trace" --dry-run 2>&1); rc=$?
expect_eq "missing trace file: exit 2" "$rc" 2
expect_match "missing trace file: named" "$out" "missing.trace: cannot read"

PEER=$BUILD/workloads/peer503
out=$("$PEER" --dir "$dir" --duration 1s 2>&1); rc=$?
expect_eq "peer503 on a non-DAX dir: exit 4 (skip)" "$rc" 4
expect_match "peer503 on a non-DAX dir: says why" "$out" "# SKIP .*without a dax mount option"

out=$("$PEER" --dir "$dir" --allow-nodax --target "$dir/target.dat" --duration 1s \
	--result "$dir/r.json" 2>&1); rc=$?
expect_eq "peer503 allowed: pass" "$rc" 0
expect_eq "peer503: breaks counted" "$(jq '.counters.break_ops > 0' "$dir/r.json")" true
expect_eq "peer503: every break kind ran" \
	"$(jq '[.break_mix[]] | map(select(. > 0)) | length' "$dir/r.json")" 4
expect_eq "peer503: removed its files" "$(ls "$dir" | grep -c '^peer503-\|^target')" 0

rm -rf "$dir"
finish
