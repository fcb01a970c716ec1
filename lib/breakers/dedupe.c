// SPDX-License-Identifier: GPL-2.0
/*
 * dedupe: FIDEDUPERANGE of a random range of the case file against the same
 * range of a second DAX file. xfs breaks both inodes' layouts before it
 * compares the contents, so the break happens whether or not the ranges
 * match (they rarely do: the owner keeps rewriting the case file).
 */
#include <errno.h>
#include <linux/fs.h>
#include <sys/ioctl.h>

#include "breaker.h"

struct dedupe_one {
	struct file_dedupe_range r;
	struct file_dedupe_range_info info;
};

static int dedupe_op(struct brk_env *env, struct rng *rng)
{
	struct brk_remap *r = brk_remap_get(env, "dedupe");
	struct dedupe_one d = { 0 };
	uint64_t off, len;
	int ret;

	if (!r)
		return -EINVAL;
	brk_pick_range(env, rng, &off, &len);
	d.r.src_offset = off;
	d.r.src_length = len;
	d.r.dest_count = 1;
	d.info.dest_fd = r->sibling;
	d.info.dest_offset = off;
	ret = ioctl(env->fd, FIDEDUPERANGE, &d) ? -errno : 0;
	/* A per-destination failure comes back in status, not in errno. */
	if (!ret && d.info.status < 0)
		ret = d.info.status;
	return brk_remap_result(env, r, "FIDEDUPERANGE", ret);
}

static const struct brk_ops brk_dedupe_ops = {
	.name = "dedupe",
	.flags = BRK_F_KEEPS_SIZE,
	.help = "FIDEDUPERANGE random ranges of the case file against a second DAX file (xfs reflink)",
	.op = dedupe_op,
	.final = brk_final_truncate,
};

BREAKER(brk_dedupe_ops);
