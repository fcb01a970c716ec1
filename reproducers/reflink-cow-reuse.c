// SPDX-License-Identifier: GPL-2.0
/*
 * reflink-cow-reuse: a standalone reproducer (libc and the kernel's uapi
 * headers only) of a DAX page that keeps its copy-on-write mark after the
 * last file using it let it go.
 *
 *   cc -O2 -o reflink-cow-reuse reflink-cow-reuse.c
 *   ./reflink-cow-reuse DAXDIR [SOURCE [SECONDS]]
 *
 * DAXDIR is on xfs mounted with dax=always and reflink (mkfs.xfs -m
 * reflink=1); the program reads the kernel log (/dev/kmsg, as root).
 * Round after round, a file is written and cloned (FICLONE), every page of
 * the clone is write-faulted through a shared mapping (each fault copies
 * the page to a new extent and inserts it as a CoW entry), the clone is
 * cloned again (a twin: the same copies, shared), the file and the first
 * clone are removed (the copies' only DAX entries go with the clone's
 * inode), and every page of the twin is read-faulted: the same pages,
 * associated again as plain pages. So the pages are used again for
 * certain: an earlier version freed the copies and read a new file, and
 * whether the allocator put it on them was chance (in one boot of three,
 * 108 rounds never did). On 6.1 the CoW entry marks its page with
 * PAGE_MAPPING_DAX_COW and a share count of 1 in page->index, and
 * dax_disassociate_entry() tests the count with a post-decrement
 * (page->index-- > 0), so the last entry's removal leaves the mark on the
 * page. When the page is faulted again as a plain page (through the twin
 * here, or a new file on the freed block), dax_associate_entry() finds
 * page->mapping set and warns (WARN_ON_ONCE(page->mapping), in
 * dax_insert_entry). Mainline counts with a pre-decrement since v6.2.
 * SOURCE is not used (the arguments are those of the other reproducers, as
 * `daxstress vm --exec` passes them).
 * Called as reflink-read-reuse (a link), the clone is only read-faulted:
 * no CoW entry, the control. Called as reflink-read-both, the original and
 * the clone are both read-faulted, the same blocks through two files: 6.1
 * associates a shared block like a private one, so the second file's fault
 * finds the first file's page->mapping and warns the same way (mainline
 * marks such pages shared since v6.2).
 * Exit: 0 no warning in SECONDS (default 10), 1 the warning, 4 cannot run.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define FILE_SIZE	(1UL << 20)
#define STATX_ATTR_DAX_BIT	0x00200000	/* include/uapi/linux/stat.h */

enum { PASS, WARNED, SKIP = 4 };

static char buf[1 << 16];
static int cow = 1;		/* write-fault the clone (0: read-fault it) */
static int both;		/* read-fault the original too */
static const char *test = "reflink-cow-reuse";

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int is_dax(int fd)
{
	struct statx stx;

	if (statx(fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &stx))
		return 0;
	return !!(stx.stx_attributes & STATX_ATTR_DAX_BIT);
}

/*
 * The message of the next record in the kernel log (after "PRI,SEQ,TS,-;",
 * its newline cut), or NULL when there is none yet.
 */
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

/* Print the rest of the warning's report (registers, call trace) as comments. */
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

/*
 * Read what the kernel logged since the last call; 1 if it holds the
 * warning (its line is copied to @line), 0 if not.
 */
static int kmsg_warned(int kmsg, char *line, size_t len)
{
	char rec[2048], *msg;

	while ((msg = kmsg_next(kmsg, rec, sizeof(rec)))) {
		if (strstr(msg, "WARNING") && strstr(msg, "dax_insert_entry")) {
			snprintf(line, len, "%.*s", (int)len - 1, msg);
			return 1;
		}
	}
	return 0;
}

static int write_file(const char *path, int *fdp)
{
	size_t off;
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);

	if (fd < 0)
		return -1;
	for (off = 0; off < FILE_SIZE; off += sizeof(buf))
		if (pwrite(fd, buf, sizeof(buf), off) != (ssize_t)sizeof(buf))
			goto fail;
	if (fsync(fd))
		goto fail;
	*fdp = fd;
	return 0;
fail:
	close(fd);
	return -1;
}

/* Fault every page of @fd in, writing (a CoW fault on a clone) or reading. */
static int fault_all(int fd, int write)
{
	char *map = mmap(NULL, FILE_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	volatile char sum = 0;
	size_t off;

	if (map == MAP_FAILED)
		return -1;
	for (off = 0; off < FILE_SIZE; off += 4096) {
		if (write)
			map[off] = 0x33;
		else
			sum += map[off];
	}
	(void)sum;
	return munmap(map, FILE_SIZE);
}

/*
 * One round: a file and its clone, the clone faulted (copied on write, or
 * read); a twin of the clone; the file and the clone removed; every page of
 * the twin read-faulted.
 */
static int round_once(const char *dir, char *err, size_t len)
{
	char a[4096], b[4096], c[4096];
	int src = -1, dst = -1, twin = -1, ret = -1;

	snprintf(a, sizeof(a), "%s/reflink-cow-reuse.%d.a", dir, getpid());
	snprintf(b, sizeof(b), "%s/reflink-cow-reuse.%d.b", dir, getpid());
	snprintf(c, sizeof(c), "%s/reflink-cow-reuse.%d.c", dir, getpid());
	if (write_file(a, &src)) {
		snprintf(err, len, "cannot write %.200s: %s", a, strerror(errno));
		goto out;
	}
	if (!is_dax(src)) {
		snprintf(err, len, "%.200s is not DAX (xfs -o dax=always)", dir);
		goto out;
	}
	dst = open(b, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (dst < 0 || ioctl(dst, FICLONE, src)) {
		snprintf(err, len, "FICLONE: %s (xfs with reflink=1?)", strerror(errno));
		goto out;
	}
	if ((both && fault_all(src, 0)) || fault_all(dst, cow) || fsync(dst)) {
		snprintf(err, len, "faults on the clone: %s", strerror(errno));
		goto out;
	}
	twin = open(c, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (twin < 0 || ioctl(twin, FICLONE, dst)) {
		snprintf(err, len, "FICLONE of the clone: %s", strerror(errno));
		goto out;
	}
	close(dst);
	close(src);
	dst = -1;
	src = -1;
	/* the last reference: the clone's inode is evicted, its entries deleted */
	unlink(b);
	unlink(a);
	if (fault_all(twin, 0)) {
		snprintf(err, len, "read faults on the twin %.200s: %s", c, strerror(errno));
		goto out;
	}
	ret = 0;
out:
	if (src >= 0)
		close(src);
	if (dst >= 0)
		close(dst);
	if (twin >= 0)
		close(twin);
	unlink(a);
	unlink(b);
	unlink(c);
	return ret;
}

int main(int argc, char **argv)
{
	double end, t0 = now_s();
	char line[1024], err[512] = "";
	const char *name = strrchr(argv[0], '/') ? strrchr(argv[0], '/') + 1 : argv[0];
	int kmsg, rounds = 0, ret = PASS;

	if (argc < 2) {
		fprintf(stderr, "usage: %s DAXDIR [SOURCE [SECONDS]]\n", argv[0]);
		return SKIP;
	}
	both = !strcmp(name, "reflink-read-both");
	cow = !both && strcmp(name, "reflink-read-reuse") != 0;
	test = both ? "reflink-read-both" : cow ? "reflink-cow-reuse" : "reflink-read-reuse";
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("TAP version 13\n1..1\n");
	end = t0 + (argc > 3 ? strtol(argv[3], NULL, 10) : 10);
	memset(buf, 0x5a, sizeof(buf));
	kmsg = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
	if (kmsg < 0) {
		printf("ok 1 %s # SKIP cannot read /dev/kmsg: %s (run as root)\n", test,
		       strerror(errno));
		return SKIP;
	}
	/* WARN_ON_ONCE: a warning earlier in this boot hides the next one */
	if (kmsg_warned(kmsg, line, sizeof(line))) {
		printf("# already in this boot's log: %s\n", line);
		printf("ok 1 %s # SKIP the warning fires once per boot and already did\n", test);
		return SKIP;
	}
	while (ret == PASS && now_s() < end) {
		if (round_once(argv[1], err, sizeof(err))) {
			printf("ok 1 %s # SKIP %s\n", test, err);
			return SKIP;
		}
		rounds++;
		if (kmsg_warned(kmsg, line, sizeof(line)))
			ret = WARNED;
	}
	if (ret == WARNED) {
		printf("# round %d, %.1f s: %s: %s\n", rounds, now_s() - t0,
		       both ? "a reflinked page read through a second file was associated with the first file's mapping still set"
			    : "a CoW-faulted page, its entry gone with its file, faulted again as a plain page, still carried its CoW mark",
		       line);
		kmsg_show_report(kmsg);
	} else {
		printf("# %d rounds in %.1f s (%lu KiB of a clone %s, then read through its twin, each): no warning\n",
		       rounds, now_s() - t0, FILE_SIZE >> 10,
		       both ? "read with its original" : cow ? "copied on write" : "read");
	}
	printf("%s 1 %s # %s\n", ret == PASS ? "ok" : "not ok", test,
	       ret == PASS ? "pass" : both ? "shared-read-warning" : "cow-mark-leak");
	return ret;
}
