/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KTAP writer with the same lines and exit codes as the kernel's kselftest.h,
 * so kselftest runners and the kernel's TAP parsers read daxstress unchanged.
 */
#ifndef DS_KTAP_H
#define DS_KTAP_H

#include <stdio.h>

#include "../core/util.h"
#include "../verdict/verdict.h"

struct ktap {
	FILE *out;
	unsigned int num;
	unsigned int pass, fail, xfail, xpass, skip, error;
};

void ktap_init(struct ktap *k, FILE *out);
void ktap_header(struct ktap *k);
void ktap_plan(struct ktap *k, unsigned int count);
void ktap_diag(struct ktap *k, const char *fmt, ...) __printf(2, 3);
/* One result line; reason is used for SKIP/XFAIL/error directives. */
void ktap_result(struct ktap *k, enum verdict v, const char *name,
		 const char *reason);
void ktap_totals(struct ktap *k);
int ktap_exit_code(const struct ktap *k);

#endif
