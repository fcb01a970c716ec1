// SPDX-License-Identifier: GPL-2.0
/*
 * A workload as a program of its own (make builds one per workload with
 * -DWL_NAME): `pin-truncate --dir DIR --pin odirect --break punch`, the
 * same case `daxstress run` would run from a suite, for reproducing by hand.
 */
#include <stdio.h>

#include "../lib/engine/workload.h"

int main(int argc, char **argv)
{
	const struct wl_desc *d = wl_find(WL_NAME);

	if (!d) {
		fprintf(stderr, "%s: no such workload (known: %s)\n", WL_NAME, wl_names());
		return 2;
	}
	return wl_main(d, argc, argv);
}
