// SPDX-License-Identifier: GPL-2.0
/* Description: the KTAP writer prints kselftest's lines and exit codes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../lib/report/ktap.h"

static char *capture(void (*fn)(struct ktap *), int *code)
{
	static char buf[4096];
	FILE *f = fmemopen(buf, sizeof(buf), "w");
	struct ktap k;

	ktap_init(&k, f);
	fn(&k);
	*code = ktap_exit_code(&k);
	fclose(f);
	return buf;
}

static void mixed(struct ktap *k)
{
	ktap_header(k);
	ktap_plan(k, 4);
	ktap_diag(k, "two\nlines");
	ktap_result(k, V_PASS, "a", NULL);
	ktap_result(k, V_SKIP, "b", "no DAX here");
	ktap_result(k, V_XFAIL, "c", "known issue");
	ktap_result(k, V_MISSED_WAKEUP, "d", NULL);
	ktap_totals(k);
}

static void test_lines(void **state)
{
	int code;
	const char *out = capture(mixed, &code);

	(void)state;
	assert_string_equal(out,
		"TAP version 13\n1..4\n# two\n# lines\n"
		"ok 1 a\nok 2 b # SKIP no DAX here\nok 3 c # XFAIL known issue\nnot ok 4 d\n"
		"# Totals: pass:1 fail:1 xfail:1 xpass:0 skip:1 error:0\n");
	assert_int_equal(code, KSFT_FAIL);
}

static void only_skips(struct ktap *k)
{
	ktap_result(k, V_SKIP, "a", "why");
}

static void pass_and_xfail(struct ktap *k)
{
	ktap_result(k, V_PASS, "a", NULL);
	ktap_result(k, V_XFAIL, "b", "known");
}

static void error_case(struct ktap *k)
{
	ktap_result(k, V_ERROR, "e", "workload crashed");
}

static void test_exit_codes(void **state)
{
	int code;
	const char *out;

	(void)state;
	capture(only_skips, &code);
	assert_int_equal(code, KSFT_SKIP);
	capture(pass_and_xfail, &code);
	assert_int_equal(code, KSFT_PASS);
	out = capture(error_case, &code);
	assert_int_equal(code, KSFT_FAIL);
	assert_string_equal(out, "not ok 1 e # error workload crashed\n");
}

static void test_verdict_names(void **state)
{
	enum verdict v;
	int i;

	(void)state;
	for (i = 0; i < V__COUNT; i++) {
		assert_int_equal(verdict_parse(verdict_name((enum verdict)i), &v), 0);
		assert_int_equal((int)v, i);
	}
	assert_int_not_equal(verdict_parse("passed", &v), 0);
	assert_true(verdict_is_failure(V_MISSED_WAKEUP));
	assert_false(verdict_is_failure(V_XFAIL));
	assert_int_equal(verdict_worse(V_KERNEL_WARNING, V_MISSED_WAKEUP), V_MISSED_WAKEUP);
	assert_int_equal(verdict_worse(V_DATA_CORRUPTION, V_HANG), V_DATA_CORRUPTION);
	assert_int_equal(verdict_worse(V_BLOCKED_BY_MAPPING, V_LIVELOCK), V_LIVELOCK);
	assert_int_equal(verdict_worse(V_LIVELOCK, V_MISSED_WAKEUP), V_MISSED_WAKEUP);
	assert_true(verdict_is_failure(V_LIVELOCK));
	assert_int_equal(verdict_parse("livelock", &v), 0);
	assert_int_equal(v, V_LIVELOCK);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lines),
		cmocka_unit_test(test_exit_codes),
		cmocka_unit_test(test_verdict_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
