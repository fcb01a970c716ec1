#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Description: a short coverage-guided fuzz pass over the config and option
# parsers (the long run is `make fuzz FUZZ_SECONDS=N`). The kept corpus,
# including every input that once crashed, is replayed first.
. "$(dirname "$0")/../lib.sh"

bin=$BUILD/fuzz/fuzz_config
secs=${FUZZ_SECONDS:-10}
if [ ! -x "$bin" ]; then
	not_ok "fuzzer $bin not built (make $bin)"
	finish
fi
work=$(mktemp -d /tmp/daxstress-fuzz.XXXXXX)
out=$("$bin" -max_total_time="$secs" -max_len=4096 -print_final_stats=1 \
	-artifact_prefix="$work/" "$work" tests/fuzz/corpus 2>&1)
rc=$?
runs=$(echo "$out" | sed -n 's/^stat::number_of_executed_units: *//p')
expect_eq "fuzz ${secs}s: no crash ($runs inputs)" "$rc" 0
if [ "$rc" -ne 0 ]; then
	echo "$out" | tail -30
	echo "# crashing inputs kept in $work"
else
	rm -rf "$work"
fi
finish
