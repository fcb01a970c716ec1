#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Description: breaker threads on a non-DAX directory. Several collapse or
# insert breakers on one file race on its size (one shifts while another
# picks a range from the old size) and must still pass; break-pause must
# space one thread's breaks by at least the pause.
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
done

"$WL" --dir "$dir" --allow-nodax --pin pvm --break punch --break-pause 100ms \
	--size 8M --owner-threads 0 --duration 1s --result "$dir/pause.json" >/dev/null 2>&1
b=$(jq -r .counters.break_ops "$dir/pause.json")
[ "${b:-0}" -ge 1 ] && [ "$b" -le 11 ] &&
	ok "break-pause 100ms: $b breaks in 1 s" ||
	not_ok "break-pause 100ms: '$b' breaks in 1 s (expected 1 to 11)"

rm -rf "$dir"
finish
