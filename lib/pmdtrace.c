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

static long vmstat(const char *key)
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

void pmd_trace_start(struct pmd_trace *t, ino_t ino)
{
	int ret;

	memset(t, 0, sizeof(*t));
	t->vmstat_fallback = -1;
	t->vmstat_fallback0 = vmstat("thp_fault_fallback");
	if (!find_event(t)) {
		snprintf(t->why, sizeof(t->why), "no writable tracefs event fs_dax/dax_pmd_fault_done (mount tracefs at /sys/kernel/tracing, run as root)");
		return;
	}
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

/* "{ result:        256 } hitcount:         10" */
static void count_line(struct pmd_trace *t, const char *line)
{
	long result, hits;

	if (sscanf(line, "{ result: %ld } hitcount: %ld", &result, &hits) != 2)
		return;
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
	long v = vmstat("thp_fault_fallback");
	FILE *f;

	if (v >= 0 && t->vmstat_fallback0 >= 0)
		t->vmstat_fallback = v - t->vmstat_fallback0;
	if (!t->on)
		return;
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
