// SPDX-License-Identifier: GPL-2.0
/*
 * The case result: what the writer (case_result_json) writes, the one
 * reader (case_result_read) reads back, field for field; the runner's
 * additions too; and every key the table names is in the schema.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <json.h>

#include "../../lib/report/result.h"

/* A case with every field set, each to a value no other field has. */
static void fill_snap(struct task_snap *s, int n)
{
	s->pid = 1000 + n;
	s->tid = 2000 + n;
	s->state = n & 1 ? 'D' : 'S';
	snprintf(s->label, sizeof(s->label), "break.%d", n);
	snprintf(s->wchan, sizeof(s->wchan), "wchan_%d", n);
	snprintf(s->syscall, sizeof(s->syscall), "%d 0x1 0x2", 70 + n);
	snprintf(s->stack, sizeof(s->stack), "[<0>] fn_%d+0x1/0x2\n", n);
}

static void fill_monitor(struct monitor_result *m)
{
	unsigned int i;
	int s;

	m->stalled = true;
	m->detect_s = 3.25;
	m->verdict_s = 9.5;
	m->stalled_s = 2.125;
	snprintf(m->role, sizeof(m->role), "breaker");
	snprintf(m->thread, sizeof(m->thread), "break.0");
	m->in_dax_path = true;
	snprintf(m->location, sizeof(m->location), "wait_page_idle < dax_break_layout");
	fill_snap(&m->at_detect, 0);
	m->nsnaps = 3;
	for (i = 0; i < m->nsnaps; i++)
		fill_snap(&m->snaps[i], (int)i);
	for (s = 0; s < STEP__COUNT; s += 2) {	/* release-pins and signal, no unmap */
		struct proof_step *st = &m->step[s];

		st->done = true;
		st->released = s == STEP_SIGNAL;
		st->t_s = 4.5 + s;
		st->wait_s = 1.75;
		st->state = 'S';
		snprintf(st->wchan, sizeof(st->wchan), "step_wchan_%d", s);
		snprintf(st->note, sizeof(st->note), "note of step %d", s);
		m->nstep_snaps[s] = 2;
		fill_snap(&m->step_snaps[s][0], 10 + s);
		fill_snap(&m->step_snaps[s][1], 20 + s);
	}
	m->sysrq_w = true;
	m->early = true;
	m->blind_s = 0.75;
	m->ww = (struct ww_stats){ .waits = 9, .woken = 4, .early = 2, .legit = 1,
				   .margin_s = 0.3, .tail_max_s = 0.075 };
	m->kmsg.hits = 2;
	snprintf(m->kmsg.line[0], sizeof(m->kmsg.line[0]), "WARNING: CPU: 1 PID: 4 at fs/dax.c:1 f+0x1/0x2");
	snprintf(m->kmsg.line[1], sizeof(m->kmsg.line[1]), "INFO: task ds-break:42 blocked");
	snprintf(m->kmsg.err, sizeof(m->kmsg.err), "no /dev/kmsg");
	m->tl.interval_ns = 250000000;
	m->tl.n = 3;
	for (i = 0; i < m->tl.n; i++) {
		m->tl.s[i].t = 0.25 * (i + 1);
		m->tl.s[i].ops[0] = 10 * i + 1;
		m->tl.s[i].ops[1] = 10 * i + 2;
		m->tl.s[i].ops[2] = 10 * i + 3;
		m->tl.s[i].stall = 0.125 * i;
	}
}

static void fill_case(struct case_result *r)
{
	snprintf(r->name, sizeof(r->name), "ext4.missed-wake");
	snprintf(r->workload, sizeof(r->workload), "pin-truncate");
	snprintf(r->fs, sizeof(r->fs), "ext4");
	snprintf(r->pin, sizeof(r->pin), "odirect");
	snprintf(r->brk, sizeof(r->brk), "punch");
	snprintf(r->dir, sizeof(r->dir), "/mnt/dax");
	r->dax = true;
	r->via_pmem2 = true;
	r->map_sync = true;
	r->refault = true;
	r->align = 2097152;
	r->seed = 0xfedcba9876543210ULL;	/* above 2^53: a double would lose it */
	r->duration_s = 12.5;
	r->verdict = V_MISSED_WAKEUP;
	snprintf(r->reason, sizeof(r->reason), "a SA_RESTART signal released it");
	snprintf(r->note, sizeof(r->note), "a note");
	snprintf(r->cleanup, sizeof(r->cleanup), "could not remove x");
	r->needs_reboot = true;
	r->counters = (struct case_counters){ 1, 2, 3, 4, 5, 6, 7, 8, 9.5, 10.25, 11, 12 };
	r->sharer = true;
	r->budget = 400;
	r->budget_s = 3.25;
	snprintf(r->budget_counts, sizeof(r->budget_counts), "kernel");
	r->pmd_kb = 4096;
	snprintf(r->map, sizeof(r->map), "private-ro");
	r->owners = 3;
	r->dax_flag = true;
	r->pmd_expected = true;
	r->pmd_counted = true;
	r->pmd_faults = 11;
	r->pmd_fallbacks = 12;
	r->pmd_sigbus = 13;
	r->pmd_noop = 14;
	r->pmd_other = 15;
	r->vmstat_fallback = 16;
	snprintf(r->pmd_layout, sizeof(r->pmd_layout), "fallocate 2M");
	snprintf(r->kernel, sizeof(r->kernel), "6.1.0-57-amd64");
}

struct fixture {
	struct case_result r;
	struct monitor_result mon;
	struct judge judge;
};

static struct fixture *full_case(void)
{
	struct fixture *fx = calloc(1, sizeof(*fx));

	assert_non_null(fx);
	fill_case(&fx->r);
	fill_monitor(&fx->mon);
	judge_add(&fx->judge, "monitor", V_MISSED_WAKEUP, "signal released it");
	judge_add(&fx->judge, "end", V_ERROR, "owner failed");
	fx->r.mon = &fx->mon;
	fx->r.judge = &fx->judge;
	return fx;
}

static void assert_snap(const struct task_snap *a, const struct task_snap *b)
{
	assert_int_equal(a->pid, b->pid);
	assert_int_equal(a->tid, b->tid);
	assert_int_equal(a->state, b->state);
	assert_string_equal(a->label, b->label);
	assert_string_equal(a->wchan, b->wchan);
	assert_string_equal(a->syscall, b->syscall);
	assert_string_equal(a->stack, b->stack);
}

static void assert_case(const struct case_result *a, const struct case_result *b)
{
	assert_string_equal(a->name, b->name);
	assert_string_equal(a->workload, b->workload);
	assert_string_equal(a->fs, b->fs);
	assert_string_equal(a->pin, b->pin);
	assert_string_equal(a->brk, b->brk);
	assert_string_equal(a->dir, b->dir);
	assert_int_equal(a->dax, b->dax);
	assert_int_equal(a->via_pmem2, b->via_pmem2);
	assert_int_equal(a->map_sync, b->map_sync);
	assert_int_equal(a->refault, b->refault);
	assert_int_equal(a->align, b->align);
	assert_true(a->seed == b->seed);
	assert_true(a->duration_s == b->duration_s);
	assert_int_equal(a->verdict, b->verdict);
	assert_string_equal(a->reason, b->reason);
	assert_string_equal(a->note, b->note);
	assert_string_equal(a->cleanup, b->cleanup);
	assert_int_equal(a->needs_reboot, b->needs_reboot);
	assert_memory_equal(&a->counters, &b->counters, sizeof(a->counters));
	assert_int_equal(a->pmd_kb, b->pmd_kb);
	assert_string_equal(a->map, b->map);
	assert_int_equal(a->owners, b->owners);
	assert_int_equal(a->dax_flag, b->dax_flag);
	assert_int_equal(a->pmd_expected, b->pmd_expected);
	assert_int_equal(a->pmd_counted, b->pmd_counted);
	assert_int_equal(a->pmd_faults, b->pmd_faults);
	assert_int_equal(a->pmd_fallbacks, b->pmd_fallbacks);
	assert_int_equal(a->pmd_sigbus, b->pmd_sigbus);
	assert_int_equal(a->pmd_noop, b->pmd_noop);
	assert_int_equal(a->pmd_other, b->pmd_other);
	assert_int_equal(a->vmstat_fallback, b->vmstat_fallback);
	assert_string_equal(a->pmd_why, b->pmd_why);
	assert_string_equal(a->pmd_layout, b->pmd_layout);
	assert_string_equal(a->kernel, b->kernel);
}

static void assert_monitor(const struct monitor_result *a, const struct monitor_result *b)
{
	unsigned int i;
	int s;

	assert_int_equal(a->stalled, b->stalled);
	assert_true(a->detect_s == b->detect_s);
	assert_true(a->verdict_s == b->verdict_s);
	assert_true(a->stalled_s == b->stalled_s);
	assert_string_equal(a->role, b->role);
	assert_string_equal(a->thread, b->thread);
	assert_int_equal(a->in_dax_path, b->in_dax_path);
	assert_string_equal(a->location, b->location);
	assert_int_equal(a->at_detect.state, b->at_detect.state);
	assert_string_equal(a->at_detect.stack, b->at_detect.stack);
	assert_int_equal(a->nsnaps, b->nsnaps);
	for (i = 0; i < a->nsnaps; i++)
		assert_snap(&a->snaps[i], &b->snaps[i]);
	for (s = 0; s < STEP__COUNT; s++) {
		assert_int_equal(a->step[s].done, b->step[s].done);
		assert_int_equal(a->step[s].released, b->step[s].released);
		assert_true(a->step[s].t_s == b->step[s].t_s);
		assert_true(a->step[s].wait_s == b->step[s].wait_s);
		assert_int_equal(a->step[s].state, b->step[s].state);
		assert_string_equal(a->step[s].wchan, b->step[s].wchan);
		assert_string_equal(a->step[s].note, b->step[s].note);
		assert_int_equal(a->nstep_snaps[s], b->nstep_snaps[s]);
		for (i = 0; i < a->nstep_snaps[s]; i++)
			assert_snap(&a->step_snaps[s][i], &b->step_snaps[s][i]);
	}
	assert_int_equal(a->sysrq_w, b->sysrq_w);
	assert_true(a->blind_s == b->blind_s);
	assert_int_equal(a->kmsg.hits, b->kmsg.hits);
	for (i = 0; i < a->kmsg.hits; i++)
		assert_string_equal(a->kmsg.line[i], b->kmsg.line[i]);
	assert_string_equal(a->kmsg.err, b->kmsg.err);
	assert_int_equal(a->tl.interval_ns, b->tl.interval_ns);
	assert_int_equal(a->tl.n, b->tl.n);
	for (i = 0; i < a->tl.n; i++) {
		assert_true(a->tl.s[i].t == b->tl.s[i].t);
		assert_memory_equal(a->tl.s[i].ops, b->tl.s[i].ops, sizeof(a->tl.s[i].ops));
		assert_true(a->tl.s[i].stall == b->tl.s[i].stall);
	}
}

/* Through the text, as a result file and a report carry it. */
static struct case_read *through_text(struct json_object *o)
{
	struct json_object *back = json_tokener_parse(json_object_to_json_string(o));
	struct case_read *rd;

	assert_non_null(back);
	rd = case_result_read(back);
	assert_non_null(rd);
	json_object_put(back);
	return rd;
}

static void test_round_trip(void **state)
{
	struct fixture *fx = full_case();
	struct json_object *o = case_result_json(&fx->r), *again;
	struct case_read *rd = through_text(o);
	unsigned int i;

	(void)state;
	assert_case(&rd->r, &fx->r);
	assert_monitor(rd->r.mon, &fx->mon);
	assert_int_equal(rd->r.judge->n, fx->judge.n);
	for (i = 0; i < fx->judge.n; i++) {
		assert_string_equal(rd->r.judge->f[i].stage, fx->judge.f[i].stage);
		assert_int_equal(rd->r.judge->f[i].v, fx->judge.f[i].v);
		assert_string_equal(rd->r.judge->f[i].reason, fx->judge.f[i].reason);
	}
	assert_false(rd->r.miss);
	assert_false(case_has(&rd->r, CK_RAW_VERDICT));
	assert_int_equal(case_measured(&rd->r), V_MISSED_WAKEUP);
	assert_true(case_detect_s(&rd->r) == 3.25);
	/* and written again, the same text */
	again = case_result_json(&rd->r);
	assert_string_equal(json_object_to_json_string(again), json_object_to_json_string(o));
	json_object_put(again);
	json_object_put(o);
	case_read_free(rd);
	free(fx);
}

/* No stall, no counted PMD faults: the other branches of the writer. */
static void test_no_stall(void **state)
{
	struct fixture *fx = full_case();
	struct json_object *o;
	struct case_read *rd;

	(void)state;
	fx->mon.stalled = false;
	fx->r.pmd_counted = false;
	fx->r.pmd_faults = fx->r.pmd_fallbacks = fx->r.pmd_sigbus = 0;
	fx->r.pmd_noop = fx->r.pmd_other = 0;
	snprintf(fx->r.pmd_why, sizeof(fx->r.pmd_why), "no tracefs");
	fx->r.map[0] = '\0';
	o = case_result_json(&fx->r);
	rd = through_text(o);
	assert_false(rd->r.mon->stalled);
	assert_true(case_detect_s(&rd->r) == -1);
	assert_true(case_has(&rd->r, CK_VERDICT_S));
	assert_string_equal(rd->r.pmd_why, "no tracefs");
	assert_string_equal(rd->r.map, "shared");	/* the writer's default */
	assert_false(rd->r.pmd_counted);
	assert_int_equal(rd->r.pmd_faults, 0);
	json_object_put(o);
	case_read_free(rd);
	free(fx);
}

/* What the runner adds, by key, reads back into the same struct. */
static void test_runner_fields(void **state)
{
	struct fixture *fx = full_case();
	struct json_object *o = case_result_json(&fx->r);
	struct case_known k = { "planted", "never woken", "https://example.org/x", true };
	struct case_read *rd;

	(void)state;
	case_json_set_str(o, CK_SUITE_CASE, "missed-wake");
	case_json_set_int(o, CK_SUITE_INDEX, 7);
	case_json_set_str(o, CK_RAW_VERDICT, "missed-wakeup");
	case_json_set_str(o, CK_VERDICT, "xfail");
	case_json_set_obj(o, CK_KNOWN_ISSUE, case_known_json(&k));
	case_json_set_obj(o, CK_KERNEL_TRACE, json_object_new_object());
	case_json_set_str(o, CK_BUNDLE, "/r/bundles/ext4.missed-wake");
	case_json_set_str(o, CK_TITLE, "missed-wakeup in dax_break_layout");
	case_json_set_str(o, CK_SHARD, "1/2");
	case_json_set_str(o, CK_RUN_FINISHED, "2026-12-05T06:00:00Z");
	rd = through_text(o);
	assert_string_equal(rd->r.suite_case, "missed-wake");
	assert_int_equal(rd->r.suite_index, 7);
	assert_int_equal(rd->r.verdict, V_XFAIL);
	assert_string_equal(case_verdict_name(&rd->r), "xfail");
	assert_int_equal(case_measured(&rd->r), V_MISSED_WAKEUP);
	assert_string_equal(case_measured_name(&rd->r), "missed-wakeup");
	assert_true(case_has(&rd->r, CK_KNOWN_ISSUE));
	assert_string_equal(rd->r.known.name, k.name);
	assert_string_equal(rd->r.known.reason, k.reason);
	assert_string_equal(rd->r.known.link, k.link);
	assert_true(rd->r.known.reproduced);
	assert_true(case_has(&rd->r, CK_KERNEL_TRACE));
	assert_string_equal(rd->r.bundle, "/r/bundles/ext4.missed-wake");
	assert_string_equal(rd->r.title, "missed-wakeup in dax_break_layout");
	assert_string_equal(rd->r.shard, "1/2");
	assert_string_equal(rd->r.run_finished, "2026-12-05T06:00:00Z");
	json_object_put(o);
	case_read_free(rd);
	free(fx);
}

/* A stub (an error before the case ran, a merged miss) and an empty object. */
static void test_stub_and_empty(void **state)
{
	struct json_object *o = case_stub_json("ext4.x", "x", 3, NULL, "ext4", "miss", "no shard");
	struct json_object *empty = json_object_new_object();
	struct case_read *rd = through_text(o);

	(void)state;
	assert_true(rd->r.miss);
	assert_int_equal(rd->r.verdict, V_ERROR);
	assert_string_equal(case_verdict_name(&rd->r), "miss");
	assert_string_equal(rd->r.reason, "no shard");
	assert_int_equal(rd->r.suite_index, 3);
	assert_false(case_has(&rd->r, CK_WORKLOAD));
	assert_false(case_has(&rd->r, CK_SEED));
	assert_true(case_detect_s(&rd->r) == -1);
	assert_false(case_has(&rd->r, CK_VERDICT_S));
	case_read_free(rd);
	rd = case_result_read(empty);
	assert_non_null(rd);
	assert_string_equal(case_verdict_name(&rd->r), "");
	assert_int_equal(rd->r.present, 0);
	assert_non_null(rd->r.mon);
	assert_non_null(rd->r.judge);
	case_read_free(rd);
	json_object_put(empty);
	json_object_put(o);
}

/* Every key the writer wrote is one the reader knows, and each name is distinct. */
static void test_keys_known(void **state)
{
	struct fixture *fx = full_case();
	struct json_object *o = case_result_json(&fx->r);
	int a, b;

	(void)state;
	for (a = 0; a < CK__COUNT; a++)
		for (b = a + 1; b < CK__COUNT; b++)
			assert_string_not_equal(case_key_name(a), case_key_name(b));
	json_object_object_foreach(o, key, val) {
		bool known = false;

		(void)val;
		for (a = 0; a < CK__COUNT; a++)
			known = known || !strcmp(key, case_key_name(a));
		if (!known)
			fail_msg("the writer wrote %s, which the reader does not know", key);
	}
	json_object_put(o);
	free(fx);
}

/* Every key in the table is documented: a misspelled name is caught here. */
static void test_keys_documented(void **state)
{
	FILE *f = fopen("docs/report-schema.md", "r");
	static char doc[1 << 17];
	char want[64];
	size_t n;
	int k;

	(void)state;
	assert_non_null(f);
	n = fread(doc, 1, sizeof(doc) - 1, f);
	doc[n] = '\0';
	fclose(f);
	for (k = 0; k < CK__COUNT; k++) {
		snprintf(want, sizeof(want), "`%s`", case_key_name(k));
		if (!strstr(doc, want))
			fail_msg("key %s is not in docs/report-schema.md", case_key_name(k));
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_round_trip),
		cmocka_unit_test(test_no_stall),
		cmocka_unit_test(test_runner_fields),
		cmocka_unit_test(test_stub_and_empty),
		cmocka_unit_test(test_keys_known),
		cmocka_unit_test(test_keys_documented),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
