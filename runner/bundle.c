// SPDX-License-Identifier: GPL-2.0
/*
 * The repro bundle of a failing case: one directory with everything needed
 * to understand the finding and to run the case again (daxstress repro DIR):
 * the suite entry with its seed, the commands, the kernel and its config,
 * every thread's state and stack at detection and after each proof step, the
 * case's kernel log (and sysrq-w), the progress counters over time and a
 * README.txt that says it in words.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <json.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "../lib/core/jsonutil.h"
#include "../lib/monitor/kmsg.h"
#include "../lib/report/field.h"
#include "../lib/report/result.h"
#include "../lib/config/suite.h"
#include "../lib/verdict/verdict.h"
#include "report.h"
#include "vm_priv.h"	/* strv_*: shell-quoted command lines */

struct bundle {
	const struct bundle_run *run;
	const struct suite_case *c;
	const struct case_result *r;	/* the case, read from its JSON */
	char *const *wl_argv;
	char dir[PATH_MAX];
	const char *verdict;	/* as measured, before known issues */
	const char *config;	/* the kernel config file copied, or NULL */
	int dmesg_lines;	/* -errno when the log was unreadable */
};

bool bundle_wanted(enum verdict measured)
{
	return verdict_is_failure(measured) && measured != V_ERROR;
}

static FILE *bundle_open(const struct bundle *b, const char *name)
{
	char path[PATH_MAX + 64];

	snprintf(path, sizeof(path), "%s/%s", b->dir, name);
	return fopen(path, "we");
}

static int bundle_put(const struct bundle *b, const char *name,
		      void (*fn)(FILE *f, const struct bundle *b))
{
	FILE *f = bundle_open(b, name);
	int ret = 0;

	if (!f)
		return -errno;
	fn(f, b);
	if (ferror(f))
		ret = -EIO;
	if (fclose(f) && !ret)
		ret = -errno;
	return ret;
}

static int copy_file(const char *from, const char *to)
{
	char buf[65536];
	int in, out, ret = 0;
	ssize_t n;

	in = open(from, O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return -errno;
	out = open(to, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (out < 0) {
		ret = -errno;
		goto out_in;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n) {
			ret = -EIO;
			break;
		}
	if (n < 0)
		ret = -errno;
	close(out);
out_in:
	close(in);
	return ret;
}

static void put_argv(FILE *f, int argc, char *const *argv, const char *prefix)
{
	struct strv s = { 0 };
	int i;

	if (prefix)
		strv_addf(&s, "%s", prefix);
	for (i = 0; i < argc && argv[i]; i++)
		strv_addf(&s, "%s", argv[i]);
	strv_print(f, &s);
	strv_free(&s);
}

/* ---- the files ---- */

static void put_case_conf(FILE *f, const struct bundle *b)
{
	unsigned int i;

	fprintf(f, "# The suite entry of %s as it ran, seed included.\n"
		"# daxstress repro runs it; so does daxstress run --suite THIS-FILE.\n"
		"[%s]\nworkload = %s\n", b->r->name, b->c->name, b->c->workload);
	if (b->r->fs[0])
		fprintf(f, "fs = %s\n", b->r->fs);
	for (i = 0; i < b->c->nkv; i++)
		if (strcmp(b->c->kv[i].key, "seed"))
			fprintf(f, "%s = %s\n", b->c->kv[i].key, b->c->kv[i].val);
	fprintf(f, "seed = %" PRIu64 "\n", b->r->seed);
}

static void put_commands(FILE *f, const struct bundle *b)
{
	fprintf(f, "# The daxstress command that found it:\n");
	put_argv(f, b->run->argc, b->run->argv, "daxstress");
	fprintf(f, "# The same case as a workload program of its own:\n");
	put_argv(f, 64, b->wl_argv, NULL);
	fprintf(f, "# Run it again (same suite entry, same seed):\n");
	fprintf(f, "daxstress repro %s --dir %s\n", b->dir, b->run->dir);
	if (b->run->kernel_spec[0])
		fprintf(f, "daxstress repro %s --vm\n", b->dir);
}

static void put_kernel(FILE *f, const struct bundle *b)
{
	char buf[4096];
	struct utsname u;

	if (!uname(&u))
		fprintf(f, "uname: %s %s %s %s %s\n", u.sysname, u.nodename, u.release, u.version,
			u.machine);
	if (read_text_file("/proc/version", buf, sizeof(buf)) > 0)
		fprintf(f, "/proc/version: %s", buf);
	if (read_text_file("/proc/cmdline", buf, sizeof(buf)) > 0)
		fprintf(f, "/proc/cmdline: %s", buf);
	fprintf(f, "kernel spec (daxstress vm --kernel): %s\n",
		b->run->kernel_spec[0] ? b->run->kernel_spec : "none: not run by daxstress vm");
	fprintf(f, "config: %s\n", b->config ? b->config :
		"not available (no /proc/config.gz, no /boot/config-RELEASE)");
}

static void put_snap(FILE *f, const struct task_snap *t)
{
	char state[2] = { t->state, 0 };

	fprintf(f, "--- %s  pid %d tid %d  state %s  wchan %s\n    syscall %s\n",
		t->label, t->pid, t->tid, state, t->wchan[0] ? t->wchan : "-", t->syscall);
	fprintf(f, "%s\n", t->stack);
}

static void put_snaps(FILE *f, const struct task_snap *snaps, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		put_snap(f, &snaps[i]);
}

static void put_threads(FILE *f, const struct bundle *b)
{
	const struct monitor_result *m = b->r->mon;
	int i, n = 0;

	fprintf(f, "=== at detection, %.2f s into the case (stalled: %s, %.1f s without progress)\n",
		case_detect_s(b->r), m->thread, m->stalled_s);
	put_snaps(f, m->snaps, m->nsnaps);
	for (i = 0; i < STEP__COUNT; i++) {
		if (!m->step[i].done)
			continue;
		fprintf(f, "\n=== after proof step %d, %s, begun %.2f s into the case: %s\n", ++n,
			proof_step_name((enum proof_step_id)i), m->step[i].t_s, m->step[i].note);
		put_snaps(f, m->step_snaps[i], m->nstep_snaps[i]);
	}
}

static void put_timeline(FILE *f, const struct bundle *b)
{
	const struct timeline *tl = &b->r->mon->tl;
	unsigned int i;
	int j;

	fprintf(f, "# t_s\towner_ops\tpinner_ops\tbreaker_ops\tlongest_no_progress_s\n");
	for (i = 0; i < tl->n; i++) {
		fprintf(f, "%.3f", tl->s[i].t);
		for (j = 0; j < TL_ROLES; j++)
			fprintf(f, "\t%" PRIu64, tl->s[i].ops[j]);
		fprintf(f, "\t%.3f\n", tl->s[i].stall);
	}
}

static void put_dmesg(FILE *f, const struct bundle *b)
{
	FILE *sysrq = bundle_open(b, "sysrq-w.txt");
	bool asked = b->r->mon->sysrq_w;
	int n = kmsg_case_dump(b->r->name, f, asked ? sysrq : NULL);

	if (n < 0)
		fprintf(f, "# the kernel log is unreadable: %s (needs root or kernel.dmesg_restrict=0)\n",
			strerror(-n));
	else if (!n)
		fprintf(f, "# no kernel log lines between this case's start and end markers (overwritten?)\n");
	if (sysrq && !asked)
		fprintf(sysrq, "# sysrq-w was not taken: run with --sysrq-w (root; the VM does it always)\n");
	if (sysrq)
		fclose(sysrq);
}

static void put_proof_words(FILE *f, const struct bundle *b)
{
	const struct monitor_result *m = b->r->mon;
	char state[2] = { m->at_detect.state, 0 };
	int i, n = 0;

	if (case_detect_s(b->r) < 0) {
		fprintf(f, "  No thread stalled; the finding comes from the kernel log or the data check.\n");
		return;
	}
	fprintf(f, "  The %s thread %s made no progress for %.1f s; the monitor noticed it %.1f s into\n"
		"  the case, in state %s, at %s.\n  Then it tried, stopping at the first step that released it:\n",
		m->role, m->thread, m->stalled_s, m->detect_s, state, m->location);
	for (i = 0; i < STEP__COUNT; i++)
		if (m->step[i].done)
			fprintf(f, "    %d. %s: %s\n", ++n, proof_step_name((enum proof_step_id)i),
				m->step[i].note);
}

static void put_readme(FILE *f, const struct bundle *b)
{
	const struct case_result *r = b->r;

	fprintf(f, "daxstress repro bundle: %s\n\nWHAT WAS FOUND\n  Verdict: %s\n  %s\n",
		r->name, b->verdict, r->reason);
	if (case_has(r, CK_KNOWN_ISSUE))
		fprintf(f, "  This is the known kernel bug %s (%s), so the run reported it as xfail.\n",
			r->known.name, r->known.link);
	put_proof_words(f, b);
	fprintf(f, "\n  Kernel %s; filesystem %s on %s (%s file); pin %s, break %s, seed %" PRIu64 ".\n",
		r->kernel, r->fs, r->dir, r->dax ? "a DAX" : "NOT a DAX", r->pin, r->brk, r->seed);
	fprintf(f, "\nRUN IT AGAIN\n  daxstress repro %s --dir DIR   (DIR: a directory on a %s DAX mount)\n",
		b->dir, r->fs);
	if (b->run->kernel_spec[0])
		fprintf(f, "  daxstress repro %s --vm        (boots %s in the pmem VM)\n", b->dir,
			b->run->kernel_spec);
	else
		fprintf(f, "  daxstress repro %s --vm --kernel SPEC   (this run was not in the VM: name the kernel)\n",
			b->dir);
	fprintf(f, "  It runs the same suite entry with the same seed and says whether the verdict\n"
		"  came back and how fast. By hand: commands.txt.\n"
		"\nFILES\n  case.conf     the suite entry as it ran, seed fixed\n"
		"  commands.txt  the daxstress and workload command lines\n"
		"  bundle.json   what repro reads: verdict, seed, kernel, fs, target\n"
		"  result.json   the whole case result (schema: docs/report-schema.md)\n"
		"  threads.txt   every workload thread's state, wchan, syscall and kernel stack,\n"
		"                at detection and after each proof step\n"
		"  dmesg.txt     the kernel log of this case (between its markers)\n"
		"  sysrq-w.txt   the kernel's blocked-task dump taken at detection\n"
		"  timeline.tsv  operations per role and the no-progress timer, every 250 ms\n"
		"  timeline.svg  the same as a picture, stall and proof steps marked\n"
		"  kernel.txt    uname, /proc/version, /proc/cmdline, the VM kernel spec\n"
		"  %s\n", b->config ? "config[.gz]   the kernel config" : "(no kernel config was available)");
}

#define META(k, t, m)	FIELD(k, t, 0, struct bundle_meta, m)

/* bundle.json, written by put_meta and read by bundle_meta_read (daxstress repro). */
static const struct field meta_fields[] = {
	META("case", FT_STR, name),
	META("suite_case", FT_STR, suite_case),
	META("verdict", FT_STR, verdict),
	META("reported_verdict", FT_STR, reported_verdict),
	META("fs", FT_STR, fs),
	META("seed", FT_U64, seed),
	META("kernel_release", FT_STR, kernel_release),
	META("kernel_spec", FT_STR, kernel_spec),
	META("dir", FT_STR, dir),
	META("target", FT_STR, target),
	META("allow_nodax", FT_BOOL, allow_nodax),
	META("detect_s", FT_OPTSECS, detect_s),
	META("verdict_s", FT_OPTSECS, verdict_s),
	META("suite", FT_STR, suite),
};

static int put_meta(const struct bundle *b)
{
	struct bundle_meta *m = calloc(1, sizeof(*m));
	struct json_object *o;
	char path[PATH_MAX + 32];
	int ret;

	if (!m)
		return -ENOMEM;
	strscpy_trunc(m->name, b->r->name, sizeof(m->name));
	strscpy_trunc(m->suite_case, b->c->name, sizeof(m->suite_case));
	strscpy_trunc(m->verdict, b->verdict, sizeof(m->verdict));
	strscpy_trunc(m->reported_verdict, case_verdict_name(b->r), sizeof(m->reported_verdict));
	strscpy_trunc(m->fs, b->r->fs, sizeof(m->fs));
	m->seed = b->r->seed;
	strscpy_trunc(m->kernel_release, b->r->kernel, sizeof(m->kernel_release));
	strscpy_trunc(m->kernel_spec, b->run->kernel_spec, sizeof(m->kernel_spec));
	strscpy_trunc(m->dir, b->run->dir, sizeof(m->dir));
	strscpy_trunc(m->target, b->run->target, sizeof(m->target));
	m->allow_nodax = b->run->allow_nodax;
	m->detect_s = case_detect_s(b->r);
	m->verdict_s = -1;
	if (case_has(b->r, CK_VERDICT_S))
		m->verdict_s = b->r->mon->verdict_s;
	strscpy_trunc(m->suite, b->run->suite, sizeof(m->suite));
	o = json_object_new_object();
	fields_put(o, meta_fields, ARRAY_SIZE(meta_fields), m);
	snprintf(path, sizeof(path), "%s/bundle.json", b->dir);
	ret = json_write_file(o, path);
	json_object_put(o);
	free(m);
	return ret;
}

int bundle_meta_read(const char *path, struct bundle_meta *m, char *err, size_t len)
{
	struct json_object *o = json_load(path, err, len);

	memset(m, 0, sizeof(*m));
	m->detect_s = m->verdict_s = -1;
	if (!o)
		return -EINVAL;
	fields_get(o, meta_fields, ARRAY_SIZE(meta_fields), m);
	json_object_put(o);
	return 0;
}

/* /proc/config.gz, else /boot/config-RELEASE. */
static void copy_config(struct bundle *b)
{
	char from[PATH_MAX], to[PATH_MAX + 32];
	struct utsname u;

	snprintf(to, sizeof(to), "%s/config.gz", b->dir);
	if (!copy_file("/proc/config.gz", to)) {
		b->config = "/proc/config.gz";
		return;
	}
	unlink(to);
	if (uname(&u))
		return;
	snprintf(from, sizeof(from), "/boot/config-%s", u.release);
	snprintf(to, sizeof(to), "%s/config", b->dir);
	if (!copy_file(from, to))
		b->config = "/boot/config-RELEASE";
	else
		unlink(to);
}

/* root/<name>, or root/<name>-2 ... when it exists. */
static int make_dir(struct bundle *b)
{
	const char *name = b->r->name;
	int i;

	char parent[PATH_MAX], *slash;

	strscpy_trunc(parent, b->run->root, sizeof(parent));
	slash = strrchr(parent, '/');
	if (slash && slash != parent) {
		*slash = '\0';
		if (mkdir(parent, 0755) && errno != EEXIST)
			return -errno;
	}
	if (mkdir(b->run->root, 0755) && errno != EEXIST)
		return -errno;
	for (i = 1; i < 1000; i++) {
		if (i == 1)
			snprintf(b->dir, sizeof(b->dir), "%s/%s", b->run->root, name);
		else
			snprintf(b->dir, sizeof(b->dir), "%s/%s-%d", b->run->root, name, i);
		if (!mkdir(b->dir, 0755))
			return 0;
		if (errno != EEXIST)
			return -errno;
	}
	return -EEXIST;
}

int bundle_write(const struct bundle_run *run, const struct suite_case *c,
		 struct json_object *res, char *const *wl_argv, char *path, size_t len)
{
	struct case_read *rd = case_result_read(res);
	struct bundle b = { .run = run, .c = c, .wl_argv = wl_argv };
	char file[PATH_MAX + 32];
	int ret;

	if (!rd)
		return -ENOMEM;
	b.r = &rd->r;
	b.verdict = case_measured_name(b.r);
	ret = make_dir(&b);
	if (ret)
		goto out;
	copy_config(&b);
	ret = bundle_put(&b, "case.conf", put_case_conf);
	ret = ret ? ret : bundle_put(&b, "commands.txt", put_commands);
	ret = ret ? ret : bundle_put(&b, "kernel.txt", put_kernel);
	ret = ret ? ret : bundle_put(&b, "threads.txt", put_threads);
	ret = ret ? ret : bundle_put(&b, "timeline.tsv", put_timeline);
	ret = ret ? ret : bundle_put(&b, "dmesg.txt", put_dmesg);
	ret = ret ? ret : bundle_put(&b, "README.txt", put_readme);
	ret = ret ? ret : put_meta(&b);
	snprintf(file, sizeof(file), "%s/timeline.svg", b.dir);
	if (!ret)
		svg_timeline_write(file, b.r);
	case_json_set_str(res, CK_BUNDLE, b.dir);
	snprintf(file, sizeof(file), "%s/result.json", b.dir);
	ret = ret ? ret : json_write_file(res, file);
	strscpy_trunc(path, b.dir, len);
out:
	case_read_free(rd);
	return ret;
}
