// SPDX-License-Identifier: GPL-2.0
/*
 * One daxstress case as a kselftest program: CASE_PIN and CASE_BREAK are set by the
 * Makefile, the DAX directory comes from $DAXSTRESS_DIR (default
 * /mnt/daxstress); without one the test skips and says why.
 */
#include <string.h>

#include "lib/core/util.h"
#include "lib/engine/workload.h"

#ifndef CASE_PIN
#error "build with -DCASE_PIN=\"...\" -DCASE_BREAK=\"...\" -DCASE_NAME=\"...\""
#endif

static void set_case(struct case_opts *o)
{
	strscpy_trunc(o->pin, CASE_PIN, sizeof(o->pin));
	strscpy_trunc(o->brk, CASE_BREAK, sizeof(o->brk));
	strscpy_trunc(o->name, CASE_NAME, sizeof(o->name));
	o->duration_ms = 20000;
	o->stall_ms = 8000;
	o->grace_ms = 3000;
}

static const struct wl_desc desc = {
	.name = CASE_NAME,
	.summary = "daxstress: race " CASE_PIN " pins of DAX pages against " CASE_BREAK,
	.defaults = set_case,
};

int main(int argc, char **argv)
{
	return wl_main(&desc, argc, argv);
}
