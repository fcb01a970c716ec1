/* SPDX-License-Identifier: GPL-2.0 */
/*
 * KCIDB (KernelCI's common report database) I/O schema v5 from the JSON
 * reports daxstress already builds: `daxstress run`, `daxstress vm` and
 * `daxstress merge` each hand their report to the same writer
 * (docs/report-schema.md, "KCIDB").
 */
#ifndef DS_RUNNER_KCIDB_H
#define DS_RUNNER_KCIDB_H

struct json_object;

#define KCIDB_ORIGIN "daxstress"

/*
 * rep: a run report ("cases"), a vm report ("filesystems.<fs>.result") or
 * the output of merge (either form). Writes path atomically. 0 or -errno.
 */
int kcidb_write(const char *path, struct json_object *rep);

/* The KCIDB test status of a daxstress verdict string. */
const char *kcidb_status(const char *verdict);

/* Add "title" (lib/report/title.h) to every case of a run or vm report. */
void report_add_titles(struct json_object *rep);

/*
 * What the three commands call where they write their reports: the titles
 * always, the KCIDB file when path is set; a failure is printed with the
 * command's name. 0 or -errno.
 */
int kcidb_report(struct json_object *rep, const char *path, const char *cmd);

#endif
