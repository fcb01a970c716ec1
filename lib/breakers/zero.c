// SPDX-License-Identifier: GPL-2.0
/*
 * zero: fallocate(ZERO_RANGE|KEEP_SIZE) of a random range. ext4 breaks
 * layouts only when at least one whole block is zeroed; ranges here are
 * whole pages.
 */
#include <fcntl.h>

#include "breaker.h"

#define ZERO (FALLOC_FL_ZERO_RANGE | FALLOC_FL_KEEP_SIZE)

static int zero_op(struct brk_env *env, struct rng *rng)
{
	return brk_fallocate_random(env, rng, ZERO);
}

static int zero_final(struct brk_env *env)
{
	return brk_fallocate_region(env, ZERO);
}

static const struct brk_ops brk_zero_ops = {
	.name = "zero",
	.flags = BRK_F_KEEPS_SIZE,
	.help = "fallocate ZERO_RANGE|KEEP_SIZE of random ranges",
	.op = zero_op,
	.final = zero_final,
};

BREAKER(brk_zero_ops);
