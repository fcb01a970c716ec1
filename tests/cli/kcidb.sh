#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Description: KCIDB v5 JSON from `daxstress run --kcidb`, `daxstress merge
# --kcidb` and `daxstress vm --kcidb` (a stand-in QEMU), on the planted
# stalls (no DAX needed): version 5, statuses in KCIDB's set, test paths
# daxstress.<fs>.<case>, ids unique and every reference resolving, numeric
# durations, the known issue as an issue with incidents; merge of one shard
# of two lists the other shard's case as MISS in every format it writes;
# the shard from DAXSTRESS_SHARD and JOB_COMPLETION_INDEX; stable titles.
. "$(dirname "$0")/../lib.sh"

d=$(mktemp -d /tmp/daxstress-kcidb.XXXXXX)
# one known issue that reproduces (the planted missed wakeup) and one that
# matches the clean case and does not
cat >"$d/known" <<'EOF'
[planted-nowake]
kernel = 0.0.0 - 999.999.999
pin = plant-nowake
verdict = missed-wakeup
reason = the planted futex wait that is never woken
link = https://example.org/planted-nowake

[planted-clean]
kernel = 0.0.0 - 999.999.999
pin = plant-wake
verdict = hang
reason = never happens
link = docs/none.md
EOF

# shard 1 of 2 from the environment: missed-wake and clean
DAXSTRESS_SHARD=1/2 "$DAXSTRESS" run --dir "$d" --allow-nodax --suite configs/selftest-stall.conf \
	--known-issues "$d/known" --json "$d/s1.json" --kcidb "$d/run.kcidb.json" --quiet >"$d/out" 2>&1
echo "run exit $?" | sed 's/^/    /'
expect_eq "DAXSTRESS_SHARD=1/2: the run is shard 1/2" "$(jq -r .shard "$d/s1.json")" "1/2"
expect_eq "DAXSTRESS_SHARD=1/2: cases 1 and 3" "$(jq -c '[.cases[].suite_case]' "$d/s1.json")" \
	'["missed-wake","clean"]'
expect_eq "report: stable title of the missed wakeup" \
	"$(jget "$d/s1.json" missed-wake title)" "missed-wakeup in futex_do_wait"
expect_eq "report: no title for a pass" "$(jget "$d/s1.json" clean title)" null

# check_kcidb WHAT FILE: the schema's rules that matter, with jq
check_kcidb() {
	k=$2
	expect_eq "$1: version 5" "$(jq -c '[.version.major, (.version.minor | type)]' "$k")" '[5,"number"]'
	expect_eq "$1: every top-level list" \
		"$(jq -c '[.checkouts, .builds, .tests, .issues, .incidents | type] | unique' "$k")" '["array"]'
	expect_eq "$1: statuses in KCIDB's set" \
		"$(jq '[.tests[].status | select(IN("FAIL","ERROR","MISS","PASS","DONE","SKIP") | not)] | length' "$k")" 0
	expect_eq "$1: paths daxstress.<fs>.<case>" \
		"$(jq '[.tests[].path | select(test("^daxstress\\.[a-zA-Z0-9_-]+\\.[a-zA-Z0-9_-]+$") | not)] | length' "$k")" 0
	expect_eq "$1: ids origin:..., origin daxstress" \
		"$(jq '[(.checkouts, .builds, .tests, .issues, .incidents)[] | select((.id | startswith("daxstress:") | not) or .origin != "daxstress")] | length' "$k")" 0
	expect_eq "$1: ids unique" \
		"$(jq '[(.checkouts, .builds, .tests, .issues, .incidents)[].id] | (length == (unique | length))' "$k")" true
	expect_eq "$1: every reference resolves" "$(jq '
		([.checkouts[].id]) as $c | ([.builds[].id]) as $b | ([.tests[].id]) as $t | ([.issues[].id]) as $i |
		[(.builds[] | .checkout_id | IN($c[])), (.tests[] | .build_id | IN($b[])),
		 (.incidents[] | (.test_id | IN($t[])) and (.build_id | IN($b[])) and (.issue_id | IN($i[])))] | all' "$k")" true
	expect_eq "$1: durations numeric" "$(jq '[.tests[].duration | type] | unique | tostring' "$k")" '"[\"number\"]"'
	expect_eq "$1: start times RFC 3339 (UTC)" \
		"$(jq '[.tests[] | select(.start_time) | select(.start_time | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]+)?Z$") | not)] | length' "$k")" 0
	expect_eq "$1: a start time on every test that ran" \
		"$(jq '[.tests[] | select(.status != "MISS" and (.start_time | type) != "string")] | length' "$k")" 0
	expect_eq "$1: log excerpts within 16 KiB" \
		"$(jq '[.tests[].log_excerpt | select(length > 16384)] | length' "$k")" 0
	expect_eq "$1: misc.verdict on every test" "$(jq '[.tests[] | select(.misc.verdict | type != "string")] | length' "$k")" 0
}

k=$d/run.kcidb.json
check_kcidb "run --kcidb" "$k"
t='.tests[] | select(.path | endswith(".missed-wake"))'
expect_eq "run: the expected failure is a FAIL with the raw verdict" \
	"$(jq -c "$t | [.status, .misc.verdict, .misc.reported_verdict, .misc.expected_failure]" "$k")" \
	'["FAIL","missed-wakeup","xfail",true]'
expect_eq "run: number is the time to the verdict in s" \
	"$(jq -r "$t | [.number.unit, (.number.value > 0)] | @tsv" "$k")" "$(printf 's\ttrue')"
expect_match "run: log excerpt has the reason, the proof and the stack" \
	"$(jq -r "$t | .log_excerpt" "$k" | tr '\n' ' ')" 'known issue planted-nowake.*proof signal: completed.*stack of break.0'
expect_eq "run: the clean case passes" \
	"$(jq -r '.tests[] | select(.path | endswith(".clean")) | .status' "$k")" PASS
expect_eq "run: one issue per matched known issue, report_url only for a URL" \
	"$(jq -c '[.issues[] | [.id, .version, .report_url]] | sort' "$k")" \
	'[["daxstress:issue:planted-clean",1,null],["daxstress:issue:planted-nowake",1,"https://example.org/planted-nowake"]]'
expect_eq "run: incidents present for the reproduced issue, absent for the other" \
	"$(jq -c '[.incidents[] | [.issue_id, .present, .comment]] | sort' "$k")" \
	'[["daxstress:issue:planted-clean",false,"known issue did not reproduce"],["daxstress:issue:planted-nowake",true,"missed-wakeup in futex_do_wait"]]'

# merge of one shard: the other shard's case is MISS everywhere
"$DAXSTRESS" merge --kcidb "$d/m.kcidb.json" --junit "$d/m.xml" --ktap "$d/m.ktap" --html "$d/html" \
	"$d/m.json" "$d/s1.json" 2>"$d/merr"
expect_eq "merge of one shard of two: exit 0" "$?" 0
expect_eq "merge: the missing case is listed, in suite order" \
	"$(jq -c '[.cases[] | [.suite_case, .verdict]]' "$d/m.json")" \
	'[["missed-wake","xfail"],["stuck","miss"],["clean","pass"]]'
expect_eq "merge: its reason" "$(jget "$d/m.json" stuck reason)" "no shard reported this case"
expect_eq "merge: totals count it" "$(jq -c '[.totals.miss, .complete]' "$d/m.json")" '[1,false]'
check_kcidb "merge --kcidb" "$d/m.kcidb.json"
expect_eq "merge: the missing case is a MISS test with no number" \
	"$(jq -c '.tests[] | select(.path | endswith(".stuck")) | [.status, .misc.verdict, .number]' "$d/m.kcidb.json")" \
	'["MISS","miss",null]'
expect_match "merge: KTAP names it" "$(cat "$d/m.ktap")" \
	'^not ok 2 [a-z0-9]+\.stuck # error miss: no shard reported this case$'
expect_match "merge: KTAP plan and totals" "$(sed -n '2p;$p' "$d/m.ktap" | tr '\n' ' ')" \
	'^1\.\.3 # Totals: pass:1 fail:0 xfail:1 xpass:0 skip:0 error:1 $'
got=$(/usr/bin/python3 -c '
import sys
from junitparser import JUnitXml
for s in JUnitXml.fromfile(sys.argv[1]):
    for c in s:
        print(c.name, ",".join(type(r).__name__ + ":" + (r.type or "") for r in c.result))
' "$d/m.xml" 2>&1)
expect_match "merge: JUnit (junitparser) has the MISS as an error of type miss" "$got" 'stuck Error:miss'
expect_match "merge: HTML lists it" "$(cat "$d/html/index.html" 2>&1)" 'stuck'

# the shard from the environment: an explicit --shard wins; Kubernetes' index
printf '[global]\nworkload = pin-truncate\npin = plant-wake\nbreak = plant-wait\nsize = 8M\npin-size = 64k\nstall-timeout = 2s\n[a]\nduration = 1s\n[b]\nduration = 1s\n' >"$d/two.conf"
DAXSTRESS_SHARD=2/2 "$DAXSTRESS" run --dir "$d" --allow-nodax --suite "$d/two.conf" --shard 1/2 \
	--json "$d/x.json" --quiet >/dev/null 2>&1
expect_eq "--shard 1/2 wins over DAXSTRESS_SHARD=2/2" "$(jq -c '[.shard, .cases[].suite_case]' "$d/x.json")" '["1/2","a"]'
JOB_COMPLETION_INDEX=1 DAXSTRESS_SHARDS=2 "$DAXSTRESS" run --dir "$d" --allow-nodax --suite "$d/two.conf" \
	--json "$d/y.json" --quiet >/dev/null 2>&1
expect_eq "JOB_COMPLETION_INDEX=1 of DAXSTRESS_SHARDS=2 is shard 2/2" \
	"$(jq -c '[.shard, .cases[].suite_case]' "$d/y.json")" '["2/2","b"]'
JOB_COMPLETION_INDEX=1 "$DAXSTRESS" run --dir "$d" --allow-nodax --suite "$d/two.conf" 2>"$d/err" >/dev/null
expect_match "JOB_COMPLETION_INDEX without DAXSTRESS_SHARDS: exit 2, said" "$? $(cat "$d/err")" \
	'^2 .*no DAXSTRESS_SHARDS'
DAXSTRESS_SHARD=3/2 "$DAXSTRESS" run --dir "$d" --allow-nodax 2>"$d/err" >/dev/null
expect_match "DAXSTRESS_SHARD=3/2 refused" "$? $(cat "$d/err")" '^2 DAXSTRESS_SHARD|^2 .*DAXSTRESS_SHARD=.3/2'

# vm --kcidb, with a stand-in QEMU that writes a finished guest run
jq -c '.cases[0] |= (.location = "wait_page_idle < dax_break_layout < xfs_break_dax_layouts" | .in_dax_path = true
	| .raw_verdict = "blocked-by-mapping")' "$d/s1.json" >"$d/guest.json"
cat >"$d/body" <<EOF2
	echo "TAP version 13"
	echo "1..0"
	echo "\$m KTAP-END 2.0 xfs 1"
	echo "\$m JSON-BEGIN 2.1 xfs"
	cat "$d/guest.json"
	echo "\$m JSON-END 2.2 xfs"
	echo "\$m FS-END 2.3 xfs 1"
	echo "\$m DONE 2.4 1"
EOF2
fake_qemu "$d/qemu" xfs "$d/body"
DAXSTRESS_QEMU=$d/qemu DAXSTRESS_VMDIR=$(pwd)/runner/vm "$DAXSTRESS" vm --kernel debian:6.1 --fs xfs --accel tcg \
	--results "$d/res" --timeout 120 --kcidb "$d/vm.kcidb.json" >"$d/vmout" 2>&1
rc=$?
expect_eq "vm --kcidb with a stand-in guest: exit 1 (failures)" "$rc" 1
[ "$rc" -gt 1 ] && tail -5 "$d/vmout" | sed 's/^/    /'
check_kcidb "vm --kcidb" "$d/vm.kcidb.json"
expect_eq "vm: tests under the --fs name" \
	"$(jq -c '[.tests[].path] | sort' "$d/vm.kcidb.json")" '["daxstress.xfs.clean","daxstress.xfs.missed-wake"]'
expect_eq "vm: a Debian kernel is a Debian checkout with the kernel spec" \
	"$(jq -c '.checkouts[0] | [.tree_name, .misc.kernel_spec]' "$d/vm.kcidb.json")" '["debian","debian:6.1"]'
expect_eq "vm: title from the break-layouts function, wait helpers skipped" \
	"$(jq -r '.tests[] | select(.path | endswith(".missed-wake")) | .misc.title' "$d/vm.kcidb.json")" \
	"blocked-by-mapping in dax_break_layout"
expect_eq "vm: report.json has the title too" \
	"$(jq -r '.filesystems.xfs.result.cases[0].title' "$(ls "$d"/res/*/report.json | head -n 1)")" "blocked-by-mapping in dax_break_layout"

# optional: the published schema, when a copy is at hand (never committed)
if [ -n "${KCIDB_SCHEMA:-}" ] && [ -r "$KCIDB_SCHEMA" ]; then
	for f in "$d/run.kcidb.json" "$d/m.kcidb.json" "$d/vm.kcidb.json"; do
		got=$(/usr/bin/python3 -c '
import json, sys, jsonschema
s = json.load(open(sys.argv[1]))
v = jsonschema.validators.validator_for(s)(s, format_checker=jsonschema.FormatChecker())
print(len(list(v.iter_errors(json.load(open(sys.argv[2]))))))' "$KCIDB_SCHEMA" "$f" 2>&1)
		expect_eq "valid against $KCIDB_SCHEMA: ${f#"$d"/}" "$got" 0
	done
fi
rm -rf "$d"
finish
