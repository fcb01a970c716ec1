// SPDX-License-Identifier: GPL-2.0
/*
 * pvm, pvm-write: process_vm_readv/writev from the pinner process against
 * the mapping owner's DAX pages. The kernel pins the *remote* pages
 * (pin_user_pages_remote, FOLL_PIN) for one batch of the copy and releases
 * them through unpin_user_pages_dirty_lock -> gup_put_folio.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>

#include "../core/pattern.h"
#include "pin.h"

static int pvm_thread_init(struct pin_env *env, void *priv, struct pin_thread *t)
{
	(void)priv;
	t->local = calloc(1, env->o->pin_size);
	return t->local ? 0 : -ENOMEM;
}

static void pvm_thread_exit(struct pin_env *env, void *priv, struct pin_thread *t)
{
	(void)env;
	(void)priv;
	free(t->local);
}

static int pvm_copy(struct pin_env *env, struct pin_thread *t, bool write)
{
	uint64_t len = env->o->pin_size;
	uint64_t off = pin_pick_offset(env, &t->rng, len);
	uint64_t base = atomic_load(&env->sh->owner_addr);
	struct iovec local = { t->local, len };
	struct iovec remote = { (void *)(uintptr_t)(base + off), len };
	ssize_t n;

	if (write)
		n = process_vm_writev(env->sh->owner_pid, &local, 1, &remote, 1, 0);
	else
		n = process_vm_readv(env->sh->owner_pid, &local, 1, &remote, 1, 0);
	/* EFAULT: truncated range; ESRCH: the owner is gone (the monitor judges that) */
	return pin_io_result(env, n < 0 ? -errno : n);
}

static int pvm_read(struct pin_env *env, void *priv, struct pin_thread *t)
{
	(void)priv;
	return pvm_copy(env, t, false);
}

static int pvm_write(struct pin_env *env, void *priv, struct pin_thread *t)
{
	(void)priv;
	return pvm_copy(env, t, true);
}

static const struct pin_ops pin_pvm_ops = {
	.name = "pvm",
	.help = "process_vm_readv of the owner's DAX pages (FOLL_PIN, remote)",
	.thread_init = pvm_thread_init,
	.pin = pvm_read,
	.thread_exit = pvm_thread_exit,
};

static const struct pin_ops pin_pvm_write_ops = {
	.name = "pvm-write",
	.help = "process_vm_writev into the owner's DAX pages (FOLL_PIN|FOLL_WRITE)",
	.thread_init = pvm_thread_init,
	.pin = pvm_write,
	.thread_exit = pvm_thread_exit,
};

PIN_SOURCE(pin_pvm_ops);
PIN_SOURCE(pin_pvm_write_ops);
