// SPDX-License-Identifier: GPL-2.0
/*
 * The HTML summary of a run: one table per report (filesystem) with every
 * case, its verdict, why, when the stall was noticed, a link to its repro
 * bundle, and its timeline picture below. Static HTML, no scripts.
 */
#include <errno.h>
#include <json.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../lib/core/jsonutil.h"
#include "../lib/core/util.h"
#include "../lib/report/result.h"
#include "../lib/report/runhead.h"
#include "../lib/verdict/verdict.h"
#include "report.h"

struct page {
	const char *dir;
	struct json_object *reports;
	const char *title, *extra;
};

static const char *verdict_color(const struct case_result *r)
{
	if (r->miss)
		return "#d62728";
	if (r->verdict == V_PASS)
		return "#2ca02c";
	if (r->verdict == V_SKIP)
		return "#999";
	if (r->verdict == V_XFAIL)
		return "#e6a100";
	return "#d62728";
}

/* Write dir/timelines/<name>.svg; true when the case has a picture. */
static bool case_svg(const struct page *p, const struct case_result *r)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/timelines", p->dir);
	if (mkdir(path, 0755) && errno != EEXIST)
		return false;
	snprintf(path, sizeof(path), "%s/timelines/%s.svg", p->dir, r->name);
	return !svg_timeline_write(path, r);
}

/* A bundle under dir is linked relative to it, any other by its path. */
static void bundle_link(FILE *f, const struct page *p, const struct case_result *r)
{
	const char *b = r->bundle;
	size_t n = strlen(p->dir);

	if (!b[0]) {
		fputs("<td></td>", f);
		return;
	}
	if (!strncmp(b, p->dir, n) && b[n] == '/')
		b += n + 1;
	fputs("<td><a href=\"", f);
	xml_puts(f, b);
	fputs("/README.txt\">bundle</a></td>", f);
}

struct table {
	FILE *f;
	const struct page *p;
};

static int case_row(const struct case_result *r, size_t i, void *arg)
{
	const struct table *t = arg;
	FILE *f = t->f;
	bool svg = case_svg(t->p, r);
	double d = case_detect_s(r);

	fputs("<tr><td>", f);
	if (svg) {
		fputs("<a href=\"#", f);
		xml_puts(f, r->name);
		fputs("\">", f);
	}
	xml_puts(f, r->name);
	fprintf(f, "%s</td><td style=\"color:%s;font-weight:bold\">", svg ? "</a>" : "",
		verdict_color(r));
	xml_puts(f, case_verdict_name(r));
	if (case_has(r, CK_RAW_VERDICT)) {
		fputs(" (", f);
		xml_puts(f, verdict_name(r->raw_verdict));
		fputs(")", f);
	}
	fputs("</td><td>", f);
	xml_puts(f, r->reason);
	if (d >= 0)
		fprintf(f, "</td><td>%.1f s</td>", d);
	else
		fputs("</td><td>-</td>", f);
	fprintf(f, "<td>%.1f s</td>", r->duration_s);
	bundle_link(f, t->p, r);
	fputs("</tr>\n", f);
	return 0;
}

/* The case's timeline picture, when case_row made one. */
static int case_picture(const struct case_result *r, size_t i, void *arg)
{
	const struct table *t = arg;
	const char *name = r->name;
	char path[PATH_MAX];
	FILE *f = t->f;

	snprintf(path, sizeof(path), "%s/timelines/%s.svg", t->p->dir, name);
	if (access(path, F_OK))
		return 0;
	fputs("<h3 id=\"", f);
	xml_puts(f, name);
	fputs("\">", f);
	xml_puts(f, name);
	fputs("</h3>\n<p><a href=\"timelines/", f);
	xml_puts(f, name);
	fputs(".svg\"><img src=\"timelines/", f);
	xml_puts(f, name);
	fputs(".svg\" alt=\"timeline of ", f);
	xml_puts(f, name);
	fputs("\" width=\"960\"/></a></p>\n", f);
	return 0;
}

static void report_table(FILE *f, const struct page *p, struct json_object *rep)
{
	struct json_object *cases = json_arr(rep, "cases");
	struct table t = { f, p };
	struct run_head h;

	run_head_read(rep, &h);
	fputs("<h2>", f);
	xml_puts(f, h.fs);
	fputs(" &#183; kernel ", f);
	xml_puts(f, h.kernel);
	fputs(" &#183; ", f);
	xml_puts(f, h.suite);
	fputs("</h2>\n<table>\n<tr><th>case</th><th>verdict</th><th>why</th><th>stall noticed</th><th>ran</th><th>repro</th></tr>\n", f);
	case_each(cases, case_row, &t);
	fputs("</table>\n", f);
	case_each(cases, case_picture, &t);
}

static int put_html(FILE *f, void *arg)
{
	const struct page *p = arg;
	size_t i;

	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n<title>", f);
	xml_puts(f, p->title);
	fputs("</title>\n<style>body{font-family:sans-serif;"
	      "margin:1.5em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 8px;"
	      "text-align:left;vertical-align:top}th{background:#eee}</style>\n</head>\n<body>\n<h1>", f);
	xml_puts(f, p->title);
	fputs("</h1>\n", f);
	if (p->extra) {
		fputs("<p>", f);
		xml_puts(f, p->extra);
		fputs("</p>\n", f);
	}
	for (i = 0; i < json_object_array_length(p->reports); i++)
		report_table(f, p, json_object_array_get_idx(p->reports, i));
	fputs("</body>\n</html>\n", f);
	return 0;
}

int html_write_run(const char *dir, struct json_object *reports, const char *title,
		   const char *extra)
{
	struct page p = { .dir = dir, .reports = reports, .title = title, .extra = extra };
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/index.html", dir);
	return write_file_atomic(path, put_html, &p);
}
