// SPDX-License-Identifier: GPL-2.0
/*
 * cow-pinned-page: a standalone reproducer (libc and the kernel's uapi
 * headers only) of a copy-on-write fault that takes a reflinked DAX page
 * out of its file while an O_DIRECT write still has it pinned.
 *
 *   cc -O2 -pthread -o cow-pinned-page cow-pinned-page.c
 *   ./cow-pinned-page DAXDIR [SOURCE [SECONDS]]
 *
 * DAXDIR is on xfs mounted with dax=always and reflink (mkfs.xfs -m
 * reflink=1); the program reads the kernel log (/dev/kmsg, as root). SOURCE
 * is a non-DAX block device the O_DIRECT write goes to (default
 * /dev/nullb0: modprobe null_blk completion_nsec=200000000, so that each
 * write holds its pages 200 ms); it is written, so name a scratch device.
 * Round after round: a file is written and cloned (FICLONE), the clone's
 * first page is read-faulted through a shared mapping (a read-only PTE of
 * the shared block), one thread writes that page to SOURCE with O_DIRECT
 * (gup-fast pins it for reading, no fault), and while the write is in
 * flight the main thread stores into the page. The store is a CoW fault:
 * dax_insert_entry() unmaps the page, copies it to a new block and
 * disassociates the old folio from the clone's mapping. On 7.x (the fsdax
 * refcount rework of v6.15) that is its last association, and
 * dax_folio_put() checks that nothing holds the folio any more:
 * WARN_ON_ONCE(folio_ref_count()), while the pin does (1024 per pin).
 * Before v6.15, dax_disassociate_entry() checked the count only on
 * truncate. A break-layouts path would have waited for the pin; the CoW
 * fault does not.
 * Exit: 0 no warning in SECONDS (default 10), 1 the warning, 4 cannot run.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define FILE_SIZE	(64UL << 10)
#define PAGE		4096UL
#define STATX_ATTR_DAX_BIT	0x00200000	/* include/uapi/linux/stat.h */

enum { PASS, WARNED, SKIP = 4 };

struct writer {
	int fd;			/* SOURCE, O_DIRECT */
	char *page;		/* the clone's first page, mapped */
	double start, end;	/* when the write began and ended */
	ssize_t ret;
	int err;
};

static char buf[FILE_SIZE];
static char seen;		/* the read fault's byte, kept so it is not elided */

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void sleep_s(double s)
{
	struct timespec ts = { (time_t)s, (long)((s - (time_t)s) * 1e9) };

	nanosleep(&ts, NULL);
}

static int is_dax(int fd)
{
	struct statx stx;

	if (statx(fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &stx))
		return 0;
	return !!(stx.stx_attributes & STATX_ATTR_DAX_BIT);
}

/* The message of the next kernel log record, or NULL when there is none yet. */
static char *kmsg_next(int kmsg, char *rec, size_t len)
{
	char *msg;
	ssize_t n;

	do
		n = read(kmsg, rec, len - 1);
	while (n < 0 && errno == EPIPE);	/* records overwritten: read on */
	if (n <= 0)
		return NULL;
	rec[n] = '\0';
	msg = strchr(rec, ';');
	msg = msg ? msg + 1 : rec;
	msg[strcspn(msg, "\n")] = '\0';
	return msg;
}

/* 1 if the log since the last call holds the warning (copied to @line). */
static int kmsg_warned(int kmsg, char *line, size_t len)
{
	char rec[2048], *msg;

	while ((msg = kmsg_next(kmsg, rec, sizeof(rec)))) {
		if (strstr(msg, "WARNING") && strstr(msg, "dax_disassociate_entry")) {
			snprintf(line, len, "%.*s", (int)len - 1, msg);
			return 1;
		}
	}
	return 0;
}

/* The call trace of the warning, as comments. */
static void kmsg_show_report(int kmsg)
{
	char rec[2048], *msg;
	int i;

	for (i = 0; i < 80 && (msg = kmsg_next(kmsg, rec, sizeof(rec))); i++) {
		printf("# kmsg: %s\n", msg);
		if (strstr(msg, "end trace"))
			return;
	}
}

static void *write_page(void *arg)
{
	struct writer *w = arg;

	w->start = now_s();
	w->ret = pwrite(w->fd, w->page, PAGE, 0);
	w->err = errno;
	w->end = now_s();
	return NULL;
}

/*
 * One round. Returns 0, or -1 with @err set; *@pinned_s is how long the
 * write had been in flight when the store faulted (0: it had ended).
 */
static int round_once(const char *dir, int src, char *err, size_t len, double *pinned_s)
{
	char a[4096], b[4096];
	int fa = -1, fb = -1, ret = -1;
	struct writer w = { .fd = src };
	double t;
	pthread_t th;
	char *map = MAP_FAILED;

	snprintf(a, sizeof(a), "%s/cow-pinned-page.%d.a", dir, getpid());
	snprintf(b, sizeof(b), "%s/cow-pinned-page.%d.b", dir, getpid());
	fa = open(a, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fa < 0 || pwrite(fa, buf, FILE_SIZE, 0) != (ssize_t)FILE_SIZE || fsync(fa)) {
		snprintf(err, len, "cannot write %.200s: %s", a, strerror(errno));
		goto out;
	}
	if (!is_dax(fa)) {
		snprintf(err, len, "%.200s is not DAX (xfs -o dax=always)", dir);
		goto out;
	}
	fb = open(b, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fb < 0 || ioctl(fb, FICLONE, fa)) {
		snprintf(err, len, "FICLONE: %s (xfs with reflink=1?)", strerror(errno));
		goto out;
	}
	map = mmap(NULL, FILE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fb, 0);
	if (map == MAP_FAILED) {
		snprintf(err, len, "mmap: %s", strerror(errno));
		goto out;
	}
	/* read fault: the shared block, mapped read-only */
	seen = __atomic_load_n(map, __ATOMIC_RELAXED);
	w.page = map;
	if (pthread_create(&th, NULL, write_page, &w)) {
		snprintf(err, len, "pthread_create failed");
		goto out;
	}
	sleep_s(0.05);		/* the write has pinned the page by now */
	t = now_s();
	map[0] = 0x33;		/* CoW fault on the pinned page */
	pthread_join(th, NULL);
	if (w.ret != (ssize_t)PAGE) {
		snprintf(err, len, "O_DIRECT write of the mapped page: %s",
			 w.ret < 0 ? strerror(w.err) : "short write");
		goto out;
	}
	*pinned_s = w.end > t ? t - w.start : 0;
	ret = 0;
out:
	if (map != MAP_FAILED)
		munmap(map, FILE_SIZE);
	if (fa >= 0)
		close(fa);
	if (fb >= 0)
		close(fb);
	unlink(a);
	unlink(b);
	return ret;
}

int main(int argc, char **argv)
{
	const char *source = argc > 2 ? argv[2] : "/dev/nullb0";
	double pinned_s, end, t0 = now_s();
	int kmsg, src, rounds = 0, in_flight = 0, ret = PASS;
	char line[1024], err[512] = "";

	if (argc < 2) {
		fprintf(stderr, "usage: %s DAXDIR [SOURCE [SECONDS]]\n", argv[0]);
		return SKIP;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("TAP version 13\n1..1\n");
	end = t0 + (argc > 3 ? strtol(argv[3], NULL, 10) : 10);
	memset(buf, 0x5a, sizeof(buf));
	kmsg = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
	if (kmsg < 0) {
		printf("ok 1 cow-pinned-page # SKIP cannot read /dev/kmsg: %s (run as root)\n",
		       strerror(errno));
		return SKIP;
	}
	/* WARN_ON_ONCE: a warning earlier in this boot hides the next one */
	if (kmsg_warned(kmsg, line, sizeof(line))) {
		printf("# already in this boot's log: %s\n", line);
		printf("ok 1 cow-pinned-page # SKIP the warning fires once per boot and already did\n");
		return SKIP;
	}
	src = open(source, O_WRONLY | O_DIRECT);
	if (src < 0) {
		printf("ok 1 cow-pinned-page # SKIP cannot open %s: %s (modprobe null_blk)\n",
		       source, strerror(errno));
		return SKIP;
	}
	while (ret == PASS && now_s() < end) {
		if (round_once(argv[1], src, err, sizeof(err), &pinned_s)) {
			printf("ok 1 cow-pinned-page # SKIP %s\n", err);
			return SKIP;
		}
		rounds++;
		in_flight += pinned_s > 0;
		if (kmsg_warned(kmsg, line, sizeof(line)))
			ret = WARNED;
	}
	if (ret == WARNED) {
		printf("# round %d, %.1f s, the write in flight %.0f ms at the store: %s\n",
		       rounds, now_s() - t0, pinned_s * 1e3, line);
		kmsg_show_report(kmsg);
	} else {
		printf("# %d rounds in %.1f s, %d with the write still in flight at the CoW fault: no warning\n",
		       rounds, now_s() - t0, in_flight);
	}
	if (ret == PASS && !in_flight) {
		printf("ok 1 cow-pinned-page # SKIP the write always ended before the store (a slower SOURCE)\n");
		return SKIP;
	}
	printf("%s 1 cow-pinned-page # %s\n", ret == PASS ? "ok" : "not ok",
	       ret == PASS ? "pass" : "cow-of-pinned-page-warning");
	return ret;
}
