// SPDX-License-Identifier: GPL-2.0
/*
 * The mapping owner: maps the case file and its threads keep writing
 * patterns into every page, so pages stay faulted in while breakers unmap
 * them (what makes 7.x waits never complete). Thread i owns the pages with
 * index % nthreads == i, so no two writers tear one page. A fault past EOF
 * after a shrink raises SIGBUS: inside the break region that is expected
 * and the thread moves on; anywhere else the process dies and the case
 * fails. For the proof's unmap step the threads park and the mapping goes.
 * With owners > 1 the first owner forks the others; each maps the file
 * itself, and the unmap step is done when every one of them has unmapped.
 * Only the first owner's threads write: the others read every page, so
 * every page is mapped by every owner but still has one writer (two
 * processes writing one page with their own generations tore it, and the
 * check then reported data corruption). With map = private-ro the mapping
 * is MAP_PRIVATE and PROT_READ: every thread reads.
 * With sharer = yes the first owner also maps the reflinked copy of the
 * case file (read-only, shared) and reads every page once, so each page is
 * mapped through a second inode that no break touches; it is unmapped with
 * the case file in the unmap step.
 */
#include <errno.h>
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mapping.h"
#include "../core/pattern.h"
#include "roles.h"
#include "smaps.h"

struct owner_thread {
	const struct role_env *env;
	struct dmap *map;
	unsigned int idx;
	bool writer;		/* the first owner's threads, on a shared mapping */
	/* In memory, not registers: they stay valid across siglongjmp. */
	uint64_t page;
	uint64_t gen;
	pthread_t th;
};

static __thread sigjmp_buf *tls_jmp;
static char *bus_lo, *bus_hi;
/* Threads of this process that parked: each process unmaps only under its own. */
static _Atomic uint32_t local_parked;

static void on_sigbus(int sig, siginfo_t *si, void *uc)
{
	char *a = si->si_addr;

	(void)uc;
	if (tls_jmp && a >= bus_lo && a < bus_hi)
		siglongjmp(*tls_jmp, 1);
	/* Not in the window a truncate explains: die with the real signal. */
	signal(sig, SIG_DFL);
	/* A sent SIGBUS (kill, tgkill) does not come back on return: raise it. */
	if (si->si_code <= 0)
		raise(sig);
}

static void park(struct owner_thread *t, struct hb_slot *hb)
{
	struct wl_shared *sh = t->env->sh;

	hb_set_state(hb, HB_IDLE);
	atomic_fetch_add(&sh->owner_parked, 1);
	atomic_fetch_add(&local_parked, 1);
	while (!atomic_load(&sh->stop))
		sleep_ms(10);
}

/* Fault one page in: write a pattern, or read it through a private read-only mapping. */
static void touch_page(struct owner_thread *t)
{
	const struct role_env *env = t->env;
	const uint64_t *p = (const uint64_t *)(t->map->addr + t->page * PAT_PAGE);
	uint64_t sum = 0;
	size_t i;

	if (t->writer) {
		pattern_fill(t->map->addr + t->page * PAT_PAGE, env->o->seed, t->page, t->gen);
		return;
	}
	/* Atomic loads, so the compiler keeps reads whose result is unused. */
	for (i = 0; i < PAT_PAGE / sizeof(*p); i += 64)
		sum += __atomic_load_n(&p[i], __ATOMIC_RELAXED);
	(void)sum;
}

static void *owner_thread(void *arg)
{
	struct owner_thread *t = arg;
	const struct role_env *env = t->env;
	uint64_t npages = env->size / PAT_PAGE, nthr = env->o->owner_threads;
	struct hb_slot *hb;
	sigjmp_buf jb;
	char name[24];

	snprintf(name, sizeof(name), "owner.%u", t->idx);
	hb = hb_register(&env->sh->hb, ROLE_OWNER, name);
	t->page = t->idx;
	t->gen = 1;
	tls_jmp = &jb;
	if (sigsetjmp(jb, 0)) {
		atomic_fetch_add(&env->sh->sigbus, 1);
		hb_op_end(hb);
		t->page += nthr;
	}
	while (!atomic_load(&env->sh->stop)) {
		if (atomic_load(&env->sh->owner_cmd) == OWNER_UNMAP)
			break;
		if (t->page >= npages) {
			t->page = t->idx;
			t->gen++;
		}
		hb_op_begin(hb);
		touch_page(t);
		hb_op_end(hb);
		t->page += nthr;
	}
	tls_jmp = NULL;
	park(t, hb);
	return NULL;
}

static void install_sigbus(const struct role_env *env, struct dmap *m)
{
	struct sigaction sa;

	bus_lo = m->addr + env->brk_start;
	bus_hi = m->addr + env->size;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_sigbus;
	/* NODEFER: we leave the handler by siglongjmp without restoring the mask. */
	sa.sa_flags = SA_SIGINFO | SA_NODEFER;
	sigaction(SIGBUS, &sa, NULL);
}

/* sharer = yes: map the reflinked copy and fault every page in by reading it. */
static void *map_sharer(const struct role_env *env)
{
	const volatile char *p;
	uint64_t off;

	p = mmap(NULL, env->size, PROT_READ, MAP_SHARED, env->sharer_fd, 0);
	if (p == MAP_FAILED) {
		shared_error(env->sh, "owner: cannot map the sharer file: %s", strerror(errno));
		_exit(1);
	}
	for (off = 0; off < env->size; off += PAT_PAGE)
		(void)p[off];
	return (void *)p;
}

/*
 * Wait for the monitor's unmap request or the end, then answer it. The
 * first owner reports the step done once every owner process unmapped.
 */
static void serve_commands(const struct role_env *env, struct dmap *m, bool first,
			   void *sharer)
{
	struct wl_shared *sh = env->sh;
	unsigned int tick = 0;
	bool unmapped = false;

	while (!atomic_load(&sh->stop)) {
		/* Sample PMD use about once a second while the mapping exists. */
		if (!(tick++ % 200) && !unmapped) {
			long kb = smaps_pmd_kb(m->addr);

			if (kb > atomic_load(&sh->pmd_kb))
				atomic_store(&sh->pmd_kb, kb);
		}
		if (atomic_load(&sh->owner_cmd) == OWNER_UNMAP &&
		    atomic_load(&local_parked) == env->o->owner_threads && !unmapped) {
			dmap_close(m);
			if (sharer)
				munmap(sharer, env->size);
			unmapped = true;
			atomic_fetch_add(&sh->owners_unmapped, 1);
		}
		if (first && unmapped && !atomic_load(&sh->owner_unmapped) &&
		    atomic_load(&sh->owners_unmapped) >= env->o->owners)
			atomic_store(&sh->owner_unmapped, 1);
		sleep_ms(5);
	}
}

static int map_file(const struct role_env *env, struct dmap *m, char *err, size_t len)
{
	if (env->o->map == CASE_MAP_PRIVATE_RO)
		return dmap_open_private_ro(m, env->fd, env->size, env->o->align, err, len);
	return dmap_open(m, env->fd, env->size, env->o->align, env->dax, err, len);
}

/* The first owner says ready once every owner process has its mapping. */
static void wait_owners(const struct role_env *env, const struct dmap *m)
{
	struct wl_shared *sh = env->sh;

	while (atomic_load(&sh->owners_ready) < env->o->owners &&
	       !atomic_load(&sh->stop) && !atomic_load(&sh->error))
		sleep_ms(1);
	atomic_store(&sh->owner_ready, 1 + m->map_sync);
}

/* Reap the other owner processes; one that failed fails the case. */
static int reap_owners(const struct role_env *env)
{
	int status, ret = 0;

	while (wait(&status) > 0) {
		if (WIFEXITED(status) && !WEXITSTATUS(status))
			continue;
		shared_error(env->sh, "owner: another owner process failed (status 0x%x)", status);
		ret = 1;
	}
	return ret;
}

static void __noreturn run_owner(const struct role_env *env, bool first);

static void spawn_owners(const struct role_env *env)
{
	pid_t parent = getpid();
	unsigned int i;
	pid_t pid;

	for (i = 1; i < env->o->owners; i++) {
		pid = fork();
		if (pid < 0) {
			shared_error(env->sh, "owner: cannot fork owner process %u: %s", i, strerror(errno));
			_exit(1);
		}
		if (pid)
			continue;
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(1);
		run_owner(env, false);
	}
}

static void run_owner(const struct role_env *env, bool first)
{
	struct wl_shared *sh = env->sh;
	struct owner_thread *th;
	void *sharer = NULL;
	struct dmap m;
	char err[256];
	unsigned int i;

	if (map_file(env, &m, err, sizeof(err))) {
		shared_error(sh, "owner: %s", err);
		_exit(1);
	}
	/* process_vm_* from the sibling pinner needs ptrace access to us (Yama). */
	prctl(PR_SET_PTRACER, PR_SET_PTRACER_ANY, 0, 0, 0);
	install_sigbus(env, &m);
	if (first && env->sharer_fd >= 0)
		sharer = map_sharer(env);
	atomic_fetch_add(&sh->owners_ready, 1);
	if (first) {
		sh->owner_pid = getpid();
		atomic_store(&sh->owner_addr, (uint64_t)(uintptr_t)m.addr);
		wait_owners(env, &m);
	}
	while (!atomic_load(&sh->go) && !atomic_load(&sh->stop))
		sleep_ms(1);
	th = calloc(env->o->owner_threads, sizeof(*th));
	for (i = 0; th && i < env->o->owner_threads; i++) {
		th[i] = (struct owner_thread){
			.env = env, .map = &m, .idx = i, .writer = first && !m.private_ro,
		};
		if (pthread_create(&th[i].th, NULL, owner_thread, &th[i])) {
			shared_error(sh, "owner: cannot start thread %u", i);
			_exit(1);
		}
	}
	serve_commands(env, &m, first, sharer);
	for (i = 0; th && i < env->o->owner_threads; i++)
		pthread_join(th[i].th, NULL);
	_exit(first ? reap_owners(env) : 0);
}

void role_owner(const struct role_env *env)
{
	role_set_name("ds-owner");
	spawn_owners(env);
	run_owner(env, true);
}
