// SPDX-License-Identifier: GPL-2.0
/*
 * Stable finding titles (lib/report/title.c): the verdict and the function,
 * never an address or a number, from the case fields a report carries.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>

#include <cmocka.h>
#include <json.h>

#include "../../lib/report/result.h"
#include "../../lib/report/title.h"

/* A case object of a report, read as every reporter reads it. */
static void expect_title(const char *json, const char *want)
{
	struct json_object *c = json_tokener_parse(json);
	struct case_read *rd;
	char got[256];

	assert_non_null(c);
	rd = case_result_read(c);
	assert_non_null(rd);
	finding_title(&rd->r, got, sizeof(got));
	assert_string_equal(got, want);
	case_read_free(rd);
	json_object_put(c);
}

static void test_break_layouts(void **state)
{
	(void)state;
	expect_title("{\"verdict\":\"missed-wakeup\",\"in_dax_path\":true,\"location\":\"ext4_break_layouts\"}",
		     "missed-wakeup in ext4_break_layouts");
	/* 7.x: the wait helper is skipped, the generic function named */
	expect_title("{\"verdict\":\"blocked-by-mapping\",\"in_dax_path\":true,"
		     "\"location\":\"wait_page_idle < dax_break_layout < xfs_break_dax_layouts\"}",
		     "blocked-by-mapping in dax_break_layout");
	expect_title("{\"verdict\":\"hang\",\"in_dax_path\":true,\"location\":\"xfs_break_dax_layouts\"}",
		     "hang in xfs_break_dax_layouts");
	/* only wait helpers: the innermost */
	expect_title("{\"verdict\":\"hang\",\"in_dax_path\":true,\"location\":\"ext4_wait_dax_page\"}",
		     "hang in ext4_wait_dax_page");
}

static void test_xfail_and_others(void **state)
{
	(void)state;
	expect_title("{\"verdict\":\"xfail\",\"raw_verdict\":\"missed-wakeup\",\"in_dax_path\":true,"
		     "\"location\":\"ext4_break_layouts\"}", "missed-wakeup in ext4_break_layouts");
	expect_title("{\"verdict\":\"pass\"}", "");
	expect_title("{\"verdict\":\"error\",\"reason\":\"x\"}", "");
	expect_title("{\"verdict\":\"miss\"}", "");
	expect_title("{\"verdict\":\"skip\"}", "");
}

static void test_outside_dax_path(void **state)
{
	(void)state;
	expect_title("{\"verdict\":\"hang\",\"in_dax_path\":false,\"stalled_thread\":\"break.0\","
		     "\"location\":\"not in a DAX break-layouts path\",\"threads\":["
		     "{\"thread\":\"pin.0\",\"wchan\":\"pipe_read\"},{\"thread\":\"break.0\",\"wchan\":\"futex_do_wait\"}]}",
		     "hang in futex_do_wait");
	expect_title("{\"verdict\":\"hang\",\"stalled_thread\":\"break.0\",\"threads\":["
		     "{\"thread\":\"break.0\",\"wchan\":\"0\"}]}", "hang");
	expect_title("{\"verdict\":\"kernel-warning\",\"kernel_log\":["
		     "\"WARNING: CPU: 1 PID: 4242 at fs/dax.c:380 dax_disassociate_entry.constprop.0+0x4f/0x60\"]}",
		     "kernel-warning in dax_disassociate_entry");
	expect_title("{\"verdict\":\"kernel-warning\",\"kernel_log\":[\"INFO: task ds-break:42 blocked for more than 120 seconds.\"]}",
		     "kernel-warning");
	expect_title("{\"verdict\":\"data-corruption\",\"pin\":\"odirect\",\"break\":\"punch\"}",
		     "data-corruption with odirect against punch");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_break_layouts),
		cmocka_unit_test(test_xfail_and_others),
		cmocka_unit_test(test_outside_dax_path),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
