/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The engine behind every pin-vs-break workload program: it creates the
 * case file, forks the mapping owner, the pinners and the breakers, runs the
 * stall monitor in the parent, verifies the data, prints KTAP and writes the
 * JSON result. A workload program is its description plus wl_main().
 */
#ifndef DS_WORKLOAD_H
#define DS_WORKLOAD_H

#include "caseopt.h"

struct wl_desc {
	const char *name;
	const char *summary;
	/* Adjust the defaults before the command line is parsed. */
	void (*defaults)(struct case_opts *o);
};

int wl_main(const struct wl_desc *desc, int argc, char **argv);

#endif
