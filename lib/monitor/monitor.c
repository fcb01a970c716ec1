// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <string.h>

#include "monitor.h"
#include "sigmatch.h"
#include "waitwatch.h"
#include "../core/util.h"

static const char *const step_names[STEP__COUNT] = {
	[STEP_RELEASE_PINS] = "release-pins",
	[STEP_UNMAP] = "unmap",
	[STEP_SIGNAL] = "signal",
};

const char *proof_step_name(enum proof_step_id id)
{
	return (unsigned int)id < STEP__COUNT ? step_names[id] : "?";
}

static uint32_t slots_used(const struct hb_region *hb)
{
	uint32_t n = atomic_load(&hb->used);

	return n > HB_MAX_SLOTS ? HB_MAX_SLOTS : n;
}

/* Snapshot every registered thread, labelled with its heartbeat name. */
static unsigned int snap_all(struct hb_region *hb, struct task_snap *snaps)
{
	uint32_t i, n = slots_used(hb);

	for (i = 0; i < n; i++) {
		task_snap_read(hb->slot[i].pid, hb->slot[i].tid, &snaps[i]);
		strscpy_trunc(snaps[i].label, hb->slot[i].name, sizeof(snaps[i].label));
	}
	return n;
}

/* Snapshot every registered thread; return the slot that best explains the stall. */
static int pick_primary(struct hb_region *hb, uint64_t stall_ns, uint64_t now,
			struct monitor_result *res)
{
	int dax = -1, breaker = -1, any = -1;
	char where[160];
	uint32_t i;

	res->nsnaps = snap_all(hb, res->snaps);
	for (i = 0; i < res->nsnaps; i++) {
		struct hb_slot *s = &hb->slot[i];
		struct task_snap *snap = &res->snaps[i];

		if (hb_stalled_for(s, now) < stall_ns)
			continue;
		if (any < 0)
			any = (int)i;
		if (breaker < 0 && s->role == ROLE_BREAKER)
			breaker = (int)i;
		if (dax < 0 && sig_match(snap->stack, snap->wchan, where, sizeof(where)))
			dax = (int)i;
	}
	return dax >= 0 ? dax : breaker >= 0 ? breaker : any;
}

static bool any_stalled(struct hb_region *hb, uint64_t stall_ns, uint64_t now)
{
	uint32_t i, n = slots_used(hb);

	for (i = 0; i < n; i++)
		if (hb_stalled_for(&hb->slot[i], now) >= stall_ns)
			return true;
	return false;
}

static void record_detection(struct hb_region *hb, int idx, uint64_t start,
			     uint64_t now, struct monitor_result *res)
{
	struct hb_slot *s = &hb->slot[idx];

	res->stalled = true;
	res->primary = idx;
	res->detect_s = ns_to_s(now - start);
	res->stalled_s = ns_to_s(hb_stalled_for(s, now));
	res->at_detect = res->snaps[idx];
	strscpy_trunc(res->role, hb_role_name(s->role), sizeof(res->role));
	strscpy_trunc(res->thread, s->name, sizeof(res->thread));
	res->in_dax_path = sig_match(res->at_detect.stack, res->at_detect.wchan,
				     res->location, sizeof(res->location));
}

/*
 * A stalled pinner (fio waiting on its own I/O, say) is released by step 1
 * whatever the cause. If a breaker or the owner has meanwhile been stuck
 * for at least min_ns, the proof goes on with that thread instead.
 */
static int stalled_worker(struct hb_region *hb, uint64_t min_ns)
{
	uint32_t i, n = slots_used(hb);
	uint64_t now = now_ns();

	for (i = 0; i < n; i++)
		if (hb->slot[i].role != ROLE_PINNER && hb_stalled_for(&hb->slot[i], now) >= min_ns)
			return (int)i;
	return -1;
}

/*
 * Stopping the pinners released a stalled pinner. Their last I/O completes
 * only now, and a put that loses its wakeup strands a breaker only now (seen
 * with fio, whose status stalled before its pins hit the 6.1 bio bug): watch
 * the other workers for another stall timeout before calling it a long pin.
 */
static int stalled_after_release(struct hb_region *hb, const struct monitor_cfg *cfg,
				 struct monitor_result *res)
{
	uint64_t end = now_ns() + cfg->stall_ns + cfg->grace_ns;
	int other;

	while ((other = stalled_worker(hb, cfg->grace_ns)) < 0 && now_ns() < end) {
		timeline_tick(&res->tl, hb, now_ns());
		sleep_ms(50);
	}
	return other;
}

/*
 * Is this stalled pinner spinning in the kernel? Ten samples 20 ms apart
 * must all find it running (R), and the stacks must show get_user_pages:
 * at least one does, and none shows anything else (a task on a CPU shows
 * an empty stack). A long pin sleeps (D or S) in its I/O; a thread that
 * keeps running without ever completing is caught in a loop.
 */
static bool pinner_spins(const struct hb_slot *s)
{
	struct task_snap snap;
	bool seen = false;
	int k;

	for (k = 0; k < 10; k++) {
		if (k)
			sleep_ms(20);
		if (task_snap_read(s->pid, s->tid, &snap) || snap.state != 'R')
			return false;
		if (!snap.stack[0])
			continue;
		if (!strstr(snap.stack, "get_user_pages"))
			return false;
		seen = true;
	}
	return seen;
}

int monitor_spinning_pinner(struct hb_region *hb, uint64_t min_stalled_ns)
{
	uint32_t i, n = atomic_load(&hb->used);
	uint64_t now = now_ns();

	for (i = 0; i < n; i++) {
		struct hb_slot *s = &hb->slot[i];

		if (s->role == ROLE_PINNER && hb_stalled_for(s, now) >= min_stalled_ns &&
		    pinner_spins(s))
			return (int)i;
	}
	return -1;
}

static void switch_primary(struct hb_region *hb, int idx, struct monitor_result *res)
{
	struct hb_slot *s = &hb->slot[idx];
	char was[24];

	strscpy_trunc(was, res->thread, sizeof(was));
	res->primary = idx;
	task_snap_read(s->pid, s->tid, &res->at_detect);
	strscpy_trunc(res->role, hb_role_name(s->role), sizeof(res->role));
	strscpy_trunc(res->thread, s->name, sizeof(res->thread));
	res->stalled_s = ns_to_s(hb_stalled_for(s, now_ns()));
	res->in_dax_path = sig_match(res->at_detect.stack, res->at_detect.wchan,
				     res->location, sizeof(res->location));
	snprintf(res->step[STEP_RELEASE_PINS].note, sizeof(res->step[0].note),
		 "pinner %s released with its pins, but %s stayed stuck: the proof follows %s",
		 was, res->thread, res->thread);
}

/* Only completed work counts: a thread parked on request is not released. */
static bool op_completed(struct hb_slot *s, uint64_t ops0)
{
	return hb_ops(s) != ops0 || atomic_load(&s->state) == HB_DONE;
}

/* Has the step ended without a release (see wait_release)? One look at the thread. */
static bool step_given_up(const struct hb_slot *s, const struct task_wait *tw0, uint64_t waited,
			  uint64_t timeout, uint64_t short_ns, uint64_t run_ns)
{
	struct task_wait tw;

	if (waited < short_ns && waited < timeout)
		return false;
	if (waited >= timeout + run_ns)
		return true;
	if (task_wait_read(s->pid, s->tid, &tw))
		return waited >= timeout;
	if (waited >= timeout)
		return tw.state != 'R';
	return task_wait_same_sleep(tw0, &tw);
}

/*
 * Did the stalled thread get going again within timeout? A thread still in
 * the very sleep it was in when the step began (before its action: tw0),
 * with no wakeup since, is given up on after short_ns: a correct kernel
 * wakes a waiter within milliseconds of the last unpin. A thread that woke
 * gets the whole timeout to finish its operation. A thread still on a CPU
 * (R) when the timeout ends is not waiting for anything this step could
 * release (on a loaded host it may only be starved of CPU time): it gets up
 * to run_ns more to sleep again or finish, so that the next step is not
 * credited with a release it did not cause.
 */
static bool wait_release(struct hb_region *hb, struct hb_slot *s, uint64_t ops0,
			 uint64_t timeout, uint64_t short_ns, uint64_t run_ns,
			 const struct task_wait *tw0, struct monitor_result *res, int step)
{
	struct proof_step *st = &res->step[step];
	uint64_t t0 = now_ns(), now = t0;
	struct task_snap snap;

	for (;;) {
		timeline_tick(&res->tl, hb, now);
		if (op_completed(s, ops0)) {
			st->released = true;
			break;
		}
		/*
		 * Give up only if the operation is still not complete after the
		 * look at the thread: one that finished and went to sleep between
		 * the two loads above reads as asleep, and the next step would be
		 * credited with its release.
		 */
		if (step_given_up(s, tw0, now - t0, timeout, short_ns, run_ns)) {
			st->released = op_completed(s, ops0);
			break;
		}
		sleep_ms(now - t0 < 100 * NSEC_PER_MSEC ? 5 : 20);
		now = now_ns();
	}
	st->wait_s = ns_to_s(now_ns() - t0);
	res->nstep_snaps[step] = snap_all(hb, res->step_snaps[step]);
	task_snap_read(s->pid, s->tid, &snap);
	st->state = snap.state;
	strscpy_trunc(st->wchan, snap.wchan, sizeof(st->wchan));
	return st->released;
}

/* The step starts: note when, and the sleep the thread is in before its action. */
static void step_begin(struct monitor_result *res, struct proof_step *st,
		       const struct hb_slot *s, struct task_wait *tw0)
{
	st->t_s = ns_to_s(now_ns() - res->tl.start_ns);
	if (task_wait_read(s->pid, s->tid, tw0))
		tw0->state = '?';	/* never the same sleep: the full grace */
}

static void set_reason(struct monitor_result *res, enum verdict v,
		       const char *what)
{
	res->verdict = v;
	snprintf(res->reason, sizeof(res->reason), "%s %s stalled %.1f s in %s; %s",
		 res->role, res->thread, res->stalled_s, res->location, what);
}

/*
 * Released by ending the pins. A break that slept again and again in one
 * operation woke each time to find another pinned page: starved by pins
 * that keep coming, not held by one long pin.
 */
static void long_pin(struct monitor_result *res, unsigned long long resleeps)
{
	char what[192];

	if (resleeps < 3) {
		set_reason(res, V_PASS, "released once the pins were gone: a long pin, not a lost wakeup");
		return;
	}
	snprintf(what, sizeof(what), "released once the pins were gone: starved by continuous re-pinning (it slept %llu times in this break, woken each time), not a lost wakeup",
		 resleeps);
	set_reason(res, V_PASS, what);
}

static void prove(struct hb_region *hb, const struct monitor_cfg *cfg,
		  const struct monitor_ops *ops, void *ctx,
		  struct monitor_result *res, const struct wait_watch *ww)
{
	struct hb_slot *s = &hb->slot[res->primary];
	uint64_t ops0 = hb_ops(s), short_ns = ww_step_grace(ww, cfg->grace_ns);
	unsigned long long resleeps = ww_resleeps(ww, hb, res->primary);
	struct proof_step *st;
	struct task_wait tw0;

	st = &res->step[STEP_RELEASE_PINS];
	if (ops->release_pins) {
		int spinner = monitor_spinning_pinner(hb, cfg->stall_ns);
		bool killed = false;
		const char *how;
		char what[256];

		step_begin(res, st, s, &tw0);
		how = ops->release_pins(ctx, cfg->grace_ns, &killed);
		st->done = true;
		res->pins_killed = killed;
		if (wait_release(hb, s, ops0, cfg->grace_ns, short_ns, cfg->stall_ns, &tw0, res,
				 STEP_RELEASE_PINS)) {
			int other = s->role == ROLE_PINNER ? stalled_after_release(hb, cfg, res) : -1;

			if (other < 0 && spinner >= 0 && killed) {
				snprintf(st->note, sizeof(st->note), "%s; released after %.2f s", how, st->wait_s);
				snprintf(what, sizeof(what), "pinner %s spun in the kernel (state R, in get_user_pages) without completing its pin, and only SIGKILL ended it: a livelock, not a long pin",
					 hb->slot[spinner].name);
				set_reason(res, V_LIVELOCK, what);
				return;
			}
			if (other < 0) {
				snprintf(st->note, sizeof(st->note), "%s; released after %.2f s", how, st->wait_s);
				long_pin(res, resleeps);
				return;
			}
			switch_primary(hb, other, res);
			s = &hb->slot[other];
			ops0 = hb_ops(s);
		} else {
			snprintf(st->note, sizeof(st->note), "%s; still stuck after %.1f s", how, st->wait_s);
		}
	}

	st = &res->step[STEP_UNMAP];
	if (ops->unmap_all) {
		int r;

		step_begin(res, st, s, &tw0);
		r = ops->unmap_all(ctx, cfg->grace_ns);
		st->done = true;
		if (wait_release(hb, s, ops0, cfg->grace_ns, short_ns, cfg->stall_ns, &tw0, res,
				 STEP_UNMAP)) {
			snprintf(st->note, sizeof(st->note), "every mapping gone; released after %.2f s", st->wait_s);
			set_reason(res, V_BLOCKED_BY_MAPPING,
				   "released when every mapping of the file went away, with no signal: live mappings kept the wait from completing");
			return;
		}
		if (r)
			snprintf(st->note, sizeof(st->note), "mappings not all gone (%s); still stuck", strerror(-r));
		else
			snprintf(st->note, sizeof(st->note), "every mapping gone; still stuck after %.1f s", st->wait_s);
	}

	st = &res->step[STEP_SIGNAL];
	if (ops->poke) {
		step_begin(res, st, s, &tw0);
		ops->poke(ctx, s->pid, s->tid);
		st->done = true;
		/* The signal must end the sleep: a thread still in it has the whole release time. */
		if (wait_release(hb, s, ops0, cfg->release_ns, cfg->release_ns, cfg->stall_ns, &tw0,
				 res, STEP_SIGNAL)) {
			snprintf(st->note, sizeof(st->note), "completed %.2f s after an SA_RESTART signal", st->wait_s);
			set_reason(res, V_MISSED_WAKEUP,
				   "pins gone, still asleep, and a SA_RESTART signal made the call complete at once: missed wakeup");
			return;
		}
		snprintf(st->note, sizeof(st->note), "still stuck %.1f s after the signal", st->wait_s);
	}
	{
		char what[96];

		snprintf(what, sizeof(what), "nothing released it; state %s",
			 task_state_name(st->state ? st->state : res->at_detect.state));
		set_reason(res, V_HANG, what);
	}
}

/*
 * A proof the wait watch started found a legitimate wait: released once
 * the pins were gone. The pinners were only parked, so the case can go on
 * (a longer margin from now); forget the proof.
 */
static bool resume_after_legit(const struct monitor_cfg *cfg, const struct monitor_ops *ops,
			       void *ctx, struct monitor_result *res, struct wait_watch *ww)
{
	if (!res->early || res->verdict != V_PASS || res->pins_killed || !ops->resume ||
	    ops->resume(ctx, cfg->grace_ns))
		return false;
	ww_legit(ww, res->primary);
	res->verdict = V_PASS;
	res->reason[0] = '\0';
	res->stalled = false;
	res->early = false;
	res->primary = -1;
	res->location[0] = '\0';
	res->nsnaps = 0;
	memset(res->step, 0, sizeof(res->step));
	memset(res->nstep_snaps, 0, sizeof(res->nstep_snaps));
	return true;
}

/*
 * The stalled thread: the one the wait watch names, else a no-progress one.
 * @watched_from: since when the monitor has been watching without a gap; a
 * thread's time without progress counts only from there (monitor_run()).
 */
static int detect(struct hb_region *hb, const struct monitor_cfg *cfg, struct wait_watch *ww,
		  uint64_t now, uint64_t watched_from, struct monitor_result *res)
{
	int idx = ww_tick(ww, hb, now);

	if (idx >= 0) {
		res->nsnaps = snap_all(hb, res->snaps);
		res->early = true;
		return idx;
	}
	if (now - watched_from < cfg->stall_ns || !any_stalled(hb, cfg->stall_ns, now))
		return -1;
	return pick_primary(hb, cfg->stall_ns, now, res);
}

/*
 * The monitor's own tick came this late: it was off the CPU (a host
 * overloaded or paused, the workload's threads with it), so it did not watch
 * that interval, and no progress in it is no evidence of a stall.
 */
static bool monitor_was_blind(const struct monitor_cfg *cfg, uint64_t slept_from, uint64_t now)
{
	return now - slept_from > cfg->tick_ns + cfg->stall_ns / 2;
}

static void ww_report(const struct wait_watch *ww, struct monitor_result *res)
{
	res->ww.waits = ww->waits;
	res->ww.woken = ww->woken;
	res->ww.early = ww->early;
	res->ww.legit = ww->legit;
	res->ww.margin_s = ww->floor_ns ? ns_to_s(ww_margin(ww)) : 0;
	res->ww.tail_max_s = ns_to_s(ww->tail_max_ns);
}

enum verdict monitor_run(struct hb_region *hb, const struct monitor_cfg *cfg,
			 const struct monitor_ops *ops, void *ctx,
			 uint64_t start_ns, uint64_t end_ns,
			 struct monitor_result *res)
{
	static struct wait_watch ww;	/* one monitor per process; 100 KiB */
	uint64_t now, slept_from, watched_from = 0;
	int idx;

	memset(res, 0, sizeof(*res));
	res->primary = -1;
	res->verdict = V_PASS;
	/* Look at a breaker a tick into its operation; never wait past half the timeout. */
	ww_init(&ww, cfg->wake_floor_ns, cfg->stall_ns / 2, cfg->tick_ns);
	ww.in_wait = ops->in_wait;
	ww.ctx = ctx;
	timeline_init(&res->tl, start_ns, cfg->progress_fd);
	kmsg_open(&res->kmsg);
	for (now = now_ns(); now < end_ns; now = now_ns()) {
		timeline_tick(&res->tl, hb, now);
		slept_from = now;
		sleep_ms((unsigned int)(cfg->tick_ns / NSEC_PER_MSEC));
		kmsg_poll(&res->kmsg);
		if (ops->check) {
			enum verdict v = ops->check(ctx, res->reason, sizeof(res->reason));

			if (v != V_PASS) {
				res->verdict = v;
				break;
			}
		}
		now = now_ns();
		if (monitor_was_blind(cfg, slept_from, now)) {
			watched_from = now;
			res->blind_gaps++;
			res->blind_s += ns_to_s(now - slept_from - cfg->tick_ns);
		}
		idx = detect(hb, cfg, &ww, now, watched_from, res);
		if (idx < 0 && ops->done && ops->done(ctx))
			break;
		if (idx < 0)
			continue;	/* none, or it moved on between the two looks */
		record_detection(hb, idx, start_ns, now, res);
		if (cfg->sysrq_w && !res->sysrq_w)
			res->sysrq_w = !kmsg_sysrq_w(cfg->name);
		prove(hb, cfg, ops, ctx, res, &ww);
		if (resume_after_legit(cfg, ops, ctx, res, &ww))
			continue;
		break;
	}
	ww_report(&ww, res);
	res->verdict_s = ns_to_s(now_ns() - start_ns);
	res->tl.next_ns = 0;	/* the last sample: where the case ended */
	timeline_tick(&res->tl, hb, now_ns());
	kmsg_poll(&res->kmsg);
	if (res->kmsg.hits && res->verdict == V_PASS) {
		res->verdict = V_KERNEL_WARNING;
		snprintf(res->reason, sizeof(res->reason), "kernel log: %s",
			 res->kmsg.line[0]);
	}
	kmsg_close(&res->kmsg);
	return res->verdict;
}
