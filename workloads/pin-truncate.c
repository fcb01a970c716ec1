// SPDX-License-Identifier: GPL-2.0
/*
 * pin-truncate: a mapping owner keeps every page of a DAX file faulted in
 * and patterned, pinners hold its pages through the chosen pin source, and
 * breakers truncate or punch the file under them. A break-layouts wait that
 * never ends is caught by the monitor and classified by its proof ladder.
 */
#include "../lib/workload.h"

static const struct wl_desc pin_truncate = {
	.name = "pin-truncate",
	.summary = "Race DAX page pins against truncate/punch and prove any stall.",
};

int main(int argc, char **argv)
{
	return wl_main(&pin_truncate, argc, argv);
}
