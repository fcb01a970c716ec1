#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Description: the uring-fixed pin source tries both long-term io_uring
# registrations of the mapping (fixed buffer, provided-buffer ring). On a
# shared file mapping the kernel refuses both; the case must pass, name
# both refusals with the errno in its note, and end on time.
. "$(dirname "$0")/../lib.sh"

dir=$(mktemp -d /tmp/daxstress-urfixed.XXXXXX)
t0=$(date +%s)
"$BUILD/workloads/pin-truncate" --dir "$dir" --allow-nodax --pin uring-fixed --break punch \
	--size 8M --duration 1s --result "$dir/r.json" >/dev/null 2>&1
rc=$?
t=$(($(date +%s) - t0))
expect_eq "uring-fixed: exit 0" "$rc" 0
expect_eq "uring-fixed: pass" "$(jq -r .verdict "$dir/r.json")" pass
note=$(jq -r .note "$dir/r.json")
expect_match "uring-fixed: the fixed buffer was refused" "$note" \
	"fixed-buffer registration refused: (Bad address|Operation not supported)"
expect_match "uring-fixed: the provided-buffer ring was refused" "$note" \
	"provided-buffer ring registration refused: (Bad address|Operation not supported)"
[ "$t" -le 6 ] && ok "uring-fixed: ended in $t s" || not_ok "uring-fixed: took $t s for a 1 s case"
rm -rf "$dir"
finish
