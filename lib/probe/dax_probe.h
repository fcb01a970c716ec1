/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Is this path on a DAX mount, and is this file DAX right now?  Every "no"
 * comes with a sentence in ->why that tells the user what to do.
 */
#ifndef DS_DAX_PROBE_H
#define DS_DAX_PROBE_H

#include <stdbool.h>

enum dax_mode {
	DAX_MOUNT_NONE,		/* no dax option: files are never DAX */
	DAX_MOUNT_ALWAYS,	/* -o dax or dax=always */
	DAX_MOUNT_INODE,	/* dax=inode: the per-file flag decides */
};

struct dax_info {
	enum dax_mode mode;
	bool statx_known;	/* the kernel reports STATX_ATTR_DAX */
	bool file_dax;		/* STATX_ATTR_DAX is set on the probed file */
	char fstype[32];
	char source[128];
	char mountpoint[256];
	char options[512];
	char why[512];
};

/* Mount-level probe of a file or directory. Returns 0 or -errno. */
int dax_probe_mount(const char *path, struct dax_info *info);
/*
 * The same with the mount table read from mountinfo (a file in the
 * /proc/self/mountinfo format; tests give a made-up one).
 */
int dax_probe_mount_table(const char *mountinfo, const char *path, struct dax_info *info);
/* Mount-level probe plus statx of an open file. */
int dax_probe_fd(int fd, const char *path, struct dax_info *info);
/* One-line description for logs: "ext4 on /dev/pmem0 (dax=always)". */
const char *dax_mode_name(enum dax_mode mode);

#endif
