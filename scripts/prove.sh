#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# `make prove`: run the smoke suite in the pmem VM on every kernel of the
# matrix (configs/kernels: packaged Debian kernels and test kernels built with
# one patch each), on ext4 and xfs, REPS times, and compare each case's
# measured verdict with the entry's `expect` (pin=verdict). Prints a table
# kernel x case -> verdicts, repetitions caught, median time to the verdict;
# exits non-zero on any mismatch: a planted bug not caught, or a finding
# where a clean result is expected.
# Environment: REPS (default 3), KERNELS (entry names; default all),
# BUILD (default build), RESULTS (default /tmp/daxstress-prove).
set -u
cd "$(dirname "$0")/.." || exit 1
BUILD=${BUILD:-build}
REPS=${REPS:-3}
RESULTS=${RESULTS:-/tmp/daxstress-prove}
matrix=runner/kbuild/matrix.sh
kernels=${KERNELS:-$($matrix --list | awk '{ print $1 }')}
rows=$RESULTS/rows.tsv
mkdir -p "$RESULTS"
: > "$rows"
mismatch=0

expect_of() {	# expect_of ENTRY PIN -> verdict or empty
	$matrix --show "$1" | sed -n 's/^expect = //p' | tr ',' '\n' |
		sed -n "s/^ *$2=//p" | head -n 1
}

for k in $kernels; do
	spec=$($matrix --spec "$k") || { echo "prove: $k: no kernel ($spec)" >&2; mismatch=1; continue; }
	r=1
	while [ "$r" -le "$REPS" ]; do
		out=$RESULTS/$k/$r
		rm -rf "$out"
		"$BUILD/daxstress" vm --kernel "$spec" --fs ext4,xfs --suite smoke --results "$out" \
			> "$RESULTS/$k.$r.log" 2>&1
		rep=$(ls "$out"/*/report.json 2>/dev/null | head -n 1)
		if [ -z "$rep" ]; then
			echo "prove: $k rep $r: no report (see $RESULTS/$k.$r.log)" >&2
			mismatch=1
		else
			jq -r --arg k "$k" '.filesystems | to_entries[] | .key as $fs
				| .value.result.cases[]
				| [$k, $fs, .suite_case, .pin, (.raw_verdict // .verdict), (.verdict_s // 0)] | @tsv' \
				"$rep" >> "$rows"
		fi
		r=$((r + 1))
	done
done

echo "| kernel | fs | case | expected | verdicts | caught | median verdict s |"
echo "|---|---|---|---|---|---|---|"
for key in $(cut -f1-3 "$rows" | sort -u | tr '\t' '|'); do
	k=${key%%|*}; rest=${key#*|}; fs=${rest%%|*}; c=${rest#*|}
	sel=$(awk -F'\t' -v k="$k" -v f="$fs" -v c="$c" '$1 == k && $2 == f && $3 == c' "$rows")
	pin=$(echo "$sel" | head -n 1 | cut -f4)
	want=$(expect_of "$k" "${pin%%:*}")
	# fio does O_DIRECT: without its own entry it follows odirect's expectation
	[ -n "$want" ] || [ "${pin%%:*}" != fio ] || want=$(expect_of "$k" odirect)
	verdicts=$(echo "$sel" | cut -f5 | sort | uniq -c | awk '{printf "%s%s x%s", (NR > 1 ? ", " : ""), $2, $1}')
	n=$(echo "$sel" | wc -l)
	caught=$(echo "$sel" | cut -f5 | grep -vc '^pass$')
	median=$(echo "$sel" | awk -F'\t' '$5 != "pass" { print $6 }' | sort -n |
		awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)]; else print "-" }')
	status=""
	if [ -n "$want" ]; then
		bad=$(echo "$sel" | cut -f5 | grep -vcx "$want")
		[ "$bad" -eq 0 ] || { status=" MISMATCH"; mismatch=1; }
	fi
	echo "| $k | $fs | $c | ${want:--} | $verdicts$status | $caught/$n | $median |"
done
[ "$mismatch" -eq 0 ] && echo "prove: every verdict as expected" || echo "prove: MISMATCH (see above)"
exit "$mismatch"
