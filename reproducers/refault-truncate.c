// SPDX-License-Identifier: GPL-2.0
/*
 * refault-truncate: a standalone reproducer (libc only) of a truncate that
 * a live mapping keeps asleep on 7.x, step by step, with no race to win.
 *
 *   cc -O2 -pthread -o refault-truncate refault-truncate.c
 *   ./refault-truncate DAXDIR [SOURCE [ROUNDS]]
 *
 * DAXDIR is a directory on a DAX mount (ext4 -o dax, xfs -o dax=always).
 * SOURCE is a non-DAX block device whose O_DIRECT reads take 50 ms or more
 * (default /dev/nullb0: modprobe null_blk irqmode=2 completion_nsec=200000000).
 * Each round takes the steps that the kernel's order needs:
 *   1. a thread reads SOURCE with O_DIRECT into one page of the mapped
 *      file: the page is pinned for the length of the read;
 *   2. another thread truncates that page away: dax_break_layout() unmaps
 *      it, finds it pinned and sleeps, dropping the invalidate lock;
 *   3. once that thread is seen asleep there (wchan), and while the read
 *      is still going, the main thread reads the page: a fault maps it
 *      again;
 *   4. the read ends and unpins the page.
 * Since v6.15 every mapping holds a reference to an fsdax page and the
 * break waits for the count to reach 0, so after step 4 the count stops at
 * 1 (the new mapping), the waker (free_zone_device_folio()) never runs, and
 * the truncate sleeps until the file is unmapped. A round where step 3
 * came after step 4 (the read was quicker than the steps) is not counted.
 * A stalled truncate is proven like odirect-truncate's:
 *   unmap the file:            released -> blocked by the mapping (7.x)
 *   SA_RESTART signal to it:   released -> missed wakeup
 *   nothing released it:       hang
 * Exit: 0 ROUNDS (default 10) counted rounds completed, 1 missed wakeup,
 * 2 hang, 3 blocked by the mapping, 4 cannot run here (kselftest's skip).
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

#define FILE_SIZE	(64UL << 10)
#define PAGE		4096UL
#define VICTIM		(FILE_SIZE / 2)	/* the page pinned, cut and refaulted */
#define MIN_READ_MS	50
#define STALL_MS	3000
#define GRACE_MS	2000
#define STATX_ATTR_DAX_BIT	0x00200000	/* include/uapi/linux/stat.h */
#define ARRAY_SIZE(a)		(sizeof(a) / sizeof((a)[0]))

enum { PASS, MISSED_WAKEUP, HANG, BLOCKED_BY_MAPPING, SKIP };
static const char *const verdicts[] = {
	"pass", "missed-wakeup", "hang", "blocked-by-mapping", "skip",
};

static char *map;
static int fd, src;
static atomic_bool read_done, cut_done;
static atomic_int breaker_tid;

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

/* Step 1: the O_DIRECT read into the mapped page pins it until it ends. */
static void *pin_page(void *arg)
{
	(void)arg;
	/* EFAULT when the truncate came first: a round that does not count */
	if (pread(src, map + VICTIM, PAGE, 0) != (ssize_t)PAGE && errno != EFAULT)
		printf("# O_DIRECT read into the mapping: %s\n", strerror(errno));
	atomic_store(&read_done, 1);
	return NULL;
}

/* Step 2: cut the page away. No timers or signals: they end the wait. */
static void *cut_page(void *arg)
{
	(void)arg;
	atomic_store(&breaker_tid, (int)syscall(SYS_gettid));
	if (ftruncate(fd, VICTIM)) {
		printf("# ftruncate: %s\n", strerror(errno));
		_exit(SKIP);
	}
	atomic_store(&cut_done, 1);
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

/*
 * Is the truncate asleep in a filesystem's wait for a DAX page? Where the
 * wait function is inlined, wchan names its caller.
 */
static int breaking(void)
{
	static const char *const waits[] = {
		"wait_dax_page", "break_layouts", "break_dax_layouts", "dax_break_layout",
	};
	char where[64];
	size_t i;

	if (!atomic_load(&breaker_tid))
		return 0;
	wchan(where, sizeof(where));
	for (i = 0; i < ARRAY_SIZE(waits); i++)
		if (strstr(where, waits[i]))
			return 1;
	return 0;
}

static int wait_for(atomic_bool *flag, unsigned long ms)
{
	unsigned long end = now_ms() + ms;

	while (!atomic_load(flag) && now_ms() < end)
		sleep_ms(5);
	return atomic_load(flag);
}

static int prove(void)
{
	char where[64];

	wchan(where, sizeof(where));
	printf("# truncate asleep %d s in %s after the read ended\n", STALL_MS / 1000, where);
	if (munmap(map, FILE_SIZE) == 0 && wait_for(&cut_done, GRACE_MS)) {
		printf("# blocked by the mapping: released when the file was unmapped, with no signal\n");
		return BLOCKED_BY_MAPPING;
	}
	syscall(SYS_tgkill, getpid(), atomic_load(&breaker_tid), SIGUSR1);
	if (wait_for(&cut_done, GRACE_MS)) {
		printf("# missed wakeup: read ended, file unmapped, still asleep in %s; a SA_RESTART signal made ftruncate complete at once\n",
		       where);
		return MISSED_WAKEUP;
	}
	wchan(where, sizeof(where));
	printf("# hang: nothing released the truncate (in %s)\n", where);
	return HANG;
}

/* One round; *counted says whether the refault came while the page was pinned. */
static int round_once(int *counted)
{
	pthread_t pinner, breaker;
	unsigned long end;
	int ret = PASS;

	*counted = 0;
	atomic_store(&read_done, 0);
	atomic_store(&cut_done, 0);
	atomic_store(&breaker_tid, 0);
	map[VICTIM] = 1;	/* the page is written, allocated and mapped */
	pthread_create(&pinner, NULL, pin_page, NULL);
	sleep_ms(10);		/* the read's pin is taken at submission */
	pthread_create(&breaker, NULL, cut_page, NULL);
	for (end = now_ms() + 1000; now_ms() < end && !breaking(); sleep_ms(1))
		if (atomic_load(&cut_done) || atomic_load(&read_done))
			break;
	if (breaking() && !atomic_load(&read_done)) {
		/* Step 3: the fault maps the page again while the truncate waits. */
		(void)*(volatile char *)(map + VICTIM);
		*counted = !atomic_load(&read_done);
	}
	pthread_join(pinner, NULL);
	if (!wait_for(&cut_done, STALL_MS))
		return prove();
	pthread_join(breaker, NULL);
	if (ftruncate(fd, FILE_SIZE))
		ret = SKIP;
	return ret;
}

static int is_dax(const char *path)
{
	struct statx stx;

	if (statx(AT_FDCWD, path, 0, STATX_BASIC_STATS, &stx))
		return 0;
	return !!(stx.stx_attributes & STATX_ATTR_DAX_BIT);
}

/* How long one O_DIRECT read of SOURCE takes, in ms. */
static unsigned long read_ms(void)
{
	unsigned long t0 = now_ms();
	void *buf;

	if (posix_memalign(&buf, PAGE, PAGE))
		return 0;
	if (pread(src, buf, PAGE, 0) != (ssize_t)PAGE)
		t0 = now_ms();
	free(buf);
	return now_ms() - t0;
}

static int setup(const char *dir, const char *source, char *path, size_t len)
{
	unsigned long ms;

	snprintf(path, len, "%s/refault-truncate.%d", dir, getpid());
	fd = open(path, O_RDWR | O_CREAT | O_EXCL, 0600);
	if (fd < 0) {
		printf("ok 1 # SKIP cannot create %s: %s\n", path, strerror(errno));
		return -1;
	}
	if (ftruncate(fd, FILE_SIZE))
		return printf("ok 1 # SKIP cannot size %s\n", path), -1;
	if (!is_dax(path))
		return printf("ok 1 # SKIP %s is not DAX (mount with -o dax)\n", dir), -1;
	src = open(source, O_RDONLY | O_DIRECT);
	if (src < 0)
		return printf("ok 1 # SKIP cannot open %s with O_DIRECT: %s\n", source,
			      strerror(errno)), -1;
	ms = read_ms();
	if (ms < MIN_READ_MS)
		return printf("ok 1 # SKIP %s reads take %lu ms, under %d (null_blk completion_nsec=200000000)\n",
			      source, ms, MIN_READ_MS), -1;
	map = mmap(NULL, FILE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED)
		return printf("ok 1 # SKIP mmap: %s\n", strerror(errno)), -1;
	printf("# %s: O_DIRECT reads take %lu ms\n", source, ms);
	return 0;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_poke, .sa_flags = SA_RESTART };
	unsigned long want, counted = 0, rounds = 0;
	char path[4096];
	int ret = PASS, c;

	if (argc < 2) {
		fprintf(stderr, "usage: %s DAXDIR [SOURCE [ROUNDS]]\n", argv[0]);
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
	want = argc > 3 ? strtoul(argv[3], NULL, 10) : 10;
	while (ret == PASS && counted < want && rounds < 10 * want) {
		ret = round_once(&c);
		counted += c;
		rounds++;
	}
	printf("# %lu rounds, %lu with the page refaulted while pinned\n", rounds, counted);
	unlink(path);
	if (ret == PASS && counted < want) {
		printf("ok 1 refault-truncate # SKIP the refault never came before the read ended\n");
		ret = SKIP;
	} else {
		printf("%s 1 refault-truncate # %s\n", ret == PASS ? "ok" : "not ok",
		       verdicts[ret]);
	}
	/* a hung truncate thread would keep exit() waiting: leave at once */
	fflush(stdout);
	_exit(ret);
}
