// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "breaker.h"

#ifndef STATX_ATTR_DAX
#define STATX_ATTR_DAX 0x00200000
#endif

const struct brk_ops *brk_find(const char *name)
{
	const struct brk_ops *const *b;

	for_each_breaker(b)
		if (!strcmp((*b)->name, name))
			return *b;
	return NULL;
}

const char *brk_names(void)
{
	static char buf[512];
	const char *names[64];
	const struct brk_ops *const *b;
	size_t n = 0;

	if (buf[0])
		return buf;
	for_each_breaker(b)
		if (n < ARRAY_SIZE(names))
			names[n++] = (*b)->name;
	join_sorted(names, n, buf, sizeof(buf));
	return buf;
}

bool brk_wants_target(const struct case_opts *o)
{
	const struct brk_ops *b = brk_find(o->brk);

	return b && b->wants_target && b->wants_target(o);
}

int brk_fallocate(const struct brk_env *env, int mode, uint64_t off, uint64_t len)
{
	return fallocate(env->fd, mode, (off_t)off, (off_t)len) ? -errno : 0;
}

int brk_fallocate_random(struct brk_env *env, struct rng *rng, int mode)
{
	uint64_t off, len;

	brk_pick_range(env, rng, &off, &len);
	return brk_fallocate(env, mode, off, len);
}

int brk_fallocate_region(struct brk_env *env, int mode)
{
	return brk_fallocate(env, mode, env->brk_start, env->size - env->brk_start);
}

int brk_resize(const struct brk_env *env, uint64_t size)
{
	return ftruncate(env->fd, (off_t)size) ? -errno : 0;
}

int brk_final_truncate(struct brk_env *env)
{
	int ret = brk_resize(env, env->brk_start);

	return ret ? ret : brk_resize(env, env->size);
}

void brk_pick_range(const struct brk_env *env, struct rng *rng,
		    uint64_t *off, uint64_t *len)
{
	uint64_t pages = (env->size - env->brk_start) / 4096;
	uint64_t first = rng_below(rng, pages);
	uint64_t max = pages - first, most = env->o->break_size / 4096;

	*off = env->brk_start + first * 4096;
	*len = (1 + rng_below(rng, max < most ? max : most)) * 4096;
}

int brk_unsupported(struct brk_env *env, int err, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	atomic_store(&env->sh->unsupported, 1);
	shared_error(env->sh, "%s", msg);
	return err;
}

/* Write every block: reads of holes map the zero page, not pmem. */
int brk_fill(int fd, uint64_t size)
{
	static char buf[1 << 16];
	uint64_t off;

	memset(buf, 0x5a, sizeof(buf));
	for (off = 0; off < size; off += sizeof(buf))
		if (pwrite(fd, buf, sizeof(buf), (off_t)off) != (ssize_t)sizeof(buf))
			return errno ? -errno : -ENOSPC;
	return 0;
}

int brk_sibling_open(const struct brk_env *env)
{
	char dir[PATH_MAX];
	int fd, ret;

	strscpy_trunc(dir, env->path, sizeof(dir));
	fd = open(dirname(dir), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	ret = brk_fill(fd, env->size);
	if (ret) {
		close(fd);
		return ret;
	}
	return fd;
}

bool brk_fd_is_dax(int fd)
{
	struct statx stx;

	if (statx(fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &stx))
		return false;
	return stx.stx_attributes & STATX_ATTR_DAX;
}

struct brk_remap *brk_remap_get(struct brk_env *env, const char *name)
{
	struct brk_remap *r = env->priv;
	int fd;

	if (r)
		return r;
	fd = brk_sibling_open(env);
	if (fd < 0) {
		shared_error(env->sh, "%s: cannot create the second file beside %s: %s",
			     name, env->path, strerror(-fd));
		return NULL;
	}
	/* Both sides must be DAX: the case is about DAX layouts of both inodes. */
	if (!env->o->allow_nodax && !brk_fd_is_dax(fd)) {
		close(fd);
		brk_unsupported(env, -EINVAL, "%s: the second file (O_TMPFILE) is not DAX on this mount (dax=inode without the directory's DAX flag?)", name);
		return NULL;
	}
	r = calloc(1, sizeof(*r));
	if (!r) {
		close(fd);
		return NULL;
	}
	r->sibling = fd;
	env->priv = r;
	return r;
}

static const char *remap_why(int err)
{
	switch (err) {
	case -EOPNOTSUPP:
		return "EOPNOTSUPP: the filesystem cannot share extents here (ext4 has no reflink; xfs needs mkfs.xfs -m reflink=1, and the VM falls back to reflink=0 where the kernel refuses to mount reflink with DAX)";
	case -EINVAL:
		return "EINVAL: the kernel refuses to remap these files (xfs rejects remapping when DAX and reflink do not go together on this kernel, or one side is not DAX)";
	case -ENOTTY:
		return "ENOTTY: the filesystem or kernel has no such ioctl (XFS_IOC_EXCHANGE_RANGE is xfs only and arrived in Linux 6.10)";
	case -EXDEV:
		return "EXDEV: the two files are on different mounts";
	default:
		return NULL;
	}
}

int brk_remap_result(struct brk_env *env, struct brk_remap *r, const char *name, int ret)
{
	const char *why = remap_why(ret);

	if (!r->ops++ && why)
		return brk_unsupported(env, ret, "%s refused on the first try with %s", name, why);
	return ret;
}
