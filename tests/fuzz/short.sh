#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Description: a coverage-guided fuzz pass over the config parsers
# (fuzz_config: suites, known issues) and the case command line (fuzz_cli:
# the argv `daxstress run` hands a workload, parsed by lib/config/caseopt.c).
# Each target first replays its kept corpus, including every input that
# once failed. FUZZ_SECONDS per target (default 8); `make fuzz
# FUZZ_SECONDS=600` is the long run. New inputs go to $FUZZ_NEW/<target>
# when FUZZ_NEW is set (to grow the kept corpus), else to a temporary dir.
. "$(dirname "$0")/../lib.sh"

secs=${FUZZ_SECONDS:-8}

# fuzz TARGET CORPUS
fuzz() {
	bin=$BUILD/fuzz/$1
	if [ ! -x "$bin" ]; then
		not_ok "fuzzer $bin not built (make $bin)"
		return
	fi
	work=$(mktemp -d /tmp/daxstress-fuzz.XXXXXX)
	new=$work
	if [ -n "${FUZZ_NEW:-}" ]; then
		new=$FUZZ_NEW/$1
		mkdir -p "$new"
	fi
	out=$(nice "$bin" -max_total_time="$secs" -max_len=4096 -print_final_stats=1 \
		-artifact_prefix="$work/" "$new" "$2" 2>&1)
	rc=$?
	runs=$(echo "$out" | sed -n 's/^stat::number_of_executed_units: *//p')
	rate=$(echo "$out" | sed -n 's/^stat::average_exec_per_sec: *//p')
	cov=$(echo "$out" | sed -n 's/^#[0-9]*.*DONE *cov: \([0-9]*\).*/\1/p')
	expect_eq "$1 ${secs}s: no crash ($runs inputs, $rate exec/s, coverage $cov)" "$rc" 0
	if [ "$rc" -ne 0 ]; then
		echo "$out" | grep -v '^#' | tail -40
		echo "# failing inputs kept in $work: add them to $2 once fixed"
	else
		rm -rf "$work"
	fi
}

fuzz fuzz_config tests/fuzz/corpus
fuzz fuzz_cli tests/fuzz/corpus-cli
finish
