#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# make check-soak N=20 [LOAD=hog|twin|none]: every host test (unit, cli,
# stall, faults) N times in both builds, with load beside it, then a flake
# table: each test's runs and failures, and the first failing assertion of
# each failure. Exits 1 on any failure. A flake found here is a bug to
# root-cause, not a number to retry down.
#   LOAD=hog   a busy loop on every CPU while the tests run (default)
#   LOAD=twin  a second copy of the same loop at the same time
#   LOAD=none  no load
# MAX_S=SECONDS starts no new round after that long (the table then says
# how many rounds ran).
# Logs of the failures go to $SOAK_DIR (default /tmp/daxstress-soak.XXXXXX).
cd "$(dirname "$0")/.." || exit 1
. tests/hosttests.sh
N=${N:-20}
LOAD=${LOAD:-hog}
MAX_S=${MAX_S:-0}
BUILDS=${BUILDS:-build build/asan}
SOAK_DIR=${SOAK_DIR:-$(mktemp -d /tmp/daxstress-soak.XXXXXX)}
mkdir -p "$SOAK_DIR" || exit 1
table=$SOAK_DIR/table
: >"$table"
hogs=

stop_load() {
	# shellcheck disable=SC2086
	[ -z "$hogs" ] || kill $hogs 2>/dev/null
	hogs=
}
trap 'stop_load; exit 130' INT TERM

start_load() {
	case $LOAD in
	hog)
		for _ in $(seq "$(nproc)"); do
			sh -c 'while :; do :; done' &
			hogs="$hogs $!"
		done ;;
	twin)
		LOAD=none N=$N BUILDS=$BUILDS SOAK_DIR=$SOAK_DIR/twin sh "$0" >"$SOAK_DIR/twin.log" 2>&1 &
		hogs=$! ;;
	none) ;;
	*) echo "check-soak: LOAD must be hog, twin or none, not '$LOAD'" >&2; exit 2 ;;
	esac
}

# one NAME CMD...: run a test once; a line "NAME pass|fail FIRST-FAILURE" in the table
one() {
	name=$1
	shift
	log=$SOAK_DIR/last.log
	"$@" >"$log" 2>&1
	rc=$?
	first=$(grep -m 1 -E '^not ok( |$)' "$log")
	if [ $rc -eq 0 ] && [ -z "$first" ]; then
		printf '%s\tpass\n' "$name" >>"$table"
		return
	fi
	[ -n "$first" ] || first="exited $rc without a failing assertion"
	n=$(grep -c . "$table")
	cp "$log" "$SOAK_DIR/fail-$n.log"
	printf '%s\tfail\t%s (log: %s)\n' "$name" "$first" "$SOAK_DIR/fail-$n.log" >>"$table"
	echo "  FAIL $name: $first"
}

[ "$(id -u)" -eq 0 ] || echo "check-soak: not root: the tests that need root will skip"
start_load
t0=$(date +%s)
rounds=0
for rep in $(seq "$N"); do
	if [ "$MAX_S" -gt 0 ] && [ $(($(date +%s) - t0)) -ge "$MAX_S" ]; then
		echo "== MAX_S=$MAX_S reached: $rounds of $N rounds ran"
		break
	fi
	echo "== round $rep of $N ($LOAD), $(($(date +%s) - t0)) s so far"
	rounds=$rep
	# shellcheck disable=SC2086
	for_host_tests one $BUILDS
done
stop_load
wait
wall=$(($(date +%s) - t0))

echo "== flake table: $rounds rounds, load $LOAD, $wall s"
printf '%-44s %5s %5s\n' test runs fails
awk -F '\t' '{ runs[$1]++; if ($2 == "fail") fails[$1]++ }
     END { for (k in runs) printf "%-44s %5d %5d\n", k, runs[k], fails[k] }' "$table" | sort
fails=$(awk -F '\t' '$2 == "fail"' "$table" | grep -c .)
if [ "$fails" -gt 0 ]; then
	echo "== failures:"
	awk -F '\t' '$2 == "fail" { print "  " $1 ": " $3 }' "$table"
fi
if [ "$LOAD" = twin ] || [ -f "$SOAK_DIR/twin.log" ]; then
	echo "== the twin copy:"
	tail -n 3 "$SOAK_DIR/twin.log" 2>/dev/null | sed 's/^/  /'
	grep -q '^== 0 failures' "$SOAK_DIR/twin.log" 2>/dev/null || fails=$((fails + 1))
fi
echo "== $fails failures"
[ "$fails" -eq 0 ]
