// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <string.h>

#include "../engine/lockstep.h"
#include "pin.h"

const struct pin_ops *pin_find(const char *name)
{
	const struct pin_ops *const *p;

	for_each_pin(p)
		if (!strcmp((*p)->name, name))
			return *p;
	return NULL;
}

const char *pin_names(void)
{
	static char buf[512];
	const char *names[64];
	const struct pin_ops *const *p;
	size_t n = 0;

	if (buf[0])
		return buf;
	for_each_pin(p)
		if (n < ARRAY_SIZE(names))
			names[n++] = (*p)->name;
	join_sorted(names, n, buf, sizeof(buf));
	return buf;
}

void pin_label(const struct case_opts *o, char *buf, size_t len)
{
	const struct pin_ops *p = pin_find(o->pin);

	if (p && p->label)
		p->label(o, buf, len);
	else
		strscpy_trunc(buf, o->pin, len);
}

uint64_t pin_pick_target(const struct pin_env *env, struct rng *rng, uint64_t len)
{
	return rng_below(rng, (env->target_size - len) / 4096 + 1) * 4096;
}

void pin_mark_pinned(struct pin_env *env)
{
	ls_mark_pinned(env->o, env->sh);
}

int pin_io_result(struct pin_env *env, long res)
{
	if (res >= 0)
		return 0;
	if (res == -EFAULT || res == -EINTR || res == -ESRCH) {
		atomic_fetch_add(&env->sh->pin_efault, 1);
		return 0;
	}
	return (int)res;
}

/*
 * An asynchronous request's completion. Before 5.15 or so, a block device's
 * direct I/O that failed to pin part of its buffer (the range was truncated
 * under it: EFAULT) completed with BLK_STS_IOERR, i.e. -EIO (measured on
 * Debian 5.10: aio and io_uring truncate cases). The target is a null_blk or
 * a file the case made, which report no I/O errors of their own.
 */
int pin_async_result(struct pin_env *env, long res)
{
	return pin_io_result(env, res == -EIO ? -EFAULT : res);
}

uint64_t pin_pick_offset(const struct pin_env *env, struct rng *rng, uint64_t len)
{
	uint64_t span = env->size - env->brk_start;
	uint64_t pages = span > len ? (span - len) / 4096 + 1 : 1;

	return env->brk_start + rng_below(rng, pages) * 4096;
}
