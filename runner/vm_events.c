// SPDX-License-Identifier: GPL-2.0
/*
 * daxstress vm: what comes back from the guest. The data channel (ttyS1, a
 * file) carries the guest init's framed events and the test command's KTAP
 * and JSON:
 *
 *	@@DAXSTRESS <EVENT> <guest-uptime-s> [ARGS...]
 *
 * Events, in order: INIT release, MODULES count, FSDAX dev how sectors,
 * SETUP target null_blk-params, then per filesystem FS-BEGIN fs, FS-READY fs mount-options,
 * KTAP-BEGIN fs, <KTAP lines>, KTAP-END fs rc, JSON-BEGIN fs, <JSON text>,
 * JSON-END fs, [BUNDLES-BEGIN fs, <base64 of a gzip tar of the repro bundles>,
 * BUNDLES-END fs], FS-END fs rc; at any time ERROR message; last DONE status.
 * With --trace, after SETUP: TRACE name ok|failed why, one per probe.
 *
 * The kernel console (ttyS0, a file) is scanned for panics and oopses.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vm_priv.h"

#define VM_MARK			"@@DAXSTRESS "

/* ---- guest events ---- */

int vm_fs_index(const struct vm_attempt *a, const char *name)
{
	int i;

	for (i = 0; i < a->nfs; i++)
		if (!strcmp(a->fs[i].name, name))
			return i;
	return -1;
}

/* The filesystem named by the first word of ARGS, added on first sight. */
static struct vm_fs *vm_fs_get(struct vm_attempt *a, const char *args)
{
	char fs[16];
	int i;

	if (sscanf(args, "%15s", fs) != 1)
		return NULL;
	i = vm_fs_index(a, fs);
	if (i >= 0)
		return &a->fs[i];
	if (a->nfs == VM_MAX_FS)
		return NULL;
	memset(&a->fs[a->nfs], 0, sizeof(a->fs[0]));
	snprintf(a->fs[a->nfs].name, sizeof(a->fs[0].name), "%s", fs);
	a->fs[a->nfs].t_begin = -1;
	a->fs[a->nfs].t_ready = -1;
	a->fs[a->nfs].t_run = -1;
	a->fs[a->nfs].t_run_end = -1;
	a->fs[a->nfs].t_end = -1;
	a->fs[a->nfs].rc = -1;
	return &a->fs[a->nfs++];
}

static const char *vm_second_word(const char *args)
{
	const char *sp = strchr(args, ' ');

	return sp ? sp + 1 : "";
}

static void ev_init(struct vm_ctx *c, double t, const char *args)
{
	c->a.init = true;
	c->a.g_init = t;
	c->a.t_init = vm_now();
	vm_msg("guest init reached: %s, %.1f s after QEMU start (guest uptime %.2f s)",
	       args, vm_secs(c->a.t0, c->a.t_init), t);
}

static void ev_modules(struct vm_ctx *c, double t, const char *args)
{
	(void)args;
	c->a.g_modules = t;
}

static void ev_fsdax(struct vm_ctx *c, double t, const char *args)
{
	c->a.g_fsdax = t;
	snprintf(c->a.fsdax, sizeof(c->a.fsdax), "%s", args);
}

static void ev_setup(struct vm_ctx *c, double t, const char *args)
{
	c->a.g_setup = t;
	snprintf(c->a.target, sizeof(c->a.target), "%s", args);
	vm_msg("guest set-up done at %.2f s (modules %.2f s, fsdax %.2f s: %s; target %s)",
	       t, c->a.g_modules - c->a.g_init, c->a.g_fsdax - c->a.g_modules, c->a.fsdax,
	       c->a.target);
}

static void ev_fs_begin(struct vm_ctx *c, double t, const char *args)
{
	c->a.cur = vm_fs_get(&c->a, args);
	if (c->a.cur)
		c->a.cur->t_begin = t;
}

static void ev_fs_ready(struct vm_ctx *c, double t, const char *args)
{
	struct vm_fs *fs = vm_fs_get(&c->a, args);

	if (!fs)
		return;
	fs->t_ready = t;
	snprintf(fs->mount_opts, sizeof(fs->mount_opts), "%s", vm_second_word(args));
	vm_msg("%s: mkfs and DAX mount in %.2f s (%s)", fs->name, t - fs->t_begin,
	       fs->mount_opts);
}

static void ev_ktap_begin(struct vm_ctx *c, double t, const char *args)
{
	c->a.cur = vm_fs_get(&c->a, args);
	if (c->a.cur)
		c->a.cur->t_run = t;
	c->a.in_ktap = true;
}

static void ev_ktap_end(struct vm_ctx *c, double t, const char *args)
{
	struct vm_fs *fs = vm_fs_get(&c->a, args);

	c->a.in_ktap = false;
	if (!fs)
		return;
	fs->t_run_end = t;
	fs->ran = true;
	fs->rc = atoi(vm_second_word(args));
}

static void ev_json_begin(struct vm_ctx *c, double t, const char *args)
{
	(void)t;
	c->a.cur = vm_fs_get(&c->a, args);
	c->a.in_json = !!c->a.cur;
}

static void ev_json_end(struct vm_ctx *c, double t, const char *args)
{
	(void)t;
	(void)args;
	c->a.in_json = false;
}

static void ev_bundles_begin(struct vm_ctx *c, double t, const char *args)
{
	(void)t;
	vm_bundles_begin(c, args);
}

static void ev_bundles_end(struct vm_ctx *c, double t, const char *args)
{
	(void)t;
	(void)args;
	vm_bundles_end(c);
}

static void ev_fs_end(struct vm_ctx *c, double t, const char *args)
{
	struct vm_fs *fs = vm_fs_get(&c->a, args);

	if (!fs)
		return;
	fs->t_end = t;
	fs->ended = true;
	if (!fs->ran)
		vm_msg("%s: %s", fs->name, vm_second_word(args));
}

static void ev_error(struct vm_ctx *c, double t, const char *args)
{
	(void)t;
	vm_msg("guest error: %s", args);
	snprintf(c->a.reason, sizeof(c->a.reason), "guest: %s", args);
}

static void ev_done(struct vm_ctx *c, double t, const char *args)
{
	(void)t;
	c->a.done = true;
	c->a.done_status = atoi(args);
	c->a.t_done = vm_now();
}

static const struct vm_event {
	const char *name;
	void (*fn)(struct vm_ctx *c, double t, const char *args);
} vm_events[] = {
	{ "INIT", ev_init },
	{ "MODULES", ev_modules },
	{ "FSDAX", ev_fsdax },
	{ "SETUP", ev_setup },
	{ "FS-BEGIN", ev_fs_begin },
	{ "FS-READY", ev_fs_ready },
	{ "KTAP-BEGIN", ev_ktap_begin },
	{ "KTAP-END", ev_ktap_end },
	{ "JSON-BEGIN", ev_json_begin },
	{ "JSON-END", ev_json_end },
	{ "BUNDLES-BEGIN", ev_bundles_begin },
	{ "BUNDLES-END", ev_bundles_end },
	{ "FS-END", ev_fs_end },
	{ "ERROR", ev_error },
	{ "DONE", ev_done },
};

static void vm_event(struct vm_ctx *c, const char *line)
{
	char name[32];
	double t;
	int off = 0;
	size_t i;

	if (sscanf(line, "%31s %lf %n", name, &t, &off) < 2)
		return;
	for (i = 0; i < ARRAY_SIZE(vm_events); i++) {
		if (!strcmp(name, vm_events[i].name)) {
			vm_events[i].fn(c, t, line + off);
			return;
		}
	}
}

/* A piece of a long line gets no newline: JSON strings must stay whole. */
static void vm_json_append(struct vm_fs *fs, const char *line, unsigned int flags)
{
	size_t len = strlen(line);
	char *j = realloc(fs->json, fs->json_len + len + 2);

	if (!j)
		return;
	memcpy(j + fs->json_len, line, len);
	fs->json_len += len;
	if (!(flags & VM_LINE_PARTIAL))
		j[fs->json_len++] = '\n';
	j[fs->json_len] = '\0';
	fs->json = j;
}

static void vm_data_line(struct vm_ctx *c, const char *line, unsigned int flags)
{
	c->a.t_last = vm_now();
	if (!(flags & VM_LINE_CONT) && !strncmp(line, VM_MARK, strlen(VM_MARK))) {
		vm_event(c, line + strlen(VM_MARK));
	} else if (c->a.bundles) {
		vm_bundles_line(c, line);
	} else if (c->a.in_json) {
		vm_json_append(c->a.cur, line, flags);
	} else if (c->a.in_ktap) {
		/* daxstress run --trace says what became of each probe */
		if (!(flags & VM_LINE_CONT) && !strncmp(line, "# trace: ", 9))
			vm_trace_event(c, line + 9);
		printf("%s\n", line);
		fflush(stdout);
		if (c->ktap) {
			fprintf(c->ktap, "%s\n", line);
			fflush(c->ktap);
		}
	} else if (*line) {
		vm_msg("guest: %s", line);
	}
}

/* Console lines that end a run. */
static const char *const vm_fatal_patterns[] = {
	"Kernel panic - not syncing",
	"Oops: ",
	"kernel BUG at ",
	"BUG: unable to handle",
	"BUG: kernel NULL pointer",
	"general protection fault",
	"invalid opcode: ",
};

static void vm_console_line(struct vm_ctx *c, const char *line, unsigned int flags)
{
	size_t i;

	if (c->a.t_panic)
		return;
	for (i = 0; i < ARRAY_SIZE(vm_fatal_patterns); i++) {
		if (strstr(line, vm_fatal_patterns[i])) {
			c->a.t_panic = vm_now();
			snprintf(c->a.reason, sizeof(c->a.reason), "guest console: %s", line);
			vm_msg("guest console: %s", line);
			return;
		}
	}
}

/* Read what the file grew by and hand out complete lines. */
static void vm_follow(struct vm_ctx *c, int fd, struct vm_lines *lb,
		      void (*fn)(struct vm_ctx *c, const char *line, unsigned int flags))
{
	char *start, *nl;
	ssize_t n;

	if (fd < 0)
		return;
	for (;;) {
		if (lb->len == sizeof(lb->buf) - 1) {
			lb->buf[lb->len] = '\0';
			fn(c, lb->buf, VM_LINE_PARTIAL | (lb->cont ? VM_LINE_CONT : 0));
			lb->cont = true;
			lb->len = 0;
		}
		n = read(fd, lb->buf + lb->len, sizeof(lb->buf) - 1 - lb->len);
		if (n <= 0)
			return;
		lb->len += (size_t)n;
		start = lb->buf;
		while ((nl = memchr(start, '\n', lb->len - (size_t)(start - lb->buf)))) {
			*nl = '\0';
			if (nl > start && nl[-1] == '\r')
				nl[-1] = '\0';
			fn(c, start, lb->cont ? VM_LINE_CONT : 0);
			lb->cont = false;
			start = nl + 1;
		}
		lb->len -= (size_t)(start - lb->buf);
		memmove(lb->buf, start, lb->len);
	}
}

void vm_drain(struct vm_ctx *c)
{
	char path[PATH_MAX];

	if (c->a.data_fd < 0) {
		vm_rundir_path(c, "data.log", path, sizeof(path));
		c->a.data_fd = open(path, O_RDONLY | O_CLOEXEC);
	}
	if (c->a.con_fd < 0) {
		vm_rundir_path(c, "console.log", path, sizeof(path));
		c->a.con_fd = open(path, O_RDONLY | O_CLOEXEC);
	}
	vm_follow(c, c->a.data_fd, &c->a.data, vm_data_line);
	vm_follow(c, c->a.con_fd, &c->a.con, vm_console_line);
}
