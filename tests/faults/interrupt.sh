#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Description: Ctrl-C at several moments of `daxstress run`, delivered as a
# terminal does (SIGINT to the whole process group): while the run starts,
# in the middle of a case, and while the monitor climbs the proof ladder of
# a stalled case. Each time the run exits 130, marks the rest skipped,
# writes its report, and leaves no process and no file behind.
. "$(dirname "$0")/../lib.sh"

# Timing-bound and slow (12-15 s): once, in the normal build. The sanitizer
# build runs the same runner and workload paths through faults.sh.
case $BUILD in
*asan* | *tsan*)
	echo "ok - Ctrl-C # SKIP timing-bound test runs in the normal build only (keeps make check short)"
	exit 0 ;;
esac

dir=$(mktemp -d /tmp/daxstress-intr.XXXXXX)
suite_two "$dir/two.conf" 20s 20s

procs() { procs_in "$dir"; }

# interrupt WHEN SUITE: Ctrl-C WHEN seconds after the start; leaves $out, $rc
interrupt() {
	rm -f "$dir/r.json"
	setsid "$DAXSTRESS" run --dir "$dir" --allow-nodax --suite "$2" --json "$dir/r.json" \
		> "$dir/out" 2>&1 &
	run=$!
	sleep "$1"
	env kill -INT -- "-$run"	# procps kill: dash's cannot name a group
	wait "$run"
	rc=$?
	out=$(cat "$dir/out")
	sleep 0.5
}

# check WHAT: the common promises after a Ctrl-C
check() {
	expect_eq "$1: exit 130" "$rc" 130
	expect_match "$1: the rest is skipped" "$out" "# SKIP run interrupted"
	expect_eq "$1: report written, every case in it" "$(jq -r '.cases | length' "$dir/r.json" 2>&1)" 2
	expect_eq "$1: no process left" "$(procs)" ""
	expect_eq "$1: no file left" "$(ls "$dir" | grep -c '\.dat$')" 0
}

interrupt 0.3 "$dir/two.conf"
check "Ctrl-C while starting"

interrupt 2 "$dir/two.conf"
check "Ctrl-C mid-case"
expect_match "Ctrl-C mid-case: the case says it was interrupted" "$out" "interrupted by signal 2"

# The planted stuck pin (configs/selftest-stall.conf, case "stuck") stalls
# after 2 s; at 3.5 s the monitor is inside its proof ladder, which takes
# 2 s or more with the wait watch off (wake-floor = 0: the whole grace).
{ sed -n '/^\[global\]/,/^$/p' configs/selftest-stall.conf; printf 'wake-floor = 0\n[stuck]\npin = plant-stuck\n[after]\npin = plant-wake\n'; } \
	> "$dir/stall.conf"
interrupt 3.5 "$dir/stall.conf"
check "Ctrl-C during the proof ladder"
expect_match "Ctrl-C during the proof ladder: the stall had been seen" "$out" "# stall:"
rm -rf "$dir"
finish
