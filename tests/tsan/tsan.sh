#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Description: the workloads' user-space coordination (heartbeat, shared
# flags, proof steps, parking, the planted futex) under ThreadSanitizer:
# short runs must end with their normal verdicts and no TSan report.
# (Truncating breakers are left out: TSan cannot deliver the owner's
# expected SIGBUS to a handler that leaves with siglongjmp.)
. "$(dirname "$0")/../lib.sh"

WL=$BUILD/workloads/pin-truncate
dir=$(mktemp -d /tmp/daxstress-tsan.XXXXXX)
export TSAN_OPTIONS="suppressions=$(pwd)/tests/tsan/tsan.supp halt_on_error=1 exitcode=66"

check() {	# check NAME WANT-VERDICT ARGS...
	name=$1 want=$2
	shift 2
	out=$("$WL" --dir "$dir" --allow-nodax --size 8M --pin-size 64k "$@" 2>&1)
	expect_eq "tsan $name: no report" "$(echo "$out" | grep -c 'ThreadSanitizer')" 0
	expect_match "tsan $name: verdict $want" "$out" "# verdict $want:"
}

check "pvm punch" pass --pin pvm --break punch --duration 3s
check "odirect zero" pass --pin odirect --target "$dir/target.img" --break zero --duration 3s
check "planted missed wakeup" missed-wakeup --pin plant-nowake --break plant-wait \
	--duration 15s --stall-timeout 2s --grace 1s
rm -rf "$dir"
finish
