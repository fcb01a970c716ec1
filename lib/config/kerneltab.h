/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The kernel table (configs/kernels): the kernels the suites run on, and
 * where Debian ships each kernel version. One parser for the C side and,
 * through `daxstress kernels`, for the shell scripts (runner/vm/kernel.sh,
 * runner/kbuild/build.sh and matrix.sh, scripts/prove.sh).
 *
 * A section is an entry, packaged (kernel = debian:VER[@SUITE], with the
 * suites it is read from and the package name) or built (source =
 * debian:VER, patch = NAME), except [debian-search]: the suite sets, in
 * order, searched for a debian:VER that no packaged entry names.
 */
#ifndef DS_KERNELTAB_H
#define DS_KERNELTAB_H

#include <stddef.h>

#define KT_SEARCH_SECTION "debian-search"
#define KT_NAME 96
#define KT_VER 32
#define KT_SUITE 64
#define KT_SUITES 256
#define KT_PKG 128
#define KT_GROUPS 32

/* debian:VER[@SUITE] */
struct kspec {
	char ver[KT_VER];
	char suite[KT_SUITE];	/* "" when not given */
};

struct kt_entry {
	char name[KT_NAME];
	int line;			/* of the [name] header */
	int has_kernel, has_source;
	struct kspec kernel;		/* kernel = debian:VER[@SUITE] */
	struct kspec source;		/* source = debian:VER[@SUITE] */
	char patch[KT_PKG];		/* "" when none (stock) */
	char suites[KT_SUITES];		/* space separated, "" when not given */
	char package[KT_PKG];		/* linux-image-... pattern, "" when not given */
	unsigned int keys;		/* bit per key seen, for repeats */
};

struct kt_group {
	char name[KT_NAME];
	char suites[KT_SUITES];		/* space separated */
};

struct ktable {
	char file[256];
	struct kt_entry *e;
	size_t n, cap;
	struct kt_group g[KT_GROUPS];
	size_t ng;
	int search_line;
};

/* What a debian:VER[@SUITE] resolves to. */
struct kresolve {
	char ver[KT_VER];
	char image[KT_PKG];		/* linux-image package name pattern */
	char source[KT_PKG];		/* linux-source package */
	const struct kt_entry *entry;	/* the packaged entry of VER, or NULL */
	const char *groups[KT_GROUPS];	/* suite sets to read, in order */
	size_t ng;
	char suite[KT_SUITE];		/* storage of an explicit @SUITE */
};

int kspec_parse(const char *spec, struct kspec *s, char *err, size_t errlen);

/* Load and check a table; errors are "file:line: problem". */
int ktable_load(struct ktable *t, const char *path, char *err, size_t errlen);
/* The same from a string (name stands for the file in messages). */
int ktable_load_text(struct ktable *t, const char *name, const char *text, char *err,
		     size_t errlen);
void ktable_free(struct ktable *t);

const struct kt_entry *ktable_find(const struct ktable *t, const char *name);
int ktable_resolve(const struct ktable *t, const char *spec, struct kresolve *r,
		   char *err, size_t errlen);
/* The packaged entry whose first suite is CODENAME (a release's own kernel). */
const struct kt_entry *ktable_codename(const struct ktable *t, const char *codename);

#endif
