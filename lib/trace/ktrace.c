// SPDX-License-Identifier: GPL-2.0
/*
 * Parsers of what tracefs says (see ktrace.h). kprobe_profile is cheap to
 * read and counts every hit; the ring buffer holds only what a probe's
 * filter let through (the collisions), so counting its lines gives the
 * filtered count without a histogram trigger, which custom kernels lack.
 */
#include <stdio.h>
#include <string.h>

#include "ktrace.h"
#include "../core/util.h"

void ktrace_parse_profile(const char *text, struct ktrace_snap *s)
{
	char name[TRACE_NAME_MAX * 2];
	unsigned long long hits, missed;
	const char *p = text;
	int off;

	memset(s, 0, sizeof(*s));
	while (*p && s->n < TRACE_MAX_PROBES) {
		if (sscanf(p, "%127s %llu %llu%n", name, &hits, &missed, &off) == 3 &&
		    strlen(name) < TRACE_NAME_MAX) {
			strscpy_trunc(s->name[s->n], name, TRACE_NAME_MAX);
			s->hits[s->n] = hits;
			s->missed[s->n++] = missed;
		}
		p = strchr(p, '\n');
		if (!p)
			break;
		p++;
	}
}

uint64_t ktrace_count_records(const char *text, const char *name)
{
	char needle[TRACE_NAME_MAX + 8];
	const char *p = text, *nl;
	uint64_t n = 0;

	/* "  task-pid [cpu] flags  ts: name: fields": the name follows the timestamp */
	snprintf(needle, sizeof(needle), ": %s: ", name);
	for (; *p; p = nl + 1) {
		const char *hit;

		nl = strchr(p, '\n');
		if (*p != '#') {
			hit = strstr(p, needle);
			if (hit && (!nl || hit < nl))
				n++;
		}
		if (!nl)
			break;
	}
	return n;
}
