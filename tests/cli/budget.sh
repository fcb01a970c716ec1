#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Description: a wait budget ends a case once that many breaks slept, and
# says so; without one the case runs its whole duration. The breaks that
# slept are counted in every result.
. "$(dirname "$0")/../lib.sh"

dir=$(mktemp -d /tmp/daxstress-budget.XXXXXX)
WL=$BUILD/workloads/pin-truncate

"$WL" --dir "$dir" --allow-nodax --pin pvm --break punch --size 8M --pin-size 64k \
	--duration 60s --budget 3 --result "$dir/b.json" > "$dir/out" 2>&1
expect_eq "budget: pass" "$(jq -r .verdict "$dir/b.json")" pass
expect_eq "budget: reached, and when" "$(jq '.budget_reached_s > 0 and .budget_reached_s < 60' "$dir/b.json")" true
expect_eq "budget: ended early" "$(jq '.duration_s < 60' "$dir/b.json")" true
expect_eq "budget: at least that many breaks slept" "$(jq '.counters.breaks_slept >= 3' "$dir/b.json")" true
expect_match "budget: KTAP says so" "$(cat "$dir/out")" "slept: .*/s\\).*\\(budget reached\\)"

"$WL" --dir "$dir" --allow-nodax --pin pvm --break punch --size 8M --pin-size 64k \
	--duration 1s --result "$dir/n.json" > /dev/null 2>&1
expect_eq "no budget: not reached" "$(jq '.budget_reached_s' "$dir/n.json")" null
expect_eq "no budget: breaks slept counted" "$(jq '.counters.breaks_slept | type' "$dir/n.json")" '"number"'

rm -rf "$dir"
finish
