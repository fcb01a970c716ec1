/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Planted user-space stalls that mirror the kernel bug class, so the monitor
 * can be proven end to end without DAX: a futex word stands for "page
 * pinned" (1) or "idle" (0); the plant-wait breaker sleeps while it is 1,
 * like a break-layouts wait, and a pin source releases it with or without
 * FUTEX_WAKE. A signal restarts the futex wait, which then sees the idle
 * value and returns, exactly like a DAX wait that missed its wakeup.
 */
#ifndef DS_PLANT_H
#define DS_PLANT_H

#include <linux/futex.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Shared (not private) futex ops: the waiter and waker are different processes. */
static inline long plant_futex_wait(_Atomic uint32_t *word, uint32_t val)
{
	return syscall(SYS_futex, (uint32_t *)word, FUTEX_WAIT, val, NULL, NULL, 0);
}

static inline long plant_futex_wake(_Atomic uint32_t *word)
{
	return syscall(SYS_futex, (uint32_t *)word, FUTEX_WAKE, INT32_MAX, NULL, NULL, 0);
}

struct wl_shared;

/*
 * Is this thread asleep in FUTEX_WAIT on the word, expecting 1 (the
 * planted stand-in for a break-layouts wait)? From its syscall file.
 */
bool plant_asleep(struct wl_shared *sh, pid_t pid, pid_t tid);

#endif
