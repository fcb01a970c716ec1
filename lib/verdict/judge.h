/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One judge per case. Every stage that can decide how a case ends reports
 * a finding (verdict, reason) here: the set-up (a skip, an error), the
 * monitor and its proof ladder, the end of the case (a missed wakeup found
 * once everything stopped, roles that failed or could not be killed, a full
 * filesystem) and the data check. The verdict is the most severe finding in
 * the one severity order of lib/verdict/verdict.c; among equals the first reported
 * wins. Every finding goes into the result, so a lesser one is not lost.
 * Known kernel issues are applied last, by the runner (known.h): an
 * expected failure becomes XFAIL.
 */
#ifndef DS_JUDGE_H
#define DS_JUDGE_H

#include "../core/util.h"
#include "verdict.h"

#define JUDGE_MAX	8

struct finding {
	enum verdict v;
	const char *stage;	/* "setup", "monitor", "stop", "data" */
	char reason[512];
};

struct judge {
	unsigned int n;
	unsigned int dropped;	/* findings past JUDGE_MAX (the most severe is kept) */
	struct finding f[JUDGE_MAX];
};

void judge_add(struct judge *j, const char *stage, enum verdict v, const char *fmt, ...)
	__printf(4, 5);
/* The deciding finding so far; NULL while there is none (a pass). */
const struct finding *judge_top(const struct judge *j);
/* The verdict so far: the top finding's, V_PASS without one. */
enum verdict judge_verdict(const struct judge *j);

#endif
