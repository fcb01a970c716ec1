/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel threads asleep in a DAX break-layouts wait. The monitor's proof
 * ladder follows the workload's own threads; a break can also run in a
 * kernel thread that no signal reaches: virtiofs's DAX range reclaim
 * (fuse_dax_free_mem_worker, a kworker) calls fuse_dax_break_layouts. A
 * lost wakeup there leaves that kworker asleep for good.
 */
#ifndef DS_KWATCH_H
#define DS_KWATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

struct kwatch_hit {
	pid_t pid;
	char comm[32];
	char state;
	char where[160];	/* the matching functions, innermost first */
	unsigned long long switches;	/* context switches when first seen */
};

/*
 * Kernel threads (PF_KTHREAD) under PROC asleep (S or D) in a break-layouts
 * function, up to max; their number.
 */
int kwatch_scan(const char *proc, struct kwatch_hit *hits, int max);

/*
 * Look samples times, interval_ms apart: a kernel thread that is in a
 * break-layouts wait every time without a single context switch is stuck.
 * Fills out with the first such thread and returns true.
 */
bool kwatch_stuck(const char *proc, int samples, int interval_ms, struct kwatch_hit *out);

/* One sentence for a report: the thread, its wait, what the ladder could and could not do. */
void kwatch_describe(const struct kwatch_hit *h, char *buf, size_t size);

#endif
