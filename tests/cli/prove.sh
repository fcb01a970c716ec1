#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Description: make prove's bookkeeping (scripts/prove.sh) with a stand-in
# for the guest: a daxstress whose `vm` writes a report of every case of the
# suite, all pass, and fails the call named by FAIL_AT. A clean kernel is as
# expected; a run without a report is a mismatch; RESUME=1 runs only what is
# missing and keeps the rest; it refuses runs of another version; without
# it the results start over. No guest, no network.
. "$(dirname "$0")/../lib.sh"

d=$(mktemp -d /tmp/daxstress-prove-test.XXXXXX) || exit 1
mkdir -p "$d/build"
real=$(cd "$(dirname "$DAXSTRESS")" && pwd)/$(basename "$DAXSTRESS")
cat >"$d/build/daxstress" <<EOF
#!/bin/sh
[ "\$1" = vm ] || exec "$real" "\$@"
n=\$((\$(cat "$d/calls" 2>/dev/null || echo 0) + 1))
echo "\$n" >"$d/calls"
[ "\$n" != "\${FAIL_AT:-0}" ] || exit 2
while [ \$# -gt 0 ]; do
	case \$1 in --suite) suite=\$2 ;; --results) out=\$2 ;; esac
	shift
done
mkdir -p "\$out/run"
"$real" kernels --file "configs/\$suite.conf" --sections | grep -vx global |
	jq -R '{ suite_case: ., raw_verdict: "pass", verdict_s: 0 }' | jq -s \\
	'{ filesystems: { ext4: { result: { cases: . } }, xfs: { result: { cases: . } } } }' \\
	>"\$out/run/report.json"
EOF
chmod +x "$d/build/daxstress"
cd "$(dirname "$0")/../.." || exit 1

# prove K REPS [VAR=VALUE...]: scripts/prove.sh on entry K; its output in $d/out
prove() {
	k=$1 reps=$2
	shift 2
	rm -f "$d/calls"
	env KERNELS="$k" REPS="$reps" RESULTS="$d/r" BUILD="$d/build" "$@" \
		sh scripts/prove.sh >"$d/out" 2>&1
}
calls() { cat "$d/calls" 2>/dev/null || echo 0; }

prove debian-6.12 2
expect_eq "a clean kernel, all pass: exit 0" "$?" 0
expect_eq "2 repetitions of 2 suites: 4 guest runs" "$(calls)" 4
expect_match "every verdict as expected" "$(cat "$d/out")" "prove: every verdict as expected"
expect_match "the table counts both repetitions" "$(cat "$d/r/table.md")" \
	"debian-6.12 \| xfs \| smoke.odirect-truncate \| pass \| pass x2 \| 0/2"
ingit=no want=unknown
git rev-parse --verify -q HEAD >/dev/null 2>&1 && ingit=yes want="[0-9a-f]{7,}"
expect_match "the commit is named" "$(tail -n 2 "$d/out")" "REPS=2, [0-9]+ s, commit $want"

if [ "$ingit" = no ]; then
	# RESUME=1 joins runs of one commit; outside a git checkout there is none
	echo "ok - RESUME=1 # SKIP not a git checkout: no commit to join runs of"
	rm -rf "$d"
	finish
fi

prove debian-6.12 2 FAIL_AT=3
expect_eq "a guest run without a report: exit 1" "$?" 1
expect_match "it is named" "$(cat "$d/out")" "debian-6.12 rep 2 smoke: no report"

prove debian-6.12 2 FAIL_AT=0 RESUME=1
expect_eq "RESUME=1: exit 0" "$?" 0
expect_eq "RESUME=1 runs only the missing run" "$(calls)" 1
expect_match "and says what it kept" "$(cat "$d/out")" "debian-6.12 rep 1 lockstep: kept \(RESUME=1\)"
expect_match "the table has both repetitions again" "$(cat "$d/r/table.md")" \
	"debian-6.12 \| ext4 \| lockstep.aio-lockstep-truncate \| pass \| pass x2 \| 0/2"

prove debian-6.1 1 RESUME=1
expect_eq "RESUME=1 with another kernel: its mismatches count" "$?" 1
table=$(cat "$d/r/table.md")
expect_match "the kept kernel stays in the table" "$table" "debian-6.12 \| xfs \| smoke.pvm-truncate \| pass \| pass x2"
expect_match "the new one is judged" "$table" "debian-6.1 \| ext4 \| smoke.odirect-truncate \| missed-wakeup \| pass x1 MISMATCH"

echo 0123456789ab >"$d/r/commit"
prove debian-6.12 1 RESUME=1
expect_eq "RESUME=1 over runs of another version: exit 2" "$?" 2
expect_match "it says why and what to do" "$(cat "$d/out")" \
	"holds runs of 0123456789ab, this is .*run without it to start over"
expect_eq "and runs nothing" "$(calls)" 0

prove debian-6.12 1
expect_eq "without RESUME: starts over, exit 0" "$?" 0
expect_eq "every run again" "$(calls)" 2
expect_eq "only this run's kernel in the table" "$(grep -c 'debian-6\.1 ' "$d/r/table.md")" 0

rm -rf "$d"
finish
