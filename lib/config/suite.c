// SPDX-License-Identifier: GPL-2.0
#include <ctype.h>
#include <stdarg.h>
#include <stdbool.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "caseopt.h"
#include "../core/inifile.h"
#include "suite.h"
#include "../core/util.h"
#include "../engine/workload.h"

/* Set by the runner per case, never by a suite. */
static const char *const runner_keys[] = { "dir", "result", "name", "allow-nodax" };

struct parse {
	struct suite *s;
	const char *name;
	struct suite_case global;
	struct suite_case *cur;	/* NULL while in [global] */
	int line;
	char *err;
	size_t errlen;
};

static int fail(struct parse *p, const char *fmt, ...) __printf(2, 3);

static int fail(struct parse *p, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p->err, p->errlen, fmt, ap);
	va_end(ap);
	return -1;
}

static bool valid_name(const char *n)
{
	if (!*n)
		return false;
	for (; *n; n++)
		if (!isalnum((unsigned char)*n) && !strchr("._-", *n))
			return false;
	return true;
}

static int start_section(struct parse *p, const char *section)
{
	struct suite *s = p->s;
	unsigned int i;

	if (!strcmp(section, "global")) {
		if (s->ncases)
			return fail(p, "[global] must come before the first case");
		p->cur = NULL;
		return 0;
	}
	if (!valid_name(section) || strlen(section) >= sizeof(s->cases[0].name))
		return fail(p, "case name [%s] must be 1-63 letters, digits, '.', '_' or '-'", section);
	for (i = 0; i < s->ncases; i++)
		if (!strcmp(s->cases[i].name, section))
			return fail(p, "case [%s] is defined twice", section);
	if (s->ncases == SUITE_MAX_CASES)
		return fail(p, "too many cases (at most %d)", SUITE_MAX_CASES);
	p->cur = &s->cases[s->ncases++];
	memset(p->cur, 0, sizeof(*p->cur));
	strscpy_trunc(p->cur->name, section, sizeof(p->cur->name));
	return 0;
}

static int check_workload(struct parse *p, const char *v)
{
	if (wl_find(v))
		return 0;
	return fail(p, "unknown workload '%s' (known: %s)", v, wl_names());
}

static int check_fs(struct parse *p, const char *v)
{
	static const char *const known[] = { "ext4", "xfs", "virtiofs", "fuse", "erofs", "ext2" };
	char buf[64], *tok, *save = NULL;
	size_t i;

	if (strlen(v) >= sizeof(buf))
		return fail(p, "fs list '%s' is too long", v);
	strscpy_trunc(buf, v, sizeof(buf));
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < ARRAY_SIZE(known) && strcmp(known[i], tok); i++)
			;
		if (i == ARRAY_SIZE(known))
			return fail(p, "unknown filesystem '%s' in fs (known: ext4, xfs, virtiofs, fuse, erofs, ext2)", tok);
	}
	return 0;
}

static int set_kv(struct parse *p, struct suite_case *c, const char *k, const char *v)
{
	unsigned int i;

	for (i = 0; i < c->nkv; i++)
		if (!strcmp(c->kv[i].key, k))
			return fail(p, "key '%s' is set twice in [%s]", k, c == &p->global ? "global" : c->name);
	if (c->nkv == SUITE_MAX_KEYS)
		return fail(p, "too many keys");
	if (strlen(v) >= sizeof(c->kv[0].val))
		return fail(p, "value of '%s' is too long", k);
	strscpy_trunc(c->kv[c->nkv].key, k, sizeof(c->kv[0].key));
	strscpy_trunc(c->kv[c->nkv].val, v, sizeof(c->kv[0].val));
	c->kv[c->nkv].line = p->line;
	c->nkv++;
	return 0;
}

static int on_key(void *user, int line, const char *section, const char *key,
		  const char *val, char *err, size_t errlen)
{
	struct parse *p = user;
	struct suite_case *c;
	size_t i;

	p->line = line;
	p->err = err;
	p->errlen = errlen;
	if (!key)
		return start_section(p, section);
	c = p->cur ? p->cur : &p->global;
	for (i = 0; i < ARRAY_SIZE(runner_keys); i++)
		if (!strcmp(key, runner_keys[i]))
			return fail(p, "'%s' is set by the runner (daxstress run --%s), not by a suite", key, key);
	if (!strcmp(key, "workload")) {
		if (check_workload(p, val))
			return -1;
		strscpy_trunc(c->workload, val, sizeof(c->workload));
		return 0;
	}
	if (!strcmp(key, "fs")) {
		if (check_fs(p, val))
			return -1;
		strscpy_trunc(c->fs, val, sizeof(c->fs));
		return 0;
	}
	/* A plugin's key is checked against the case's plugins when it is parsed. */
	if (!case_opt_known(key))
		return fail(p, "unknown option '%s'", key);
	return set_kv(p, c, key, val);
}

/*
 * Parse a case's keys into its options: the defaults, its workload's own,
 * then [global]'s keys and its own in the order written (its own win).
 * A bad value is reported at its line.
 */
static int parse_opts(struct parse *p, struct suite_case *c)
{
	const struct wl_desc *wl = wl_find(c->workload);
	struct case_kv kv[SUITE_MAX_KEYS];
	unsigned int i, bad = 0;
	char why[256];

	for (i = 0; i < c->nkv; i++)
		kv[i] = (struct case_kv){ c->kv[i].key, c->kv[i].val, c->kv[i].line };
	case_opts_defaults(&c->opts);
	if (wl && wl->defaults)
		wl->defaults(&c->opts);
	if (!case_opts_parse(&c->opts, kv, c->nkv, why, sizeof(why), &bad))
		return 0;
	if (bad < c->nkv)
		snprintf(p->err, p->errlen, "%s:%d: %s", p->name, kv[bad].line, why);
	else
		snprintf(p->err, p->errlen, "%s: case [%s]: %s", p->name, c->name, why);
	return -EINVAL;
}

/* Give every case the [global] keys it does not set itself, then parse it. */
static int finish_cases(struct parse *p)
{
	struct suite *s = p->s;
	unsigned int i, j, k;

	if (!s->ncases) {
		snprintf(p->err, p->errlen, "%s: no cases: add a [case-name] section", p->name);
		return -EINVAL;
	}
	for (i = 0; i < s->ncases; i++) {
		struct suite_case *c = &s->cases[i];

		if (!c->workload[0])
			strscpy_trunc(c->workload, p->global.workload, sizeof(c->workload));
		if (!c->fs[0])
			strscpy_trunc(c->fs, p->global.fs, sizeof(c->fs));
		for (j = 0; j < p->global.nkv; j++) {
			for (k = 0; k < c->nkv && strcmp(c->kv[k].key, p->global.kv[j].key); k++)
				;
			if (k == c->nkv && c->nkv < SUITE_MAX_KEYS)
				c->kv[c->nkv++] = p->global.kv[j];
		}
		if (parse_opts(p, c))
			return -EINVAL;
		if (!c->workload[0]) {
			snprintf(p->err, p->errlen, "%s: case [%s] has no workload (set workload = pin-truncate there or in [global])",
				 p->name, c->name);
			return -EINVAL;
		}
	}
	return 0;
}

/* path != NULL: read the file; else parse text under the given name. */
static int parse(struct suite *s, const char *name, const char *path,
		 const char *text, char *err, size_t errlen)
{
	struct parse p = { .s = s, .name = name };
	int ret;

	memset(s, 0, sizeof(*s));
	strscpy_trunc(s->path, name, sizeof(s->path));
	if (path)
		ret = inifile_parse_path_lines(path, on_key, &p, err, errlen);
	else
		ret = inifile_parse_lines(name, NULL, text, on_key, &p, err, errlen);
	if (ret)
		return ret;
	p.err = err;
	p.errlen = errlen;
	return finish_cases(&p);
}

int suite_load_string(struct suite *s, const char *name, const char *text,
		      char *err, size_t errlen)
{
	return parse(s, name, NULL, text, err, errlen);
}

int suite_load(struct suite *s, const char *path, char *err, size_t errlen)
{
	return parse(s, path, path, NULL, err, errlen);
}

int suite_case_wants_fs(const struct suite_case *c, const char *fstype)
{
	char buf[64], *tok, *save = NULL;

	if (!c->fs[0])
		return 1;
	strscpy_trunc(buf, c->fs, sizeof(buf));
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		if (!strcmp(tok, fstype))
			return 1;
	return 0;
}
