#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Description: the smoke suite in the pmem VM on Debian 12's stock 6.1 kernel,
# ext4 and xfs. The O_DIRECT cases (daxstress's own and a real fio libaio
# job) must be caught as missed-wakeup (the real bio release bug, reported
# XFAIL through configs/known-issues), the process_vm cases must pass, every
# case must run on a DAX file. If the
# O_DIRECT case stops being detected, the suite has lost its power: fail.
# With --trace, the run registers kprobes in its private tracefs instance in
# the guest: the collision the O_DIRECT case stalls on must be counted there.
. "$(dirname "$0")/../lib.sh"

res=$(mktemp -d /tmp/daxstress-vmtest.XXXXXX)
vm_run "$res" --kernel debian:6.1 --fs ext4,xfs --suite smoke --timeout 900 \
	--trace configs/trace/collisions.trace
expect_eq "vm exits 0" "$rc" 0
need_report
expect_eq "guest run completed" "$(jq -r .status "$rep")" completed
expect_match "kernel is the stock 6.1" "$(jq -r .kernel_release "$rep")" '^6\.1\.'
for fs in ext4 xfs; do
	c=".filesystems.$fs.result.cases[]"
	expect_eq "$fs: every case ran on a DAX file" \
		"$(jq -r "[$c.dax] | all" "$rep")" true
	expect_eq "$fs: odirect-truncate is xfail" \
		"$(jq -r "$c | select(.suite_case == \"odirect-truncate\") | .verdict" "$rep")" xfail
	expect_eq "$fs: odirect-truncate measured missed-wakeup" \
		"$(jq -r "$c | select(.suite_case == \"odirect-truncate\") | .raw_verdict" "$rep")" missed-wakeup
	expect_eq "$fs: the stall is in a break-layouts path" \
		"$(jq -r "$c | select(.suite_case == \"odirect-truncate\") | .in_dax_path" "$rep")" true
	expect_eq "$fs: fio libaio measured missed-wakeup" \
		"$(jq -r "$c | select(.suite_case == \"fio-libaio-punch\") | .raw_verdict" "$rep")" missed-wakeup
	expect_eq "$fs: pvm-truncate passes" \
		"$(jq -r "$c | select(.suite_case == \"pvm-truncate\") | .verdict" "$rep")" pass
	expect_match "$fs: the kernel counts come from the run's own tracefs instance" \
		"$(jq -r "$c | select(.suite_case == \"odirect-truncate\") | .kernel_trace.instance" "$rep")" '^daxstress-[0-9]+$'
	expect_eq "$fs: the smoke budget is counted by the kernel (registered probes)" \
		"$(jq -r "$c | select(.suite_case == \"pvm-truncate\") | .budget_counts" "$rep")" kernel
	expect_eq "$fs: the kernel counted the collision the O_DIRECT case stalled on" \
		"$(jq -r "$c | select(.suite_case == \"odirect-truncate\") | .kernel_trace.probes.dsbusy.recorded >= 1" "$rep")" true
	expect_eq "$fs: PMD faults counted from the instance's hist" \
		"$(jq -r "[$c.mapping.pmd.counted] | all" "$rep")" true
	b=$(dirname "$rep")/bundles/$fs.odirect-truncate
	expect_eq "$fs: odirect repro bundle came out of the VM" \
		"$(jq -r .verdict "$b/bundle.json" 2>&1) $(jq -r .kernel_spec "$b/bundle.json" 2>&1)" \
		"missed-wakeup debian:6.1"
	expect_match "$fs: the bundle holds the stacks after the signal step" \
		"$(cat "$b/threads.txt" 2>&1)" '=== after proof step 3, signal'
	expect_match "$fs: the report points at the host's bundle" \
		"$(jq -r "$c | select(.suite_case == \"odirect-truncate\") | .bundle" "$rep")" "^$(dirname "$rep")/bundles/"
	echo "# $fs: odirect stall noticed at $(jq -r "$c | select(.suite_case == \"odirect-truncate\") | .detect_s" "$rep") s, verdict at $(jq -r "$c | select(.suite_case == \"odirect-truncate\") | .verdict_s" "$rep") s; fs total $(jq -r ".filesystems.$fs.total_s" "$rep") s"
done
expect_eq "kprobe dsbusy registered in the guest" \
	"$(jq -r '.trace.probes[] | select(.name == "dsbusy") | .registered' "$rep")" true
expect_eq "index.html is well-formed" "$(xmllint --noout "$(dirname "$rep")/index.html" 2>&1)" ""
echo "# boot $(jq -r .times.boot_s "$rep") s, set-up $(jq -r .times.setup_s "$rep") s, VM wall $(jq -r .times.wall_s "$rep") s"
rm -rf "$res"
finish
