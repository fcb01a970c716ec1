/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The run's private tracefs instance (libtracefs). daxstress runs as root
 * on machines that other people trace, so everything it enables, installs
 * or reads lives in instances/daxstress-PID: its events and triggers are
 * enabled there only, and its records go to that instance's buffer. The
 * top-level buffer, its enabled events and triggers, and other instances
 * stay as they were. Its kprobes are named NAME_PID in group daxstress_PID
 * (kprobe_profile lists event names without their group, so the name
 * itself must be unique). All of it is removed at exit; a run killed by
 * SIGKILL leaves it behind, and the next run removes what belongs to a
 * PID that no longer exists.
 * Tracefs is never mounted here: if it is not mounted, there is no
 * tracing, and the reason says how to mount it.
 */
#ifndef DS_TRACING_H
#define DS_TRACING_H

#include <glob.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "../config/tracefile.h"

#define TRACING_PREFIX		"daxstress-"	/* instance: daxstress-PID */
#define TRACING_GROUP_PREFIX	"daxstress_"	/* kprobe group: daxstress_PID */
#define PMD_EVENT_SYS		"fs_dax"
#define PMD_EVENT		"dax_pmd_fault_done"

struct tracefs_instance;
struct tracefs_dynevent;
struct json_object;

struct tracing_probe {
	char name[TRACE_NAME_MAX];	/* as the trace file names it */
	char event[TRACE_NAME_MAX];	/* registered as: NAME_PID */
	struct tracefs_dynevent *ev;
	bool ok;
	char note[192];			/* why not registered */
};

struct tracing {
	struct tracefs_instance *inst;
	char instance[48];
	char group[48];
	unsigned int nprobes;
	struct tracing_probe probe[TRACE_MAX_PROBES];
	uint64_t keep;			/* bytes of raw trace kept per case */
	bool pmd_hist;			/* our hist trigger on fs_dax/dax_pmd_fault_done */
	unsigned int reaped;		/* left-overs of killed runs removed at open */
	char why[192];			/* why there is no instance */
};

/* Where tracefs is mounted, without mounting it; NULL and why if it is not. */
const char *tracing_dir(char *why, size_t len);
/* Remove the instances and kprobes of daxstress runs whose PID is gone. */
unsigned int tracing_reap(void);
/* Create this process's instance. 0, or -errno and t->why. */
int tracing_open(struct tracing *t);
/* The probes that registered: 0 means the instance records nothing. */
unsigned int tracing_probes_ok(const struct tracing *t);
/* Register, filter and enable the trace file's kprobes in the instance. */
void tracing_add_probes(struct tracing *t, const struct trace_file *tf);
/* The PMD fault count: a hist trigger keyed by inode and result. 0 or -errno (t->why). */
int tracing_pmd_hist(struct tracing *t);
/* Disable and remove everything; the instance goes last. */
void tracing_close(struct tracing *t);

/* Per-case counts: empty the instance's buffer; snapshot the hit counts. */
int tracing_case_begin(struct tracing *t, uint64_t *hits, uint64_t *missed);
/* The counts since tracing_case_begin, as report.json's kernel_trace object. */
struct json_object *tracing_case_end(struct tracing *t, const uint64_t *hits,
				     const uint64_t *missed);

/*
 * The records in an instance's buffer now, overwritten ones included: with a
 * trace file whose filters keep only busy scans (configs/trace/collisions.trace),
 * the kernel-counted waits since the case emptied it. Read on every monitor
 * tick, so the instance's per-CPU stats files are found once, at open.
 */
struct trace_records {
	glob_t files;
	bool open;
};

/* 0, or -errno when there is no such instance (then a read gives -1). */
int tracing_records_open(struct trace_records *r, const char *instance);
/* The count, or -1 when not open. */
int64_t tracing_records_read(const struct trace_records *r);
void tracing_records_close(struct trace_records *r);

/* A file of instance name (e.g. the PMD hist), malloc'd; NULL on error. */
char *tracing_instance_event_read(const char *instance, const char *sys,
				  const char *event, const char *file);

#endif
