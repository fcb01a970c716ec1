/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One result enum for every case; KTAP lines, JSON strings and exit codes are
 * derived from it only at the edges.
 */
#ifndef DS_VERDICT_H
#define DS_VERDICT_H

#include <stdbool.h>

enum verdict {
	V_PASS,
	V_SKIP,
	V_XFAIL,
	V_KERNEL_WARNING,
	V_BLOCKED_BY_MAPPING,
	V_LIVELOCK,
	V_MISSED_WAKEUP,
	V_HANG,
	V_DATA_CORRUPTION,
	V_ERROR,
	V__COUNT,
};

/* kselftest exit codes (tools/testing/selftests/kselftest.h) */
#define KSFT_PASS 0
#define KSFT_FAIL 1
#define KSFT_XFAIL 2
#define KSFT_XPASS 3
#define KSFT_SKIP 4

const char *verdict_name(enum verdict v);
int verdict_parse(const char *s, enum verdict *v);
/* A verdict that means the kernel (or the data) misbehaved. */
bool verdict_is_failure(enum verdict v);
/*
 * The one severity order (lib/verdict/judge.h combines a case's findings with it):
 * pass < skip < xfail < error < kernel-warning < blocked-by-mapping <
 * livelock < missed-wakeup < hang < data-corruption.
 */
int verdict_severity(enum verdict v);
/* Keep the more severe of two verdicts (a when they are equal). */
enum verdict verdict_worse(enum verdict a, enum verdict b);

#endif
