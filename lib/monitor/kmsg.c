// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kmsg.h"
#include "../core/util.h"

static const char *const warn_patterns[] = {
	"WARNING:", "BUG:", "Oops", "blocked for more than",
	"possible circular locking", "possible recursive locking",
	"inconsistent lock state", "general protection fault",
	"Kernel panic", "UBSAN:", "KASAN:", "stack-protector",
};

static bool has_any(const char *msg, const char *const *pats, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (strstr(msg, pats[i]))
			return true;
	return false;
}

bool kmsg_from_kernel(const char *rec)
{
	char *end;
	unsigned long pri = strtoul(rec, &end, 10);

	return end != rec && *end == ',' && pri >> 3 == 0;
}

bool kmsg_is_warning(const char *msg)
{
	return has_any(msg, warn_patterns, ARRAY_SIZE(warn_patterns));
}

/*
 * Reading /proc/PID/stack of a running thread while kretprobes are live
 * (daxstress run --trace) makes 6.1's unwinder warn in rethook_find_ret_addr()
 * (measured: the nightly on a 6.1 test kernel, 2 cases). The monitor reads
 * such stacks on purpose (a pinner spinning in GUP); the warning is about the
 * tracing code, never about DAX, so it is counted apart and not a finding.
 */
static const char *const tracing_patterns[] = {
	"kernel/trace/rethook.c", "rethook_find_ret_addr", "kretprobe_find_ret_addr",
};

bool kmsg_is_tracing_warning(const char *msg)
{
	return has_any(msg, tracing_patterns, ARRAY_SIZE(tracing_patterns));
}

void kmsg_open(struct kmsg_watch *w)
{
	memset(w, 0, sizeof(*w));
	w->fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (w->fd < 0) {
		snprintf(w->err, sizeof(w->err), "/dev/kmsg: %s", strerror(errno));
		return;
	}
	if (lseek(w->fd, 0, SEEK_END) < 0)
		snprintf(w->err, sizeof(w->err), "/dev/kmsg seek: %s", strerror(errno));
}

int kmsg_poll(struct kmsg_watch *w)
{
	char rec[2048];
	int found = 0;

	if (w->fd < 0)
		return 0;
	for (;;) {
		ssize_t n = read(w->fd, rec, sizeof(rec) - 1);
		char *msg;

		if (n < 0 && errno == EPIPE)
			continue;	/* records were overwritten; go on */
		if (n <= 0)
			break;
		rec[n] = '\0';
		if (!kmsg_from_kernel(rec))
			continue;
		msg = strchr(rec, ';');
		msg = msg ? msg + 1 : rec;
		msg[strcspn(msg, "\n")] = '\0';
		if (!kmsg_is_warning(msg))
			continue;
		if (kmsg_is_tracing_warning(msg)) {
			w->tracing++;
			continue;
		}
		if (w->hits < KMSG_KEEP)
			strscpy_trunc(w->line[w->hits], msg, sizeof(w->line[0]));
		w->hits++;
		found++;
	}
	return found;
}

void kmsg_close(struct kmsg_watch *w)
{
	if (w->fd >= 0)
		close(w->fd);
	w->fd = -1;
}

void kmsg_mark(const char *fmt, ...)
{
	char buf[256];
	va_list ap;
	int fd, n;

	fd = open("/dev/kmsg", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	n = snprintf(buf, sizeof(buf), "daxstress: ");
	va_start(ap, fmt);
	vsnprintf(buf + n, sizeof(buf) - (size_t)n, fmt, ap);
	va_end(ap);
	/* best effort: a marker must never fail a case */
	if (write(fd, buf, strlen(buf)) < 0)
		buf[0] = '\0';
	close(fd);
}

int kmsg_sysrq_w(const char *name)
{
	int fd, ret = 0;

	fd = open("/proc/sysrq-trigger", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	kmsg_mark("case %s sysrq-w", name);
	if (write(fd, "w", 1) != 1)
		ret = -errno;
	kmsg_mark("case %s sysrq-w end", name);
	close(fd);
	return ret;
}

/* One /dev/kmsg record: seq, "[seconds] message"; continuation lines dropped. */
static int kmsg_record(char *rec, unsigned long long *seq, double *t, char **msg)
{
	unsigned long long usec;
	char *semi = strchr(rec, ';');

	if (!semi || sscanf(rec, "%*u,%llu,%llu", seq, &usec) != 2)
		return -EINVAL;
	*t = (double)usec / 1e6;
	*msg = semi + 1;
	(*msg)[strcspn(*msg, "\n")] = '\0';
	return 0;
}

struct kmsg_scan {
	const char *name;
	char start[160], sysrq[160], sysrq_end[160], end[160];
	unsigned long long from;	/* seq of the last start marker */
	bool found, ended, in_case, in_sysrq;
	FILE *dmesg, *sysrq_out;
	int lines;
};

static void kmsg_scan_line(struct kmsg_scan *sc, unsigned long long seq, double t,
			   const char *msg, bool copy)
{
	if (!copy) {
		if (!strncmp(msg, sc->start, strlen(sc->start))) {
			sc->from = seq;
			sc->found = true;
			sc->ended = false;
		}
		if (sc->found && !strncmp(msg, sc->end, strlen(sc->end)))
			sc->ended = true;
		return;
	}
	if (seq == sc->from)
		sc->in_case = true;
	if (!sc->in_case)
		return;
	fprintf(sc->dmesg, "[%12.6f] %s\n", t, msg);
	sc->lines++;
	if (!strcmp(msg, sc->sysrq_end))
		sc->in_sysrq = false;
	if (sc->in_sysrq && sc->sysrq_out)
		fprintf(sc->sysrq_out, "[%12.6f] %s\n", t, msg);
	if (!strcmp(msg, sc->sysrq))
		sc->in_sysrq = true;
	if (!strncmp(msg, sc->end, strlen(sc->end)))
		sc->in_case = false;
}

/* Read the whole log once; copy: 0 finds the last start marker, 1 copies. */
static int kmsg_scan_pass(struct kmsg_scan *sc, bool copy)
{
	char rec[2048], *msg;
	unsigned long long seq;
	double t;
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	for (;;) {
		ssize_t n = read(fd, rec, sizeof(rec) - 1);

		if (n < 0 && errno == EPIPE)
			continue;
		if (n <= 0)
			break;
		rec[n] = '\0';
		if (!kmsg_record(rec, &seq, &t, &msg))
			kmsg_scan_line(sc, seq, t, msg, copy);
	}
	close(fd);
	return 0;
}

int kmsg_case_dump(const char *name, FILE *dmesg, FILE *sysrq)
{
	struct kmsg_scan sc = { .name = name, .dmesg = dmesg, .sysrq_out = sysrq };
	int i, ret = 0;

	snprintf(sc.start, sizeof(sc.start), "daxstress: case %s start (", name);
	snprintf(sc.sysrq, sizeof(sc.sysrq), "daxstress: case %s sysrq-w", name);
	snprintf(sc.sysrq_end, sizeof(sc.sysrq_end), "daxstress: case %s sysrq-w end", name);
	snprintf(sc.end, sizeof(sc.end), "daxstress: case %s end:", name);
	/* The end marker may take a moment to show up to readers: wait up to 1 s. */
	for (i = 0; i < 10; i++) {
		ret = kmsg_scan_pass(&sc, false);
		if (ret || sc.ended)
			break;
		sleep_ms(100);
	}
	if (ret)
		return ret;
	if (!sc.found)
		return 0;
	ret = kmsg_scan_pass(&sc, true);
	return ret ? ret : sc.lines;
}

void kmsg_rearm_warn_once(bool on)
{
	int fd;

	if (!on)
		return;
	fd = open("/sys/kernel/debug/clear_warn_once", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	if (write(fd, "1", 1) != 1)
		kmsg_mark("cannot re-arm WARN_ON_ONCE: %s", strerror(errno));
	close(fd);
}
