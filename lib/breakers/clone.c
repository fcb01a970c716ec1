// SPDX-License-Identifier: GPL-2.0
/*
 * clone: FICLONERANGE of a random range from a second DAX file into the case
 * file. xfs breaks the layouts of both inodes first
 * (xfs_reflink_remap_prep -> xfs_ilock2_io_mmap): the lower-numbered inode
 * sleeps in xfs_break_dax_layouts, the other busy-retries. ext4 has no
 * reflink; xfs needs reflink=1 and a kernel that allows it with DAX.
 */
#include <errno.h>
#include <linux/fs.h>
#include <sys/ioctl.h>

#include "breaker.h"

static int clone_op(struct brk_env *env, struct rng *rng)
{
	struct brk_remap *r = brk_remap_get(env, "clone");
	struct file_clone_range fcr;
	uint64_t off, len;
	int ret;

	if (!r)
		return -EINVAL;
	brk_pick_range(env, rng, &off, &len);
	fcr = (struct file_clone_range){
		.src_fd = r->sibling, .src_offset = off, .src_length = len, .dest_offset = off,
	};
	ret = ioctl(env->fd, FICLONERANGE, &fcr) ? -errno : 0;
	return brk_remap_result(env, r, "FICLONERANGE", ret);
}

static const struct brk_ops brk_clone_ops = {
	.name = "clone",
	.flags = BRK_F_KEEPS_SIZE,
	.help = "FICLONERANGE random ranges of a second DAX file into the case file (xfs reflink)",
	.op = clone_op,
	.final = brk_final_truncate,
};

BREAKER(brk_clone_ops);
