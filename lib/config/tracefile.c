// SPDX-License-Identifier: GPL-2.0
/*
 * Trace file parser (format in tracefile.h). The host checks the file before
 * the guest boots, so a typo costs a message instead of a VM run; the guest
 * only has to split the lines it is given.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tracefile.h"
#include "../core/util.h"

struct tparse {
	struct trace_file *t;
	const char *file;
	int lineno;
	char *err;
	size_t errlen;
};

static int tp_err(struct tparse *p, const char *fmt, ...) __printf(2, 3);

static int tp_err(struct tparse *p, const char *fmt, ...)
{
	size_t n;
	va_list ap;

	snprintf(p->err, p->errlen, "%s:%d: ", p->file, p->lineno);
	n = strlen(p->err);
	va_start(ap, fmt);
	vsnprintf(p->err + n, p->errlen - n, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* The kernel's rule for event and group names (is_good_name()). */
static bool good_name(const char *s)
{
	if (!isalpha((unsigned char)*s) && *s != '_')
		return false;
	for (s++; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_')
			return false;
	return true;
}

static struct trace_probe *tp_find(struct trace_file *t, const char *name)
{
	unsigned int i;

	for (i = 0; i < t->nprobes; i++)
		if (!strcmp(t->probe[i].name, name))
			return &t->probe[i];
	return NULL;
}

/* "p:NAME", "r16:GRP/NAME": kind, optional maxactive, the event's name. */
static int tp_head(struct tparse *p, const char *head, struct trace_probe *pr)
{
	const char *colon = strchr(head, ':'), *slash;
	const char *s;

	pr->kind = head[0];
	for (s = head + 1; isdigit((unsigned char)*s); s++)
		;
	if (!colon || s != colon || (pr->kind == 'p' && colon != head + 1))
		return tp_err(p, "'%s': a probe starts with p:NAME or r[MAXACTIVE]:NAME", head);
	slash = strchr(colon + 1, '/');
	strscpy_trunc(pr->group, "kprobes", sizeof(pr->group));
	if (slash) {
		if ((size_t)(slash - colon - 1) >= sizeof(pr->group))
			return tp_err(p, "group name too long");
		memcpy(pr->group, colon + 1, (size_t)(slash - colon - 1));
		pr->group[slash - colon - 1] = '\0';
	}
	if (strlen(slash ? slash + 1 : colon + 1) >= sizeof(pr->name))
		return tp_err(p, "event name too long (at most %d characters)", TRACE_NAME_MAX - 1);
	strscpy_trunc(pr->name, slash ? slash + 1 : colon + 1, sizeof(pr->name));
	if (!good_name(pr->group) || !good_name(pr->name))
		return tp_err(p, "'%s': the probe needs an event name of letters, digits and _ (p:NAME SYMBOL)",
			      head);
	return 0;
}

static int tp_probe(struct tparse *p, char *line)
{
	struct trace_probe *pr;
	char head[TRACE_LINE_MAX], sym[TRACE_LINE_MAX];

	if (strlen(line) >= TRACE_LINE_MAX)
		return tp_err(p, "probe line longer than %d characters", TRACE_LINE_MAX - 1);
	if (p->t->nprobes == TRACE_MAX_PROBES)
		return tp_err(p, "more than %d probes", TRACE_MAX_PROBES);
	pr = &p->t->probe[p->t->nprobes];
	memset(pr, 0, sizeof(*pr));
	if (sscanf(line, "%s %s", head, sym) != 2)
		return tp_err(p, "'%s': a probe needs a symbol (p:NAME SYMBOL [ARGS])", line);
	if (tp_head(p, head, pr))
		return -EINVAL;
	if (tp_find(p->t, pr->name))
		return tp_err(p, "probe '%s' is defined twice", pr->name);
	if (strlen(sym) >= sizeof(pr->symbol))
		return tp_err(p, "symbol '%s' too long", sym);
	strscpy_trunc(pr->symbol, sym, sizeof(pr->symbol));
	strscpy_trunc(pr->line, line, sizeof(pr->line));
	pr->lineno = p->lineno;
	p->t->nprobes++;
	return 0;
}

static int tp_filter(struct tparse *p, char *rest)
{
	char name[TRACE_LINE_MAX];
	struct trace_probe *pr;
	int off = 0;

	if (sscanf(rest, "%s %n", name, &off) != 1 || !rest[off])
		return tp_err(p, "filter needs a probe name and an expression (filter NAME EXPR)");
	pr = tp_find(p->t, name);
	if (!pr)
		return tp_err(p, "filter for '%s', which no probe line above defines", name);
	if (pr->filter[0])
		return tp_err(p, "a second filter for '%s'", name);
	if (strlen(rest + off) >= sizeof(pr->filter))
		return tp_err(p, "filter longer than %d characters", TRACE_LINE_MAX - 1);
	strscpy_trunc(pr->filter, rest + off, sizeof(pr->filter));
	return 0;
}

static int tp_keep(struct tparse *p, const char *rest)
{
	uint64_t n;

	if (parse_size(rest, &n) || n > TRACE_KEEP_MAX)
		return tp_err(p, "keep '%s': expected a size up to 1M (0, 16k, 256k)", rest);
	p->t->keep = n;
	return 0;
}

static char *tp_trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

static int tp_line(struct tparse *p, char *line)
{
	line = tp_trim(line);
	if (!*line || *line == '#')
		return 0;
	if (!strncmp(line, "filter", 6) && isspace((unsigned char)line[6]))
		return tp_filter(p, tp_trim(line + 6));
	if (!strncmp(line, "keep", 4) && isspace((unsigned char)line[4]))
		return tp_keep(p, tp_trim(line + 4));
	if (!strcmp(line, "filter") || !strcmp(line, "keep"))
		return tp_err(p, "'%s' needs a value", line);
	if (line[0] == 'p' || line[0] == 'r')
		return tp_probe(p, line);
	return tp_err(p, "'%s': expected a probe (p:NAME SYMBOL, r:NAME SYMBOL), filter NAME EXPR or keep SIZE",
		      line);
}

int trace_parse_string(struct trace_file *t, const char *name, const char *text,
		       char *err, size_t errlen)
{
	struct tparse p = { .t = t, .file = name, .err = err, .errlen = errlen };
	char *copy = strdup(text), *line, *save = NULL;
	int ret = 0;

	memset(t, 0, sizeof(*t));
	if (!copy)
		return -ENOMEM;
	/* strsep keeps empty lines, so line numbers stay right */
	save = copy;
	while (!ret && (line = strsep(&save, "\n"))) {
		p.lineno++;
		ret = tp_line(&p, line);
	}
	free(copy);
	if (!ret && !t->nprobes) {
		snprintf(err, errlen, "%s: no probe lines (p:NAME SYMBOL or r:NAME SYMBOL)", name);
		ret = -EINVAL;
	}
	return ret;
}

int trace_load(struct trace_file *t, const char *path, char *err, size_t errlen)
{
	char *text;
	ssize_t n;
	int ret;

	text = malloc(1 << 16);
	if (!text)
		return -ENOMEM;
	n = read_text_file(path, text, 1 << 16);
	if (n < 0) {
		snprintf(err, errlen, "%s: cannot read: %s", path, strerror((int)-n));
		free(text);
		return (int)n;
	}
	ret = trace_parse_string(t, path, text, err, errlen);
	free(text);
	return ret;
}

int trace_format(const struct trace_file *t, char **out, size_t *len)
{
	FILE *f = open_memstream(out, len);
	unsigned int i;

	if (!f)
		return -ENOMEM;
	for (i = 0; i < t->nprobes; i++) {
		fprintf(f, "%s\n", t->probe[i].line);
		if (t->probe[i].filter[0])
			fprintf(f, "filter %s %s\n", t->probe[i].name, t->probe[i].filter);
	}
	fprintf(f, "keep %llu\n", (unsigned long long)t->keep);
	return fclose(f) ? -ENOMEM : 0;
}
