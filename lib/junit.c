// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <json.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "junit.h"
#include "util.h"
#include "verdict.h"

static const char *str(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return "";
	return json_object_get_string(v);
}

static double num(struct json_object *o, const char *key)
{
	struct json_object *v;

	return json_object_object_get_ex(o, key, &v) ? json_object_get_double(v) : 0.0;
}

/* XML text: escape the five specials, drop control characters XML forbids. */
static void xml(FILE *f, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		switch (c) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		case '\'':
			fputs("&apos;", f);
			break;
		default:
			if (c >= 0x20 || c == '\n' || c == '\t')
				fputc(c, f);
		}
	}
}

static void proof_text(FILE *f, struct json_object *c)
{
	struct json_object *proof, *step;
	size_t i;

	if (!json_object_object_get_ex(c, "proof", &proof))
		return;
	for (i = 0; i < json_object_array_length(proof); i++) {
		step = json_object_array_get_idx(proof, i);
		fputs("proof ", f);
		xml(f, str(step, "step"));
		fputs(": ", f);
		xml(f, str(step, "note"));
		fputc('\n', f);
	}
}

static void write_case(FILE *f, const char *suite, struct json_object *c)
{
	enum verdict v = V_ERROR;
	const char *tag = NULL;

	verdict_parse(str(c, "verdict"), &v);
	fprintf(f, "    <testcase classname=\"");
	xml(f, suite);
	fprintf(f, "\" name=\"");
	xml(f, str(c, "name"));
	fprintf(f, "\" time=\"%.3f\">\n", num(c, "duration_s"));
	if (v == V_SKIP) {
		fprintf(f, "      <skipped message=\"");
		xml(f, str(c, "reason"));
		fprintf(f, "\"/>\n");
	} else if (v == V_ERROR) {
		tag = "error";
	} else if (verdict_is_failure(v)) {
		tag = "failure";
	}
	if (tag) {
		fprintf(f, "      <%s message=\"%s: ", tag, verdict_name(v));
		xml(f, str(c, "reason"));
		fprintf(f, "\" type=\"%s\">", verdict_name(v));
		proof_text(f, c);
		xml(f, str(c, "stack"));
		fprintf(f, "</%s>\n", tag);
	}
	if (v == V_XFAIL) {
		fprintf(f, "      <system-out>expected failure (");
		xml(f, str(c, "raw_verdict"));
		fprintf(f, "): ");
		xml(f, str(c, "reason"));
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

		verdict_parse(str(c, "verdict"), &v);
		*skip += v == V_SKIP;
		*err += v == V_ERROR;
		*fail += v != V_ERROR && verdict_is_failure(v);
		*t += num(c, "duration_s");
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
	snprintf(name, sizeof(name), "daxstress.%s", str(rep, "fs"));
	count(cases, &fail, &err, &skip, &t);
	fprintf(f, "  <testsuite name=\"");
	xml(f, name);
	fprintf(f, "\" tests=\"%zu\" failures=\"%d\" errors=\"%d\" skipped=\"%d\" time=\"%.3f\" timestamp=\"",
		json_object_array_length(cases), fail, err, skip, t);
	xml(f, str(rep, "finished"));
	fprintf(f, "\" hostname=\"");
	xml(f, str(rep, "kernel"));
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
