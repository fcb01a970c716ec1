/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-file attributes through FS_IOC_FSGETXATTR/FS_IOC_FSSETXATTR: the DAX
 * flag (the dax=inode policy; the kernel applies a change when the inode is
 * next loaded, never under a live mapping) and the xfs extent size hint.
 */
#ifndef DS_FSXATTR_H
#define DS_FSXATTR_H

#include <stdbool.h>
#include <stdint.h>

/* Set or clear FS_XFLAG_DAX. 0 or -errno. */
int fsx_set_dax(int fd, bool on);
/* The FS_XFLAG_DAX policy bit: 1, 0 or -errno. */
int fsx_get_dax(int fd);
/* Extent size hint in bytes (xfs; before the file has extents). -errno. */
int fsx_set_extsize(int fd, uint32_t bytes);
/* STATX_ATTR_DAX of the open file: 1, 0, or -errno. */
int fsx_statx_dax(int fd);

#endif
