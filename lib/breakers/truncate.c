// SPDX-License-Identifier: GPL-2.0
/*
 * truncate: shrink the file by up to break-size (never below the break
 * region's start), then grow it back. Every ATTR_SIZE change goes through
 * the filesystem's break-layouts (ext4_setattr, xfs_vn_setattr,
 * fuse_do_setattr), and those scan the whole file: a short cut off the end
 * meets every pin in flight while leaving the rest of the file pinnable, so
 * small cuts collide far more often than deep ones, whose pins fail with
 * EFAULT until the file is grown back.
 */
#include "breaker.h"

static int truncate_op(struct brk_env *env, struct rng *rng)
{
	uint64_t pages = (env->size - env->brk_start) / 4096;
	uint64_t most = env->o->break_size / 4096;
	uint64_t cut = 1 + rng_below(rng, pages < most ? pages : most);
	int ret = brk_resize(env, env->size - cut * 4096);

	return ret ? ret : brk_resize(env, env->size);
}

static const struct brk_ops brk_truncate_ops = {
	.name = "truncate",
	.help = "ftruncate down by up to break-size (inside the break region), then back up",
	.op = truncate_op,
	.final = brk_final_truncate,
};

BREAKER(brk_truncate_ops);
