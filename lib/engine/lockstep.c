// SPDX-License-Identifier: GPL-2.0
/*
 * Lockstep turns between pinners and breakers (see lockstep.h). The flags
 * live in the shared region; sequentially consistent atomics give the
 * Dekker-style guarantee the pinner needs: it counts itself in, then
 * re-checks for a break, so a breaker that raised ls_breaking either sees
 * the pinner or the pinner sees the break and backs out.
 */
#include "lockstep.h"
#include "../core/util.h"

/* How long a breaker waits for pins before breaking anyway. */
#define LS_PIN_WAIT_MS	1000
/*
 * A synchronous pin source cannot say when its pages are pinned: give its
 * get_user_pages() this long before the break unmaps the range. At 2 ms a
 * TCG guest was sometimes still faulting the pages in when the break began,
 * a refault inside the wait that hung stock 7.3 (1 of 8 lockstep runs);
 * lockstep cases pin through a 50 ms device, so 10 ms still meets the pin.
 */
#define LS_SYNC_DELAY_US	10000

/*
 * The operation this pinner thread runs has marked its pages pinned. The
 * count it added is taken back when the operation ends, so a mark never
 * outlives its pins: a stale one once let a break begin while the next
 * io_submit was still faulting its buffer in, a refault inside the wait
 * that stock 7.2 and 7.3 keep asleep (blocked-by-mapping in lockstep).
 */
static __thread bool ls_marked;

static bool ls_quit(struct wl_shared *sh)
{
	return atomic_load(&sh->stop) || atomic_load(&sh->pin_park);
}

bool ls_pin_enter(const struct case_opts *o, struct wl_shared *sh, bool marks)
{
	if (ls_quit(sh))
		return false;
	if (!o->lockstep)
		return true;
	for (;;) {
		while (atomic_load(&sh->ls_breaking)) {
			if (ls_quit(sh))
				return false;
			sleep_us(100);
		}
		atomic_fetch_add(&sh->ls_pinning, 1);
		if (!atomic_load(&sh->ls_breaking))
			break;
		atomic_fetch_sub(&sh->ls_pinning, 1);
	}
	if (!marks)
		atomic_fetch_add(&sh->ls_held_sync, 1);
	ls_marked = !marks;
	return true;
}

void ls_pin_leave(const struct case_opts *o, struct wl_shared *sh, bool marks)
{
	if (!o->lockstep)
		return;
	if (ls_marked)
		atomic_fetch_sub(marks ? &sh->ls_held_async : &sh->ls_held_sync, 1);
	ls_marked = false;
	atomic_fetch_sub(&sh->ls_pinning, 1);
}

void ls_mark_pinned(const struct case_opts *o, struct wl_shared *sh)
{
	if (!o->lockstep || ls_marked)
		return;
	ls_marked = true;
	atomic_fetch_add(&sh->ls_held_async, 1);
}

static uint32_t ls_held(struct wl_shared *sh)
{
	return atomic_load(&sh->ls_held_sync) + atomic_load(&sh->ls_held_async);
}

/*
 * Wait (bounded) for an operation that holds its pins, then close the door
 * to new ones. An operation that entered but has not marked yet is still
 * submitting, i.e. faulting its buffer in: the break waits (bounded) for it
 * to mark or end, whether or not the first wait found pins.
 */
void ls_break_enter(const struct case_opts *o, struct wl_shared *sh)
{
	uint64_t end;

	if (!o->lockstep)
		return;
	/*
	 * The bounds are clock time: on a loaded host a 100 us sleep can last
	 * ten times longer, and a bound in iterations grew with it. Parked
	 * pinners bring no pins, so a park ends the waits too.
	 */
	end = now_ns() + LS_PIN_WAIT_MS * NSEC_PER_MSEC;
	while (!(ls_held(sh) && atomic_load(&sh->ls_pinning)) && now_ns() < end && !ls_quit(sh))
		sleep_us(100);
	atomic_fetch_add(&sh->ls_breaking, 1);
	/*
	 * Bounded too: a submission that never returns (a pin spinning in GUP,
	 * 6.12's unshare livelock) must not hold the break in userspace, and a
	 * pinner the proof parked or killed never leaves.
	 */
	end = now_ns() + LS_PIN_WAIT_MS * NSEC_PER_MSEC;
	while (atomic_load(&sh->ls_pinning) > ls_held(sh) && now_ns() < end && !ls_quit(sh))
		sleep_us(100);
	if (!ls_held(sh))
		return;
	atomic_fetch_add(&sh->ls_overlaps, 1);
	if (!atomic_load(&sh->ls_held_async))
		sleep_us(LS_SYNC_DELAY_US);
}

void ls_break_leave(const struct case_opts *o, struct wl_shared *sh)
{
	if (o->lockstep)
		atomic_fetch_sub(&sh->ls_breaking, 1);
}
