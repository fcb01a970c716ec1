#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Description: the reports around a run, on planted stalls (no DAX needed):
# the planted suite split with --shard 1/2 and 2/2 and joined again with
# daxstress merge; a repro bundle for each failing case and none for the
# passing one; daxstress repro on the missed-wakeup bundle reproduces it;
# the HTML page and the timeline SVGs are well-formed XML (xmllint) and link
# what exists; the status line shows on a non-terminal and not with --quiet.
. "$(dirname "$0")/../lib.sh"

suite=configs/selftest-stall.conf
d=$(mktemp -d /tmp/daxstress-report.XXXXXX)
"$DAXSTRESS" run --dir "$d" --allow-nodax --suite $suite --json "$d/s1.json" \
	--html "$d/html" --junit "$d/j1.xml" --shard 1/2 >"$d/out1" 2>"$d/err1" &
pid=$!
"$DAXSTRESS" run --dir "$d" --allow-nodax --suite $suite --json "$d/s2.json" \
	--bundles "$d/b2" --shard 2/2 --quiet >"$d/out2" 2>"$d/err2"
rc2=$?
wait $pid
rc1=$?
sed 's/^/    /' "$d/out1" "$d/out2"
expect_eq "shard 1/2 exits 1 (missed-wake found)" "$rc1" 1
expect_eq "shard 2/2 exits 1 (stuck found)" "$rc2" 1
expect_match "shard 1/2 plans 2 cases" "$(cat "$d/out1")" '^1\.\.2$'
expect_match "shard 2/2 plans 1 case" "$(cat "$d/out2")" '^1\.\.1$'
expect_eq "shard 1/2 ran cases 1 and 3" "$(jq -c '[.cases[].suite_case]' "$d/s1.json")" '["missed-wake","clean"]'
expect_eq "shard 2/2 ran case 2" "$(jq -c '[.cases[].suite_case]' "$d/s2.json")" '["stuck"]'

# merge: the whole suite again, in suite order
"$DAXSTRESS" merge "$d/m.json" "$d/s2.json" "$d/s1.json"
expect_eq "merge exits 0" "$?" 0
expect_eq "merged cases in suite order" "$(jq -c '[.cases[].suite_case]' "$d/m.json")" '["missed-wake","stuck","clean"]'
expect_eq "merged totals" "$(jq -c '[.totals.pass, .totals.fail]' "$d/m.json")" '[1,2]'
expect_eq "merged report is complete" "$(jq -c '[.complete, .shards]' "$d/m.json")" '[true,["2/2","1/2"]]'
"$DAXSTRESS" merge "$d/half.json" "$d/s1.json" 2>"$d/merr"
expect_match "one shard of two: said and recorded" "$(cat "$d/merr") $(jq .complete "$d/half.json")" '1 of 2 shards.* false$'
"$DAXSTRESS" merge "$d/x.json" "$d/s1.json" "$d/s1.json" 2>"$d/merr"
expect_eq "overlapping shards: exit 2" "$?" 2
expect_match "overlapping shards: said" "$(cat "$d/merr")" 'is in .* overlapping shards'
# vm reports (per filesystem under "filesystems") merge the same way
for i in 1 2; do
	jq "{kernel_spec: \"debian:6.1\", shard: .shard, filesystems: {ext4: {exit_status: 1, result: .}}}" \
		"$d/s$i.json" >"$d/vm$i.json"
done
"$DAXSTRESS" merge "$d/vm.json" "$d/vm1.json" "$d/vm2.json"
expect_eq "vm reports merge per filesystem" \
	"$(jq -c '[.filesystems.ext4.result.cases[].suite_case, .filesystems.ext4.result.complete]' "$d/vm.json")" \
	'["missed-wake","stuck","clean",true]'
echo '{}' >"$d/bad.json"
"$DAXSTRESS" merge "$d/x.json" "$d/bad.json" 2>"$d/merr"
expect_match "not a report: exit 2 and said" "$? $(cat "$d/merr")" '^2 .*not a daxstress run report'

# bundles: one per failing case, with what a person needs
mw=$(ls -d "$d"/html/bundles/*.missed-wake 2>/dev/null)
expect_match "missed-wake bundle made beside the HTML page" "$mw" 'missed-wake$'
expect_eq "no bundle for the passing case" "$(ls "$d/html/bundles" | grep -c clean)" 0
expect_match "stuck bundle made in --bundles" "$(ls "$d/b2")" 'stuck$'
for f in README.txt case.conf commands.txt bundle.json result.json threads.txt dmesg.txt \
	sysrq-w.txt timeline.tsv timeline.svg kernel.txt; do
	[ -s "$mw/$f" ] || not_ok "bundle file $f missing or empty"
done
ok "bundle files present"
seed=$(jget "$d/s1.json" missed-wake seed)
expect_match "case.conf has the seed" "$(cat "$mw/case.conf")" "^seed = $seed\$"
expect_match "README says what was found" "$(cat "$mw/README.txt")" 'Verdict: missed-wakeup'
expect_match "README says how to run it again" "$(cat "$mw/README.txt")" "daxstress repro $mw --dir"
expect_match "threads after each proof step" "$(grep -c '^=== ' "$mw/threads.txt")" '^4$'
n=$(awk 'NR > 1' "$mw/timeline.tsv" | wc -l)
want=$(jget "$d/s1.json" missed-wake 'verdict_s / 0.25 | floor')
expect_eq "timeline samples every 250 ms ($n for $(jget "$d/s1.json" missed-wake verdict_s) s)" \
	"$(( n >= want - 1 && n <= want + 2 ))" 1
if [ -r /dev/kmsg ] && [ "$(id -u)" -eq 0 ]; then
	expect_match "dmesg.txt starts at the case's marker" "$(head -n 1 "$mw/dmesg.txt")" \
		'daxstress: case [a-z0-9]+\.missed-wake start'
else
	echo "# SKIP dmesg.txt check: /dev/kmsg is not readable as $(id -un)"
fi
expect_eq "report links the bundle" "$(jget "$d/s1.json" missed-wake bundle)" "$mw"

# JUnit names the bundle where CI shows the failure's output
got=$(/usr/bin/python3 -c '
import sys
from junitparser import JUnitXml
for s in JUnitXml.fromfile(sys.argv[1]):
    for c in s:
        print(c.name, ",".join(type(r).__name__ for r in c.result), (c.system_out or "").strip())
' "$d/j1.xml" 2>&1)
expect_match "JUnit (junitparser): missed-wake failed, its bundle in system-out" "$got" \
	"missed-wake Failure repro bundle: $mw "
expect_match "JUnit (junitparser): clean passed, no bundle" "$got" 'clean  *$'

# the status line: plain lines when stderr is no terminal, none with --quiet
expect_match "progress lines on a non-terminal" "$(cat "$d/err1")" \
	'progress: [a-z0-9]+\.clean .*ops/s owner [0-9]+ pin [0-9]+ break [0-9]+ \| stall'
expect_eq "--quiet: no progress lines" "$(grep -c progress: "$d/err2")" 0

# HTML and SVG: well-formed, linking what exists
for f in "$d/html/index.html" "$d"/html/timelines/*.svg "$mw/timeline.svg"; do
	err=$(xmllint --noout "$f" 2>&1)
	expect_eq "well-formed XML: ${f#"$d"/}" "$err" ""
done
svg=$(ls "$d"/html/timelines/*.missed-wake.svg)
expect_eq "missed-wake timeline: stall shaded, detection and 3 proof steps marked" \
	"$(grep -c 'class="stall"' "$svg") $(grep -c 'class="mark"' "$svg")" "1 4"
expect_eq "clean timeline: no stall marked" "$(grep -c 'class="stall"' "$d"/html/timelines/*.clean.svg)" 0
expect_eq "every role has a curve" "$(grep -c 'class="lane-' "$svg")" 4
for href in $(grep -o 'href="[^"#]*"' "$d/html/index.html" | sed 's/href="//; s/"$//'); do
	[ -e "$d/html/$href" ] || not_ok "index.html links $href, which does not exist"
done
expect_match "index.html links the bundle" "$(cat "$d/html/index.html")" 'href="bundles/[a-z0-9]+\.missed-wake/README.txt"'

# repro: same case, same seed, same verdict
out=$("$DAXSTRESS" repro "$mw" --dir "$d" --quiet)
rc=$?
echo "$out" | grep '^# repro' | sed 's/^/    /'
expect_eq "repro of the missed-wake bundle exits 1 (bad, as git bisect run reads it)" "$rc" 1
expect_match "repro says it reproduced and how fast" "$out" 'REPRODUCED missed-wakeup .*stall noticed [0-9.]+ s into the case'
expect_match "repro ran the bundle's seed" "$out" "seed $seed"
"$DAXSTRESS" repro "$d/nothing" --dir "$d" 2>"$d/rerr"
expect_match "repro of a non-bundle: exit 125 (cannot run) and said" "$? $(cat "$d/rerr")" '^125 .*is not a repro bundle'
"$DAXSTRESS" repro "$mw" 2>"$d/rerr"
expect_match "repro without a place: exit 125 and said" "$? $(cat "$d/rerr")" '^125 .*--dir DIR .* or --vm'
"$DAXSTRESS" repro "$mw" --vm 2>"$d/rerr"
expect_match "repro --vm of a host bundle needs --kernel" "$? $(cat "$d/rerr")" '^125 .*add --kernel SPEC'
"$DAXSTRESS" run --dir "$d" --allow-nodax --shard 3/2 2>"$d/rerr"
expect_match "--shard 3/2 refused" "$? $(cat "$d/rerr")" '^2 .*K/N with 1 <= K <= N'
left=$(ls "$d" | grep -c '\.dat$')
expect_eq "case files removed" "$left" 0
rm -rf "$d"
finish
