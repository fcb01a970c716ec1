#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Description: a pinning thread left in D state. The O_DIRECT pin source
# reads from a file on a FUSE filesystem whose daemon (fuse_hold) takes
# the read and never answers: the pinner's buffer pages stay pinned, and
# once it is killed it waits uninterruptibly (D, request_wait_answer; its
# second thread then waits for the inode lock in fuse_file_write_iter), as a
# pinner stuck in a hung driver would. The case must be a hang that says
# the machine needs a reboot, the run must go on to the next case and end,
# and nothing but the stuck thread may be left. Killing the daemon then
# aborts the FUSE connection and frees the thread (a real one needs a reboot).
. "$(dirname "$0")/../lib.sh"

# Timing-bound and slow (12-15 s): once, in the normal build. The sanitizer
# build runs the same runner and workload paths through faults.sh.
case $BUILD in
*asan* | *tsan*)
	echo "ok - D state # SKIP timing-bound test runs in the normal build only (keeps make check short)"
	exit 0 ;;
esac

HOLD=$BUILD/faults/fuse_hold
if [ "$(id -u)" -ne 0 ] || [ ! -c /dev/fuse ]; then
	echo "ok - D state # SKIP needs root and /dev/fuse to plant a thread in D state"
	exit 0
fi
if [ ! -x "$HOLD" ]; then
	not_ok "helper $HOLD not built (make tests)"
	finish
fi
dir=$(mktemp -d /tmp/daxstress-dstate.XXXXXX)
mkdir "$dir/fuse"
: > "$dir/hold.out"
"$HOLD" "$dir/fuse" > "$dir/hold.out" 2> "$dir/hold.err" &
daemon=$!
i=0
while [ "$(cat "$dir/hold.out")" != ready ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
if [ "$(cat "$dir/hold.out")" != ready ]; then
	echo "ok - D state # SKIP cannot mount FUSE here: $(cat "$dir/hold.err")"
	kill "$daemon" 2>/dev/null
	rm -rf "$dir"
	exit 0
fi
release() {
	kill "$daemon" 2>/dev/null
	wait "$daemon" 2>/dev/null
	umount "$dir/fuse" 2>/dev/null || umount -l "$dir/fuse"
}
trap release EXIT
mkdir "$dir/run"
cat > "$dir/d.conf" <<CONF
[global]
workload = pin-truncate
break = punch
size = 8M
pin-size = 64k
stall-timeout = 2s
grace = 1s
[stuck-in-d]
pin = odirect
target = $dir/fuse/hold
duration = 3s
[next]
pin = pvm
duration = 2s
CONF
start=$(date +%s)
out=$(timeout 120 "$DAXSTRESS" run --dir "$dir/run" --allow-nodax --suite "$dir/d.conf" \
	--json "$dir/r.json" 2>&1)
rc=$?
took=$(($(date +%s) - start))
echo "$out" | sed 's/^/    /'
expect_eq "D state: the run ends by itself (exit 1, a finding) in ${took} s" "$rc" 1
expect_eq "D state: verdict hang" "$(jget "$dir/r.json" stuck-in-d verdict)" hang
expect_match "D state: the reason names the state and the reboot" \
	"$(jget "$dir/r.json" stuck-in-d reason)" "state D .* at (request_wait_answer|fuse_[a-z_]+).*needs a reboot"
expect_eq "D state: needs_reboot in the report" "$(jget "$dir/r.json" stuck-in-d needs_reboot)" true
expect_match "D state: KTAP says it too" "$out" "# cleanup: the pinner process [0-9]+ cannot be killed"
expect_eq "D state: the next case still ran" "$(jget "$dir/r.json" next verdict)" pass
pid=$(echo "$out" | sed -n 's/.*# cleanup: the pinner process \([0-9]*\) cannot.*/\1/p' | head -n 1)
expect_match "D state: a thread of process $pid is still in D while the daemon lives" \
	"$(cat /proc/"$pid"/task/*/stat 2>/dev/null | sed 's/.*) //' | cut -c1 | tr -d '\n')" D
expect_eq "D state: no case file left" "$(ls "$dir/run" | grep -c '\.dat$')" 0
release
trap - EXIT
sleep 1
# a zombie waiting for a PID 1 that does not reap is gone for our purpose
expect_eq "D state: freed once the FUSE daemon is gone, no process left" \
	"$(ps -eo pid=,args= | grep -- "--dir=$dir/run" | grep -v grep)$(cat /proc/"$pid"/task/*/stat 2>/dev/null | sed 's/.*) //' | cut -c1 | tr -d 'Z\n')" ""
rm -rf "$dir"
finish
