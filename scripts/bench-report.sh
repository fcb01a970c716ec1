#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Description: docs/BENCHMARKS.md from the reports of a `make bench` run
# (scripts/bench.sh): bench-report.sh OUT_DIR > BENCHMARKS.md.
# Reads OUT/collisions.json, OUT/detect-*.json, OUT/planted-*.json,
# OUT/files.txt, OUT/hb_cost.txt; a part whose report is missing says why.
OUT=$1
[ -d "$OUT" ] || { echo "usage: bench-report.sh OUT_DIR" >&2; exit 2; }

JQ_LIB='
def cases: [.filesystems.ext4.result.cases[]? | select(.workload)];
def r1: if . == null then null else . * 10 | round / 10 end;
def r2: if . == null then null else . * 100 | round / 100 end;
def median: sort | if length == 0 then null
	elif length % 2 == 1 then .[length / 2 | floor]
	else (.[length / 2 - 1] + .[length / 2]) / 2 end;
def worst: if length == 0 then null else max end;
def probe($n): (.kernel_trace.probes[$n] // {});
def calls: [(.kernel_trace.probes // {}) | to_entries[] | select(.key | startswith("dsbrk")) | .value.hits] | add // 0;
def collisions: probe("dsbusy").recorded;
def rate($n): if .duration_s > 0 and $n != null then $n / .duration_s else null end;
def verdict: .raw_verdict // .verdict;
def stalled: verdict | test("missed-wakeup|hang|livelock|blocked-by-mapping");
def show: if . == null then "-" else tostring end;
# Breakers inside their break calls at least 90% of the case: the breaks
# cannot come more often, and each takes its waits plus the work of the filesystem
# (one file serialises them), so the waits a second are bounded there, not
# by pins missing.
def saturated: (.counters.break_threads // 0) > 0 and (.counters.break_ops // 0) > 0
	and (.counters.pin_ops // 0) > 0 and .duration_s > 0
	and .counters.break_busy_s >= 0.9 * .counters.break_threads * .duration_s;
# What holds a case below the peer, from its result: the mode, a refusal by
# the kernel, or the owner threads refaulting the file after every break.
def limit:
	if .verdict == "skip" then "skipped: \(.reason // "")"
	elif (.suite_case | test("lockstep")) then "lockstep: one wait per 50 ms request"
	elif (.note // "" | test("refused")) then "the kernel refuses the pin on fsdax"
	elif (.break | startswith("evict")) then "eviction: no break-layouts scan"
	elif (.break == "dax-flip") then "a DAX flag change breaks no layouts"
	elif (.counters.pin_efault // 0) * 2 > (.counters.pin_ops // 0) and (.counters.pin_ops // 0) > 0
		then "most pins found their range truncated (EFAULT)"
	elif stalled
		then "stalled: \(verdict) (\(.verdict))"
	elif (.pin | startswith("fio")) then "fio: one process, its own request pacing"
	elif (.pin | startswith("pvm")) and (.counters.owner_ops // 0) == 0
		then "pvm: a wait lasts one held copy (pvm-hold)"
	elif (.counters.owner_ops // 0) > 0 then "owner threads refault every page after each break"
	elif saturated then "breakers busy \(.counters.break_busy_s / (.counters.break_threads * .duration_s) * 100 | round)% of the case: a break takes \(1000 * .counters.break_busy_s / .counters.break_ops | r1) ms (a pin \(1000 * .counters.pin_busy_s / .counters.pin_ops | r1) ms)"
	else "below the peer: not explained" end;
'

# $1 report, $2 jq program (with JQ_LIB): raw output.
q() {
	jq -r "$JQ_LIB $2" "$1"
}

header() {
	cat <<EOF
# Benchmarks

How often daxstress makes a truncate or hole punch find a pinned DAX page
(a collision), against a generic/503-style baseline in the same VM boot; how
long it takes to prove a missed wakeup; what the stall watch costs.

- Command: \`make bench\` (scripts/bench.sh; figures from \`$OUT\`)
- Date: $(cat "$OUT/started" 2>/dev/null || date -u '+%Y-%m-%d %H:%M UTC')
- Machine: $(nproc) CPUs shared with other work, QEMU TCG (\`-accel tcg,thread=multi -smp 2\`),
  emulated NVDIMM in fsdax mode, ext4 with \`-o dax\`, null_blk (irqmode=2,
  completion_nsec=100000) as the O_DIRECT target.
- Kernel counts come from kprobes (\`daxstress vm --trace configs/trace/collisions.trace\`):
  a collision is a return of \`dax_layout_busy_page_range()\` with a busy page
  (filter \`ret != 0\`); break-layouts calls are the hits of \`ext4_break_layouts\`.
  Counts cover the whole case (set-up and final check included), rates divide
  by the case's run time.

EOF
}

# heading TITLE FILE WHY: a section's heading; 1 (after saying the part was
# not measured, and WHY) when its input FILE is missing or empty.
heading() {
	echo "## $1"
	echo
	[ -s "$2" ] && return 0
	echo "Not measured in this run${3:+ ($3)}."
	echo
	return 1
}

collisions() {
	j=$OUT/collisions.json
	heading "Collision rate" "$j" "no $j" || return 0
	echo "Kernel: $(cat "$OUT/collisions.kernel" 2>/dev/null || q "$j" .kernel_release),"
	echo "suite configs/bench.conf. Rates per second; × peer = collisions/s over peer503's."
	echo
	echo "| case | pin | break | run s | pins/s | breaks/s | break-layouts calls/s | busy scans/s | collisions/s | × peer | verdict |"
	echo "|---|---|---|---|---|---|---|---|---|---|---|"
	q "$j" '
	(cases | map(select(.workload == "peer503")) | .[0] // {} | rate(collisions)) as $peer |
	cases[] | select(.suite_case | startswith("overhead") | not) |
	[.suite_case, .pin, .break, (.duration_s | r1),
	 (rate(.counters.pin_ops) | r1), (rate(.counters.break_ops) | r1),
	 (rate(calls) | r1), (rate(probe("dsbusy").hits) | r1),
	 (rate(collisions) | if . == null then null else r1 end),
	 (if $peer and $peer > 0 and rate(collisions) != null
	  then "\(rate(collisions) / $peer | r1)×" else null end),
	 verdict] | map(show) | "| " + join(" | ") + " |"'
	echo
	q "$j" '
	(cases | map(select(.workload == "peer503")) | .[0] // {} | rate(collisions)) as $peer |
	(cases | map(select(.workload != "peer503" and (.suite_case | startswith("overhead") | not)
		and .kernel_trace)) | max_by(rate(collisions)) // null) as $best |
	if $peer == null or $best == null then "No peer or daxstress count: no ratio."
	else "Best daxstress case \($best.suite_case): \($best | rate(collisions) | r1) collisions/s, \(if $peer > 0 then ($best | rate(collisions)) / $peer | r1 | tostring else "∞ (the peer had none)" end)× the peer503 baseline (\($peer | r1)/s; target ≥ 10×)." end'
	echo
	q "$j" '[.trace.probes[]? | select(.registered | not) | "`\(.name)` not registered: \(.note)"] |
		if length > 0 then "Probes left out: " + join("; ") + "." else empty end'
	echo
}

# $1 title, $2 report: the detection table row.
detect_row() {
	[ -f "$2" ] || { echo "| $1 | not run: no $(basename "$2") | | | | | | | |"; return; }
	jq -r --arg t "$1" "$JQ_LIB"'
	cases as $c | ($c | map(select(.detect_s != null))) as $s |
	([$c[] | verdict] | group_by(.) | map("\(.[0]) \(length)") | join(", ")) as $v |
	[$t, (.kernel_release), $v,
	 ($s | map(.verdict_s) | median | if . then r2 else null end),
	 ($s | map(.verdict_s) | worst | if . then r2 else null end),
	 ($s | map(.detect_s - .stalled_s) | median | if . then r2 else null end),
	 ($s | map(.stalled_s) | median | if . then r2 else null end),
	 ($s | map(.verdict_s - .detect_s) | median | if . then r2 else null end),
	 "\($s | map(select(.early)) | length) of \($s | length)"]
	| map(show) | "| " + join(" | ") + " |"' "$2" 2>/dev/null ||
		echo "| $1 | report unreadable: $2 | | | | | | | |"
}

# Each planted kernel's catch rate: every smoke and lockstep case repeated,
# each measured verdict against configs/expectations for that kernel.
catches() {
	echo "## Planted bugs caught, case by case"
	echo
	set -- "$OUT"/catch-*.json
	if [ ! -f "$1" ]; then
		echo "Not measured in this run (no planted kernel cached)."
		echo
		return 0
	fi
	echo "Every case of configs/smoke.conf and configs/lockstep.conf, repeated, on each"
	echo "planted-bug kernel, ext4 and xfs; caught = the raw verdict configs/expectations"
	echo "names for that kernel."
	echo
	echo "| kernel | fs | case | expected | verdicts | caught | median verdict s | worst |"
	echo "|---|---|---|---|---|---|---|---|"
	for j in "$@"; do
		p=${j##*/catch-}
		p=${p%.json}
		exp=$("${DS:-build/daxstress}" kernels --file configs/expectations --show "build-$p" 2>/dev/null |
			jq -R 'split(" = ") | {(.[0]): .[1]}' | jq -s 'add // {}')
		jq -r --arg k "$p" --argjson exp "$exp" "$JQ_LIB"'
		.filesystems | to_entries[] | .key as $fs |
		[.value.result.cases[]? | select(.workload)] | group_by(.suite_case | sub("-[0-9]+$"; ""))[] |
		(.[0].suite_case | sub("-[0-9]+$"; "") | sub("-"; ".")) as $sc |
		($exp[$sc] // $exp[($sc | split(".")[0]) + ".*"] // "none") as $want |
		[$k, $fs, $sc, $want,
		 (map(verdict) | group_by(.) | map("\(.[0]) \(length)") | join(", ")),
		 "\(map(select(verdict == $want)) | length)/\(length)",
		 (map(.verdict_s | select(. != null)) | median | r2 | show),
		 (map(.verdict_s | select(. != null)) | worst | r2 | show)]
		| map(tostring) | "| " + join(" | ") + " |"' "$j"
	done
	echo
}

detection() {
	echo "## Time to detection"
	echo
	echo "From case start to the verdict, over the cases that stalled; split into"
	echo "onset (start to the last progress of the stuck thread), the wait until"
	echo "the stall was noticed (no-progress time then: the wait watch's margin"
	echo "after the last pin, or the stall timeout) and the proof ladder; how many"
	echo "proofs the wait watch started. Seconds; median unless marked worst."
	echo
	echo "| bug | kernel | verdicts | median | worst | onset | noticed after | proof | by the wait watch |"
	echo "|---|---|---|---|---|---|---|---|---|"
	detect_row "6.1 O_DIRECT, smoke settings" "$OUT/detect-stock61-smoke.json"
	detect_row "6.1 O_DIRECT, bench-detect settings" "$OUT/detect-stock61-tuned.json"
	for j in "$OUT"/planted-*.json; do
		[ -f "$j" ] || continue
		p=$(basename "$j" .json)
		detect_row "planted ${p#planted-}, pvm pins" "$j"
	done
	echo
	echo "A planted kernel whose verdict is not \`missed-wakeup\` is masked by a"
	echo "bug of its base kernel (7.x: \`blocked-by-mapping\`, see configs/kernels);"
	echo "its row then times that verdict."
	echo
	if [ -f "$OUT/planted.missing" ]; then
		echo "Planted kernels not measured (not cached; building one takes 15 min):"
		echo "$(tr '\n' ' ' <"$OUT/planted.missing")."
		echo
	fi
}

overhead() {
	j=$OUT/collisions.json
	heading "Overhead of the heartbeat and the monitor" "$j" || return 0
	echo "The same case and seed with the monitor on and off (\`monitor = no\`:"
	echo "no ticks, no kernel-log reads); operations per second of each role."
	echo
	echo "| case | monitor | owner ops/s | pins/s | breaks/s | verdict |"
	echo "|---|---|---|---|---|---|"
	q "$j" 'cases[] | select(.suite_case | startswith("overhead")) |
	[.suite_case, (if (.note // "" | startswith("monitor off")) then "off" else "on" end),
	 (rate(.counters.owner_ops) | r1), (rate(.counters.pin_ops) | r1),
	 (rate(.counters.break_ops) | r1), verdict] | map(show) | "| " + join(" | ") + " |"'
	echo
	q "$j" '
	def mean: if length == 0 then null else add / length end;
	def ops: rate(.counters.owner_ops + .counters.pin_ops + .counters.break_ops);
	[cases[] | select(.suite_case | startswith("overhead"))] |
	(map(select(.note // "" | startswith("monitor off")) | ops) ) as $off |
	(map(select(.note // "" | startswith("monitor off") | not) | ops)) as $on |
	if ($on | length) == 0 or ($off | length) == 0 then empty else
	"All operations per second, mean: monitor on \($on | mean | r1), off \($off | mean | r1) (\(($on | mean) / ($off | mean) * 100 - 100 | r1) %); single runs: on \($on | min | r1) to \($on | max | r1), off \($off | min | r1) to \($off | max | r1). Where those ranges overlap, the difference is the host'"'"'s load (other VMs on the same 2 CPUs), not the monitor." end'
	echo
	if [ -f "$OUT/hb_cost.txt" ]; then
		echo "The heartbeat itself (two clock reads, three relaxed stores and one atomic"
		echo "add per operation) costs $(awk '{print $2}' "$OUT/hb_cost.txt") ns per operation on the host"
		echo "(tests/bench/hb_cost.c), against the milliseconds one pin or break takes in the VM."
		echo
	fi
}

# Parallel files: OUT/files.txt, lines "files: RUN FILES COLLISIONS CALLS SECONDS VERDICTS".
files() {
	heading "Parallel files" "$OUT/files.txt" \
		"BENCH_SKIP=files, or the boot failed: $OUT/files.log" || return 0
	echo "Kernel: $(cat "$OUT/files.kernel" 2>/dev/null || echo '?'). One file serialises its"
	echo "breaks (a break-layouts call holds the file's locks while it waits), so the"
	echo "same case ($(cat "$OUT/files.opts" 2>/dev/null)) also ran on several files at once,"
	echo "each its own pin-truncate process, in the same boot as the peer"
	echo "(runner/vm/bench-files.sh), $(cat "$OUT/files.started" 2>/dev/null || echo "date not recorded")."
	echo "Collisions summed over the files."
	echo
	echo "| run | files | collisions | break-layouts calls | s | collisions/s | × peer | verdicts |"
	echo "|---|---|---|---|---|---|---|---|"
	awk '$1 == "files:" && NF >= 7 && $2 != "overrun" {
		rate = $6 > 0 ? $4 / $6 : 0
		if ($2 == "peer503") peer = rate
		x = "-"
		if (peer > 0) x = sprintf("%.1f×", rate / peer)
		printf "| %s | %s | %s | %s | %.1f | %.1f | %s | %s |\n", $2, $3, $4, $5, $6, rate, x, $7
	}' "$OUT/files.txt"
	echo
	awk '$1 == "files:" && $2 == "overrun" && $3 > 0 {
		print "Ring buffer overruns: " $3 " (collision counts are low by that many)."; print "" }' \
		"$OUT/files.txt"
}

# Every smoke, lockstep and nightly case against peer503 in the same boot.
strength() {
	j=$OUT/strength.json
	heading "Strength of the default suites" "$j" "no $j" || return 0
	echo "Every case of configs/smoke.conf, configs/lockstep.conf and configs/nightly.conf with"
	echo "peer503 in one boot of $(q "$j" .kernel_release), kernel-counted; × peer is against"
	echo "the better of the peer's two runs (first and last). Waits are busy scans"
	echo '(`dax_layout_busy_page_range` found a pinned page); breaks slept is the'
	echo 'heartbeat'"'"'s own count (`counters.breaks_slept`). Per second of the case.'
	echo
	echo "| fs | case | pin | break | run s | waits/s | breaks slept/s | × peer | verdict | what limits it |"
	echo "|---|---|---|---|---|---|---|---|---|---|"
	jq -r "$JQ_LIB"'
	.filesystems | to_entries[] | .key as $fs | [.value.result.cases[]? | select(.workload)] as $c |
	([$c[] | select(.workload == "peer503") | rate(collisions) // 0] | max) as $peer |
	$c[] | [$fs, .suite_case, .pin, .break, (.duration_s | r1),
	 (rate(collisions) | if . == null then null else r1 end),
	 (rate(.counters.breaks_slept) | if . == null then null else r1 end),
	 (if .workload == "peer503" then "1×" elif $peer and $peer > 0 and rate(collisions) != null
	  then "\(rate(collisions) / $peer | r2)×" else null end), verdict,
	 (if .workload == "peer503" then "the baseline"
	  elif ($peer == 0 or rate(collisions) == null or rate(collisions) >= $peer) then ""
	  else limit end)]
	| map(show) | "| " + join(" | ") + " |"' "$j"
	echo
}

# nightly_runs FILTER: FILTER over each run's report ($rep: run id, $s: wall
# seconds, $rc: exit, $spec: the --kernel it ran), one run a line of
# nightly.txt (an older run's lines have no kernel and a plain rep).
nightly_runs() {
	while read -r rep secs rc spec; do
		j=$OUT/nightly-$rep.json
		if [ ! -f "$j" ]; then
			echo "| $rep | ${spec:-} | $secs | $rc | no report |"
			continue
		fi
		jq -r --arg rep "$rep" --arg s "$secs" --arg rc "$rc" --arg spec "${spec:-debian:6.12}" \
			"$JQ_LIB$1" "$j"
	done <"$OUT/nightly.txt"
}

# The nightly on clean kernels: wall time, false stalls, long pins.
nightly() {
	t=$OUT/nightly.txt
	heading "Nightly on clean kernels" "$t" "no $t" || return 0
	echo 'The whole nightly suite, ext4 and xfs, on each kernel below'
	echo '(`daxstress vm --kernel SPEC --fs ext4,xfs --suite nightly --trace'
	echo 'configs/trace/collisions.trace`), timed from the host, boot included. Each case'
	echo 'ends at its budget of kernel-counted waits or at its duration. A false stall is a'
	echo '`missed-wakeup`, `hang`, `livelock` or `blocked-by-mapping` that no known issue of'
	echo 'configs/known-issues explains (a known one is reported `xfail`: a real bug of this'
	echo 'kernel); a long pin is a stall that releasing the pins ended (a pass).'
	echo
	echo "| run | kernel | wall s | exit | cases run | budget reached | false stalls | known bugs (xfail) | long pins | verdicts |"
	echo "|---|---|---|---|---|---|---|---|---|---|"
	nightly_runs '
	[.filesystems[].result.cases[]? | select(.workload)] as $c |
	($c | map(select(verdict != "skip"))) as $run |
	[$rep, "\(.kernel_release) (\($spec | split("/") | .[-2:] | join("/")))", $s, $rc, ($run | length),
	 ($run | map(select(.budget_reached_s != null)) | length),
	 ($run | map(select(stalled and .verdict != "xfail")) | length),
	 ($run | map(select(.verdict == "xfail")) | length),
	 ($run | map(select(verdict == "pass" and .detect_s != null)) | length),
	 ($c | group_by(verdict) | map("\(.[0] | verdict) \(length)") | join(", "))]
	| map(tostring) | "| " + join(" | ") + " |"'
	echo
	echo "Stalls, every run (verdict as measured, then as reported):"
	echo
	echo "| run | case | verdict | stalled s | reason |"
	echo "|---|---|---|---|---|"
	nightly_runs '
	.filesystems | to_entries[] | .key as $fs | .value.result.cases[]? | select(.workload)
	| select(stalled or (verdict == "pass" and .detect_s != null))
	| [$rep, "\($fs).\(.suite_case)", "\(verdict) (\(.verdict))", (.stalled_s | r1 | show), .reason]
	| map(tostring) | "| " + join(" | ") + " |"'
	echo
}

header
collisions
files
strength
nightly
catches
detection
overhead
[ ! -f docs/bench-notes.md ] || cat docs/bench-notes.md
