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
 *  - an accepted command line is valid (pin and breaker exist, numbers and
 *    enums in range, sizes fit) and survives a round trip: the parsed
 *    options, the case's own and those of its pin source and breaker,
 *    written back as --key=value parse to the same options.
 */
#include <stddef.h>
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

/* One table of options and the struct it describes, inside a case. */
struct table {
	const struct opt_desc *d;
	size_t n;
	size_t base;		/* offset of the struct in struct case_opts */
};

static size_t table_len(const struct opt_desc *d)
{
	size_t n = 0;

	while (d && d[n].name)
		n++;
	return n;
}

/* The case's own options, its pin source's and its breaker's. */
static int case_tables(const struct case_opts *o, struct table *t)
{
	const struct pin_ops *pin = pin_find(o->pin);
	const struct brk_ops *brk = brk_find(o->brk);

	if (!pin || !brk)
		abort();
	t[0] = (struct table){ case_opt_table, case_opt_count, 0 };
	t[1] = (struct table){ pin->opts.table, table_len(pin->opts.table),
			       offsetof(struct case_opts, pin_opts) };
	t[2] = (struct table){ brk->opts.table, table_len(brk->opts.table),
			       offsetof(struct case_opts, brk_opts) };
	return 3;
}

static const char *field(const struct case_opts *o, const struct table *t,
			 const struct opt_desc *d)
{
	return (const char *)o + t->base + d->offset;
}

static uint64_t opt_number(const struct case_opts *o, const struct table *t,
			   const struct opt_desc *d)
{
	const char *f = field(o, t, d);

	if (d->type == OPT_U32)
		return *(const uint32_t *)f;
	if (d->type == OPT_BOOL)
		return *(const bool *)f;
	if (d->type == OPT_ENUM)
		return (uint64_t)*(const int *)f;
	return *(const uint64_t *)f;
}

static size_t enum_count(const struct opt_desc *d)
{
	size_t n = 0;

	while (d->names[n])
		n++;
	return n;
}

/* Same options, field by field (string buffers may differ after the NUL). */
static int opts_differ(const struct case_opts *a, const struct case_opts *b)
{
	struct table t[3];
	int i, nt = case_tables(a, t);
	size_t j;

	if (strcmp(a->pin, b->pin) || strcmp(a->brk, b->brk))
		return 1;
	for (i = 0; i < nt; i++) {
		for (j = 0; j < t[i].n; j++) {
			const struct opt_desc *d = &t[i].d[j];

			if (d->type == OPT_STR) {
				if (strcmp(field(a, &t[i], d), field(b, &t[i], d)))
					return 1;
			} else if (opt_number(a, &t[i], d) != opt_number(b, &t[i], d)) {
				return 1;
			}
		}
	}
	return 0;
}

static size_t unparse_one(const struct case_opts *o, const struct table *t,
			  const struct opt_desc *d, char *out, size_t cap)
{
	unsigned long long v = opt_number(o, t, d);

	if (d->type == OPT_STR)
		return snprintf(out, cap, "--%s=%s", d->name, field(o, t, d));
	if (d->type == OPT_DURATION)
		return snprintf(out, cap, "--%s=%llums", d->name, v);
	if (d->type == OPT_BOOL)
		return snprintf(out, cap, "--%s=%s", d->name, v ? "yes" : "no");
	if (d->type == OPT_ENUM)
		return snprintf(out, cap, "--%s=%s", d->name,
				case_enum_name(d->names, (unsigned int)v));
	return snprintf(out, cap, "--%s=%llu", d->name, v);
}

/*
 * Write every option back as --key=value, the case's own and its
 * plugins', as a user would to repeat the case.
 */
static size_t unparse(const struct case_opts *o, char *out, size_t cap)
{
	struct table t[3];
	int i, nt = case_tables(o, t);
	size_t j, n = 0;

	for (i = 0; i < nt; i++) {
		for (j = 0; j < t[i].n; j++) {
			n += unparse_one(o, &t[i], &t[i].d[j], out + n, cap - n);
			if (n >= cap)
				abort();
			n++;	/* keep the NUL: it separates the arguments */
		}
	}
	return n - 1;
}

static void check_accepted(const struct case_opts *o)
{
	static char line[4 * 4096 + 4096];
	struct parsed again;
	struct table t[3];
	int i, nt = case_tables(o, t);
	size_t j, n;

	for (i = 0; i < nt; i++) {
		for (j = 0; j < t[i].n; j++) {
			const struct opt_desc *d = &t[i].d[j];
			uint64_t v = opt_number(o, &t[i], d);

			if (d->type == OPT_ENUM && v >= enum_count(d))
				abort();
			if (d->type != OPT_STR && d->type != OPT_BOOL && d->type != OPT_ENUM &&
			    (v < d->min || v > d->max))
				abort();
		}
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
