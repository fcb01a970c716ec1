// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "../probe/dax_probe.h"
#include "target.h"
#include "../core/util.h"

static bool is_null_blk(dev_t rdev)
{
	char link[96], real[PATH_MAX];

	snprintf(link, sizeof(link), "/sys/dev/block/%u:%u", major(rdev), minor(rdev));
	if (!realpath(link, real))
		return false;
	return !!strstr(real, "/nullb");
}

static int open_blockdev(struct target *t, const struct stat *st, char *err,
			 size_t errlen)
{
	uint64_t bytes = 0;

	t->blockdev = true;
	t->writable = is_null_blk(st->st_rdev);
	t->fd = open(t->path, (t->writable ? O_RDWR : O_RDONLY) | O_DIRECT | O_CLOEXEC);
	if (t->fd < 0) {
		int e = errno;

		snprintf(err, errlen, "cannot open %s for O_DIRECT: %s", t->path, strerror(e));
		return -e;
	}
	if (ioctl(t->fd, BLKGETSIZE64, &bytes) == 0)
		t->size = bytes;
	return 0;
}

/* Fill a new target with data so that reads really go to the device. */
static int fill_file(int fd, uint64_t size)
{
	static char buf[1 << 16];
	uint64_t off;

	memset(buf, 0xa5, sizeof(buf));
	for (off = 0; off < size; off += sizeof(buf))
		if (pwrite(fd, buf, sizeof(buf), (off_t)off) != (ssize_t)sizeof(buf))
			return errno ? -errno : -ENOSPC;
	return fsync(fd) ? -errno : 0;
}

static int create_file(struct target *t, uint64_t need, char *err, size_t errlen)
{
	int fd, ret;

	fd = open(t->path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0) {
		ret = -errno;
		snprintf(err, errlen, "cannot create O_DIRECT target %s: %s", t->path,
			 strerror(-ret));
		return ret;
	}
	t->created = true;
	ret = fill_file(fd, need);
	close(fd);
	if (ret)
		snprintf(err, errlen, "cannot fill O_DIRECT target %s with %llu bytes: %s",
			 t->path, (unsigned long long)need, strerror(-ret));
	return ret;
}

static int check_not_dax(struct target *t, char *err, size_t errlen)
{
	struct dax_info info;

	if (dax_probe_fd(t->fd, t->path, &info) || !info.file_dax)
		return 0;
	snprintf(err, errlen, "O_DIRECT target %s is itself DAX: DAX I/O copies and pins nothing; put the target on a non-DAX filesystem or use null_blk", t->path);
	return -EINVAL;
}

static int open_file(struct target *t, uint64_t need, char *err, size_t errlen)
{
	struct stat st;
	int ret;

	if (stat(t->path, &st) && errno == ENOENT) {
		ret = create_file(t, need, err, errlen);
		if (ret)
			return ret;
	}
	t->writable = true;	/* the user named this file as the target */
	t->fd = open(t->path, O_RDWR | O_DIRECT | O_CLOEXEC);
	if (t->fd < 0) {
		ret = -errno;
		snprintf(err, errlen, "cannot open %s with O_DIRECT: %s (tmpfs has no O_DIRECT; use a file on ext4/xfs without dax, or null_blk)",
			 t->path, strerror(-ret));
		return ret == -ENOENT ? -EIO : ret;
	}
	if (fstat(t->fd, &st))
		return -errno;
	t->size = (uint64_t)st.st_size;
	return check_not_dax(t, err, errlen);
}

int target_open(struct target *t, const char *path, uint64_t need,
		char *err, size_t errlen)
{
	struct stat st;
	bool missing;
	int ret;

	memset(t, 0, sizeof(*t));
	t->fd = -1;
	strscpy_trunc(t->path, path && *path ? path : TARGET_DEFAULT, sizeof(t->path));
	missing = stat(t->path, &st) != 0;
	/* A device that is not there: never create a file under /dev for it. */
	if (missing && (!path || !*path)) {
		snprintf(err, errlen, "no O_DIRECT target: %s does not exist; load null_blk (modprobe null_blk) or pass --target FILE on a non-DAX filesystem",
			 TARGET_DEFAULT);
		return -ENOENT;
	}
	if (missing && !strncmp(t->path, "/dev/", 5)) {
		snprintf(err, errlen, "no O_DIRECT target: %s does not exist; make it (a null_blk) or name a FILE on a non-DAX filesystem",
			 t->path);
		return -ENOENT;
	}
	if (!missing && S_ISBLK(st.st_mode))
		ret = open_blockdev(t, &st, err, errlen);
	else
		ret = open_file(t, need, err, errlen);
	if (!ret && t->size < need) {
		snprintf(err, errlen, "O_DIRECT target %s holds %llu bytes; %llu needed",
			 t->path, (unsigned long long)t->size, (unsigned long long)need);
		ret = -ENOSPC;
	}
	if (ret)
		target_close(t);
	return ret;
}

void target_close(struct target *t)
{
	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
	if (t->created)
		unlink(t->path);
	t->created = false;
}
