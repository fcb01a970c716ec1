// SPDX-License-Identifier: GPL-2.0
/*
 * Description: trace files for `daxstress vm --trace` (lib/config/tracefile.c) and
 * the per-case tracefs readers (lib/trace/ktrace.c): the shipped file parses,
 * every malformed line is refused with file:line and the problem, and
 * kprobe_profile and trace text are counted right.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../lib/trace/ktrace.h"
#include "../../lib/config/tracefile.h"

static struct trace_file t;

static void test_good(void **state)
{
	static const char text[] =
		"# comment\n"
		"\n"
		"r:dsbusy dax_layout_busy_page_range ret=$retval\n"
		"  filter dsbusy ret != 0  \n"
		"r16:mygrp/ev2 xfs_break_dax_layouts\n"
		"p:brk ext4:ext4_break_layouts+4 $arg1\n"
		"keep 16k\n";
	char err[512] = "", *out = NULL;
	size_t len;

	(void)state;
	assert_int_equal(trace_parse_string(&t, "good.trace", text, err, sizeof(err)), 0);
	assert_int_equal(t.nprobes, 3);
	assert_string_equal(t.probe[0].name, "dsbusy");
	assert_string_equal(t.probe[0].group, "kprobes");
	assert_string_equal(t.probe[0].filter, "ret != 0");
	assert_int_equal(t.probe[0].lineno, 3);
	assert_string_equal(t.probe[1].group, "mygrp");
	assert_string_equal(t.probe[1].name, "ev2");
	assert_int_equal(t.probe[1].kind, 'r');
	assert_string_equal(t.probe[2].symbol, "ext4:ext4_break_layouts+4");
	assert_int_equal(t.keep, 16384);
	assert_int_equal(trace_format(&t, &out, &len), 0);
	assert_non_null(strstr(out, "r:dsbusy dax_layout_busy_page_range ret=$retval\n"
				    "filter dsbusy ret != 0\n"));
	assert_non_null(strstr(out, "keep 16384\n"));
	/* What the guest gets parses back to the same probes. */
	{
		struct trace_file again;
		char why[256] = "";

		assert_int_equal(trace_parse_string(&again, "guest", out, why, sizeof(why)), 0);
		assert_int_equal(again.nprobes, t.nprobes);
		assert_string_equal(again.probe[1].line, t.probe[1].line);
		assert_string_equal(again.probe[0].filter, t.probe[0].filter);
		assert_int_equal(again.keep, t.keep);
	}
	free(out);
}

static void test_shipped(void **state)
{
	char err[512] = "";

	(void)state;
	assert_int_equal(trace_load(&t, "configs/trace/collisions.trace", err, sizeof(err)), 0);
	assert_string_equal(t.probe[0].name, "dsbusy");
}

static void bad(const char *text, const char *want)
{
	char err[512] = "";

	assert_int_not_equal(trace_parse_string(&t, "bad.trace", text, err, sizeof(err)), 0);
	if (!strstr(err, want))
		fail_msg("error '%s' does not contain '%s'", err, want);
}

static void test_malformed(void **state)
{
	char longline[700];

	(void)state;
	bad("p foo\n", "bad.trace:1: 'p': a probe starts with p:NAME");
	bad("p:x\n", "bad.trace:1: 'p:x': a probe needs a symbol");
	bad("p: foo\n", "bad.trace:1: 'p:': the probe needs an event name");
	bad("p:1x foo\n", "bad.trace:1: 'p:1x': the probe needs an event name");
	bad("p:a-b foo\n", "bad.trace:1:");
	bad("p5:x foo\n", "bad.trace:1: 'p5:x': a probe starts with");
	bad("rx:y foo\n", "bad.trace:1: 'rx:y': a probe starts with");
	bad("p:x foo\np:x bar\n", "bad.trace:2: probe 'x' is defined twice");
	bad("p:x foo\nfilter y ret != 0\n", "bad.trace:2: filter for 'y', which no probe line above defines");
	bad("p:x foo\nfilter x\n", "bad.trace:2: filter needs a probe name and an expression");
	bad("p:x foo\nfilter x a\nfilter x b\n", "bad.trace:3: a second filter for 'x'");
	bad("p:x foo\nkeep lots\n", "bad.trace:2: keep 'lots'");
	bad("p:x foo\nkeep 2M\n", "bad.trace:2: keep '2M'");
	bad("p:x foo\nkeep\n", "bad.trace:2: 'keep' needs a value");
	bad("# only\n\n", "bad.trace: no probe lines");
	bad("-:x\n", "bad.trace:1: '-:x': expected a probe");
	memset(longline, 'a', sizeof(longline));
	memcpy(longline, "p:x foo ", 8);
	longline[sizeof(longline) - 1] = '\0';
	bad(longline, "bad.trace:1: probe line longer than");
}

static void test_too_many(void **state)
{
	char text[2048] = "";
	int i;

	(void)state;
	for (i = 0; i <= TRACE_MAX_PROBES; i++)
		snprintf(text + strlen(text), sizeof(text) - strlen(text), "p:e%d foo\n", i);
	bad(text, "bad.trace:17: more than 16 probes");
}

static void test_missing_file(void **state)
{
	char err[512];

	(void)state;
	assert_int_not_equal(trace_load(&t, "/nonexistent/x.trace", err, sizeof(err)), 0);
	assert_non_null(strstr(err, "/nonexistent/x.trace: cannot read"));
}

static void test_profile(void **state)
{
	static const char profile[] =
		"  dsbusy                                                    87               0\n"
		"  dsbrk_ext4                                                41               2\n"
		"garbage\n";
	static const char trace[] =
		"# tracer: nop\n"
		"#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION\n"
		"    pin-truncate-150 [001] .....     7.069480: dsbusy: (ext4_break_layouts+0x3d/0x80 <- dax_layout_busy_page_range) ret=0xffffea0000c40000\n"
		"    pin-truncate-151 [000] .....     7.169480: dsbusy: (ext4_break_layouts+0x3d/0x80 <- dax_layout_busy_page_range) ret=0xffffea0000c41000\n"
		"    dsbusy: -152 [000] .....     7.2: other: x\n";
	struct ktrace_snap s;

	(void)state;
	ktrace_parse_profile(profile, &s);
	assert_int_equal(s.n, 2);
	assert_string_equal(s.name[1], "dsbrk_ext4");
	assert_int_equal(s.hits[0], 87);
	assert_int_equal(s.missed[1], 2);
	assert_int_equal(ktrace_count_records(trace, "dsbusy"), 2);
	assert_int_equal(ktrace_count_records(trace, "other"), 1);
	assert_int_equal(ktrace_count_records(trace, "dsbrk_ext4"), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_shipped),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_too_many),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_profile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
