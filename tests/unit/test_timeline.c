// SPDX-License-Identifier: GPL-2.0
/*
 * Description: the progress timeline samples per-role operations only when
 * a sample is due, keeps a long case by halving its resolution instead of
 * dropping the end, writes progress lines only into a pipe, and reads them
 * back.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "../../lib/monitor/timeline.h"

static struct timeline tl;
static struct hb_region hb;

static void test_sampling(void **state)
{
	struct hb_slot *o, *b;
	const struct tl_sample *s;

	(void)state;
	memset(&hb, 0, sizeof(hb));
	o = hb_register(&hb, ROLE_OWNER, "own.0");
	b = hb_register(&hb, ROLE_BREAKER, "break.0");
	timeline_init(&tl, 1000, -1);
	hb_op_begin(o);
	hb_op_end(o);
	hb_op_end(o);
	hb_op_end(b);
	s = timeline_tick(&tl, &hb, 1000);
	assert_non_null(s);
	assert_int_equal(s->ops[0], 2);
	assert_int_equal(s->ops[1], 0);
	assert_int_equal(s->ops[2], 1);
	/* not due before the interval */
	assert_null(timeline_tick(&tl, &hb, 1000 + TL_INTERVAL_NS - 1));
	assert_non_null(timeline_tick(&tl, &hb, 1000 + TL_INTERVAL_NS));
	assert_int_equal(tl.n, 2);
	assert_true(tl.s[1].t > 0.24 && tl.s[1].t < 0.26);
}

static void test_decimate(void **state)
{
	uint64_t t = 0;
	unsigned int i;

	(void)state;
	memset(&hb, 0, sizeof(hb));
	timeline_init(&tl, 0, -1);
	for (i = 0; i < TL_MAX; i++, t += TL_INTERVAL_NS)
		assert_non_null(timeline_tick(&tl, &hb, t));
	assert_int_equal(tl.n, TL_MAX);
	assert_non_null(timeline_tick(&tl, &hb, t));
	assert_int_equal(tl.n, TL_MAX / 2 + 1);
	assert_int_equal(tl.interval_ns, 2 * TL_INTERVAL_NS);
	/* the first sample stays, the newest is last, the order is kept */
	assert_true(tl.s[0].t == 0);
	assert_true(tl.s[tl.n - 1].t > tl.s[tl.n - 2].t);
	assert_true(tl.s[tl.n - 1].t > 255.9);
}

static void test_progress_pipe(void **state)
{
	struct tl_sample s;
	char line[160] = "";
	int p[2];

	(void)state;
	memset(&hb, 0, sizeof(hb));
	hb_op_end(hb_register(&hb, ROLE_PINNER, "pin.0"));
	assert_int_equal(pipe(p), 0);
	assert_int_equal(dup2(p[1], 9), 9);
	assert_int_equal(timeline_progress_fd(9), 9);
	timeline_init(&tl, 0, 9);
	timeline_tick(&tl, &hb, 500 * NSEC_PER_MSEC);
	assert_true(read(p[0], line, sizeof(line) - 1) > 0);
	assert_int_equal(timeline_parse_line(line, &s), 0);
	assert_int_equal(s.ops[1], 1);
	assert_true(s.t > 0.49 && s.t < 0.51);
	assert_int_equal(timeline_parse_line("junk", &s), -EINVAL);
	/* an fd that is not a pipe is never written to */
	assert_int_equal(dup2(open("/dev/null", O_RDONLY), 0), 0);
	assert_int_equal(timeline_progress_fd(0), -1);
	assert_int_equal(timeline_progress_fd(-1), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sampling),
		cmocka_unit_test(test_decimate),
		cmocka_unit_test(test_progress_pipe),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
