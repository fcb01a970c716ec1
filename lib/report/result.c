// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <json.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "../monitor/heartbeat.h"
#include "../verdict/judge.h"
#include "field.h"
#include "result.h"

/* Where a top-level field lives: struct case_result, or struct monitor_result. */
enum { FB_CASE, FB_MON };

#define FLD(k, t, s, m)	FIELD(k, t, FB_CASE, s, m)
#define CASE(k, t, m)	FLD(k, t, struct case_result, m)
#define MON(k, t, m)	FIELD(k, t, FB_MON, struct monitor_result, m)
#define SPECIAL(k)	{ k, FT_SPECIAL, FB_CASE, 0, 0 }

static const struct field case_fields[CK__COUNT] = {
	[CK_NAME] = CASE("name", FT_STR, name),
	[CK_SUITE_CASE] = CASE("suite_case", FT_STR, suite_case),
	[CK_SUITE_INDEX] = CASE("suite_index", FT_INT, suite_index),
	[CK_WORKLOAD] = CASE("workload", FT_STR, workload),
	[CK_FS] = CASE("fs", FT_STR, fs),
	[CK_PIN] = CASE("pin", FT_STR, pin),
	[CK_BREAK] = CASE("break", FT_STR, brk),
	[CK_DIR] = CASE("dir", FT_STR, dir),
	[CK_DAX] = CASE("dax", FT_BOOL, dax),
	[CK_REFAULT] = CASE("refault", FT_BOOL, refault),
	[CK_SHARER] = CASE("sharer", FT_BOOL, sharer),
	[CK_VERDICT] = SPECIAL("verdict"),
	[CK_RAW_VERDICT] = CASE("raw_verdict", FT_VERDICT, raw_verdict),
	[CK_REASON] = CASE("reason", FT_STR, reason),
	[CK_SEED] = CASE("seed", FT_U64, seed),
	[CK_DURATION_S] = CASE("duration_s", FT_DOUBLE, duration_s),
	[CK_BUDGET] = CASE("budget", FT_U64, budget),
	[CK_BUDGET_REACHED_S] = CASE("budget_reached_s", FT_OPTSECS, budget_s),
	[CK_BUDGET_COUNTS] = CASE("budget_counts", FT_STR, budget_counts),
	[CK_KERNEL] = CASE("kernel", FT_STR, kernel),
	[CK_MAPPING] = SPECIAL("mapping"),
	[CK_COUNTERS] = SPECIAL("counters"),
	[CK_DETECT_S] = MON("detect_s", FT_DOUBLE, detect_s),
	[CK_STALLED_S] = MON("stalled_s", FT_DOUBLE, stalled_s),
	[CK_STALLED_THREAD] = MON("stalled_thread", FT_STR, thread),
	[CK_STALLED_ROLE] = MON("stalled_role", FT_STR, role),
	[CK_LOCATION] = MON("location", FT_STR, location),
	[CK_IN_DAX_PATH] = MON("in_dax_path", FT_BOOL, in_dax_path),
	[CK_STATE] = MON("state", FT_CHAR, at_detect.state),
	[CK_STACK] = MON("stack", FT_STR, at_detect.stack),
	[CK_VERDICT_S] = MON("verdict_s", FT_DOUBLE, verdict_s),
	[CK_EARLY] = MON("early", FT_BOOL, early),
	[CK_MONITOR_BLIND_S] = MON("monitor_blind_s", FT_DOUBLE, blind_s),
	[CK_WAIT_WATCH] = SPECIAL("wait_watch"),
	[CK_PROOF] = SPECIAL("proof"),
	[CK_THREADS] = SPECIAL("threads"),
	[CK_SYSRQ_W] = MON("sysrq_w", FT_BOOL, sysrq_w),
	[CK_TIMELINE] = SPECIAL("timeline"),
	[CK_KERNEL_LOG] = SPECIAL("kernel_log"),
	[CK_KERNEL_LOG_ERROR] = MON("kernel_log_error", FT_OPTSTR, kmsg.err),
	[CK_NOTE] = CASE("note", FT_OPTSTR, note),
	[CK_CLEANUP] = CASE("cleanup", FT_OPTSTR, cleanup),
	[CK_NEEDS_REBOOT] = CASE("needs_reboot", FT_BOOL, needs_reboot),
	[CK_FINDINGS] = SPECIAL("findings"),
	[CK_KNOWN_ISSUE] = SPECIAL("known_issue"),
	[CK_KERNEL_TRACE] = SPECIAL("kernel_trace"),
	[CK_BUNDLE] = CASE("bundle", FT_STR, bundle),
	[CK_TITLE] = CASE("title", FT_STR, title),
	[CK_SHARD] = CASE("shard", FT_STR, shard),
	[CK_RUN_FINISHED] = CASE("run_finished", FT_STR, run_finished),
};

/* The objects inside a case, each its own table. */
static const struct field counter_fields[] = {
	FLD("owner_ops", FT_U64, struct case_counters, owner_ops),
	FLD("pin_ops", FT_U64, struct case_counters, pin_ops),
	FLD("break_ops", FT_U64, struct case_counters, break_ops),
	FLD("breaks_slept", FT_U64, struct case_counters, breaks_slept),
	FLD("owner_sigbus", FT_U64, struct case_counters, sigbus),
	FLD("pin_efault", FT_U64, struct case_counters, pin_efault),
	FLD("lockstep_overlaps", FT_U64, struct case_counters, lockstep_overlaps),
	FLD("proof_signals", FT_U64, struct case_counters, signals),
	FLD("pin_busy_s", FT_DOUBLE, struct case_counters, pin_busy_s),
	FLD("break_busy_s", FT_DOUBLE, struct case_counters, break_busy_s),
	FLD("pin_threads", FT_U32, struct case_counters, pin_threads),
	FLD("break_threads", FT_U32, struct case_counters, break_threads),
};

/* The wait watch's own counts (lib/monitor/waitwatch.h). */
static const struct field ww_fields[] = {
	FLD("waits", FT_U32, struct ww_stats, waits),
	FLD("woken", FT_U32, struct ww_stats, woken),
	FLD("early_proofs", FT_U32, struct ww_stats, early),
	FLD("legitimate", FT_U32, struct ww_stats, legit),
	FLD("margin_s", FT_DOUBLE, struct ww_stats, margin_s),
	FLD("tail_max_s", FT_DOUBLE, struct ww_stats, tail_max_s),
};

static const struct field mapping_head[] = {
	CASE("libpmem2", FT_BOOL, via_pmem2),
	CASE("map_sync", FT_BOOL, map_sync),
	CASE("align", FT_U64, align),
	CASE("pmd_mapped_kb", FT_LONG, pmd_kb),
};

#define MAP_MODE	"mode"	/* "shared" when the case left it empty */

static const struct field mapping_tail[] = {
	CASE("owners", FT_U32, owners),
	CASE("dax_flag", FT_BOOL, dax_flag),
};

#define MAP_PMD		"pmd"

static const struct field pmd_head[] = {
	CASE("expected", FT_BOOL, pmd_expected),
	CASE("layout", FT_OPTSTR, pmd_layout),
	CASE("counted", FT_BOOL, pmd_counted),
};

static const struct field pmd_counts[] = {
	CASE("faults", FT_LONG, pmd_faults),
	CASE("fallbacks", FT_LONG, pmd_fallbacks),
	CASE("sigbus", FT_LONG, pmd_sigbus),
	CASE("noop", FT_LONG, pmd_noop),
	CASE("other", FT_LONG, pmd_other),
};

static const struct field pmd_tail[] = {
	CASE("why", FT_STR, pmd_why),
	CASE("vmstat_thp_fault_fallback", FT_LONG, vmstat_fallback),
};

#define PMD_FELL_BACK	"fell_back_to_pte"

static const struct field snap_fields[] = {
	FLD("thread", FT_STR, struct task_snap, label),
	FLD("pid", FT_INT, struct task_snap, pid),
	FLD("tid", FT_INT, struct task_snap, tid),
	FLD("state", FT_CHAR, struct task_snap, state),
	FLD("wchan", FT_STR, struct task_snap, wchan),
	FLD("syscall", FT_STR, struct task_snap, syscall),
	FLD("stack", FT_STR, struct task_snap, stack),
};

#define STEP_NAME	"step"
#define STEP_THREADS	"threads"

static const struct field step_fields[] = {
	FLD("released", FT_BOOL, struct proof_step, released),
	FLD("t_s", FT_DOUBLE, struct proof_step, t_s),
	FLD("wait_s", FT_DOUBLE, struct proof_step, wait_s),
	FLD("state", FT_CHAR, struct proof_step, state),
	FLD("wchan", FT_STR, struct proof_step, wchan),
	FLD("note", FT_STR, struct proof_step, note),
};

#define FINDING_STAGE	"stage"

static const struct field finding_fields[] = {
	FLD("verdict", FT_VERDICT, struct finding, v),
	FLD("reason", FT_STR, struct finding, reason),
};

static const struct field known_fields[] = {
	FLD("name", FT_STR, struct case_known, name),
	FLD("reason", FT_STR, struct case_known, reason),
	FLD("link", FT_STR, struct case_known, link),
	FLD("reproduced", FT_BOOL, struct case_known, reproduced),
};

#define TL_INTERVAL	"interval_s"
#define TL_ROLES_KEY	"roles"
#define TL_SAMPLES	"samples"

const char *case_key_name(enum case_key k)
{
	if ((unsigned int)k >= CK__COUNT)
		return "?";
	return case_fields[k].key;
}

/* ---- writing ---- */

static void add_str(struct json_object *o, const char *k, const char *v)
{
	json_object_object_add(o, k, json_object_new_string(v));
}

/* Top-level keys in the order given; base: the case, mon: the monitor's result. */
static void put_keys(struct json_object *o, const enum case_key *k, size_t n,
		     const struct case_result *r, const struct monitor_result *m)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const struct field *f = &case_fields[k[i]];

		field_put(o, f, f->base == FB_MON ? (const void *)m : (const void *)r);
	}
}

#define PUT_KEYS(o, k, r, m)	put_keys(o, k, ARRAY_SIZE(k), r, m)

static struct json_object *snap_json(const struct task_snap *s)
{
	struct json_object *o = json_object_new_object();

	fields_put(o, snap_fields, ARRAY_SIZE(snap_fields), s);
	return o;
}

static struct json_object *snaps_json(const struct task_snap *snaps, unsigned int n)
{
	struct json_object *arr = json_object_new_array();
	unsigned int i;

	for (i = 0; i < n; i++)
		json_object_array_add(arr, snap_json(&snaps[i]));
	return arr;
}

static const char *const tl_roles[TL_ROLES] = { "owner", "pinner", "breaker" };

/* {"interval_s", "roles", "samples": [[t, owner, pinner, breaker, stall], ...]} */
static struct json_object *timeline_json(const struct timeline *tl)
{
	struct json_object *o = json_object_new_object();
	struct json_object *r = json_object_new_array(), *arr = json_object_new_array();
	unsigned int i;
	int j;

	json_object_object_add(o, TL_INTERVAL, field_seconds(ns_to_s(tl->interval_ns)));
	for (j = 0; j < TL_ROLES; j++)
		json_object_array_add(r, json_object_new_string(tl_roles[j]));
	json_object_object_add(o, TL_ROLES_KEY, r);
	for (i = 0; i < tl->n; i++) {
		struct json_object *row = json_object_new_array();

		json_object_array_add(row, field_seconds(tl->s[i].t));
		for (j = 0; j < TL_ROLES; j++)
			json_object_array_add(row, json_object_new_int64((int64_t)tl->s[i].ops[j]));
		json_object_array_add(row, field_seconds(tl->s[i].stall));
		json_object_array_add(arr, row);
	}
	json_object_object_add(o, TL_SAMPLES, arr);
	return o;
}

static struct json_object *proof_json(const struct monitor_result *m)
{
	struct json_object *arr = json_object_new_array();
	int i;

	for (i = 0; i < STEP__COUNT; i++) {
		const struct proof_step *st = &m->step[i];
		struct json_object *o;

		if (!st->done)
			continue;
		o = json_object_new_object();
		add_str(o, STEP_NAME, proof_step_name((enum proof_step_id)i));
		fields_put(o, step_fields, ARRAY_SIZE(step_fields), st);
		json_object_object_add(o, STEP_THREADS,
				       snaps_json(m->step_snaps[i], m->nstep_snaps[i]));
		json_object_array_add(arr, o);
	}
	return arr;
}

static void add_key(struct json_object *o, enum case_key k, struct json_object *v)
{
	json_object_object_add(o, case_fields[k].key, v);
}

/* What a case without a stall says in the stall's place. */
static void add_no_stall(struct json_object *o)
{
	add_key(o, CK_DETECT_S, NULL);
	add_key(o, CK_STACK, json_object_new_string(""));
}

static struct json_object *ww_json(const struct ww_stats *ww)
{
	struct json_object *o = json_object_new_object();

	fields_put(o, ww_fields, ARRAY_SIZE(ww_fields), ww);
	return o;
}

static void add_monitor(struct json_object *o, const struct case_result *r,
			const struct monitor_result *m)
{
	static const enum case_key stall[] = {
		CK_DETECT_S, CK_STALLED_S, CK_STALLED_THREAD, CK_STALLED_ROLE,
		CK_LOCATION, CK_IN_DAX_PATH, CK_STATE, CK_STACK,
	};
	static const enum case_key at_verdict[] = { CK_VERDICT_S, CK_EARLY, CK_MONITOR_BLIND_S };
	static const enum case_key sysrq[] = { CK_SYSRQ_W };
	static const enum case_key klog_err[] = { CK_KERNEL_LOG_ERROR };
	struct json_object *klog = json_object_new_array();
	unsigned int i;

	if (m->stalled)
		PUT_KEYS(o, stall, r, m);
	else
		add_no_stall(o);
	PUT_KEYS(o, at_verdict, r, m);
	add_key(o, CK_WAIT_WATCH, ww_json(&m->ww));
	add_key(o, CK_PROOF, proof_json(m));
	add_key(o, CK_THREADS, snaps_json(m->snaps, m->nsnaps));
	PUT_KEYS(o, sysrq, r, m);
	add_key(o, CK_TIMELINE, timeline_json(&m->tl));
	for (i = 0; i < m->kmsg.hits && i < KMSG_KEEP; i++)
		json_object_array_add(klog, json_object_new_string(m->kmsg.line[i]));
	add_key(o, CK_KERNEL_LOG, klog);
	PUT_KEYS(o, klog_err, r, m);
}

static struct json_object *mapping_json(const struct case_result *r)
{
	struct json_object *map = json_object_new_object(), *o = json_object_new_object();

	fields_put(map, mapping_head, ARRAY_SIZE(mapping_head), r);
	add_str(map, MAP_MODE, r->map[0] ? r->map : "shared");
	fields_put(map, mapping_tail, ARRAY_SIZE(mapping_tail), r);
	fields_put(o, pmd_head, ARRAY_SIZE(pmd_head), r);
	if (r->pmd_counted) {
		fields_put(o, pmd_counts, ARRAY_SIZE(pmd_counts), r);
		json_object_object_add(o, PMD_FELL_BACK, json_object_new_boolean(!r->pmd_faults));
	} else {
		field_put(o, &pmd_tail[0], r);
	}
	field_put(o, &pmd_tail[1], r);
	json_object_object_add(map, MAP_PMD, o);
	return map;
}

static struct json_object *counters_json(const struct case_counters *c)
{
	struct json_object *o = json_object_new_object();

	fields_put(o, counter_fields, ARRAY_SIZE(counter_fields), c);
	return o;
}

/* What each stage found, in the order found; the verdict is the most severe. */
static struct json_object *findings_json(const struct judge *j)
{
	struct json_object *a = json_object_new_array();
	unsigned int i;

	for (i = 0; i < j->n; i++) {
		struct json_object *f = json_object_new_object();

		add_str(f, FINDING_STAGE, j->f[i].stage);
		fields_put(f, finding_fields, ARRAY_SIZE(finding_fields), &j->f[i]);
		json_object_array_add(a, f);
	}
	return a;
}

struct json_object *case_result_json(const struct case_result *r)
{
	static const enum case_key head[] = {
		CK_NAME, CK_WORKLOAD, CK_FS, CK_PIN, CK_BREAK, CK_DIR, CK_DAX, CK_REFAULT,
		CK_SHARER,
	};
	static const enum case_key why[] = {
		CK_REASON, CK_SEED, CK_DURATION_S, CK_BUDGET, CK_BUDGET_REACHED_S, CK_BUDGET_COUNTS,
	};
	static const enum case_key tail[] = { CK_NOTE, CK_CLEANUP, CK_NEEDS_REBOOT };
	struct json_object *o = json_object_new_object();
	struct utsname u;

	PUT_KEYS(o, head, r, NULL);
	add_key(o, CK_VERDICT, json_object_new_string(verdict_name(r->verdict)));
	PUT_KEYS(o, why, r, NULL);
	if (r->kernel[0])
		add_key(o, CK_KERNEL, json_object_new_string(r->kernel));
	else if (!uname(&u))
		add_key(o, CK_KERNEL, json_object_new_string(u.release));
	add_key(o, CK_MAPPING, mapping_json(r));
	add_key(o, CK_COUNTERS, counters_json(&r->counters));
	if (r->mon)
		add_monitor(o, r, r->mon);
	else
		add_no_stall(o);
	PUT_KEYS(o, tail, r, NULL);
	if (r->judge)
		add_key(o, CK_FINDINGS, findings_json(r->judge));
	return o;
}

/* ---- the runner's additions ---- */

void case_json_set_str(struct json_object *o, enum case_key k, const char *v)
{
	add_key(o, k, json_object_new_string(v));
}

void case_json_set_int(struct json_object *o, enum case_key k, int v)
{
	add_key(o, k, json_object_new_int(v));
}

void case_json_set_obj(struct json_object *o, enum case_key k, struct json_object *v)
{
	add_key(o, k, v);
}

void case_json_del(struct json_object *o, enum case_key k)
{
	json_object_object_del(o, case_fields[k].key);
}

struct json_object *case_known_json(const struct case_known *k)
{
	struct json_object *o = json_object_new_object();

	fields_put(o, known_fields, ARRAY_SIZE(known_fields), k);
	return o;
}

struct json_object *case_stub_json(const char *name, const char *suite_case, int suite_index,
				   const char *workload, const char *fs,
				   const char *verdict, const char *reason)
{
	struct json_object *o = json_object_new_object();

	case_json_set_str(o, CK_NAME, name);
	case_json_set_str(o, CK_SUITE_CASE, suite_case);
	if (suite_index >= 0)
		case_json_set_int(o, CK_SUITE_INDEX, suite_index);
	if (workload)
		case_json_set_str(o, CK_WORKLOAD, workload);
	case_json_set_str(o, CK_FS, fs);
	case_json_set_str(o, CK_VERDICT, verdict);
	case_json_set_str(o, CK_REASON, reason);
	add_key(o, CK_DAX, json_object_new_boolean(false));
	add_no_stall(o);
	return o;
}

/* ---- reading ---- */

static unsigned int get_snaps(struct json_object *arr, struct task_snap *snaps)
{
	size_t i, n = arr ? json_object_array_length(arr) : 0;

	for (i = 0; i < n && i < HB_MAX_SLOTS; i++)
		fields_get(json_object_array_get_idx(arr, i), snap_fields, ARRAY_SIZE(snap_fields),
			   &snaps[i]);
	return (unsigned int)i;
}

static void get_proof(struct json_object *arr, struct monitor_result *m)
{
	size_t i, n = arr ? json_object_array_length(arr) : 0;
	struct json_object *st, *name;
	int s;

	for (i = 0; i < n; i++) {
		st = json_object_array_get_idx(arr, i);
		name = field_value(st, STEP_NAME, FT_STR);
		for (s = 0; name && s < STEP__COUNT; s++) {
			const char *want = proof_step_name((enum proof_step_id)s);

			if (strcmp(json_object_get_string(name), want))
				continue;
			m->step[s].done = true;
			fields_get(st, step_fields, ARRAY_SIZE(step_fields), &m->step[s]);
			m->nstep_snaps[s] = get_snaps(field_value(st, STEP_THREADS, FT_SPECIAL),
						      m->step_snaps[s]);
		}
	}
}

static double cell(struct json_object *row, size_t i)
{
	return json_object_get_double(json_object_array_get_idx(row, i));
}

static void get_timeline(struct json_object *o, struct timeline *tl)
{
	struct json_object *v = field_value(o, TL_INTERVAL, FT_DOUBLE);
	struct json_object *rows = field_value(o, TL_SAMPLES, FT_SPECIAL), *row;
	size_t i, n = rows && json_object_is_type(rows, json_type_array) ?
		      json_object_array_length(rows) : 0;
	int j;

	if (v)
		tl->interval_ns = (uint64_t)(json_object_get_double(v) * 1e9 + 0.5);
	for (i = 0; i < n && i < TL_MAX; i++) {
		row = json_object_array_get_idx(rows, i);
		tl->s[i].t = cell(row, 0);
		for (j = 0; j < TL_ROLES; j++) {
			v = json_object_array_get_idx(row, (size_t)j + 1);
			tl->s[i].ops[j] = (uint64_t)json_object_get_int64(v);
		}
		tl->s[i].stall = cell(row, TL_ROLES + 1);
	}
	tl->n = (unsigned int)i;
}

static void get_kernel_log(struct json_object *arr, struct kmsg_watch *k)
{
	size_t i, n = arr ? json_object_array_length(arr) : 0;
	const char *line;

	for (i = 0; i < n && i < KMSG_KEEP; i++) {
		line = json_object_get_string(json_object_array_get_idx(arr, i));
		strscpy_trunc(k->line[i], line ? line : "", sizeof(k->line[i]));
	}
	k->hits = (unsigned int)i;
}

static void get_findings(struct json_object *arr, struct case_read *rd)
{
	size_t i, n = arr ? json_object_array_length(arr) : 0;
	struct json_object *f, *stage;

	for (i = 0; i < n && i < JUDGE_MAX; i++) {
		f = json_object_array_get_idx(arr, i);
		stage = field_value(f, FINDING_STAGE, FT_STR);
		strscpy_trunc(rd->stage[i], stage ? json_object_get_string(stage) : "",
			      sizeof(rd->stage[i]));
		rd->judge.f[i].stage = rd->stage[i];
		fields_get(f, finding_fields, ARRAY_SIZE(finding_fields), &rd->judge.f[i]);
	}
	rd->judge.n = (unsigned int)i;
}

static void get_mapping(struct json_object *map, struct case_result *r)
{
	struct json_object *pmd = field_value(map, MAP_PMD, FT_SPECIAL);
	struct json_object *mode = field_value(map, MAP_MODE, FT_STR);

	fields_get(map, mapping_head, ARRAY_SIZE(mapping_head), r);
	if (mode)
		strscpy_trunc(r->map, json_object_get_string(mode), sizeof(r->map));
	fields_get(map, mapping_tail, ARRAY_SIZE(mapping_tail), r);
	fields_get(pmd, pmd_head, ARRAY_SIZE(pmd_head), r);
	fields_get(pmd, pmd_counts, ARRAY_SIZE(pmd_counts), r);
	fields_get(pmd, pmd_tail, ARRAY_SIZE(pmd_tail), r);
}

static void get_verdict(struct json_object *o, struct case_result *r)
{
	struct json_object *v = field_value(o, case_fields[CK_VERDICT].key, FT_STR);

	r->verdict = V_ERROR;
	if (!v)
		return;
	r->present |= 1ULL << CK_VERDICT;
	r->miss = !strcmp(json_object_get_string(v), "miss");
	verdict_parse(json_object_get_string(v), &r->verdict);
}

/* The objects and arrays of a case, each by its own reader. */
static void get_special(struct json_object *o, struct case_read *rd)
{
	struct case_result *r = &rd->r;
	int k;

	get_verdict(o, r);
	get_mapping(field_value(o, case_fields[CK_MAPPING].key, FT_SPECIAL), r);
	fields_get(field_value(o, case_fields[CK_COUNTERS].key, FT_SPECIAL), counter_fields,
		   ARRAY_SIZE(counter_fields), &r->counters);
	fields_get(field_value(o, case_fields[CK_WAIT_WATCH].key, FT_SPECIAL), ww_fields,
		   ARRAY_SIZE(ww_fields), &rd->mon.ww);
	get_proof(field_value(o, case_fields[CK_PROOF].key, FT_SPECIAL), &rd->mon);
	rd->mon.nsnaps = get_snaps(field_value(o, case_fields[CK_THREADS].key, FT_SPECIAL),
				   rd->mon.snaps);
	get_timeline(field_value(o, case_fields[CK_TIMELINE].key, FT_SPECIAL), &rd->mon.tl);
	get_kernel_log(field_value(o, case_fields[CK_KERNEL_LOG].key, FT_SPECIAL), &rd->mon.kmsg);
	get_findings(field_value(o, case_fields[CK_FINDINGS].key, FT_SPECIAL), rd);
	fields_get(field_value(o, case_fields[CK_KNOWN_ISSUE].key, FT_SPECIAL), known_fields,
		   ARRAY_SIZE(known_fields), &r->known);
	for (k = 0; k < CK__COUNT; k++)
		if (case_fields[k].type == FT_SPECIAL && k != CK_VERDICT &&
		    field_value(o, case_fields[k].key, FT_SPECIAL))
			r->present |= 1ULL << k;
}

static void read_into(struct json_object *o, struct case_read *rd)
{
	int k;

	memset(rd, 0, sizeof(*rd));
	rd->r.mon = &rd->mon;
	rd->r.judge = &rd->judge;
	rd->mon.primary = -1;
	for (k = 0; k < CK__COUNT; k++) {
		const struct field *f = &case_fields[k];

		if (field_get(o, f, f->base == FB_MON ? (void *)&rd->mon : (void *)&rd->r))
			rd->r.present |= 1ULL << k;
	}
	rd->mon.stalled = case_has(&rd->r, CK_DETECT_S);
	get_special(o, rd);
}

struct case_read *case_result_read(struct json_object *o)
{
	struct case_read *rd = malloc(sizeof(*rd));

	if (rd)
		read_into(o, rd);
	return rd;
}

int case_each(struct json_object *cases,
	      int (*fn)(const struct case_result *r, size_t i, void *arg), void *arg)
{
	struct case_read *rd = malloc(sizeof(*rd));
	size_t i, n = 0;
	int ret = 0;

	if (!rd)
		return -ENOMEM;
	if (json_object_is_type(cases, json_type_array))
		n = json_object_array_length(cases);
	for (i = 0; i < n && !ret; i++) {
		read_into(json_object_array_get_idx(cases, i), rd);
		ret = fn(&rd->r, i, arg);
	}
	free(rd);
	return ret;
}

void case_read_free(struct case_read *rd)
{
	free(rd);
}

bool case_has(const struct case_result *r, enum case_key k)
{
	return (unsigned int)k < CK__COUNT && (r->present >> k & 1);
}

const char *case_verdict_name(const struct case_result *r)
{
	if (r->miss)
		return "miss";
	if (!case_has(r, CK_VERDICT))
		return "";
	return verdict_name(r->verdict);
}

enum verdict case_measured(const struct case_result *r)
{
	if (case_has(r, CK_RAW_VERDICT))
		return r->raw_verdict;
	return r->verdict;
}

const char *case_measured_name(const struct case_result *r)
{
	if (case_has(r, CK_RAW_VERDICT))
		return verdict_name(r->raw_verdict);
	return case_verdict_name(r);
}

double case_detect_s(const struct case_result *r)
{
	return r->mon && r->mon->stalled ? r->mon->detect_s : -1;
}

static int put_json(FILE *f, void *obj)
{
	fputs(json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PRETTY |
					     JSON_C_TO_STRING_NOSLASHESCAPE), f);
	fputc('\n', f);
	return 0;
}

int json_write_file(struct json_object *obj, const char *path)
{
	return write_file_atomic(path, put_json, obj);
}
