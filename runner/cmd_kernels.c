// SPDX-License-Identifier: GPL-2.0
/*
 * daxstress kernels: the kernel table (configs/kernels) for the shell
 * scripts, through the one parser (lib/config/kerneltab.c on lib/core/inifile.c):
 * its entries, where Debian ships a debian:VER[@SUITE] kernel, and plain
 * reads of any daxstress INI file (--sections, --get, --show).
 */
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "../lib/core/inifile.h"
#include "../lib/config/kerneltab.h"
#include "../lib/core/paths.h"
#include "../lib/core/util.h"
#include "commands.h"

#define ME "daxstress kernels"

static void print_usage(FILE *f)
{
	fprintf(f,
		"usage: " ME " [--file FILE] ACTION\n"
		"kernel table actions (FILE: default configs/kernels):\n"
		"  --list                  entries: NAME kernel SPEC, or NAME build SOURCE + PATCH\n"
		"  --entry NAME            \"kernel SPEC\", or \"source SPEC\" and \"patch NAME\"\n"
		"  --resolve debian:VER[@SUITE]\n"
		"                          where Debian ships that kernel: \"version V\", \"image PATTERN\",\n"
		"                          \"source PACKAGE\", [\"entry NAME FILE:LINE\"], then one\n"
		"                          \"suites S...\" line per suite set to read, in order\n"
		"  --codename NAME         the debian:VER of the entry whose first suite is NAME\n"
		"  --check                 check the table, print its size\n"
		"any INI file (suites, configs/expectations):\n"
		"  --sections              the names of the sections that have keys\n"
		"  --get SECTION KEY       the key's first value (exit 1, silent, when absent)\n"
		"  --show SECTION          the section's keys, \"key = value\"\n"
		"exit: 0 done, 1 not found or a bad file, 2 usage\n");
}

static void spec_str(const struct kspec *s, char *buf, size_t len)
{
	snprintf(buf, len, "debian:%s%s%s", s->ver, *s->suite ? "@" : "", s->suite);
}

static int load(struct ktable *t, const char *file)
{
	char err[512];

	if (!ktable_load(t, file, err, sizeof(err)))
		return 0;
	fprintf(stderr, ME ": %s\n", err);
	return 1;
}

static int do_list(const struct ktable *t)
{
	char spec[128];
	size_t i;

	for (i = 0; i < t->n; i++) {
		const struct kt_entry *e = &t->e[i];

		spec_str(e->has_kernel ? &e->kernel : &e->source, spec, sizeof(spec));
		if (e->has_kernel)
			printf("%-34s kernel %s\n", e->name, spec);
		else
			printf("%-34s build  %s + %s\n", e->name, spec, *e->patch ? e->patch : "stock");
	}
	return 0;
}

static int do_entry(const struct ktable *t, const char *name)
{
	const struct kt_entry *e = ktable_find(t, name);
	char spec[128];

	if (!e) {
		fprintf(stderr, ME ": no [%s] in %s\n", name, t->file);
		return 1;
	}
	spec_str(e->has_kernel ? &e->kernel : &e->source, spec, sizeof(spec));
	printf("%s %s\n", e->has_kernel ? "kernel" : "source", spec);
	if (*e->patch)
		printf("patch %s\n", e->patch);
	return 0;
}

static int do_resolve(const struct ktable *t, const char *spec)
{
	struct kresolve r;
	char err[512];
	size_t i;

	if (ktable_resolve(t, spec, &r, err, sizeof(err))) {
		fprintf(stderr, ME ": %s\n", err);
		return 1;
	}
	printf("version %s\nimage %s\nsource %s\n", r.ver, r.image, r.source);
	if (r.entry)
		printf("entry %s %s:%d\n", r.entry->name, t->file, r.entry->line);
	for (i = 0; i < r.ng; i++)
		printf("suites %s\n", r.groups[i]);
	return 0;
}

static int do_codename(const struct ktable *t, const char *codename)
{
	const struct kt_entry *e = ktable_codename(t, codename);
	char spec[128];

	if (!e) {
		fprintf(stderr, ME ": no packaged kernel of %s reads '%s' first\n", t->file,
			codename);
		return 1;
	}
	spec_str(&e->kernel, spec, sizeof(spec));
	printf("%s\n", spec);
	return 0;
}

/* ---- plain INI reads ---- */

struct ini_query {
	const char *section, *key;	/* NULL: every one */
	int found;
};

static int on_sections(void *user, int line, const char *section, const char *key,
		       const char *val, char *err, size_t errlen)
{
	if (!key)
		printf("%s\n", section);
	return 0;
}

static int on_query(void *user, int line, const char *section, const char *key,
		    const char *val, char *err, size_t errlen)
{
	struct ini_query *q = user;

	if (strcmp(section, q->section))
		return 0;
	if (!key) {
		q->found |= 1;
		return 0;
	}
	if (q->key && (strcmp(key, q->key) || (q->found & 2)))
		return 0;
	q->found |= 2;
	if (q->key)
		printf("%s\n", val);
	else
		printf("%s = %s\n", key, val);
	return 0;
}

/* The line variant of the parser: it keeps long section names whole. */
static int ini_read(const char *file, inifile_line_fn fn, void *user)
{
	char err[512];

	if (!inifile_parse_path_lines(file, fn, user, err, sizeof(err)))
		return 0;
	fprintf(stderr, ME ": %s\n", err);
	return 1;
}

static int do_query(const char *file, const char *section, const char *key)
{
	struct ini_query q = { .section = section, .key = key };

	if (ini_read(file, on_query, &q))
		return 1;
	if (key)
		return !(q.found & 2);
	if (q.found)
		return 0;
	fprintf(stderr, ME ": no [%s] in %s\n", section, file);
	return 1;
}

/* ---- the command ---- */

static int table_action(const char *file, const char *act, char **args)
{
	struct ktable t;
	int ret;

	if (load(&t, file))
		return 1;
	if (!strcmp(act, "--list"))
		ret = do_list(&t);
	else if (!strcmp(act, "--entry"))
		ret = do_entry(&t, args[0]);
	else if (!strcmp(act, "--resolve"))
		ret = do_resolve(&t, args[0]);
	else if (!strcmp(act, "--codename"))
		ret = do_codename(&t, args[0]);
	else
		ret = printf("%s: %zu entries, %zu Debian suite sets searched\n", file, t.n,
			     t.ng) < 0;
	ktable_free(&t);
	return ret;
}

/* Actions and how many arguments each takes. */
static int nargs(const char *act)
{
	static const struct { const char *name; int n; } acts[] = {
		{ "--list", 0 }, { "--entry", 1 }, { "--resolve", 1 }, { "--codename", 1 },
		{ "--check", 0 }, { "--sections", 0 }, { "--get", 2 }, { "--show", 1 },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(acts); i++)
		if (!strcmp(act, acts[i].name))
			return acts[i].n;
	return -1;
}

int cmd_kernels(int argc, char **argv)
{
	char path[PATH_MAX];
	const char *file = NULL, *act;
	int i = 1, n;

	if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		print_usage(stdout);
		return 0;
	}
	if (argc > 2 && !strcmp(argv[1], "--file")) {
		file = argv[2];
		i = 3;
	}
	act = i < argc ? argv[i] : "";
	n = nargs(act);
	if (n < 0 || argc != i + 1 + n) {
		if (*act)
			fprintf(stderr, ME ": bad arguments at '%s'\n", act);
		print_usage(stderr);
		return EXIT_USAGE;
	}
	if (!file) {
		if (path_config("kernels", path, sizeof(path))) {
			fprintf(stderr, ME ": cannot find configs/kernels (--file FILE, or DAXSTRESS_CONFIGS=DIR)\n");
			return 1;
		}
		file = path;
	}
	if (!strcmp(act, "--sections"))
		return ini_read(file, on_sections, NULL);
	if (!strcmp(act, "--get"))
		return do_query(file, argv[i + 1], argv[i + 2]);
	if (!strcmp(act, "--show"))
		return do_query(file, argv[i + 1], NULL);
	return table_action(file, act, argv + i + 1);
}
