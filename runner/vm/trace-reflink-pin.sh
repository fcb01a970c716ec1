#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest side of the 6.12 GUP unshare evidence: kprobes on the GUP page
# lookup and the fault it asks for, around reproducers/reflink-pin (given
# with --exec, so it is in /usr/local/bin), and the counts per probe, per
# return value and per fault flag word, on stdout.
#   daxstress vm --kernel debian:6.12 --fs xfs --exec build/reproducers/reflink-pin \
#     --append daxstress.cmd=/usr/libexec/daxstress/vm/trace-reflink-pin.sh
# follow_page_mask() returns -EMLINK (-31) when gup_must_unshare() asks for an
# unshare; __get_user_pages() then calls handle_mm_fault() with
# FAULT_FLAG_UNSHARE (0x400 from 5.19 to 6.x: enum fault_flag) and retries.
# A probe the kernel refuses (the function inlined) is reported and skipped.
T=/sys/kernel/tracing
MAX=${TRACE_MAX:-12}

say() { echo "# gup: $*"; }

mnt=$(awk '$1 ~ /pmem/ && $2 ~ /^\/mnt\// { print $2; exit }' /proc/mounts)
[ -n "$mnt" ] || { say "no pmem mount under /mnt"; exit 4; }
prog=$(ls /usr/local/bin/* 2>/dev/null | sed -n 1p)
[ -x "$prog" ] || { say "no program in /usr/local/bin (give one with --exec)"; exit 4; }
[ -d $T/events ] || mount -t tracefs nodev $T || { say "no tracefs"; exit 4; }

# x86_64: arguments in di, si, dx, cx; handle_mm_fault(vma, address, flags, regs).
probes() {
	cat <<'END'
r:ds/fpm follow_page_mask ret=$retval:s64
p:ds/hmf handle_mm_fault addr=%si:x64 flags=%dx:x32 comm=$comm
END
}

echo 0 >$T/tracing_on
echo >$T/kprobe_events
probes | while read -r p; do
	echo "$p" >>$T/kprobe_events 2>/dev/null || say "probe refused (inlined?): $p"
done
grep -q follow_page_mask /proc/kallsyms || say "follow_page_mask is not in /proc/kallsyms"
echo 16384 >$T/buffer_size_kb
echo 1 >$T/events/ds/enable 2>/dev/null || { say "no probe registered"; exit 4; }
echo >$T/trace
echo 1 >$T/tracing_on
"$prog" "$mnt" /dev/nullb0 5
rc=$?
echo 0 >$T/tracing_on
say "kernel $(uname -r), $(basename "$prog") exit $rc"
# One pass over the (large) trace: counts per probe, return value, flag
# word, address and comm.
awk '
	/^#/ { next }
	{
		for (i = 1; i <= NF; i++) {
			if ($i ~ /^(fpm|hmf):$/) p = $i
			else if ($i ~ /^(ret|flags|addr|comm)=/) n[p " " $i]++
		}
		total[p]++
	}
	END {
		for (k in total) printf "%d %s events\n", total[k], k
		for (k in n) printf "%d %s\n", n[k], k
	}' $T/trace | sort -rn | head -20 | sed 's/^/# gup: /'
say "the last $MAX events:"
grep -v '^#' $T/trace | tail -n "$MAX" | sed 's/^/# gup: /'
echo 0 >$T/events/ds/enable
echo >$T/kprobe_events
exit $rc
