// SPDX-License-Identifier: GPL-2.0
#include <stdio.h>
#include <string.h>

#include "../core/util.h"
#include "../verdict/verdict.h"
#include "result.h"
#include "title.h"

/* The characters a kernel symbol name is made of. */
static size_t sym_len(const char *s)
{
	return strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");
}

/* The wait helpers every break-layouts path ends in say nothing about which path. */
static bool wait_helper(const char *sym, size_t n)
{
	return (n >= 14 && !strncmp(sym, "wait_page_idle", 14)) ||
	       (n >= 13 && !strncmp(sym + n - 13, "_wait_dax_page", 13) && n > 13);
}

/*
 * "location" lists the matched break-layouts functions innermost first,
 * "a < b < c". Take the innermost one that is not a wait helper (7.x:
 * dax_break_layout, 6.1: ext4_break_layouts), else the innermost.
 */
static bool location_function(const char *loc, char *fn, size_t len)
{
	const char *p = loc, *first = NULL;
	size_t n, first_n = 0;

	while (*p) {
		n = sym_len(p);
		if (n && !first) {
			first = p;
			first_n = n;
		}
		if (n && !wait_helper(p, n)) {
			first = p;
			first_n = n;
			break;
		}
		p = strstr(p + n, " < ");
		if (!p)
			break;
		p += 3;
	}
	if (!first || first_n >= len)
		return false;
	memcpy(fn, first, first_n);
	fn[first_n] = '\0';
	return true;
}

/* "WARNING: CPU: 1 PID: 42 at fs/dax.c:380 dax_disassociate_entry+0x4f/0x60": the function. */
static bool warning_function(const struct case_result *r, char *fn, size_t len)
{
	const struct kmsg_watch *k = &r->mon->kmsg;
	const char *at;
	unsigned int i;
	size_t n;

	for (i = 0; i < k->hits && i < KMSG_KEEP; i++) {
		at = strstr(k->line[i], " at ");
		if (!at || !strchr(at + 4, ' '))
			continue;
		at = strchr(at + 4, ' ') + 1;
		n = sym_len(at);
		if (!n || n >= len)
			continue;
		memcpy(fn, at, n);
		fn[n] = '\0';
		return true;
	}
	return false;
}

/* Outside a break-layouts path: where the stalled thread slept (its wchan at detection). */
static bool stalled_wchan(const struct case_result *r, char *fn, size_t len)
{
	const struct monitor_result *m = r->mon;
	const char *w;
	unsigned int i;
	size_t n;

	for (i = 0; i < m->nsnaps; i++) {
		if (strcmp(m->snaps[i].label, m->thread))
			continue;
		w = m->snaps[i].wchan;
		n = sym_len(w);
		if (!n || n >= len || (*w >= '0' && *w <= '9'))
			return false;
		memcpy(fn, w, n);
		fn[n] = '\0';
		return true;
	}
	return false;
}

void finding_title(const struct case_result *r, char *buf, size_t len)
{
	const char *v = case_measured_name(r);
	enum verdict x = case_measured(r);
	char fn[128];

	buf[0] = '\0';
	if (r->miss || !v[0] || !verdict_is_failure(x) || x == V_ERROR)
		return;
	if (x == V_KERNEL_WARNING) {
		if (warning_function(r, fn, sizeof(fn)))
			snprintf(buf, len, "%s in %s", v, fn);
		else
			snprintf(buf, len, "%s", v);
		return;
	}
	if (x == V_DATA_CORRUPTION) {
		/* no stack to name: what raced is the stable part */
		snprintf(buf, len, "%s with %s against %s", v, r->pin, r->brk);
		return;
	}
	if (r->mon->in_dax_path && location_function(r->mon->location, fn, sizeof(fn)))
		snprintf(buf, len, "%s in %s", v, fn);
	else if (stalled_wchan(r, fn, sizeof(fn)))
		snprintf(buf, len, "%s in %s", v, fn);
	else
		snprintf(buf, len, "%s", v);
}
