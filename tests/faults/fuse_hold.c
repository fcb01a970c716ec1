// SPDX-License-Identifier: GPL-2.0
/*
 * fuse_hold: a FUSE filesystem with one file, "hold", whose reads and
 * writes are taken from the kernel and never answered. It exists to put a
 * daxstress role into D state on purpose (tests/faults/dstate.sh), which
 * nothing else in user space can do:
 *
 * A task reading "hold" with O_DIRECT has its buffer pages pinned and
 * sleeps in request_wait_answer(). When it is killed after the request was
 * read by this daemon, the kernel waits for the answer with wait_event(),
 * uninterruptibly: the task is in D state and SIGKILL cannot end it. It
 * ends when the daemon dies (closing /dev/fuse aborts the connection), so
 * the test can always clean up, unlike a real stuck kernel path.
 *
 * usage: fuse_hold DIR   (mounts on DIR, prints "ready", serves until
 * SIGTERM; the caller unmounts DIR afterwards)
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/fuse.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#define HOLD_INO 2
#define HOLD_SIZE (1ULL << 30)
#define BUF_SIZE (1 << 20)

static unsigned long held;	/* requests taken and never answered */

static int reply(int fd, const struct fuse_in_header *in, int error,
		 const void *arg, size_t len)
{
	struct fuse_out_header out = {
		.len = (uint32_t)(sizeof(out) + len),
		.error = error,
		.unique = in->unique,
	};
	struct iovec iov[2] = {
		{ &out, sizeof(out) },
		{ (void *)arg, len },
	};

	return writev(fd, iov, arg ? 2 : 1) < 0 ? -errno : 0;
}

static void fill_attr(struct fuse_attr *a, uint64_t ino)
{
	memset(a, 0, sizeof(*a));
	a->ino = ino;
	a->nlink = ino == FUSE_ROOT_ID ? 2 : 1;
	a->mode = ino == FUSE_ROOT_ID ? S_IFDIR | 0755 : S_IFREG | 0666;
	a->size = ino == FUSE_ROOT_ID ? 0 : HOLD_SIZE;
	a->blocks = a->size / 512;
	a->blksize = 4096;
}

static int do_init(int fd, const struct fuse_in_header *in, const void *arg)
{
	const struct fuse_init_in *ii = arg;
	struct fuse_init_out o = {
		.major = FUSE_KERNEL_VERSION,
		.minor = ii->minor < FUSE_KERNEL_MINOR_VERSION ? ii->minor
							       : FUSE_KERNEL_MINOR_VERSION,
		.max_readahead = ii->max_readahead,
		.max_background = 16,
		.congestion_threshold = 12,
		.max_write = 128 * 1024,
		.time_gran = 1,
		.max_pages = 32,
	};

	return reply(fd, in, 0, &o, sizeof(o));
}

static int do_lookup(int fd, const struct fuse_in_header *in, const char *name)
{
	struct fuse_entry_out e = { 0 };

	if (in->nodeid != FUSE_ROOT_ID || strcmp(name, "hold"))
		return reply(fd, in, -ENOENT, NULL, 0);
	e.nodeid = HOLD_INO;
	e.entry_valid = 3600;
	e.attr_valid = 3600;
	fill_attr(&e.attr, HOLD_INO);
	return reply(fd, in, 0, &e, sizeof(e));
}

static int do_getattr(int fd, const struct fuse_in_header *in)
{
	struct fuse_attr_out a = { .attr_valid = 3600 };

	fill_attr(&a.attr, in->nodeid);
	return reply(fd, in, 0, &a, sizeof(a));
}

static int do_open(int fd, const struct fuse_in_header *in)
{
	/* direct I/O: every read goes to us, none is served from a cache */
	struct fuse_open_out o = { .fh = 1, .open_flags = FOPEN_DIRECT_IO };

	return reply(fd, in, 0, &o, sizeof(o));
}

static int do_statfs(int fd, const struct fuse_in_header *in)
{
	struct fuse_statfs_out s = { 0 };

	s.st.bsize = 4096;
	s.st.frsize = 4096;
	s.st.namelen = 255;
	s.st.blocks = HOLD_SIZE / 4096;
	return reply(fd, in, 0, &s, sizeof(s));
}

static int handle(int fd, const struct fuse_in_header *in, const void *arg)
{
	switch (in->opcode) {
	case FUSE_INIT:
		return do_init(fd, in, arg);
	case FUSE_LOOKUP:
		return do_lookup(fd, in, arg);
	case FUSE_GETATTR:
		return do_getattr(fd, in);
	case FUSE_OPEN:
	case FUSE_OPENDIR:
		return do_open(fd, in);
	case FUSE_STATFS:
		return do_statfs(fd, in);
	case FUSE_READ:
	case FUSE_WRITE:
		/* the point of this daemon: take the request, never answer */
		if (!held++)
			fprintf(stderr, "fuse_hold: holding the first I/O request (pid %u)\n",
				in->pid);
		return 0;
	case FUSE_INTERRUPT:
	case FUSE_FORGET:
	case FUSE_BATCH_FORGET:
		return 0;	/* these take no answer */
	case FUSE_RELEASE:
	case FUSE_RELEASEDIR:
	case FUSE_FLUSH:
		return reply(fd, in, 0, NULL, 0);
	default:
		return reply(fd, in, -ENOSYS, NULL, 0);
	}
}

static int serve(int fd)
{
	char *buf = malloc(BUF_SIZE);
	ssize_t n;

	if (!buf)
		return -ENOMEM;
	for (;;) {
		n = read(fd, buf, BUF_SIZE);
		if (n < 0 && (errno == EINTR || errno == ENOENT))
			continue;	/* ENOENT: a request interrupted meanwhile */
		if (n < (ssize_t)sizeof(struct fuse_in_header))
			break;		/* ENODEV: unmounted */
		/* an error answering one request must not stop the others */
		handle(fd, (struct fuse_in_header *)buf, buf + sizeof(struct fuse_in_header));
	}
	free(buf);
	return 0;
}

int main(int argc, char **argv)
{
	char opts[128];
	int fd;

	if (argc != 2) {
		fprintf(stderr, "usage: fuse_hold DIR\n");
		return 2;
	}
	fd = open("/dev/fuse", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "fuse_hold: /dev/fuse: %s\n", strerror(errno));
		return 1;
	}
	snprintf(opts, sizeof(opts), "fd=%d,rootmode=40000,user_id=0,group_id=0,allow_other", fd);
	if (mount("daxstress-hold", argv[1], "fuse.daxstress-hold", MS_NOSUID | MS_NODEV, opts)) {
		fprintf(stderr, "fuse_hold: mount on %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	printf("ready\n");
	fflush(stdout);
	return serve(fd) ? 1 : 0;
}
