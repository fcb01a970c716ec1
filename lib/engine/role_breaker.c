// SPDX-License-Identifier: GPL-2.0
/*
 * The breaker process: o->breakers threads each run the breaker's op in a
 * loop. The proof signal has an SA_RESTART handler, so a break-layouts wait
 * it interrupts restarts its syscall instead of failing it; nothing else in
 * this process uses signals or timers, because any signal ends such a wait
 * and would hide the bug.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "lockstep.h"
#include "roles.h"

struct breaker_thread {
	const struct role_env *env;
	struct brk_env benv;
	unsigned int idx;
	pthread_t th;
};

static struct wl_shared *sig_sh;

static void on_proof_signal(int sig)
{
	(void)sig;
	atomic_fetch_add(&sig_sh->signals, 1);
}

/*
 * The thread's voluntary context switches: a break that added any slept,
 * waiting for a busy page (or a lock). The heartbeat's own count of waits,
 * without kernel tracing; an upper bound of the busy-page waits.
 */
static long nvcsw(void)
{
	struct rusage ru;

	return getrusage(RUSAGE_THREAD, &ru) ? 0 : ru.ru_nvcsw;
}

static void *breaker_thread(void *arg)
{
	struct breaker_thread *bt = arg;
	struct wl_shared *sh = bt->env->sh;
	const struct brk_ops *ops = bt->env->brk;
	struct hb_slot *hb;
	struct rng rng;
	char name[24];
	int ret = 0;

	snprintf(name, sizeof(name), "break.%u", bt->idx);
	hb = hb_register(&sh->hb, ROLE_BREAKER, name);
	rng_seed(&rng, bt->env->o->seed, 0x200 + bt->idx);
	while (!ret && !atomic_load(&sh->stop)) {
		long cs;

		ls_break_enter(bt->env->o, sh);
		cs = nvcsw();
		hb_op_begin(hb);
		ret = ops->op(&bt->benv, &rng);
		hb_op_end(hb);
		if (nvcsw() != cs)
			atomic_fetch_add(&sh->brk_slept, 1);
		ls_break_leave(bt->env->o, sh);
		/*
		 * Each break takes the file's invalidate lock exclusively; back
		 * to back they can keep every fault waiting (measured on 7.3:
		 * owners at 1% of their rate, fio's first I/O not done in 8 s).
		 */
		if (bt->env->o->break_pause_ms)
			sleep_ms(bt->env->o->break_pause_ms);
	}
	if (ops->done)
		ops->done(&bt->benv);
	/* Refused on the very first try: the filesystem lacks the operation. */
	if (ret == -EOPNOTSUPP && hb_ops(hb) == 1) {
		atomic_store(&sh->unsupported, 1);
		shared_error(sh, "%s is not supported on this filesystem (EOPNOTSUPP)", ops->name);
	} else if (ret) {
		shared_error(sh, "breaker %s: %s failed: %s%s", name, ops->name,
			     strerror(-ret), ret == -ENOSPC ?
			     " (the DAX filesystem is full: free space or use a smaller --size)" : "");
	}
	hb_set_state(hb, HB_DONE);
	return NULL;
}

void role_breaker(const struct role_env *env)
{
	struct breaker_thread *th;
	struct sigaction sa;
	unsigned int i, nthreads;

	role_set_name("ds-break");
	sig_sh = env->sh;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_proof_signal;
	sa.sa_flags = SA_RESTART;
	sigaction(PROOF_SIGNAL, &sa, NULL);
	while (!atomic_load(&env->sh->go) && !atomic_load(&env->sh->stop))
		sleep_ms(1);
	nthreads = brk_threads(env->brk, env->o);
	th = calloc(nthreads, sizeof(*th));
	for (i = 0; th && i < nthreads; i++) {
		th[i].env = env;
		th[i].idx = i;
		th[i].benv = (struct brk_env){
			.o = env->o, .sh = env->sh, .fd = env->fd, .path = env->path,
			.size = env->size, .brk_start = env->brk_start,
			.target_fd = env->target_fd, .target_size = env->target_size,
		};
		if (pthread_create(&th[i].th, NULL, breaker_thread, &th[i])) {
			shared_error(env->sh, "breaker: cannot start thread %u", i);
			_exit(1);
		}
	}
	for (i = 0; th && i < nthreads; i++)
		pthread_join(th[i].th, NULL);
	_exit(0);
}
