/* SPDX-License-Identifier: GPL-2.0 */
/*
 * For the option tests: a NULL-terminated command line must be refused by
 * case_opts_parse_argv with err containing want (whole: equal to it).
 * Include after cmocka.h and caseopt.h.
 */
#ifndef DS_TEST_REFUSED_H
#define DS_TEST_REFUSED_H

#include <stdarg.h>
#include <stdbool.h>
#include <string.h>

static void refused_args(bool whole, const char *want, va_list ap)
{
	char *argv[32] = { "prog" }, err[256] = "";
	struct case_opts o;
	int argc = 1;

	while ((argv[argc] = va_arg(ap, char *)))
		argc++;
	case_opts_defaults(&o);
	assert_int_equal(case_opts_parse_argv(&o, argc, argv, err, sizeof(err)), -EINVAL);
	if (whole ? strcmp(err, want) != 0 : !strstr(err, want))
		fail_msg("'%s' is not what was wanted: '%s'", err, want);
}

#endif
