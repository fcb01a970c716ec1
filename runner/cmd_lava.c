// SPDX-License-Identifier: GPL-2.0
/*
 * daxstress lava REPORT.json...: the cases of JSON reports as LAVA test
 * results, one "lava-test-case NAME --result R --measurement S --units s"
 * command line per case, for a LAVA test definition to run (ci/lava/).
 * Reads `run` reports (one filesystem), `vm` reports (filesystems.<fs>)
 * and `merge` outputs of either.
 *
 * LAVA knows pass, fail, skip and unknown. A known issue that reproduced
 * as expected (xfail) is a pass, as kselftest counts it; every measured
 * finding, an error of the harness and a case no shard reported (miss)
 * are a fail, so nothing that did not pass can look green. The measurement
 * is the time from the case's start to its verdict.
 */
#include <ctype.h>
#include <errno.h>
#include <json.h>
#include <stdio.h>
#include <string.h>

#include "../lib/core/jsonutil.h"
#include "../lib/core/util.h"
#include "commands.h"

#define ME "daxstress lava"

static void print_usage(FILE *f)
{
	fprintf(f,
		"usage: " ME " REPORT.json...\n"
		"prints one line per case of each report (run, vm or merge output):\n"
		"  lava-test-case NAME --result pass|fail|skip [--measurement SECONDS --units s]\n"
		"for a LAVA test definition to run with sh (ci/lava/daxstress.yaml);\n"
		"xfail is pass, every finding, error and miss is fail.\n"
		"exit: 0 done, 1 a report could not be read or has no cases, 2 usage\n");
}

static const char *lava_result(const char *verdict)
{
	if (!strcmp(verdict, "pass") || !strcmp(verdict, "xfail"))
		return "pass";
	if (!strcmp(verdict, "skip"))
		return "skip";
	return "fail";
}

/*
 * LAVA test case names: letters, digits, '-', '_' and '.'; anything else
 * becomes '_' (also keeps the line safe for sh).
 */
static void lava_name(const char *in, char *out, size_t size)
{
	size_t i;

	for (i = 0; in[i] && i + 1 < size; i++) {
		unsigned char ch = in[i];

		out[i] = (isalnum(ch) || strchr("-_.", ch)) ? ch : '_';
	}
	out[i] = '\0';
}

static int print_case(struct json_object *c)
{
	const char *verdict = json_str(c, "verdict");
	const char *result;
	char name[256];
	double t;

	if (!*json_str(c, "name") || !*verdict)
		return -EINVAL;
	lava_name(json_str(c, "name"), name, sizeof(name));
	result = lava_result(verdict);
	t = json_num(c, "verdict_s", -1);
	printf("lava-test-case %s --result %s", name, result);
	if (t >= 0 && strcmp(verdict, "skip") && strcmp(verdict, "miss"))
		printf(" --measurement %.3f --units s", t);
	putchar('\n');
	return 0;
}

/* The cases of one `run` report; the count, or -1 for a malformed case. */
static int print_cases(struct json_object *report)
{
	struct json_object *cases = json_arr(report, "cases");
	size_t i, n = 0;

	if (cases)
		n = json_object_array_length(cases);
	for (i = 0; i < n; i++)
		if (print_case(json_object_array_get_idx(cases, i)))
			return -1;
	return (int)n;
}

/* A `vm` report: the result of every filesystem that has one. */
static int print_vm(struct json_object *report)
{
	struct json_object *fss, *res;
	int n = 0, k;

	if (!json_object_object_get_ex(report, "filesystems", &fss) ||
	    !json_object_is_type(fss, json_type_object))
		return 0;
	json_object_object_foreach(fss, fs, o) {
		(void)fs;
		if (!json_object_object_get_ex(o, "result", &res))
			continue;
		k = print_cases(res);
		if (k < 0)
			return k;
		n += k;
	}
	return n;
}

static int do_report(const char *path)
{
	struct json_object *r;
	char err[512];
	int n;

	r = json_load(path, err, sizeof(err));
	if (!r) {
		fprintf(stderr, ME ": %s\n", err);
		return 1;
	}
	n = json_arr(r, "cases") ? print_cases(r) : print_vm(r);
	json_object_put(r);
	if (n < 0)
		fprintf(stderr, ME ": %s: a case without a name or verdict\n", path);
	else if (!n)
		fprintf(stderr, ME ": %s: no cases in it (not a daxstress report?)\n", path);
	return n > 0 ? 0 : 1;
}

int cmd_lava(int argc, char **argv)
{
	int i, ret = 0;

	if (argc < 2) {
		print_usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		print_usage(stdout);
		return 0;
	}
	for (i = 1; i < argc; i++) {
		if (argv[i][0] == '-') {
			fprintf(stderr, ME ": unknown option %s\n", argv[i]);
			print_usage(stderr);
			return EXIT_USAGE;
		}
		ret |= do_report(argv[i]);
	}
	fflush(stdout);
	return ret;
}
