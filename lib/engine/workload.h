/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Workloads: what a suite's "workload" key names. Each is a description
 * plus a run function that takes one parsed case (struct case_opts) and
 * runs it: KTAP on stdout, the JSON result to o->result, the KTAP exit code
 * back. A workload file ends with WORKLOAD(its desc); the linker collects
 * them, the way pin sources and breakers register.
 *   pin-truncate  lib/engine/workload.c, the engine: a mapping owner, pinners and
 *                 breakers in their own processes, the stall monitor and
 *                 its proof ladder, the data check.
 *   peer503       workloads/peer503.c: the fstests generic/503 baseline.
 * `daxstress run` forks and calls run() with the suite's case; a workload
 * program (make builds one per workload, from workloads/main.c) parses its
 * command line into the same struct first (wl_main).
 */
#ifndef DS_WORKLOAD_H
#define DS_WORKLOAD_H

#include "../config/caseopt.h"
#include "../core/util.h"

struct wl_desc {
	const char *name;
	const char *summary;
	/* Adjust the defaults before the options are parsed. */
	void (*defaults)(struct case_opts *o);
	/* Run one case; NULL: the pin-truncate engine. */
	int (*run)(struct case_opts *o);
};

#define WORKLOAD(desc) \
	static const struct wl_desc *const __wl_##desc __used \
	__section("daxstress_workloads") = &(desc)

/* Bounds of that section, provided by the linker. */
extern const struct wl_desc *const __start_daxstress_workloads[];
extern const struct wl_desc *const __stop_daxstress_workloads[];

const struct wl_desc *wl_find(const char *name);
/* "pin-truncate, peer503": for messages. */
const char *wl_names(void);
/* The pin-truncate engine's run. */
int wl_engine_run(struct case_opts *o);
/* A workload program: defaults, the command line, run. */
int wl_main(const struct wl_desc *desc, int argc, char **argv);

#endif
