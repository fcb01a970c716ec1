/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Known kernel bugs (configs/known-issues): a kernel version range and a
 * case pattern. A case that matches and fails the expected way is reported
 * as XFAIL; one that matches and passes is reported as "not reproduced".
 */
#ifndef DS_KNOWN_H
#define DS_KNOWN_H

#include <stdbool.h>

#include "verdict.h"

#define KNOWN_MAX 64

struct known_issue {
	char name[64];
	char kmin[32], kmax[32];	/* inclusive upstream versions, e.g. 6.1.75 */
	char workload[64], pin[128], brk[128], fs[64];	/* comma lists, "*" = any */
	int refault;			/* 1/0: only cases that do/do not refault; -1 any */
	int sharer;			/* 1/0: only cases with/without sharer; -1 any */
	char warning[96];		/* only a kernel warning whose line holds this */
	unsigned int verdicts;		/* bit per enum verdict */
	char reason[256];
	char link[256];
};

struct known_list {
	unsigned int n;
	struct known_issue issue[KNOWN_MAX];
};

int known_load(struct known_list *l, const char *path, char *err, size_t errlen);
int known_load_string(struct known_list *l, const char *name, const char *text,
		      char *err, size_t errlen);
/*
 * Upstream version of the running kernel: Debian's "Debian 6.1.192-1" in
 * uname -v when present, else the leading numbers of uname -r.
 */
void known_kernel_version(char *buf, size_t len);
/* Compare dotted versions numerically: <0, 0, >0. */
int known_version_cmp(const char *a, const char *b);
/*
 * refault: the case lets pages be faulted back in during a break (1/0);
 * sharer: another inode maps the case file's pages (1/0); -1 unknown.
 * warning: the kernel warning the case ended with, or NULL. An entry with a
 * warning key matches only a case whose warning holds its text, and such
 * entries are tried first: one kernel bug can warn in any case that runs
 * after it in the same boot.
 */
const struct known_issue *known_match(const struct known_list *l, const char *kver,
				      const char *workload, const char *pin,
				      const char *brk, const char *fs, int refault, int sharer,
				      const char *warning);
bool known_expects(const struct known_issue *k, enum verdict v);

#endif
