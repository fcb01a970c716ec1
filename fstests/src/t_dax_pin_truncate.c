// SPDX-License-Identifier: GPL-2.0
/*
 * t_dax_pin_truncate: O_DIRECT reads into a MAP_SHARED DAX mapping race
 * truncate of the mapped file; a truncate that stops is diagnosed.
 *
 *   t_dax_pin_truncate -c FILE              exit 0 if FILE is DAX
 *   t_dax_pin_truncate DAXFILE SRC SECONDS
 *
 * SRC is a written file on a non-DAX mount (reads of an unwritten extent
 * pin nothing). Truncate waits until no page of the range is pinned and
 * only the wake-up sent when the pin is dropped ends the wait. When the
 * truncate makes no progress for STALL_MS, the reads are stopped; if that
 * does not release it, the file is unmapped; if that does not either, a
 * SA_RESTART signal is sent to the truncating thread. The first step that
 * works names the failure. Prints nothing and exits 0 when there is none.
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

#ifndef STATX_ATTR_DAX
#define STATX_ATTR_DAX		0x00200000
#endif
#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE	23
#endif

#define CHUNK		(1024UL * 1024)
#define FILE_SIZE	(16 * CHUNK)
#define HALF		(FILE_SIZE / 2)
#define STALL_MS	3000
#define GRACE_MS	2000

static char *map;
static int fd, src;
static atomic_bool stop_pins, stop_all, finished;
static atomic_ulong truncates, armed;
static atomic_int truncate_tid, truncate_errno;
static pthread_t pinner, truncator;

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
	unsigned long n = 0;
	char *chunk;

	while (!atomic_load(&stop_pins)) {
		chunk = map + HALF + (n++ % (HALF / CHUNK)) * CHUNK;
		/* back the chunk with DAX pages again; EFAULT past EOF */
		if (madvise(chunk, CHUNK, MADV_POPULATE_WRITE))
			continue;
		atomic_fetch_add(&armed, 1);
		pread(src, chunk, CHUNK, 0);
	}
	return NULL;
}

/* No timers or signals in this process: a signal ends the wait. */
static void *truncate_loop(void *arg)
{
	unsigned long a;
	int i;

	atomic_store(&truncate_tid, (int)syscall(SYS_gettid));
	while (!atomic_load(&stop_all)) {
		if (ftruncate(fd, HALF) || ftruncate(fd, FILE_SIZE)) {
			atomic_store(&truncate_errno, errno);
			break;
		}
		a = atomic_load(&armed);
		atomic_fetch_add(&truncates, 1);
		/* give the reader time to fault the range in again */
		for (i = 0; i < 100 && atomic_load(&armed) == a; i++)
			sleep_ms(1);
	}
	atomic_store(&finished, 1);
	return NULL;
}

static void poke(int sig)
{
}

static int released(unsigned long ms)
{
	unsigned long t0 = atomic_load(&truncates), end = now_ms() + ms;

	while (now_ms() < end) {
		if (atomic_load(&truncates) != t0 || atomic_load(&finished))
			return 1;
		sleep_ms(20);
	}
	return 0;
}

static void where(char *buf, size_t len)
{
	char path[64];
	ssize_t n = -1;
	int f;

	snprintf(path, sizeof(path), "/proc/self/task/%d/wchan",
		 atomic_load(&truncate_tid));
	f = open(path, O_RDONLY);
	if (f >= 0) {
		n = read(f, buf, len - 1);
		close(f);
	}
	buf[n > 0 ? n : 0] = '\0';
}

/* Returns 0 if the stall was a long pin, else prints why and returns 1. */
static int prove(void)
{
	char wchan[64];

	where(wchan, sizeof(wchan));
	atomic_store(&stop_pins, 1);
	pthread_join(pinner, NULL);
	if (released(GRACE_MS))
		return 0;
	munmap(map, FILE_SIZE);
	if (released(GRACE_MS)) {
		printf("truncate blocked by mapping: asleep in %s, released by munmap\n", wchan);
		return 1;
	}
	syscall(SYS_tgkill, getpid(), atomic_load(&truncate_tid), SIGUSR1);
	if (released(GRACE_MS)) {
		printf("truncate missed wakeup: asleep in %s with no pin and no mapping, released by a signal\n",
		       wchan);
		return 1;
	}
	printf("truncate hang: asleep in %s, nothing released it\n", wchan);
	fflush(stdout);
	_exit(1);
}

static int watch(unsigned long seconds)
{
	unsigned long end = now_ms() + seconds * 1000, since = now_ms(), last = 0;

	/* after SECONDS the truncate loop is told to stop: watched until it has */
	while (!atomic_load(&finished)) {
		sleep_ms(100);
		if (now_ms() >= end)
			atomic_store(&stop_all, 1);
		if (atomic_load(&truncates) != last) {
			last = atomic_load(&truncates);
			since = now_ms();
		} else if (now_ms() - since >= STALL_MS) {
			return prove();
		}
	}
	atomic_store(&stop_pins, 1);
	pthread_join(pinner, NULL);
	return 0;
}

static int is_dax(const char *path)
{
	struct statx stx;

	return !statx(AT_FDCWD, path, 0, STATX_BASIC_STATS, &stx) &&
	       (stx.stx_attributes & STATX_ATTR_DAX);
}

static void setup(const char *path, const char *source)
{
	static char page[4096];
	unsigned long off;

	fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	src = open(source, O_RDONLY | O_DIRECT);
	if (fd < 0 || src < 0) {
		perror(fd < 0 ? path : source);
		exit(1);
	}
	memset(page, 0x5a, sizeof(page));
	for (off = 0; off < FILE_SIZE; off += sizeof(page))
		if (pwrite(fd, page, sizeof(page), off) != sizeof(page)) {
			perror("pwrite");
			exit(1);
		}
	map = mmap(NULL, FILE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED) {
		perror("mmap");
		exit(1);
	}
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = poke, .sa_flags = SA_RESTART };
	int ret;

	if (argc == 3 && !strcmp(argv[1], "-c"))
		return !is_dax(argv[2]);
	if (argc != 4) {
		fprintf(stderr, "usage: %s -c FILE | DAXFILE SRC SECONDS\n", argv[0]);
		return 1;
	}
	setup(argv[1], argv[2]);
	sigaction(SIGUSR1, &sa, NULL);
	pthread_create(&pinner, NULL, pin_loop, NULL);
	pthread_create(&truncator, NULL, truncate_loop, NULL);
	ret = watch(strtoul(argv[3], NULL, 10));
	atomic_store(&stop_all, 1);
	pthread_join(truncator, NULL);
	if (atomic_load(&truncate_errno)) {
		printf("ftruncate: %s\n", strerror(atomic_load(&truncate_errno)));
		ret = 1;
	}
	return ret;
}
