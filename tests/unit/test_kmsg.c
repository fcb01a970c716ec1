// SPDX-License-Identifier: GPL-2.0
/*
 * Description: which kernel log lines are findings. A warning of the
 * tracing code about itself (the kretprobe unwinder, measured on 6.1 while
 * the monitor read a running thread's stack) is told apart from the DAX
 * warnings the suite looks for.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "../../lib/monitor/kmsg.h"

static void test_findings(void **state)
{
	(void)state;
	assert_true(kmsg_is_warning("WARNING: CPU: 0 PID: 1228 at fs/dax.c:380 dax_insert_entry+0x227/0x320"));
	assert_false(kmsg_is_tracing_warning("WARNING: CPU: 0 PID: 1228 at fs/dax.c:380 dax_insert_entry+0x227/0x320"));
	assert_true(kmsg_is_warning("INFO: task trunc:123 blocked for more than 120 seconds."));
	assert_false(kmsg_is_warning("EXT4-fs (pmem0): mounted filesystem"));
}

static void test_tracing(void **state)
{
	const char *l = "WARNING: CPU: 1 PID: 825 at kernel/trace/rethook.c:263 rethook_find_ret_addr+0x1a/0x80";

	(void)state;
	assert_true(kmsg_is_warning(l));
	assert_true(kmsg_is_tracing_warning(l));
	assert_true(kmsg_is_tracing_warning("WARNING: CPU: 0 PID: 9 at kernel/kprobes.c:1997 kretprobe_find_ret_addr+0x10/0x60"));
}

/* Only the kernel's own records count; a line a process wrote has facility 1 or more. */
static void test_from_kernel(void **state)
{
	(void)state;
	assert_true(kmsg_from_kernel("4,1234,5678,-;WARNING: CPU: 0 PID: 1 at fs/dax.c:380 x"));
	assert_true(kmsg_from_kernel("0,1,2,-;msg"));
	assert_false(kmsg_from_kernel("12,1235,5679,-;WARNING: logged by a program"));
	assert_false(kmsg_from_kernel("14,1,2,-;daxstress: case smoke.x start"));
	assert_false(kmsg_from_kernel(" SUBSYSTEM=pci"));	/* a continuation line */
	assert_false(kmsg_from_kernel(""));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_findings),
		cmocka_unit_test(test_tracing),
		cmocka_unit_test(test_from_kernel),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
