#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Guest side of the 7.x blocked-by-mapping evidence: kprobes on the
# break-layouts wait, the DAX faults that map a page, the unpins and the
# free path that wakes, around daxstress cases; prints, for every page a
# break found busy, the events that touched that page, to the console.
# Run by the VM's init instead of the suite:
#   daxstress vm --kernel debian:7.3 --fs ext4 --append \
#     "daxstress.cmd=/usr/libexec/daxstress/vm/trace-break-layout.sh daxstress.trace_cases=A,B"
# Kernel command line: daxstress.trace_suite=NAME (under
# /usr/share/daxstress/configs, default lockstep), daxstress.trace_cases=A,B
# (default every case of the suite), daxstress.trace_max=N (lines per case,
# default 150).
T=/sys/kernel/tracing
SUITE=lockstep
CASES=
MAX=150
out=/dev/console
for opt in $(cat /proc/cmdline); do
	case "$opt" in
	daxstress.trace_suite=*) SUITE=${opt#*=} ;;
	daxstress.trace_cases=*) CASES=$(echo "${opt#*=}" | tr ',' ' ') ;;
	daxstress.trace_max=*) MAX=${opt#*=} ;;
	esac
done
CONF=/usr/share/daxstress/configs/$SUITE.conf

say() { echo "trace: $*" >$out; }

mnt=$(awk '$1 ~ /pmem/ && $2 ~ /^\/mnt\// { print $2; exit }' /proc/mounts)
[ -n "$mnt" ] || { say "no pmem mount under /mnt"; exit 2; }
[ -d $T/events ] || mount -t tracefs nodev $T || { say "no tracefs"; exit 2; }

# x86_64: the first arguments are in di, si, dx. ref is the page's
# _refcount (offset 52 in struct page).
probes() {
	cat <<'END'
p:ds/brk dax_break_layout start=%si end=%dx
r:ds/busy dax_layout_busy_page_range page=$retval ref=+52($retval):s32
p:ds/insert vmf_insert_page_mkwrite page=%si write=%dx
p:ds/insert_pmd vmf_insert_folio_pmd page=%si write=%dx ref=+52(%si):s32
p:ds/unpin unpin_user_folio page=%di n=%si ref=+52(%di):s32
p:ds/unpins unpin_user_pages page=+0(%di):x64 n=%si
p:ds/free free_zone_device_folio page=%di
r:ds/brkret dax_break_layout ret=$retval
END
}

setup() {
	echo 0 >$T/tracing_on
	echo >$T/kprobe_events
	probes | while read -r p; do
		echo "$p" >>$T/kprobe_events 2>/dev/null || say "probe refused: $p"
	done
	echo 'page != 0' >$T/events/ds/busy/filter
	echo 16384 >$T/buffer_size_kb
	echo 1 >$T/events/ds/enable
}

# The breaks, and the events on a page some break found busy (a 2 MiB
# folio is named by its head page everywhere: the busy scan, the PMD
# insert, the folio unpin and the free); the first MAX.
report() {
	awk -v max="$MAX" '
		function page(s) {
			return match(s, /page=0x[0-9a-f]+/) ? substr(s, RSTART + 5, RLENGTH - 5) : ""
		}
		{ line[NR] = $0 }
		/ busy: / { busy[page($0)] = 1 }
		END {
			n = 0
			for (i = 1; i <= NR && n < max; i++) {
				p = page(line[i])
				if (line[i] ~ / (brk|brkret): / || (p != "" && p in busy)) {
					print line[i]
					n++
				}
			}
		}' $T/trace
}

# The [global] section and one case of the suite.
one_case() {
	awk -v c="$1" '
		/^\[/ { s = substr($0, 2, index($0, "]") - 2) }
		s == "global" || s == c { print }' "$CONF"
}

setup
[ -n "$CASES" ] || CASES=$(awk -F'[][]' '/^\[/ && $2 != "global" { print $2 }' "$CONF")
for c in $CASES; do
	one_case "$c" >/tmp/one.conf
	echo >$T/trace
	echo 1 >$T/tracing_on
	daxstress run --dir "$mnt" --suite /tmp/one.conf --target /dev/nullb0 \
		--json "/tmp/trace-$c.json" 2>&1 | grep -E '^(ok|not ok)|verdict|stall:' >$out
	echo 0 >$T/tracing_on
	say "=== $c: $(grep -c . $T/trace) events; per probe:" \
		"$(grep -o ' [a-z_]*: (' $T/trace | sort | uniq -c | tr -d '(' | tr -s ' \n' ' ')"
	report | sed 's/^/trace: /' >$out
done
echo 0 >$T/events/ds/enable
echo >$T/kprobe_events
