// SPDX-License-Identifier: GPL-2.0
/*
 * plant-wait: the breaker side of the planted stalls (lib/engine/plant.h). Sleeps
 * in FUTEX_WAIT while the word says "pinned", the way break-layouts sleeps
 * while a page is busy. One thread: the planted pin drops the word only once
 * /proc shows *the* sleeper (plant_sleeper_tid, one slot) asleep on it; with
 * two breakers either could be that thread, and the self-tests that name the
 * stalled breaker (break.0) failed one run in a few.
 */
#include "breaker.h"
#include "../engine/plant.h"

static int plant_wait_op(struct brk_env *env, struct rng *rng)
{
	struct wl_shared *sh = env->sh;

	(void)rng;
	atomic_store(&sh->plant_sleeper_pid, getpid());
	atomic_store(&sh->plant_sleeper_tid, gettid());
	atomic_fetch_add(&sh->plant_waiters, 1);
	while (atomic_load(&sh->plant_word) == 1 && !atomic_load(&sh->stop))
		plant_futex_wait(&sh->plant_word, 1);
	atomic_fetch_sub(&sh->plant_waiters, 1);
	sleep_ms(2);
	return 0;
}

static const struct brk_ops brk_plant_wait_ops = {
	.name = "plant-wait",
	.help = "self-test: sleep on the planted futex like a break-layouts wait",
	.flags = BRK_F_PLANT | BRK_F_ONE_THREAD,
	.op = plant_wait_op,
};

BREAKER(brk_plant_wait_ops);
