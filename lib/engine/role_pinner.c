// SPDX-License-Identifier: GPL-2.0
/*
 * The pinner process: runs the pin source's cycle in o->threads threads.
 * The monitor's first proof step kills this whole process, which releases
 * every pin it holds.
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lockstep.h"
#include "mapping.h"
#include "roles.h"

struct pinner {
	const struct role_env *env;
	struct pin_env penv;
	void *priv;
};

struct pinner_thread {
	struct pinner *p;
	struct pin_thread t;
	pthread_t th;
};

/*
 * Proof step 1: stay parked, mappings kept, until the end, or until the
 * monitor found the wait legitimate and resumes the case (true).
 */
static bool park(struct wl_shared *sh, struct hb_slot *hb)
{
	if (!atomic_load(&sh->pin_park))
		return false;
	hb_set_state(hb, HB_IDLE);
	atomic_fetch_add(&sh->pin_parked, 1);
	while (!atomic_load(&sh->stop) && atomic_load(&sh->pin_park))
		sleep_ms(2);
	if (atomic_load(&sh->stop))
		return false;
	hb_set_state(hb, HB_ACTIVE);
	atomic_fetch_sub(&sh->pin_parked, 1);
	return true;
}

static void *pinner_thread(void *arg)
{
	struct pinner_thread *pt = arg;
	struct pinner *p = pt->p;
	const struct pin_ops *ops = p->env->pin;
	struct wl_shared *sh = p->env->sh;
	char name[24];
	int ret = 0;

	snprintf(name, sizeof(name), "pin.%u", pt->t.idx);
	pt->t.hb = hb_register(&sh->hb, ROLE_PINNER, name);
	rng_seed(&pt->t.rng, p->env->o->seed, 0x100 + pt->t.idx);
	if (ops->thread_init)
		ret = ops->thread_init(&p->penv, p->priv, &pt->t);
	while (!ret) {
		while (!ret && ls_pin_enter(p->env->o, sh, ops->flags & PIN_F_MARKS)) {
			hb_op_begin(pt->t.hb);
			ret = ops->pin(&p->penv, p->priv, &pt->t);
			hb_op_end(pt->t.hb);
			ls_pin_leave(p->env->o, sh, ops->flags & PIN_F_MARKS);
		}
		if (ret || !park(sh, pt->t.hb))
			break;
	}
	if (ret)
		shared_error(sh, "pinner %s: %s failed: %s", name, ops->name, strerror(-ret));
	hb_set_state(pt->t.hb, HB_DONE);
	if (ops->thread_exit)
		ops->thread_exit(&p->penv, p->priv, &pt->t);
	return NULL;
}

void role_pinner(const struct role_env *env)
{
	struct pinner p = { .env = env };
	struct dmap map = { 0 };
	struct pinner_thread *th;
	char err[256] = "";
	unsigned int i;
	int ret;

	role_set_name("ds-pin");
	p.penv = (struct pin_env){
		.o = env->o, .sh = env->sh, .fd = env->fd, .path = env->path, .dax = env->dax,
		.size = env->size, .brk_start = env->brk_start,
		.target_fd = env->target_fd, .target_writable = env->target_writable,
		.target_size = env->target_size,
	};
	while (!atomic_load(&env->sh->owner_ready) && !atomic_load(&env->sh->stop))
		sleep_ms(1);
	if ((env->pin->flags & PIN_F_MAP) &&
	    dmap_open(&map, env->fd, env->size, env->o->align, env->dax, err, sizeof(err))) {
		shared_error(env->sh, "pinner: %s", err);
		_exit(1);
	}
	p.penv.map = map.addr;
	if (env->pin->setup) {
		ret = env->pin->setup(&p.penv, &p.priv, err, sizeof(err));
		if (ret) {
			shared_error(env->sh, "pinner: %s setup: %s", env->pin->name, err);
			_exit(1);
		}
	}
	atomic_store(&env->sh->pinner_ready, 1);
	while (!atomic_load(&env->sh->go) && !atomic_load(&env->sh->stop))
		sleep_ms(1);
	th = calloc(env->o->threads, sizeof(*th));
	for (i = 0; th && i < env->o->threads; i++) {
		th[i].p = &p;
		th[i].t.idx = i;
		if (pthread_create(&th[i].th, NULL, pinner_thread, &th[i])) {
			shared_error(env->sh, "pinner: cannot start thread %u", i);
			_exit(1);
		}
	}
	for (i = 0; th && i < env->o->threads; i++)
		pthread_join(th[i].th, NULL);
	if (env->pin->teardown)
		env->pin->teardown(&p.penv, p.priv);
	_exit(0);
}
