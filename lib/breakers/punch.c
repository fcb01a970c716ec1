// SPDX-License-Identifier: GPL-2.0
/*
 * punch: fallocate(PUNCH_HOLE|KEEP_SIZE) of a random range of the break
 * region. The size stays, so mappings of the file stay valid.
 */
#include <fcntl.h>

#include "breaker.h"

#define PUNCH (FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE)

static int punch_op(struct brk_env *env, struct rng *rng)
{
	return brk_fallocate_random(env, rng, PUNCH);
}

static int punch_final(struct brk_env *env)
{
	return brk_fallocate_region(env, PUNCH);
}

static const struct brk_ops brk_punch_ops = {
	.name = "punch",
	.flags = BRK_F_KEEPS_SIZE,
	.help = "fallocate PUNCH_HOLE|KEEP_SIZE of random ranges",
	.op = punch_op,
	.final = punch_final,
};

BREAKER(brk_punch_ops);
