// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <json.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../core/jsonutil.h"
#include "junit.h"
#include "result.h"
#include "runhead.h"
#include "title.h"
#include "../core/util.h"
#include "../verdict/verdict.h"

static void proof_text(FILE *f, const struct case_result *r)
{
	int i;

	for (i = 0; i < STEP__COUNT; i++) {
		if (!r->mon->step[i].done)
			continue;
		fputs("proof ", f);
		xml_puts(f, proof_step_name((enum proof_step_id)i));
		fputs(": ", f);
		xml_puts(f, r->mon->step[i].note);
		fputc('\n', f);
	}
}

/*
 * The message CI systems show and group by: the finding's stable title
 * (lib/report/title.h) when it has one, else the verdict, then the reason.
 */
static void failure_message(FILE *f, const struct case_result *r)
{
	char title[256];

	finding_title(r, title, sizeof(title));
	xml_puts(f, title[0] ? title : case_verdict_name(r));
	fputs(": ", f);
	xml_puts(f, r->reason);
}

static void write_case(FILE *f, const char *suite, const struct case_result *r)
{
	enum verdict v = r->verdict;	/* V_ERROR also for "miss": a merged case no shard ran */
	const char *tag = NULL, *type = case_verdict_name(r);

	fprintf(f, "    <testcase classname=\"");
	xml_puts(f, suite);
	fprintf(f, "\" name=\"");
	xml_puts(f, r->name);
	fprintf(f, "\" time=\"%.3f\">\n", r->duration_s);
	if (v == V_SKIP) {
		fprintf(f, "      <skipped message=\"");
		xml_puts(f, r->reason);
		fprintf(f, "\"/>\n");
	} else if (v == V_ERROR) {
		tag = "error";
	} else if (verdict_is_failure(v)) {
		tag = "failure";
	}
	if (tag) {
		fprintf(f, "      <%s message=\"", tag);
		failure_message(f, r);
		fprintf(f, "\" type=\"");
		xml_puts(f, type[0] ? type : verdict_name(v));
		fprintf(f, "\">");
		proof_text(f, r);
		xml_puts(f, r->mon->at_detect.stack);
		fprintf(f, "</%s>\n", tag);
	}
	if (v == V_XFAIL || r->bundle[0]) {
		fprintf(f, "      <system-out>");
		if (v == V_XFAIL) {
			fprintf(f, "expected failure (");
			if (case_has(r, CK_RAW_VERDICT))
				xml_puts(f, verdict_name(r->raw_verdict));
			fprintf(f, "): ");
			xml_puts(f, r->reason);
			fputc('\n', f);
		}
		if (r->bundle[0]) {
			fprintf(f, "repro bundle: ");
			xml_puts(f, r->bundle);
			fprintf(f, " (daxstress repro BUNDLE --dir DIR | --vm)\n");
		}
		fprintf(f, "</system-out>\n");
	}
	fprintf(f, "    </testcase>\n");
}

struct suite_count {
	int fail, err, skip;
	double t;
};

static int count_case(const struct case_result *r, size_t i, void *arg)
{
	struct suite_count *c = arg;

	c->skip += r->verdict == V_SKIP;
	c->err += r->verdict == V_ERROR;
	c->fail += r->verdict != V_ERROR && verdict_is_failure(r->verdict);
	c->t += r->duration_s;
	return 0;
}

struct suite_out {
	FILE *f;
	const char *name;
};

static int put_case(const struct case_result *r, size_t i, void *arg)
{
	struct suite_out *o = arg;

	write_case(o->f, o->name, r);
	return 0;
}

static void write_suite(FILE *f, struct json_object *rep)
{
	struct suite_count c = { 0 };
	struct json_object *cases;
	struct run_head h;
	char name[128];
	struct suite_out o = { f, name };

	if (!json_object_object_get_ex(rep, "cases", &cases))
		return;
	run_head_read(rep, &h);
	snprintf(name, sizeof(name), "daxstress.%s", h.fs);
	case_each(cases, count_case, &c);
	fprintf(f, "  <testsuite name=\"");
	xml_puts(f, name);
	fprintf(f, "\" tests=\"%zu\" failures=\"%d\" errors=\"%d\" skipped=\"%d\" time=\"%.3f\" timestamp=\"",
		json_object_array_length(cases), c.fail, c.err, c.skip, c.t);
	xml_puts(f, h.finished);
	fprintf(f, "\" hostname=\"");
	xml_puts(f, h.kernel);
	fprintf(f, "\">\n");
	case_each(cases, put_case, &o);
	fprintf(f, "  </testsuite>\n");
}

static int put_junit(FILE *f, void *reports)
{
	size_t i;

	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"daxstress\">\n");
	for (i = 0; i < json_object_array_length(reports); i++)
		write_suite(f, json_object_array_get_idx(reports, i));
	fprintf(f, "</testsuites>\n");
	return 0;
}

int junit_write(const char *path, struct json_object *reports)
{
	return write_file_atomic(path, put_junit, reports);
}
