#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest side of `make bench`'s parallel-files step: does the collision rate
# grow with the number of files raced at once? One file serialises its
# breaks (each break-layouts call holds the file's locks), so N independent
# cases on N files are the way past that limit, unless the CPUs are.
# Runs the peer503 baseline on one file, then the same pin-truncate case on
# 1 and on N files at once, and counts collisions in the kernel: the
# dsbusy and dsbrk_* kprobes that `daxstress vm --trace
# configs/trace/collisions.trace` registered before this script starts.
# One line per run on the console:
#   files: RUN FILES COLLISIONS BREAK-LAYOUTS SECONDS VERDICTS
# Run by the VM's init instead of the suite (scripts/bench.sh does this):
#   daxstress vm --fs ext4 --trace configs/trace/collisions.trace --append \
#     "daxstress.cmd=/usr/libexec/daxstress/vm/bench-files.sh daxstress.files=6 \
#      daxstress.files_opts=--pin=odirect,--break=collapse"
T=${DAXSTRESS_TRACEFS:-/sys/kernel/tracing}
LX=/usr/libexec/daxstress
N=6
OPTS=
DUR=20s
for opt in $(cat /proc/cmdline); do
	case "$opt" in
	daxstress.files=*) N=${opt#*=} ;;
	daxstress.files_opts=*) OPTS=$(echo "${opt#*=}" | tr ',' ' ') ;;
	daxstress.files_duration=*) DUR=${opt#*=} ;;
	esac
done

say() { echo "files: $*" >/dev/console; }

brk_hits() {
	awk '$1 ~ /^dsbrk/ { n += $2 } END { print n + 0 }' "$T/kprobe_profile"
}

# run NAME FILES PROGRAM ARGS...: FILES copies at once, each on its own file.
run() {
	name=$1 n=$2
	shift 2
	echo >"$T/trace"
	b0=$(brk_hits)
	t0=$(cut -d' ' -f1 /proc/uptime)
	i=0
	while [ "$i" -lt "$n" ]; do
		"$@" --dir "$MNT" --target "$TARGET" --name "$name.$i" --duration "$DUR" \
			--stall-timeout 8s >"/tmp/files-$name.$i.out" 2>&1 &
		i=$((i + 1))
	done
	wait
	t1=$(cut -d' ' -f1 /proc/uptime)
	c=$(grep -c ' dsbusy:' "$T/trace")
	v=$(sed -n 's/^# verdict \([a-z-]*\):.*/\1/p' /tmp/files-"$name".*.out | sort | uniq -c |
		awk '{ printf "%s%s:%s", (NR > 1 ? "," : ""), $2, $1 }')
	say "$name $n $c $(($(brk_hits) - b0)) $(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }') ${v:-none}"
}

[ -f "$T/kprobe_profile" ] && grep -q '^ *dsbusy ' "$T/kprobe_profile" ||
	{ say "error: no dsbusy kprobe (run with --trace configs/trace/collisions.trace)"; exit 2; }
# Room for every collision record of a run (about 100 bytes each).
echo 65536 >"$T/buffer_size_kb"
run peer503 1 $LX/peer503 --size 4M --pin-size 16k
# shellcheck disable=SC2086
run daxstress 1 $LX/pin-truncate $OPTS
# shellcheck disable=SC2086
run daxstress "$N" $LX/pin-truncate $OPTS
lost=$(cat "$T"/per_cpu/cpu*/stats 2>/dev/null | awk '$1 == "overrun:" { n += $2 } END { print n + 0 }')
say "overrun $lost"
