// SPDX-License-Identifier: GPL-2.0
/*
 * reflink-pin: a standalone reproducer (libc and the kernel's uapi headers
 * only) of a read-only pin that never completes on a reflinked DAX page.
 *
 *   cc -O2 -o reflink-pin reflink-pin.c
 *   ./reflink-pin DAXDIR [SOURCE [SECONDS]]
 *
 * DAXDIR is on xfs mounted with dax=always and reflink (mkfs.xfs -m
 * reflink=1). A file is written, cloned (FICLONE), the clone is mapped
 * MAP_SHARED and one page of it read-faulted, so its PTE is read-only and
 * maps a shared extent. Then process_vm_readv() reads that page through
 * the process's own mapping: the kernel pins it read-only. Where a
 * reflinked FSDAX page looks anonymous to GUP (6.12: PAGE_MAPPING_DAX_SHARED
 * aliases PAGE_MAPPING_ANON), GUP asks for an unshare fault, which is a no-op
 * in a shared mapping, and retries for ever, in state R, holding the
 * mmap_lock. The pin runs in a child; a watchdog samples it. SOURCE is
 * not used (the arguments are those of the other reproducers, as
 * `daxstress vm --exec` passes them).
 * Called as reflink-pin-cow (a link), the child write-faults the page
 * first, which copies it to a new extent (copy on write), and syncs, which
 * write-protects the PTE again, before the pin: on 6.1 that page carries
 * PAGE_MAPPING_DAX_COW, the other value that aliases PAGE_MAPPING_ANON.
 * Exit: 0 the pin completed, 1 livelock (running in the kernel for SECONDS,
 * default 5, until SIGKILL), 2 hang (asleep, not running), 4 cannot run.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define FILE_SIZE	(2UL << 20)
#define STATX_ATTR_DAX_BIT	0x00200000	/* include/uapi/linux/stat.h */

enum { PASS, LIVELOCK, HANG, SKIP = 4 };

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) && errno == EINTR)
		;
}

static int is_dax(int fd)
{
	struct statx stx;

	if (statx(fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &stx))
		return 0;
	return !!(stx.stx_attributes & STATX_ATTR_DAX_BIT);
}

/* The original, written and synced, and its clone sharing every extent. */
static int make_clone(const char *dir, char *a, char *b, size_t len)
{
	static char buf[1 << 16];
	int src, dst;
	size_t off;

	snprintf(a, len, "%s/reflink-pin.%d.a", dir, getpid());
	snprintf(b, len, "%s/reflink-pin.%d.b", dir, getpid());
	src = open(a, O_RDWR | O_CREAT | O_EXCL, 0600);
	dst = open(b, O_RDWR | O_CREAT | O_EXCL, 0600);
	if (src < 0 || dst < 0)
		return printf("ok 1 # SKIP cannot create files in %s: %s\n", dir, strerror(errno)), -1;
	memset(buf, 0x5a, sizeof(buf));
	for (off = 0; off < FILE_SIZE; off += sizeof(buf))
		if (pwrite(src, buf, sizeof(buf), off) != (ssize_t)sizeof(buf))
			return printf("ok 1 # SKIP cannot write %s\n", a), -1;
	fsync(src);
	if (!is_dax(src))
		return printf("ok 1 # SKIP %s is not DAX (xfs -o dax=always)\n", dir), -1;
	if (ioctl(dst, FICLONE, src))
		return printf("ok 1 # SKIP FICLONE: %s (xfs with reflink=1?)\n", strerror(errno)), -1;
	close(src);
	return dst;
}

/*
 * The child: read-fault one page of the clone's shared mapping (or, with
 * @cow, write it and sync it), then pin it read-only.
 */
static void __attribute__((noreturn)) pin_child(int fd, int cow)
{
	char *map = mmap(NULL, FILE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	char local[4096];
	struct iovec l = { local, sizeof(local) }, r;
	volatile char c;

	if (map == MAP_FAILED)
		_exit(SKIP);
	if (cow) {
		map[0] = 0x33;
		if (msync(map, sizeof(local), MS_SYNC))
			_exit(SKIP);
	}
	c = map[0];
	(void)c;
	r.iov_base = map;
	r.iov_len = sizeof(local);
	_exit(process_vm_readv(getpid(), &l, 1, &r, 1, 0) == (ssize_t)sizeof(local) ? PASS : SKIP);
}

static char task_state(pid_t pid, char *wchan, size_t len)
{
	char path[64], buf[512], *p;
	ssize_t n;
	int f;

	snprintf(path, sizeof(path), "/proc/%d/wchan", pid);
	f = open(path, O_RDONLY);
	n = f < 0 ? -1 : read(f, wchan, len - 1);
	wchan[n > 0 ? n : 0] = '\0';
	if (f >= 0)
		close(f);
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = open(path, O_RDONLY);
	n = f < 0 ? -1 : read(f, buf, sizeof(buf) - 1);
	if (f >= 0)
		close(f);
	buf[n > 0 ? n : 0] = '\0';
	p = strrchr(buf, ')');
	return p && p[1] == ' ' ? p[2] : '?';
}

/* Wait for the pin; if it does not complete, tell a spin from a sleep. */
static int watch(pid_t pid, long seconds)
{
	int status, running = 0, samples = 0;
	char wchan[64] = "", st;
	long waited;

	for (waited = 0; waited < seconds * 1000; waited += 50) {
		if (waitpid(pid, &status, WNOHANG) == pid)
			return WIFEXITED(status) ? WEXITSTATUS(status) : SKIP;
		sleep_ms(50);
	}
	for (samples = 0; samples < 10; samples++) {
		st = task_state(pid, wchan, sizeof(wchan));
		running += st == 'R';
		sleep_ms(20);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	if (running == samples) {
		printf("# livelock: the read-only pin of a reflinked DAX page ran in the kernel for %ld s without completing (state R in %d of %d samples); only SIGKILL ended it\n",
		       seconds, running, samples);
		return LIVELOCK;
	}
	printf("# hang: the pin did not complete in %ld s, asleep (state %c, wchan %s)\n",
	       seconds, st, wchan);
	return HANG;
}

int main(int argc, char **argv)
{
	static const char *const verdicts[] = { "pass", "livelock", "hang", "", "skip" };
	const char *name = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	int cow = !strcmp(name, "reflink-pin-cow");
	char a[4096], b[4096];
	int fd, ret;
	pid_t pid;

	if (argc < 2) {
		fprintf(stderr, "usage: %s DAXDIR [SOURCE [SECONDS]]\n", argv[0]);
		return SKIP;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("TAP version 13\n1..1\n");
	fd = make_clone(argv[1], a, b, sizeof(a));
	if (fd < 0) {
		unlink(a);
		unlink(b);
		return SKIP;
	}
	pid = fork();
	if (!pid)
		pin_child(fd, cow);
	ret = pid < 0 ? SKIP : watch(pid, argc > 3 ? strtol(argv[3], NULL, 10) : 5);
	if (ret == PASS)
		printf("# the read-only pin of a %s reflinked DAX page completed\n",
		       cow ? "copied-on-write, synced" : "read-faulted");
	close(fd);
	unlink(a);
	unlink(b);
	printf("%s 1 %s # %s\n", ret == PASS ? "ok" : "not ok", cow ? "reflink-pin-cow" : "reflink-pin",
	       verdicts[ret]);
	return ret;
}
