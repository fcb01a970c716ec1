// SPDX-License-Identifier: GPL-2.0
/*
 * The kernel table (configs/kernels) and debian:VER[@SUITE] specs: the one
 * place both are parsed. See kerneltab.h for the layout.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../core/inifile.h"
#include "kerneltab.h"
#include "../core/util.h"

enum { K_KERNEL, K_SOURCE, K_PATCH, K_SUITE, K_PACKAGE, K_MEASURED, K_NOTE };

static const char *const kt_keys[] = {
	[K_KERNEL] = "kernel", [K_SOURCE] = "source", [K_PATCH] = "patch",
	[K_SUITE] = "suite", [K_PACKAGE] = "package", [K_MEASURED] = "measured",
	[K_NOTE] = "note",
};

struct kt_parse {
	struct ktable *t;
	long cur;		/* index of the entry being read, -1 in [debian-search] */
};

/* Every character of s in the set, and s not empty. */
static int only(const char *s, const char *set)
{
	return *s && !s[strspn(s, set)];
}

#define LOWER "abcdefghijklmnopqrstuvwxyz0123456789"

static int valid_version(const char *v)
{
	const char *p = v;

	for (;;) {
		if (*p < '0' || *p > '9')
			return 0;
		p += strspn(p, "0123456789");
		if (!*p)
			return 1;
		if (*p++ != '.')
			return 0;
	}
}

static int valid_suite(const char *s)
{
	return only(s, LOWER "-") && *s != '-';
}

int kspec_parse(const char *spec, struct kspec *s, char *err, size_t errlen)
{
	const char *v = spec, *at;
	size_t vlen;

	memset(s, 0, sizeof(*s));
	if (strncmp(v, "debian:", 7))
		goto bad;
	v += 7;
	at = strchr(v, '@');
	vlen = at ? (size_t)(at - v) : strlen(v);
	if (!vlen || vlen >= sizeof(s->ver))
		goto bad;
	memcpy(s->ver, v, vlen);
	if (!valid_version(s->ver))
		goto bad;
	if (at) {
		if (strscpy_trunc(s->suite, at + 1, sizeof(s->suite)) >= sizeof(s->suite) ||
		    !valid_suite(s->suite))
			goto bad;
	}
	return 0;
bad:
	snprintf(err, errlen,
		 "'%s' is not a Debian kernel spec: debian:VER or debian:VER@SUITE (VER like 6.1, SUITE like bookworm)",
		 spec);
	memset(s, 0, sizeof(*s));
	return -EINVAL;
}

/* "a, b c" -> "a b c", each a suite name. */
static int parse_suites(const char *val, char *out, size_t outlen, char *err, size_t errlen)
{
	char name[KT_SUITE];
	const char *p = val;
	size_t n, used = 0;

	*out = '\0';
	for (;;) {
		p += strspn(p, ", \t");
		if (!*p)
			break;
		n = strcspn(p, ", \t");
		if (n >= sizeof(name) || used + n + 2 > outlen)
			goto too_long;
		memcpy(name, p, n);
		name[n] = '\0';
		if (!valid_suite(name)) {
			snprintf(err, errlen, "'%s' is not a Debian suite name (a-z, 0-9, -)", name);
			return -EINVAL;
		}
		used += snprintf(out + used, outlen - used, "%s%s", used ? " " : "", name);
		p += n;
	}
	if (!used) {
		snprintf(err, errlen, "no suite named");
		return -EINVAL;
	}
	return 0;
too_long:
	snprintf(err, errlen, "the suite list is too long");
	return -EINVAL;
}

static int copy_val(char *dst, size_t size, const char *key, const char *val, char *err,
		    size_t errlen)
{
	if (strscpy_trunc(dst, val, size) < size)
		return 0;
	snprintf(err, errlen, "%s: the value is too long (at most %zu characters)", key, size - 1);
	return -EINVAL;
}

static int find_key(const char *key)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(kt_keys); i++)
		if (!strcmp(key, kt_keys[i]))
			return (int)i;
	return -1;
}

static int set_key(struct kt_entry *e, int k, const char *val, char *err, size_t errlen)
{
	switch (k) {
	case K_KERNEL:
		e->has_kernel = 1;
		return kspec_parse(val, &e->kernel, err, errlen);
	case K_SOURCE:
		e->has_source = 1;
		return kspec_parse(val, &e->source, err, errlen);
	case K_PATCH:
		if (copy_val(e->patch, sizeof(e->patch), "patch", val, err, errlen))
			return -EINVAL;
		if (only(val, LOWER "ABCDEFGHIJKLMNOPQRSTUVWXYZ._+-"))
			return 0;
		snprintf(err, errlen, "patch '%s': a name in configs/kernel-patches ([A-Za-z0-9._+-])",
			 val);
		return -EINVAL;
	case K_SUITE:
		return parse_suites(val, e->suites, sizeof(e->suites), err, errlen);
	case K_PACKAGE:
		if (copy_val(e->package, sizeof(e->package), "package", val, err, errlen))
			return -EINVAL;
		if (!strncmp(val, "linux-image-", 12) && only(val, LOWER ".*+-"))
			return 0;
		snprintf(err, errlen, "package '%s': a linux-image-... name, * for any part", val);
		return -EINVAL;
	}
	return 0;	/* measured, note: free text */
}

static int on_entry_key(struct kt_entry *e, const char *key, const char *val, char *err,
			size_t errlen)
{
	int k = find_key(key);

	if (k < 0) {
		snprintf(err, errlen,
			 "unknown key '%s' (kernel, source, patch, suite, package, measured, note)",
			 key);
		return -EINVAL;
	}
	if (e->keys & (1u << k)) {
		snprintf(err, errlen, "'%s' again in [%s]", key, e->name);
		return -EINVAL;
	}
	e->keys |= 1u << k;
	return set_key(e, k, val, err, errlen);
}

static int on_search_key(struct ktable *t, const char *key, const char *val, char *err,
			 size_t errlen)
{
	struct kt_group *g;

	if (t->ng >= KT_GROUPS) {
		snprintf(err, errlen, "more than %d suite sets in [%s]", KT_GROUPS,
			 KT_SEARCH_SECTION);
		return -EINVAL;
	}
	g = &t->g[t->ng];
	if (copy_val(g->name, sizeof(g->name), key, key, err, errlen) ||
	    parse_suites(val, g->suites, sizeof(g->suites), err, errlen))
		return -EINVAL;
	t->ng++;
	return 0;
}

static int new_entry(struct kt_parse *p, int line, const char *name, char *err,
		     size_t errlen)
{
	struct ktable *t = p->t;
	struct kt_entry *e;

	if (t->n == t->cap) {
		size_t cap = t->cap ? t->cap * 2 : 32;

		e = realloc(t->e, cap * sizeof(*e));
		if (!e) {
			snprintf(err, errlen, "out of memory");
			return -ENOMEM;
		}
		t->e = e;
		t->cap = cap;
	}
	e = &t->e[t->n];
	memset(e, 0, sizeof(*e));
	e->line = line;
	if (copy_val(e->name, sizeof(e->name), "[section]", name, err, errlen))
		return -EINVAL;
	p->cur = (long)t->n++;
	return 0;
}

static int on_key(void *user, int line, const char *section, const char *key,
		  const char *val, char *err, size_t errlen)
{
	struct kt_parse *p = user;

	if (!key && !strcmp(section, KT_SEARCH_SECTION)) {
		if (p->t->search_line) {
			snprintf(err, errlen, "[%s] again (first at line %d)", section,
				 p->t->search_line);
			return -EINVAL;
		}
		p->t->search_line = line;
		p->cur = -1;
		return 0;
	}
	if (!key)
		return new_entry(p, line, section, err, errlen);
	if (p->cur < 0)
		return on_search_key(p->t, key, val, err, errlen);
	return on_entry_key(&p->t->e[p->cur], key, val, err, errlen);
}

/* The suites a packaged entry names: its @SUITE or its suite key. */
static const char *entry_suites(const struct kt_entry *e)
{
	return *e->kernel.suite ? e->kernel.suite : e->suites;
}

static int entry_check(const struct ktable *t, const struct kt_entry *e, char *err,
		       size_t errlen)
{
	const char *why = NULL;

	if (e->has_kernel == e->has_source)
		why = e->has_kernel ? "has both kernel and source: a packaged kernel or a built one"
				    : "has neither kernel (a packaged kernel) nor source (a built one)";
	else if (*e->patch && !e->has_source)
		why = "has a patch but no source";
	else if (e->has_source && (*e->suites || *e->package))
		why = "is built: it takes the suites of its source version (the packaged entry or [" KT_SEARCH_SECTION "]), give no suite or package";
	else if (*e->kernel.suite && *e->suites)
		why = "names its suite twice (kernel = debian:VER@SUITE and suite)";
	if (!why)
		return 0;
	snprintf(err, errlen, "%s:%d: [%s] %s", t->file, e->line, e->name, why);
	return -EINVAL;
}

static int by_name(const void *a, const void *b, void *arg)
{
	const struct kt_entry *e = arg;
	const struct kt_entry *x = &e[*(const size_t *)a], *y = &e[*(const size_t *)b];
	int c = strcmp(x->name, y->name);

	return c ? c : (x->line > y->line) - (x->line < y->line);
}

static int by_version(const void *a, const void *b, void *arg)
{
	const struct kt_entry *e = arg;
	const struct kt_entry *x = &e[*(const size_t *)a], *y = &e[*(const size_t *)b];
	int c = strcmp(x->has_kernel ? x->kernel.ver : "", y->has_kernel ? y->kernel.ver : "");

	return c ? c : (x->line > y->line) - (x->line < y->line);
}

/* Neighbours after sorting: a repeated name, two packaged entries of one version that differ. */
static int pair_check(const struct ktable *t, const struct kt_entry *a,
		      const struct kt_entry *b, int names, char *err, size_t errlen)
{
	if (names) {
		if (strcmp(a->name, b->name))
			return 0;
		snprintf(err, errlen, "%s:%d: [%s] again (first at line %d)", t->file, b->line,
			 b->name, a->line);
		return -EINVAL;
	}
	if (!a->has_kernel || !b->has_kernel || strcmp(a->kernel.ver, b->kernel.ver))
		return 0;
	if (!strcmp(entry_suites(a), entry_suites(b)) && !strcmp(a->package, b->package))
		return 0;
	snprintf(err, errlen,
		 "%s:%d: [%s] reads debian:%s from other suites or another package than [%s] (line %d): one answer per Debian version",
		 t->file, b->line, b->name, b->kernel.ver, a->name, a->line);
	return -EINVAL;
}

static int table_check(const struct ktable *t, char *err, size_t errlen)
{
	size_t *idx, i;
	int pass, ret = 0;

	for (i = 0; i < t->n; i++)
		if (entry_check(t, &t->e[i], err, errlen))
			return -EINVAL;
	if (t->n < 2)
		return 0;
	idx = malloc(t->n * sizeof(*idx));
	if (!idx) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	for (pass = 1; pass >= 0 && !ret; pass--) {
		for (i = 0; i < t->n; i++)
			idx[i] = i;
		qsort_r(idx, t->n, sizeof(*idx), pass ? by_name : by_version, t->e);
		for (i = 1; i < t->n && !ret; i++)
			ret = pair_check(t, &t->e[idx[i - 1]], &t->e[idx[i]], pass, err, errlen);
	}
	free(idx);
	return ret;
}

static int load(struct ktable *t, const char *name, const char *path, const char *text,
		char *err, size_t errlen)
{
	struct kt_parse p = { .t = t, .cur = -1 };
	int ret;

	memset(t, 0, sizeof(*t));
	strscpy_trunc(t->file, name, sizeof(t->file));
	if (path)
		ret = inifile_parse_path_lines(path, on_key, &p, err, errlen);
	else
		ret = inifile_parse_lines(name, NULL, text, on_key, &p, err, errlen);
	if (!ret)
		ret = table_check(t, err, errlen);
	if (ret)
		ktable_free(t);
	return ret;
}

int ktable_load(struct ktable *t, const char *path, char *err, size_t errlen)
{
	return load(t, path, path, NULL, err, errlen);
}

int ktable_load_text(struct ktable *t, const char *name, const char *text, char *err,
		     size_t errlen)
{
	return load(t, name, NULL, text, err, errlen);
}

void ktable_free(struct ktable *t)
{
	free(t->e);
	t->e = NULL;
	t->n = 0;
	t->cap = 0;
}

const struct kt_entry *ktable_find(const struct ktable *t, const char *name)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (!strcmp(t->e[i].name, name))
			return &t->e[i];
	return NULL;
}

static const struct kt_entry *packaged(const struct ktable *t, const char *ver)
{
	size_t i;

	for (i = 0; i < t->n; i++)
		if (t->e[i].has_kernel && !strcmp(t->e[i].kernel.ver, ver))
			return &t->e[i];
	return NULL;
}

int ktable_resolve(const struct ktable *t, const char *spec, struct kresolve *r,
		   char *err, size_t errlen)
{
	struct kspec s;
	size_t i;

	memset(r, 0, sizeof(*r));
	if (kspec_parse(spec, &s, err, errlen))
		return -EINVAL;
	strscpy_trunc(r->ver, s.ver, sizeof(r->ver));
	snprintf(r->image, sizeof(r->image), "linux-image-%s.*-amd64", s.ver);
	snprintf(r->source, sizeof(r->source), "linux-source-%s", s.ver);
	if (*s.suite) {
		strscpy_trunc(r->suite, s.suite, sizeof(r->suite));
		r->groups[r->ng++] = r->suite;
		return 0;
	}
	r->entry = packaged(t, s.ver);
	if (r->entry && *r->entry->package)
		strscpy_trunc(r->image, r->entry->package, sizeof(r->image));
	if (r->entry && *entry_suites(r->entry)) {
		r->groups[r->ng++] = entry_suites(r->entry);
		return 0;
	}
	for (i = 0; i < t->ng; i++)
		r->groups[r->ng++] = t->g[i].suites;
	if (r->ng)
		return 0;
	snprintf(err, errlen,
		 "unknown Debian kernel '%s': no entry of %s has kernel = debian:%s and it has no [%s] (use debian:%s@SUITE)",
		 s.ver, t->file, s.ver, KT_SEARCH_SECTION, s.ver);
	return -ENOENT;
}

const struct kt_entry *ktable_codename(const struct ktable *t, const char *codename)
{
	size_t i, n = strlen(codename);
	const char *s;

	for (i = 0; i < t->n; i++) {
		if (!t->e[i].has_kernel)
			continue;
		s = entry_suites(&t->e[i]);
		if (!strncmp(s, codename, n) && (s[n] == ' ' || !s[n]))
			return &t->e[i];
	}
	return NULL;
}
