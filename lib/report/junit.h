/* SPDX-License-Identifier: GPL-2.0 */
/*
 * JUnit XML for CI systems: one <testsuite> per filesystem run, one
 * <testcase> per case; failing verdicts become <failure> with the reason,
 * the proof and the stack, errors <error>, skips <skipped>; XFAIL passes
 * with the known issue in <system-out>.
 */
#ifndef DS_JUNIT_H
#define DS_JUNIT_H

struct json_object;

/*
 * reports: a JSON array of daxstress run reports (the objects --json
 * writes). Writes path atomically. 0 or -errno.
 */
int junit_write(const char *path, struct json_object *reports);

#endif
