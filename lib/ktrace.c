// SPDX-License-Identifier: GPL-2.0
/*
 * Per-case kernel counts from tracefs (see ktrace.h). kprobe_profile is
 * cheap to read and counts every hit; the ring buffer holds only what a
 * probe's filter let through (the collisions), so counting its lines gives
 * the filtered count without a histogram trigger, which custom kernels lack.
 */
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <inttypes.h>
#include <json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ktrace.h"
#include "util.h"

/* The ring buffer's text is large under a busy probe; a bound keeps a runaway filter cheap. */
#define KTRACE_TEXT_MAX	(64u << 20)

static char *slurp(const char *path, size_t *len)
{
	size_t cap = 1 << 16, off = 0;
	char *buf = malloc(cap), *nb;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || !buf)
		goto fail;
	for (;;) {
		if (cap - off < 4096) {
			if (cap >= KTRACE_TEXT_MAX)
				break;
			nb = realloc(buf, cap * 2);
			if (!nb)
				goto fail;
			buf = nb;
			cap *= 2;
		}
		n = read(fd, buf + off, cap - 1 - off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	close(fd);
	buf[off] = '\0';
	*len = off;
	return buf;
fail:
	if (fd >= 0)
		close(fd);
	free(buf);
	return NULL;
}

void ktrace_parse_profile(const char *text, struct ktrace_snap *s)
{
	char name[TRACE_NAME_MAX * 2];
	unsigned long long hits, missed;
	const char *p = text;
	int off;

	memset(s, 0, sizeof(*s));
	while (*p && s->n < TRACE_MAX_PROBES) {
		if (sscanf(p, "%127s %llu %llu%n", name, &hits, &missed, &off) == 3 &&
		    strlen(name) < TRACE_NAME_MAX) {
			strscpy_trunc(s->name[s->n], name, TRACE_NAME_MAX);
			s->hits[s->n] = hits;
			s->missed[s->n++] = missed;
		}
		p = strchr(p, '\n');
		if (!p)
			break;
		p++;
	}
}

uint64_t ktrace_count_records(const char *text, const char *name)
{
	char needle[TRACE_NAME_MAX + 8];
	const char *p = text, *nl;
	uint64_t n = 0;

	/* "  task-pid [cpu] flags  ts: name: fields": the name follows the timestamp */
	snprintf(needle, sizeof(needle), ": %s: ", name);
	for (; *p; p = nl + 1) {
		const char *hit;

		nl = strchr(p, '\n');
		if (*p != '#') {
			hit = strstr(p, needle);
			if (hit && (!nl || hit < nl))
				n++;
		}
		if (!nl)
			break;
	}
	return n;
}

static int read_profile(const char *tracefs, struct ktrace_snap *s)
{
	char path[4096], *text;
	size_t len;

	snprintf(path, sizeof(path), "%s/kprobe_profile", tracefs);
	text = slurp(path, &len);
	if (!text)
		return -errno;
	ktrace_parse_profile(text, s);
	free(text);
	return 0;
}

int ktrace_begin(const char *tracefs, struct ktrace_snap *before)
{
	char path[4096];
	int fd;

	/* Opening "trace" with O_TRUNC empties every CPU's ring buffer. */
	snprintf(path, sizeof(path), "%s/trace", tracefs);
	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	close(fd);
	return read_profile(tracefs, before);
}

/* Records the ring buffer overwrote since it was emptied (then counts are lower bounds). */
static uint64_t lost_records(const char *tracefs)
{
	char pat[4096], buf[2048], *o;
	unsigned long long v;
	uint64_t lost = 0;
	glob_t g;
	size_t i;

	snprintf(pat, sizeof(pat), "%s/per_cpu/cpu*/stats", tracefs);
	if (glob(pat, 0, NULL, &g))
		return 0;
	for (i = 0; i < g.gl_pathc; i++) {
		if (read_text_file(g.gl_pathv[i], buf, sizeof(buf)) < 0)
			continue;
		o = strstr(buf, "overrun:");
		if (o && sscanf(o, "overrun: %llu", &v) == 1)
			lost += v;
	}
	globfree(&g);
	return lost;
}

static void add_u64(struct json_object *o, const char *k, uint64_t v)
{
	json_object_object_add(o, k, json_object_new_int64((int64_t)v));
}

/* The last keep bytes of text, from a line start. */
static void add_tail(struct json_object *o, const char *text, size_t len, size_t keep)
{
	const char *p = text;

	if (len > keep) {
		p = text + len - keep;
		while (*p && p[-1] != '\n')
			p++;
	}
	json_object_object_add(o, "tail", json_object_new_string(p));
}

static struct json_object *probe_json(const struct ktrace_snap *b, const struct ktrace_snap *a,
				      unsigned int i, const char *text)
{
	struct json_object *o = json_object_new_object();
	uint64_t hb = 0, mb = 0;
	unsigned int j;

	for (j = 0; j < b->n; j++) {
		if (!strcmp(b->name[j], a->name[i])) {
			hb = b->hits[j];
			mb = b->missed[j];
		}
	}
	add_u64(o, "hits", a->hits[i] - hb);
	add_u64(o, "missed", a->missed[i] - mb);
	if (text)
		add_u64(o, "recorded", ktrace_count_records(text, a->name[i]));
	return o;
}

struct json_object *ktrace_end(const char *tracefs, const struct ktrace_snap *before,
			       size_t keep)
{
	struct json_object *o = json_object_new_object(), *probes = json_object_new_object();
	struct ktrace_snap after;
	char path[4096], *text;
	size_t len = 0;
	unsigned int i;
	int ret;

	ret = read_profile(tracefs, &after);
	if (ret) {
		json_object_object_add(o, "error", json_object_new_string(strerror(-ret)));
		json_object_put(probes);
		return o;
	}
	snprintf(path, sizeof(path), "%s/trace", tracefs);
	text = slurp(path, &len);
	for (i = 0; i < after.n; i++)
		json_object_object_add(probes, after.name[i], probe_json(before, &after, i, text));
	json_object_object_add(o, "probes", probes);
	add_u64(o, "lost", lost_records(tracefs));
	if (text && keep)
		add_tail(o, text, len, keep);
	if (!text)
		json_object_object_add(o, "error", json_object_new_string("cannot read the trace buffer"));
	free(text);
	return o;
}
