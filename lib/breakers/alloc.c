// SPDX-License-Identifier: GPL-2.0
/*
 * alloc, unshare: fallocate modes that break layouts on xfs only (xfs
 * breaks them for every fallocate mode; ext4 does not for plain allocate
 * and has no UNSHARE_RANGE). alloc punches a range first so the allocation
 * has work to do.
 */
#include <fcntl.h>

#include "breaker.h"

static int alloc_op(struct brk_env *env, struct rng *rng)
{
	uint64_t off, len;
	int ret;

	brk_pick_range(env, rng, &off, &len);
	ret = brk_fallocate(env, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, off, len);
	return ret ? ret : brk_fallocate(env, 0, off, len);
}

static int unshare_op(struct brk_env *env, struct rng *rng)
{
	return brk_fallocate_random(env, rng, FALLOC_FL_UNSHARE_RANGE | FALLOC_FL_KEEP_SIZE);
}

static const struct brk_ops brk_alloc_ops = {
	.name = "alloc",
	.flags = BRK_F_KEEPS_SIZE,
	.help = "punch then fallocate (plain allocate) random ranges; breaks layouts on xfs",
	.op = alloc_op,
	.final = brk_final_truncate,
};

static const struct brk_ops brk_unshare_ops = {
	.name = "unshare",
	.flags = BRK_F_KEEPS_SIZE,
	.help = "fallocate UNSHARE_RANGE of random ranges (xfs with reflink)",
	.op = unshare_op,
	.final = brk_final_truncate,
};

BREAKER(brk_alloc_ops);
BREAKER(brk_unshare_ops);
