#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Description: breaker threads on a non-DAX directory. Several collapse or
# insert breakers on one file race on its size (one shifts while another
# picks a range from the old size) and must still pass; break-pause must
# space one thread's breaks by at least the pause. The eviction breakers
# hold their pages with an O_DIRECT read in flight when told to.
. "$(dirname "$0")/../lib.sh"

dir=$(mktemp -d /tmp/daxstress-breakers.XXXXXX)
WL=$BUILD/workloads/pin-truncate

for brk in collapse insert; do
	out=$("$WL" --dir "$dir" --allow-nodax --pin pvm --break $brk --breakers 4 \
		--size 8M --break-size 4k --owner-threads 0 --duration 2s \
		--result "$dir/$brk.json" 2>&1)
	expect_eq "$brk, 4 breakers: exit 0" "$?" 0
	expect_eq "$brk, 4 breakers: pass" "$(jq -r .verdict "$dir/$brk.json")" pass
	b=$(jq -r .counters.break_ops "$dir/$brk.json")
	[ "${b:-0}" -gt 100 ] && ok "$brk, 4 breakers: $b breaks" ||
		not_ok "$brk, 4 breakers: only '$b' breaks: $(echo "$out" | tail -n 2)"
	# Busy time: counted (many breaks), and never more than the threads had.
	busy=$(jq -r '.counters.break_busy_s / (.counters.break_threads * .duration_s)' "$dir/$brk.json")
	awk -v b="$busy" 'BEGIN { exit !(b > 0 && b <= 1.01) }' &&
		ok "$brk, 4 breakers: busy $busy of the threads' time" ||
		not_ok "$brk, 4 breakers: busy fraction '$busy' (expected above 0, at most 1)"
done

"$WL" --dir "$dir" --allow-nodax --pin pvm --break punch --break-pause 100ms --breakers 1 \
	--size 8M --owner-threads 0 --duration 1s --result "$dir/pause.json" >/dev/null 2>&1
b=$(jq -r .counters.break_ops "$dir/pause.json")
[ "${b:-0}" -ge 1 ] && [ "$b" -le 11 ] &&
	ok "break-pause 100ms: $b breaks in 1 s" ||
	not_ok "break-pause 100ms: '$b' breaks in 1 s (expected 1 to 11)"
# Busy time counts the operations only: the pauses between them are not in it.
expect_eq "busy: one breaker thread counted" "$(jq -r .counters.break_threads "$dir/pause.json")" 1
expect_eq "busy: two pinner threads counted" "$(jq -r .counters.pin_threads "$dir/pause.json")" 2
# Ten punches of one page can take under a millisecond together, the report's
# resolution, so 0 is a right answer here; above 0 is checked with the
# collapse and insert breakers above.
busy=$(jq -r '.counters.break_busy_s / .duration_s' "$dir/pause.json")
awk -v b="$busy" 'BEGIN { exit !(b >= 0 && b < 0.5) }' &&
	ok "busy: breaker inside its operations $busy of the case, pauses left out" ||
	not_ok "busy: breaker busy fraction '$busy' (expected below 0.5 with 100 ms pauses)"
busy=$(jq -r '.counters.pin_busy_s / (.counters.pin_threads * .duration_s)' "$dir/pause.json")
awk -v b="$busy" 'BEGIN { exit !(b > 0 && b <= 1.01) }' &&
	ok "busy: pinners inside their operations $busy of the case" ||
	not_ok "busy: pinner busy fraction '$busy' (expected above 0, at most 1)"

# hold = odirect: the eviction breakers pin with an O_DIRECT read in flight
# (the target is a file the case creates; /tmp may be tmpfs, without O_DIRECT)
tdir=$(mktemp -d /var/tmp/daxstress-hold.XXXXXX)
for brk in evict-close evict-unlink; do
	"$WL" --dir "$dir" --allow-nodax --pin pvm --break $brk --hold odirect \
		--target "$tdir/target" --size 8M --owner-threads 0 --duration 1s \
		--result "$dir/hold-$brk.json" >/dev/null 2>&1
	expect_eq "$brk, hold odirect: pass" "$(jq -r .verdict "$dir/hold-$brk.json")" pass
	b=$(jq -r .counters.break_ops "$dir/hold-$brk.json")
	[ "${b:-0}" -ge 10 ] && ok "$brk, hold odirect: $b evictions with a read in flight" ||
		not_ok "$brk, hold odirect: only '$b' evictions"
done
expect_eq "hold odirect: the case removed the target file it made" "$(ls "$tdir")" ""
rm -rf "$tdir"
out=$("$WL" --dir "$dir" --allow-nodax --break punch --hold odirect --duration 1s 2>&1)
expect_eq "hold odirect with punch: refused (exit 2)" "$?" 2
expect_match "hold odirect with punch: says which breakers take it" "$out" "evict-close, evict-unlink, evict-umount"

rm -rf "$dir"
finish
