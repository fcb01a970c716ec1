// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <json.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "../core/jsonutil.h"
#include "junit.h"
#include "title.h"
#include "../core/util.h"
#include "../verdict/verdict.h"

static void proof_text(FILE *f, struct json_object *c)
{
	struct json_object *proof, *step;
	size_t i;

	if (!json_object_object_get_ex(c, "proof", &proof))
		return;
	for (i = 0; i < json_object_array_length(proof); i++) {
		step = json_object_array_get_idx(proof, i);
		fputs("proof ", f);
		xml_puts(f, json_str(step, "step"));
		fputs(": ", f);
		xml_puts(f, json_str(step, "note"));
		fputc('\n', f);
	}
}

/*
 * The message CI systems show and group by: the finding's stable title
 * (lib/report/title.h) when it has one, else the verdict, then the reason.
 */
static void failure_message(FILE *f, struct json_object *c)
{
	char title[256];

	finding_title(c, title, sizeof(title));
	xml_puts(f, title[0] ? title : json_str(c, "verdict"));
	fputs(": ", f);
	xml_puts(f, json_str(c, "reason"));
}

static void write_case(FILE *f, const char *suite, struct json_object *c)
{
	enum verdict v = V_ERROR;	/* also "miss": a merged case no shard ran */
	const char *tag = NULL;

	verdict_parse(json_str(c, "verdict"), &v);
	fprintf(f, "    <testcase classname=\"");
	xml_puts(f, suite);
	fprintf(f, "\" name=\"");
	xml_puts(f, json_str(c, "name"));
	fprintf(f, "\" time=\"%.3f\">\n", json_num(c, "duration_s", 0.0));
	if (v == V_SKIP) {
		fprintf(f, "      <skipped message=\"");
		xml_puts(f, json_str(c, "reason"));
		fprintf(f, "\"/>\n");
	} else if (v == V_ERROR) {
		tag = "error";
	} else if (verdict_is_failure(v)) {
		tag = "failure";
	}
	if (tag) {
		fprintf(f, "      <%s message=\"", tag);
		failure_message(f, c);
		fprintf(f, "\" type=\"");
		xml_puts(f, json_str(c, "verdict")[0] ? json_str(c, "verdict") : verdict_name(v));
		fprintf(f, "\">");
		proof_text(f, c);
		xml_puts(f, json_str(c, "stack"));
		fprintf(f, "</%s>\n", tag);
	}
	if (v == V_XFAIL || json_str(c, "bundle")[0]) {
		fprintf(f, "      <system-out>");
		if (v == V_XFAIL) {
			fprintf(f, "expected failure (");
			xml_puts(f, json_str(c, "raw_verdict"));
			fprintf(f, "): ");
			xml_puts(f, json_str(c, "reason"));
			fputc('\n', f);
		}
		if (json_str(c, "bundle")[0]) {
			fprintf(f, "repro bundle: ");
			xml_puts(f, json_str(c, "bundle"));
			fprintf(f, " (daxstress repro BUNDLE --dir DIR | --vm)\n");
		}
		fprintf(f, "</system-out>\n");
	}
	fprintf(f, "    </testcase>\n");
}

static void count(struct json_object *cases, int *fail, int *err, int *skip, double *t)
{
	size_t i;

	*fail = *err = *skip = 0;
	*t = 0;
	for (i = 0; i < json_object_array_length(cases); i++) {
		struct json_object *c = json_object_array_get_idx(cases, i);
		enum verdict v = V_ERROR;

		verdict_parse(json_str(c, "verdict"), &v);
		*skip += v == V_SKIP;
		*err += v == V_ERROR;
		*fail += v != V_ERROR && verdict_is_failure(v);
		*t += json_num(c, "duration_s", 0.0);
	}
}

static void write_suite(FILE *f, struct json_object *rep)
{
	struct json_object *cases;
	char name[128];
	int fail, err, skip;
	double t;
	size_t i;

	if (!json_object_object_get_ex(rep, "cases", &cases))
		return;
	snprintf(name, sizeof(name), "daxstress.%s", json_str(rep, "fs"));
	count(cases, &fail, &err, &skip, &t);
	fprintf(f, "  <testsuite name=\"");
	xml_puts(f, name);
	fprintf(f, "\" tests=\"%zu\" failures=\"%d\" errors=\"%d\" skipped=\"%d\" time=\"%.3f\" timestamp=\"",
		json_object_array_length(cases), fail, err, skip, t);
	xml_puts(f, json_str(rep, "finished"));
	fprintf(f, "\" hostname=\"");
	xml_puts(f, json_str(rep, "kernel"));
	fprintf(f, "\">\n");
	for (i = 0; i < json_object_array_length(cases); i++)
		write_case(f, name, json_object_array_get_idx(cases, i));
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
