/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Watch the kernel log from the start of a case: new WARNING, BUG, Oops,
 * hung-task and lockdep lines become a kernel-warning finding.
 */
#ifndef DS_KMSG_H
#define DS_KMSG_H

#include <stdbool.h>

#include "../core/util.h"

#define KMSG_KEEP 16

struct kmsg_watch {
	int fd;
	unsigned int hits;
	unsigned int tracing;	/* warnings of the tracing code itself, not counted in hits */
	char line[KMSG_KEEP][256];
	char err[128];		/* why the log could not be read */
};

/* Open /dev/kmsg positioned at its end. Never fails the case: see ->err. */
void kmsg_open(struct kmsg_watch *w);
/* Read what is new; returns the number of new matching lines. */
int kmsg_poll(struct kmsg_watch *w);
void kmsg_close(struct kmsg_watch *w);
/*
 * True if a /dev/kmsg record ("PRI,SEQ,TS,FLAGS;MESSAGE") was logged by the
 * kernel: facility 0. The kernel gives every line a process writes to
 * /dev/kmsg another facility, so a program that logs "WARNING:" is not a
 * kernel warning.
 */
bool kmsg_from_kernel(const char *rec);
/* True if one log message is a kernel warning the suite must report. */
bool kmsg_is_warning(const char *msg);
/* A warning the kprobe/rethook code raises about itself (see kmsg.c). */
bool kmsg_is_tracing_warning(const char *msg);
/* Write a marker into the kernel log so dmesg lines can be tied to a case. */
void kmsg_mark(const char *fmt, ...) __printf(1, 2);
/*
 * Ask the kernel for its blocked-task dump (sysrq-w) between two markers
 * of case name. Needs root (/proc/sysrq-trigger). 0 or -errno.
 */
int kmsg_sysrq_w(const char *name);
/*
 * Copy the kernel log of the last run of case name (between its start and
 * end markers) to dmesg, and the sysrq-w part of it to sysrq (may be NULL).
 * Returns the number of lines copied, or -errno when the log is unreadable.
 */
int kmsg_case_dump(const char *name, FILE *dmesg, FILE *sysrq);
/*
 * on (daxstress run --clear-warn-once; the VM's init passes it): re-arm
 * every WARN_ON_ONCE through debugfs, so each case can see a once-only
 * warning an earlier case already fired. Never done by default: it changes
 * the whole kernel's state.
 */
void kmsg_rearm_warn_once(bool on);

#endif
