// SPDX-License-Identifier: GPL-2.0
/*
 * Description: heartbeat slots measure time without progress, ignore idle
 * threads, and are visible across fork (shared memory).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "../../lib/monitor/heartbeat.h"

static struct hb_region *new_region(void)
{
	void *p = mmap(NULL, sizeof(struct hb_region), PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	assert_true(p != MAP_FAILED);
	return p;
}

static void test_stall_clock(void **state)
{
	struct hb_region *hb = new_region();
	struct hb_slot *s = hb_register(hb, ROLE_BREAKER, "break.0");
	uint64_t t0;

	(void)state;
	assert_non_null(s);
	t0 = now_ns();
	hb_op_begin(s);
	sleep_ms(50);
	assert_true(hb_stalled_for(s, now_ns()) >= 50 * NSEC_PER_MSEC);
	hb_op_end(s);
	assert_true(hb_stalled_for(s, now_ns()) < 40 * NSEC_PER_MSEC);
	assert_int_equal(hb_ops(s), 1);
	/* The operation's length is summed per role, other roles untouched. */
	assert_true(hb_role_busy_ns(hb, ROLE_BREAKER) >= 50 * NSEC_PER_MSEC);
	assert_true(hb_role_busy_ns(hb, ROLE_BREAKER) < 5 * NSEC_PER_SEC);
	assert_int_equal(hb_role_busy_ns(hb, ROLE_PINNER), 0);
	assert_int_equal(hb_role_slots(hb, ROLE_BREAKER), 1);
	assert_int_equal(hb_role_slots(hb, ROLE_PINNER), 0);
	hb_set_state(s, HB_IDLE);
	assert_int_equal(hb_stalled_for(s, t0 + 3600 * NSEC_PER_SEC), 0);
	munmap(hb, sizeof(*hb));
}

static void test_fork_visible(void **state)
{
	struct hb_region *hb = new_region();
	int status;
	pid_t pid;

	(void)state;
	pid = fork();
	if (!pid) {
		struct hb_slot *s = hb_register(hb, ROLE_PINNER, "pin.0");
		int i;

		for (i = 0; i < 1000; i++) {
			hb_op_begin(s);
			hb_op_end(s);
		}
		_exit(0);
	}
	waitpid(pid, &status, 0);
	assert_int_equal(atomic_load(&hb->used), 1);
	assert_int_equal(hb->slot[0].pid, pid);
	assert_string_equal(hb->slot[0].name, "pin.0");
	assert_int_equal(hb_role_ops(hb, ROLE_PINNER), 1000);
	assert_int_equal(hb_role_ops(hb, ROLE_OWNER), 0);
	munmap(hb, sizeof(*hb));
}

static void test_full(void **state)
{
	struct hb_region *hb = new_region();
	int i;

	(void)state;
	for (i = 0; i < HB_MAX_SLOTS; i++)
		assert_non_null(hb_register(hb, ROLE_OWNER, "o"));
	assert_null(hb_register(hb, ROLE_OWNER, "one too many"));
	munmap(hb, sizeof(*hb));
}

/* The cost per operation must stay far below an I/O: print it, assert a loose bound. */
static void test_cheap(void **state)
{
	struct hb_region *hb = new_region();
	struct hb_slot *s = hb_register(hb, ROLE_OWNER, "o");
	uint64_t t0 = now_ns();
	int i, n = 1000000;

	(void)state;
	for (i = 0; i < n; i++) {
		hb_op_begin(s);
		hb_op_end(s);
	}
	print_message("heartbeat: %.1f ns per operation\n", (double)(now_ns() - t0) / n);
	assert_int_equal(hb_ops(s), (uint64_t)n);
	munmap(hb, sizeof(*hb));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stall_clock),
		cmocka_unit_test(test_fork_visible),
		cmocka_unit_test(test_full),
		cmocka_unit_test(test_cheap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
