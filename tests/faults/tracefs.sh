#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Description: a run leaves the host's tracing as it found it. With tracefs
# unmounted, the run does not mount it. Mounted, an event someone enabled
# beforehand is still enabled afterwards, the top-level buffer still holds
# what was in it, and no daxstress instance or kprobe is left. A run killed
# by SIGKILL leaves its instance behind; the next run removes it (and only
# instances whose run is gone).
. "$(dirname "$0")/../lib.sh"

# One copy at a time: this test mounts tracefs when the host has none and
# unmounts it at the end, and any run removes any killed run's left-overs, so
# two copies at once (make check beside make check-soak, or LOAD=twin)
# unmounted tracefs under each other and the next run could not say it had
# removed anything (both copies failed so, 2026-12-05). The lock is on the
# /tmp directory itself, which every checkout shares and nothing has to be
# created (or left behind) for.
exec 9</tmp
flock 9

T=/sys/kernel/tracing
dir=$(mktemp -d /tmp/daxstress-tracefs.XXXXXX)
printf '[global]\nworkload = pin-truncate\npin = plant-wake\nbreak = plant-wait\nsize = 8M\npin-size = 64k\nstall-timeout = 2s\ngrace = 1s\n[clean]\nduration = %s\n' \
	1s >"$dir/short.conf"
printf '[global]\nworkload = pin-truncate\npin = plant-wake\nbreak = plant-wait\nsize = 8M\npin-size = 64k\n[long]\nduration = 30s\n' \
	>"$dir/long.conf"
printf 'p:dsprobe vfs_read\nfilter dsprobe common_pid < 0\n' >"$dir/probe.trace"

run() {
	"$DAXSTRESS" run --dir "$dir" --allow-nodax --quiet --suite "$dir/short.conf" \
		--trace "$dir/probe.trace" --json "$dir/r.json" "$@" 2>&1
}

is_mounted() { grep -q " $T tracefs " /proc/self/mounts; }

# Instances and kprobe groups of daxstress runs whose process is gone (a
# run beside this one, as in check-soak LOAD=twin, may own live ones).
stale() {
	{ ls "$T/instances"; sed -n 's/^[pr][0-9]*:\([^/]*\)\/.*/\1/p' "$T/kprobe_events" 2>/dev/null; } |
		sed -n 's/^daxstress[-_]\([0-9][0-9]*\)$/\1/p' | while read -r pid; do
			kill -0 "$pid" 2>/dev/null || echo "$pid"
		done
}

# The test's own mount, when the host had none: undone at the end.
mounted_here=
if ! is_mounted; then
	out=$(run)
	expect_eq "tracefs unmounted: the run passes" "$(jq -r '.cases[0].verdict' "$dir/r.json")" pass
	expect_match "tracefs unmounted: says why there are no counts" "$out" \
		"trace: - failed tracefs is not mounted"
	if is_mounted; then not_ok "tracefs unmounted: the run mounted it"; umount "$T"; else
		ok "tracefs unmounted: still unmounted after the run"; fi
	if ! mount -t tracefs nodev "$T" 2>/dev/null; then
		echo "ok - host tracing untouched # SKIP cannot mount tracefs here"
		rm -rf "$dir"
		finish
	fi
	mounted_here=1
fi

# Someone else's tracing: an enabled event and a marker in the top-level buffer.
ev=$T/events/syscalls/sys_enter_getppid
[ -e "$ev/enable" ] || ev=$T/events/sched/sched_process_exec
was=$(cat "$ev/enable")
echo 1 >"$ev/enable"
mark="daxstress-tracefs-test-$$"
echo "$mark" >"$T/trace_marker"
kp_before=$(cat "$T/kprobe_events" 2>/dev/null)

out=$(run)
expect_eq "mounted: the run passes" "$(jq -r '.cases[0].verdict' "$dir/r.json")" pass
expect_match "mounted: the probe's fate is said" "$out" "# trace: dsprobe (ok|failed)"
expect_eq "the event enabled before is still enabled" "$(cat "$ev/enable")" 1
expect_match "the top-level buffer was not emptied" "$(cat "$T/trace")" "$mark"
expect_eq "no instance or kprobe of a gone run left" "$(stale)" ""
[ -n "$(pgrep -x daxstress)" ] ||
	expect_eq "kprobe_events as before" "$(cat "$T/kprobe_events" 2>/dev/null)" "$kp_before"

# A budget counted by the kernel: with --trace the run's instance keeps the
# probe's records, and the case ends once they reach the budget. A vfs_read
# probe without a filter records every read (the monitor's own /proc reads
# among them), so 50 come at once.
printf 'p:dsprobe vfs_read\n' >"$dir/count.trace"
printf '[global]\nworkload = pin-truncate\npin = pvm\nbreak = punch\nsize = 8M\nowner-threads = 0\n[budget]\nduration = 30s\nbudget = 50\n' \
	>"$dir/budget.conf"
"$DAXSTRESS" run --dir "$dir" --allow-nodax --quiet --suite "$dir/budget.conf" \
	--trace "$dir/count.trace" --json "$dir/b.json" >"$dir/b.out" 2>&1
if grep -q "# trace: dsprobe ok" "$dir/b.out"; then
	expect_eq "kernel-counted budget: counted by the kernel" \
		"$(jq -r '.cases[0].budget_counts' "$dir/b.json")" kernel
	expect_eq "kernel-counted budget: reached before the duration" \
		"$(jq '.cases[0].budget_reached_s > 0 and .cases[0].budget_reached_s < 30' "$dir/b.json")" true
else
	# No probe registered (no kprobe events here): nothing would count.
	expect_eq "budget without a registered probe: breaks slept count it" \
		"$(jq -r '.cases[0].budget_counts' "$dir/b.json")" breaks-slept
	echo "ok - kernel-counted budget # SKIP no kprobe on vfs_read here"
fi

# A workload program on its own makes its own instance for the PMD count
# (for a moment only where the kernel has no hist triggers) and removes it;
# the sanitizer build also checks it leaks nothing (libtracefs hands out a
# copy of the tracefs path, which once went unfreed).
"$BUILD/workloads/pin-truncate" --dir "$dir" --allow-nodax --pin plant-wake --break plant-wait \
	--size 8M --pin-size 64k --duration 1s --stall-timeout 2s --grace 1s >"$dir/wl.out" 2>&1 &
wl=$!
wait "$wl"
rc=$?
[ "$rc" -eq 0 ] || grep -v '^# ' "$dir/wl.out" | sed 's/^/    /'
expect_eq "the workload on its own: exit 0 (no sanitizer report)" "$rc" 0
expect_eq "the workload removed its instance" "$(ls "$T/instances" | grep -c "^daxstress-$wl\$")" 0

# A run killed by SIGKILL mid-case leaves its instance; the next run removes it.
setsid "$DAXSTRESS" run --dir "$dir" --allow-nodax --quiet --suite "$dir/long.conf" \
	>"$dir/killed.out" 2>&1 &
killed=$!
i=0
while [ $i -lt 100 ] && [ ! -d "$T/instances/daxstress-$killed" ]; do
	sleep 0.1
	i=$((i + 1))
done
expect_eq "a running run has its own instance" "$(ls -d "$T/instances/daxstress-$killed" 2>&1)" \
	"$T/instances/daxstress-$killed"
env kill -KILL -- "-$killed"
wait "$killed" 2>/dev/null
sleep 0.5
# A live process's instance must survive the reaping.
sleep 60 &
live=$!
mkdir "$T/instances/daxstress-$live"
# Any daxstress run or workload reaps a killed run's left-overs.
reapers() { pgrep -x daxstress; pgrep -f '/workloads/[a-z0-9-]+ '; }
others=$(reapers)
left=$(ls -d "$T/instances/daxstress-$killed" 2>/dev/null)
out=$(run)
others=$others$(reapers)
# Another run beside this one (not this test) may have removed them first.
[ -n "$others" ] || [ -z "$left" ] ||
	expect_match "the next run says it removed the left-overs" "$out" \
		"trace: removed [1-9][0-9]* tracefs instances and kprobes left by killed runs"
expect_eq "the killed run's instance is gone" "$(ls "$T/instances" | grep -c "^daxstress-$killed\$")" 0
expect_eq "the killed run's temporary directory is gone" "$(ls -d /tmp/daxstress-run-"$killed".* 2>/dev/null)" ""
expect_eq "a live process's instance is kept" "$(ls "$T/instances" | grep -c "^daxstress-$live\$")" 1
rmdir "$T/instances/daxstress-$live"
kill "$live"
rm -f "$dir"/*.dat

echo "$was" >"$ev/enable"
[ -z "$mounted_here" ] || umount "$T"
rm -rf "$dir"
finish
