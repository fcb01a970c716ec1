// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "dax_probe.h"
#include "util.h"

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

static bool has_option(const char *opts, const char *want)
{
	size_t n = strlen(want);
	const char *p = opts;

	while (p && *p) {
		if (!strncmp(p, want, n) && (p[n] == ',' || p[n] == '\0'))
			return true;
		p = strchr(p, ',');
		if (p)
			p++;
	}
	return false;
}

static enum dax_mode mode_from_options(const char *opts)
{
	if (has_option(opts, "dax") || has_option(opts, "dax=always"))
		return DAX_MOUNT_ALWAYS;
	if (has_option(opts, "dax=inode"))
		return DAX_MOUNT_INODE;
	return DAX_MOUNT_NONE;
}

/* Unescape the octal escapes (\040 for space) that mountinfo uses. */
static void unescape(char *s)
{
	char *d = s;

	while (*s) {
		if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' &&
		    s[2] >= '0' && s[2] <= '7' && s[3] >= '0' && s[3] <= '7') {
			*d++ = (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0'));
			s += 4;
		} else {
			*d++ = *s++;
		}
	}
	*d = '\0';
}

static bool path_under(const char *path, const char *mnt)
{
	size_t n = strlen(mnt);

	if (!strcmp(mnt, "/"))
		return true;
	return !strncmp(path, mnt, n) && (path[n] == '/' || path[n] == '\0');
}

/*
 * Pick the mountinfo line with the same device and the longest mount point
 * that is a prefix of the path (bind mounts share a device).
 */
static int parse_mountinfo_line(char *line, dev_t dev, const char *real,
				struct dax_info *info, size_t *best)
{
	char mnt[PATH_MAX], mopts[512], fstype[64], source[256], sopts[512];
	unsigned int maj, min;
	char *dash;
	size_t len;

	if (sscanf(line, "%*u %*u %u:%u %*s %4095s %511s", &maj, &min, mnt, mopts) != 4)
		return 0;
	dash = strstr(line, " - ");
	if (!dash || sscanf(dash + 3, "%63s %255s %511s", fstype, source, sopts) != 3)
		return 0;
	if (makedev(maj, min) != dev)
		return 0;
	unescape(mnt);
	if (!path_under(real, mnt))
		return 0;
	len = strlen(mnt);
	if (*best && len < *best)
		return 0;
	*best = len;
	strscpy_trunc(info->mountpoint, mnt, sizeof(info->mountpoint));
	strscpy_trunc(info->fstype, fstype, sizeof(info->fstype));
	strscpy_trunc(info->source, source, sizeof(info->source));
	snprintf(info->options, sizeof(info->options), "%s,%s", mopts, sopts);
	return 1;
}

/*
 * virtiofs is DAX only through a DAX window the host maps into the guest
 * (vhost-user-fs cache-size=); without one, -o dax=always fails with EINVAL
 * and dax=inode mounts but never makes a file DAX.
 */
#define VIRTIOFS_NO_WINDOW \
	"the virtio-fs device offers no DAX window (kernel: \"dax can't be enabled as filesystem device does not support it\"); no released QEMU or virtiofsd provides one"

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
	    !has_option(info->options, "dax=never") && bdev_dax(dev))
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

int dax_probe_mount(const char *path, struct dax_info *info)
{
	char real[PATH_MAX], *line = NULL;
	size_t cap = 0, best = 0;
	struct stat st;
	FILE *f;
	int found = 0;

	memset(info, 0, sizeof(*info));
	if (!realpath(path, real) || stat(real, &st)) {
		int err = errno;

		snprintf(info->why, sizeof(info->why), "%s: %s", path, strerror(err));
		return -err;
	}
	f = fopen("/proc/self/mountinfo", "re");
	if (!f) {
		snprintf(info->why, sizeof(info->why),
			 "cannot read /proc/self/mountinfo: %s (is /proc mounted?)",
			 strerror(errno));
		return -ENOENT;
	}
	while (getline(&line, &cap, f) > 0)
		found |= parse_mountinfo_line(line, st.st_dev, real, info, &best);
	free(line);
	fclose(f);
	if (!found) {
		snprintf(info->why, sizeof(info->why),
			 "%s: no mount found for it in /proc/self/mountinfo", path);
		return -ENOENT;
	}
	info->mode = mode_from_options(info->options);
	xfs_default_inode(info, st.st_dev);
	explain_mount(info, path);
	return 0;
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
