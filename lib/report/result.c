// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <json.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "../monitor/heartbeat.h"
#include "../verdict/judge.h"
#include "result.h"

static void add_str(struct json_object *o, const char *k, const char *v)
{
	json_object_object_add(o, k, json_object_new_string(v));
}

static void add_u64(struct json_object *o, const char *k, uint64_t v)
{
	json_object_object_add(o, k, json_object_new_int64((int64_t)v));
}

static void add_double(struct json_object *o, const char *k, double v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%.3f", v);
	json_object_object_add(o, k, json_object_new_double_s(v, buf));
}

static struct json_object *counters_json(const struct case_counters *c)
{
	struct json_object *o = json_object_new_object();

	add_u64(o, "owner_ops", c->owner_ops);
	add_u64(o, "pin_ops", c->pin_ops);
	add_u64(o, "break_ops", c->break_ops);
	add_u64(o, "breaks_slept", c->breaks_slept);
	add_u64(o, "owner_sigbus", c->sigbus);
	add_u64(o, "pin_efault", c->pin_efault);
	add_u64(o, "lockstep_overlaps", c->lockstep_overlaps);
	add_u64(o, "proof_signals", c->signals);
	return o;
}

static struct json_object *snap_json(const struct task_snap *s)
{
	struct json_object *o = json_object_new_object();
	char st[2] = { s->state, 0 };

	add_str(o, "thread", s->label);
	json_object_object_add(o, "pid", json_object_new_int(s->pid));
	json_object_object_add(o, "tid", json_object_new_int(s->tid));
	add_str(o, "state", st);
	add_str(o, "wchan", s->wchan);
	add_str(o, "syscall", s->syscall);
	add_str(o, "stack", s->stack);
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

/* {"interval_s", "roles", "samples": [[t, owner, pinner, breaker, stall], ...]} */
static struct json_object *timeline_json(const struct timeline *tl)
{
	static const char *const roles[TL_ROLES] = { "owner", "pinner", "breaker" };
	struct json_object *o = json_object_new_object();
	struct json_object *r = json_object_new_array(), *arr = json_object_new_array();
	unsigned int i;
	int j;

	add_double(o, "interval_s", ns_to_s(tl->interval_ns));
	for (j = 0; j < TL_ROLES; j++)
		json_object_array_add(r, json_object_new_string(roles[j]));
	json_object_object_add(o, "roles", r);
	for (i = 0; i < tl->n; i++) {
		struct json_object *row = json_object_new_array();
		char buf[32];

		snprintf(buf, sizeof(buf), "%.3f", tl->s[i].t);
		json_object_array_add(row, json_object_new_double_s(tl->s[i].t, buf));
		for (j = 0; j < TL_ROLES; j++)
			json_object_array_add(row, json_object_new_int64((int64_t)tl->s[i].ops[j]));
		snprintf(buf, sizeof(buf), "%.3f", tl->s[i].stall);
		json_object_array_add(row, json_object_new_double_s(tl->s[i].stall, buf));
		json_object_array_add(arr, row);
	}
	json_object_object_add(o, "samples", arr);
	return o;
}

static struct json_object *proof_json(const struct monitor_result *m)
{
	struct json_object *arr = json_object_new_array();
	int i;

	for (i = 0; i < STEP__COUNT; i++) {
		const struct proof_step *st = &m->step[i];
		struct json_object *o;
		char state[2] = { st->state, 0 };

		if (!st->done)
			continue;
		o = json_object_new_object();
		add_str(o, "step", proof_step_name((enum proof_step_id)i));
		json_object_object_add(o, "released", json_object_new_boolean(st->released));
		add_double(o, "t_s", st->t_s);
		add_double(o, "wait_s", st->wait_s);
		add_str(o, "state", state);
		add_str(o, "wchan", st->wchan);
		add_str(o, "note", st->note);
		json_object_object_add(o, "threads", snaps_json(m->step_snaps[i], m->nstep_snaps[i]));
		json_object_array_add(arr, o);
	}
	return arr;
}

/* The wait watch's own counts: how many waits it judged, and how. */
static struct json_object *ww_json(const struct ww_stats *ww)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "waits", json_object_new_int64(ww->waits));
	json_object_object_add(o, "woken", json_object_new_int64(ww->woken));
	json_object_object_add(o, "early_proofs", json_object_new_int64(ww->early));
	json_object_object_add(o, "legitimate", json_object_new_int64(ww->legit));
	add_double(o, "margin_s", ww->margin_s);
	add_double(o, "tail_max_s", ww->tail_max_s);
	return o;
}

static void add_monitor(struct json_object *o, const struct monitor_result *m)
{
	struct json_object *klog = json_object_new_array();
	char state[2] = { m->at_detect.state, 0 };
	unsigned int i;

	if (m->stalled) {
		add_double(o, "detect_s", m->detect_s);
		add_double(o, "stalled_s", m->stalled_s);
		add_str(o, "stalled_thread", m->thread);
		add_str(o, "stalled_role", m->role);
		add_str(o, "location", m->location);
		json_object_object_add(o, "in_dax_path", json_object_new_boolean(m->in_dax_path));
		add_str(o, "state", state);
		add_str(o, "stack", m->at_detect.stack);
	} else {
		json_object_object_add(o, "detect_s", NULL);
		add_str(o, "stack", "");
	}
	add_double(o, "verdict_s", m->verdict_s);
	json_object_object_add(o, "early", json_object_new_boolean(m->early));
	json_object_object_add(o, "wait_watch", ww_json(&m->ww));
	json_object_object_add(o, "proof", proof_json(m));
	json_object_object_add(o, "threads", snaps_json(m->snaps, m->nsnaps));
	json_object_object_add(o, "sysrq_w", json_object_new_boolean(m->sysrq_w));
	json_object_object_add(o, "timeline", timeline_json(&m->tl));
	for (i = 0; i < m->kmsg.hits && i < KMSG_KEEP; i++)
		json_object_array_add(klog, json_object_new_string(m->kmsg.line[i]));
	json_object_object_add(o, "kernel_log", klog);
	if (m->kmsg.err[0])
		add_str(o, "kernel_log_error", m->kmsg.err);
}

static void add_pmd(struct json_object *map, const struct case_result *r)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "expected", json_object_new_boolean(r->pmd_expected));
	if (r->pmd_layout[0])
		add_str(o, "layout", r->pmd_layout);
	json_object_object_add(o, "counted", json_object_new_boolean(r->pmd_counted));
	if (r->pmd_counted) {
		json_object_object_add(o, "faults", json_object_new_int64(r->pmd_faults));
		json_object_object_add(o, "fallbacks", json_object_new_int64(r->pmd_fallbacks));
		json_object_object_add(o, "sigbus", json_object_new_int64(r->pmd_sigbus));
		json_object_object_add(o, "noop", json_object_new_int64(r->pmd_noop));
		json_object_object_add(o, "other", json_object_new_int64(r->pmd_other));
		json_object_object_add(o, "fell_back_to_pte",
				       json_object_new_boolean(!r->pmd_faults));
	} else {
		add_str(o, "why", r->pmd_why);
	}
	json_object_object_add(o, "vmstat_thp_fault_fallback",
			       json_object_new_int64(r->vmstat_fallback));
	json_object_object_add(map, "pmd", o);
}

/* What each stage found, in the order found; the verdict is the most severe. */
static struct json_object *findings_json(const struct judge *j)
{
	struct json_object *a = json_object_new_array();
	unsigned int i;

	for (i = 0; i < j->n; i++) {
		struct json_object *f = json_object_new_object();

		add_str(f, "stage", j->f[i].stage);
		add_str(f, "verdict", verdict_name(j->f[i].v));
		add_str(f, "reason", j->f[i].reason);
		json_object_array_add(a, f);
	}
	return a;
}

struct json_object *case_result_json(const struct case_result *r)
{
	struct json_object *o = json_object_new_object();
	struct json_object *map = json_object_new_object();
	struct utsname u;

	add_str(o, "name", r->name);
	add_str(o, "workload", r->workload);
	add_str(o, "fs", r->fs);
	add_str(o, "pin", r->pin);
	add_str(o, "break", r->brk);
	add_str(o, "dir", r->dir);
	json_object_object_add(o, "dax", json_object_new_boolean(r->dax));
	json_object_object_add(o, "refault", json_object_new_boolean(r->refault));
	json_object_object_add(o, "sharer", json_object_new_boolean(r->sharer));
	add_str(o, "verdict", verdict_name(r->verdict));
	add_str(o, "reason", r->reason);
	add_u64(o, "seed", r->seed);
	add_double(o, "duration_s", r->duration_s);
	add_u64(o, "budget", r->budget);
	if (r->budget_s)
		add_double(o, "budget_reached_s", r->budget_s);
	else
		json_object_object_add(o, "budget_reached_s", NULL);
	if (!uname(&u))
		add_str(o, "kernel", u.release);
	json_object_object_add(map, "libpmem2", json_object_new_boolean(r->via_pmem2));
	json_object_object_add(map, "map_sync", json_object_new_boolean(r->map_sync));
	add_u64(map, "align", r->align);
	json_object_object_add(map, "pmd_mapped_kb", json_object_new_int64(r->pmd_kb));
	add_str(map, "mode", r->map[0] ? r->map : "shared");
	add_u64(map, "owners", r->owners);
	json_object_object_add(map, "dax_flag", json_object_new_boolean(r->dax_flag));
	add_pmd(map, r);
	json_object_object_add(o, "mapping", map);
	json_object_object_add(o, "counters", counters_json(&r->counters));
	if (r->mon) {
		add_monitor(o, r->mon);
	} else {
		json_object_object_add(o, "detect_s", NULL);
		add_str(o, "stack", "");
	}
	if (r->note[0])
		add_str(o, "note", r->note);
	if (r->cleanup[0])
		add_str(o, "cleanup", r->cleanup);
	json_object_object_add(o, "needs_reboot", json_object_new_boolean(r->needs_reboot));
	if (r->judge)
		json_object_object_add(o, "findings", findings_json(r->judge));
	return o;
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
