// SPDX-License-Identifier: GPL-2.0
/*
 * evict-close, evict-unlink, evict-umount: the last reference to an inode
 * goes while some of its DAX pages are still held. Each op makes a small
 * file, writes it, maps it, vmsplices 1 MiB of the mapping into a pipe
 * (page references), unmaps it, and drops the inode while a drainer thread
 * empties the pipe HOLD_MS later:
 *   evict-close:  an O_TMPFILE beside the case file, evicted by its last close();
 *   evict-unlink: a named file beside it, closed first and evicted by unlink();
 *   evict-umount: a named file on the scratch filesystem (scratch.h), closed
 *                 and evicted by unmounting the whole filesystem, which is
 *                 mounted again for the next op.
 * 7.x waits in dax_break_layout_final (TASK_UNINTERRUPTIBLE: state D, seen
 * by the hung-task detector) until the references are gone; a lost wake
 * there never ends, and the monitor reports a D-state hang. 6.1 and 6.12 do
 * not wait at evict and may WARN in dax_disassociate_entry (pages still
 * referenced when their entry goes), reported as kernel-warning.
 * With hold = odirect the pages are held by GUP pins instead: a libaio
 * O_DIRECT read from the case's target into the mapping is in flight while
 * the inode goes (use a slow target, e.g. the VM's /dev/nullb-slow, so that
 * it still is), and its completion is reaped afterwards. The last unpin
 * must then wake the eviction.
 * The case file itself is never broken here.
 */
#include <errno.h>
#include <fcntl.h>
#include <libaio.h>
#include <libgen.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

#include "breaker.h"
#include "../engine/scratch.h"

#define EVICT_LEN	(2u << 20)	/* one PMD's worth of file */
#define SPLICE_LEN	(1u << 20)	/* the default pipe-max-size */
#define HOLD_MS		20

enum evict_how { EVICT_CLOSE, EVICT_UNLINK, EVICT_UMOUNT };

/* How an op holds the pages of its file while the inode goes. */
enum evict_hold { HOLD_VMSPLICE, HOLD_ODIRECT };
static const char *const evict_hold_names[] = { "vmsplice", "odirect", NULL };

/* The eviction breakers' own options (their tables at the end of this file). */
struct evict_opts {
	enum evict_hold hold;
	char scratch_dev[PATH_MAX];	/* evict-umount only */
};

static const struct evict_opts evict_defaults = { .hold = HOLD_VMSPLICE };

_Static_assert(sizeof(enum evict_hold) == sizeof(int), "OPT_ENUM stores an int");

static bool hold_odirect(const struct case_opts *o)
{
	const struct evict_opts *eo = (const void *)o->brk_opts;

	return eo->hold == HOLD_ODIRECT;
}

struct evict {
	int pipe[2];
	size_t cap;
	char *sink;
	io_context_t aio;	/* hold = odirect */
	struct iocb cb;
	uint64_t ops;
	char path[PATH_MAX];	/* evict-unlink's and evict-umount's file */
	struct scratch sc;	/* evict-umount's filesystem */
};

struct drain {
	struct evict *e;
	ssize_t n;
	int ret;
};

static struct evict *evict_get(struct brk_env *env)
{
	struct evict *e = env->priv;
	int cap;

	if (e)
		return e;
	e = calloc(1, sizeof(*e));
	if (!e || pipe2(e->pipe, O_CLOEXEC)) {
		free(e);
		return NULL;
	}
	cap = fcntl(e->pipe[1], F_SETPIPE_SZ, SPLICE_LEN);
	e->cap = cap > 0 ? (size_t)cap : 65536;
	e->sink = malloc(e->cap);
	snprintf(e->path, sizeof(e->path), "%s.evict%d", env->path, gettid());
	env->priv = e;
	if (hold_odirect(env->o) && io_setup(1, &e->aio))
		e->aio = NULL;
	if (!e->sink || (hold_odirect(env->o) && !e->aio))
		return NULL;
	return e;
}

static void evict_done(struct brk_env *env)
{
	struct evict *e = env->priv;

	if (!e)
		return;
	scratch_close(&e->sc);
	if (e->aio)
		io_destroy(e->aio);
	close(e->pipe[0]);
	close(e->pipe[1]);
	free(e->sink);
	free(e);
	env->priv = NULL;
}

/*
 * The first evict-umount op: the scratch device the case or the
 * environment names. None named is a SKIP that says how to name one.
 */
static int scratch_setup(struct brk_env *env, struct evict *e)
{
	const struct evict_opts *eo = brk_opts(env);
	const char *dev = eo->scratch_dev[0] ? eo->scratch_dev : NULL;
	char err[512];
	int ret;

	if (!dev || !dev[0])
		return brk_unsupported(env, -ENODEV, "evict-umount: no scratch device: name an unmounted DAX-capable pmem device holding ext4 or xfs with scratch-dev (or $%s); the case mounts and unmounts it and never formats it", SCRATCH_DEV_ENV);
	ret = scratch_open(&e->sc, dev, err, sizeof(err));
	if (ret) {
		shared_error(env->sh, "evict-umount: %s", err);
		return ret;
	}
	snprintf(e->path, sizeof(e->path), "%s/daxstress-evict", e->sc.mnt);
	return 0;
}

static int scratch_mount_again(struct brk_env *env, struct evict *e)
{
	char err[512];
	int ret;

	if (!e->ops) {
		ret = scratch_setup(env, e);
		if (ret)
			return ret;
	}
	ret = scratch_mount(&e->sc, err, sizeof(err));
	if (ret)
		shared_error(env->sh, "evict-umount: %s", err);
	return ret;
}

/* hold = odirect: the read's completion is the release; wait for it. */
static int reap_read(struct evict *e)
{
	struct io_event ev;
	int n;

	do {
		n = io_getevents(e->aio, 1, 1, &ev, NULL);
	} while (n == -EINTR);
	if (n != 1)
		return n < 0 ? n : -EIO;
	return (long)ev.res < 0 ? (int)(long)ev.res : 0;
}

static void *drain_thread(void *arg)
{
	struct drain *d = arg;
	ssize_t got = 0, r;

	if (d->e->aio) {
		if (d->n)
			d->ret = reap_read(d->e);
		return NULL;
	}
	sleep_ms(HOLD_MS);
	while (got < d->n) {
		r = read(d->e->pipe[0], d->e->sink, d->e->cap);
		if (r <= 0) {
			d->ret = r < 0 ? -errno : -EIO;
			break;
		}
		got += r;
	}
	return NULL;
}

/* The file to evict: an fd, or -errno. */
static int create_file(struct brk_env *env, struct evict *e, enum evict_how how)
{
	char dir[PATH_MAX];
	int fd, ret;

	if (how == EVICT_UMOUNT) {
		ret = scratch_mount_again(env, e);
		if (ret)
			return ret;
	}
	if (how != EVICT_CLOSE) {
		fd = open(e->path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	} else {
		strscpy_trunc(dir, env->path, sizeof(dir));
		fd = open(dirname(dir), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
	}
	return fd < 0 ? -errno : fd;
}

/* Start an O_DIRECT read from the target into map: pins until it completes. */
static ssize_t pin_by_read(struct brk_env *env, struct evict *e, char *map, size_t len)
{
	struct iocb *cbp = &e->cb;
	int n;

	if (env->target_size < len)
		return -ENOSPC;
	io_prep_pread(&e->cb, env->target_fd, map, len, 0);
	n = io_submit(e->aio, 1, &cbp);
	return n == 1 ? (ssize_t)len : n < 0 ? n : -EAGAIN;
}

/* Map the file and hold pages of it (pipe or read in flight). Bytes, -errno. */
static ssize_t hold_pages(struct brk_env *env, struct evict *e, int fd)
{
	size_t len = e->cap > SPLICE_LEN ? SPLICE_LEN : e->cap;
	struct iovec iov;
	ssize_t n;
	char *map;

	map = mmap(NULL, EVICT_LEN, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED)
		return -errno;
	if (e->aio) {
		n = pin_by_read(env, e, map, SPLICE_LEN);
	} else {
		iov = (struct iovec){ map, len };
		n = vmsplice(e->pipe[1], &iov, 1, 0);
		if (n < 0)
			n = -errno;
	}
	munmap(map, EVICT_LEN);
	return n;
}

/* The last reference goes now: close, then unlink or unmount. */
static int drop_inode(struct evict *e, int fd, enum evict_how how)
{
	close(fd);
	if (how == EVICT_UNLINK && unlink(e->path))
		return -errno;
	if (how == EVICT_UMOUNT)
		return scratch_umount(&e->sc);
	return 0;
}

static int evict_op(struct brk_env *env, enum evict_how how)
{
	struct evict *e = evict_get(env);
	struct drain d = { .e = e };
	pthread_t th;
	int fd, ret;

	if (!e)
		return -ENOMEM;
	fd = create_file(env, e, how);
	if (fd < 0)
		return fd;
	ret = brk_fill(fd, EVICT_LEN);
	if (!ret && !e->ops++ && !env->o->allow_nodax && !brk_fd_is_dax(fd))
		ret = brk_unsupported(env, -EINVAL, "evict: a new file in the directory of %s is not DAX (a dax=inode mount without the directory's DAX flag?)", env->path);
	d.n = ret ? 0 : hold_pages(env, e, fd);
	if (d.n < 0) {
		ret = (int)d.n;
		d.n = 0;
	}
	if (pthread_create(&th, NULL, drain_thread, &d)) {
		/* No drainer: empty the pipe first, or the inode would wait forever. */
		drain_thread(&d);
		drop_inode(e, fd, how);
		return ret ? ret : -EAGAIN;
	}
	/* Pages are still referenced from the pipe while the inode goes. */
	ret = drop_inode(e, fd, how) ?: ret;
	pthread_join(th, NULL);
	return ret ? ret : d.ret;
}

static int evict_close_op(struct brk_env *env, struct rng *rng)
{
	return evict_op(env, EVICT_CLOSE);
}

static int evict_unlink_op(struct brk_env *env, struct rng *rng)
{
	return evict_op(env, EVICT_UNLINK);
}

static int evict_umount_op(struct brk_env *env, struct rng *rng)
{
	return evict_op(env, EVICT_UMOUNT);
}

#define HOLD_OPT \
	{ .name = "hold", .type = OPT_ENUM, .offset = offsetof(struct evict_opts, hold), \
	  .len = sizeof(enum evict_hold), .names = evict_hold_names, \
	  .help = "hold the file's pages with vmsplice (page references) or an O_DIRECT read from the target in flight (GUP pins)" }

static const struct opt_desc evict_opt_table[] = {
	HOLD_OPT,
	{ .name = NULL }
};

static const struct opt_desc evict_umount_opt_table[] = {
	HOLD_OPT,
	{ .name = "scratch-dev", .type = OPT_STR,
	  .offset = offsetof(struct evict_opts, scratch_dev),
	  .len = sizeof(((struct evict_opts *)0)->scratch_dev),
	  .help = "an unmounted DAX pmem device holding ext4 or xfs, mounted and unmounted by the case, never formatted (default: $DAXSTRESS_SCRATCH_DEV)" },
	{ .name = NULL }
};

static const struct brk_ops brk_evict_close_ops = {
	.name = "evict-close",
	.help = "last close() of an unlinked DAX file while vmsplice still holds its pages (inode eviction)",
	.op = evict_close_op,
	.done = evict_done,
	.opts = PLUGIN_OPTS(evict_opt_table, evict_defaults),
	.wants_target = hold_odirect,
};

static const struct brk_ops brk_evict_unlink_ops = {
	.name = "evict-unlink",
	.help = "unlink() of a closed DAX file while vmsplice still holds its pages (inode eviction)",
	.op = evict_unlink_op,
	.done = evict_done,
	.opts = PLUGIN_OPTS(evict_opt_table, evict_defaults),
	.wants_target = hold_odirect,
};

static const struct brk_ops brk_evict_umount_ops = {
	.name = "evict-umount",
	.help = "umount of the scratch filesystem (scratch-dev) right after the last close of a file whose pages vmsplice still holds (one breaker thread: it mounts and unmounts)",
	.flags = BRK_F_ONE_THREAD,
	.op = evict_umount_op,
	.done = evict_done,
	.opts = PLUGIN_OPTS(evict_umount_opt_table, evict_defaults),
	.wants_target = hold_odirect,
};

BREAKERS(evict, &brk_evict_close_ops, &brk_evict_unlink_ops, &brk_evict_umount_ops);
