// SPDX-License-Identifier: GPL-2.0
/*
 * daxstress vm --trace FILE: kprobes registered in the guest and counted per
 * case. The file is checked here, before any boot, and handed to the guest
 * as /etc/daxstress/trace; `daxstress run --trace` there registers each
 * probe in its private tracefs instance (lib/trace/tracing.h), says which took
 * in KTAP diagnostics ("# trace: NAME ok|failed WHY") and adds each case's
 * counts to its result. report.json gets the probe list.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "../lib/config/tracefile.h"
#include "vm_priv.h"

int vm_load_trace(struct vm_ctx *c)
{
	char err[512];
	int ret;

	if (!c->o->trace)
		return 0;
	c->trace = calloc(1, sizeof(*c->trace));
	if (!c->trace)
		return -ENOMEM;
	ret = trace_load(c->trace, c->o->trace, err, sizeof(err));
	if (ret)
		vm_msg("--trace: %s", err);
	return ret;
}

int vm_trace_guest_file(const struct vm_ctx *c, char **data, size_t *len)
{
	*data = NULL;
	*len = 0;
	return c->trace ? trace_format(c->trace, data, len) : 0;
}

static const struct vm_trace_status *vm_trace_find(const struct vm_attempt *a, const char *name)
{
	int i;

	for (i = 0; i < a->ntstat; i++)
		if (!strcmp(a->tstat[i].name, name))
			return &a->tstat[i];
	return NULL;
}

/* "NAME ok" or "NAME failed WHY" ("-" names the whole set-up). */
void vm_trace_event(struct vm_ctx *c, const char *args)
{
	struct vm_attempt *a = &c->a;
	struct vm_trace_status *st;
	char name[64], word[16];
	int off = 0;

	if (sscanf(args, "%63s %15s %n", name, word, &off) < 2)
		return;
	st = (struct vm_trace_status *)vm_trace_find(a, name);
	if (!st && a->ntstat == (int)ARRAY_SIZE(a->tstat))
		return;
	if (!st)
		st = &a->tstat[a->ntstat++];
	snprintf(st->name, sizeof(st->name), "%s", name);
	st->ok = !strcmp(word, "ok");
	snprintf(st->note, sizeof(st->note), "%s", off ? args + off : "");
	if (!st->ok)
		vm_msg("trace: probe %s not registered: %s", name, st->note);
}

static json_object *vm_probe_json(const struct vm_attempt *a, const struct trace_probe *p)
{
	const struct vm_trace_status *st = vm_trace_find(a, p->name);
	const struct vm_trace_status *all = vm_trace_find(a, "-");
	json_object *o = json_object_new_object();

	json_object_object_add(o, "name", json_object_new_string(p->name));
	json_object_object_add(o, "probe", json_object_new_string(p->line));
	if (p->filter[0])
		json_object_object_add(o, "filter", json_object_new_string(p->filter));
	json_object_object_add(o, "registered", json_object_new_boolean(st && st->ok));
	if (!st && all)
		st = all;
	if (st && !st->ok)
		json_object_object_add(o, "note", json_object_new_string(st->note));
	else if (!st)
		json_object_object_add(o, "note",
				       json_object_new_string("the guest never reported this probe"));
	return o;
}

void vm_trace_report(const struct vm_ctx *c, json_object *r)
{
	json_object *t, *probes;
	unsigned int i;

	if (!c->trace)
		return;
	t = json_object_new_object();
	probes = json_object_new_array();
	json_object_object_add(t, "file", json_object_new_string(c->o->trace));
	json_object_object_add(t, "keep_bytes", json_object_new_int64((int64_t)c->trace->keep));
	for (i = 0; i < c->trace->nprobes; i++)
		json_object_array_add(probes, vm_probe_json(&c->a, &c->trace->probe[i]));
	json_object_object_add(t, "probes", probes);
	json_object_object_add(r, "trace", t);
}

void vm_trace_free(struct vm_ctx *c)
{
	free(c->trace);
	c->trace = NULL;
}
