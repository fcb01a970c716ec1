// SPDX-License-Identifier: GPL-2.0
#include <string.h>

#include "waitwatch.h"
#include "sigmatch.h"

void ww_init(struct wait_watch *ww, uint64_t floor_ns, uint64_t cap_ns, uint64_t look_ns)
{
	memset(ww, 0, sizeof(*ww));
	ww->floor_ns = floor_ns;
	ww->cap_ns = cap_ns;
	ww->look_ns = look_ns;
}

uint64_t ww_margin(const struct wait_watch *ww)
{
	uint64_t m = 4 * ww->tail_max_ns;

	if (m < ww->floor_ns)
		m = ww->floor_ns;
	m += ww->penalty_ns;
	return m > ww->cap_ns ? ww->cap_ns : m;
}

uint64_t ww_step_grace(const struct wait_watch *ww, uint64_t full_ns)
{
	uint64_t g = ww_margin(ww);

	return !ww->floor_ns || g > full_ns ? full_ns : g;
}

/* Is the thread asleep in a break-layouts wait? wchan first, the stack if it says less. */
static bool in_break_wait(const struct wait_watch *ww, const struct hb_slot *s,
			  const struct task_wait *tw)
{
	struct task_snap snap;
	char where[160];

	if (tw->state != 'S' && tw->state != 'D')
		return false;
	if (sig_match_symbol(tw->wchan))
		return true;
	if (ww->in_wait && ww->in_wait(ww->ctx, s->pid, s->tid))
		return true;
	return !task_snap_read(s->pid, s->tid, &snap) &&
	       sig_match(snap.stack, snap.wchan, where, sizeof(where));
}

/* Note the pin operations in flight now: the ones this sleep may wait for. */
static void note_pins(struct ww_sleeper *sl, struct hb_region *hb, uint32_t n, uint64_t now)
{
	uint32_t i;

	sl->npins = 0;
	for (i = 0; i < n; i++) {
		struct hb_slot *p = &hb->slot[i];

		if (p->role != ROLE_PINNER || atomic_load(&p->state) != HB_ACTIVE ||
		    !atomic_load(&p->op_start_ns))
			continue;
		sl->pin[sl->npins].slot = i;
		sl->pin[sl->npins].ops = hb_ops(p);
		sl->npins++;
	}
	sl->pins_done_ns = sl->npins ? 0 : now;
}

static bool pins_done(const struct ww_sleeper *sl, struct hb_region *hb)
{
	uint32_t i;

	for (i = 0; i < sl->npins; i++) {
		const struct hb_slot *p = &hb->slot[sl->pin[i].slot];

		if (hb_ops(p) == sl->pin[i].ops && atomic_load(&p->state) == HB_ACTIVE)
			return false;
	}
	return true;
}

/* The sleep ended by itself: how long after its pins did it wake? */
static void woke(struct wait_watch *ww, struct ww_sleeper *sl, uint64_t now)
{
	if (sl->pins_done_ns) {
		uint64_t tail = now - sl->pins_done_ns;

		ww->woken++;
		if (tail > ww->tail_max_ns)
			ww->tail_max_ns = tail;
	}
	sl->on = false;
}

static int look(struct wait_watch *ww, struct hb_region *hb, uint32_t i, uint32_t n, uint64_t now)
{
	struct hb_slot *s = &hb->slot[i];
	struct ww_sleeper *sl = &ww->s[i];
	uint64_t op_start = atomic_load(&s->op_start_ns);
	struct task_wait tw;

	if (s->role != ROLE_BREAKER || atomic_load(&s->state) != HB_ACTIVE ||
	    !op_start || now - op_start < ww->look_ns ||
	    task_wait_read(s->pid, s->tid, &tw)) {
		if (sl->on)
			woke(ww, sl, now);
		return -1;
	}
	if (sl->on && sl->op_start == op_start && task_wait_same_sleep(&sl->tw, &tw)) {
		if (!sl->pins_done_ns && pins_done(sl, hb))
			sl->pins_done_ns = now;
		return sl->pins_done_ns && now - sl->pins_done_ns >= ww_margin(ww) ? (int)i : -1;
	}
	if (sl->on)
		woke(ww, sl, now);
	if (!in_break_wait(ww, s, &tw))
		return -1;
	if (sl->op_start != op_start)
		sl->op_nvcsw = tw.nvcsw;
	sl->on = true;
	sl->op_start = op_start;
	sl->since_ns = now;
	sl->tw = tw;
	note_pins(sl, hb, n, now);
	ww->waits++;
	return -1;
}

int ww_tick(struct wait_watch *ww, struct hb_region *hb, uint64_t now)
{
	uint32_t i, n = atomic_load(&hb->used);
	int hit = -1;

	if (!ww->floor_ns)
		return -1;
	if (n > HB_MAX_SLOTS)
		n = HB_MAX_SLOTS;
	for (i = 0; i < n; i++) {
		int r = look(ww, hb, i, n, now);

		if (hit < 0)
			hit = r;
	}
	if (hit >= 0)
		ww->early++;
	return hit;
}

unsigned long long ww_resleeps(const struct wait_watch *ww, struct hb_region *hb, int slot)
{
	const struct ww_sleeper *sl;
	struct hb_slot *s;
	struct task_wait tw;

	if (!ww || slot < 0 || slot >= HB_MAX_SLOTS)
		return 0;
	sl = &ww->s[slot];
	s = &hb->slot[slot];
	if (!sl->op_start || sl->op_start != atomic_load(&s->op_start_ns) ||
	    task_wait_read(s->pid, s->tid, &tw) || tw.nvcsw < sl->op_nvcsw)
		return 0;
	return tw.nvcsw - sl->op_nvcsw;
}

void ww_legit(struct wait_watch *ww, int slot)
{
	ww->legit++;
	ww->penalty_ns = ww->penalty_ns ? 2 * ww->penalty_ns : ww_margin(ww);
	if (slot >= 0 && slot < HB_MAX_SLOTS)
		ww->s[slot].on = false;
}
