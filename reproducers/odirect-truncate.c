// SPDX-License-Identifier: GPL-2.0
/*
 * odirect-truncate: a standalone reproducer (libc only) of a truncate that
 * never wakes up while O_DIRECT reads pin the pages of a DAX mapping.
 *
 *   cc -O2 -pthread -o odirect-truncate odirect-truncate.c
 *   ./odirect-truncate DAXDIR [SOURCE [SECONDS]]
 *
 * DAXDIR is a directory on a DAX mount (ext4 -o dax, xfs -o dax=always).
 * SOURCE is a non-DAX block device or file to read with O_DIRECT into the
 * mapping (default /dev/nullb0: modprobe null_blk); O_DIRECT on the DAX
 * file itself pins nothing. One thread reads into the second half of the
 * mapped file, another truncates that half away and back, a watchdog
 * notices a truncate that stops, and proves why:
 *   1. stop the reads:              released -> a long pin, no bug
 *   2. unmap the file:              released -> blocked by the mapping (7.x)
 *   3. SA_RESTART signal to it:     released -> missed wakeup (6.1 stable)
 *   4. nothing released it:         hang
 * Exit: 0 no bug in SECONDS (default 30), 1 missed wakeup, 2 hang,
 * 3 blocked by mapping, 4 cannot run here (kselftest's skip).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define FILE_SIZE	(16UL << 20)
#define HALF		(FILE_SIZE / 2)
#define PIN_SIZE	(1UL << 20)
#define STALL_MS	3000
#define GRACE_MS	2000
#define STATX_ATTR_DAX_BIT	0x00200000	/* include/uapi/linux/stat.h */

enum { NO_BUG, MISSED_WAKEUP, HANG, BLOCKED_BY_MAPPING, SKIP };
static const char *const verdicts[] = {
	"pass", "missed-wakeup", "hang", "blocked-by-mapping", "skip",
};

static char *map;
static int fd, src;
static atomic_bool stop_pins, stop_all;
static atomic_ulong truncates, pins;
static atomic_int breaker_tid;
static pthread_t pinner;

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

static void *pin_loop(void *arg)
{
	void *buf;
	unsigned long n = 0;

	(void)arg;
	while (!atomic_load(&stop_pins)) {
		buf = map + HALF + (n++ % (HALF / PIN_SIZE)) * PIN_SIZE;
		/* EFAULT while the half is truncated away is expected */
		if (pread(src, buf, PIN_SIZE, 0) == (ssize_t)PIN_SIZE)
			atomic_fetch_add(&pins, 1);
	}
	return NULL;
}

/* No process-wide timers or signals here: any signal ends the wait and hides the bug. */
static void *truncate_loop(void *arg)
{
	(void)arg;
	atomic_store(&breaker_tid, (int)syscall(SYS_gettid));
	while (!atomic_load(&stop_all)) {
		if (ftruncate(fd, HALF) || ftruncate(fd, FILE_SIZE)) {
			printf("# ftruncate: %s\n", strerror(errno));
			_exit(SKIP);
		}
		atomic_fetch_add(&truncates, 1);
	}
	return NULL;
}

static void on_poke(int sig)
{
	(void)sig;
}

static void wchan(char *buf, size_t len)
{
	char path[64];
	ssize_t n;
	int f;

	snprintf(path, sizeof(path), "/proc/self/task/%d/wchan", atomic_load(&breaker_tid));
	f = open(path, O_RDONLY);
	n = f < 0 ? -1 : read(f, buf, len - 1);
	buf[n > 0 ? n : 0] = '\0';
	if (f >= 0)
		close(f);
}

/* Did the truncate get going again within ms? */
static int released(unsigned long ms)
{
	unsigned long t0 = atomic_load(&truncates), end = now_ms() + ms;

	while (now_ms() < end) {
		if (atomic_load(&truncates) != t0)
			return 1;
		sleep_ms(20);
	}
	return 0;
}

static int prove(void)
{
	char where[64];

	wchan(where, sizeof(where));
	printf("# truncate stalled %d s, asleep in %s\n", STALL_MS / 1000, where);
	atomic_store(&stop_pins, 1);
	pthread_join(pinner, NULL);
	if (released(GRACE_MS)) {
		printf("# released once the reads stopped: a long pin, not a bug\n");
		return NO_BUG;
	}
	if (munmap(map, FILE_SIZE) == 0 && released(GRACE_MS)) {
		printf("# blocked by the mapping: released when the file was unmapped, with no signal\n");
		return BLOCKED_BY_MAPPING;
	}
	syscall(SYS_tgkill, getpid(), atomic_load(&breaker_tid), SIGUSR1);
	if (released(GRACE_MS)) {
		printf("# missed wakeup: reads stopped, file unmapped, still asleep in %s; a SA_RESTART signal made ftruncate complete at once\n",
		       where);
		return MISSED_WAKEUP;
	}
	wchan(where, sizeof(where));
	printf("# hang: nothing released the truncate (in %s)\n", where);
	return HANG;
}

static int watch(unsigned long seconds)
{
	unsigned long end = now_ms() + seconds * 1000, last = 0, since = now_ms();

	while (now_ms() < end) {
		sleep_ms(100);
		if (atomic_load(&truncates) != last) {
			last = atomic_load(&truncates);
			since = now_ms();
		} else if (now_ms() - since >= STALL_MS) {
			return prove();
		}
	}
	printf("# no stall in %lu s: %lu truncates, %lu O_DIRECT reads into the mapping\n",
	       seconds, atomic_load(&truncates), atomic_load(&pins));
	return NO_BUG;
}

static int is_dax(const char *path)
{
	struct statx stx;

	if (statx(AT_FDCWD, path, 0, STATX_BASIC_STATS, &stx))
		return 0;
	return !!(stx.stx_attributes & STATX_ATTR_DAX_BIT);
}

static int setup(const char *dir, const char *source, char *path, size_t len)
{
	static char page[4096];
	unsigned long off;

	snprintf(path, len, "%s/odirect-truncate.%d", dir, getpid());
	fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0600);
	if (fd < 0) {
		printf("ok 1 # SKIP cannot create %s: %s\n", path, strerror(errno));
		return -1;
	}
	memset(page, 0x5a, sizeof(page));
	for (off = 0; off < FILE_SIZE; off += sizeof(page))
		if (pwrite(fd, page, sizeof(page), off) != (ssize_t)sizeof(page))
			return printf("ok 1 # SKIP cannot write %s\n", path), -1;
	if (!is_dax(path))
		return printf("ok 1 # SKIP %s is not DAX (mount with -o dax)\n", dir), -1;
	src = open(source, O_RDONLY | O_DIRECT);
	if (src < 0)
		return printf("ok 1 # SKIP cannot open %s with O_DIRECT: %s\n", source,
			      strerror(errno)), -1;
	map = mmap(NULL, FILE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED)
		return printf("ok 1 # SKIP mmap: %s\n", strerror(errno)), -1;
	return 0;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_poke, .sa_flags = SA_RESTART };
	char path[4096];
	pthread_t breaker;
	int ret;

	if (argc < 2) {
		fprintf(stderr, "usage: %s DAXDIR [SOURCE [SECONDS]]\n", argv[0]);
		return SKIP;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("TAP version 13\n1..1\n");
	if (setup(argv[1], argc > 2 ? argv[2] : "/dev/nullb0", path, sizeof(path))) {
		if (fd >= 0)
			unlink(path);
		return SKIP;
	}
	sigaction(SIGUSR1, &sa, NULL);
	pthread_create(&pinner, NULL, pin_loop, NULL);
	pthread_create(&breaker, NULL, truncate_loop, NULL);
	ret = watch(argc > 3 ? strtoul(argv[3], NULL, 10) : 30);
	if (!atomic_load(&stop_pins)) {
		atomic_store(&stop_pins, 1);
		pthread_join(pinner, NULL);
	}
	atomic_store(&stop_all, 1);
	if (ret != HANG)
		pthread_join(breaker, NULL);
	unlink(path);
	printf("%s 1 odirect-truncate # %s\n", ret == NO_BUG ? "ok" : "not ok", verdicts[ret]);
	/* a hung truncate thread would keep exit() waiting: leave at once */
	fflush(stdout);
	_exit(ret);
}
