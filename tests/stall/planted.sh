#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Description: the monitor, end to end through `daxstress run`, on planted
# user-space stalls (no DAX needed): an emulated missed wakeup must be
# classified missed-wakeup, a stall no signal resolves must be hang, and a
# clean run must pass with no false stall.
. "$(dirname "$0")/../lib.sh"

dir=$(mktemp -d /tmp/daxstress-stall.XXXXXX)
json=$dir/report.json
out=$("$DAXSTRESS" run --dir "$dir" --allow-nodax --suite configs/selftest-stall.conf --json "$json" \
	--junit "$dir/junit.xml")
rc=$?
echo "$out" | sed 's/^/    /'

expect_eq "run exits 1 (failures found)" "$rc" 1
expect_eq "missed-wake: verdict" "$(jget "$json" missed-wake verdict)" missed-wakeup
expect_eq "missed-wake: location" "$(jget "$json" missed-wake location)" "not in a DAX break-layouts path"
expect_eq "missed-wake: released by the signal step" \
	"$(jget "$json" missed-wake 'proof[] | select(.step == "signal") | .released')" true
expect_eq "missed-wake: not released by releasing the pins" \
	"$(jget "$json" missed-wake 'proof[] | select(.step == "release-pins") | .released')" false
# The breaker sleeps on in the plant's futex once the pin is dropped: the
# wait watch, not the 2 s no-progress timeout, starts the proof.
expect_eq "missed-wake: the wait watch started the proof" "$(jget "$json" missed-wake early)" true
expect_eq "missed-wake: noticed before the stall timeout" \
	"$(jget "$json" missed-wake 'stalled_s < 2')" true
expect_eq "stuck: verdict" "$(jget "$json" stuck verdict)" hang
expect_match "stuck: reason names the state" "$(jget "$json" stuck reason)" "state S"
expect_eq "clean: verdict" "$(jget "$json" clean verdict)" pass
expect_eq "clean: no stall" "$(jget "$json" clean detect_s)" null
expect_eq "clean: the wait watch started no proof" "$(jget "$json" clean wait_watch.early_proofs)" 0
expect_eq "every case dax: false" "$(jq '[.cases[].dax] | unique | tostring' "$json")" '"[false]"'
expect_match "KTAP plan" "$out" '^1\.\.3'
expect_match "KTAP missed-wake line" "$out" 'not ok 1 [a-z0-9]+\.missed-wake'
expect_match "KTAP clean line" "$out" 'ok 3 [a-z0-9]+\.clean'
for c in missed-wake stuck; do
	d=$(jget "$json" $c detect_s)
	echo "# $c: stall noticed after ${d} s, verdict after $(jget "$json" $c verdict_s) s"
done
# A real JUnit consumer (Debian's python3-junitparser) must read the XML.
got=$(/usr/bin/python3 -c '
import sys
from junitparser import JUnitXml
for s in JUnitXml.fromfile(sys.argv[1]):
    print(s.name, s.tests, s.failures, s.errors, s.skipped,
          " ".join(c.name + ":" + ",".join(type(r).__name__ for r in c.result) for c in s))
' "$dir/junit.xml" 2>&1)
expect_match "JUnit read by junitparser: 3 tests, 2 failures" "$got" "^daxstress\.[a-z0-9]+ 3 2 0 0 "
expect_match "JUnit: missed-wake and stuck are failures, clean passes" "$got" \
	"missed-wake:Failure .*stuck:Failure .*clean:$"
left=$(ls "$dir" | grep -v -e report.json -e junit.xml -e bundles)
expect_eq "case files removed" "$left" ""
rm -rf "$dir"
finish
