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
#include "../lib/verdict/verdict.h"
#include "report.h"

struct page {
	const char *dir;
	struct json_object *reports;
	const char *title, *extra;
};

static const char *verdict_color(const char *v)
{
	enum verdict x = V_ERROR;

	verdict_parse(v, &x);
	if (x == V_PASS)
		return "#2ca02c";
	if (x == V_SKIP)
		return "#999";
	if (x == V_XFAIL)
		return "#e6a100";
	return "#d62728";
}

/* Write dir/timelines/<name>.svg; true when the case has a picture. */
static bool case_svg(const struct page *p, struct json_object *c)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/timelines", p->dir);
	if (mkdir(path, 0755) && errno != EEXIST)
		return false;
	snprintf(path, sizeof(path), "%s/timelines/%s.svg", p->dir, json_str(c, "name"));
	return !svg_timeline_write(path, c);
}

/* A bundle under dir is linked relative to it, any other by its path. */
static void bundle_link(FILE *f, const struct page *p, struct json_object *c)
{
	const char *b = json_str(c, "bundle");
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

static void case_row(FILE *f, const struct page *p, struct json_object *c, bool svg)
{
	const char *v = json_str(c, "verdict"), *raw = json_str(c, "raw_verdict");
	double d = json_num(c, "detect_s", -1);

	fputs("<tr><td>", f);
	if (svg) {
		fputs("<a href=\"#", f);
		xml_puts(f, json_str(c, "name"));
		fputs("\">", f);
	}
	xml_puts(f, json_str(c, "name"));
	fprintf(f, "%s</td><td style=\"color:%s;font-weight:bold\">", svg ? "</a>" : "", verdict_color(v));
	xml_puts(f, v);
	if (raw[0]) {
		fputs(" (", f);
		xml_puts(f, raw);
		fputs(")", f);
	}
	fputs("</td><td>", f);
	xml_puts(f, json_str(c, "reason"));
	if (d >= 0)
		fprintf(f, "</td><td>%.1f s</td>", d);
	else
		fputs("</td><td>-</td>", f);
	fprintf(f, "<td>%.1f s</td>", json_num(c, "duration_s", 0));
	bundle_link(f, p, c);
	fputs("</tr>\n", f);
}

static void report_table(FILE *f, const struct page *p, struct json_object *rep)
{
	struct json_object *cases = json_arr(rep, "cases");
	size_t i, n = 0;
	char path[PATH_MAX];

	if (cases)
		n = json_object_array_length(cases);
	fputs("<h2>", f);
	xml_puts(f, json_str(rep, "fs"));
	fputs(" &#183; kernel ", f);
	xml_puts(f, json_str(rep, "kernel"));
	fputs(" &#183; ", f);
	xml_puts(f, json_str(rep, "suite"));
	fputs("</h2>\n<table>\n<tr><th>case</th><th>verdict</th><th>why</th><th>stall noticed</th><th>ran</th><th>repro</th></tr>\n", f);
	for (i = 0; i < n; i++) {
		struct json_object *c = json_object_array_get_idx(cases, i);

		case_row(f, p, c, case_svg(p, c));
	}
	fputs("</table>\n", f);
	for (i = 0; i < n; i++) {
		const char *name = json_str(json_object_array_get_idx(cases, i), "name");

		snprintf(path, sizeof(path), "%s/timelines/%s.svg", p->dir, name);
		if (access(path, F_OK))
			continue;
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
	}
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
