// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "kmsg.h"
#include "util.h"

static const char *const warn_patterns[] = {
	"WARNING:", "BUG:", "Oops", "blocked for more than",
	"possible circular locking", "possible recursive locking",
	"inconsistent lock state", "general protection fault",
	"Kernel panic", "UBSAN:", "KASAN:", "stack-protector",
};

bool kmsg_is_warning(const char *msg)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(warn_patterns); i++)
		if (strstr(msg, warn_patterns[i]))
			return true;
	return false;
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
		msg = strchr(rec, ';');
		msg = msg ? msg + 1 : rec;
		msg[strcspn(msg, "\n")] = '\0';
		if (!kmsg_is_warning(msg))
			continue;
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

void kmsg_rearm_warn_once(void)
{
	const char *on = getenv("DAXSTRESS_CLEAR_WARN_ONCE");
	int fd;

	if (!on || strcmp(on, "1"))
		return;
	fd = open("/sys/kernel/debug/clear_warn_once", O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	if (write(fd, "1", 1) != 1)
		kmsg_mark("cannot re-arm WARN_ON_ONCE: %s", strerror(errno));
	close(fd);
}
