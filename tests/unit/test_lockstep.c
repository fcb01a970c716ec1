// SPDX-License-Identifier: GPL-2.0
/*
 * Description: lockstep turns. A break begins only while a pin operation
 * holds its pins; a mark never outlives the operation that made it, so a
 * break cannot begin while the next asynchronous submission is still
 * faulting its buffer in; no pin begins while a break runs.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../lib/core/util.h"
#include "../../lib/engine/lockstep.h"

struct turn {
	const struct case_opts *o;
	struct wl_shared *sh;
	_Atomic int done;
};

static void *breaker(void *arg)
{
	struct turn *t = arg;

	ls_break_enter(t->o, t->sh);
	atomic_store(&t->done, 1);
	return NULL;
}

static void *pinner(void *arg)
{
	struct turn *t = arg;

	if (ls_pin_enter(t->o, t->sh, true))
		atomic_store(&t->done, 1);
	return NULL;
}

/* Polls for up to ms of clock time (not iterations: a loaded host stretches sleeps). */
static bool through(struct turn *t, unsigned int ms)
{
	uint64_t end = now_ns() + ms * NSEC_PER_MSEC;

	while (now_ns() < end) {
		if (atomic_load(&t->done))
			return true;
		sleep_ms(1);
	}
	return atomic_load(&t->done);
}

/* A fresh shared region with one asynchronous operation submitted and marked. */
static struct wl_shared *marked_op(const struct case_opts *o)
{
	struct wl_shared *sh = calloc(1, sizeof(*sh));

	assert_non_null(sh);
	assert_true(ls_pin_enter(o, sh, true));
	ls_mark_pinned(o, sh);
	return sh;
}

static void test_stale_mark(void **state)
{
	const struct case_opts o = { .lockstep = true };
	struct wl_shared *sh = marked_op(&o);
	struct turn t = { .o = &o, .sh = sh };
	pthread_t th;

	(void)state;
	/* That operation completes. */
	ls_pin_leave(&o, sh, true);
	/* The next one has entered and is still submitting. */
	assert_true(ls_pin_enter(&o, sh, true));
	assert_int_equal(pthread_create(&th, NULL, breaker, &t), 0);
	/* Past the bounded wait for pins: still no break while submitting. */
	assert_false(through(&t, 1300));
	ls_mark_pinned(&o, sh);
	assert_true(through(&t, 500));
	pthread_join(th, NULL);
	assert_int_equal(atomic_load(&sh->ls_overlaps), 1);
	ls_pin_leave(&o, sh, true);
	ls_break_leave(&o, sh);
	free(sh);
}

static void test_no_pin_during_break(void **state)
{
	const struct case_opts o = { .lockstep = true };
	struct wl_shared *sh = marked_op(&o);
	struct turn t = { .o = &o, .sh = sh };
	pthread_t th;

	(void)state;
	ls_break_enter(&o, sh);
	ls_pin_leave(&o, sh, true);
	assert_int_equal(pthread_create(&th, NULL, pinner, &t), 0);
	assert_false(through(&t, 100));
	ls_break_leave(&o, sh);
	assert_true(through(&t, 500));
	pthread_join(th, NULL);
	free(sh);
}

/* A submission that never returns (a pin spinning in GUP) cannot hold the break for ever. */
static void test_stuck_submission(void **state)
{
	const struct case_opts o = { .lockstep = true };
	struct wl_shared *sh = calloc(1, sizeof(*sh));
	struct turn t = { .o = &o, .sh = sh };
	pthread_t th;

	(void)state;
	assert_non_null(sh);
	assert_true(ls_pin_enter(&o, sh, true));
	assert_int_equal(pthread_create(&th, NULL, breaker, &t), 0);
	/* The proof parks the pinners: the break goes ahead. */
	sleep_ms(100);
	atomic_store(&sh->pin_park, 1);
	assert_true(through(&t, 1800));
	pthread_join(th, NULL);
	ls_break_leave(&o, sh);
	free(sh);
}

/* A synchronous source holds its pins from entry, after a short delay. */
static void test_sync_pin(void **state)
{
	struct case_opts o = { .lockstep = true };
	struct wl_shared *sh = calloc(1, sizeof(*sh));
	uint64_t t0;

	(void)state;
	assert_true(ls_pin_enter(&o, sh, false));
	t0 = now_ns();
	ls_break_enter(&o, sh);
	assert_true(now_ns() - t0 >= 5 * NSEC_PER_MSEC);
	assert_int_equal(atomic_load(&sh->ls_overlaps), 1);
	ls_pin_leave(&o, sh, false);
	ls_break_leave(&o, sh);
	assert_int_equal(atomic_load(&sh->ls_held_sync), 0);
	assert_int_equal(atomic_load(&sh->ls_pinning), 0);
	free(sh);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stale_mark),
		cmocka_unit_test(test_no_pin_during_break),
		cmocka_unit_test(test_stuck_submission),
		cmocka_unit_test(test_sync_pin),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
