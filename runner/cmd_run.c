// SPDX-License-Identifier: GPL-2.0
/*
 * daxstress run: run every case of a suite against one DAX directory. Each
 * case is its workload program, run with a deadline; its KTAP diagnostics
 * are passed through, its JSON result is read back, known kernel issues
 * turn expected failures into XFAIL, and the whole run becomes one KTAP
 * stream and one JSON report.
 */
#include <errno.h>
#include <getopt.h>
#include <glob.h>
#include <json.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../lib/caseopt.h"
#include "../lib/child.h"
#include "../lib/dax_probe.h"
#include "../lib/junit.h"
#include "../lib/known.h"
#include "../lib/ktap.h"
#include "../lib/result.h"
#include "../lib/suite.h"
#include "commands.h"
#include "../lib/paths.h"

struct run_opts {
	char dir[PATH_MAX];
	char suite_spec[PATH_MAX];
	char suite[PATH_MAX];
	char json[PATH_MAX];
	char junit[PATH_MAX];
	char target[PATH_MAX];
	char known[PATH_MAX];
	bool allow_nodax;
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
};

static volatile sig_atomic_t stop_signal;

static void on_signal(int sig)
{
	stop_signal = sig;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: daxstress run --dir DIR [--suite NAME|FILE] [--json FILE]\n"
		"                     [--junit FILE] [--target DEV|FILE] [--known-issues FILE] [--allow-nodax]\n"
		"  --dir DIR          a directory on a DAX mount (ext4 -o dax, xfs -o dax=always)\n"
		"  --suite NAME|FILE  configs/NAME.conf or a suite file (default: smoke)\n"
		"  --json FILE        write the JSON report here (schema: docs/report-schema.md)\n"
		"  --junit FILE       write JUnit XML here, for CI systems\n"
		"  --target DEV|FILE  O_DIRECT target for odirect pins (default /dev/nullb0)\n"
		"  --known-issues F   known kernel bugs to report as XFAIL (default configs/known-issues)\n"
		"  --allow-nodax      run on a non-DAX directory (tests only; cases say dax: false)\n");
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

static int parse_args(struct run_opts *o, int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "suite", required_argument, NULL, 's' },
		{ "json", required_argument, NULL, 'j' },
		{ "junit", required_argument, NULL, 'J' },
		{ "target", required_argument, NULL, 't' },
		{ "known-issues", required_argument, NULL, 'k' },
		{ "allow-nodax", no_argument, NULL, 'a' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, ret = 0;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "+h", lopts, NULL)) != -1) {
		switch (c) {
		case 'd': ret |= set_path(o->dir, optarg, "--dir"); break;
		case 's': ret |= set_path(o->suite_spec, optarg, "--suite"); break;
		case 'j': ret |= set_path(o->json, optarg, "--json"); break;
		case 'J': ret |= set_path(o->junit, optarg, "--junit"); break;
		case 't': ret |= set_path(o->target, optarg, "--target"); break;
		case 'k': ret |= set_path(o->known, optarg, "--known-issues"); break;
		case 'a': o->allow_nodax = true; break;
		case 'h': usage(stdout); return 1;
		default:
			fprintf(stderr, "daxstress run: unknown or incomplete option '%s'\n",
				argv[optind - 1]);
			usage(stderr);
			return -1;
		}
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
		strcpy(o->suite_spec, "smoke");
	return 0;
}

static int find_files(struct run_opts *o)
{
	if (path_suite(o->suite_spec, o->suite, sizeof(o->suite))) {
		fprintf(stderr, "daxstress run: no suite '%s': give a name from configs/ "
			"(smoke, nightly) or a path to a .conf file\n", o->suite_spec);
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

static uint64_t case_deadline_ms(const struct suite_case *c)
{
	struct case_opts o;
	char err[256];
	unsigned int i;

	case_opts_defaults(&o);
	for (i = 0; i < c->nkv; i++)
		case_opt_set(&o, c->kv[i].key, c->kv[i].val, err, sizeof(err));
	return o.duration_ms + o.stall_ms + 4 * o.grace_ms + 60000;
}

static void build_argv(struct run *r, const struct suite_case *c, const char *prog,
		       const char *name, const char *result, char **argv, char store[][320])
{
	unsigned int n = 0, i;

	argv[n++] = (char *)prog;
	snprintf(store[n], sizeof(store[0]), "--dir=%s", r->o.dir);
	argv[n] = store[n], n++;
	snprintf(store[n], sizeof(store[0]), "--name=%s", name);
	argv[n] = store[n], n++;
	snprintf(store[n], sizeof(store[0]), "--result=%s", result);
	argv[n] = store[n], n++;
	if (r->o.allow_nodax)
		argv[n++] = "--allow-nodax";
	if (r->o.target[0]) {
		snprintf(store[n], sizeof(store[0]), "--target=%s", r->o.target);
		argv[n] = store[n], n++;
	}
	for (i = 0; i < c->nkv; i++) {
		snprintf(store[n], sizeof(store[0]), "--%s=%s", c->kv[i].key, c->kv[i].val);
		argv[n] = store[n], n++;
	}
	argv[n] = NULL;
}

/* Pass the workload's diagnostics through; its own plan and result lines are replaced by ours. */
static void relay_line(char *line)
{
	if (!strncmp(line, "# Totals", 8))
		return;
	if (line[0] == '#')
		printf("%s\n", line);
	else if (line[0] && strncmp(line, "TAP version", 11) && strncmp(line, "1..", 3) &&
		 strncmp(line, "ok ", 3) && strncmp(line, "not ok ", 7))
		printf("# %s\n", line);
	fflush(stdout);
}

static void relay_output(int fd, char *acc, size_t *len, size_t cap)
{
	ssize_t n = read(fd, acc + *len, cap - 1 - *len);
	char *nl;

	if (n <= 0)
		return;
	*len += (size_t)n;
	acc[*len] = '\0';
	while ((nl = strchr(acc, '\n'))) {
		*nl = '\0';
		relay_line(acc);
		*len -= (size_t)(nl + 1 - acc);
		memmove(acc, nl + 1, *len + 1);
	}
	if (*len == cap - 1) {	/* a line longer than the buffer: flush it as is */
		relay_line(acc);
		*len = 0;
	}
}

/*
 * A workload that was killed, or crashed, had no chance to remove its case
 * file (DIR/daxstress-PID-NAME.dat, lib/workload.c): remove it for it, so
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
static void drain_output(int fd, char *acc, size_t *len, size_t cap)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	while (poll(&p, 1, 0) > 0 && (p.revents & POLLIN))
		relay_output(fd, acc, len, cap);
}

/* After Ctrl-C, how long a workload may take to stop and report. */
#define STOP_GRACE_MS 30000

/* Run the workload; 0 when it ended on its own, else why not in err. */
static int exec_case(char **argv, uint64_t deadline_ms, pid_t *wpid, char *err, size_t errlen)
{
	uint64_t end = now_ns() + deadline_ms * NSEC_PER_MSEC;
	char acc[4096];
	size_t len = 0;
	int pfd[2], status = 0;
	bool stopping = false, exited = false;
	pid_t pid;

	if (pipe(pfd))
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (!pid) {
		/*
		 * stderr into the relayed pipe too: a role stuck in D state
		 * outlives the workload with the fds it inherited, and must
		 * not hold our caller's stderr (a CI pipe would never end).
		 */
		dup2(pfd[1], STDOUT_FILENO);
		dup2(pfd[1], STDERR_FILENO);
		close(pfd[0]);
		close(pfd[1]);
		execv(argv[0], argv);
		fprintf(stderr, "daxstress: cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	*wpid = pid;
	close(pfd[1]);
	for (;;) {
		struct pollfd p = { .fd = pfd[0], .events = POLLIN };
		int r = poll(&p, 1, 200);

		if (r > 0 && (p.revents & POLLIN))
			relay_output(pfd[0], acc, &len, sizeof(acc));
		else if (r > 0 && (p.revents & (POLLHUP | POLLERR)))
			break;
		/*
		 * A role stuck in D state outlives the workload and keeps the
		 * pipe open: the workload's own exit ends the case.
		 */
		if (!exited && waitpid(pid, &status, WNOHANG) == pid) {
			exited = true;
			drain_output(pfd[0], acc, &len, sizeof(acc));
			break;
		}
		if (stop_signal && !stopping) {
			/*
			 * Let the workload stop its roles, remove its file and
			 * write its result (what it saw so far, the proof steps
			 * done); keep relaying its output meanwhile.
			 */
			kill(pid, stop_signal);	/* the same signal: its report names it */
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
	close(pfd[0]);
	if (!exited && child_reap(pid, 15000, &status) && child_kill_reap(pid, 5000, &status))
		snprintf(err, errlen, "workload %d cannot be killed (stuck in the kernel, state D?): the machine needs a reboot", pid);
	if (err[0])
		return -ETIMEDOUT;
	if (WIFEXITED(status) && WEXITSTATUS(status) == EXIT_USAGE) {
		snprintf(err, errlen, "the workload refused its options (see the message above)");
		return -EINVAL;
	}
	return 0;
}

static struct json_object *error_case(const char *name, const struct suite_case *c,
				      const char *fs, enum verdict v, const char *why)
{
	struct json_object *o = json_object_new_object();

	json_object_object_add(o, "name", json_object_new_string(name));
	json_object_object_add(o, "suite_case", json_object_new_string(c->name));
	json_object_object_add(o, "workload", json_object_new_string(c->workload));
	json_object_object_add(o, "fs", json_object_new_string(fs));
	json_object_object_add(o, "verdict", json_object_new_string(verdict_name(v)));
	json_object_object_add(o, "reason", json_object_new_string(why));
	json_object_object_add(o, "dax", json_object_new_boolean(false));
	json_object_object_add(o, "detect_s", NULL);
	json_object_object_add(o, "stack", json_object_new_string(""));
	return o;
}

static const char *jstr(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return "";
	return json_object_get_string(v);
}

/* Known issues: an expected failure becomes XFAIL; a miss is reported. */
static enum verdict apply_known(struct run *r, struct json_object *res, enum verdict v,
				char *reason, size_t len)
{
	const struct known_issue *k = known_match(&r->known, r->kver, jstr(res, "workload"),
						  jstr(res, "pin"), jstr(res, "break"),
						  jstr(res, "fs"));
	struct json_object *ko;

	if (!k)
		return v;
	ko = json_object_new_object();
	json_object_object_add(ko, "name", json_object_new_string(k->name));
	json_object_object_add(ko, "reason", json_object_new_string(k->reason));
	json_object_object_add(ko, "link", json_object_new_string(k->link));
	if (known_expects(k, v)) {
		json_object_object_add(ko, "reproduced", json_object_new_boolean(true));
		json_object_object_add(res, "known_issue", ko);
		json_object_object_add(res, "raw_verdict", json_object_new_string(verdict_name(v)));
		snprintf(reason, len, "known issue %s: %s (%s)", k->name, k->reason, verdict_name(v));
		return V_XFAIL;
	}
	json_object_object_add(ko, "reproduced", json_object_new_boolean(false));
	json_object_object_add(res, "known_issue", ko);
	if (v == V_PASS)
		ktap_diag(&r->k, "known issue %s did not reproduce on kernel %s: fixed?",
			  k->name, r->kver);
	return v;
}

static void run_case(struct run *r, const struct suite_case *c)
{
	char prog[PATH_MAX], result[PATH_MAX + 64] = "", name[160], err[512] = "";
	char store[64][320], *argv[64], reason[512];
	struct json_object *res = NULL;
	pid_t pid = 0;
	enum verdict v;

	snprintf(name, sizeof(name), "%s.%s", r->dax.fstype, c->name);
	if (!suite_case_wants_fs(c, r->dax.fstype)) {
		snprintf(reason, sizeof(reason), "case is for %s, this directory is on %s", c->fs, r->dax.fstype);
		ktap_result(&r->k, V_SKIP, name, reason);
		json_object_array_add(r->cases, error_case(name, c, r->dax.fstype, V_SKIP, reason));
		return;
	}
	if (path_workload(c->workload, prog, sizeof(prog))) {
		snprintf(err, sizeof(err), "workload program '%s' not found (build with make, or set DAXSTRESS_LIBEXEC)", c->workload);
		goto error;
	}
	snprintf(result, sizeof(result), "%s/%s.json", r->tmpdir, c->name);
	build_argv(r, c, prog, name, result, argv, store);
	ktap_diag(&r->k, "case %s: %s", name, c->workload);
	if (exec_case(argv, case_deadline_ms(c), &pid, err, sizeof(err)))
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
	if (verdict_parse(jstr(res, "verdict"), &v))
		v = V_ERROR;
	strscpy_trunc(reason, jstr(res, "reason"), sizeof(reason));
	json_object_object_add(res, "suite_case", json_object_new_string(c->name));
	v = apply_known(r, res, v, reason, sizeof(reason));
	json_object_object_add(res, "verdict", json_object_new_string(verdict_name(v)));
	if (v == V_XFAIL)
		ktap_diag(&r->k, "xfail: %s", reason);
	ktap_result(&r->k, v, name, reason);
	json_object_array_add(r->cases, res);
	return;
error:
	if (result[0])
		unlink(result);	/* a workload past its deadline may have written it */
	sweep_case_files(r, pid);
	ktap_diag(&r->k, "error: %s", err);
	ktap_result(&r->k, V_ERROR, name, err);
	json_object_array_add(r->cases, error_case(name, c, r->dax.fstype, V_ERROR, err));
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

static struct json_object *build_report(struct run *r)
{
	struct json_object *o = json_object_new_object(), *t = json_object_new_object();
	struct utsname u;
	char when[32];
	time_t now = time(NULL);

	uname(&u);
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	json_object_object_add(o, "kernel", json_object_new_string(u.release));
	json_object_object_add(o, "kernel_version", json_object_new_string(r->kver));
	json_object_object_add(o, "suite", json_object_new_string(r->o.suite));
	json_object_object_add(o, "dir", json_object_new_string(r->o.dir));
	json_object_object_add(o, "fs", json_object_new_string(r->dax.fstype));
	json_object_object_add(o, "mount_dax", json_object_new_string(dax_mode_name(r->dax.mode)));
	json_object_object_add(o, "finished", json_object_new_string(when));
	json_object_object_add(t, "pass", json_object_new_int((int)r->k.pass));
	json_object_object_add(t, "fail", json_object_new_int((int)r->k.fail));
	json_object_object_add(t, "xfail", json_object_new_int((int)r->k.xfail));
	json_object_object_add(t, "skip", json_object_new_int((int)r->k.skip));
	json_object_object_add(t, "error", json_object_new_int((int)r->k.error));
	json_object_object_add(o, "totals", t);
	json_object_object_add(o, "cases", json_object_get(r->cases));
	return o;
}

static void write_reports(struct run *r)
{
	struct json_object *rep = build_report(r), *list;
	int ret;

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
	json_object_put(rep);
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
	snprintf(r.tmpdir, sizeof(r.tmpdir), "/tmp/daxstress-run.XXXXXX");
	if (!mkdtemp(r.tmpdir)) {
		fprintf(stderr, "daxstress run: cannot create a temporary directory: %s\n", strerror(errno));
		return 1;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	known_kernel_version(r.kver, sizeof(r.kver));
	r.cases = json_object_new_array();
	setvbuf(stdout, NULL, _IOLBF, 0);
	ktap_init(&r.k, stdout);
	ktap_header(&r.k);
	ktap_plan(&r.k, r.suite.ncases);
	ktap_diag(&r.k, "daxstress run: suite %s, dir %s (%s, %s), kernel %s",
		  r.o.suite, r.o.dir, r.dax.fstype, dax_mode_name(r.dax.mode), r.kver);
	for (i = 0; i < r.suite.ncases && !stop_signal; i++)
		run_case(&r, &r.suite.cases[i]);
	for (; i < r.suite.ncases; i++)
		skip_interrupted(&r, &r.suite.cases[i]);
	ktap_totals(&r.k);
	write_reports(&r);
	json_object_put(r.cases);
	rmdir(r.tmpdir);
	return stop_signal ? 130 : ktap_exit_code(&r.k);
}
