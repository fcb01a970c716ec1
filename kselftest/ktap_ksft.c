// SPDX-License-Identifier: GPL-2.0
/*
 * The KTAP writer of lib/report/ktap.h on top of the kernel tree's kselftest.h:
 * built instead of lib/report/ktap.c when daxstress sits in
 * tools/testing/selftests/daxstress, so in-tree output is the tree's own.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "../kselftest.h"
#include "lib/report/ktap.h"
#include "lib/core/util.h"

void ktap_init(struct ktap *k, FILE *out)
{
	memset(k, 0, sizeof(*k));
	k->out = out;
}

void ktap_header(struct ktap *k)
{
	ksft_print_header();
}

void ktap_plan(struct ktap *k, unsigned int count)
{
	ksft_set_plan(count);
}

static void diag_line(const char *line, void *arg)
{
	ksft_print_msg("%s\n", line);
}

void ktap_diag(struct ktap *k, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	split_lines(buf, diag_line, NULL);
}

void ktap_result(struct ktap *k, enum verdict v, const char *name,
		 const char *reason)
{
	k->num++;
	fflush(stdout);
	if (!reason || !*reason)
		reason = verdict_name(v);
	switch (v) {
	case V_PASS:
		k->pass++;
		ksft_test_result_pass("%s\n", name);
		break;
	/*
	 * kselftest.h leaves the test name out of directive lines; keep it,
	 * as lib/report/ktap.c does, and let kselftest.h count.
	 */
	case V_SKIP:
		k->skip++;
		ksft_inc_xskip_cnt();
		printf("ok %u %s # SKIP %s\n", ksft_test_num(), name, reason);
		break;
	case V_XFAIL:
		k->xfail++;
		ksft_inc_xfail_cnt();
		printf("ok %u %s # XFAIL %s\n", ksft_test_num(), name, reason);
		break;
	case V_ERROR:
		k->error++;
		ksft_inc_error_cnt();
		printf("not ok %u %s # error %s\n", ksft_test_num(), name, reason);
		break;
	default:
		k->fail++;
		ksft_test_result_fail("%s\n", name);
		break;
	}
}

void ktap_totals(struct ktap *k)
{
	ksft_print_cnts();
	fflush(stdout);
}

int ktap_exit_code(const struct ktap *k)
{
	if (k->fail || k->error)
		return KSFT_FAIL;
	if (!k->pass && !k->xfail && !k->xpass && k->skip)
		return KSFT_SKIP;
	return KSFT_PASS;
}
