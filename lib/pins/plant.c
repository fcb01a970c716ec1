// SPDX-License-Identifier: GPL-2.0
/*
 * plant-wake, plant-nowake, plant-stuck: the pin side of the planted stalls
 * (see lib/engine/plant.h). Only thread 0 holds the "pin"; after a few clean
 * cycles, plant-nowake releases it once without waking the waiter and
 * plant-stuck never releases it. Both then park as idle so the monitor
 * judges the breaker, not them.
 */
#include <stdio.h>

#include "pin.h"
#include "../engine/plant.h"
#include "../core/procinfo.h"

#define CLEAN_CYCLES 10

static void hold_and_release(struct wl_shared *sh, unsigned int ms, bool wake)
{
	atomic_store(&sh->plant_word, 1);
	sleep_ms(ms);
	atomic_store(&sh->plant_word, 0);
	if (wake)
		plant_futex_wake(&sh->plant_word);
}

/*
 * Is the plant-wait thread asleep in FUTEX_WAIT on the word, expecting 1?
 * Its syscall file ("202 0xWORD 0x0 0x1 ...") shows the call and its
 * arguments while it is inside it, and state S that it sleeps there, so a
 * drop after this is missed for certain. A counter of waiters cannot say
 * that: the thread may have counted itself in and not yet have slept
 * (under load it once read the word only after the drop, and the planted
 * missed wakeup passed).
 */
bool plant_asleep(struct wl_shared *sh, pid_t pid, pid_t tid)
{
	unsigned long long nr, addr, op, val;
	char path[64], buf[256];
	struct task_snap snap;

	if (pid <= 0 || tid <= 0)
		return false;
	snprintf(path, sizeof(path), "/proc/%d/task/%d/syscall", pid, tid);
	if (read_text_file(path, buf, sizeof(buf)) < 0 ||
	    sscanf(buf, "%llu %llx %llx %llx", &nr, &addr, &op, &val) != 4)
		return false;
	if (nr != SYS_futex || addr != (uintptr_t)&sh->plant_word ||
	    (op & FUTEX_CMD_MASK) != FUTEX_WAIT || val != 1)
		return false;
	return !task_snap_read(pid, tid, &snap) && snap.state == 'S';
}

static bool sleeper_asleep(struct wl_shared *sh)
{
	return plant_asleep(sh, atomic_load(&sh->plant_sleeper_pid),
			    atomic_load(&sh->plant_sleeper_tid));
}

/* Wait until the breaker provably sleeps on the word (two looks 10 ms apart). */
static bool wait_for_sleeper(struct wl_shared *sh)
{
	int seen = 0;

	while (!atomic_load(&sh->stop) && !atomic_load(&sh->pin_park)) {
		seen = sleeper_asleep(sh) ? seen + 1 : 0;
		if (seen == 2)
			return true;
		sleep_ms(10);
	}
	return false;
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
	/*
	 * From here on nothing wakes the word: this thread only parks, the
	 * other threads never touched it, and only the end of the case
	 * (stop_roles) wakes it. So no proof step before the signal can
	 * release the sleeper.
	 */
	atomic_store(&sh->plant_word, 1);
	if (wait_for_sleeper(sh) && flaw == 1)
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
