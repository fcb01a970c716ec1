// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <sys/ioctl.h>
#include <sys/stat.h>

#include "fsxattr.h"

#ifndef STATX_ATTR_DAX
#define STATX_ATTR_DAX 0x00200000
#endif

static int get(int fd, struct fsxattr *fa)
{
	return ioctl(fd, FS_IOC_FSGETXATTR, fa) ? -errno : 0;
}

static int set(int fd, struct fsxattr *fa)
{
	return ioctl(fd, FS_IOC_FSSETXATTR, fa) ? -errno : 0;
}

int fsx_set_dax(int fd, bool on)
{
	struct fsxattr fa;
	int ret = get(fd, &fa);

	if (ret)
		return ret;
	if (on)
		fa.fsx_xflags |= FS_XFLAG_DAX;
	else
		fa.fsx_xflags &= ~FS_XFLAG_DAX;
	return set(fd, &fa);
}

int fsx_get_dax(int fd)
{
	struct fsxattr fa;
	int ret = get(fd, &fa);

	return ret ? ret : !!(fa.fsx_xflags & FS_XFLAG_DAX);
}

int fsx_set_extsize(int fd, uint32_t bytes)
{
	struct fsxattr fa;
	int ret = get(fd, &fa);

	if (ret)
		return ret;
	fa.fsx_xflags |= FS_XFLAG_EXTSIZE;
	fa.fsx_extsize = bytes;
	return set(fd, &fa);
}

int fsx_statx_dax(int fd)
{
	struct statx stx;

	if (statx(fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &stx))
		return -errno;
	return !!(stx.stx_attributes & STATX_ATTR_DAX);
}
