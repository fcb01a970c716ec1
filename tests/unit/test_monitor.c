// SPDX-License-Identifier: GPL-2.0
/*
 * The monitor and its proof ladder with fake roles: threads of this test
 * that beat like a breaker and a pinner, and ops that release a stalled
 * "breaker" only at the step a scenario names. Each scenario must get the
 * verdict of that step, and the steps before it must say "not released".
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../../lib/monitor/monitor.h"
#include "../../lib/core/util.h"

/*
 * AT_OWN: the stall is a thread on a CPU that finishes by itself, late (a
 * starved thread). AT_STARVED: the stall wakes every 10 ms and sleeps again
 * (a break that finds another pinned page each time) until the pins end.
 */
enum release_at { AT_NONE, AT_PINS, AT_UNMAP, AT_SIGNAL, AT_NEVER_STALL, AT_OWN, AT_STARVED };

struct fake {
	struct hb_region hb;
	enum release_at at;
	_Atomic bool stop;
	_Atomic bool stuck;		/* the breaker is inside its stalled operation */
	_Atomic bool released;
	_Atomic int error;		/* check() fails when set */
	bool futex;			/* the stall sleeps in FUTEX_WAIT, like a kernel wait */
	_Atomic uint32_t word;		/* 1 once released */
	_Atomic int resumed;
	_Atomic uint64_t pins_released_ns;	/* when step 1 began */
	bool blind;			/* check() stands in for a monitor off the CPU */
	_Atomic int checks;
	_Atomic uint64_t frozen_until_ns;	/* every role stops in its operation till then */
	uint64_t grace_ns;
	pthread_t breaker, pinner;
	_Atomic uint64_t queued_ns;	/* the most any thread waited for a CPU */
	double off_cpu_s;		/* that, or the monitor's blind time if longer */
	struct monitor_result res;
};

static struct fake fk;

static void release(struct fake *f);

/*
 * The calling thread's time runnable but not running (schedstat's run
 * delay). The timing bounds below are on the monitor's logic, not on the
 * host: a loaded host adds what it kept the test off the CPU, as measured.
 */
static uint64_t queued_ns(void)
{
	unsigned long long run, delay = 0;
	FILE *f = fopen("/proc/thread-self/schedstat", "r");

	if (!f)
		return 0;
	if (fscanf(f, "%llu %llu", &run, &delay) != 2)
		delay = 0;
	fclose(f);
	return delay;
}

static void note_queued(struct fake *f, uint64_t since)
{
	uint64_t d = queued_ns() - since, cur = atomic_load(&f->queued_ns);

	while (d > cur && !atomic_compare_exchange_weak(&f->queued_ns, &cur, d))
		;
}

/* A bound of the monitor's, plus the time the host took from this test. */
static bool within(double s, double bound)
{
	if (s < bound + fk.off_cpu_s)
		return true;
	print_message("# %.3f s, bound %.3f s + %.3f s off the CPU\n", s, bound, fk.off_cpu_s);
	return false;
}

/* A host that stops the whole process: the roles stay in their operation. */
static void wait_thaw(struct fake *f)
{
	while (now_ns() < atomic_load(&f->frozen_until_ns) && !atomic_load(&f->stop))
		sleep_ms(1);
}

static void *breaker(void *arg)
{
	struct fake *f = arg;
	struct hb_slot *s = hb_register(&f->hb, ROLE_BREAKER, "break.0");
	uint64_t q0 = queued_ns();
	int n = 0;

	while (!atomic_load(&f->stop)) {
		hb_op_begin(s);
		wait_thaw(f);
		/* the tenth operation stalls until a proof step releases it */
		if (++n == 10 && f->at != AT_NEVER_STALL) {
			atomic_store(&f->stuck, true);
			/*
			 * Running (R) all along, like a thread starved of CPU
			 * time, until 100 ms into step 1's extension: the end is
			 * tied to the step, so scheduling delays on a loaded host
			 * have the rest of the extension (400 ms) as margin.
			 */
			while (f->at == AT_OWN && !atomic_load(&f->stop)) {
				uint64_t at = atomic_load(&f->pins_released_ns);

				if (at && now_ns() >= at + f->grace_ns + 100 * NSEC_PER_MSEC)
					break;
			}
			if (f->at == AT_OWN)
				release(f);
			while (!atomic_load(&f->released) && !atomic_load(&f->stop)) {
				if (f->at == AT_STARVED) {
					struct timespec ts = { 0, 10 * NSEC_PER_MSEC };

					syscall(SYS_futex, (uint32_t *)&f->word, FUTEX_WAIT_PRIVATE, 0, &ts, NULL, 0);
					continue;
				}
				if (!f->futex) {
					sleep_ms(5);
					continue;
				}
				syscall(SYS_futex, (uint32_t *)&f->word, FUTEX_WAIT_PRIVATE, 0, NULL, NULL, 0);
			}
			atomic_store(&f->stuck, false);
		}
		hb_op_end(s);
		sleep_ms(5);
	}
	note_queued(f, q0);
	hb_set_state(s, HB_DONE);
	return NULL;
}

static void *pinner(void *arg)
{
	struct fake *f = arg;
	struct hb_slot *s = hb_register(&f->hb, ROLE_PINNER, "pin.0");
	uint64_t q0 = queued_ns();

	while (!atomic_load(&f->stop)) {
		hb_op_begin(s);
		sleep_ms(5);
		wait_thaw(f);
		hb_op_end(s);
	}
	note_queued(f, q0);
	hb_set_state(s, HB_DONE);
	return NULL;
}

static void release(struct fake *f)
{
	atomic_store(&f->released, true);
	atomic_store(&f->word, 1);
	syscall(SYS_futex, (uint32_t *)&f->word, FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
}

static void release_if(struct fake *f, enum release_at step)
{
	if (f->at == step)
		release(f);
}

/* The fake stall stands in for a break-layouts wait. */
static bool in_wait(void *ctx, pid_t pid, pid_t tid)
{
	struct fake *f = ctx;

	(void)pid;
	(void)tid;
	return atomic_load(&f->stuck);
}

static int resume(void *ctx, uint64_t timeout_ns)
{
	struct fake *f = ctx;

	(void)timeout_ns;
	atomic_fetch_add(&f->resumed, 1);
	return 0;
}

static enum verdict check(void *ctx, char *why, size_t len)
{
	struct fake *f = ctx;

	/*
	 * Blind: the fifth look takes 700 ms, and the roles stay frozen 50 ms
	 * longer, so the monitor's next look finds them 750 ms into an
	 * operation, past the 500 ms stall timeout.
	 */
	if (f->blind && atomic_fetch_add(&f->checks, 1) == 4) {
		atomic_store(&f->frozen_until_ns, now_ns() + 750 * NSEC_PER_MSEC);
		sleep_ms(700);
	}
	if (!atomic_load(&f->error))
		return V_PASS;
	snprintf(why, len, "a role failed");
	return atomic_load(&f->error) == 2 ? V_SKIP : V_ERROR;
}

static const char *release_pins(void *ctx, uint64_t timeout_ns, bool *killed)
{
	(void)timeout_ns;
	*killed = false;
	atomic_store(&((struct fake *)ctx)->pins_released_ns, now_ns());
	release_if(ctx, AT_PINS);
	release_if(ctx, AT_STARVED);
	return "fake pinners parked";
}

static int unmap_all(void *ctx, uint64_t timeout_ns)
{
	(void)timeout_ns;
	release_if(ctx, AT_UNMAP);
	return 0;
}

static int poke(void *ctx, pid_t pid, pid_t tid)
{
	(void)pid;
	(void)tid;
	release_if(ctx, AT_SIGNAL);
	return 0;
}

static const struct monitor_ops ops = {
	.check = check, .release_pins = release_pins, .unmap_all = unmap_all, .poke = poke,
	.resume = resume, .in_wait = in_wait,
};

/*
 * Run the monitor over fake roles for at most run_ms; the verdict. With a
 * wake floor the stall sleeps in FUTEX_WAIT and the wait watch judges it.
 */
static enum verdict scenario_run(enum release_at at, unsigned int run_ms, unsigned int floor_ms,
				 bool blind)
{
	const struct monitor_cfg cfg = {
		.stall_ns = 500 * NSEC_PER_MSEC, .grace_ns = 300 * NSEC_PER_MSEC,
		.release_ns = 300 * NSEC_PER_MSEC, .tick_ns = 20 * NSEC_PER_MSEC,
		.wake_floor_ns = floor_ms * NSEC_PER_MSEC,
		.progress_fd = -1, .name = "fake",
	};
	uint64_t start, q0;
	enum verdict v;

	memset(&fk, 0, sizeof(fk));
	fk.at = at;
	fk.futex = floor_ms > 0;
	fk.blind = blind;
	fk.grace_ns = cfg.grace_ns;
	assert_int_equal(pthread_create(&fk.breaker, NULL, breaker, &fk), 0);
	assert_int_equal(pthread_create(&fk.pinner, NULL, pinner, &fk), 0);
	while (atomic_load(&fk.hb.used) < 2)
		sleep_ms(1);
	start = now_ns();
	q0 = queued_ns();
	v = monitor_run(&fk.hb, &cfg, &ops, &fk, start, start + run_ms * NSEC_PER_MSEC, &fk.res);
	note_queued(&fk, q0);
	atomic_store(&fk.stop, true);
	pthread_join(fk.breaker, NULL);
	pthread_join(fk.pinner, NULL);
	fk.off_cpu_s = ns_to_s(atomic_load(&fk.queued_ns));
	if (fk.res.blind_s > fk.off_cpu_s)
		fk.off_cpu_s = fk.res.blind_s;
	return v;
}

static enum verdict scenario_ww(enum release_at at, unsigned int run_ms, unsigned int floor_ms)
{
	return scenario_run(at, run_ms, floor_ms, false);
}

static enum verdict scenario(enum release_at at, unsigned int run_ms)
{
	return scenario_run(at, run_ms, 0, false);
}

static void assert_step(enum proof_step_id id, bool done, bool released)
{
	assert_int_equal(fk.res.step[id].done, done);
	assert_int_equal(fk.res.step[id].released, released);
}

static void test_no_stall(void **state)
{
	(void)state;
	assert_int_equal(scenario(AT_NEVER_STALL, 800), V_PASS);
	assert_false(fk.res.stalled);
	assert_step(STEP_RELEASE_PINS, false, false);
}

/*
 * The monitor and the roles off the CPU together (an overloaded or paused
 * host): no progress the monitor did not watch is not a stall. A fresh-clone
 * make check beside check-soak and a TCG guest failed test_no_stall so.
 */
static void test_blind_gap(void **state)
{
	(void)state;
	assert_int_equal(scenario_run(AT_NEVER_STALL, 1500, 0, true), V_PASS);
	assert_false(fk.res.stalled);
	assert_step(STEP_RELEASE_PINS, false, false);
	assert_true(atomic_load(&fk.checks) > 5);	/* the gap came, and the run went on */
	/* and it is counted: the 700 ms look made one tick that late */
	assert_true(fk.res.blind_gaps >= 1);
	assert_true(fk.res.blind_s >= 0.6);
}

static void test_long_pin(void **state)
{
	(void)state;
	assert_int_equal(scenario(AT_PINS, 5000), V_PASS);
	assert_true(fk.res.stalled);
	assert_string_equal(fk.res.thread, "break.0");
	assert_string_equal(fk.res.role, "breaker");
	assert_step(STEP_RELEASE_PINS, true, true);
	assert_step(STEP_UNMAP, false, false);
	assert_non_null(strstr(fk.res.reason, "a long pin, not a lost wakeup"));
}

/* Woken again and again in one break until the pins ended: named as starvation. */
static void test_starved(void **state)
{
	(void)state;
	assert_int_equal(scenario_ww(AT_STARVED, 5000, 150), V_PASS);
	assert_true(fk.res.stalled);
	assert_step(STEP_RELEASE_PINS, true, true);
	assert_non_null(strstr(fk.res.reason, "starved by continuous re-pinning"));
}

static void test_blocked_by_mapping(void **state)
{
	(void)state;
	assert_int_equal(scenario(AT_UNMAP, 5000), V_BLOCKED_BY_MAPPING);
	assert_step(STEP_RELEASE_PINS, true, false);
	assert_step(STEP_UNMAP, true, true);
	assert_step(STEP_SIGNAL, false, false);
}

static void test_missed_wakeup(void **state)
{
	(void)state;
	assert_int_equal(scenario(AT_SIGNAL, 5000), V_MISSED_WAKEUP);
	assert_step(STEP_RELEASE_PINS, true, false);
	assert_step(STEP_UNMAP, true, false);
	assert_step(STEP_SIGNAL, true, true);
	/* noticed a tick or so after 0.5 s without progress; each blind gap restarts the watch */
	assert_true(fk.res.stalled_s >= 0.5);
	assert_true(within(fk.res.stalled_s, 1.0 + 0.5 * fk.res.blind_gaps));
	assert_true(fk.res.detect_s >= fk.res.stalled_s);
}

static void test_hang(void **state)
{
	(void)state;
	assert_int_equal(scenario(AT_NONE, 5000), V_HANG);
	assert_step(STEP_SIGNAL, true, false);
	assert_non_null(strstr(fk.res.reason, "nothing released it"));
}

/*
 * A stalled thread that is running, not asleep, when a step's grace ends
 * (starved of CPU on a loaded host) is given time to finish before the next
 * step: it finishes on its own during step 1's extension, which is a long
 * operation, not blocked-by-mapping.
 */
static void test_running_not_credited(void **state)
{
	(void)state;
	assert_int_equal(scenario(AT_OWN, 5000), V_PASS);
	assert_true(fk.res.stalled);
	assert_step(STEP_RELEASE_PINS, true, true);
	assert_step(STEP_UNMAP, false, false);
}

/*
 * The wait watch: a sleep that outlives every pin in flight when it began
 * goes to the proof well before the 0.5 s no-progress timeout, and each
 * step gives up on a thread still in the same sleep after the floor, not
 * after the whole grace.
 */
static void test_ww_missed_wakeup(void **state)
{
	(void)state;
	assert_int_equal(scenario_ww(AT_SIGNAL, 5000, 40), V_MISSED_WAKEUP);
	/*
	 * The watch judges about 0.1 s into the sleep; only a monitor kept
	 * off the CPU for the rest of the 0.5 s lets the timeout win.
	 */
	assert_true(fk.res.early || fk.off_cpu_s > 0.25);
	assert_true(within(fk.res.stalled_s, 0.45));
	assert_step(STEP_RELEASE_PINS, true, false);
	assert_step(STEP_UNMAP, true, false);
	assert_step(STEP_SIGNAL, true, true);
	assert_true(within(fk.res.step[STEP_RELEASE_PINS].wait_s, 0.25));
	assert_true(within(fk.res.step[STEP_UNMAP].wait_s, 0.25));
	assert_int_equal(fk.res.ww.early, fk.res.early);
	assert_int_equal(fk.res.ww.legit, 0);
}

/* A proof the watch started that releases at step 1 was a legitimate wait: the case goes on. */
static void test_ww_legit_resumes(void **state)
{
	(void)state;
	assert_int_equal(scenario_ww(AT_PINS, 1500, 40), V_PASS);
	assert_false(fk.res.stalled);
	assert_false(fk.res.early);
	assert_int_equal(fk.res.ww.early, 1);
	assert_int_equal(fk.res.ww.legit, 1);
	assert_int_equal(atomic_load(&fk.resumed), 1);
	assert_true(fk.res.ww.margin_s >= 0.08);	/* doubled at least */
	assert_int_equal(fk.res.step[STEP_RELEASE_PINS].done, false);
}

/* check() ends the case at once with the verdict it gives. */
static enum verdict checked(int error)
{
	const struct monitor_cfg cfg = {
		.stall_ns = NSEC_PER_SEC, .grace_ns = NSEC_PER_SEC,
		.release_ns = NSEC_PER_SEC, .tick_ns = 20 * NSEC_PER_MSEC,
		.progress_fd = -1, .name = "fake",
	};
	uint64_t start = now_ns();

	memset(&fk, 0, sizeof(fk));
	atomic_store(&fk.error, error);
	return monitor_run(&fk.hb, &cfg, &ops, &fk, start, start + NSEC_PER_SEC, &fk.res);
}

static void test_check(void **state)
{
	(void)state;
	assert_int_equal(checked(1), V_ERROR);
	assert_string_equal(fk.res.reason, "a role failed");
	/* a case that turned out not to apply ends as a skip */
	assert_int_equal(checked(2), V_SKIP);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_stall),
		cmocka_unit_test(test_blind_gap),
		cmocka_unit_test(test_long_pin),
		cmocka_unit_test(test_starved),
		cmocka_unit_test(test_blocked_by_mapping),
		cmocka_unit_test(test_missed_wakeup),
		cmocka_unit_test(test_hang),
		cmocka_unit_test(test_check),
		cmocka_unit_test(test_running_not_credited),
		cmocka_unit_test(test_ww_missed_wakeup),
		cmocka_unit_test(test_ww_legit_resumes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
