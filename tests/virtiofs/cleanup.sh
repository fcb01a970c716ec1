#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Description: daxstress vm --fs virtiofs leaves nothing behind: not the
# daemon, not QEMU, not the shared directory nor the socket, when the run is
# interrupted (SIGINT, as Ctrl-C), when the guest panics (--debug panic) and
# when the daemon dies under a running guest (SIGKILL to virtiofsd). Each run
# must also end with the reason. Needs the cache of make virtiofs-prep
# (else SKIP) and the stock 6.12 kernel (cached by the VM tests). Three
# boots, about 3 min: make virtiofs-check runs it, make check does not.
. "$(dirname "$0")/../lib.sh"

if ! runner/vm/virtiofs-prep.sh --check >/dev/null 2>&1; then
	echo "ok - virtiofs cleanup # SKIP no virtiofs cache (make virtiofs-prep)"
	exit 0
fi
res=$(mktemp -d /tmp/daxstress-vfsclean.XXXXXX)
KERNEL=${VIRTIOFS_KERNEL:-debian:6.12}

# The run's own processes, found by its results directory (QEMU) and by
# the socket in its temporary directory (virtiofsd); never a broad pattern.
leftovers() {
	pgrep -f "qemu-system.*$1" | tr '\n' ' '
	pgrep -f "virtiofsd.*--shared-dir=$1" | tr '\n' ' '
}

# start NAME ARGS...: a run in the background; $pid, $dir
start() {
	dir=$res/$1
	mkdir -p "$dir"
	shift
	"$DAXSTRESS" vm --kernel "$KERNEL" --fs virtiofs --results "$dir" \
		--boot-timeout 240 "$@" >"$dir/out.txt" 2>&1 &
	pid=$!
}

# wait_for FILE PATTERN SECONDS: until the run's output shows PATTERN
wait_for() {
	i=0
	while ! grep -Eq -- "$2" "$1" 2>/dev/null; do
		i=$((i + 1))
		[ $i -le $(($3 * 2)) ] || return 1
		sleep 0.5
	done
}

# check NAME: nothing of the run left
check() {
	expect_eq "$1: no QEMU or virtiofsd left" "$(leftovers "$dir")" ""
	expect_eq "$1: the shared directory is gone" \
		"$(ls -d "$dir"/*/virtiofs-dir 2>/dev/null)" ""
	sock=$(sed -n 's/.*--socket-path=\([^ ]*\).*/\1/p' "$dir/out.txt" | head -n 1)
	expect_eq "$1: the socket is gone" "$([ -n "$sock" ] && [ ! -e "$sock" ] && echo gone)" gone
	expect_eq "$1: the daemon's log is kept" \
		"$(ls "$dir"/2*/virtiofsd.log 2>/dev/null | wc -l)" 1
}

# 1. Ctrl-C while the guest runs (it hangs on purpose after mounting)
start sigint --debug hang
if wait_for "$dir/out.txt" "FS-READY|guest set-up done" 240; then
	sleep 2
	kill -INT "$pid"
	wait "$pid"
	rc=$?
	expect_eq "sigint: exit 130" "$rc" 130
else
	not_ok "sigint: the guest never got ready: $(tail -5 "$dir/out.txt")"
	kill -INT "$pid"
	wait "$pid"
fi
check sigint

# 2. A guest panic (sysrq c once the filesystem is mounted)
start panic --debug panic
wait "$pid"
rc=$?
expect_eq "panic: exit 2" "$rc" 2
expect_match "panic: says so" "$(cat "$dir/out.txt")" "panic"
check panic

# 3. The daemon dies under a running guest
start crash --debug hang
if wait_for "$dir/out.txt" "FS-READY|guest set-up done" 240; then
	vpid=$(pgrep -f "virtiofsd.*--shared-dir=$dir" | head -n 1)
	kill -KILL "$vpid"
	wait "$pid"
	rc=$?
	expect_eq "daemon crash: exit 2" "$rc" 2
	expect_match "daemon crash: the reason names the daemon" "$(cat "$dir/out.txt")" \
		"virtiofsd killed by signal 9"
else
	not_ok "daemon crash: the guest never got ready: $(tail -5 "$dir/out.txt")"
	kill -INT "$pid"
	wait "$pid"
fi
check "daemon crash"

rm -rf "$res"
finish
