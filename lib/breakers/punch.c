// SPDX-License-Identifier: GPL-2.0
/*
 * punch: fallocate(PUNCH_HOLE|KEEP_SIZE) of a random range of the break
 * region. The size stays, so mappings of the file stay valid.
 */
#include <errno.h>
#include <fcntl.h>

#include "../breaker.h"

static int punch(int fd, uint64_t off, uint64_t len)
{
	if (fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
		      (off_t)off, (off_t)len))
		return -errno;
	return 0;
}

static int punch_op(struct brk_env *env, struct rng *rng)
{
	uint64_t off, len;

	brk_pick_range(env, rng, &off, &len);
	return punch(env->fd, off, len);
}

static int punch_final(struct brk_env *env)
{
	return punch(env->fd, env->brk_start, env->size - env->brk_start);
}

const struct brk_ops brk_punch_ops = {
	.name = "punch",
	.help = "fallocate PUNCH_HOLE|KEEP_SIZE of random ranges",
	.op = punch_op,
	.final = punch_final,
};
