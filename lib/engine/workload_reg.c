// SPDX-License-Identifier: GPL-2.0
/*
 * The workload registry (workload.h) and the entry of a workload program.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "scratch.h"
#include "workload.h"

const struct wl_desc *wl_find(const char *name)
{
	const struct wl_desc *const *d;

	for (d = __start_daxstress_workloads; d < __stop_daxstress_workloads; d++)
		if (!strcmp((*d)->name, name))
			return *d;
	return NULL;
}

const char *wl_names(void)
{
	static char list[256];
	const struct wl_desc *const *d;

	if (list[0])
		return list;
	for (d = __start_daxstress_workloads; d < __stop_daxstress_workloads; d++)
		snprintf(list + strlen(list), sizeof(list) - strlen(list), "%s%s",
			 d == __start_daxstress_workloads ? "" : ", ", (*d)->name);
	return list;
}

int wl_main(const struct wl_desc *desc, int argc, char **argv)
{
	static struct case_opts o;
	/* user overrides, documented in the README */
	const char *dir = getenv("DAXSTRESS_DIR");
	const char *scratch = getenv(SCRATCH_DEV_ENV);
	char err[512] = "";
	int ret;

	case_opts_defaults(&o);
	if (desc->defaults)
		desc->defaults(&o);
	ret = case_opts_parse_argv(&o, argc, argv, err, sizeof(err));
	if (ret < 0) {
		fprintf(stderr, "%s: %s\n(%s --help lists the options)\n", desc->name, err,
			desc->name);
		return 2;
	}
	if (ret) {
		case_opts_usage(desc->name, desc->summary);
		return 0;
	}
	if (!o.dir[0] && dir && *dir)
		strscpy_trunc(o.dir, dir, sizeof(o.dir));
	if (scratch && *scratch)
		case_opt_provide(&o, "scratch-dev", scratch, false);
	return desc->run ? desc->run(&o) : wl_engine_run(&o);
}
