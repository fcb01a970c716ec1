// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <string.h>

#include "ktap.h"

void ktap_init(struct ktap *k, FILE *out)
{
	memset(k, 0, sizeof(*k));
	k->out = out;
}

void ktap_header(struct ktap *k)
{
	fprintf(k->out, "TAP version 13\n");
	fflush(k->out);
}

void ktap_plan(struct ktap *k, unsigned int count)
{
	fprintf(k->out, "1..%u\n", count);
	fflush(k->out);
}

static void diag_line(const char *line, void *arg)
{
	fprintf(((struct ktap *)arg)->out, "# %s\n", line);
}

/* Diagnostics are one line each: embedded newlines would break the parser. */
void ktap_diag(struct ktap *k, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	split_lines(buf, diag_line, k);
	fflush(k->out);
}

void ktap_result(struct ktap *k, enum verdict v, const char *name,
		 const char *reason)
{
	unsigned int n = ++k->num;

	if (!reason || !*reason)
		reason = verdict_name(v);
	switch (v) {
	case V_PASS:
		k->pass++;
		fprintf(k->out, "ok %u %s\n", n, name);
		break;
	case V_SKIP:
		k->skip++;
		fprintf(k->out, "ok %u %s # SKIP %s\n", n, name, reason);
		break;
	case V_XFAIL:
		k->xfail++;
		fprintf(k->out, "ok %u %s # XFAIL %s\n", n, name, reason);
		break;
	case V_ERROR:
		k->error++;
		fprintf(k->out, "not ok %u %s # error %s\n", n, name, reason);
		break;
	default:
		k->fail++;
		fprintf(k->out, "not ok %u %s\n", n, name);
		break;
	}
	fflush(k->out);
}

void ktap_totals(struct ktap *k)
{
	fprintf(k->out,
		"# Totals: pass:%u fail:%u xfail:%u xpass:%u skip:%u error:%u\n",
		k->pass, k->fail, k->xfail, k->xpass, k->skip, k->error);
	fflush(k->out);
}

/*
 * Like kselftest's ksft_finished(): any failure fails; XFAIL counts as a
 * pass; a run where everything was skipped exits KSFT_SKIP.
 */
int ktap_exit_code(const struct ktap *k)
{
	if (k->fail || k->error)
		return KSFT_FAIL;
	if (!k->pass && !k->xfail && !k->xpass && k->skip)
		return KSFT_SKIP;
	return KSFT_PASS;
}
