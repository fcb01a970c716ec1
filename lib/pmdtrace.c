// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pmdtrace.h"
#include "util.h"

#define EVENT "events/fs_dax/dax_pmd_fault_done"
/* include/linux/mm_types.h, the same in 6.1, 6.12 and 7.x */
#define VM_FAULT_SIGBUS		0x002
#define VM_FAULT_NOPAGE		0x100
#define VM_FAULT_FALLBACK	0x800
#define VM_FAULT_NEEDDSYNC	0x2000	/* MAP_SYNC: inserted after the fsync */

static const char *const tracefs[] = { "/sys/kernel/tracing", "/sys/kernel/debug/tracing" };

static long vmstat_read(const char *key)
{
	char line[128], name[64];
	long v = -1, n;
	FILE *f = fopen("/proc/vmstat", "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%63s %ld", name, &n) == 2 && !strcmp(name, key))
			v = n;
	fclose(f);
	return v;
}

/* Append text to a tracefs control file (O_APPEND: never clears other triggers). */
static int write_ctl(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, text, strlen(text));
	close(fd);
	return n < 0 ? -errno : 0;
}

static const char *find_event(struct pmd_trace *t)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(tracefs); i++) {
		snprintf(t->trigger, sizeof(t->trigger), "%s/" EVENT "/trigger", tracefs[i]);
		if (!access(t->trigger, W_OK)) {
			snprintf(t->hist, sizeof(t->hist), "%s/" EVENT "/hist", tracefs[i]);
			return tracefs[i];
		}
	}
	return NULL;
}

static void count_line(struct pmd_trace *t, const char *line);

/* Sum the standing trigger's lines for our inode into the counters. */
static bool read_standing(struct pmd_trace *t)
{
	char line[256];
	bool standing = false;
	FILE *f = fopen(t->hist, "re");

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		if (strstr(line, "trigger info: hist:keys=ino,result:"))
			standing = true;
		count_line(t, line);
	}
	fclose(f);
	return standing;
}

static void take_counts(struct pmd_trace *t, long *c)
{
	c[0] = t->mapped;
	c[1] = t->fallback;
	c[2] = t->sigbus;
	c[3] = t->noop;
	c[4] = t->other;
	t->mapped = t->fallback = t->sigbus = t->noop = t->other = 0;
}

void pmd_trace_start(struct pmd_trace *t, ino_t ino)
{
	int ret;

	memset(t, 0, sizeof(*t));
	t->vmstat_fallback = -1;
	t->vmstat_fallback0 = vmstat_read("thp_fault_fallback");
	t->ino = (unsigned long)ino;
	if (!find_event(t)) {
		snprintf(t->why, sizeof(t->why), "no writable tracefs event fs_dax/dax_pmd_fault_done (mount tracefs at /sys/kernel/tracing, run as root)");
		return;
	}
	if (read_standing(t)) {
		take_counts(t, t->base);
		t->standing = t->on = true;
		return;
	}
	take_counts(t, t->base);
	snprintf(t->cmd, sizeof(t->cmd), "hist:keys=result if ino == %llu",
		 (unsigned long long)ino);
	ret = write_ctl(t->trigger, t->cmd);
	if (ret) {
		snprintf(t->why, sizeof(t->why), "cannot install a hist trigger on fs_dax/dax_pmd_fault_done: %s (CONFIG_HIST_TRIGGERS?)",
			 strerror(-ret));
		return;
	}
	t->on = true;
}

/*
 * "{ result:        256 } hitcount:         10" (our filtered trigger) or
 * "{ ino:        131, result:        256 } hitcount:          5" (standing).
 */
static void count_line(struct pmd_trace *t, const char *line)
{
	unsigned long ino;
	long result, hits;

	if (sscanf(line, "{ ino: %lu, result: %ld } hitcount: %ld", &ino, &result, &hits) == 3) {
		if (ino != t->ino)
			return;
	} else if (sscanf(line, "{ result: %ld } hitcount: %ld", &result, &hits) != 2) {
		return;
	}
	if (!result)
		t->noop += hits;
	else if (result & VM_FAULT_FALLBACK)
		t->fallback += hits;
	else if (result & (VM_FAULT_NOPAGE | VM_FAULT_NEEDDSYNC))
		t->mapped += hits;
	else if (result & VM_FAULT_SIGBUS)
		t->sigbus += hits;
	else
		t->other += hits;
}

void pmd_trace_stop(struct pmd_trace *t)
{
	char line[256], rm[100];
	long v = vmstat_read("thp_fault_fallback");
	FILE *f;

	if (v >= 0 && t->vmstat_fallback0 >= 0)
		t->vmstat_fallback = v - t->vmstat_fallback0;
	if (!t->on)
		return;
	if (t->standing) {
		long now[5];

		read_standing(t);
		take_counts(t, now);
		t->mapped = now[0] - t->base[0];
		t->fallback = now[1] - t->base[1];
		t->sigbus = now[2] - t->base[2];
		t->noop = now[3] - t->base[3];
		t->other = now[4] - t->base[4];
		t->on = false;
		return;
	}
	f = fopen(t->hist, "re");
	if (f) {
		while (fgets(line, sizeof(line), f))
			count_line(t, line);
		fclose(f);
	} else {
		snprintf(t->why, sizeof(t->why), "cannot read %s: %s", t->hist, strerror(errno));
	}
	snprintf(rm, sizeof(rm), "!%s", t->cmd);
	write_ctl(t->trigger, rm);
	t->on = false;
}
