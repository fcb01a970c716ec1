// SPDX-License-Identifier: GPL-2.0
/*
 * exchange: XFS_IOC_EXCHANGE_RANGE (Linux 6.10+) swaps a random range of
 * the case file with the same range of a second DAX file. It locks both
 * inodes through xfs_ilock2_io_mmap, which breaks both layouts like clone.
 * Older kernels answer ENOTTY; newer ones answer EOPNOTSUPP unless the
 * filesystem carries the exchange-range feature (xfs_has_exchange_range:
 * mkfs.xfs -i exchange=1, xfsprogs 6.10+). Both are a SKIP that says so.
 */
#include <errno.h>
#include <linux/types.h>
#include <sys/ioctl.h>

#include "breaker.h"

/* The uapi of xfs_fs.h; Debian 12's headers predate it. */
#ifndef XFS_IOC_EXCHANGE_RANGE
struct xfs_exchange_range {
	__s32 file1_fd;
	__u32 pad;
	__u64 file1_offset;
	__u64 file2_offset;
	__u64 length;
	__u64 flags;
};

#define XFS_IOC_EXCHANGE_RANGE _IOW('X', 129, struct xfs_exchange_range)
#endif

static int exchange_op(struct brk_env *env, struct rng *rng)
{
	struct brk_remap *r = brk_remap_get(env, "exchange");
	struct xfs_exchange_range x;
	uint64_t off, len;
	int ret;

	if (!r)
		return -EINVAL;
	brk_pick_range(env, rng, &off, &len);
	x = (struct xfs_exchange_range){
		.file1_fd = r->sibling, .file1_offset = off, .file2_offset = off, .length = len,
	};
	/* The ioctl's file is file2: the case file. */
	ret = ioctl(env->fd, XFS_IOC_EXCHANGE_RANGE, &x) ? -errno : 0;
	if (ret == -EOPNOTSUPP && !r->ops)
		return brk_unsupported(env, ret, "XFS_IOC_EXCHANGE_RANGE refused on the first try with EOPNOTSUPP: the filesystem lacks the exchange-range feature (mkfs.xfs -i exchange=1 needs xfsprogs 6.10 or later, which daxstress vm --fs xfs-exchange brings; ext4 has no exchange-range)");
	return brk_remap_result(env, r, "XFS_IOC_EXCHANGE_RANGE", ret);
}

static const struct brk_ops brk_exchange_ops = {
	.name = "exchange",
	.flags = BRK_F_KEEPS_SIZE,
	.help = "XFS_IOC_EXCHANGE_RANGE random ranges with a second DAX file (xfs, Linux 6.10+)",
	.op = exchange_op,
	.final = brk_final_truncate,
};

BREAKER(brk_exchange_ops);
