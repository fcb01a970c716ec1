// SPDX-License-Identifier: GPL-2.0
/*
 * The run's private tracefs instance (see tracing.h), through libtracefs.
 */
#include <ctype.h>
#include <errno.h>
#include <glob.h>
#include <json.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <tracefs.h>

#include "ktrace.h"
#include "tracing.h"
#include "../core/util.h"

/* Keyed by inode and result: one trigger serves every case of the run. */
#define PMD_HIST	"hist:keys=ino,result:size=8192"

const char *tracing_dir(char *why, size_t len)
{
	static char dir[PATH_MAX];
	const char *path = NULL;
	int mounted;

	/* false: look, never mount (the host's mounts are not ours) */
	mounted = tracefs_tracing_dir_is_mounted(false, &path);
	if (mounted == 1 && path) {
		strscpy_trunc(dir, path, sizeof(dir));
		/*
		 * libtracefs 1.6 hands out a fresh copy here, never cached:
		 * ours to free (leaked once per call, ASan found it whenever
		 * tracefs happened to be mounted).
		 */
		free((char *)path);
		return dir;
	}
	snprintf(why, len, "tracefs is not mounted (mount -t tracefs nodev /sys/kernel/tracing)");
	return NULL;
}

/* Did the run that made name (PREFIX then a PID) end? */
static bool owner_gone(const char *name, const char *prefix)
{
	size_t n = strlen(prefix);
	const char *p;
	long pid;

	if (strncmp(name, prefix, n) || !name[n])
		return false;
	for (p = name + n; *p; p++)
		if (!isdigit((unsigned char)*p))
			return false;
	pid = strtol(name + n, NULL, 10);
	return pid > 0 && kill((pid_t)pid, 0) && errno == ESRCH;
}

static void instance_strip(struct tracefs_instance *inst)
{
	char cmd[sizeof(PMD_HIST) + 1];

	/* A trigger keeps its event in use: remove ours before the instance. */
	snprintf(cmd, sizeof(cmd), "!%s", PMD_HIST);
	tracefs_event_file_write(inst, PMD_EVENT_SYS, PMD_EVENT, "trigger", cmd);
	tracefs_event_disable(inst, NULL, NULL);
}

static int reap_instance(const char *name, void *ctx)
{
	struct tracefs_instance *inst;
	unsigned int *n = ctx;

	if (!owner_gone(name, TRACING_PREFIX))
		return 0;
	inst = tracefs_instance_alloc(NULL, name);
	if (!inst)
		return 0;
	instance_strip(inst);
	if (!tracefs_instance_destroy(inst))
		(*n)++;
	tracefs_instance_free(inst);
	return 0;
}

static unsigned int reap_probes(void)
{
	struct tracefs_dynevent **all;
	unsigned int i, n = 0;
	char *sys, *ev;

	all = tracefs_dynevent_get_all(TRACEFS_DYNEVENT_KPROBE | TRACEFS_DYNEVENT_KRETPROBE, NULL);
	for (i = 0; all && all[i]; i++) {
		sys = NULL;
		ev = NULL;
		tracefs_dynevent_info(all[i], &sys, &ev, NULL, NULL, NULL);
		/* force: disabled in every instance first, else the kernel says EBUSY */
		if (sys && owner_gone(sys, TRACING_GROUP_PREFIX) &&
		    !tracefs_dynevent_destroy(all[i], true))
			n++;
		free(sys);
		free(ev);
	}
	tracefs_dynevent_list_free(all);
	return n;
}

unsigned int tracing_reap(void)
{
	unsigned int n = 0;

	/* Instances first: a kprobe enabled in one cannot be removed. */
	tracefs_instances_walk(reap_instance, &n);
	return n + reap_probes();
}

int tracing_open(struct tracing *t)
{
	char why[160];

	memset(t, 0, sizeof(*t));
	if (!tracing_dir(why, sizeof(why))) {
		strscpy_trunc(t->why, why, sizeof(t->why));
		return -ENOENT;
	}
	t->reaped = tracing_reap();
	snprintf(t->instance, sizeof(t->instance), TRACING_PREFIX "%d", (int)getpid());
	snprintf(t->group, sizeof(t->group), TRACING_GROUP_PREFIX "%d", (int)getpid());
	t->inst = tracefs_instance_create(t->instance);
	if (!t->inst) {
		int ret = -errno;

		snprintf(t->why, sizeof(t->why), "cannot create tracefs instance %s: %s (root?)",
			 t->instance, strerror(errno));
		return ret ? ret : -EIO;
	}
	return 0;
}

/* "r16:name sym+4 fmt...": the probed address, the format, maxactive. */
static int split_line(const char *line, char *addr, size_t alen, const char **fmt,
		      unsigned int *max)
{
	const char *p = strchr(line, ' '), *e;

	*max = 0;
	if (line[0] == 'r')
		*max = (unsigned int)strtoul(line + 1, NULL, 10);
	if (!p)
		return -EINVAL;
	while (*p == ' ' || *p == '\t')
		p++;
	for (e = p; *e && *e != ' ' && *e != '\t'; e++)
		;
	if (e == p || (size_t)(e - p) >= alen)
		return -EINVAL;
	memcpy(addr, p, (size_t)(e - p));
	addr[e - p] = '\0';
	while (*e == ' ' || *e == '\t')
		e++;
	*fmt = *e ? e : NULL;
	return 0;
}

static bool kallsyms_has(const char *sym)
{
	char line[512], name[256], want[256];
	bool found = false;
	FILE *f = fopen("/proc/kallsyms", "re");

	strscpy_trunc(want, sym, sizeof(want));
	want[strcspn(want, "+")] = '\0';
	if (!f)
		return true;	/* cannot tell: do not blame the symbol */
	while (!found && fgets(line, sizeof(line), f))
		found = sscanf(line, "%*s %*s %255s", name) == 1 && !strcmp(name, want);
	fclose(f);
	return found;
}

static void probe_refused(struct tracing_probe *p, const char *what, const char *addr)
{
	char *log = tracefs_error_last(NULL);

	if (!tracefs_file_exists(NULL, "kprobe_events"))
		snprintf(p->note, sizeof(p->note),
			 "no kprobe_events in tracefs (a kernel without CONFIG_KPROBE_EVENTS?)");
	else if (addr && !kallsyms_has(addr))
		snprintf(p->note, sizeof(p->note), "no symbol %s in this kernel (/proc/kallsyms)", addr);
	else
		snprintf(p->note, sizeof(p->note), "%s refused: %s", what,
			 log && *log ? log : strerror(errno));
	free(log);
}

static void add_probe(struct tracing *t, const struct trace_probe *tp, struct tracing_probe *p)
{
	const char *fmt;
	unsigned int max;
	char addr[TRACE_LINE_MAX];

	strscpy_trunc(p->name, tp->name, sizeof(p->name));
	if ((size_t)snprintf(p->event, sizeof(p->event), "%s_%d", tp->name, (int)getpid()) >=
	    sizeof(p->event)) {
		snprintf(p->note, sizeof(p->note), "name too long with the PID suffix");
		return;
	}
	if (split_line(tp->line, addr, sizeof(addr), &fmt, &max)) {
		snprintf(p->note, sizeof(p->note), "cannot split '%s'", tp->line);
		return;
	}
	p->ev = tp->kind == 'r' ? tracefs_kretprobe_alloc(t->group, p->event, addr, fmt, max) :
				  tracefs_kprobe_alloc(t->group, p->event, addr, fmt);
	if (!p->ev || tracefs_dynevent_create(p->ev)) {
		probe_refused(p, "kprobe_events", addr);
		return;
	}
	if (tp->filter[0] &&
	    tracefs_event_file_write(t->inst, t->group, p->event, "filter", tp->filter) < 0) {
		snprintf(p->note, sizeof(p->note), "filter '%s' refused", tp->filter);
		return;
	}
	if (tracefs_event_enable(t->inst, t->group, p->event)) {
		snprintf(p->note, sizeof(p->note), "enable refused: %s", strerror(errno));
		return;
	}
	p->ok = true;
}

void tracing_add_probes(struct tracing *t, const struct trace_file *tf)
{
	unsigned int i;

	t->keep = tf->keep;
	for (i = 0; t->inst && i < tf->nprobes && t->nprobes < TRACE_MAX_PROBES; i++)
		add_probe(t, &tf->probe[i], &t->probe[t->nprobes++]);
}

int tracing_pmd_hist(struct tracing *t)
{
	if (!t->inst)
		return -ENOENT;
	if (tracefs_event_file_write(t->inst, PMD_EVENT_SYS, PMD_EVENT, "trigger", PMD_HIST) < 0) {
		snprintf(t->why, sizeof(t->why),
			 "no hist trigger on " PMD_EVENT_SYS "/" PMD_EVENT " (CONFIG_FS_DAX tracepoints and CONFIG_HIST_TRIGGERS?)");
		return -EOPNOTSUPP;
	}
	t->pmd_hist = true;
	return 0;
}

void tracing_close(struct tracing *t)
{
	unsigned int i;

	if (!t->inst)
		return;
	tracefs_event_disable(t->inst, NULL, NULL);
	if (t->pmd_hist)
		instance_strip(t->inst);
	for (i = 0; i < t->nprobes; i++) {
		if (t->probe[i].ev)
			tracefs_dynevent_destroy(t->probe[i].ev, true);
		tracefs_dynevent_free(t->probe[i].ev);
		t->probe[i].ev = NULL;
	}
	tracefs_instance_destroy(t->inst);
	tracefs_instance_free(t->inst);
	t->inst = NULL;
}

static void snap_counts(struct tracing *t, uint64_t *hits, uint64_t *missed)
{
	char *text = tracefs_instance_file_read(NULL, "kprobe_profile", NULL);
	struct ktrace_snap s;
	unsigned int i, j;

	memset(hits, 0, sizeof(*hits) * TRACE_MAX_PROBES);
	memset(missed, 0, sizeof(*missed) * TRACE_MAX_PROBES);
	if (!text)
		return;
	ktrace_parse_profile(text, &s);
	free(text);
	for (i = 0; i < t->nprobes; i++) {
		for (j = 0; j < s.n; j++) {
			if (!strcmp(s.name[j], t->probe[i].event)) {
				hits[i] = s.hits[j];
				missed[i] = s.missed[j];
			}
		}
	}
}

unsigned int tracing_probes_ok(const struct tracing *t)
{
	unsigned int i, n = 0;

	for (i = 0; i < t->nprobes; i++)
		n += t->probe[i].ok;
	return n;
}

int tracing_case_begin(struct tracing *t, uint64_t *hits, uint64_t *missed)
{
	if (!t->inst)
		return -ENOENT;
	/* The instance's own buffer only: the host's top-level one is not ours. */
	if (tracefs_instance_file_clear(t->inst, "trace"))
		return -errno ? -errno : -EIO;
	snap_counts(t, hits, missed);
	return 0;
}

/* The sum over the files of g of their "key: N" lines, for each key given. */
static uint64_t stats_files_sum(const glob_t *g, const char *const *keys)
{
	char buf[2048], needle[32], *o;
	unsigned long long v;
	uint64_t sum = 0;
	size_t i, k;

	/* A line start: each file is read after a newline of our own. */
	buf[0] = '\n';
	for (i = 0; i < g->gl_pathc; i++) {
		if (read_text_file(g->gl_pathv[i], buf + 1, sizeof(buf) - 1) < 0)
			continue;
		for (k = 0; keys[k]; k++) {
			snprintf(needle, sizeof(needle), "\n%s:", keys[k]);
			o = strstr(buf, needle);
			if (o && sscanf(o + strlen(needle), " %llu", &v) == 1)
				sum += v;
		}
	}
	return sum;
}

/* An instance's per_cpu stats files. 0, or -ENOENT (globfree'd either way on error). */
static int stats_files(struct tracefs_instance *inst, glob_t *g)
{
	char *dir = tracefs_instance_get_dir(inst), pat[4096];

	if (!dir)
		return -ENOENT;
	snprintf(pat, sizeof(pat), "%s/per_cpu/cpu*/stats", dir);
	tracefs_put_tracing_file(dir);
	if (glob(pat, 0, NULL, g)) {
		globfree(g);
		return -ENOENT;
	}
	return 0;
}

/* Records the instance's buffer overwrote since the case began (counts are then lower bounds). */
static uint64_t lost_records(struct tracing *t)
{
	static const char *const keys[] = { "overrun", NULL };
	uint64_t n;
	glob_t g;

	if (stats_files(t->inst, &g))
		return 0;
	n = stats_files_sum(&g, keys);
	globfree(&g);
	return n;
}

int tracing_records_open(struct trace_records *r, const char *instance)
{
	struct tracefs_instance *inst;
	char why[160];
	int ret;

	r->open = false;
	if (!tracing_dir(why, sizeof(why)) || !tracefs_instance_exists(instance))
		return -ENOENT;
	inst = tracefs_instance_alloc(NULL, instance);
	if (!inst)
		return -ENOMEM;
	ret = stats_files(inst, &r->files);
	tracefs_instance_free(inst);
	r->open = !ret;
	return ret;
}

int64_t tracing_records_read(const struct trace_records *r)
{
	static const char *const keys[] = { "entries", "overrun", NULL };

	return r->open ? (int64_t)stats_files_sum(&r->files, keys) : -1;
}

void tracing_records_close(struct trace_records *r)
{
	if (r->open)
		globfree(&r->files);
	r->open = false;
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

struct json_object *tracing_case_end(struct tracing *t, const uint64_t *hits,
				     const uint64_t *missed)
{
	struct json_object *o = json_object_new_object(), *probes = json_object_new_object();
	uint64_t h[TRACE_MAX_PROBES], m[TRACE_MAX_PROBES];
	char *text;
	int size = 0;
	unsigned int i;

	snap_counts(t, h, m);
	text = tracefs_instance_file_read(t->inst, "trace", &size);
	for (i = 0; i < t->nprobes; i++) {
		struct json_object *p;

		if (!t->probe[i].ok)
			continue;
		p = json_object_new_object();
		add_u64(p, "hits", h[i] - hits[i]);
		add_u64(p, "missed", m[i] - missed[i]);
		if (text)
			add_u64(p, "recorded", ktrace_count_records(text, t->probe[i].event));
		json_object_object_add(probes, t->probe[i].name, p);
	}
	json_object_object_add(o, "instance", json_object_new_string(t->instance));
	json_object_object_add(o, "probes", probes);
	add_u64(o, "lost", lost_records(t));
	if (text && t->keep)
		add_tail(o, text, (size_t)size, (size_t)t->keep);
	if (!text)
		json_object_object_add(o, "error",
				       json_object_new_string("cannot read the instance's trace buffer"));
	free(text);
	return o;
}

char *tracing_instance_event_read(const char *instance, const char *sys,
				  const char *event, const char *file)
{
	struct tracefs_instance *inst;
	char why[160], *text;

	if (!tracing_dir(why, sizeof(why)) || !tracefs_instance_exists(instance))
		return NULL;
	inst = tracefs_instance_alloc(NULL, instance);
	if (!inst)
		return NULL;
	text = tracefs_event_file_read(inst, sys, event, file, NULL);
	tracefs_instance_free(inst);
	return text;
}
