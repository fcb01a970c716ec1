// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <libmount/libmount.h>

#include "dax_probe.h"
#include "../core/util.h"

#ifndef STATX_ATTR_DAX
#define STATX_ATTR_DAX 0x00200000
#endif

const char *dax_mode_name(enum dax_mode mode)
{
	switch (mode) {
	case DAX_MOUNT_ALWAYS:
		return "dax=always";
	case DAX_MOUNT_INODE:
		return "dax=inode";
	default:
		return "no dax";
	}
}

/*
 * What the dax mount option asks for. libmount finds the option and its
 * value the way mount(8) does; "dax" alone is the old spelling of always.
 */
static enum dax_mode mode_from_options(const char *opts)
{
	char *val = NULL;
	size_t len = 0;

	if (!opts || mnt_optstr_get_option(opts, "dax", &val, &len))
		return DAX_MOUNT_NONE;
	if (!val || (len == 6 && !strncmp(val, "always", 6)))
		return DAX_MOUNT_ALWAYS;
	if (len == 5 && !strncmp(val, "inode", 5))
		return DAX_MOUNT_INODE;
	return DAX_MOUNT_NONE;	/* dax=never */
}

static bool dax_never(const char *opts)
{
	char *val = NULL;
	size_t len = 0;

	return opts && !mnt_optstr_get_option(opts, "dax", &val, &len) &&
	       val && len == 5 && !strncmp(val, "never", 5);
}

static bool path_under(const char *path, const char *mnt)
{
	size_t n = strlen(mnt);

	if (!strcmp(mnt, "/"))
		return true;
	return !strncmp(path, mnt, n) && (path[n] == '/' || path[n] == '\0');
}

static void take_fs(struct libmnt_fs *fs, struct dax_info *info)
{
	const char *src = mnt_fs_get_source(fs);
	const char *vfs = mnt_fs_get_vfs_options(fs);
	const char *fso = mnt_fs_get_fs_options(fs);

	strscpy_trunc(info->mountpoint, mnt_fs_get_target(fs), sizeof(info->mountpoint));
	strscpy_trunc(info->fstype, mnt_fs_get_fstype(fs) ?: "", sizeof(info->fstype));
	/* mountinfo spells a missing source "none"; keep saying so */
	strscpy_trunc(info->source, src ?: "none", sizeof(info->source));
	/* both halves as the kernel shows them, so "rw" stays in twice */
	snprintf(info->options, sizeof(info->options), "%s,%s", vfs ?: "", fso ?: "");
}

/*
 * The mount with the same device and the longest mount point that is a
 * prefix of the path (bind mounts share a device). Not
 * mnt_table_find_mountpoint(), which goes by the path alone: the device
 * is what tells an over-mounted mount point's old entry from the mount
 * the path really is on.
 */
static struct libmnt_fs *find_mount(struct libmnt_table *tb, dev_t dev, const char *real)
{
	struct libmnt_iter *it = mnt_new_iter(MNT_ITER_FORWARD);
	struct libmnt_fs *fs, *best = NULL;
	size_t best_len = 0;

	if (!it)
		return NULL;
	while (mnt_table_next_fs(tb, it, &fs) == 0) {
		const char *target = mnt_fs_get_target(fs);

		if (mnt_fs_get_devno(fs) != dev || !target || !path_under(real, target))
			continue;
		if (best && strlen(target) < best_len)
			continue;
		best = fs;
		best_len = strlen(target);
	}
	mnt_free_iter(it);
	return best;
}

/*
 * virtiofs is DAX only through a DAX window the host maps into the guest
 * (a virtio-fs shared memory region); without one, -o dax=always fails with
 * EINVAL and dax=inode mounts but never makes a file DAX.
 */
#define VIRTIOFS_NO_WINDOW \
	"the virtio-fs device offers no DAX window (kernel: \"dax can't be enabled as filesystem device does not support it\"); daxstress vm --fs virtiofs provides one (make virtiofs-prep)"

static bool is_virtiofs(const struct dax_info *info)
{
	return !strcmp(info->fstype, "virtiofs");
}

static void explain_virtiofs(struct dax_info *info, const char *path)
{
	snprintf(info->why, sizeof(info->why),
		 "%s is on virtiofs (%s at %s, %s): files are not DAX: %s",
		 path, info->source, info->mountpoint, dax_mode_name(info->mode),
		 VIRTIOFS_NO_WINDOW);
}

/* The device's queue/dax (1: it can back DAX files); false when unknown. */
static bool bdev_dax(dev_t dev)
{
	char path[96], buf[8] = "";

	snprintf(path, sizeof(path), "/sys/dev/block/%u:%u/queue/dax", major(dev), minor(dev));
	return read_text_file(path, buf, sizeof(buf)) > 0 && buf[0] == '1';
}

/*
 * xfs's default is dax=inode and it lists no dax option for it, so an xfs
 * mount on a DAX-capable device without dax=never is a dax=inode mount.
 */
static void xfs_default_inode(struct dax_info *info, dev_t dev)
{
	if (info->mode == DAX_MOUNT_NONE && !strcmp(info->fstype, "xfs") &&
	    !dax_never(info->options) && bdev_dax(dev))
		info->mode = DAX_MOUNT_INODE;
}

static void explain_mount(struct dax_info *info, const char *path)
{
	if (is_virtiofs(info) && info->mode != DAX_MOUNT_ALWAYS) {
		explain_virtiofs(info, path);
		return;
	}
	switch (info->mode) {
	case DAX_MOUNT_NONE:
		snprintf(info->why, sizeof(info->why),
			 "%s is on %s (%s, mounted at %s) without a dax mount option: mount a pmem-backed ext4 with -o dax or xfs with -o dax=always, or use `daxstress vm` for an emulated NVDIMM",
			 path, info->fstype, info->source, info->mountpoint);
		break;
	case DAX_MOUNT_INODE:
		snprintf(info->why, sizeof(info->why),
			 "%s is on a dax=inode mount (%s at %s): files are DAX only with the per-file DAX flag (chattr +x on the directory)",
			 path, info->fstype, info->mountpoint);
		break;
	default:
		info->why[0] = '\0';
	}
}

int dax_probe_mount_table(const char *mountinfo, const char *path, struct dax_info *info)
{
	struct libmnt_table *tb = NULL;
	struct libmnt_fs *fs;
	char real[PATH_MAX];
	struct stat st;
	int ret;

	memset(info, 0, sizeof(*info));
	if (!realpath(path, real) || stat(real, &st)) {
		ret = -errno;
		snprintf(info->why, sizeof(info->why), "%s: %s", path, strerror(-ret));
		return ret;
	}
	tb = mnt_new_table();
	ret = tb ? mnt_table_parse_file(tb, mountinfo) : -ENOMEM;
	if (ret) {
		snprintf(info->why, sizeof(info->why),
			 "cannot read %s: %s (is /proc mounted?)", mountinfo, strerror(-ret));
		ret = -ENOENT;
		goto out;
	}
	fs = find_mount(tb, st.st_dev, real);
	if (!fs) {
		snprintf(info->why, sizeof(info->why),
			 "%s: no mount found for it in %s", path, mountinfo);
		ret = -ENOENT;
		goto out;
	}
	take_fs(fs, info);
	info->mode = mode_from_options(info->options);
	xfs_default_inode(info, st.st_dev);
	explain_mount(info, path);
out:
	mnt_unref_table(tb);
	return ret;
}

int dax_probe_mount(const char *path, struct dax_info *info)
{
	return dax_probe_mount_table("/proc/self/mountinfo", path, info);
}

int dax_probe_fd(int fd, const char *path, struct dax_info *info)
{
	struct statx stx;
	int ret;

	ret = dax_probe_mount(path, info);
	if (ret)
		return ret;
	if (statx(fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &stx))
		return -errno;
	info->statx_known = stx.stx_attributes_mask & STATX_ATTR_DAX;
	info->file_dax = stx.stx_attributes & STATX_ATTR_DAX;
	if (info->file_dax) {
		info->why[0] = '\0';
	} else if (!info->statx_known) {
		snprintf(info->why, sizeof(info->why),
			 "%s: the kernel does not report STATX_ATTR_DAX (needs 5.8 or later), so whether the file is DAX cannot be checked", path);
	} else if (is_virtiofs(info)) {
		explain_virtiofs(info, path);
	} else if (info->mode == DAX_MOUNT_ALWAYS) {
		snprintf(info->why, sizeof(info->why),
			 "%s: the mount asks for DAX but the file is not DAX: the kernel silently fell back (check dmesg, the block size must equal the page size and the device must support DAX)", path);
	} else if (info->mode == DAX_MOUNT_NONE) {
		explain_mount(info, path);
	}
	return 0;
}
