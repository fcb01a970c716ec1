// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pmdtrace.h"
#include "../core/util.h"

/* include/linux/mm_types.h, the same in 6.1, 6.12 and 7.x */
#define VM_FAULT_SIGBUS		0x002
#define VM_FAULT_NOPAGE		0x100
#define VM_FAULT_FALLBACK	0x800
#define VM_FAULT_NEEDDSYNC	0x2000	/* MAP_SYNC: inserted after the fsync */

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

/*
 * "{ ino:        131, result:        256 } hitcount:          5": add the
 * lines of our inode to the counters.
 */
static void count_line(struct pmd_trace *t, const char *line)
{
	unsigned long ino;
	long result, hits;

	if (sscanf(line, "{ ino: %lu, result: %ld } hitcount: %ld", &ino, &result, &hits) != 3 ||
	    ino != t->ino)
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

/* Sum the hist's lines for our inode into the counters. */
static int read_hist(struct pmd_trace *t)
{
	char *text = tracing_instance_event_read(t->instance, PMD_EVENT_SYS, PMD_EVENT, "hist");
	char *line, *save = NULL;

	if (!text) {
		snprintf(t->why, sizeof(t->why), "cannot read the hist of %s in tracefs instance %s",
			 PMD_EVENT, t->instance);
		return -EIO;
	}
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		count_line(t, line);
	free(text);
	return 0;
}

static void take_counts(struct pmd_trace *t, long *c)
{
	c[0] = t->mapped;
	c[1] = t->fallback;
	c[2] = t->sigbus;
	c[3] = t->noop;
	c[4] = t->other;
	t->mapped = 0;
	t->fallback = 0;
	t->sigbus = 0;
	t->noop = 0;
	t->other = 0;
}

/* A workload on its own: an instance with the trigger, for this case only. */
static int own_instance(struct pmd_trace *t)
{
	if (tracing_open(&t->own) || tracing_pmd_hist(&t->own)) {
		strscpy_trunc(t->why, t->own.why, sizeof(t->why));
		tracing_close(&t->own);
		return -ENOENT;
	}
	strscpy_trunc(t->instance, t->own.instance, sizeof(t->instance));
	return 0;
}

void pmd_trace_start(struct pmd_trace *t, ino_t ino, const char *instance)
{
	memset(t, 0, sizeof(*t));
	t->vmstat_fallback = -1;
	t->vmstat_fallback0 = vmstat_read("thp_fault_fallback");
	t->ino = (unsigned long)ino;
	if (instance && !strcmp(instance, "-")) {
		snprintf(t->why, sizeof(t->why), "the run has no PMD fault hist (its diagnostics say why)");
		return;
	}
	if (instance && *instance)
		strscpy_trunc(t->instance, instance, sizeof(t->instance));
	else if (own_instance(t))
		return;
	if (read_hist(t)) {
		tracing_close(&t->own);
		return;
	}
	take_counts(t, t->base);
	t->on = true;
}

void pmd_trace_stop(struct pmd_trace *t)
{
	long v = vmstat_read("thp_fault_fallback");
	long now[5];

	if (v >= 0 && t->vmstat_fallback0 >= 0)
		t->vmstat_fallback = v - t->vmstat_fallback0;
	if (!t->on)
		return;
	t->on = false;
	if (!read_hist(t)) {
		take_counts(t, now);
		t->mapped = now[0] - t->base[0];
		t->fallback = now[1] - t->base[1];
		t->sigbus = now[2] - t->base[2];
		t->noop = now[3] - t->base[3];
		t->other = now[4] - t->base[4];
	}
	tracing_close(&t->own);
}
