/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The scratch filesystem: a DAX-capable block device that the user named
 * for mounting and unmounting (the umount breaker drops inodes by
 * unmounting it). daxstress never formats it: it must already hold ext4 or
 * xfs, and must not be mounted anywhere else.
 */
#ifndef DS_SCRATCH_H
#define DS_SCRATCH_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

/* Where the device comes from when the case does not name one. */
#define SCRATCH_DEV_ENV "DAXSTRESS_SCRATCH_DEV"

struct scratch {
	char dev[PATH_MAX];
	char mnt[PATH_MAX];	/* a private mkdtemp() directory */
	const char *fstype;	/* the type the first mount found */
	bool mounted;
};

/*
 * Check dev (a block device, mounted nowhere) and make the mount point.
 * 0, or -errno with a sentence saying what to do in err.
 */
int scratch_open(struct scratch *s, const char *dev, char *err, size_t len);
/* Mount with dax=always. 0, or -errno with a sentence in err. */
int scratch_mount(struct scratch *s, char *err, size_t len);
/* Unmount; this is where the kernel evicts every inode. 0 or -errno. */
int scratch_umount(struct scratch *s);
/* Unmount if mounted and remove the mount point. */
void scratch_close(struct scratch *s);

#endif
