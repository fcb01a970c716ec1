/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Did 2 MiB (PMD) DAX faults really happen? smaps' FilePmdMapped stays 0 for
 * DAX on 6.1, so the count comes from the kernel's own tracepoint
 * fs_dax:dax_pmd_fault_done, filtered to the case file's inode and summed
 * by result with a hist trigger (no trace buffer to overflow). Each PMD
 * fault attempt ends either mapped (VM_FAULT_NOPAGE) or with
 * VM_FAULT_FALLBACK, after which the fault is retried with 4 KiB PTEs.
 * /proc/vmstat thp_fault_fallback (system wide; DAX bumps it on fallback)
 * is kept as a second opinion.
 * Installing a trigger enables the tracepoint, which patches kernel text;
 * under QEMU TCG with several vCPUs that patching can oops the guest (an
 * int3 left in ttwu_do_activate was hit, 6.12). So where a standing trigger
 * keyed by ino and result already exists (the VM's init installs one at
 * boot, with options/record-cmd off), the case only reads it before and
 * after and takes the difference for its inode; elsewhere it installs and
 * removes its own trigger, filtered to its inode.
 */
#ifndef DS_PMDTRACE_H
#define DS_PMDTRACE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

struct pmd_trace {
	bool on;		/* counting: our trigger is installed, or a standing one is read */
	bool standing;		/* a standing "hist:keys=ino,result" trigger is used */
	unsigned long ino;
	char trigger[256];	/* the trigger file */
	char cmd[96];		/* the trigger text, to remove it again */
	char hist[256];
	long vmstat_fallback0;
	long base[5];		/* standing trigger: counts at the start */
	/* results */
	long mapped;		/* PMD faults that mapped 2 MiB (MAP_SYNC: after the metadata sync) */
	long fallback;		/* PMD faults that fell back to PTEs */
	long sigbus;		/* past EOF after a truncate */
	long noop;		/* result 0: a PTE table or a racing fault got there first */
	long other;		/* retry and the like */
	long vmstat_fallback;	/* thp_fault_fallback delta, -1 unknown */
	char why[192];		/* why there is no tracepoint count */
};

/* Start counting PMD faults on inode ino. Never fails: t->why says what is missing. */
void pmd_trace_start(struct pmd_trace *t, ino_t ino);
/* Read the counts and remove the trigger. */
void pmd_trace_stop(struct pmd_trace *t);

#endif
