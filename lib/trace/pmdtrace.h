/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Did 2 MiB (PMD) DAX faults really happen? smaps' FilePmdMapped stays 0 for
 * DAX on 6.1, so the count comes from the kernel's own tracepoint
 * fs_dax:dax_pmd_fault_done, summed by inode and result with a hist trigger
 * (no trace buffer to overflow). Each PMD fault attempt ends either mapped
 * (VM_FAULT_NOPAGE) or with VM_FAULT_FALLBACK, after which the fault is
 * retried with 4 KiB PTEs. /proc/vmstat thp_fault_fallback (system wide;
 * DAX bumps it on fallback) is kept as a second opinion.
 * The trigger lives in a private tracefs instance (lib/trace/tracing.h), never on
 * the host's top-level event. Installing it enables the tracepoint, which
 * patches kernel text; under QEMU TCG with several vCPUs that patching can
 * oops the guest (an int3 left in ttwu_do_activate was hit, 6.12). So
 * `daxstress run` installs one trigger for the whole run, while nothing
 * runs, and names its instance to each case, which reads the counts for its
 * inode before and after; a workload run on its own makes its own instance.
 */
#ifndef DS_PMDTRACE_H
#define DS_PMDTRACE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "tracing.h"

struct pmd_trace {
	bool on;		/* counting */
	unsigned long ino;
	char instance[48];	/* the instance whose hist is read */
	struct tracing own;	/* a workload on its own: its instance */
	long vmstat_fallback0;
	long base[5];		/* counts at the start */
	/* results */
	long mapped;		/* PMD faults that mapped 2 MiB (MAP_SYNC: after the metadata sync) */
	long fallback;		/* PMD faults that fell back to PTEs */
	long sigbus;		/* past EOF after a truncate */
	long noop;		/* result 0: a PTE table or a racing fault got there first */
	long other;		/* retry and the like */
	long vmstat_fallback;	/* thp_fault_fallback delta, -1 unknown */
	char why[192];		/* why there is no tracepoint count */
};

/*
 * Start counting PMD faults on inode ino, from the hist of the run's
 * instance (its name; empty: make one; "-": the run has none, so none is
 * made per case). Never fails: t->why says what is
 * missing.
 */
void pmd_trace_start(struct pmd_trace *t, ino_t ino, const char *instance);
/* Read the counts; remove the instance if it is ours. */
void pmd_trace_stop(struct pmd_trace *t);

#endif
