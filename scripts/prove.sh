#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# `make prove`: run the suites of configs/expectations in the pmem VM on
# every kernel of the matrix (configs/kernels: packaged Debian kernels and
# test kernels built with one patch each; built on first use, cached), on
# ext4 and xfs, REPS times, and compare each case's raw verdict with the
# expectation. Prints a table kernel x case -> verdicts, repetitions caught,
# median time to the verdict, writes it to $RESULTS/table.md, and exits
# non-zero on any mismatch: a planted bug not caught, a finding where a
# clean result is expected, a case without an expectation, a run without a
# report.
# Environment: REPS (default 3), KERNELS (entry names; default every section
# of configs/expectations), SUITES (default its [global] suites),
# BUILD (default build), RESULTS (default /tmp/daxstress-prove),
# FS (default ext4,xfs). TABLE_ONLY=1 runs nothing and renders the table again
# from $RESULTS/rows.tsv (after an edit of the expectations or a suite; rows
# of cases the suites no longer have are left out).
# RESUME=1 keeps every complete guest run already in $RESULTS (a matrix cut
# short, or run a few KERNELS at a time) and runs only the others; the table
# then holds every kernel in $RESULTS. It refuses runs of another commit:
# one table, one version of the suite. Without it, $RESULTS starts empty.
set -u
cd "$(dirname "$0")/.." || exit 1
BUILD=${BUILD:-build}
REPS=${REPS:-3}
FS=${FS:-ext4,xfs}
RESULTS=${RESULTS:-/tmp/daxstress-prove}
matrix=runner/kbuild/matrix.sh
exp=configs/expectations
# INI files are read by daxstress kernels (lib/core/inifile.c), as everywhere.
ini() { ini_f=$1; shift; "$BUILD/daxstress" kernels --file "$ini_f" "$@"; }
entries=$(ini "$exp" --sections | grep -vx global)
kernels=${KERNELS:-$entries}
suites=${SUITES:-$(ini "$exp" --get global suites | tr ',' ' ')}
rows=$RESULTS/rows.tsv
mkdir -p "$RESULTS"
mismatch=0
start=$(date +%s)

# The commit the guest runs come from; a tree with changes is that commit
# plus a hash of its diff.
commit=$(git describe --always --dirty --abbrev=12 2>/dev/null) || commit=unknown
case $commit in
*-dirty) commit=$commit-$(git diff HEAD | sha256sum | cut -c1-12) ;;
esac
if [ "${TABLE_ONLY:-0}" != 1 ]; then
	if [ "${RESUME:-0}" = 1 ] && [ -f "$RESULTS/commit" ]; then
		was=$(cat "$RESULTS/commit")
		if [ "$was" != "$commit" ] || [ "$commit" = unknown ]; then
			echo "prove: $RESULTS holds runs of $was, this is $commit: RESUME=1 joins runs of one version of the suite only (run without it to start over, or check $was out)" >&2
			exit 2
		fi
	else
		find "$RESULTS" -mindepth 2 -maxdepth 2 \( -name '*.rows' -o -name '*.done' \) -delete
	fi
	echo "$commit" > "$RESULTS/commit"
fi

# expect_of ENTRY SUITE CASE -> the verdict, or nothing
expect_of() {
	ini "$exp" --show "$1" 2>/dev/null | awk -v c="$2.$3" -v d="$2.*" '
		$1 == c { v = $3 } $1 == d { dv = $3 }
		END { print (v != "" ? v : dv) }'
}

# A guest run's rows go to its own $out.rows; $out.done marks it complete.
run_one() {	# run_one ENTRY SPEC REP SUITE
	out=$RESULTS/$1/$3-$4
	if [ "${RESUME:-0}" = 1 ] && [ -f "$out.done" ]; then
		echo "prove: $1 rep $3 $4: kept (RESUME=1)" >&2
		return
	fi
	rm -rf "$out" "$out.rows" "$out.done"
	t0=$(date +%s)
	"$BUILD/daxstress" vm --kernel "$2" --fs "$FS" --suite "$4" --results "$out" \
		> "$out.log" 2>&1
	echo "prove: $1 rep $3 $4: $(( $(date +%s) - t0 )) s" >&2
	rep=$(ls "$out"/*/report.json 2>/dev/null | head -n 1)
	if [ -z "$rep" ]; then
		echo "prove: $1 rep $3 $4: no report (see $out.log)" >&2
		mismatch=1
		return
	fi
	jq -r --arg k "$1" --arg s "$4" '.filesystems | to_entries[] | .key as $fs
		| .value.result.cases[]?
		| [$k, $fs, $s + "." + .suite_case, (.raw_verdict // .verdict), (.verdict_s // 0)]
		| @tsv' "$rep" > "$out.rows"
	# Every case on every filesystem, skips included: a guest run that
	# stopped early (a config it could not parse) leaves a report without them.
	got=$(jq '[.filesystems[].result.cases[]?] | length' "$rep")
	want=$(( $(ini "configs/$4.conf" --sections | grep -cvx global) *
		$(echo "$FS" | tr ',' '\n' | grep -c .) ))
	if [ "${got:-0}" -lt "$want" ]; then
		echo "prove: $1 rep $3 $4: $got of $want case results (see $out.log)" >&2
		mismatch=1
		return
	fi
	: > "$out.done"
}

# "suite.case" for every case of the suites, one a line.
suite_cases() {
	for s in $suites; do
		ini "configs/$s.conf" --sections | grep -vx global | sed "s/^/$s./"
	done
}

[ "${TABLE_ONLY:-0}" = 1 ] && kernels=
for k in $kernels; do
	mkdir -p "$RESULTS/$k"
	spec=$($matrix --spec "$k" 2>"$RESULTS/$k/spec.log") ||
		{ echo "prove: $k: no kernel (see $RESULTS/$k/spec.log)" >&2; mismatch=1; continue; }
	# An entry may name its own suites (a kernel where a suite proves nothing).
	ksuites=${SUITES:-$(ini "$exp" --get "$k" suites | tr ',' ' ')}
	r=1
	while [ "$r" -le "$REPS" ]; do
		for s in ${ksuites:-$suites}; do
			run_one "$k" "$spec" "$r" "$s"
		done
		r=$((r + 1))
	done
done
# Every run's rows, this invocation's and (RESUME=1) the kept ones: kernels
# in the order of the expectations (then any other), suites in suite order.
all_rows() {
	others=
	for d in "$RESULTS"/*/; do
		d=$(basename "$d")
		echo "$entries" | grep -qxF "$d" || others="$others $d"
	done
	for k in $entries $others; do
		for s in $suites; do
			# 1-smoke.rows .. 10-smoke.rows, in repetition order
			printf '%s\n' "$RESULTS/$k"/*-"$s".rows | sort -V | while read -r f; do
				[ ! -f "$f" ] || cat "$f"
			done
		done
	done
}
[ "${TABLE_ONLY:-0}" = 1 ] || all_rows > "$rows"

table() {
	echo "| kernel | fs | case | expected | verdicts | caught | median verdict s |"
	echo "|---|---|---|---|---|---|---|"
	suite_cases > "$RESULTS/cases"
	cut -f1-3 "$rows" | awk '!seen[$0]++' | while IFS='	' read -r k fs c; do
		grep -qxF "$c" "$RESULTS/cases" || continue
		sel=$(awk -F'\t' -v k="$k" -v f="$fs" -v c="$c" '$1 == k && $2 == f && $3 == c' "$rows")
		want=$(expect_of "$k" "${c%%.*}" "${c#*.}")
		verdicts=$(echo "$sel" | cut -f4 | sort | uniq -c |
			awk '{ printf "%s%s x%s", (NR > 1 ? ", " : ""), $2, $1 }')
		n=$(echo "$sel" | wc -l)
		caught=$(echo "$sel" | cut -f4 | grep -vc '^pass$')
		median=$(echo "$sel" | awk -F'\t' '$4 != "pass" { print $5 }' | sort -n |
			awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)]; else print "-" }')
		status=
		if [ -z "$want" ]; then
			status=" NO EXPECTATION"
		elif [ "$(echo "$sel" | cut -f4 | grep -vcx "$want")" -ne 0 ]; then
			status=" MISMATCH"
		fi
		echo "| $k | $fs | $c | ${want:--} | $verdicts$status | $caught/$n | $median |"
	done
}

table > "$RESULTS/table.md"
cat "$RESULTS/table.md"
grep -q "MISMATCH\|NO EXPECTATION" "$RESULTS/table.md" && mismatch=1
echo "prove: $(echo $kernels | wc -w) kernels, suites $suites, REPS=$REPS, $(( $(date +%s) - start )) s, commit $(cat "$RESULTS/commit" 2>/dev/null)"
[ "$mismatch" -eq 0 ] && echo "prove: every verdict as expected" || echo "prove: MISMATCH (see above)"
exit "$mismatch"
