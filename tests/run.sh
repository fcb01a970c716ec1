#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# The project's test driver: every unit test (cmocka, TAP output) and every
# shell test, for each build directory given (the normal build and the
# ASan+UBSan build), then the VM test. Ends with "N passed, N failed".
# DAXSTRESS_SKIP_VM=1 leaves the VM test out (it says so; it does not count as passed).
cd "$(dirname "$0")/.." || exit 1
passed=0
failed=0
log=$(mktemp /tmp/daxstress-tests.XXXXXX)
fails=$(mktemp /tmp/daxstress-fails.XXXXXX)

count() {
	p=$(grep -Ec '^ok( |$)' "$log")
	f=$(grep -Ec '^not ok( |$)' "$log")
	passed=$((passed + p))
	failed=$((failed + f))
	grep -E '^not ok( |$)' "$log" | sed "s|^|$2: |" >> "$fails"
	if [ "$1" -ne 0 ] && [ "$f" -eq 0 ]; then
		echo "not ok - $2 exited $1 without a failing assertion" |
			tee -a "$fails"
		failed=$((failed + 1))
	fi
	echo "== $2: $p passed, $f failed"
}

run() {
	name=$1
	shift
	echo "== $name"
	"$@" > "$log" 2>&1
	rc=$?
	sed 's/^/  /' "$log"
	count $rc "$name"
}

. tests/hosttests.sh
for_host_tests run "$@"
BUILD=$1 run "tests/fuzz/short.sh" sh tests/fuzz/short.sh
if [ -n "${TSAN_BUILD:-}" ]; then
	BUILD=$TSAN_BUILD run "tests/tsan/tsan.sh" sh tests/tsan/tsan.sh
fi
if [ -n "$DAXSTRESS_SKIP_VM" ]; then
	echo "== VM tests NOT run (DAXSTRESS_SKIP_VM set)"
else
	for t in tests/vm/*.sh; do
		[ -e "$t" ] || continue
		BUILD=$1 run "$t" sh "$t"
	done
fi
# The failures again at the end, where a CI log's tail shows them.
if [ -s "$fails" ]; then
	echo "== failed assertions:"
	sed 's/^/  /' "$fails"
fi
rm -f "$log" "$fails"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
