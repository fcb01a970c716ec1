// SPDX-License-Identifier: GPL-2.0
/*
 * daxstress run: run every case of a suite against one DAX directory. Each
 * case is its workload program, run with a deadline; its KTAP diagnostics
 * are passed through, its JSON result is read back, known kernel issues
 * turn expected failures into XFAIL, and the whole run becomes one KTAP
 * stream and one JSON report.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <glob.h>
#include <json.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../lib/config/caseopt.h"
#include "../lib/core/child.h"
#include "../lib/probe/dax_probe.h"
#include "../lib/core/jsonutil.h"
#include "../lib/report/junit.h"
#include "../lib/verdict/known.h"
#include "../lib/trace/tracing.h"
#include "../lib/engine/workload.h"
#include "../lib/report/ktap.h"
#include "../lib/probe/ndns.h"
#include "../lib/report/result.h"
#include "../lib/report/runhead.h"
#include "../lib/config/suite.h"
#include "commands.h"
#include "kcidb.h"
#include "report.h"
#include "../lib/core/paths.h"
#include "../lib/engine/scratch.h"

struct run_opts {
	char dir[PATH_MAX];
	char suite_spec[PATH_MAX];
	char suite[PATH_MAX];
	char json[PATH_MAX];
	char junit[PATH_MAX];
	char target[PATH_MAX];
	char scratch_dev[PATH_MAX];
	char known[PATH_MAX];
	char bundles[PATH_MAX];
	char html[PATH_MAX];
	char kcidb[PATH_MAX];
	char trace[PATH_MAX];
	unsigned int shard_k, shard_n;	/* n == 0: the whole suite */
	bool allow_nodax;
	bool quiet;
	bool sysrq_w;
	bool clear_warn_once;
	int argc;
	char **argv;
};

struct run {
	struct run_opts o;
	struct suite suite;
	struct known_list known;
	struct dax_info dax;
	char kver[32];
	struct ktap k;
	struct json_object *cases;
	char tmpdir[PATH_MAX];
	struct progress prog;
	struct tracing tr;
	struct trace_file *tf;	/* --trace */
};

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

static void print_usage(FILE *f)
{
	fprintf(f,
		"usage: daxstress run --dir DIR [--suite NAME|FILE] [--json FILE]\n"
		"                     [--junit FILE] [--target DEV|FILE] [--known-issues FILE] [--allow-nodax]\n"
		"                     [--bundles DIR] [--html DIR] [--shard K/N] [--quiet] [--sysrq-w]\n"
		"                     [--scratch-dev DEV] [--trace FILE] [--clear-warn-once] [--kcidb FILE]\n"
		"  --dir DIR          a directory on a DAX mount (ext4 -o dax, xfs -o dax=always)\n"
		"  --suite NAME|FILE  configs/NAME.conf or a suite file (default: smoke)\n"
		"  --json FILE        write the JSON report here (schema: docs/report-schema.md)\n"
		"  --junit FILE       write JUnit XML here, for CI systems\n"
		"  --kcidb FILE       write KCIDB v5 JSON here, for KernelCI's database\n"
		"  --target DEV|FILE  O_DIRECT target of the cases that name none (default /dev/nullb0)\n"
		"  --scratch-dev DEV  for evict-umount: an unmounted DAX pmem device holding ext4\n"
		"                     or xfs, mounted and unmounted, never formatted (default:\n"
		"                     $DAXSTRESS_SCRATCH_DEV)\n"
		"  --trace FILE       kprobes to count per case (configs/trace/*.trace), in a\n"
		"                     private tracefs instance; the host's tracing is not touched\n"
		"  --known-issues F   known kernel bugs to report as XFAIL (default configs/known-issues)\n"
		"  --allow-nodax      run on a non-DAX directory (tests only; cases say dax: false)\n"
		"  --bundles DIR      write a repro bundle per failing case here (default: bundles/\n"
		"                     next to --html, else next to --json, else none)\n"
		"  --html DIR         write DIR/index.html and a timeline picture per case\n"
		"  --shard K/N        run only every N-th case, starting with the K-th (CI split;\n"
		"                     daxstress merge joins the JSON reports; default:\n"
		"                     $DAXSTRESS_SHARD, or $JOB_COMPLETION_INDEX + 1 of\n"
		"                     $DAXSTRESS_SHARDS)\n"
		"  --quiet            no live status line on stderr\n"
		"  --sysrq-w          take the kernel's blocked-task dump at a stall (root; writes\n"
		"                     to /proc/sysrq-trigger, so only on machines you own)\n"
		"  --clear-warn-once  re-arm every WARN_ON_ONCE before each case (debugfs; changes\n"
		"                     the whole kernel's state, so only on machines you own)\n");
}

static int set_path(char *dst, const char *v, const char *opt)
{
	if (strlen(v) >= PATH_MAX) {
		fprintf(stderr, "daxstress run: %s: path too long\n", opt);
		return -1;
	}
	strscpy_trunc(dst, v, PATH_MAX);
	return 0;
}

/* Bundles go beside the HTML page or the JSON report unless told otherwise. */
static void default_bundles(struct run_opts *o)
{
	char base[PATH_MAX], *slash;

	if (o->bundles[0])
		return;
	if (o->html[0]) {
		snprintf(o->bundles, sizeof(o->bundles), "%.*s/bundles", PATH_MAX - 16, o->html);
		return;
	}
	if (!o->json[0])
		return;
	strscpy_trunc(base, o->json, sizeof(base));
	slash = strrchr(base, '/');
	if (slash)
		slash[1] = '\0';
	else
		strscpy_trunc(base, "./", sizeof(base));
	snprintf(o->bundles, sizeof(o->bundles), "%.*sbundles", PATH_MAX - 16, base);
}

static int parse_args(struct run_opts *o, int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "suite", required_argument, NULL, 's' },
		{ "json", required_argument, NULL, 'j' },
		{ "junit", required_argument, NULL, 'J' },
		{ "target", required_argument, NULL, 't' },
		{ "scratch-dev", required_argument, NULL, 'D' },
		{ "known-issues", required_argument, NULL, 'k' },
		{ "allow-nodax", no_argument, NULL, 'a' },
		{ "bundles", required_argument, NULL, 'b' },
		{ "html", required_argument, NULL, 'H' },
		{ "kcidb", required_argument, NULL, 'K' },
		{ "shard", required_argument, NULL, 'S' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "sysrq-w", no_argument, NULL, 'w' },
		{ "clear-warn-once", no_argument, NULL, 'W' },
		{ "trace", required_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char err[160];
	int c, ret = 0;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+h", lopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			ret |= set_path(o->dir, optarg, "--dir");
			break;
		case 's':
			ret |= set_path(o->suite_spec, optarg, "--suite");
			break;
		case 'j':
			ret |= set_path(o->json, optarg, "--json");
			break;
		case 'J':
			ret |= set_path(o->junit, optarg, "--junit");
			break;
		case 't':
			ret |= set_path(o->target, optarg, "--target");
			break;
		case 'D':
			ret |= set_path(o->scratch_dev, optarg, "--scratch-dev");
			break;
		case 'k':
			ret |= set_path(o->known, optarg, "--known-issues");
			break;
		case 'a':
			o->allow_nodax = true;
			break;
		case 'b':
			ret |= set_path(o->bundles, optarg, "--bundles");
			break;
		case 'H':
			ret |= set_path(o->html, optarg, "--html");
			break;
		case 'K':
			ret |= set_path(o->kcidb, optarg, "--kcidb");
			break;
		case 'q':
			o->quiet = true;
			break;
		case 'w':
			o->sysrq_w = true;
			break;
		case 'W':
			o->clear_warn_once = true;
			break;
		case 'T':
			ret |= set_path(o->trace, optarg, "--trace");
			break;
		case 'S':
			if (shard_parse(optarg, &o->shard_k, &o->shard_n, err, sizeof(err))) {
				fprintf(stderr, "daxstress run: %s\n", err);
				ret = -1;
			}
			break;
		case 'h':
			print_usage(stdout);
			return 1;
		default:
			fprintf(stderr, "daxstress run: unknown or incomplete option '%s'\n",
				argv[optind - 1]);
			print_usage(stderr);
			return -1;
		}
	}
	/* a user override, documented in the usage: an explicit --shard wins */
	if (!o->shard_n && shard_from_env(&o->shard_k, &o->shard_n, err, sizeof(err))) {
		fprintf(stderr, "daxstress run: %s\n", err);
		ret = -1;
	}
	if (ret)
		return -1;
	if (optind < argc) {
		fprintf(stderr, "daxstress run: unexpected argument '%s'\n", argv[optind]);
		return -1;
	}
	if (!o->dir[0]) {
		fprintf(stderr, "daxstress run: --dir is required: a directory on a DAX mount\n");
		return -1;
	}
	if (!o->suite_spec[0])
		strscpy_trunc(o->suite_spec, "smoke", sizeof(o->suite_spec));
	default_bundles(o);
	/* a user override, documented in the usage */
	if (!o->scratch_dev[0] && getenv(SCRATCH_DEV_ENV))
		strscpy_trunc(o->scratch_dev, getenv(SCRATCH_DEV_ENV), sizeof(o->scratch_dev));
	o->argc = argc;
	o->argv = argv;
	return 0;
}

static int find_files(struct run_opts *o)
{
	if (path_suite(o->suite_spec, o->suite, sizeof(o->suite))) {
		fprintf(stderr,
			"daxstress run: no suite '%s': give a name from configs/ (smoke, nightly) or a path to a .conf file\n",
			o->suite_spec);
		return -1;
	}
	if (!o->known[0] && path_config("known-issues", o->known, sizeof(o->known)))
		o->known[0] = '\0';
	return 0;
}

/* Refuse a non-DAX directory with a sentence that says what to do. */
static int check_dir(struct run *r)
{
	if (dax_probe_mount(r->o.dir, &r->dax)) {
		fprintf(stderr, "daxstress run: %s\n", r->dax.why);
		return -1;
	}
	if (r->dax.mode == DAX_MOUNT_NONE && !r->o.allow_nodax) {
		fprintf(stderr, "daxstress run: refusing to run: %s\n", r->dax.why);
		return -1;
	}
	return 0;
}

/* ---- one case --------------------------------------------------------- */

/*
 * --target is the default of the cases that name none: a case that names
 * its own (the lockstep suite's 50 ms /dev/nullb-slow) needs it for its
 * verdict to mean anything, and the VM passes --target always.
 */
static bool run_target_applies(const struct run *r, const struct case_opts *o)
{
	return r->o.target[0] && !o->target[0];
}

/* The suite's case, parsed when the suite was loaded, with what the run adds. */
static void case_for_run(struct run *r, const struct suite_case *c, const char *name,
			 const char *result, struct case_opts *o)
{
	*o = c->opts;
	strscpy_trunc(o->dir, r->o.dir, sizeof(o->dir));
	strscpy_trunc(o->name, name, sizeof(o->name));
	strscpy_trunc(o->result, result, sizeof(o->result));
	o->allow_nodax = r->o.allow_nodax;
	if (run_target_applies(r, o))
		strscpy_trunc(o->target, r->o.target, sizeof(o->target));
	if (r->o.scratch_dev[0])
		case_opt_provide(o, "scratch-dev", r->o.scratch_dev, true);
	/* "-": the run has no PMD fault hist; the case must not make its own */
	strscpy_trunc(o->trace_instance, r->tr.pmd_hist ? r->tr.instance : "-",
		      sizeof(o->trace_instance));
	/* With probes registered, the instance's records are the kernel's count of waits. */
	if (r->tf && r->tr.inst && tracing_probes_ok(&r->tr))
		strscpy_trunc(o->trace_waits, r->tr.instance, sizeof(o->trace_waits));
	o->sysrq_w = r->o.sysrq_w;
	o->clear_warn_once = r->o.clear_warn_once;
	o->progress_fd = 3;	/* exec_child puts the progress pipe there */
}

static uint64_t case_deadline_ms(const struct case_opts *o)
{
	return o->duration_ms + o->stall_ms + 4 * o->grace_ms + 60000;
}

/*
 * For the repro bundle only: the same case as a workload program's command
 * line, from the suite's own text (the run itself hands the workload the
 * parsed case).
 */
static void bundle_cmdline(struct run *r, const struct suite_case *c, const char *name,
			   char **argv, char store[][320])
{
	unsigned int n = 0, i;

	argv[n++] = (char *)c->workload;
	snprintf(store[n], sizeof(store[0]), "--dir=%s", r->o.dir);
	argv[n] = store[n], n++;
	snprintf(store[n], sizeof(store[0]), "--name=%s", name);
	argv[n] = store[n], n++;
	if (r->o.allow_nodax)
		argv[n++] = "--allow-nodax";
	if (run_target_applies(r, &c->opts)) {
		snprintf(store[n], sizeof(store[0]), "--target=%s", r->o.target);
		argv[n] = store[n], n++;
	}
	if (r->o.scratch_dev[0] && case_takes_opt(&c->opts, "scratch-dev")) {
		snprintf(store[n], sizeof(store[0]), "--scratch-dev=%s", r->o.scratch_dev);
		argv[n] = store[n], n++;
	}
	for (i = 0; i < c->nkv; i++) {
		snprintf(store[n], sizeof(store[0]), "--%s=%s", c->kv[i].key, c->kv[i].val);
		argv[n] = store[n], n++;
	}
	argv[n] = NULL;
}

/* Pass the workload's diagnostics through; its own plan and result lines are replaced by ours. */
static void relay_line(struct run *r, char *line)
{
	if (!strncmp(line, "# Totals", 8))
		return;
	progress_clear(&r->prog);
	if (line[0] == '#')
		printf("%s\n", line);
	else if (line[0] && strncmp(line, "TAP version", 11) && strncmp(line, "1..", 3) &&
		 strncmp(line, "ok ", 3) && strncmp(line, "not ok ", 7))
		printf("# %s\n", line);
	fflush(stdout);
}

static void relay_output(struct run *r, int fd, char *acc, size_t *len, size_t cap)
{
	ssize_t n = read(fd, acc + *len, cap - 1 - *len);
	char *nl;

	if (n <= 0)
		return;
	*len += (size_t)n;
	acc[*len] = '\0';
	while ((nl = strchr(acc, '\n'))) {
		*nl = '\0';
		relay_line(r, acc);
		*len -= (size_t)(nl + 1 - acc);
		memmove(acc, nl + 1, *len + 1);
	}
	if (*len == cap - 1) {	/* a line longer than the buffer: flush it as is */
		relay_line(r, acc);
		*len = 0;
	}
}

static void relay_progress(struct run *r, int fd)
{
	char buf[512];
	ssize_t n = read(fd, buf, sizeof(buf));

	if (n > 0)
		progress_feed(&r->prog, buf, (size_t)n);
}

/*
 * A workload that was killed, or crashed, had no chance to remove its case
 * file (DIR/daxstress-PID-NAME.dat, lib/engine/workload.c): remove it for it, so
 * that a run leaves nothing behind in the user's directory.
 */
static void sweep_case_files(struct run *r, pid_t pid)
{
	char pat[PATH_MAX + 64];
	glob_t g;
	size_t i;

	snprintf(pat, sizeof(pat), "%s/daxstress-%d-*.dat", r->o.dir, (int)pid);
	if (pid <= 0 || glob(pat, GLOB_NOSORT, NULL, &g))
		return;
	for (i = 0; i < g.gl_pathc; i++) {
		if (unlink(g.gl_pathv[i]))
			ktap_diag(&r->k, "cleanup: cannot remove %s: %s", g.gl_pathv[i],
				  strerror(errno));
		else
			ktap_diag(&r->k, "cleanup: removed %s, left by the workload", g.gl_pathv[i]);
	}
	globfree(&g);
}

/* What is left in the pipe once the workload has exited. */
static void drain_output(struct run *r, int fd, char *acc, size_t *len, size_t cap)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	while (poll(&p, 1, 0) > 0 && (p.revents & POLLIN))
		relay_output(r, fd, acc, len, cap);
}

/* After Ctrl-C, how long a workload may take to stop and report. */
#define STOP_GRACE_MS 30000

/*
 * The workload's stdout and stderr are out[1]; its progress pipe
 * (lib/monitor/timeline.h) is fd 3. stderr goes into the relayed pipe too: a role
 * stuck in D state outlives the workload with the fds it inherited, and
 * must not hold our caller's stderr (a CI pipe would never end).
 */
/*
 * The workload runs in a child of ours, given the parsed case: no program
 * to exec, no command line to render and parse again.
 */
static void __noreturn exec_child(const struct wl_desc *wl, struct case_opts *o,
				  int out[2], int prog[2])
{
	/* Close before dup2 onto 3: one of these may be fd 3 itself. */
	dup2(out[1], STDOUT_FILENO);
	dup2(out[1], STDERR_FILENO);
	close(out[0]);
	close(prog[0]);
	if (out[1] != STDOUT_FILENO && out[1] != STDERR_FILENO)
		close(out[1]);
	if (prog[1] != 3) {
		dup2(prog[1], 3);
		close(prog[1]);
	}
	signal(SIGINT, SIG_DFL);
	signal(SIGTERM, SIG_DFL);
	/* ps, pgrep and hung-task reports tell it from the runner (roles: ds-owner ...) */
	prctl(PR_SET_NAME, "ds-case", 0, 0, 0);
	/* exit, not _exit: the sanitizer build checks the workload for leaks too */
	exit(wl->run ? wl->run(o) : wl_engine_run(o));
}

struct follow {
	pid_t pid;
	int out, prog;
	int status;
	bool exited;
};

/* Follow the workload until it ends; an error in err when it had to be stopped. */
static void follow_case(struct run *r, struct follow *f, uint64_t deadline_ms,
			char *err, size_t errlen)
{
	uint64_t end = now_ns() + deadline_ms * NSEC_PER_MSEC;
	bool stopping = false;
	char acc[4096];
	size_t len = 0;

	for (;;) {
		struct pollfd p[2] = { { .fd = f->out, .events = POLLIN },
				       { .fd = f->prog, .events = POLLIN } };
		int n = poll(p, 2, 200);

		if (n > 0 && (p[1].revents & POLLIN))
			relay_progress(r, f->prog);
		if (n > 0 && (p[0].revents & POLLIN))
			relay_output(r, f->out, acc, &len, sizeof(acc));
		else if (n > 0 && (p[0].revents & (POLLHUP | POLLERR)))
			break;
		/*
		 * A role stuck in D state outlives the workload and keeps the
		 * pipe open: the workload's own exit ends the case.
		 */
		if (waitpid(f->pid, &f->status, WNOHANG) == f->pid) {
			f->exited = true;
			drain_output(r, f->out, acc, &len, sizeof(acc));
			break;
		}
		if (stop_signal && !stopping) {
			/*
			 * Let the workload stop its roles, remove its file and
			 * write its result (what it saw so far, the proof steps
			 * done); keep relaying its output meanwhile.
			 */
			kill(f->pid, stop_signal);	/* the same signal: its report names it */
			stopping = true;
			if (end > now_ns() + STOP_GRACE_MS * NSEC_PER_MSEC)
				end = now_ns() + STOP_GRACE_MS * NSEC_PER_MSEC;
		}
		if (now_ns() > end) {
			if (stopping)
				snprintf(err, errlen, "interrupted by signal %d; the workload did not stop within %d s: killed",
					 (int)stop_signal, STOP_GRACE_MS / 1000);
			else
				snprintf(err, errlen, "the workload did not finish within %llu s: killed",
					 (unsigned long long)(deadline_ms / 1000));
			break;
		}
	}
}

/* Run the workload; 0 when it ended on its own, else why not in err. */
static int exec_case(struct run *r, const struct wl_desc *wl, struct case_opts *o,
		     pid_t *wpid, char *err, size_t errlen)
{
	uint64_t deadline_ms = case_deadline_ms(o);
	struct follow f = { 0 };
	int out[2], prog[2];

	if (pipe2(out, O_CLOEXEC))
		return -errno;
	if (pipe2(prog, O_CLOEXEC | O_NONBLOCK)) {
		close(out[0]);
		close(out[1]);
		return -errno;
	}
	fflush(NULL);	/* the child must not write our buffered output again */
	f.pid = fork();
	if (f.pid < 0)
		return -errno;
	if (!f.pid)
		exec_child(wl, o, out, prog);
	*wpid = f.pid;
	close(out[1]);
	close(prog[1]);
	f.out = out[0];
	f.prog = prog[0];
	follow_case(r, &f, deadline_ms, err, errlen);
	progress_end(&r->prog);
	close(out[0]);
	close(prog[0]);
	if (!f.exited && child_reap(f.pid, 15000, &f.status) &&
	    child_kill_reap(f.pid, 5000, &f.status))
		snprintf(err, errlen, "workload %d cannot be killed (stuck in the kernel, state D?): the machine needs a reboot", f.pid);
	if (err[0])
		return -ETIMEDOUT;
	if (WIFEXITED(f.status) && WEXITSTATUS(f.status) == EXIT_USAGE) {
		snprintf(err, errlen, "the workload refused its options (see the message above)");
		return -EINVAL;
	}
	return 0;
}

static struct json_object *error_case(const char *name, const struct suite_case *c,
				      const char *fs, enum verdict v, const char *why)
{
	return case_stub_json(name, c->name, -1, c->workload, fs, verdict_name(v), why);
}

/* Known issues: an expected failure becomes XFAIL; a miss is reported. */
static enum verdict apply_known(struct run *r, struct json_object *res,
				const struct case_result *cr, enum verdict v,
				char *reason, size_t len)
{
	int refault = -1, sharer = -1;	/* unknown: any known issue */
	const struct known_issue *k;
	struct case_known ko = { 0 };

	if (case_has(cr, CK_REFAULT))
		refault = cr->refault;
	if (case_has(cr, CK_SHARER))
		sharer = cr->sharer;
	k = known_match(&r->known, r->kver, cr->workload, cr->pin, cr->brk, cr->fs, refault,
			sharer, v == V_KERNEL_WARNING ? reason : NULL);
	if (!k)
		return v;
	ko.reproduced = known_expects(k, v);
	strscpy_trunc(ko.name, k->name, sizeof(ko.name));
	strscpy_trunc(ko.reason, k->reason, sizeof(ko.reason));
	strscpy_trunc(ko.link, k->link, sizeof(ko.link));
	case_json_set_obj(res, CK_KNOWN_ISSUE, case_known_json(&ko));
	if (ko.reproduced) {
		case_json_set_str(res, CK_RAW_VERDICT, verdict_name(v));
		snprintf(reason, len, "known issue %s: %s (%s)", k->name, k->reason, verdict_name(v));
		return V_XFAIL;
	}
	if (v == V_PASS)
		ktap_diag(&r->k, "known issue %s did not reproduce on kernel %s: fixed?",
			  k->name, r->kver);
	return v;
}

/* A failing measured verdict (xfail included) gets a repro bundle. */
static void write_bundle(struct run *r, const struct suite_case *c, struct json_object *res,
			 enum verdict measured, char **argv)
{
	const char *spec = getenv("DAXSTRESS_KERNEL_SPEC");
	struct bundle_run br = {
		.root = r->o.bundles, .dir = r->o.dir, .target = r->o.target,
		.allow_nodax = r->o.allow_nodax, .kernel_spec = spec ? spec : "",
		.suite = r->o.suite, .argc = r->o.argc, .argv = r->o.argv,
	};
	char path[PATH_MAX];
	int ret;

	if (!bundle_wanted(measured))
		return;
	if (!r->o.bundles[0]) {
		ktap_diag(&r->k, "no repro bundle: give --bundles DIR (or --json/--html) to get one");
		return;
	}
	ret = bundle_write(&br, c, res, argv, path, sizeof(path));
	if (ret)
		ktap_diag(&r->k, "repro bundle %s incomplete: %s", path, strerror(-ret));
	else
		ktap_diag(&r->k, "repro bundle: %s (daxstress repro %s --dir DIR)", path, path);
}

/*
 * The run's tracing, in its private instance (lib/trace/tracing.h): the PMD fault
 * hist every case reads, and the --trace kprobes. Each probe's fate is a
 * KTAP diagnostic "trace: NAME ok|failed WHY", which `daxstress vm` reads.
 */
static int trace_load_file(struct run *r)
{
	char err[512];

	if (!r->o.trace[0])
		return 0;
	r->tf = calloc(1, sizeof(*r->tf));
	if (!r->tf || trace_load(r->tf, r->o.trace, err, sizeof(err))) {
		fprintf(stderr, "daxstress run: --trace: %s\n", r->tf ? err : strerror(ENOMEM));
		return -1;
	}
	return 0;
}

static void trace_setup(struct run *r)
{
	unsigned int i;

	if (tracing_open(&r->tr)) {
		if (r->tf)
			ktap_diag(&r->k, "trace: - failed %s", r->tr.why);
		return;
	}
	if (r->tr.reaped)
		ktap_diag(&r->k, "trace: removed %u tracefs instances and kprobes left by killed runs",
			  r->tr.reaped);
	if (tracing_pmd_hist(&r->tr))
		ktap_diag(&r->k, "no PMD fault count: %s", r->tr.why);
	if (!r->tf)
		return;
	tracing_add_probes(&r->tr, r->tf);
	for (i = 0; i < r->tr.nprobes; i++)
		ktap_diag(&r->k, "trace: %s %s%s%s", r->tr.probe[i].name,
			  r->tr.probe[i].ok ? "ok" : "failed",
			  r->tr.probe[i].ok ? "" : " ", r->tr.probe[i].note);
}

/*
 * Kernel-side counts around one case. They include the case's set-up and
 * final check, which break layouts too; rates use duration_s.
 */
static bool trace_begin(struct run *r, uint64_t *hits, uint64_t *missed)
{
	if (!r->tf || !r->tr.inst)
		return false;
	return !tracing_case_begin(&r->tr, hits, missed);
}

static void run_case(struct run *r, const struct suite_case *c, unsigned int index)
{
	uint64_t hits[TRACE_MAX_PROBES], missed[TRACE_MAX_PROBES];
	bool traced;
	char result[PATH_MAX + 64] = "", name[160], err[512] = "";
	char store[64][320], *argv[64], reason[512];
	struct json_object *res = NULL;
	const struct wl_desc *wl = wl_find(c->workload);
	static struct case_opts co;
	struct case_read *rd;
	pid_t pid = 0;
	enum verdict v, measured;

	snprintf(name, sizeof(name), "%s.%s", r->dax.fstype, c->name);
	if (!suite_case_wants_fs(c, r->dax.fstype)) {
		snprintf(reason, sizeof(reason), "case is for %s, this directory is on %s", c->fs, r->dax.fstype);
		ktap_result(&r->k, V_SKIP, name, reason);
		res = error_case(name, c, r->dax.fstype, V_SKIP, reason);
		goto add;
	}
	if (!wl) {	/* suite_load refuses an unknown one: never seen */
		snprintf(err, sizeof(err), "unknown workload '%s'", c->workload);
		goto error;
	}
	snprintf(result, sizeof(result), "%s/%s.json", r->tmpdir, c->name);
	bundle_cmdline(r, c, name, argv, store);
	ktap_diag(&r->k, "case %s: %s", name, c->workload);
	case_for_run(r, c, name, result, &co);
	progress_begin(&r->prog, name, ns_to_s(co.duration_ms * NSEC_PER_MSEC),
		       ns_to_s(co.stall_ms * NSEC_PER_MSEC));
	traced = trace_begin(r, hits, missed);
	if (exec_case(r, wl, &co, &pid, err, sizeof(err)))
		goto error;
	sweep_case_files(r, pid);
	res = json_object_from_file(result);
	unlink(result);
	if (!res) {
		if (stop_signal)
			snprintf(err, sizeof(err), "interrupted by signal %d", (int)stop_signal);
		else
			snprintf(err, sizeof(err), "the workload wrote no result (it crashed?)");
		goto error;
	}
	if (traced)
		case_json_set_obj(res, CK_KERNEL_TRACE, tracing_case_end(&r->tr, hits, missed));
	rd = case_result_read(res);
	if (!rd) {
		json_object_put(res);
		snprintf(err, sizeof(err), "out of memory reading the result");
		goto error;
	}
	measured = rd->r.verdict;
	strscpy_trunc(reason, rd->r.reason, sizeof(reason));
	case_json_set_str(res, CK_SUITE_CASE, c->name);
	v = apply_known(r, res, &rd->r, measured, reason, sizeof(reason));
	case_read_free(rd);
	case_json_set_str(res, CK_VERDICT, verdict_name(v));
	if (v == V_XFAIL)
		ktap_diag(&r->k, "xfail: %s", reason);
	write_bundle(r, c, res, measured, argv);
	ktap_result(&r->k, v, name, reason);
	goto add;
error:
	if (result[0])
		unlink(result);	/* a workload past its deadline may have written it */
	sweep_case_files(r, pid);
	ktap_diag(&r->k, "error: %s", err);
	ktap_result(&r->k, V_ERROR, name, err);
	res = error_case(name, c, r->dax.fstype, V_ERROR, err);
add:
	case_json_set_int(res, CK_SUITE_INDEX, (int)index);
	json_object_array_add(r->cases, res);
}

/* A case the run never got to after Ctrl-C: in KTAP and in the report. */
static void skip_interrupted(struct run *r, const struct suite_case *c)
{
	char name[160];

	snprintf(name, sizeof(name), "%s.%s", r->dax.fstype, c->name);
	ktap_result(&r->k, V_SKIP, name, "run interrupted");
	json_object_array_add(r->cases, error_case(name, c, r->dax.fstype, V_SKIP,
						   "run interrupted"));
}

/* ---- the report ------------------------------------------------------- */

static unsigned int shard_count(const struct run *r)
{
	unsigned int i, n = 0;

	for (i = 0; i < r->suite.ncases; i++)
		n += shard_has(i, r->o.shard_k, r->o.shard_n);
	return n;
}

static struct json_object *build_report(struct run *r)
{
	struct json_object *t = json_object_new_object();
	struct run_head head = { 0 }, *h = &head;
	struct utsname u;
	time_t now = time(NULL);

	uname(&u);
	strscpy_trunc(h->kernel, u.release, sizeof(h->kernel));
	strscpy_trunc(h->kernel_version, r->kver, sizeof(h->kernel_version));
	strscpy_trunc(h->suite, r->o.suite, sizeof(h->suite));
	strscpy_trunc(h->dir, r->o.dir, sizeof(h->dir));
	strscpy_trunc(h->fs, r->dax.fstype, sizeof(h->fs));
	strscpy_trunc(h->mount_dax, dax_mode_name(r->dax.mode), sizeof(h->mount_dax));
	strftime(h->finished, sizeof(h->finished), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	h->suite_cases = (int)r->suite.ncases;
	if (r->o.shard_n)
		snprintf(h->shard, sizeof(h->shard), "%u/%u", r->o.shard_k, r->o.shard_n);
	json_object_object_add(t, "pass", json_object_new_int((int)r->k.pass));
	json_object_object_add(t, "fail", json_object_new_int((int)r->k.fail));
	json_object_object_add(t, "xfail", json_object_new_int((int)r->k.xfail));
	json_object_object_add(t, "skip", json_object_new_int((int)r->k.skip));
	json_object_object_add(t, "error", json_object_new_int((int)r->k.error));
	/* device: the pmem namespace under test (libndctl); a note, never an error */
	return run_head_json(h, ndns_report_json(r->o.dir), t, json_object_get(r->cases));
}

static void write_html(struct run *r, struct json_object *rep)
{
	struct json_object *list = json_object_new_array();
	char title[256];
	int ret;

	json_object_array_add(list, json_object_get(rep));
	snprintf(title, sizeof(title), "daxstress run on %s (%s)", r->o.dir, r->dax.fstype);
	ret = mkdir(r->o.html, 0755) && errno != EEXIST ? -errno :
	      html_write_run(r->o.html, list, title, NULL);
	if (ret)
		fprintf(stderr, "daxstress run: cannot write %s/index.html: %s\n", r->o.html,
			strerror(-ret));
	json_object_put(list);
}

static void write_reports(struct run *r)
{
	struct json_object *rep = build_report(r), *list;
	int ret;

	kcidb_report(rep, r->o.kcidb, "run");	/* titles in every report, KCIDB if asked */
	if (r->o.json[0]) {
		ret = json_write_file(rep, r->o.json);
		if (ret)
			fprintf(stderr, "daxstress run: cannot write %s: %s\n", r->o.json, strerror(-ret));
	}
	if (r->o.junit[0]) {
		list = json_object_new_array();
		json_object_array_add(list, json_object_get(rep));
		ret = junit_write(r->o.junit, list);
		if (ret)
			fprintf(stderr, "daxstress run: cannot write %s: %s\n", r->o.junit, strerror(-ret));
		json_object_put(list);
	}
	if (r->o.html[0])
		write_html(r, rep);
	json_object_put(rep);
}

/*
 * A run killed by SIGKILL leaves its temporary directory (case results it
 * had not read yet): remove those of runs whose PID is gone.
 */
static void sweep_stale_tmpdirs(void)
{
	glob_t g, in;
	size_t i, j;
	int pid;

	if (glob("/tmp/daxstress-run-*.*", GLOB_NOSORT, NULL, &g))
		return;
	for (i = 0; i < g.gl_pathc; i++) {
		char pat[PATH_MAX + 8];

		if (sscanf(g.gl_pathv[i], "/tmp/daxstress-run-%d.", &pid) != 1 || pid <= 0 ||
		    !kill(pid, 0) || errno != ESRCH)
			continue;
		snprintf(pat, sizeof(pat), "%s/*.json", g.gl_pathv[i]);
		if (!glob(pat, GLOB_NOSORT, NULL, &in)) {
			for (j = 0; j < in.gl_pathc; j++)
				unlink(in.gl_pathv[j]);
			globfree(&in);
		}
		rmdir(g.gl_pathv[i]);
	}
	globfree(&g);
}

int cmd_run(int argc, char **argv)
{
	static struct run r;
	char err[512];
	unsigned int i;
	int ret;

	memset(&r, 0, sizeof(r));
	ret = parse_args(&r.o, argc, argv);
	if (ret)
		return ret > 0 ? 0 : EXIT_USAGE;
	if (check_dir(&r) || find_files(&r.o))
		return EXIT_USAGE;
	if (suite_load(&r.suite, r.o.suite, err, sizeof(err)) ||
	    (r.o.known[0] && known_load(&r.known, r.o.known, err, sizeof(err)))) {
		fprintf(stderr, "daxstress run: %s\n", err);
		return EXIT_USAGE;
	}
	if (trace_load_file(&r))
		return EXIT_USAGE;
	sweep_stale_tmpdirs();
	snprintf(r.tmpdir, sizeof(r.tmpdir), "/tmp/daxstress-run-%d.XXXXXX", (int)getpid());
	if (!mkdtemp(r.tmpdir)) {
		fprintf(stderr, "daxstress run: cannot create a temporary directory: %s\n", strerror(errno));
		return 1;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	known_kernel_version(r.kver, sizeof(r.kver));
	progress_init(&r.prog, r.o.quiet);
	r.cases = json_object_new_array();
	setvbuf(stdout, NULL, _IOLBF, 0);
	ktap_init(&r.k, stdout);
	ktap_header(&r.k);
	ktap_plan(&r.k, shard_count(&r));
	ktap_diag(&r.k, "daxstress run: suite %s, dir %s (%s, %s), kernel %s",
		  r.o.suite, r.o.dir, r.dax.fstype, dax_mode_name(r.dax.mode), r.kver);
	trace_setup(&r);
	for (i = 0; i < r.suite.ncases; i++) {
		if (!shard_has(i, r.o.shard_k, r.o.shard_n))
			continue;
		if (stop_signal)
			skip_interrupted(&r, &r.suite.cases[i]);
		else
			run_case(&r, &r.suite.cases[i], i);
	}
	tracing_close(&r.tr);
	free(r.tf);
	ktap_totals(&r.k);
	write_reports(&r);
	json_object_put(r.cases);
	rmdir(r.tmpdir);
	return stop_signal ? 130 : ktap_exit_code(&r.k);
}
