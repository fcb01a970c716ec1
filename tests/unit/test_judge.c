// SPDX-License-Identifier: GPL-2.0
/*
 * The judge: the verdict is the most severe finding in the one severity
 * order, the first of equals, with every finding kept.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>

#include "../../lib/verdict/judge.h"

static void test_order(void **state)
{
	static const enum verdict order[] = {
		V_PASS, V_SKIP, V_XFAIL, V_ERROR, V_KERNEL_WARNING, V_BLOCKED_BY_MAPPING,
		V_LIVELOCK, V_MISSED_WAKEUP, V_HANG, V_DATA_CORRUPTION,
	};
	size_t i;

	(void)state;
	for (i = 1; i < sizeof(order) / sizeof(order[0]); i++) {
		assert_true(verdict_severity(order[i]) > verdict_severity(order[i - 1]));
		assert_int_equal(verdict_worse(order[i - 1], order[i]), order[i]);
		assert_int_equal(verdict_worse(order[i], order[i - 1]), order[i]);
	}
}

static void test_empty_is_pass(void **state)
{
	struct judge j = { 0 };

	(void)state;
	assert_null(judge_top(&j));
	assert_int_equal(judge_verdict(&j), V_PASS);
}

static void test_worst_wins(void **state)
{
	struct judge j = { 0 };
	const struct finding *f;

	(void)state;
	judge_add(&j, "monitor", V_PASS, "no stall in %d s", 30);
	judge_add(&j, "end", V_ERROR, "the %s process failed", "owner");
	judge_add(&j, "monitor", V_MISSED_WAKEUP, "signal released it");
	judge_add(&j, "data", V_ERROR, "verification failed");
	f = judge_top(&j);
	assert_int_equal(f->v, V_MISSED_WAKEUP);
	assert_string_equal(f->stage, "monitor");
	assert_int_equal(j.n, 4);
	assert_string_equal(j.f[0].reason, "no stall in 30 s");
}

static void test_first_of_equals(void **state)
{
	struct judge j = { 0 };

	(void)state;
	judge_add(&j, "end", V_ERROR, "first");
	judge_add(&j, "data", V_ERROR, "second");
	assert_string_equal(judge_top(&j)->reason, "first");
	/* an end-of-case skip (the breaker is unsupported) beats a pass */
	memset(&j, 0, sizeof(j));
	judge_add(&j, "monitor", V_PASS, "no stall");
	judge_add(&j, "end", V_SKIP, "punch is not supported");
	assert_int_equal(judge_verdict(&j), V_SKIP);
}

static void test_full(void **state)
{
	struct judge j = { 0 };
	int i;

	(void)state;
	for (i = 0; i < JUDGE_MAX; i++)
		judge_add(&j, "end", i ? V_ERROR : V_PASS, "finding %d", i);
	judge_add(&j, "end", V_SKIP, "less than every kept one but the pass");
	judge_add(&j, "data", V_DATA_CORRUPTION, "worst, reported last");
	assert_int_equal(j.n, JUDGE_MAX);
	assert_int_equal(j.dropped, 2);
	assert_int_equal(judge_verdict(&j), V_DATA_CORRUPTION);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order),
		cmocka_unit_test(test_empty_is_pass),
		cmocka_unit_test(test_worst_wins),
		cmocka_unit_test(test_first_of_equals),
		cmocka_unit_test(test_full),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
