/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Wait-aware stall detection. A break-layouts wait is legitimate while a
 * pin it may be waiting for is still in flight. At every tick the watch
 * looks at each breaker thread that has been inside one operation for a
 * while; asleep in a break-layouts wait, it notes the pin operations in
 * flight at that moment. Once all of them have completed and the sleeper
 * still has not woken (same state and wchan, no voluntary context switch)
 * a margin later, the wait has outlived every pin it could wait for: the
 * proof can start at once, without the no-progress timeout.
 *
 * The margin is learned from the case's own legitimate waits: four times
 * the longest time seen from "every noted pin done" to the sleeper waking,
 * never below the floor, never above the cap. A proof that finds the wait
 * legitimate after all (a pin that began later held the page) lengthens
 * it: by the margin then, and by twice as much each time after.
 */
#ifndef DS_WAITWATCH_H
#define DS_WAITWATCH_H

#include <stdbool.h>
#include <stdint.h>

#include "heartbeat.h"
#include "../core/procinfo.h"

struct ww_pin {
	uint32_t slot;
	uint64_t ops;
};

struct ww_sleeper {
	bool on;
	uint64_t op_start;	/* the breaker operation being watched */
	uint64_t since_ns;	/* first seen asleep in the wait */
	uint64_t pins_done_ns;	/* every noted pin completed; 0 before */
	struct task_wait tw;
	unsigned long long op_nvcsw;	/* voluntary switches when first seen in this operation */
	uint32_t npins;
	struct ww_pin pin[HB_MAX_SLOTS];
};

struct wait_watch {
	bool (*in_wait)(void *ctx, pid_t pid, pid_t tid);	/* more waits to judge */
	void *ctx;
	uint64_t floor_ns;	/* 0: the watch is off */
	uint64_t cap_ns;
	uint64_t look_ns;	/* an operation this old is looked at */
	uint64_t tail_max_ns;	/* longest "pins done" to wakeup seen */
	uint64_t penalty_ns;	/* grown by proofs that found a legitimate wait */
	unsigned int waits;	/* break-layouts sleeps seen */
	unsigned int woken;	/* of those, woke by themselves after their pins */
	unsigned int early;	/* proofs started by the watch */
	unsigned int legit;	/* of those, released by step 1 */
	struct ww_sleeper s[HB_MAX_SLOTS];
};

void ww_init(struct wait_watch *ww, uint64_t floor_ns, uint64_t cap_ns, uint64_t look_ns);
/* How long a sleeper may outlive its pins before the proof starts. */
uint64_t ww_margin(const struct wait_watch *ww);
/*
 * How long a proof step waits for a thread still in the very same sleep
 * it was in when the step began; a thread that wakes gets the full grace.
 */
uint64_t ww_step_grace(const struct wait_watch *ww, uint64_t full_ns);
/* The slot of a breaker whose wait outlived its pins, or -1. */
int ww_tick(struct wait_watch *ww, struct hb_region *hb, uint64_t now);
/*
 * How many times the breaker in slot has slept since the watch first saw
 * it asleep in its current operation (0 if not seen in it): a break that
 * keeps waking to find another pinned page is starved by re-pinning.
 */
unsigned long long ww_resleeps(const struct wait_watch *ww, struct hb_region *hb, int slot);
/* The proof started by the watch found the wait legitimate. */
void ww_legit(struct wait_watch *ww, int slot);

#endif
