/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The result of one case as the workload measured it, and its JSON form
 * (documented in docs/report-schema.md). The runner reads it back and adds
 * the suite-level fields (known issues, xfail).
 */
#ifndef DS_RESULT_H
#define DS_RESULT_H

#include <stdbool.h>
#include <stdint.h>

#include "../monitor/monitor.h"
#include "../verdict/judge.h"
#include "../verdict/verdict.h"

struct json_object;

struct case_counters {
	uint64_t owner_ops, pin_ops, break_ops;
	uint64_t sigbus, pin_efault, signals;
	uint64_t breaks_slept;		/* breaks that slept (the heartbeat's count of waits) */
	uint64_t lockstep_overlaps;	/* lockstep breaks begun while pins were held */
	double pin_busy_s, break_busy_s;	/* time the role's threads spent in operations */
	uint32_t pin_threads, break_threads;	/* threads of each role */
};

/*
 * Every key of a case object (docs/report-schema.md). The writers (the
 * workload's case_result_json, the runner's additions) and the one reader,
 * case_result_read, name a key only by this id and find its name and type in
 * one table (case_fields in result.c): a misspelled id does not compile, and
 * tests/unit/test_result.c checks the names against the schema.
 */
enum case_key {
	CK_NAME, CK_SUITE_CASE, CK_SUITE_INDEX, CK_WORKLOAD, CK_FS, CK_PIN, CK_BREAK,
	CK_DIR, CK_DAX, CK_REFAULT, CK_SHARER, CK_VERDICT, CK_RAW_VERDICT, CK_REASON, CK_SEED,
	CK_DURATION_S, CK_BUDGET, CK_BUDGET_REACHED_S, CK_BUDGET_COUNTS, CK_KERNEL, CK_MAPPING, CK_COUNTERS,
	/* the monitor's evidence */
	CK_DETECT_S, CK_STALLED_S, CK_STALLED_THREAD, CK_STALLED_ROLE, CK_LOCATION,
	CK_IN_DAX_PATH, CK_STATE, CK_STACK, CK_VERDICT_S, CK_EARLY, CK_MONITOR_BLIND_S,
	CK_WAIT_WATCH, CK_PROOF, CK_THREADS,
	CK_SYSRQ_W, CK_TIMELINE, CK_KERNEL_LOG, CK_KERNEL_LOG_ERROR,
	CK_NOTE, CK_CLEANUP, CK_NEEDS_REBOOT, CK_FINDINGS,
	/* added by the runner (runner/cmd_run.c, bundle.c, cmd_merge.c, kcidb.c) */
	CK_KNOWN_ISSUE, CK_KERNEL_TRACE, CK_BUNDLE, CK_TITLE, CK_SHARD, CK_RUN_FINISHED,
	CK__COUNT
};

/* The name of a key in the JSON. */
const char *case_key_name(enum case_key k);

/* A known issue that matched the case (lib/verdict/known.h). */
struct case_known {
	char name[64];
	char reason[256];
	char link[256];
	bool reproduced;
};

struct case_result {
	char name[128];
	char workload[32];
	char fs[32];
	char pin[32];
	char brk[32];
	char dir[256];
	bool dax;
	bool via_pmem2;
	bool map_sync;
	bool refault;		/* something may refault the pages during a break */
	bool sharer;		/* another inode maps the pages (sharer = yes) */
	uint64_t align;
	uint64_t seed;
	double duration_s;
	uint64_t budget;	/* the case's wait budget, 0: none */
	double budget_s;	/* when it was reached, negative: not reached */
	char budget_counts[16];	/* what it counts: kernel (busy scans) or breaks-slept */
	enum verdict verdict;
	char reason[512];
	char note[256];		/* a finding beside the verdict */
	char cleanup[512];	/* what could not be cleaned up, and why */
	bool needs_reboot;
	struct case_counters counters;
	long pmd_kb;		/* most FilePmdMapped seen; -1 unknown */
	const struct judge *judge;	/* every finding; NULL: just verdict and reason */
	const struct monitor_result *mon;	/* NULL when the case never ran */
	/* mapping mode and the PMD proof (lib/trace/pmdtrace.h) */
	char map[16];
	uint32_t owners;
	bool dax_flag;
	bool pmd_expected;
	bool pmd_counted;	/* the tracepoint counts below are valid */
	long pmd_faults, pmd_fallbacks, pmd_sigbus, pmd_noop, pmd_other, vmstat_fallback;
	char pmd_why[192];
	char pmd_layout[128];	/* how the file was laid out for 2 MiB faults */
	char kernel[65];	/* uname -r; the writer fills it in when empty */
	/* what the runner adds; the workload leaves them empty */
	char suite_case[128];
	int suite_index;
	bool miss;		/* "miss": a merged case no shard ran (verdict V_ERROR) */
	enum verdict raw_verdict;	/* measured, when a known issue made it xfail */
	struct case_known known;
	char bundle[4096];
	char title[256];
	char shard[32];
	char run_finished[40];
	/* the reader's: bit (1 << key) for each key the object had */
	uint64_t present;
};

/* What case_result_read fills: r.mon and r.judge point at mon and judge. */
struct case_read {
	struct case_result r;
	struct monitor_result mon;
	struct judge judge;
	char stage[JUDGE_MAX][16];
};

struct json_object *case_result_json(const struct case_result *r);

/*
 * Read a case object (a result file, or a case of a report) back into the
 * struct the writer wrote it from, plus what the runner added. Lenient like
 * the reports' readers were: a missing or mistyped field keeps its zero
 * (case_has says which were there); r.mon and r.judge are never NULL.
 * Returns a calloc'd struct to free with case_read_free, NULL without memory.
 */
struct case_read *case_result_read(struct json_object *o);
void case_read_free(struct case_read *rd);
/*
 * fn(case, index, arg) for each case of a report's "cases" array, read one
 * at a time into one buffer (a read case is large: the monitor's snapshots).
 * Stops at the first nonzero return, which it returns; -ENOMEM.
 */
int case_each(struct json_object *cases,
	      int (*fn)(const struct case_result *r, size_t i, void *arg), void *arg);
/* The object had this key (with a value of its type). */
bool case_has(const struct case_result *r, enum case_key k);
/* "miss", the verdict's name, or "" when the object had none. */
const char *case_verdict_name(const struct case_result *r);
/* The measured verdict: raw_verdict when a known issue made it xfail. */
enum verdict case_measured(const struct case_result *r);
const char *case_measured_name(const struct case_result *r);
/* -1 without a stall, like the report's null. */
double case_detect_s(const struct case_result *r);

/* The runner's additions to a case object, by key. */
void case_json_set_str(struct json_object *o, enum case_key k, const char *v);
void case_json_set_int(struct json_object *o, enum case_key k, int v);
void case_json_set_obj(struct json_object *o, enum case_key k, struct json_object *v);
void case_json_del(struct json_object *o, enum case_key k);
struct json_object *case_known_json(const struct case_known *k);
/*
 * A case that produced no result of its own (an error before it ran, a
 * skip, a merged "miss"): name, suite_case, suite_index (-1: none),
 * workload (NULL: none), fs, verdict, reason, and the empty evidence every
 * case has.
 */
struct json_object *case_stub_json(const char *name, const char *suite_case, int suite_index,
				   const char *workload, const char *fs,
				   const char *verdict, const char *reason);
/* Write JSON to path atomically (tmp + rename). 0 or -errno. */
int json_write_file(struct json_object *obj, const char *path);

#endif
