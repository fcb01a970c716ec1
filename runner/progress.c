// SPDX-License-Identifier: GPL-2.0
/*
 * The live status of the running case, from the workload's progress pipe
 * (one sample line every 250 ms, lib/monitor/timeline.c). On a terminal one line on
 * stderr is rewritten in place; otherwise a plain line every 5 s; --quiet
 * shows nothing. stdout keeps the KTAP stream alone.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "report.h"

#define PROGRESS_PLAIN_EVERY_S 5.0

void progress_init(struct progress *p, bool quiet)
{
	memset(p, 0, sizeof(*p));
	p->quiet = quiet;
	p->tty = isatty(STDERR_FILENO);
}

void progress_begin(struct progress *p, const char *name, double duration_s,
		    double stall_limit_s)
{
	snprintf(p->name, sizeof(p->name), "%s", name);
	p->duration_s = duration_s;
	p->stall_limit_s = stall_limit_s;
	p->have_last = false;
	p->printed_t = -PROGRESS_PLAIN_EVERY_S;
	p->len = 0;
}

static double rate(const struct progress *p, int role)
{
	double dt = p->last.t - p->prev.t;

	return dt > 0 ? (double)(p->last.ops[role] - p->prev.ops[role]) / dt : 0;
}

static void status_text(const struct progress *p, char *buf, size_t len)
{
	double left = p->duration_s - p->last.t;
	const char *what = p->last.stall >= p->stall_limit_s ? " (stalled: proving)" : "";

	snprintf(buf, len, "%s %5.1fs %s%.0fs | ops/s owner %.0f pin %.0f break %.0f | stall %.1f/%.0fs%s",
		 p->name, p->last.t, left > 0 ? "left " : "over ", left > 0 ? left : -left,
		 rate(p, 0), rate(p, 1), rate(p, 2), p->last.stall, p->stall_limit_s, what);
}

static void show(struct progress *p)
{
	char line[320];

	if (p->quiet || !p->have_last)
		return;
	status_text(p, line, sizeof(line));
	if (p->tty) {
		fprintf(stderr, "\r\033[K%.*s", 200, line);
		p->shown = true;
	} else if (p->last.t - p->printed_t >= PROGRESS_PLAIN_EVERY_S) {
		fprintf(stderr, "progress: %s\n", line);
		p->printed_t = p->last.t;
	}
	fflush(stderr);
}

static void take_line(struct progress *p, const char *line)
{
	struct tl_sample s;

	if (timeline_parse_line(line, &s))
		return;
	p->prev = p->have_last ? p->last : s;
	p->last = s;
	p->have_last = true;
}

void progress_feed(struct progress *p, const char *buf, size_t n)
{
	char *nl;

	if (n > sizeof(p->acc) - 1 - p->len)
		p->len = 0;	/* garbage: start over */
	if (n > sizeof(p->acc) - 1)
		return;
	memcpy(p->acc + p->len, buf, n);
	p->len += n;
	p->acc[p->len] = '\0';
	while ((nl = strchr(p->acc, '\n'))) {
		*nl = '\0';
		take_line(p, p->acc);
		p->len -= (size_t)(nl + 1 - p->acc);
		memmove(p->acc, nl + 1, p->len + 1);
	}
	show(p);
}

void progress_clear(struct progress *p)
{
	if (!p->shown)
		return;
	fputs("\r\033[K", stderr);
	fflush(stderr);
	p->shown = false;
}

void progress_end(struct progress *p)
{
	progress_clear(p);
	p->have_last = false;
}
