// SPDX-License-Identifier: GPL-2.0
/*
 * The timeline of one case as an SVG picture, from its JSON result: one lane
 * per role with its operations per second, one lane with the longest time
 * any thread went without progress, the stall shaded from its start to its
 * end, and a line for the detection and for each proof step.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "../lib/core/jsonutil.h"
#include "../lib/core/util.h"
#include "../lib/report/result.h"
#include "report.h"

#define SVG_W		960
#define SVG_LEFT	140
#define SVG_RIGHT	30
#define SVG_TOP		56
#define SVG_LANE	86
#define SVG_GAP		14
#define SVG_LANES	(TL_ROLES + 1)
#define SVG_H		(SVG_TOP + SVG_LANES * (SVG_LANE + SVG_GAP) + 40)

static const char *const lane_color[SVG_LANES] = { "#1f77b4", "#2ca02c", "#9467bd", "#d62728" };

struct svg {
	FILE *f;
	const struct case_result *r;
	const struct timeline *tl;
	size_t n;
	double tmax;
};

static double dmax(double a, double b)
{
	return a > b ? a : b;
}

/* Column col of sample i: t, the roles' operations, the stall timer. */
static double sample(struct svg *g, size_t i, int col)
{
	const struct tl_sample *s = &g->tl->s[i];

	if (!col)
		return s->t;
	return col <= TL_ROLES ? (double)s->ops[col - 1] : s->stall;
}

static double x_of(const struct svg *g, double t)
{
	return SVG_LEFT + t / g->tmax * (SVG_W - SVG_LEFT - SVG_RIGHT);
}

static double lane_top(int lane)
{
	return SVG_TOP + lane * (SVG_LANE + SVG_GAP);
}

/* Lane value at sample i: ops/s of a role, or the stall timer. */
static double lane_value(struct svg *g, size_t i, int lane)
{
	double dt;

	if (lane == TL_ROLES)
		return sample(g, i, TL_ROLES + 1);
	if (!i)
		return 0;
	dt = sample(g, i, 0) - sample(g, i - 1, 0);
	return dt > 0 ? (sample(g, i, lane + 1) - sample(g, i - 1, lane + 1)) / dt : 0;
}

static void lane_frame(struct svg *g, int lane, const char *label, double max)
{
	double y = lane_top(lane);

	fprintf(g->f, "<rect x=\"%d\" y=\"%.1f\" width=\"%d\" height=\"%d\" fill=\"#fafafa\" stroke=\"#ccc\"/>\n",
		SVG_LEFT, y, SVG_W - SVG_LEFT - SVG_RIGHT, SVG_LANE);
	fprintf(g->f, "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" font-weight=\"bold\">", SVG_LEFT - 8, y + 18);
	xml_puts(g->f, label);
	if (lane == TL_ROLES)
		fprintf(g->f, "</text>\n<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" fill=\"#666\">max %.1f s</text>\n",
			SVG_LEFT - 8, y + 34, max);
	else
		fprintf(g->f, "</text>\n<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\" fill=\"#666\">max %.0f ops/s</text>\n",
			SVG_LEFT - 8, y + 34, max);
}

static void lane_curve(struct svg *g, int lane)
{
	static const char *const names[SVG_LANES] = { "owner", "pinner", "breaker", "no progress" };
	double max = 0, y0 = lane_top(lane) + SVG_LANE, v;
	size_t i;

	for (i = 0; i < g->n; i++)
		max = dmax(max, lane_value(g, i, lane));
	lane_frame(g, lane, names[lane], max);
	fprintf(g->f, "<polyline class=\"lane-%d\" fill=\"%s\" fill-opacity=\"0.15\" stroke=\"%s\" stroke-width=\"1.5\" points=\"",
		lane, lane_color[lane], lane_color[lane]);
	fprintf(g->f, "%.1f,%.1f ", x_of(g, g->n ? sample(g, 0, 0) : 0), y0);
	for (i = 0; i < g->n; i++) {
		v = max > 0 ? lane_value(g, i, lane) / max : 0;
		fprintf(g->f, "%.1f,%.1f ", x_of(g, sample(g, i, 0)), y0 - v * (SVG_LANE - 6));
	}
	fprintf(g->f, "%.1f,%.1f\"/>\n", x_of(g, g->n ? sample(g, g->n - 1, 0) : 0), y0);
}

static double nice_step(double span)
{
	static const double steps[] = { 0.5, 1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 1800, 3600 };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(steps); i++)
		if (span / steps[i] <= 12)
			return steps[i];
	return 7200;
}

static void axis(struct svg *g)
{
	double step = nice_step(g->tmax), t, y = lane_top(SVG_LANES) - SVG_GAP + 4;

	for (t = 0; t <= g->tmax + 1e-9; t += step) {
		fprintf(g->f, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#eee\"/>\n",
			x_of(g, t), SVG_TOP, x_of(g, t), y);
		fprintf(g->f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" fill=\"#444\">%g s</text>\n",
			x_of(g, t), y + 16, t);
	}
}

static void vline(struct svg *g, double t, const char *color, const char *dash,
		  const char *label, int row)
{
	double x = x_of(g, t), y1 = lane_top(SVG_LANES) - SVG_GAP;
	/* labels near the right edge end at their line instead of starting there */
	bool right = x > SVG_W - 220;

	fprintf(g->f, "<line class=\"mark\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"2\"%s%s%s/>\n",
		x, SVG_TOP - 4, x, y1, color, dash ? " stroke-dasharray=\"" : "",
		dash ? dash : "", dash ? "\"" : "");
	fprintf(g->f, "<text x=\"%.1f\" y=\"%d\" fill=\"%s\" font-size=\"11\"%s>",
		right ? x - 3 : x + 3, SVG_TOP - 30 + 12 * row, color,
		right ? " text-anchor=\"end\"" : "");
	xml_puts(g->f, label);
	fprintf(g->f, "</text>\n");
}

/* The stall: from its start to its release (or the verdict), shaded. */
static void stall_marks(struct svg *g)
{
	const struct monitor_result *m = g->r->mon;
	double detect = case_detect_s(g->r), end = g->tmax, begin = detect - m->stalled_s;
	char label[96];
	int i, row = 0;

	if (detect < 0)
		return;
	if (case_has(g->r, CK_VERDICT_S))
		end = m->verdict_s;
	fprintf(g->f, "<rect class=\"stall\" x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" fill=\"#d62728\" fill-opacity=\"0.10\"/>\n",
		x_of(g, begin), SVG_TOP, x_of(g, end) - x_of(g, begin),
		SVG_LANES * (SVG_LANE + SVG_GAP) - SVG_GAP);
	snprintf(label, sizeof(label), "stall noticed (%s, %.1f s)", m->thread, m->stalled_s);
	vline(g, detect, "#d62728", NULL, label, 0);
	for (i = 0; i < STEP__COUNT; i++) {
		const struct proof_step *st = &m->step[i];

		if (!st->done)
			continue;
		row++;
		snprintf(label, sizeof(label), "%d. %s%s", row, proof_step_name((enum proof_step_id)i),
			 st->released ? ": released" : "");
		vline(g, st->t_s, "#ff7f0e", "5,3", label, row);
	}
}

static void title(struct svg *g)
{
	fprintf(g->f, "<text x=\"8\" y=\"16\" font-size=\"14\" font-weight=\"bold\">");
	xml_puts(g->f, g->r->name);
	fprintf(g->f, ": ");
	xml_puts(g->f, case_measured_name(g->r));
	fprintf(g->f, "</text>\n");
}

static int put_svg(FILE *f, void *arg)
{
	struct svg *g = arg;
	int lane;

	g->f = f;
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"sans-serif\" font-size=\"12\">\n"
		"<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n", SVG_W, SVG_H, SVG_W, SVG_H);
	title(g);
	axis(g);
	for (lane = 0; lane < SVG_LANES; lane++)
		lane_curve(g, lane);
	stall_marks(g);
	fprintf(f, "</svg>\n");
	return 0;
}

int svg_timeline_write(const char *path, const struct case_result *r)
{
	struct svg g = { .r = r, .tl = &r->mon->tl, .n = r->mon->tl.n };

	if (!g.n)
		return -ENODATA;
	g.tmax = sample(&g, g.n - 1, 0);
	if (case_has(r, CK_VERDICT_S))
		g.tmax = dmax(g.tmax, r->mon->verdict_s);
	else
		g.tmax = dmax(g.tmax, 0);
	if (g.tmax < 1)
		g.tmax = 1;
	return write_file_atomic(path, put_svg, &g);
}
