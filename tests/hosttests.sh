# SPDX-License-Identifier: GPL-2.0
# The host tests, for tests/run.sh (make check) and tests/soak.sh (make
# check-soak): for_host_tests CALLBACK BUILD... calls CALLBACK NAME CMD...
# for every unit test and shell test of each build directory.
for_host_tests() {
	cb=$1
	shift
	for build in "$@"; do
		for t in "$build"/tests/*; do
			[ -x "$t" ] || continue
			CMOCKA_MESSAGE_OUTPUT=TAP "$cb" "$t" "$t"
		done
		for t in tests/cli/*.sh tests/stall/*.sh tests/faults/*.sh; do
			BUILD=$build "$cb" "$t [$build]" sh "$t"
		done
	done
}
