/* SPDX-License-Identifier: GPL-2.0 */
/*
 * For the option tests: parse a NULL-terminated command line after the
 * defaults, or check that case_opts_parse_argv refuses it with err
 * containing want (whole: equal to it).
 * Include after cmocka.h and caseopt.h.
 */
#ifndef DS_TEST_REFUSED_H
#define DS_TEST_REFUSED_H

#include <stdarg.h>
#include <stdbool.h>
#include <string.h>

/* Parse a NULL-terminated list of arguments after the defaults. */
static int parse_va(struct case_opts *o, char *err, size_t len, va_list ap)
{
	char *argv[32] = { "prog" };
	int argc = 1;

	while ((argv[argc] = va_arg(ap, char *)))
		argc++;
	case_opts_defaults(o);
	return case_opts_parse_argv(o, argc, argv, err, len);
}

static int parse(struct case_opts *o, char *err, size_t len, ...)
{
	va_list ap;
	int ret;

	va_start(ap, len);
	ret = parse_va(o, err, len, ap);
	va_end(ap);
	return ret;
}

static void refused_args(bool whole, const char *want, va_list ap)
{
	char err[256] = "";
	struct case_opts o;

	assert_int_equal(parse_va(&o, err, sizeof(err), ap), -EINVAL);
	if (whole ? strcmp(err, want) != 0 : !strstr(err, want))
		fail_msg("'%s' is not what was wanted: '%s'", err, want);
}

#endif
