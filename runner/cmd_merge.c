// SPDX-License-Identifier: GPL-2.0
/*
 * daxstress merge OUT.json IN.json...: join the JSON reports of runs made
 * with --shard K/N into one report as if the whole suite had run at once.
 * Inputs are all `run` reports (one filesystem each) or all `vm` reports
 * (per filesystem under "filesystems"); the output has the same form.
 * Cases keep the suite's order; the totals are counted again; a case found
 * twice, different suites, filesystems or kernels are errors; a missing
 * shard is reported and recorded ("complete": false).
 */
#include <errno.h>
#include <json.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../lib/core/jsonutil.h"
#include "../lib/report/result.h"
#include "../lib/verdict/verdict.h"
#include "commands.h"
#include "report.h"

#define MERGE_MAX 256

struct merge {
	const char *name[MERGE_MAX];
	struct json_object *in[MERGE_MAX];
	int n;
	char err[512];
};

static const char *base(const char *path)
{
	const char *s = strrchr(path, '/');

	return s ? s + 1 : path;
}

/* The fields every shard must agree on. */
static int same_run(struct merge *m, struct json_object *a, struct json_object *b,
		    const char *an, const char *bn)
{
	static const char *const keys[] = { "kernel", "fs" };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(keys); i++) {
		if (strcmp(json_str(a, keys[i]), json_str(b, keys[i]))) {
			snprintf(m->err, sizeof(m->err), "%s and %s ran on different %ss (%s, %s): not shards of one run",
				 an, bn, keys[i], json_str(a, keys[i]), json_str(b, keys[i]));
			return -EINVAL;
		}
	}
	if (strcmp(base(json_str(a, "suite")), base(json_str(b, "suite"))) ||
	    json_num(a, "suite_cases", -1) != json_num(b, "suite_cases", -1)) {
		snprintf(m->err, sizeof(m->err), "%s and %s ran different suites (%s, %s)", an, bn,
			 json_str(a, "suite"), json_str(b, "suite"));
		return -EINVAL;
	}
	return 0;
}

static int by_index(const void *a, const void *b)
{
	double x = json_num(*(struct json_object *const *)a, "suite_index", 1e9);
	double y = json_num(*(struct json_object *const *)b, "suite_index", 1e9);

	return x < y ? -1 : x > y;
}

static int add_cases(struct merge *m, struct json_object *all, struct json_object *rep,
		     const char *name)
{
	struct json_object *cases = json_arr(rep, "cases"), *c;
	size_t i, j;

	for (i = 0; cases && i < json_object_array_length(cases); i++) {
		c = json_object_array_get_idx(cases, i);
		for (j = 0; j < json_object_array_length(all); j++) {
			if (strcmp(json_str(json_object_array_get_idx(all, j), "name"), json_str(c, "name")))
				continue;
			snprintf(m->err, sizeof(m->err), "case %s is in %s and in an earlier report: overlapping shards",
				 json_str(c, "name"), name);
			return -EINVAL;
		}
		json_object_array_add(all, json_object_get(c));
	}
	return 0;
}

static struct json_object *totals(struct json_object *cases)
{
	struct json_object *t = json_object_new_object();
	int n[5] = { 0 };	/* pass fail xfail skip error */
	size_t i;

	for (i = 0; i < json_object_array_length(cases); i++) {
		enum verdict v = V_ERROR;

		verdict_parse(json_str(json_object_array_get_idx(cases, i), "verdict"), &v);
		n[v == V_PASS ? 0 : v == V_XFAIL ? 2 : v == V_SKIP ? 3 : v == V_ERROR ? 4 : 1]++;
	}
	json_object_object_add(t, "pass", json_object_new_int(n[0]));
	json_object_object_add(t, "fail", json_object_new_int(n[1]));
	json_object_object_add(t, "xfail", json_object_new_int(n[2]));
	json_object_object_add(t, "skip", json_object_new_int(n[3]));
	json_object_object_add(t, "error", json_object_new_int(n[4]));
	return t;
}

/* Which shards came in, and whether they make the whole suite. */
static void shard_list(struct json_object *out, struct json_object **reps, int n)
{
	struct json_object *arr = json_object_new_array();
	unsigned int k, total = 0, seen = 0;
	bool whole = false;
	int i;

	for (i = 0; i < n; i++) {
		const char *s = json_str(reps[i], "shard");
		char err[128];

		if (!s[0]) {
			whole = true;
			continue;
		}
		json_object_array_add(arr, json_object_new_string(s));
		if (!shard_parse(s, &k, &total, err, sizeof(err)))
			seen++;
	}
	json_object_object_del(out, "shard");
	json_object_object_add(out, "shards", arr);
	whole = whole || (total && seen == total);
	json_object_object_add(out, "complete", json_object_new_boolean(whole));
	if (!whole)
		fprintf(stderr, "daxstress merge: warning: %u of %u shards given: the merged report is not the whole suite\n",
			seen, total);
}

/* Merge run reports reps[0..n) into a new run report. */
static struct json_object *merge_runs(struct merge *m, struct json_object **reps,
				      const char **names, int n)
{
	struct json_object *out = NULL, *cases = json_object_new_array();
	int i;

	for (i = 0; i < n; i++) {
		if ((i && same_run(m, reps[0], reps[i], names[0], names[i])) ||
		    add_cases(m, cases, reps[i], names[i])) {
			json_object_put(cases);
			return NULL;
		}
	}
	json_object_array_sort(cases, by_index);
	json_object_deep_copy(reps[0], &out, NULL);
	json_object_object_add(out, "cases", cases);
	json_object_object_add(out, "totals", totals(cases));
	shard_list(out, reps, n);
	return out;
}

static bool is_vm(struct json_object *o)
{
	return json_object_object_get_ex(o, "filesystems", NULL);
}

static struct json_object *fs_result(struct json_object *vm, const char *fs)
{
	struct json_object *fss, *f, *res;

	if (!json_object_object_get_ex(vm, "filesystems", &fss) ||
	    !json_object_object_get_ex(fss, fs, &f) ||
	    !json_object_object_get_ex(f, "result", &res) || !json_arr(res, "cases"))
		return NULL;
	return res;
}

/* vm reports: merge each filesystem's run report; the rest comes from the first. */
static struct json_object *merge_vms(struct merge *m)
{
	struct json_object *out = NULL, *fss, *reps[MERGE_MAX], *merged;
	const char *names[MERGE_MAX];
	int i, k;

	json_object_deep_copy(m->in[0], &out, NULL);
	json_object_object_get_ex(out, "filesystems", &fss);
	json_object_object_foreach(fss, fs, f) {
		for (i = 0, k = 0; i < m->n; i++) {
			reps[k] = fs_result(m->in[i], fs);
			names[k] = m->name[i];
			if (reps[k])
				k++;
		}
		merged = k ? merge_runs(m, reps, names, k) : NULL;
		if (!merged) {
			if (!m->err[0])
				snprintf(m->err, sizeof(m->err), "no %s results in any report", fs);
			json_object_put(out);
			return NULL;
		}
		json_object_object_add(f, "result", merged);
	}
	return out;
}

static int load(struct merge *m, int argc, char **argv)
{
	int i;

	if (argc > MERGE_MAX) {
		snprintf(m->err, sizeof(m->err), "at most %d reports", MERGE_MAX);
		return -E2BIG;
	}
	for (i = 0; i < argc; i++) {
		m->name[i] = argv[i];
		m->in[i] = json_load(argv[i], m->err, sizeof(m->err));
		if (!m->in[i])
			return -EINVAL;
		m->n++;
		if (is_vm(m->in[i]) != is_vm(m->in[0]) || (!is_vm(m->in[i]) && !json_arr(m->in[i], "cases"))) {
			snprintf(m->err, sizeof(m->err), "%s is not a daxstress %s report (need all run reports or all vm reports)",
				 argv[i], is_vm(m->in[0]) ? "vm" : "run");
			return -EINVAL;
		}
	}
	return 0;
}

int cmd_merge(int argc, char **argv)
{
	struct merge m = { 0 };
	struct json_object *out = NULL;
	int i, ret = EXIT_USAGE;

	if (argc >= 2 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		printf("usage: daxstress merge OUT.json IN.json...\n"
		       "  joins the JSON reports of --shard K/N runs (all run or all vm reports)\n");
		return 0;
	}
	if (argc < 3) {
		fprintf(stderr, "usage: daxstress merge OUT.json IN.json...\n");
		return EXIT_USAGE;
	}
	if (!load(&m, argc - 2, argv + 2))
		out = is_vm(m.in[0]) ? merge_vms(&m) :
		      merge_runs(&m, m.in, m.name, m.n);
	if (!out) {
		fprintf(stderr, "daxstress merge: %s\n", m.err);
		goto out;
	}
	if (json_write_file(out, argv[1])) {
		fprintf(stderr, "daxstress merge: cannot write %s\n", argv[1]);
		goto out;
	}
	ret = 0;
out:
	json_object_put(out);
	for (i = 0; i < m.n; i++)
		json_object_put(m.in[i]);
	return ret;
}
