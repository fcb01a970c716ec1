/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The result of one case as the workload measured it, and its JSON form
 * (documented in docs/report-schema.md). The runner reads it back and adds
 * the suite-level fields (known issues, xfail).
 */
#ifndef DS_RESULT_H
#define DS_RESULT_H

#include <stdbool.h>
#include <stdint.h>

#include "../monitor/monitor.h"
#include "../verdict/verdict.h"

struct json_object;

struct case_counters {
	uint64_t owner_ops, pin_ops, break_ops;
	uint64_t sigbus, pin_efault, signals;
	uint64_t breaks_slept;		/* breaks that slept (the heartbeat's count of waits) */
	uint64_t lockstep_overlaps;	/* lockstep breaks begun while pins were held */
};

struct judge;

struct case_result {
	char name[128];
	char workload[32];
	char fs[32];
	char pin[32];
	char brk[32];
	char dir[256];
	bool dax;
	bool via_pmem2;
	bool map_sync;
	bool refault;		/* something may refault the pages during a break */
	bool sharer;		/* another inode maps the pages (sharer = yes) */
	uint64_t align;
	uint64_t seed;
	double duration_s;
	uint64_t budget;	/* the case's wait budget, 0: none */
	double budget_s;	/* when it was reached, 0: not reached */
	enum verdict verdict;
	char reason[512];
	char note[256];		/* a finding beside the verdict */
	char cleanup[512];	/* what could not be cleaned up, and why */
	bool needs_reboot;
	struct case_counters counters;
	long pmd_kb;		/* most FilePmdMapped seen; -1 unknown */
	const struct judge *judge;	/* every finding; NULL: just verdict and reason */
	const struct monitor_result *mon;	/* NULL when the case never ran */
	/* mapping mode and the PMD proof (lib/trace/pmdtrace.h) */
	char map[16];
	uint32_t owners;
	bool dax_flag;
	bool pmd_expected;
	bool pmd_counted;	/* the tracepoint counts below are valid */
	long pmd_faults, pmd_fallbacks, pmd_sigbus, pmd_noop, pmd_other, vmstat_fallback;
	char pmd_why[192];
	char pmd_layout[128];	/* how the file was laid out for 2 MiB faults */
};

struct json_object *case_result_json(const struct case_result *r);
/* Write JSON to path atomically (tmp + rename). 0 or -errno. */
int json_write_file(struct json_object *obj, const char *path);

#endif
