// SPDX-License-Identifier: GPL-2.0
/*
 * daxstress vm: the end of a run: the exit code, results/<timestamp>/
 * report.json (and --json), the tail of the console log when the run did not
 * complete, and the summary lines.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "../lib/core/jsonutil.h"
#include "../lib/report/result.h"
#include "kcidb.h"
#include "report.h"
#include "vm_priv.h"

static const char *const vm_end_names[] = {
	[VM_RUNNING] = "running",
	[VM_END_DONE] = "completed",
	[VM_END_BOOT] = "boot-timeout",
	[VM_END_CASE] = "case-timeout",
	[VM_END_TIMEOUT] = "timeout",
	[VM_END_PANIC] = "panic",
	[VM_END_EXIT] = "qemu-exited",
	[VM_END_SIGNAL] = "interrupted",
	[VM_END_ERROR] = "error",
};

/* --exec runs a program of the user's, which writes no report: its exit code is the result. */
static bool vm_fs_reported(const struct vm_ctx *c, const struct vm_fs *fs)
{
	return fs->ended && fs->ran && (fs->json || c->o->exec);
}

int vm_exit_code(const struct vm_ctx *c)
{
	const struct vm_attempt *a = &c->a;
	bool pass = a->done_status == 0;
	int i;

	if (a->end == VM_END_SIGNAL)
		return VM_EXIT_SIGNAL;
	if (a->end != VM_END_DONE)
		return VM_EXIT_INCOMPLETE;
	for (i = 0; i < c->nfs; i++) {
		int j = vm_fs_index(a, c->fs[i]);

		if (j < 0 || !vm_fs_reported(c, &a->fs[j]))
			return VM_EXIT_INCOMPLETE;
		if (a->fs[j].rc)
			pass = false;
	}
	return pass ? VM_EXIT_OK : VM_EXIT_FAILED;
}

/* Seconds with millisecond precision, printed as such. */
static json_object *vm_json_secs(double s)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%.3f", s);
	return json_object_new_double_s(s, buf);
}

static void vm_json_time(json_object *o, const char *key, double from, double to)
{
	if (from >= 0 && to >= from)
		json_object_object_add(o, key, vm_json_secs(to - from));
}

struct fix_paths {
	const struct vm_ctx *c;
	json_object *cases;
};

static int fix_bundle_path(const struct case_result *r, size_t i, void *arg)
{
	const struct fix_paths *x = arg;
	json_object *cs = json_object_array_get_idx(x->cases, i);
	char path[PATH_MAX];

	if (!r->bundle[0])
		return 0;
	vm_bundle_host_path(x->c, r->bundle, path, sizeof(path));
	if (path[0])
		case_json_set_str(cs, CK_BUNDLE, path);
	else
		case_json_del(cs, CK_BUNDLE);
	return 0;
}

/* Bundle paths the guest wrote become the host paths they were unpacked to. */
static void vm_fix_bundle_paths(const struct vm_ctx *c, json_object *res)
{
	struct fix_paths x = { c, json_arr(res, "cases") };

	case_each(x.cases, fix_bundle_path, &x);
}

static json_object *vm_fs_report(const struct vm_ctx *c, const struct vm_fs *fs)
{
	json_object *o = json_object_new_object();
	json_object *res = NULL;

	json_object_object_add(o, "exit_status", json_object_new_int(fs->rc));
	json_object_object_add(o, "completed", json_object_new_boolean(fs->ended && fs->ran));
	json_object_object_add(o, "mount_options", json_object_new_string(fs->mount_opts));
	vm_json_time(o, "mkfs_mount_s", fs->t_begin, fs->t_ready);
	vm_json_time(o, "run_s", fs->t_run, fs->t_run_end);
	vm_json_time(o, "total_s", fs->t_begin, fs->t_end);
	if (fs->json) {
		res = json_tokener_parse(fs->json);
		if (res)
			vm_fix_bundle_paths(c, res);
		else
			res = json_object_new_string(fs->json);
	}
	json_object_object_add(o, "result", res);
	return o;
}

static json_object *vm_times_report(const struct vm_ctx *c)
{
	const struct vm_attempt *a = &c->a;
	json_object *t = json_object_new_object();

	json_object_object_add(t, "wall_s", vm_json_secs(vm_secs(a->t0, a->t_end)));
	if (a->init) {
		json_object_object_add(t, "boot_s", vm_json_secs(vm_secs(a->t0, a->t_init)));
		json_object_object_add(t, "guest_uptime_at_init_s", vm_json_secs(a->g_init));
	}
	if (a->g_setup > 0) {
		vm_json_time(t, "modules_s", a->g_init, a->g_modules);
		vm_json_time(t, "fsdax_s", a->g_modules, a->g_fsdax);
		vm_json_time(t, "setup_s", a->g_init, a->g_setup);
	}
	return t;
}

static json_object *vm_argv_json(const struct strv *s)
{
	json_object *arr = json_object_new_array();
	size_t i;

	for (i = 0; i < s->n; i++)
		json_object_array_add(arr, json_object_new_string(s->v[i]));
	return arr;
}

static json_object *vm_report(const struct vm_ctx *c, int code)
{
	const struct vm_attempt *a = &c->a;
	json_object *r = json_object_new_object(), *fss = json_object_new_object();
	int i;

	json_object_object_add(r, "kernel_spec", json_object_new_string(c->o->kernel));
	json_object_object_add(r, "kernel_release", json_object_new_string(c->release));
	json_object_object_add(r, "kernel_dir", json_object_new_string(c->kdir));
	json_object_object_add(r, "accel", json_object_new_string(vm_accel_names[a->accel]));
	json_object_object_add(r, "pmem", json_object_new_string(c->vfs ? "none (virtiofs)" :
								 c->o->memmap ? "memmap" :
								 c->o->virtio_pmem ?
								 "virtio-pmem" : "nvdimm"));
	if (c->vfs)
		vm_virtiofs_report(c, r);
	json_object_object_add(r, "fsdax", json_object_new_string(a->fsdax));
	json_object_object_add(r, "target", json_object_new_string(a->target));
	json_object_object_add(r, "suite", json_object_new_string(c->o->suite));
	if (c->o->shard)
		json_object_object_add(r, "shard", json_object_new_string(c->o->shard));
	json_object_object_add(r, "status", json_object_new_string(vm_end_names[a->end]));
	json_object_object_add(r, "exit_code", json_object_new_int(code));
	if (*a->reason)
		json_object_object_add(r, "reason", json_object_new_string(a->reason));
	json_object_object_add(r, "times", vm_times_report(c));
	for (i = 0; i < a->nfs; i++)
		json_object_object_add(fss, a->fs[i].name, vm_fs_report(c, &a->fs[i]));
	json_object_object_add(r, "filesystems", fss);
	vm_trace_report(c, r);
	json_object_object_add(r, "qemu_command", vm_argv_json(&a->argv));
	return r;
}

/* results/<ts>/index.html: every filesystem's cases, timelines and bundles. */
static void vm_write_html(const struct vm_ctx *c, json_object *r, int code)
{
	json_object *fss, *list = json_object_new_array(), *res;
	char title[256], extra[768];
	int ret;

	if (json_object_object_get_ex(r, "filesystems", &fss)) {
		json_object_object_foreach(fss, fs, f) {
			(void)fs;
			if (json_object_object_get_ex(f, "result", &res) && json_arr(res, "cases"))
				json_object_array_add(list, json_object_get(res));
		}
	}
	snprintf(title, sizeof(title), "daxstress vm: %s (--kernel %s)", c->release, c->o->kernel);
	snprintf(extra, sizeof(extra), "suite %s%s%s; run %s, exit %d; %s", c->o->suite,
		 c->o->shard ? ", shard " : "", c->o->shard ? c->o->shard : "",
		 json_str(r, "status"), code, *c->a.reason ? c->a.reason : "report.json has everything");
	ret = html_write_run(c->rundir, list, title, extra);
	if (ret)
		vm_msg("cannot write %s/index.html: %s", c->rundir, strerror(-ret));
	else
		vm_msg("summary page: %s/index.html", c->rundir);
	json_object_put(list);
}

int vm_write_report(const struct vm_ctx *c, int code)
{
	json_object *r = vm_report(c, code);
	char path[PATH_MAX];
	int ret = 0;

	if (kcidb_report(r, c->o->kcidb, "vm"))	/* titles in every report, KCIDB if asked */
		ret = -EIO;
	vm_rundir_path(c, "report.json", path, sizeof(path));
	if (json_object_to_file_ext(path, r, JSON_C_TO_STRING_PRETTY))
		ret = -EIO;
	vm_write_html(c, r, code);
	if (c->o->json && json_object_to_file_ext(c->o->json, r, JSON_C_TO_STRING_PRETTY)) {
		vm_msg("cannot write %s", c->o->json);
		ret = -EIO;
	}
	json_object_put(r);
	return ret;
}

void vm_print_tail(const struct vm_ctx *c, const char *name, int lines)
{
	char path[PATH_MAX], *buf, *p;
	size_t len = 0;
	int n = 0;

	vm_rundir_path(c, name, path, sizeof(path));
	buf = vm_slurp(path, &len);
	if (!buf || !len) {
		free(buf);
		return;
	}
	buf[len] = '\0';
	for (p = buf + len; p > buf; p--) {
		if (p[-1] == '\n' && p != buf + len && ++n > lines)
			break;
	}
	vm_msg("last %d lines of %s:", lines, path);
	fputs(p, stderr);
	if (len && buf[len - 1] != '\n')
		fputc('\n', stderr);
	free(buf);
}

void vm_summary(const struct vm_ctx *c, int code)
{
	const struct vm_attempt *a = &c->a;
	int i;

	if (a->init)
		vm_msg("%s on %s: boot %.1f s (guest init at %.2f s uptime), set-up %.2f s",
		       c->release, vm_accel_names[a->accel], vm_secs(a->t0, a->t_init),
		       a->g_init, a->g_setup > 0 ? a->g_setup - a->g_init : 0.0);
	for (i = 0; i < a->nfs; i++) {
		const struct vm_fs *fs = &a->fs[i];

		vm_msg("  %-5s mkfs+mount %.2f s, run %.2f s, total %.2f s, exit %d%s", fs->name,
		       fs->t_ready >= 0 ? fs->t_ready - fs->t_begin : 0.0,
		       fs->t_run_end >= 0 ? fs->t_run_end - fs->t_run : 0.0,
		       fs->t_end >= 0 ? fs->t_end - fs->t_begin : 0.0, fs->rc,
		       vm_fs_reported(c, fs) ? "" : " (not reported)");
	}
	if (a->end != VM_END_DONE)
		vm_msg("run did not complete: %s", a->reason);
	vm_msg("%s in %.1f s, results in %s (exit %d)", vm_end_names[a->end],
	       vm_secs(a->t0, a->t_end), c->rundir, code);
}
