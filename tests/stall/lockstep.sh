#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Description: lockstep mode on a non-DAX directory: breaks begin while pin
# operations hold their pages, the case ends on time (the pinner leaves its
# loop at stop), and without lockstep no overlap is counted.
. "$(dirname "$0")/../lib.sh"

dir=$(mktemp -d /tmp/daxstress-lockstep.XXXXXX)
tgt=$dir/target
WL=$BUILD/workloads/pin-truncate
head -c 16777216 /dev/zero > "$tgt"

for pin in odirect aio pvm; do
	t0=$(date +%s)
	out=$("$WL" --dir "$dir" --allow-nodax --target "$tgt" --pin $pin --break truncate \
		--size 8M --pin-size 64K --threads 1 --owner-threads 0 --lockstep \
		--duration 2s --stall-timeout 5s --grace 1s --result "$dir/$pin.json" 2>&1)
	rc=$?
	t=$(( $(date +%s) - t0 ))
	# a failing exit with a passing KTAP line is the sanitizer's: show what it said
	[ "$rc" -eq 0 ] || echo "$out" | grep -v '^# ' | sed 's/^/    /'
	expect_eq "lockstep $pin: exit 0" "$rc" 0
	expect_match "lockstep $pin: pass" "$out" "^ok 1 "
	[ "$t" -le 8 ] && ok "lockstep $pin: ended in ${t} s" ||
		not_ok "lockstep $pin: took ${t} s for a 2 s case (a role ignored stop)"
	n=$(jq -r .counters.lockstep_overlaps "$dir/$pin.json")
	b=$(jq -r .counters.break_ops "$dir/$pin.json")
	[ "${n:-0}" -gt 0 ] && [ "$n" -le "${b:-0}" ] &&
		ok "lockstep $pin: $n of $b breaks overlapped a pin" ||
		not_ok "lockstep $pin: overlaps '$n' of '$b' breaks"
	expect_match "lockstep $pin: diagnostic" "$out" "lockstep: [0-9]+ of [0-9]+ breaks began while pins were held"
done

"$WL" --dir "$dir" --allow-nodax --target "$tgt" --pin odirect --break truncate \
	--size 8M --pin-size 64K --owner-threads 0 --duration 1s --result "$dir/free.json" >/dev/null 2>&1
expect_eq "no lockstep: no overlap counted" "$(jq -r .counters.lockstep_overlaps "$dir/free.json")" 0

rm -rf "$dir"
finish
