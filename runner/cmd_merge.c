// SPDX-License-Identifier: GPL-2.0
/*
 * daxstress merge OUT.json IN.json...: join the JSON reports of runs made
 * with --shard K/N into one report as if the whole suite had run at once.
 * Inputs are all `run` reports (one filesystem each) or all `vm` reports
 * (per filesystem under "filesystems"); the output has the same form.
 * Cases keep the suite's order; the totals are counted again; a case found
 * twice, different suites, filesystems or kernels are errors; a missing
 * shard is reported and recorded ("complete": false), and every case of
 * the suite that no shard reported is listed with the verdict "miss".
 * Beside the JSON it writes what run writes: JUnit, KTAP, HTML, KCIDB.
 */
#include <errno.h>
#include <getopt.h>
#include <json.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "../lib/config/suite.h"
#include "../lib/core/jsonutil.h"
#include "../lib/core/paths.h"
#include "../lib/report/junit.h"
#include "../lib/report/ktap.h"
#include "../lib/report/result.h"
#include "../lib/report/runhead.h"
#include "../lib/verdict/verdict.h"
#include "commands.h"
#include "kcidb.h"
#include "report.h"

#define MERGE_MAX 256
#define MISS_REASON "no shard reported this case"

struct merge_opts {
	const char *junit, *html, *kcidb, *ktap;	/* ktap "-": stdout */
};

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
	static const char *const what[] = { "kernel", "fs" };
	struct run_head ha, hb;
	const char *va[2], *vb[2];
	size_t i;

	run_head_read(a, &ha);
	run_head_read(b, &hb);
	va[0] = ha.kernel;
	va[1] = ha.fs;
	vb[0] = hb.kernel;
	vb[1] = hb.fs;
	for (i = 0; i < ARRAY_SIZE(what); i++) {
		if (strcmp(va[i], vb[i])) {
			snprintf(m->err, sizeof(m->err), "%s and %s ran on different %ss (%s, %s): not shards of one run",
				 an, bn, what[i], va[i], vb[i]);
			return -EINVAL;
		}
	}
	if (strcmp(base(ha.suite), base(hb.suite)) || ha.suite_cases != hb.suite_cases) {
		snprintf(m->err, sizeof(m->err), "%s and %s ran different suites (%s, %s)", an, bn,
			 ha.suite, hb.suite);
		return -EINVAL;
	}
	return 0;
}

/* The merged cases, as read: what ordering and checking them needs. */
struct case_entry {
	char name[128];
	double index;		/* suite_index; 1e9 without one: last */
	struct json_object *c;	/* a reference */
};

struct case_list {
	struct case_entry *e;
	size_t n, cap;
};

static int list_add(struct case_list *l, const char *name, double index, struct json_object *c)
{
	struct case_entry *e;

	if (l->n == l->cap) {
		e = realloc(l->e, (l->cap * 2 + 16) * sizeof(*e));
		if (!e)
			return -ENOMEM;
		l->e = e;
		l->cap = l->cap * 2 + 16;
	}
	e = &l->e[l->n++];
	strscpy_trunc(e->name, name, sizeof(e->name));
	e->index = index;
	e->c = json_object_get(c);
	return 0;
}

static void list_free(struct case_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		json_object_put(l->e[i].c);
	free(l->e);
}

static int by_index(const void *a, const void *b)
{
	double x = ((const struct case_entry *)a)->index;
	double y = ((const struct case_entry *)b)->index;

	return x < y ? -1 : x > y;
}

struct adding {
	struct merge *m;
	struct case_list *all;
	const struct run_head *h;
	struct json_object *cases;
	const char *name;
};

static int add_case(const struct case_result *r, size_t i, void *arg)
{
	struct adding *x = arg;
	struct json_object *c = json_object_array_get_idx(x->cases, i);
	size_t j;

	for (j = 0; j < x->all->n; j++) {
		if (strcmp(x->all->e[j].name, r->name))
			continue;
		snprintf(x->m->err, sizeof(x->m->err), "case %s is in %s and in an earlier report: overlapping shards",
			 r->name, x->name);
		return -EINVAL;
	}
	/* which run it came from: KCIDB dates a case from its own run's end */
	if (x->h->shard[0])
		case_json_set_str(c, CK_SHARD, x->h->shard);
	if (x->h->finished[0])
		case_json_set_str(c, CK_RUN_FINISHED, x->h->finished);
	if (case_has(r, CK_SUITE_INDEX))
		return list_add(x->all, r->name, r->suite_index, c);
	return list_add(x->all, r->name, 1e9, c);
}

static int add_cases(struct merge *m, struct case_list *all, struct json_object *rep,
		     const char *name)
{
	struct run_head h;
	struct adding x = { m, all, &h, json_arr(rep, "cases"), name };
	int ret;

	run_head_read(rep, &h);
	ret = case_each(x.cases, add_case, &x);
	if (ret == -ENOMEM)
		snprintf(m->err, sizeof(m->err), "out of memory");
	return ret;
}

struct tally {
	int n[6];	/* pass fail xfail skip error miss */
};

static int tally_case(const struct case_result *r, size_t i, void *arg)
{
	struct tally *t = arg;
	enum verdict v = r->verdict;

	if (r->miss)
		t->n[5]++;
	else
		t->n[v == V_PASS ? 0 : v == V_XFAIL ? 2 : v == V_SKIP ? 3 : v == V_ERROR ? 4 : 1]++;
	return 0;
}

static struct json_object *totals(struct json_object *cases)
{
	struct json_object *t = json_object_new_object();
	struct tally n = { { 0 } };

	case_each(cases, tally_case, &n);
	json_object_object_add(t, "pass", json_object_new_int(n.n[0]));
	json_object_object_add(t, "fail", json_object_new_int(n.n[1]));
	json_object_object_add(t, "xfail", json_object_new_int(n.n[2]));
	json_object_object_add(t, "skip", json_object_new_int(n.n[3]));
	json_object_object_add(t, "error", json_object_new_int(n.n[4]));
	json_object_object_add(t, "miss", json_object_new_int(n.n[5]));
	return t;
}

/* Which shards came in, and whether they make the whole suite. */
static void shard_list(struct json_object *out, struct json_object **reps, int n)
{
	struct json_object *arr = json_object_new_array();
	unsigned int k, total = 0, seen = 0;
	struct run_head h;
	bool whole = false;
	int i;

	for (i = 0; i < n; i++) {
		const char *s = h.shard;
		char err[128];

		run_head_read(reps[i], &h);
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

/*
 * The suite the reports name: as given, else (another machine's path, a
 * guest's /usr/share/...) by its name in our configs/. NULL if neither.
 */
static struct suite *load_suite(const char *path)
{
	struct suite *s = calloc(1, sizeof(*s));
	char name[256], found[PATH_MAX], err[512];
	const char *b = base(path);
	size_t n = strcspn(b, ".");

	if (!s || !path[0])
		goto fail;
	if (!suite_load(s, path, err, sizeof(err)))
		return s;
	snprintf(name, sizeof(name), "%.*s", (int)n, b);
	if (n && !path_suite(name, found, sizeof(found)) && !suite_load(s, found, err, sizeof(err)))
		return s;
fail:
	free(s);
	return NULL;
}

static bool has_index(const struct case_list *l, unsigned int i)
{
	size_t j;

	for (j = 0; j < l->n; j++)
		if (l->e[j].index == i)
			return true;
	return false;
}

/*
 * Every case of the suite that no report has: "miss", never left out. The
 * names come from the suite file; without it only the count is known.
 */
static int add_missing(struct json_object *rep, struct case_list *cases)
{
	struct run_head *h = malloc(sizeof(*h));
	char why[PATH_MAX + 128], name[160], idx[32];
	struct json_object *o;
	int i, total, ret = 0;
	struct suite *s;

	if (!h)
		return -ENOMEM;
	run_head_read(rep, h);
	total = h->suite_cases;
	s = load_suite(h->suite);
	if (s && total < 0)
		total = (int)s->ncases;
	if (s && (unsigned int)total != s->ncases) {
		fprintf(stderr, "daxstress merge: warning: %s has %u cases, the reports say %d: missing cases are named by number\n",
			s->path, s->ncases, total);
		free(s);
		s = NULL;
	}
	snprintf(why, sizeof(why), MISS_REASON "%s%s%s", s ? "" : " (the suite file ",
		 s ? "" : h->suite, s ? "" : " cannot be read here: name unknown)");
	for (i = 0; i < total && !ret; i++) {
		const char *sname = idx;

		if (has_index(cases, (unsigned int)i))
			continue;
		snprintf(idx, sizeof(idx), "case-%d", i);
		if (s)
			sname = s->cases[i].name;
		snprintf(name, sizeof(name), "%s.%s", h->fs, sname);
		o = case_stub_json(name, sname, i, NULL, h->fs, "miss", why);
		ret = list_add(cases, name, i, o);
		json_object_put(o);
	}
	free(s);
	free(h);
	return ret;
}

/* Merge run reports reps[0..n) into a new run report. */
static struct json_object *merge_runs(struct merge *m, struct json_object **reps,
				      const char **names, int n)
{
	struct json_object *out = NULL, *cases;
	struct case_list all = { 0 };
	size_t j;
	int i;

	for (i = 0; i < n; i++) {
		if ((i && same_run(m, reps[0], reps[i], names[0], names[i])) ||
		    add_cases(m, &all, reps[i], names[i]))
			goto out;
	}
	if (add_missing(reps[0], &all)) {
		snprintf(m->err, sizeof(m->err), "out of memory");
		goto out;
	}
	qsort(all.e, all.n, sizeof(*all.e), by_index);
	cases = json_object_new_array();
	for (j = 0; j < all.n; j++)
		json_object_array_add(cases, json_object_get(all.e[j].c));
	json_object_deep_copy(reps[0], &out, NULL);
	json_object_object_add(out, "cases", cases);
	json_object_object_add(out, "totals", totals(cases));
	shard_list(out, reps, n);
out:
	list_free(&all);
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

/* The run reports inside the merged report: itself, or each filesystem's of a vm report. */
static struct json_object *run_list(struct json_object *out)
{
	struct json_object *list = json_object_new_array(), *fss;

	if (!json_object_object_get_ex(out, "filesystems", &fss)) {
		json_object_array_add(list, json_object_get(out));
		return list;
	}
	json_object_object_foreach(fss, fs, f) {
		struct json_object *res;

		(void)fs;
		if (json_object_object_get_ex(f, "result", &res) && json_arr(res, "cases"))
			json_object_array_add(list, json_object_get(res));
	}
	return list;
}

static int ktap_case(const struct case_result *r, size_t i, void *k)
{
	const char *why = r->reason, *sep = r->title[0] ? ": " : "";
	char miss[600];

	if (r->miss) {
		/* KTAP has no "did not run": an error that says so */
		snprintf(miss, sizeof(miss), "miss: %s", why);
		ktap_diag(k, "%s", miss);
		ktap_result(k, V_ERROR, r->name, miss);
		return 0;
	}
	if (r->verdict == V_XFAIL)
		ktap_diag(k, "xfail: %s", why);
	else if (verdict_is_failure(r->verdict) && r->verdict != V_ERROR)
		ktap_diag(k, "verdict %s: %s%s%s", case_verdict_name(r), r->title, sep, why);
	ktap_result(k, r->verdict, r->name, why);
	return 0;
}

static int write_ktap(const char *path, struct json_object *list)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "w") : stdout;
	struct json_object *cases;
	unsigned int n = 0;
	struct ktap k;
	size_t i;

	if (!f)
		return -errno;
	for (i = 0; i < json_object_array_length(list); i++)
		n += json_object_array_length(json_arr(json_object_array_get_idx(list, i), "cases"));
	ktap_init(&k, f);
	ktap_header(&k);
	ktap_plan(&k, n);
	for (i = 0; i < json_object_array_length(list); i++) {
		cases = json_arr(json_object_array_get_idx(list, i), "cases");
		case_each(cases, ktap_case, &k);
	}
	ktap_totals(&k);
	if (f != stdout && fclose(f))
		return -errno;
	return 0;
}

static int write_html(const char *dir, struct json_object *out, struct json_object *list)
{
	const char *kernel = json_str(out, "kernel_release");	/* a vm report's */
	struct run_head h;
	char title[256];

	run_head_read(out, &h);
	if (h.kernel[0])
		kernel = h.kernel;
	snprintf(title, sizeof(title), "daxstress merge: %s, %s", kernel, base(h.suite));
	if (mkdir(dir, 0755) && errno != EEXIST)
		return -errno;
	return html_write_run(dir, list, title, "merged from the shards' reports");
}

/* Every format asked for; the first failure is the result, all are tried. */
static int write_all(const struct merge_opts *o, struct json_object *out, const char *json)
{
	struct json_object *list = run_list(out);
	int ret = 0, err;

	if (kcidb_report(out, o->kcidb, "merge"))
		ret = -EIO;
	err = json_write_file(out, json);
	if (err)
		fprintf(stderr, "daxstress merge: cannot write %s: %s\n", json, strerror(-err));
	ret = ret ? ret : err;
	err = o->junit ? junit_write(o->junit, list) : 0;
	if (err)
		fprintf(stderr, "daxstress merge: cannot write %s: %s\n", o->junit, strerror(-err));
	ret = ret ? ret : err;
	err = o->html ? write_html(o->html, out, list) : 0;
	if (err)
		fprintf(stderr, "daxstress merge: cannot write %s/index.html: %s\n", o->html, strerror(-err));
	ret = ret ? ret : err;
	err = o->ktap ? write_ktap(o->ktap, list) : 0;
	if (err)
		fprintf(stderr, "daxstress merge: cannot write %s: %s\n", o->ktap, strerror(-err));
	json_object_put(list);
	return ret ? ret : err;
}

static void print_usage(FILE *f)
{
	fprintf(f,
		"usage: daxstress merge [--junit FILE] [--html DIR] [--kcidb FILE] [--ktap FILE|-]\n"
		"                       OUT.json IN.json...\n"
		"  joins the JSON reports of --shard K/N runs (all run or all vm reports); a case\n"
		"  of the suite that no report has is listed with the verdict \"miss\"\n"
		"  --junit FILE   also write JUnit XML\n"
		"  --html DIR     also write DIR/index.html with every case's timeline\n"
		"  --kcidb FILE   also write KCIDB v5 JSON (docs/report-schema.md)\n"
		"  --ktap FILE|-  also write the merged KTAP stream (\"-\": stdout)\n");
}

static int parse_args(struct merge_opts *o, int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "junit", required_argument, NULL, 'J' },
		{ "html", required_argument, NULL, 'H' },
		{ "kcidb", required_argument, NULL, 'K' },
		{ "ktap", required_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+h", lopts, NULL)) != -1) {
		switch (c) {
		case 'J':
			o->junit = optarg;
			break;
		case 'H':
			o->html = optarg;
			break;
		case 'K':
			o->kcidb = optarg;
			break;
		case 'T':
			o->ktap = optarg;
			break;
		case 'h':
			print_usage(stdout);
			return 1;
		default:
			fprintf(stderr, "daxstress merge: unknown or incomplete option '%s'\n",
				argv[optind - 1]);
			print_usage(stderr);
			return -1;
		}
	}
	if (argc - optind < 2) {
		print_usage(stderr);
		return -1;
	}
	return 0;
}

int cmd_merge(int argc, char **argv)
{
	struct merge_opts o = { 0 };
	struct merge m = { 0 };
	struct json_object *out = NULL;
	int i, ret;

	ret = parse_args(&o, argc, argv);
	if (ret)
		return ret > 0 ? 0 : EXIT_USAGE;
	argv += optind;
	argc -= optind;
	ret = EXIT_USAGE;
	if (!load(&m, argc - 1, argv + 1))
		out = is_vm(m.in[0]) ? merge_vms(&m) :
		      merge_runs(&m, m.in, m.name, m.n);
	if (!out) {
		fprintf(stderr, "daxstress merge: %s\n", m.err);
		goto out;
	}
	if (write_all(&o, out, argv[0]))
		goto out;
	ret = 0;
out:
	json_object_put(out);
	for (i = 0; i < m.n; i++)
		json_object_put(m.in[i]);
	return ret;
}
