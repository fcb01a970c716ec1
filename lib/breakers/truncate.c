// SPDX-License-Identifier: GPL-2.0
/*
 * truncate: shrink the file to a random size inside the break region, then
 * grow it back. Every ATTR_SIZE change goes through the filesystem's
 * break-layouts (ext4_setattr, xfs_vn_setattr, fuse_do_setattr).
 */
#include "breaker.h"

static int truncate_op(struct brk_env *env, struct rng *rng)
{
	uint64_t pages = (env->size - env->brk_start) / 4096;
	int ret = brk_resize(env, env->brk_start + rng_below(rng, pages) * 4096);

	return ret ? ret : brk_resize(env, env->size);
}

static const struct brk_ops brk_truncate_ops = {
	.name = "truncate",
	.help = "ftruncate down into the break region, then back up",
	.op = truncate_op,
	.final = brk_final_truncate,
};

BREAKER(brk_truncate_ops);
