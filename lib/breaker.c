// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

#include "breaker.h"

const struct brk_ops *brk_find(const char *name)
{
	const struct brk_ops *const *b;

	for_each_breaker(b)
		if (!strcmp((*b)->name, name))
			return *b;
	return NULL;
}

const char *brk_names(void)
{
	static char buf[512];
	const char *names[64];
	const struct brk_ops *const *b;
	size_t n = 0;

	if (buf[0])
		return buf;
	for_each_breaker(b)
		if (n < ARRAY_SIZE(names))
			names[n++] = (*b)->name;
	join_sorted(names, n, buf, sizeof(buf));
	return buf;
}

int brk_fallocate(const struct brk_env *env, int mode, uint64_t off, uint64_t len)
{
	return fallocate(env->fd, mode, (off_t)off, (off_t)len) ? -errno : 0;
}

int brk_fallocate_random(struct brk_env *env, struct rng *rng, int mode)
{
	uint64_t off, len;

	brk_pick_range(env, rng, &off, &len);
	return brk_fallocate(env, mode, off, len);
}

int brk_fallocate_region(struct brk_env *env, int mode)
{
	return brk_fallocate(env, mode, env->brk_start, env->size - env->brk_start);
}

int brk_resize(const struct brk_env *env, uint64_t size)
{
	return ftruncate(env->fd, (off_t)size) ? -errno : 0;
}

int brk_final_truncate(struct brk_env *env)
{
	int ret = brk_resize(env, env->brk_start);

	return ret ? ret : brk_resize(env, env->size);
}

void brk_pick_range(const struct brk_env *env, struct rng *rng,
		    uint64_t *off, uint64_t *len)
{
	uint64_t pages = (env->size - env->brk_start) / 4096;
	uint64_t first = rng_below(rng, pages);
	uint64_t max = pages - first, most = env->o->break_size / 4096;

	*off = env->brk_start + first * 4096;
	*len = (1 + rng_below(rng, max < most ? max : most)) * 4096;
}
