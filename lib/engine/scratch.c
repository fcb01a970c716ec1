// SPDX-License-Identifier: GPL-2.0
/*
 * The scratch filesystem (see scratch.h). The type is found by asking the
 * kernel: mount(2) with each known type until one takes the device, which
 * is all libblkid would tell us and needs no probe of a device we only
 * mount.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "scratch.h"
#include "../core/util.h"

static const char *const scratch_types[] = { "ext4", "xfs" };

/* Where the device is mounted now, from mountinfo's major:minor; "" if nowhere. */
static void mounted_at(dev_t rdev, char *at, size_t len)
{
	char line[4096], want[32], mnt[PATH_MAX];
	FILE *f = fopen("/proc/self/mountinfo", "re");

	at[0] = '\0';
	if (!f)
		return;
	snprintf(want, sizeof(want), "%u:%u", major(rdev), minor(rdev));
	while (fgets(line, sizeof(line), f)) {
		char devno[32];

		if (sscanf(line, "%*s %*s %31s %*s %4095s", devno, mnt) == 2 &&
		    !strcmp(devno, want)) {
			strscpy_trunc(at, mnt, len);
			break;
		}
	}
	fclose(f);
}

int scratch_open(struct scratch *s, const char *dev, char *err, size_t len)
{
	char at[PATH_MAX];
	struct stat st;

	memset(s, 0, sizeof(*s));
	if (stat(dev, &st) || !S_ISBLK(st.st_mode)) {
		snprintf(err, len, "scratch device %s is not a block device: name a DAX-capable pmem device holding ext4 or xfs", dev);
		return -ENODEV;
	}
	mounted_at(st.st_rdev, at, sizeof(at));
	if (at[0]) {
		snprintf(err, len, "scratch device %s is mounted at %s: it must be unmounted, because the case unmounts it", dev, at);
		return -EBUSY;
	}
	strscpy_trunc(s->dev, dev, sizeof(s->dev));
	snprintf(s->mnt, sizeof(s->mnt), "%s/daxstress-scratch.XXXXXX",
		 getenv("TMPDIR") ?: "/tmp");
	if (!mkdtemp(s->mnt)) {
		snprintf(err, len, "cannot make a mount point for %s: %s", dev, strerror(errno));
		return -errno;
	}
	return 0;
}

static int mount_as(struct scratch *s, const char *type)
{
	return mount(s->dev, s->mnt, type, 0, "dax=always") ? -errno : 0;
}

int scratch_mount(struct scratch *s, char *err, size_t len)
{
	int ret = -EINVAL;
	size_t i;

	if (s->fstype)
		ret = mount_as(s, s->fstype);
	for (i = 0; !s->fstype && i < ARRAY_SIZE(scratch_types); i++) {
		ret = mount_as(s, scratch_types[i]);
		if (!ret)
			s->fstype = scratch_types[i];
		else if (ret == -EPERM)
			break;
	}
	if (!ret) {
		s->mounted = true;
		return 0;
	}
	if (ret == -EPERM)
		snprintf(err, len, "mounting scratch device %s needs root (CAP_SYS_ADMIN)", s->dev);
	else if (s->fstype)
		snprintf(err, len, "mounting scratch device %s (%s, dax=always) again failed: %s",
			 s->dev, s->fstype, strerror(-ret));
	else
		snprintf(err, len, "scratch device %s did not mount as ext4 or xfs with dax=always (%s): it must hold one of them (daxstress never formats it) and support DAX (an fsdax pmem namespace); see the kernel log",
			 s->dev, strerror(-ret));
	return ret;
}

int scratch_umount(struct scratch *s)
{
	if (umount2(s->mnt, 0))
		return -errno;
	s->mounted = false;
	return 0;
}

void scratch_close(struct scratch *s)
{
	if (s->mounted)
		scratch_umount(s);
	if (s->mnt[0] && !s->mounted)
		rmdir(s->mnt);
}
