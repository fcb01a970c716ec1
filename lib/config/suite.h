/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Suites: fio-style INI files, configs/<name>.conf. [global] holds defaults,
 * every other section is one case. Keys are the case options of
 * lib/config/caseopt.c, the options of the case's pin source and breaker
 * (their own tables), plus "workload" and "fs" (the filesystems a case is for).
 * Loading parses each case into its struct case_opts, once; errors name the
 * file, the line and the problem.
 */
#ifndef DS_SUITE_H
#define DS_SUITE_H

#include "caseopt.h"

#define SUITE_MAX_CASES 256
#define SUITE_MAX_KEYS 24

struct suite_kv {
	char key[32];
	char val[256];
	int line;
};

struct suite_case {
	char name[64];
	char workload[32];
	char fs[64];		/* comma list; empty = any */
	unsigned int nkv;
	struct suite_kv kv[SUITE_MAX_KEYS];	/* as written: [global]'s, then the case's */
	struct case_opts opts;	/* parsed once, at load: what the workload runs */
};

struct suite {
	char path[4096];
	unsigned int ncases;
	struct suite_case cases[SUITE_MAX_CASES];
};

/* Parse a file. 0, or -EINVAL with "file:line: problem" in err. */
int suite_load(struct suite *s, const char *path, char *err, size_t errlen);
/* Parse text (for tests and fuzzing); name stands in for the file name. */
int suite_load_string(struct suite *s, const char *name, const char *text,
		      char *err, size_t errlen);
/* Does a case apply to filesystem fstype? */
int suite_case_wants_fs(const struct suite_case *c, const char *fstype);

#endif
