// SPDX-License-Identifier: GPL-2.0
/*
 * KCIDB v5 JSON from a daxstress report: one checkout and one build per
 * kernel, one test per case (path daxstress.<fs>.<case>), and every known
 * issue that matched a case as an issue with an incident that ties it to
 * the test. The reports say which kernel ran, not which git commit built
 * it, so checkouts carry the release and upstream version, not a hash.
 */
#include <errno.h>
#include <json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../lib/core/jsonutil.h"
#include "../lib/core/util.h"
#include "../lib/report/result.h"
#include "../lib/report/runhead.h"
#include "../lib/report/title.h"
#include "../lib/verdict/verdict.h"
#include "kcidb.h"

/* The schema's maxLength of log_excerpt (kcidb-io v05_03.py). */
#define KCIDB_EXCERPT_MAX 16384
#define KCIDB_MAJOR 5
#define KCIDB_MINOR 3
/* Issues come from configs/known-issues, whose entries carry no revision. */
#define KCIDB_ISSUE_VERSION 1

struct kcidb {
	struct json_object *out, *checkouts, *builds, *tests, *issues, *incidents;
	struct json_object *seen;	/* ids already added, for the shared objects */
	struct json_object *top;	/* the whole report (vm or run) */
};

static void add_str(struct json_object *o, const char *key, const char *val)
{
	json_object_object_add(o, key, json_object_new_string(val));
}

const char *kcidb_status(const char *verdict)
{
	enum verdict v;

	if (!strcmp(verdict, "miss"))
		return "MISS";
	if (verdict_parse(verdict, &v))
		return "ERROR";
	switch (v) {
	case V_PASS: return "PASS";
	case V_SKIP: return "SKIP";
	case V_ERROR: return "ERROR";
	/* an expected failure is still a failure of the kernel: see the incident */
	default: return "FAIL";
	}
}

/* A path component: the schema allows [a-zA-Z0-9_-] only. */
static void path_part(const char *s, char *buf, size_t len)
{
	size_t i;

	for (i = 0; s[i] && i + 1 < len; i++)
		buf[i] = strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-", s[i]) ?
			 s[i] : '_';
	buf[i] = '\0';
	if (!i)
		strscpy_trunc(buf, "unknown", len);
}

/* Has this id been added already? Records it if not. */
static bool seen(struct kcidb *k, const char *id)
{
	if (json_object_object_get_ex(k->seen, id, NULL))
		return true;
	json_object_object_add(k->seen, id, NULL);
	return false;
}

/*
 * Debian's kernels: the flavour their release ends in ("6.1.0-41-amd64"),
 * "" for a "debian:" spec with an unusual release, NULL for other kernels.
 */
static const char *debian_flavour(const char *release, const char *spec)
{
	static const char *const flavours[] = { "amd64", "arm64", "686", "armmp", "ppc64el",
						 "s390x" };
	const char *dash = strrchr(release, '-');
	size_t i, n = strlen(release);

	if (n > 8 && !strcmp(release + n - 8, "-686-pae"))
		return "686-pae";
	for (i = 0; dash && i < ARRAY_SIZE(flavours); i++)
		if (!strcmp(dash + 1, flavours[i]))
			return flavours[i];
	return !strncmp(spec, "debian:", 7) ? "" : NULL;
}

static void add_checkout(struct kcidb *k, const char *release, const char *version,
			 const char *spec, char *id, size_t len)
{
	struct json_object *o, *misc;
	const char *flavour = debian_flavour(release, spec);
	char comment[256];

	snprintf(id, len, "%s:checkout:%s", KCIDB_ORIGIN, release);
	if (seen(k, id))
		return;
	o = json_object_new_object();
	misc = json_object_new_object();
	add_str(o, "id", id);
	add_str(o, "origin", KCIDB_ORIGIN);
	if (flavour)
		add_str(o, "tree_name", "debian");
	snprintf(comment, sizeof(comment), "Linux %s%s%s%s", release, version[0] ? " (upstream " : "",
		 version, version[0] ? ")" : "");
	add_str(o, "comment", comment);
	json_object_object_add(o, "valid", json_object_new_boolean(true));
	add_str(misc, "kernel_release", release);
	if (version[0])
		add_str(misc, "kernel_version", version);
	if (spec[0])
		add_str(misc, "kernel_spec", spec);
	json_object_object_add(o, "misc", misc);
	json_object_array_add(k->checkouts, o);
}

static void add_build(struct kcidb *k, const char *release, const char *spec,
		      const char *checkout, char *id, size_t len)
{
	const char *flavour = debian_flavour(release, spec), *kdir = json_str(k->top, "kernel_dir");
	struct json_object *o, *misc;
	char path[4200];

	snprintf(id, len, "%s:build:%s", KCIDB_ORIGIN, release);
	if (seen(k, id))
		return;
	o = json_object_new_object();
	misc = json_object_new_object();
	add_str(o, "id", id);
	add_str(o, "checkout_id", checkout);
	add_str(o, "origin", KCIDB_ORIGIN);
	add_str(o, "comment", "the kernel the cases ran on (daxstress does not build it)");
	if (flavour && flavour[0])
		add_str(o, "config_name", flavour);
	add_str(o, "status", "PASS");
	if (kdir[0]) {
		snprintf(path, sizeof(path), "%s/config", kdir);
		add_str(misc, "config_file", path);
	}
	if (spec[0])
		add_str(misc, "kernel_spec", spec);
	if (json_object_object_length(misc))
		json_object_object_add(o, "misc", misc);
	else
		json_object_put(misc);
	json_object_array_add(k->builds, o);
}

/* ---- one test --------------------------------------------------------- */

static const char *reproduced(const struct case_result *r)
{
	if (r->known.reproduced)
		return "reproduced";
	return "did not reproduce";
}

/* The reason, the proof notes, the kernel log and the stack, cut to the schema's limit. */
static struct json_object *log_excerpt(const struct case_result *r)
{
	const struct monitor_result *m = r->mon;
	struct json_object *s;
	char *buf = NULL;
	size_t len = 0;
	unsigned int i;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return json_object_new_string("");
	fprintf(f, "%s: %s\n", case_measured_name(r), r->reason);
	if (case_has(r, CK_KNOWN_ISSUE))
		fprintf(f, "known issue %s (%s): %s\n", r->known.name,
			reproduced(r), r->known.reason);
	for (i = 0; i < STEP__COUNT; i++)
		if (m->step[i].done)
			fprintf(f, "proof %s: %s\n", proof_step_name((enum proof_step_id)i),
				m->step[i].note);
	for (i = 0; i < m->kmsg.hits; i++)
		fprintf(f, "kernel: %s\n", m->kmsg.line[i]);
	if (m->at_detect.stack[0])
		fprintf(f, "stack of %s at detection:\n%s", m->thread, m->at_detect.stack);
	fclose(f);
	/* maxLength counts characters, each one byte or more: cut at a UTF-8 start */
	if (len > KCIDB_EXCERPT_MAX) {
		len = KCIDB_EXCERPT_MAX;
		while (len && ((unsigned char)buf[len] & 0xc0) == 0x80)
			len--;
	}
	s = json_object_new_string_len(buf, (int)len);
	free(buf);
	return s;
}

/* "2026-12-01T10:00:00Z" (the reports' "finished"): seconds since the epoch, or -1. */
static double parse_utc(const char *s)
{
	struct tm tm = { 0 };
	const char *end = strptime(s, "%Y-%m-%dT%H:%M:%S", &tm);

	return end && (*end == 'Z' || !*end) ? (double)timegm(&tm) : -1;
}

/* What dating a case needs of every case of its report. */
struct case_time {
	char finished[40];	/* the end of the run that ran it */
	bool miss;
	double duration_s;
};

struct run_times {
	const char *finished;	/* the report's */
	struct case_time *t;
};

static int note_time(const struct case_result *r, size_t i, void *arg)
{
	struct run_times *rt = arg;

	strscpy_trunc(rt->t[i].finished, r->run_finished[0] ? r->run_finished : rt->finished,
		      sizeof(rt->t[i].finished));
	rt->t[i].miss = r->miss;
	rt->t[i].duration_s = r->duration_s;
	return 0;
}

/*
 * Cases carry no start time: a run's cases run one after the other and the
 * report says when the run finished, so a case started that moment minus
 * its own and every later case's duration (set-up between cases ignored).
 * Merged reports keep each case's own run's end in "run_finished".
 */
static double case_start(const struct case_time *t, size_t n, size_t idx)
{
	double s = parse_utc(t[idx].finished);
	size_t j;

	if (s < 0 || t[idx].miss)
		return -1;
	for (j = idx; j < n; j++)
		if (!t[j].miss && !strcmp(t[j].finished, t[idx].finished))
			s -= t[j].duration_s;
	return s;
}

static void add_time(struct json_object *o, const char *key, double t)
{
	char buf[48], frac[8];
	time_t sec = (time_t)t;
	struct tm tm;

	gmtime_r(&sec, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
	snprintf(frac, sizeof(frac), ".%03d", (int)((t - (double)sec) * 1000) % 1000);
	strcat(buf, frac);
	strcat(buf, "Z");
	add_str(o, key, buf);
}

static struct json_object *environment(struct kcidb *k, const struct run_head *h, const char *fs)
{
	struct json_object *e = json_object_new_object(), *misc = json_object_new_object();
	char comment[512];

	snprintf(comment, sizeof(comment), "%s on %s (%s)%s%s", fs, h->dir,
		 h->mount_dax, json_str(k->top, "accel")[0] ? ", QEMU " : "",
		 json_str(k->top, "accel"));
	add_str(e, "comment", comment);
	add_str(misc, "fs", h->fs);
	add_str(misc, "mount_dax", h->mount_dax);
	add_str(misc, "dir", h->dir);
	if (json_str(k->top, "pmem")[0])
		add_str(misc, "pmem", json_str(k->top, "pmem"));
	json_object_object_add(e, "misc", misc);
	return e;
}

static struct json_object *test_misc(const struct case_result *r, const char *title)
{
	struct json_object *m = json_object_new_object();
	const char *v = case_verdict_name(r);

	add_str(m, "verdict", case_measured_name(r));
	add_str(m, "reported_verdict", v);
	if (!strcmp(v, "xfail"))
		json_object_object_add(m, "expected_failure", json_object_new_boolean(true));
	if (title[0])
		add_str(m, "title", title);
	if (case_has(r, CK_KNOWN_ISSUE))
		add_str(m, "known_issue", r->known.name);
	if (r->mon->location[0])
		add_str(m, "location", r->mon->location);
	if (case_detect_s(r) >= 0)
		json_object_object_add(m, "detect_s", json_object_new_double(case_detect_s(r)));
	if (case_has(r, CK_SEED))
		json_object_object_add(m, "seed", json_object_new_int64((int64_t)r->seed));
	if (r->bundle[0])
		add_str(m, "bundle", r->bundle);
	if (r->shard[0])
		add_str(m, "shard", r->shard);
	if (r->suite_case[0])
		add_str(m, "suite_case", r->suite_case);
	return m;
}

/* The issue of a matched known issue (once) and the incident of this test. */
static void add_known(struct kcidb *k, const struct case_result *r, const char *test_id,
		      const char *build_id, const char *title)
{
	const char *link = r->known.link;
	struct json_object *o, *cul, *misc;
	char id[256], inc[1200];

	if (!case_has(r, CK_KNOWN_ISSUE) || !r->known.name[0])
		return;
	snprintf(id, sizeof(id), "%s:issue:%s", KCIDB_ORIGIN, r->known.name);
	if (!seen(k, id)) {
		o = json_object_new_object();
		cul = json_object_new_object();
		misc = json_object_new_object();
		add_str(o, "id", id);
		json_object_object_add(o, "version", json_object_new_int(KCIDB_ISSUE_VERSION));
		add_str(o, "origin", KCIDB_ORIGIN);
		if (!strncmp(link, "https://", 8) || !strncmp(link, "http://", 7))
			add_str(o, "report_url", link);
		add_str(o, "comment", r->known.reason);
		json_object_object_add(cul, "code", json_object_new_boolean(true));
		json_object_object_add(cul, "tool", json_object_new_boolean(false));
		json_object_object_add(cul, "harness", json_object_new_boolean(false));
		json_object_object_add(o, "culprit", cul);
		add_str(misc, "known_issue", r->known.name);
		if (link[0])
			add_str(misc, "link", link);
		json_object_object_add(o, "misc", misc);
		json_object_array_add(k->issues, o);
	}
	o = json_object_new_object();
	snprintf(inc, sizeof(inc), "%s:incident:%s", KCIDB_ORIGIN, test_id + strlen(KCIDB_ORIGIN) + 1);
	add_str(o, "id", inc);
	add_str(o, "origin", KCIDB_ORIGIN);
	add_str(o, "issue_id", id);
	json_object_object_add(o, "issue_version", json_object_new_int(KCIDB_ISSUE_VERSION));
	add_str(o, "build_id", build_id);
	add_str(o, "test_id", test_id);
	/* a matched issue that passed did not reproduce: an absent incident */
	json_object_object_add(o, "present", json_object_new_boolean(r->known.reproduced));
	add_str(o, "comment", title[0] ? title : "known issue did not reproduce");
	json_object_array_add(k->incidents, o);
}

/* One run report (one filesystem) as add_test sees it. */
struct run_ctx {
	struct kcidb *k;
	const struct run_head *h;
	const char *fs, *build_id;
	struct case_time *t;
	size_t n;
};

static int add_test(const struct case_result *r, size_t idx, void *arg)
{
	const struct run_ctx *x = arg;
	struct json_object *o, *num;
	const char *status = kcidb_status(case_verdict_name(r));
	const char *name = r->suite_case;
	char title[256], id[1024], path[256], fsp[64], casep[128];
	double start = case_start(x->t, x->n, idx);

	if (!name[0])	/* older reports: "<fs>.<case>" only */
		name = strchr(r->name, '.') ? strchr(r->name, '.') + 1 : r->name;
	finding_title(r, title, sizeof(title));
	path_part(x->fs, fsp, sizeof(fsp));
	path_part(name, casep, sizeof(casep));
	snprintf(path, sizeof(path), "daxstress.%s.%s", fsp, casep);
	snprintf(id, sizeof(id), "%s:test:%s:%s:%s", KCIDB_ORIGIN,
		 x->build_id + strlen(KCIDB_ORIGIN) + 7, x->t[idx].finished, path + 10);
	o = json_object_new_object();
	add_str(o, "id", id);
	add_str(o, "build_id", x->build_id);
	add_str(o, "origin", KCIDB_ORIGIN);
	add_str(o, "path", path);
	add_str(o, "status", status);
	if (title[0])
		add_str(o, "comment", title);
	if (start >= 0)
		add_time(o, "start_time", start);
	json_object_object_add(o, "duration", json_object_new_double(r->duration_s));
	json_object_object_add(o, "log_excerpt", log_excerpt(r));
	/* the schema: a number counts only for a test that ran to a status */
	if (case_has(r, CK_VERDICT_S) && r->mon->verdict_s >= 0 && strcmp(status, "SKIP") &&
	    strcmp(status, "MISS")) {
		num = json_object_new_object();
		json_object_object_add(num, "value", json_object_new_double(r->mon->verdict_s));
		add_str(num, "unit", "s");
		json_object_object_add(o, "number", num);
	}
	json_object_object_add(o, "environment", environment(x->k, x->h, x->fs));
	json_object_object_add(o, "misc", test_misc(r, title));
	json_object_array_add(x->k->tests, o);
	add_known(x->k, r, id, x->build_id, title);
	return 0;
}

/* One run report (one filesystem); fs is its label in the test paths. */
static void add_run(struct kcidb *k, struct json_object *rep, const char *fs)
{
	struct json_object *cases = json_arr(rep, "cases");
	char checkout[256], build[256];
	struct run_head h;
	struct run_ctx x = { k, &h, fs, build, NULL, 0 };
	struct run_times rt = { h.finished, NULL };
	const char *release = h.kernel;

	run_head_read(rep, &h);
	if (!release[0])
		release = json_str(k->top, "kernel_release");
	if (!release[0])
		release = "unknown";
	add_checkout(k, release, h.kernel_version, json_str(k->top, "kernel_spec"),
		     checkout, sizeof(checkout));
	add_build(k, release, json_str(k->top, "kernel_spec"), checkout, build, sizeof(build));
	if (cases)
		x.n = json_object_array_length(cases);
	x.t = calloc(x.n + 1, sizeof(*x.t));
	rt.t = x.t;
	if (!x.t)
		return;
	if (!case_each(cases, note_time, &rt))
		case_each(cases, add_test, &x);
	free(x.t);
}

static int put_kcidb(FILE *f, void *arg)
{
	fputs(json_object_to_json_string_ext(arg, JSON_C_TO_STRING_PRETTY |
					     JSON_C_TO_STRING_NOSLASHESCAPE), f);
	fputc('\n', f);
	return ferror(f) ? -EIO : 0;
}

static void kcidb_init(struct kcidb *k, struct json_object *rep)
{
	struct json_object *ver = json_object_new_object();

	k->top = rep;
	k->out = json_object_new_object();
	k->seen = json_object_new_object();
	json_object_object_add(ver, "major", json_object_new_int(KCIDB_MAJOR));
	json_object_object_add(ver, "minor", json_object_new_int(KCIDB_MINOR));
	json_object_object_add(k->out, "version", ver);
	k->checkouts = json_object_new_array();
	k->builds = json_object_new_array();
	k->tests = json_object_new_array();
	k->issues = json_object_new_array();
	k->incidents = json_object_new_array();
	json_object_object_add(k->out, "checkouts", k->checkouts);
	json_object_object_add(k->out, "builds", k->builds);
	json_object_object_add(k->out, "tests", k->tests);
	json_object_object_add(k->out, "issues", k->issues);
	json_object_object_add(k->out, "incidents", k->incidents);
}

int kcidb_write(const char *path, struct json_object *rep)
{
	struct json_object *fss, *res;
	struct kcidb k;
	int ret;

	kcidb_init(&k, rep);
	if (json_object_object_get_ex(rep, "filesystems", &fss)) {
		/* vm: the --fs name tells ext4 from ext4-inode */
		json_object_object_foreach(fss, fs, f) {
			if (json_object_object_get_ex(f, "result", &res) && json_arr(res, "cases"))
				add_run(&k, res, fs);
		}
	} else {
		struct run_head h;

		run_head_read(rep, &h);
		add_run(&k, rep, h.fs);
	}
	ret = write_file_atomic(path, put_kcidb, k.out);
	json_object_put(k.out);
	json_object_put(k.seen);
	return ret;
}

static int title_of(const struct case_result *r, size_t i, void *cases)
{
	char title[256];

	finding_title(r, title, sizeof(title));
	if (title[0])
		case_json_set_str(json_object_array_get_idx(cases, i), CK_TITLE, title);
	return 0;
}

static void titles_of(struct json_object *res)
{
	struct json_object *cases = json_arr(res, "cases");

	case_each(cases, title_of, cases);
}

void report_add_titles(struct json_object *rep)
{
	struct json_object *fss, *res;

	if (!json_object_object_get_ex(rep, "filesystems", &fss)) {
		titles_of(rep);
		return;
	}
	json_object_object_foreach(fss, fs, f) {
		(void)fs;
		if (json_object_object_get_ex(f, "result", &res))
			titles_of(res);
	}
}

int kcidb_report(struct json_object *rep, const char *path, const char *cmd)
{
	int ret;

	report_add_titles(rep);
	if (!path || !path[0])
		return 0;
	ret = kcidb_write(path, rep);
	if (ret)
		fprintf(stderr, "daxstress %s: cannot write %s: %s\n", cmd, path, strerror(-ret));
	return ret;
}
