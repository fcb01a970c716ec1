// SPDX-License-Identifier: GPL-2.0
/*
 * Pins of FS DAX pages against truncate, hole punch and collapse range.
 *
 * Before a filesystem frees the blocks of a DAX file it waits until no
 * page of the range is pinned ("breaking layouts": ext4_break_layouts(),
 * xfs_break_dax_layouts(), dax_break_layout()).  The wait sleeps in state S
 * and only the wake-up from the put of the last pin ends it, so a put path
 * that forgets the wake-up leaves the truncate asleep for good, where the
 * hung task detector does not look.
 *
 * Each variant races one pin source against one breaker on a 16 MiB file.
 * A watchdog notices a breaker that stops making progress and finds out
 * why, stopping at the first step that lets it go on:
 *   1. stop pinning, wait:            a long pin, not a bug;
 *   2. unmap the file:                blocked by the mapping (the wait
 *                                     cannot end while the page is mapped);
 *   3. SA_RESTART signal to it:       missed wakeup (the page was idle);
 *   4. nothing:                       hang.
 *
 * Environment: DAX_TEST_DIR, a directory on a DAX mount (ext4 -o dax, xfs
 * -o dax=always); DAX_TEST_ODIRECT, the non-DAX block device the O_DIRECT
 * variants read from (default /dev/nullb0; written to only if it is a
 * null_blk device); DAX_TEST_SECONDS, the length of each race (default 10).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/io_uring.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/uio.h>
#include <time.h>
#include <unistd.h>

#include "../../kselftest_harness.h"

#ifndef STATX_ATTR_DAX
#define STATX_ATTR_DAX		0x00200000
#endif
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE	23
#endif

#define FILE_SIZE	(16 * CHUNK)
#define HALF		(FILE_SIZE / 2)
#define CHUNK		(1024UL * 1024)
#define NR_CHUNKS	(HALF / CHUNK)
#define STALL_MS	3000
#define GRACE_MS	2000

enum pin_source { ODIRECT_READ, ODIRECT_WRITE, PVM_READ, VMSPLICE, URING_FIXED };
enum breaker { TRUNCATE, PUNCH, COLLAPSE };

/* What a correct kernel does with the pin. */
enum expect {
	WAITS,		/* the breaker waits for each pin and goes on */
	REFUSED,	/* a long-term pin of FS DAX is refused (EOPNOTSUPP) */
};

enum verdict { PASSED, LONG_PIN, BLOCKED_BY_MAPPING, MISSED_WAKEUP, HANG, BREAK_ERROR };

static const char *const verdict_msg[] = {
	[PASSED] = "no stall",
	[LONG_PIN] = "long pin: released once pinning stopped",
	[BLOCKED_BY_MAPPING] = "blocked by mapping: released by munmap, no pin left",
	[MISSED_WAKEUP] = "missed wakeup: no pin, no mapping, released by a signal",
	[HANG] = "hang: nothing released the breaker",
	[BREAK_ERROR] = "the breaker failed",
};

struct race {
	char path[PATH_MAX];
	int fd;
	int src;
	int pipefd[2];
	char *map;
	char *buf;
	enum pin_source pin;
	enum breaker brk;
	pthread_t pinner, breaker;
	atomic_bool stop_pins, stop_all, finished;
	atomic_ulong pins, breaks, armed;
	atomic_int breaker_tid, break_errno;
	bool skipped;	/* older harnesses run the test after a SKIP in setup */
};

FIXTURE(dax) {
	struct race r;
};

FIXTURE_VARIANT(dax) {
	enum pin_source pin;
	enum breaker brk;
	enum expect expect;
};

FIXTURE_VARIANT_ADD(dax, odirect_read_truncate) {
	.pin = ODIRECT_READ,
	.brk = TRUNCATE,
	.expect = WAITS,
};

FIXTURE_VARIANT_ADD(dax, odirect_read_punch) {
	.pin = ODIRECT_READ,
	.brk = PUNCH,
	.expect = WAITS,
};

FIXTURE_VARIANT_ADD(dax, odirect_read_collapse) {
	.pin = ODIRECT_READ,
	.brk = COLLAPSE,
	.expect = WAITS,
};

FIXTURE_VARIANT_ADD(dax, odirect_write_truncate) {
	.pin = ODIRECT_WRITE,
	.brk = TRUNCATE,
	.expect = WAITS,
};

FIXTURE_VARIANT_ADD(dax, odirect_write_punch) {
	.pin = ODIRECT_WRITE,
	.brk = PUNCH,
	.expect = WAITS,
};

FIXTURE_VARIANT_ADD(dax, pvm_read_truncate) {
	.pin = PVM_READ,
	.brk = TRUNCATE,
	.expect = WAITS,
};

FIXTURE_VARIANT_ADD(dax, pvm_read_punch) {
	.pin = PVM_READ,
	.brk = PUNCH,
	.expect = WAITS,
};

FIXTURE_VARIANT_ADD(dax, pvm_read_collapse) {
	.pin = PVM_READ,
	.brk = COLLAPSE,
	.expect = WAITS,
};

FIXTURE_VARIANT_ADD(dax, vmsplice_truncate) {
	.pin = VMSPLICE,
	.brk = TRUNCATE,
	.expect = WAITS,
};

FIXTURE_VARIANT_ADD(dax, vmsplice_punch) {
	.pin = VMSPLICE,
	.brk = PUNCH,
	.expect = WAITS,
};

FIXTURE_VARIANT_ADD(dax, uring_fixed_truncate) {
	.pin = URING_FIXED,
	.brk = TRUNCATE,
	.expect = REFUSED,
};

static unsigned long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000UL + ts.tv_nsec / 1000000;
}

static void sleep_ms(unsigned long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static void poke(int sig)
{
}

static int break_once(struct race *r)
{
	switch (r->brk) {
	case TRUNCATE:
		if (ftruncate(r->fd, HALF))
			return -1;
		break;
	case PUNCH:
		return fallocate(r->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
				 HALF, HALF);
	case COLLAPSE:
		if (fallocate(r->fd, FALLOC_FL_COLLAPSE_RANGE, HALF, CHUNK))
			return -1;
		break;
	}
	return ftruncate(r->fd, FILE_SIZE);
}

/* vmsplice() takes page references that the pipe holds until it is read. */
static ssize_t splice_and_drain(struct race *r, struct iovec *iov)
{
	ssize_t n = vmsplice(r->pipefd[1], iov, 1, 0), got = 0, len;

	while (got < n) {
		len = read(r->pipefd[0], r->buf, n - got);
		if (len <= 0)
			break;
		got += len;
	}
	return n;
}

/* Holds the pages of chunk for the duration of one system call. */
static ssize_t pin_once(struct race *r, char *chunk)
{
	struct iovec local = { r->buf, CHUNK }, remote = { chunk, CHUNK };

	switch (r->pin) {
	case ODIRECT_READ:
		return pread(r->src, chunk, CHUNK, 0);
	case ODIRECT_WRITE:
		return pwrite(r->src, chunk, CHUNK, 0);
	case PVM_READ:
		return process_vm_readv(getpid(), &local, 1, &remote, 1, 0);
	case VMSPLICE:
		return splice_and_drain(r, &remote);
	default:
		return -1;
	}
}

static void *pin_loop(void *arg)
{
	struct race *r = arg;
	unsigned long n = 0;
	char *chunk;

	while (!atomic_load(&r->stop_pins)) {
		chunk = r->map + HALF + (n++ % NR_CHUNKS) * CHUNK;
		/*
		 * Fault the pages in for write, so that a chunk the breaker
		 * freed is backed by DAX pages again (a read fault of a hole
		 * maps the zero page).  EFAULT past EOF is expected.
		 */
		if (madvise(chunk, CHUNK, MADV_POPULATE_WRITE))
			continue;
		atomic_fetch_add(&r->armed, 1);
		if (pin_once(r, chunk) > 0)
			atomic_fetch_add(&r->pins, 1);
	}
	return NULL;
}

/*
 * Break only once the pinner has faulted its chunk in again: a breaker
 * that runs freely keeps the range a hole and leaves nothing to pin.
 */
static void wait_for_pinner(struct race *r, unsigned long armed)
{
	int i;

	for (i = 0; i < 100 && atomic_load(&r->armed) == armed; i++)
		sleep_ms(1);
}

/* No timers or signals in this process: any signal ends the wait. */
static void *break_loop(void *arg)
{
	struct race *r = arg;
	unsigned long armed;

	atomic_store(&r->breaker_tid, (int)syscall(SYS_gettid));
	while (!atomic_load(&r->stop_all)) {
		if (break_once(r)) {
			atomic_store(&r->break_errno, errno);
			break;
		}
		armed = atomic_load(&r->armed);
		atomic_fetch_add(&r->breaks, 1);
		wait_for_pinner(r, armed);
	}
	atomic_store(&r->finished, true);
	return NULL;
}

/* Did the breaker make progress within ms? */
static bool released(struct race *r, unsigned long ms)
{
	unsigned long start = atomic_load(&r->breaks), end = now_ms() + ms;

	while (now_ms() < end) {
		if (atomic_load(&r->breaks) != start || atomic_load(&r->finished))
			return true;
		sleep_ms(20);
	}
	return false;
}

static void stop_pinning(struct race *r)
{
	atomic_store(&r->stop_pins, true);
	pthread_join(r->pinner, NULL);
}

static void breaker_wchan(struct race *r, char *buf, size_t len)
{
	char path[64];
	ssize_t n = -1;
	int fd;

	snprintf(path, sizeof(path), "/proc/self/task/%d/wchan",
		 atomic_load(&r->breaker_tid));
	fd = open(path, O_RDONLY);
	if (fd >= 0) {
		n = read(fd, buf, len - 1);
		close(fd);
	}
	buf[n > 0 ? n : 0] = '\0';
}

/* The breaker stalled: release step by step, the first step that works says why. */
static enum verdict prove(struct __test_metadata *_metadata, struct race *r)
{
	char where[64];

	breaker_wchan(r, where, sizeof(where));
	TH_LOG("breaker stalled %d s in %s after %lu breaks, %lu pins",
	       STALL_MS / 1000, where, atomic_load(&r->breaks),
	       atomic_load(&r->pins));
	stop_pinning(r);
	if (released(r, GRACE_MS))
		return LONG_PIN;
	munmap(r->map, FILE_SIZE);
	r->map = NULL;
	if (released(r, GRACE_MS))
		return BLOCKED_BY_MAPPING;
	syscall(SYS_tgkill, getpid(), atomic_load(&r->breaker_tid), SIGUSR1);
	if (released(r, GRACE_MS))
		return MISSED_WAKEUP;
	return HANG;
}

/* Races for seconds, then stops the breaker; a stall at any time is proven. */
static enum verdict watch(struct __test_metadata *_metadata, struct race *r,
			  unsigned long seconds)
{
	unsigned long end = now_ms() + seconds * 1000, since = now_ms(), last = 0;

	while (!atomic_load(&r->finished)) {
		sleep_ms(100);
		if (now_ms() >= end)
			atomic_store(&r->stop_all, true);
		if (atomic_load(&r->breaks) != last) {
			last = atomic_load(&r->breaks);
			since = now_ms();
		} else if (now_ms() - since >= STALL_MS) {
			return prove(_metadata, r);
		}
	}
	stop_pinning(r);
	return atomic_load(&r->break_errno) ? BREAK_ERROR : PASSED;
}

static bool is_null_blk(int fd)
{
	char link[64], target[PATH_MAX];
	struct stat st;
	ssize_t n;

	if (fstat(fd, &st) || !S_ISBLK(st.st_mode))
		return false;
	snprintf(link, sizeof(link), "/sys/dev/block/%u:%u",
		 major(st.st_rdev), minor(st.st_rdev));
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0)
		return false;
	target[n] = '\0';
	return strstr(target, "/virtual/block/nullb");
}

static bool fill(int fd)
{
	static char page[4096];
	unsigned long off;

	memset(page, 0x5a, sizeof(page));
	for (off = 0; off < FILE_SIZE; off += sizeof(page))
		if (pwrite(fd, page, sizeof(page), off) != sizeof(page))
			return false;
	return !fsync(fd);
}

static bool is_dax(int fd)
{
	struct statx stx;

	return !statx(fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &stx) &&
	       (stx.stx_attributes & STATX_ATTR_DAX);
}

/* Opens the O_DIRECT peer; NULL or a short, stable skip reason. */
static const char *open_source(struct race *r)
{
	const char *dev = getenv("DAX_TEST_ODIRECT");

	r->src = open(dev ? dev : "/dev/nullb0", O_RDWR | O_DIRECT);
	if (r->src < 0)
		return "no O_DIRECT device (DAX_TEST_ODIRECT)";
	if (r->pin == ODIRECT_WRITE && !is_null_blk(r->src))
		return "O_DIRECT write needs a null_blk device";
	return NULL;
}

static const char *prepare(struct race *r)
{
	const char *dir = getenv("DAX_TEST_DIR");

	if (!dir || !*dir)
		return "DAX_TEST_DIR not set";
	snprintf(r->path, sizeof(r->path), "%s/break_layouts.%d", dir, getpid());
	r->fd = open(r->path, O_RDWR | O_CREAT | O_EXCL, 0600);
	if (r->fd < 0)
		return "cannot create a file in DAX_TEST_DIR";
	if (!fill(r->fd))
		return "cannot write a file in DAX_TEST_DIR";
	if (!is_dax(r->fd))
		return "DAX_TEST_DIR is not on a DAX mount";
	if (r->pin == ODIRECT_READ || r->pin == ODIRECT_WRITE)
		return open_source(r);
	if (r->pin == VMSPLICE &&
	    (pipe(r->pipefd) || fcntl(r->pipefd[1], F_SETPIPE_SZ, CHUNK) < 0))
		return "cannot make a 1 MiB pipe";
	return NULL;
}

/* Undoes setup; also called when setup skips (newer harnesses then skip teardown). */
static void cleanup(struct race *r)
{
	if (r->map && r->map != MAP_FAILED)
		munmap(r->map, FILE_SIZE);
	r->map = NULL;
	free(r->buf);
	r->buf = NULL;
	if (r->src >= 0)
		close(r->src);
	r->src = -1;
	if (r->pipefd[0] >= 0) {
		close(r->pipefd[0]);
		close(r->pipefd[1]);
	}
	r->pipefd[0] = -1;
	if (r->fd >= 0) {
		close(r->fd);
		unlink(r->path);
	}
	r->fd = -1;
}

/* Skip reasons only; a failed malloc() or mmap() is the caller's to fail on. */
static const char *prepare_map(struct race *r)
{
	r->buf = malloc(CHUNK);
	r->map = mmap(NULL, FILE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, r->fd, 0);
	if (!r->buf || r->map == MAP_FAILED)
		return NULL;
	if (madvise(r->map, FILE_SIZE, MADV_POPULATE_WRITE))
		return "MADV_POPULATE_WRITE unsupported";
	if (r->brk == COLLAPSE &&
	    fallocate(r->fd, FALLOC_FL_COLLAPSE_RANGE, HALF, CHUNK) && errno == EOPNOTSUPP)
		return "collapse range unsupported";
	return NULL;
}

FIXTURE_SETUP(dax)
{
	struct sigaction sa = { .sa_handler = poke, .sa_flags = SA_RESTART };
	struct race *r = &self->r;
	const char *skip;

	r->pin = variant->pin;
	r->brk = variant->brk;
	r->fd = -1;
	r->src = -1;
	r->pipefd[0] = -1;
	r->pipefd[1] = -1;
	skip = prepare(r);
	if (!skip)
		skip = prepare_map(r);
	if (skip) {
		cleanup(r);
		r->skipped = true;
		SKIP(return, "%s", skip);
	}
	ASSERT_NE(NULL, r->buf);
	ASSERT_NE(MAP_FAILED, r->map);
	ASSERT_EQ(0, ftruncate(r->fd, FILE_SIZE));
	ASSERT_EQ(0, sigaction(SIGUSR1, &sa, NULL));
}

FIXTURE_TEARDOWN(dax)
{
	cleanup(&self->r);
}

/* A long-term pin (io_uring fixed buffers) would block the breaker for as long as it is held. */
static void check_refused(struct __test_metadata *_metadata, struct race *r)
{
	struct io_uring_params p = { 0 };
	struct iovec iov = { r->map, CHUNK };
	int ring, ret;

	ring = syscall(__NR_io_uring_setup, 1, &p);
	if (ring < 0)
		SKIP(return, "io_uring unavailable");
	ret = syscall(__NR_io_uring_register, ring, IORING_REGISTER_BUFFERS, &iov, 1);
	EXPECT_EQ(-1, ret) TH_LOG("io_uring registered a DAX mapping as a fixed buffer");
	if (ret)
		EXPECT_EQ(EOPNOTSUPP, errno);
	close(ring);
}

TEST_F_TIMEOUT(dax, race, 60)
{
	const char *env = getenv("DAX_TEST_SECONDS");
	unsigned long seconds = env ? strtoul(env, NULL, 10) : 10;
	struct race *r = &self->r;
	enum verdict v;
	bool bug;

	if (r->skipped)
		return;
	if (variant->expect == REFUSED) {
		check_refused(_metadata, r);
		return;
	}
	ASSERT_EQ(0, pthread_create(&r->pinner, NULL, pin_loop, r));
	ASSERT_EQ(0, pthread_create(&r->breaker, NULL, break_loop, r));
	v = watch(_metadata, r, seconds);
	TH_LOG("%s: %lu breaks, %lu pins", verdict_msg[v],
	       atomic_load(&r->breaks), atomic_load(&r->pins));
	atomic_store(&r->stop_all, true);
	if (v == HANG)	/* the breaker cannot be joined; exit ends it */
		return;
	pthread_join(r->breaker, NULL);
	EXPECT_EQ(0, atomic_load(&r->break_errno))
		TH_LOG("breaker: %s", strerror(atomic_load(&r->break_errno)));
	bug = v != PASSED && v != LONG_PIN;
	EXPECT_FALSE(bug) TH_LOG("%s", verdict_msg[v]);
}

TEST_HARNESS_MAIN
