// SPDX-License-Identifier: GPL-2.0
/*
 * plant-wake, plant-nowake, plant-stuck: the pin side of the planted stalls
 * (see lib/plant.h). Only thread 0 holds the "pin"; after a few clean
 * cycles, plant-nowake releases it once without waking the waiter and
 * plant-stuck never releases it. Both then park as idle so the monitor
 * judges the breaker, not them.
 */
#include "../plant.h"
#include "../pin.h"

#define CLEAN_CYCLES 10

static void hold_and_release(struct wl_shared *sh, unsigned int ms, bool wake)
{
	atomic_store(&sh->plant_word, 1);
	sleep_ms(ms);
	atomic_store(&sh->plant_word, 0);
	if (wake)
		plant_futex_wake(&sh->plant_word);
}

/* Wait until the breaker is asleep on the word, so the release is really missed. */
static void wait_for_sleeper(struct wl_shared *sh)
{
	int i;

	for (i = 0; i < 5000 && !atomic_load(&sh->plant_waiters); i++)
		sleep_ms(1);
	sleep_ms(200);
}

static void park(struct pin_env *env, struct pin_thread *t)
{
	hb_set_state(t->hb, HB_IDLE);
	while (!atomic_load(&env->sh->stop) && !atomic_load(&env->sh->pin_park))
		sleep_ms(20);
}

static int plant_cycle(struct pin_env *env, struct pin_thread *t, int flaw)
{
	struct wl_shared *sh = env->sh;
	uint64_t n = hb_ops(t->hb);

	if (t->idx) {
		park(env, t);
		return 0;
	}
	if (!flaw || n < CLEAN_CYCLES) {
		hold_and_release(sh, 20, true);
		sleep_ms(5);
		return 0;
	}
	atomic_store(&sh->plant_word, 1);
	wait_for_sleeper(sh);
	if (flaw == 1)
		atomic_store(&sh->plant_word, 0);	/* no FUTEX_WAKE: the planted bug */
	park(env, t);
	return 0;
}

static int plant_wake(struct pin_env *env, void *priv, struct pin_thread *t)
{
	(void)priv;
	return plant_cycle(env, t, 0);
}

static int plant_nowake(struct pin_env *env, void *priv, struct pin_thread *t)
{
	(void)priv;
	return plant_cycle(env, t, 1);
}

static int plant_stuck(struct pin_env *env, void *priv, struct pin_thread *t)
{
	(void)priv;
	return plant_cycle(env, t, 2);
}

static const struct pin_ops pin_plant_wake_ops = {
	.name = "plant-wake",
	.help = "self-test: futex pin released with a wakeup every time (clean)",
	.flags = PIN_F_PLANT,
	.pin = plant_wake,
};

static const struct pin_ops pin_plant_nowake_ops = {
	.name = "plant-nowake",
	.help = "self-test: futex pin released once without FUTEX_WAKE (emulated missed wakeup)",
	.flags = PIN_F_PLANT,
	.pin = plant_nowake,
};

static const struct pin_ops pin_plant_stuck_ops = {
	.name = "plant-stuck",
	.help = "self-test: futex pin never released (a wait no signal resolves)",
	.flags = PIN_F_PLANT,
	.pin = plant_stuck,
};
PIN_SOURCE(pin_plant_wake_ops);
PIN_SOURCE(pin_plant_nowake_ops);
PIN_SOURCE(pin_plant_stuck_ops);
