#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Description: injected faults end the way a user needs them to: a workload
# killed mid-case is an error with its reason and the next case still runs;
# a crashing role is an error naming the signal; a killed monitor leaves no
# orphan workload processes; Ctrl-C stops cleanly and removes the case file.
. "$(dirname "$0")/../lib.sh"

dir=$(mktemp -d /tmp/daxstress-faults.XXXXXX)
WL=$BUILD/workloads/pin-truncate
cat > "$dir/two.conf" <<'CONF'
[global]
workload = pin-truncate
pin = pvm
break = punch
size = 8M
pin-size = 64k
[first]
duration = 30s
[second]
duration = 2s
CONF

# pids of processes whose command line names this test directory
procs() { pgrep -f -- "--dir=$dir|--dir $dir" | tr '\n' ' '; }

# 1. SIGKILL the first case's workload mid-case.
"$DAXSTRESS" run --dir "$dir" --allow-nodax --suite "$dir/two.conf" --json "$dir/r.json" > "$dir/out" 2>&1 &
run=$!
sleep 3
wl=$(pgrep -f -- "--name=[a-z0-9]*.first" | head -n 1)
kill -KILL "$wl" 2>/dev/null
wait "$run"
expect_eq "killed workload: case is error" "$(jq -r '.cases[] | select(.suite_case == "first") | .verdict' "$dir/r.json")" error
expect_match "killed workload: reason says what happened" \
	"$(jq -r '.cases[] | select(.suite_case == "first") | .reason' "$dir/r.json")" "wrote no result"
expect_eq "killed workload: the next case still ran" \
	"$(jq -r '.cases[] | select(.suite_case == "second") | .verdict' "$dir/r.json")" pass
sleep 1
expect_eq "killed workload: its roles did not outlive it" "$(procs)" ""
rm -f "$dir"/daxstress-*.dat "$dir/r.json"

# 2. A role that crashes: SIGSEGV to the mapping owner (ASan builds must not
# turn it into an orderly exit).
ASAN_OPTIONS=handle_segv=0 "$WL" --dir "$dir" --allow-nodax --pin pvm --break punch --size 8M --pin-size 64k --duration 20s \
	--result "$dir/c.json" > "$dir/out" 2>&1 &
wl=$!
sleep 2
owner=$(pgrep -P "$wl" | head -n 1)
kill -SEGV "$owner"
wait "$wl"
rc=$?
expect_eq "crashing owner: exit 1" "$rc" 1
expect_eq "crashing owner: verdict error" "$(jq -r .verdict "$dir/c.json")" error
expect_match "crashing owner: names the signal" "$(jq -r .reason "$dir/c.json")" \
	"owner process ended early: killed by signal 11"
expect_eq "crashing owner: case file removed" "$(ls "$dir" | grep -c '\.dat$')" 0

# 3. The monitor itself killed: PR_SET_PDEATHSIG takes every role with it.
"$WL" --dir "$dir" --allow-nodax --pin pvm --break punch --size 8M --pin-size 64k --duration 20s \
	> /dev/null 2>&1 &
wl=$!
sleep 2
kids=$(pgrep -P "$wl" | tr '\n' ' ')
kill -KILL "$wl"
sleep 1
left=""
for p in $kids; do
	# a zombie waiting for init to reap it is gone for our purpose
	st=$(awk '{ print $3 }' "/proc/$p/stat" 2>/dev/null)
	[ -n "$st" ] && [ "$st" != Z ] && left="$left $p"
done
expect_eq "killed monitor: no orphan roles (had: $kids)" "$left" ""
rm -f "$dir"/daxstress-*.dat

# 4. Ctrl-C: the case stops, the file goes, the exit says why.
"$WL" --dir "$dir" --allow-nodax --pin pvm --break truncate --size 8M --pin-size 64k --duration 20s \
	> "$dir/out" 2>&1 &
wl=$!
sleep 2
kill -INT "$wl"
wait "$wl"
rc=$?
expect_eq "Ctrl-C: exit 1 (error verdict)" "$rc" 1
expect_match "Ctrl-C: reason" "$(cat "$dir/out")" "interrupted by signal 2"
expect_eq "Ctrl-C: case file removed" "$(ls "$dir" | grep -c '\.dat$')" 0
sleep 1
expect_eq "Ctrl-C: no processes left" "$(procs)" ""
rm -rf "$dir"
finish
