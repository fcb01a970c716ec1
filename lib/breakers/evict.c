// SPDX-License-Identifier: GPL-2.0
/*
 * evict-close, evict-unlink: the last reference to an inode goes while
 * some of its DAX pages are still held. Each op makes a small file beside
 * the case file, writes it, maps it, vmsplices 1 MiB of the mapping into a
 * pipe (page references), unmaps it, and drops the inode while a drainer
 * thread empties the pipe HOLD_MS later:
 *   evict-close:  an O_TMPFILE file, evicted by its last close();
 *   evict-unlink: a named file, closed first and evicted by unlink().
 * 7.x waits in dax_break_layout_final (TASK_UNINTERRUPTIBLE: state D, seen
 * by the hung-task detector) until the references are gone; a lost wake
 * there never ends, and the monitor reports a D-state hang. 6.1 and 6.12 do
 * not wait at evict and may WARN in dax_disassociate_entry (pages still
 * referenced when their entry goes), reported as kernel-warning.
 * The case file itself is never broken here.
 */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/uio.h>
#include <unistd.h>

#include "../breaker.h"

#define EVICT_LEN	(2u << 20)	/* one PMD's worth of file */
#define SPLICE_LEN	(1u << 20)	/* the default pipe-max-size */
#define HOLD_MS		20

struct evict {
	int pipe[2];
	size_t cap;
	char *sink;
	uint64_t ops;
	char path[PATH_MAX];	/* evict-unlink's file */
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
	return e->sink ? e : NULL;
}

static void *drain_thread(void *arg)
{
	struct drain *d = arg;
	ssize_t got = 0, r;

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

static int create_file(struct brk_env *env, struct evict *e, bool named)
{
	char dir[PATH_MAX];

	if (named)
		return open(e->path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	strscpy_trunc(dir, env->path, sizeof(dir));
	return open(dirname(dir), O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);
}

/* Map the file and put page references of it into the pipe. Bytes, -errno. */
static ssize_t hold_pages(struct evict *e, int fd)
{
	size_t len = e->cap > SPLICE_LEN ? SPLICE_LEN : e->cap;
	struct iovec iov;
	ssize_t n;
	char *map;

	map = mmap(NULL, EVICT_LEN, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED)
		return -errno;
	iov = (struct iovec){ map, len };
	n = vmsplice(e->pipe[1], &iov, 1, 0);
	if (n < 0)
		n = -errno;
	munmap(map, EVICT_LEN);
	return n;
}

/* The last reference goes now: close (tmpfile) or close then unlink. */
static int drop_inode(struct evict *e, int fd, bool named)
{
	close(fd);
	if (named && unlink(e->path))
		return -errno;
	return 0;
}

static int evict_op(struct brk_env *env, bool named)
{
	struct evict *e = evict_get(env);
	struct drain d = { .e = e };
	pthread_t th;
	int fd, ret;

	if (!e)
		return -ENOMEM;
	fd = create_file(env, e, named);
	if (fd < 0)
		return -errno;
	ret = brk_fill(fd, EVICT_LEN);
	if (!ret && !e->ops++ && !env->o->allow_nodax && !brk_fd_is_dax(fd))
		ret = brk_unsupported(env, -EINVAL, "evict: a new file in %s is not DAX (a dax=inode mount without the directory's DAX flag?)", env->path);
	d.n = ret ? 0 : hold_pages(e, fd);
	if (d.n < 0) {
		ret = (int)d.n;
		d.n = 0;
	}
	if (pthread_create(&th, NULL, drain_thread, &d)) {
		/* No drainer: empty the pipe first, or the inode would wait forever. */
		drain_thread(&d);
		drop_inode(e, fd, named);
		return ret ? ret : -EAGAIN;
	}
	/* Pages are still referenced from the pipe while the inode goes. */
	ret = drop_inode(e, fd, named) ?: ret;
	pthread_join(th, NULL);
	return ret ? ret : d.ret;
}

static int evict_close_op(struct brk_env *env, struct rng *rng)
{
	return evict_op(env, false);
}

static int evict_unlink_op(struct brk_env *env, struct rng *rng)
{
	return evict_op(env, true);
}

static const struct brk_ops brk_evict_close_ops = {
	.name = "evict-close",
	.help = "last close() of an unlinked DAX file while vmsplice still holds its pages (inode eviction)",
	.op = evict_close_op,
};

static const struct brk_ops brk_evict_unlink_ops = {
	.name = "evict-unlink",
	.help = "unlink() of a closed DAX file while vmsplice still holds its pages (inode eviction)",
	.op = evict_unlink_op,
};
BREAKER(brk_evict_close_ops);
BREAKER(brk_evict_unlink_ops);
