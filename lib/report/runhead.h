/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The head of a run report (docs/report-schema.md, "Top level"): what ran
 * where, and when. daxstress run writes it with run_head_json, and every
 * reader (JUnit, HTML, KCIDB, merge) reads it with run_head_read: one
 * table of keys serves both (lib/report/field.h).
 */
#ifndef DS_RUNHEAD_H
#define DS_RUNHEAD_H

#include <limits.h>

struct json_object;

struct run_head {
	char kernel[65];
	char kernel_version[32];
	char suite[PATH_MAX];
	char dir[PATH_MAX];
	char fs[32];
	char mount_dax[16];
	char finished[40];
	int suite_cases;	/* -1 when the report does not say */
	char shard[32];		/* "K/N", "" for a whole-suite run */
};

/*
 * The report object: the head's fields in the schema's order, with device,
 * totals and cases (each may be NULL: left out) in their places.
 */
struct json_object *run_head_json(const struct run_head *h, struct json_object *device,
				  struct json_object *totals, struct json_object *cases);
/* Read the head of a run report; a missing field reads as "" (suite_cases -1). */
void run_head_read(struct json_object *rep, struct run_head *h);

#endif
