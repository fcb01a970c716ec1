/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What daxstress makes of case results beside KTAP and JSON: the timeline
 * picture of a case (svg.c), the HTML summary of a run (html.c), the repro
 * bundle of a failing case (bundle.c), the live status line (progress.c)
 * and the suite split for CI (shard.c).
 */
#ifndef DS_RUNNER_REPORT_H
#define DS_RUNNER_REPORT_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "../lib/monitor/timeline.h"
#include "../lib/verdict/verdict.h"

struct case_result;
struct json_object;
struct suite;
struct suite_case;

/* svg.c: the timeline of one case as an SVG file. 0 or -errno (-ENODATA: no timeline). */
int svg_timeline_write(const char *path, const struct case_result *r);

/*
 * html.c: dir/index.html for a list of run reports (each with "cases"),
 * with the timeline of every case that has one in dir/timelines/. A case's
 * "bundle" field (a path relative to dir, or absolute) becomes a link.
 * title heads the page; extra (may be NULL) is one more line under it.
 */
int html_write_run(const char *dir, struct json_object *reports, const char *title,
		   const char *extra);

/* bundle.c: what a bundle needs to know about the run that made it. */
struct bundle_run {
	const char *root;	/* bundles go to root/<case name>/ */
	const char *dir;	/* the DAX directory */
	const char *target;	/* --target, or "" */
	bool allow_nodax;
	const char *kernel_spec;	/* what `daxstress vm --kernel` booted, or "" */
	const char *suite;	/* the suite file */
	int argc;		/* the daxstress command line */
	char **argv;
};

/* bundle.json: what daxstress repro reads of a bundle (docs/report-schema.md). */
struct bundle_meta {
	char name[160];
	char suite_case[128];
	char verdict[32];		/* as measured */
	char reported_verdict[32];
	char fs[32];
	uint64_t seed;
	char kernel_release[65];
	char kernel_spec[256];		/* daxstress vm --kernel, "" outside the VM */
	char dir[PATH_MAX];
	char target[PATH_MAX];
	bool allow_nodax;
	double detect_s, verdict_s;	/* -1: none (null) */
	char suite[PATH_MAX];
};

/* Read BUNDLE/bundle.json into m; 0, or -EINVAL with a sentence in err. */
int bundle_meta_read(const char *path, struct bundle_meta *m, char *err, size_t len);

/* Is this measured verdict one a bundle is written for? */
bool bundle_wanted(enum verdict measured);
/*
 * Write the bundle of one case: res is its JSON result (raw_verdict set when
 * a known issue turned it into xfail), c its suite entry, wl_argv the
 * workload's command line. Adds "bundle" (the path) to res. 0 or -errno.
 */
int bundle_write(const struct bundle_run *run, const struct suite_case *c,
		 struct json_object *res, char *const *wl_argv, char *path, size_t len);

/* progress.c: the status line of the running case. */
struct progress {
	bool quiet;
	bool tty;
	char name[160];
	double duration_s, stall_limit_s;
	struct tl_sample last, prev;
	bool have_last, shown;
	double printed_t;
	char acc[512];
	size_t len;
};

void progress_init(struct progress *p, bool quiet);
void progress_begin(struct progress *p, const char *name, double duration_s,
		    double stall_limit_s);
/* Bytes from the workload's progress pipe. */
void progress_feed(struct progress *p, const char *buf, size_t n);
/* Take the status line off the terminal before other output. */
void progress_clear(struct progress *p);
void progress_end(struct progress *p);

/* shard.c: "K/N" -> k (1-based), n; 0 or -EINVAL with a sentence in err. */
int shard_parse(const char *s, unsigned int *k, unsigned int *n, char *err, size_t len);
/* Does case index i (0-based, suite order) belong to shard k of n? */
bool shard_has(unsigned int i, unsigned int k, unsigned int n);

/* User overrides (README, Environment): the shard when --shard is not given. */
#define SHARD_ENV "DAXSTRESS_SHARD"		/* K/N */
#define SHARD_INDEX_ENV "JOB_COMPLETION_INDEX"	/* Kubernetes Indexed Job: K - 1 */
#define SHARD_COUNT_ENV "DAXSTRESS_SHARDS"	/* N with JOB_COMPLETION_INDEX */
/*
 * K/N from DAXSTRESS_SHARD, else from JOB_COMPLETION_INDEX and
 * DAXSTRESS_SHARDS. 0 (n = 0 when none is set) or -EINVAL with a sentence.
 */
int shard_from_env(unsigned int *k, unsigned int *n, char *err, size_t len);

#endif
