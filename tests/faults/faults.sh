#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Description: injected faults end the way a user needs them to: a workload
# killed mid-case is an error with its reason, the next case still runs and
# the runner removes the killed workload's case file; a crashing role
# (SIGSEGV, SIGBUS from a mapping truncated outside the expected window, a
# sent SIGBUS) is an error naming the signal; a full filesystem (ENOSPC,
# before and during a case) is an error that says ENOSPC; a killed monitor
# leaves no orphan workload processes; Ctrl-C stops cleanly and removes the
# case file (tests/faults/interrupt.sh: Ctrl-C at more points).
. "$(dirname "$0")/../lib.sh"

dir=$(mktemp -d /tmp/daxstress-faults.XXXXXX)
WL=$BUILD/workloads/pin-truncate
suite_two "$dir/two.conf" 30s 2s

procs() { procs_in "$dir"; }

# 1. SIGKILL the first case's workload mid-case.
"$DAXSTRESS" run --dir "$dir" --allow-nodax --suite "$dir/two.conf" --json "$dir/r.json" > "$dir/out" 2>&1 &
run=$!
sleep 3
wl=$(pgrep -P "$run" -x ds-case | head -n 1)	# the runner's child running the case
kill -KILL "$wl" 2>/dev/null
wait "$run"
expect_eq "killed workload: case is error" "$(jq -r '.cases[] | select(.suite_case == "first") | .verdict' "$dir/r.json")" error
expect_match "killed workload: reason says what happened" \
	"$(jq -r '.cases[] | select(.suite_case == "first") | .reason' "$dir/r.json")" "wrote no result"
expect_eq "killed workload: the next case still ran" \
	"$(jq -r '.cases[] | select(.suite_case == "second") | .verdict' "$dir/r.json")" pass
sleep 1
expect_eq "killed workload: its roles did not outlive it" "$(procs)" ""
expect_match "killed workload: the runner removed its case file" "$(cat "$dir/out")" \
	"cleanup: removed $dir/daxstress-$wl-"
expect_eq "killed workload: no case file left" "$(ls "$dir" | grep -c '\.dat$')" 0
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

# 2b. SIGBUS outside the expected window: the case file truncated to 0 from
# outside, so the owner faults on its stable first quarter.
"$WL" --dir "$dir" --allow-nodax --pin pvm --break punch --size 8M --pin-size 64k --duration 20s \
	--result "$dir/c.json" > "$dir/out" 2>&1 &
wl=$!
sleep 1.5
truncate -s 0 "$dir"/daxstress-"$wl"-*.dat
wait "$wl"
expect_eq "truncated mapping: verdict error" "$(jq -r .verdict "$dir/c.json")" error
expect_match "truncated mapping: names SIGBUS" "$(jq -r .reason "$dir/c.json")" \
	"owner process ended early: killed by signal 7 \(Bus error\)"
expect_eq "truncated mapping: case file removed" "$(ls "$dir" | grep -c '\.dat$')" 0

# 2c. A SIGBUS sent with kill (no fault address) must not be swallowed.
"$WL" --dir "$dir" --allow-nodax --pin pvm --break punch --size 8M --pin-size 64k --duration 20s \
	--result "$dir/c.json" > "$dir/out" 2>&1 &
wl=$!
sleep 1.5
kill -BUS "$(pgrep -P "$wl" | head -n 1)"
wait "$wl"
expect_match "sent SIGBUS: the owner dies of it" "$(jq -r .reason "$dir/c.json")" \
	"owner process ended early: killed by signal 7"

# 2d. ENOSPC: a filesystem too small for the case, then one that runs full
# during the case (a page fault that must allocate gets SIGBUS, which looks
# like an expected truncation SIGBUS unless the fullness is watched).
mkdir "$dir/small"
if mount -t tmpfs -o size=3m daxstress-enospc "$dir/small" 2> /dev/null; then
	"$WL" --dir "$dir/small" --allow-nodax --pin pvm --break punch --size 8M --pin-size 64k \
		--duration 2s --result "$dir/c.json" > "$dir/out" 2>&1
	expect_match "too small: error says ENOSPC and what to do" "$(jq -r '.verdict + " " + .reason' "$dir/c.json")" \
		"error ENOSPC: .* has 3072 KiB free, the case file needs 8192 KiB: free space or pass a smaller --size"
	umount "$dir/small"
	mount -t tmpfs -o size=12m daxstress-enospc "$dir/small"
	"$WL" --dir "$dir/small" --allow-nodax --pin pvm --break punch --size 8M --pin-size 64k \
		--duration 3s --result "$dir/c.json" > "$dir/out" 2>&1 &
	wl=$!
	sleep 1
	# Keep it full: the punch breaker frees blocks, and a one-shot fill was
	# undone between two monitor ticks under load (check-soak beside TCG
	# guests: the case passed). kill -0 holds until the wait below reaps it.
	while kill -0 "$wl" 2> /dev/null; do
		dd if=/dev/zero of="$dir/small/filler" bs=64k oflag=append conv=notrunc > /dev/null 2>&1
		sleep 0.02
	done &
	filler=$!
	wait "$wl"
	wait "$filler"
	expect_match "runs full mid-case: error says ENOSPC" "$(jq -r '.verdict + " " + .reason' "$dir/c.json")" \
		"error ENOSPC: the filesystem of .* ran full"
	rm -f "$dir/small/filler"
	expect_eq "runs full mid-case: nothing left but the test's own file" "$(ls -A "$dir/small")" ""
	umount "$dir/small"
else
	echo "ok - ENOSPC # SKIP cannot mount a small tmpfs here (needs root)"
fi

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
