// SPDX-License-Identifier: GPL-2.0
/*
 * Description: the kernel-thread watch on a fake /proc: a kworker asleep in
 * fuse_dax_break_layouts (the virtiofs DAX range reclaim) is found and
 * called stuck when it does not switch between samples; a user thread in
 * the same wait, a kworker asleep elsewhere, a running kworker and a
 * kworker that did switch are not.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "../../lib/monitor/kwatch.h"

#define KTHREAD "2129984"	/* PF_KTHREAD | PF_NOFREEZE etc.: 0x208040 */
#define USER "4194560"		/* 0x400100 */

static const char reclaim_stack[] =
	"[<0>] fuse_dax_break_layouts+0x8c/0x100\n"
	"[<0>] lookup_and_reclaim_dmap+0xa2/0x160\n"
	"[<0>] fuse_dax_free_mem_worker+0x1e4/0x2e0\n"
	"[<0>] process_one_work+0x17b/0x330\n";

static char root[64];

static void put(int pid, const char *name, const char *text)
{
	char path[128];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%d", root, pid);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/%d/%s", root, pid, name);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void task(int pid, const char *comm, char state, const char *flags, const char *wchan,
		 const char *stack, int switches)
{
	char buf[256];

	snprintf(buf, sizeof(buf), "%d (%s) %c 2 0 0 0 -1 %s 0 0 0 0 0 0\n", pid, comm, state,
		 flags);
	put(pid, "stat", buf);
	put(pid, "wchan", wchan);
	put(pid, "stack", stack);
	snprintf(buf, sizeof(buf), "Name:\t%s\nvoluntary_ctxt_switches:\t%d\n%s", comm, switches,
		 "nonvoluntary_ctxt_switches:\t1\n");
	put(pid, "status", buf);
}

static int setup(void **state)
{
	(void)state;
	snprintf(root, sizeof(root), "/tmp/daxstress-kwatch.XXXXXX");
	assert_non_null(mkdtemp(root));
	task(41, "kworker/u4:2", 'S', KTHREAD, "fuse_dax_break_layouts", reclaim_stack, 7);
	task(42, "truncate (x)", 'S', USER, "fuse_dax_break_layouts", reclaim_stack, 3);
	task(43, "kworker/0:1", 'S', KTHREAD, "worker_thread", "[<0>] worker_thread+0x1/0x2\n", 9);
	task(44, "kworker/1:0", 'R', KTHREAD, "0", reclaim_stack, 9);
	put(45, "stat", "garbage");
	return 0;
}

static int teardown(void **state)
{
	char cmd[96];

	(void)state;
	snprintf(cmd, sizeof(cmd), "rm -rf %s", root);
	return system(cmd);
}

static void test_scan(void **state)
{
	struct kwatch_hit hits[8];
	int n;

	(void)state;
	n = kwatch_scan(root, hits, 8);
	assert_int_equal(n, 1);
	assert_int_equal(hits[0].pid, 41);
	assert_string_equal(hits[0].comm, "kworker/u4:2");
	assert_int_equal(hits[0].state, 'S');
	assert_string_equal(hits[0].where, "fuse_dax_break_layouts");
	assert_int_equal(hits[0].switches, 8);
}

static void test_stuck(void **state)
{
	struct kwatch_hit h;
	char buf[512];

	(void)state;
	assert_true(kwatch_stuck(root, 2, 1, &h));
	assert_int_equal(h.pid, 41);
	kwatch_describe(&h, buf, sizeof(buf));
	assert_non_null(strstr(buf, "kworker/u4:2 (pid 41) asleep (S) in fuse_dax_break_layouts"));
	assert_non_null(strstr(buf, "takes no signal"));
}

static void test_woken(void **state)
{
	struct kwatch_hit h;

	(void)state;
	/*
	 * A thread that left the wait between samples is not stuck: the second
	 * sample sees it elsewhere.
	 */
	task(41, "kworker/u4:2", 'S', KTHREAD, "fuse_dax_break_layouts", reclaim_stack, 7);
	assert_true(kwatch_stuck(root, 1, 1, &h));
	task(41, "kworker/u4:2", 'S', KTHREAD, "0", "", 7);
	assert_false(kwatch_stuck(root, 2, 1, &h));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_scan),
		cmocka_unit_test(test_stuck),
		cmocka_unit_test(test_woken),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
