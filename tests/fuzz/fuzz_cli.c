// SPDX-License-Identifier: GPL-2.0
/*
 * Description: libFuzzer target for the command line of a case: the argv a
 * workload gets from `daxstress run` (or from a user), parsed through
 * lib/config/caseopt.c. The input is the argv itself, one argument per
 * NUL-separated chunk, so arguments may hold spaces, '=' and any byte.
 *
 * Besides "no crash, no leak, no undefined behaviour" it checks what a user
 * relies on:
 *  - a refusal always says what is wrong (a non-empty message);
 *  - parsing is deterministic: the same argv parsed twice in one process
 *    gives the same answer (getopt keeps state between calls);
 *  - an accepted command line is valid (pin and breaker exist, numbers in
 *    range, sizes fit) and survives the round trip the runner makes: the
 *    parsed options written back as --key=value parse to the same options.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../lib/breakers/breaker.h"
#include "../../lib/config/caseopt.h"
#include "../../lib/pins/pin.h"

#define MAX_ARGS 48

struct parsed {
	struct case_opts o;
	char err[512];
	int ret;
};

/* Split the input into a NULL-terminated argv; argv[0] is the program. */
static int split_argv(char *buf, size_t len, char **argv)
{
	size_t i, start = 0;
	int argc = 1;

	argv[0] = "pin-truncate";
	for (i = 0; i <= len && argc < MAX_ARGS; i++) {
		if (i < len && buf[i])
			continue;
		buf[i] = '\0';
		argv[argc++] = buf + start;
		start = i + 1;
	}
	argv[argc] = NULL;
	return argc;
}

static void parse(const uint8_t *data, size_t size, struct parsed *p)
{
	char *buf = malloc(size + 1), *argv[MAX_ARGS + 1];
	int argc;

	memcpy(buf, data, size);
	buf[size] = '\0';
	argc = split_argv(buf, size, argv);
	case_opts_defaults(&p->o);
	p->err[0] = '\0';
	p->ret = case_opts_parse_argv(&p->o, argc, argv, p->err, sizeof(p->err));
	free(buf);
}

static uint64_t opt_number(const struct case_opts *o, const struct opt_desc *d)
{
	const char *base = (const char *)o;

	if (d->type == OPT_U32)
		return *(const uint32_t *)(base + d->offset);
	if (d->type == OPT_BOOL)
		return *(const bool *)(base + d->offset);
	return *(const uint64_t *)(base + d->offset);
}

/* Same options, field by field (string buffers may differ after the NUL). */
static int opts_differ(const struct case_opts *a, const struct case_opts *b)
{
	size_t i;

	for (i = 0; i < case_opt_count; i++) {
		const struct opt_desc *d = &case_opt_table[i];

		if (d->type == OPT_STR) {
			if (strcmp((const char *)a + d->offset, (const char *)b + d->offset))
				return 1;
		} else if (opt_number(a, d) != opt_number(b, d)) {
			return 1;
		}
	}
	return 0;
}

/* Write every option back as --key=value, as the runner does for a suite. */
static size_t unparse(const struct case_opts *o, char *out, size_t cap)
{
	size_t i, n = 0;

	for (i = 0; i < case_opt_count; i++) {
		const struct opt_desc *d = &case_opt_table[i];
		const char *base = (const char *)o;

		if (d->type == OPT_STR)
			n += snprintf(out + n, cap - n, "--%s=%s", d->name, base + d->offset);
		else if (d->type == OPT_DURATION)
			n += snprintf(out + n, cap - n, "--%s=%llums", d->name,
				      (unsigned long long)opt_number(o, d));
		else if (d->type == OPT_BOOL)
			n += snprintf(out + n, cap - n, "--%s=%s", d->name,
				      opt_number(o, d) ? "yes" : "no");
		else
			n += snprintf(out + n, cap - n, "--%s=%llu", d->name,
				      (unsigned long long)opt_number(o, d));
		if (n >= cap)
			abort();
		n++;	/* keep the NUL: it separates the arguments */
	}
	return n - 1;
}

static void check_accepted(const struct case_opts *o)
{
	static char line[4 * 4096 + 4096];
	struct parsed again;
	size_t i, n;

	if (!pin_find(o->pin) || !brk_find(o->brk))
		abort();
	for (i = 0; i < case_opt_count; i++) {
		const struct opt_desc *d = &case_opt_table[i];
		uint64_t v = opt_number(o, d);

		if (d->type != OPT_STR && d->type != OPT_BOOL && (v < d->min || v > d->max))
			abort();
	}
	if (o->size % (2u << 20) || o->pin_size > o->size / 2)
		abort();
	n = unparse(o, line, sizeof(line));
	parse((const uint8_t *)line, n, &again);
	if (again.ret || opts_differ(o, &again.o))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct parsed first, second;

	parse(data, size, &first);
	parse(data, size, &second);
	if (first.ret != second.ret || strcmp(first.err, second.err))
		abort();
	if (first.ret < 0 && !first.err[0])
		abort();
	if (first.ret == 0) {
		if (opts_differ(&first.o, &second.o))
			abort();
		check_accepted(&first.o);
	}
	return 0;
}
