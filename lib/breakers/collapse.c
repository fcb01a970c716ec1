// SPDX-License-Identifier: GPL-2.0
/*
 * collapse, insert: fallocate COLLAPSE_RANGE removes a range and shifts the
 * rest of the file down; INSERT_RANGE opens a hole and shifts it up. Each
 * op restores the file size afterwards, so the region keeps its extent.
 * Both break layouts on ext4 and xfs (fuse refuses them: EOPNOTSUPP).
 */
#include <errno.h>
#include <fcntl.h>

#include "breaker.h"

/* A range that starts in the break region and ends before EOF, as collapse needs. */
static void pick(struct brk_env *env, struct rng *rng, uint64_t *off, uint64_t *len)
{
	brk_pick_range(env, rng, off, len);
	if (*off + *len >= env->size)
		*len = env->size - *off - 4096;
	if (!*len) {
		*off -= 4096;
		*len = 4096;
	}
}

/* Shift part of the file with mode, then put the size back. */
static int shift_op(struct brk_env *env, struct rng *rng, int mode)
{
	uint64_t off, len;
	int ret;

	pick(env, rng, &off, &len);
	ret = brk_fallocate(env, mode, off, len);
	/*
	 * With several breakers, another one may have shifted the file and
	 * not yet put the size back: the block-aligned range then reaches
	 * past EOF (EINVAL, measured with breakers = 2). Put the size back.
	 */
	if (ret == -EINVAL && env->o->breakers > 1)
		ret = 0;
	return ret ? ret : brk_resize(env, env->size);
}

static int collapse_op(struct brk_env *env, struct rng *rng)
{
	return shift_op(env, rng, FALLOC_FL_COLLAPSE_RANGE);
}

static int insert_op(struct brk_env *env, struct rng *rng)
{
	return shift_op(env, rng, FALLOC_FL_INSERT_RANGE);
}

static const struct brk_ops brk_collapse_ops = {
	.name = "collapse",
	.help = "fallocate COLLAPSE_RANGE of random ranges, then regrow",
	.op = collapse_op,
	.final = brk_final_truncate,
};

static const struct brk_ops brk_insert_ops = {
	.name = "insert",
	.help = "fallocate INSERT_RANGE of random ranges, then truncate back",
	.op = insert_op,
	.final = brk_final_truncate,
};

BREAKER(brk_collapse_ops);
BREAKER(brk_insert_ops);
