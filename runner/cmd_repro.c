// SPDX-License-Identifier: GPL-2.0
/*
 * daxstress repro BUNDLE [--dir DIR | --vm [--kernel SPEC]]: run the case of
 * a repro bundle again, with its suite entry and seed, on a DAX directory
 * (daxstress run) or in the pmem VM on the kernel the bundle names
 * (daxstress vm), and say whether the same verdict came back and how fast.
 * Exits like a `git bisect run` script, so a bisect between two kernels
 * runs it unchanged: 0 good (not reproduced), 1 bad (reproduced), 125 the
 * run could not be made (git bisect skips that commit; a bad command line
 * too, which must never mark a commit bad).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <json.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../lib/core/jsonutil.h"
#include "../lib/report/result.h"
#include "../lib/core/util.h"
#include "commands.h"
#include "report.h"

#define REPRO_GOOD 0
#define REPRO_BAD 1
#define REPRO_CANNOT 125	/* git bisect run: skip this commit */

struct repro {
	const char *bundle, *dir, *kernel, *target, *results;
	bool vm, quiet;
	struct bundle_meta meta;
	char conf[PATH_MAX];
	char outdir[PATH_MAX];
	char report[PATH_MAX + 32];
	double wall_s;
};

static void print_usage(FILE *f)
{
	fprintf(f,
		"usage: daxstress repro BUNDLE (--dir DIR | --vm [--kernel SPEC]) [--target DEV|FILE]\n"
		"                       [--results DIR] [--quiet]\n"
		"  BUNDLE        a repro bundle directory (daxstress run writes one per failing case)\n"
		"  --dir DIR     run the case again on this DAX directory (daxstress run)\n"
		"  --vm          run it again in the pmem VM, on the kernel the bundle names\n"
		"  --kernel SPEC another kernel for --vm (debian:6.1, a bzImage, a build tree)\n"
		"  --target T    O_DIRECT target for --dir (default: the bundle's, else /dev/nullb0)\n"
		"  --results DIR where the new run's reports go (default: BUNDLE/repro)\n"
		"exit: 0 not reproduced (good), 1 the same verdict came back (bad), 125 the run\n"
		"      could not be made (git bisect run skips the commit)\n");
}

static int parse_args(struct repro *r, int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "dir", required_argument, NULL, 'd' },
		{ "vm", no_argument, NULL, 'v' },
		{ "kernel", required_argument, NULL, 'k' },
		{ "target", required_argument, NULL, 't' },
		{ "results", required_argument, NULL, 'r' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", lopts, NULL)) != -1) {
		switch (c) {
		case 'd':
			r->dir = optarg;
			break;
		case 'v':
			r->vm = true;
			break;
		case 'k':
			r->kernel = optarg;
			break;
		case 't':
			r->target = optarg;
			break;
		case 'r':
			r->results = optarg;
			break;
		case 'q':
			r->quiet = true;
			break;
		case 'h':
			print_usage(stdout);
			return 1;
		default:
			fprintf(stderr, "daxstress repro: unknown or incomplete option '%s'\n", argv[optind - 1]);
			print_usage(stderr);
			return -1;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "daxstress repro: give exactly one bundle directory\n");
		print_usage(stderr);
		return -1;
	}
	r->bundle = argv[optind];
	if (!!r->dir == r->vm) {
		fprintf(stderr, "daxstress repro: say where to run it: --dir DIR (a DAX directory) or --vm\n");
		return -1;
	}
	if (r->kernel && !r->vm) {
		fprintf(stderr, "daxstress repro: --kernel goes with --vm\n");
		return -1;
	}
	return 0;
}

static int load_bundle(struct repro *r)
{
	char path[PATH_MAX + 32], err[PATH_MAX + 64];
	int bad;

	snprintf(path, sizeof(path), "%s/bundle.json", r->bundle);
	bad = bundle_meta_read(path, &r->meta, err, sizeof(err));
	snprintf(r->conf, sizeof(r->conf), "%s/case.conf", r->bundle);
	if (bad || access(r->conf, R_OK)) {
		fprintf(stderr, "daxstress repro: %s is not a repro bundle: %s\n", r->bundle,
			bad ? err : "no case.conf in it");
		return -1;
	}
	if (!r->meta.verdict[0] || !r->meta.fs[0]) {
		fprintf(stderr, "daxstress repro: %s says no verdict or filesystem\n", path);
		return -1;
	}
	if (r->vm && !r->kernel && !r->meta.kernel_spec[0]) {
		fprintf(stderr, "daxstress repro: the bundle was not made in the VM, so it names no kernel to boot: add --kernel SPEC (it ran on %s)\n",
			r->meta.kernel_release);
		return -1;
	}
	return 0;
}

static int make_outdir(struct repro *r)
{
	char base[PATH_MAX], stamp[32];
	time_t now = time(NULL);

	if (r->results)
		strscpy_trunc(base, r->results, sizeof(base));
	else
		snprintf(base, sizeof(base), "%.*s/repro", PATH_MAX - 16, r->bundle);
	if (mkdir(base, 0755) && errno != EEXIST)
		goto fail;
	strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", localtime(&now));
	snprintf(r->outdir, sizeof(r->outdir), "%.*s/%s", PATH_MAX - 40, base, stamp);
	if (mkdir(r->outdir, 0755) && errno != EEXIST)
		goto fail;
	snprintf(r->report, sizeof(r->report), "%s/report.json", r->outdir);
	return 0;
fail:
	fprintf(stderr, "daxstress repro: cannot create %s: %s\n", r->outdir[0] ? r->outdir : base,
		strerror(errno));
	return -1;
}

/* argv for daxstress run or daxstress vm; store holds the strings. */
static void build_argv(struct repro *r, const char *self, char **argv, char store[][PATH_MAX + 40])
{
	const char *target = r->target ? r->target : r->meta.target;
	int n = 0;

	argv[n++] = (char *)self;
	argv[n++] = r->vm ? "vm" : "run";
	argv[n++] = "--suite";
	argv[n++] = r->conf;
	argv[n++] = "--json";
	argv[n++] = r->report;
	if (r->vm) {
		argv[n++] = "--kernel";
		argv[n++] = (char *)(r->kernel ? r->kernel : r->meta.kernel_spec);
		argv[n++] = "--fs";
		argv[n++] = r->meta.fs;
		snprintf(store[0], sizeof(store[0]), "%s/vm", r->outdir);
		argv[n++] = "--results";
		argv[n++] = store[0];
	} else {
		argv[n++] = "--dir";
		argv[n++] = (char *)r->dir;
		snprintf(store[0], sizeof(store[0]), "%s/bundles", r->outdir);
		argv[n++] = "--bundles";
		argv[n++] = store[0];
		if (target[0]) {
			argv[n++] = "--target";
			argv[n++] = (char *)target;
		}
		if (r->meta.allow_nodax)
			argv[n++] = "--allow-nodax";
		if (r->quiet)
			argv[n++] = "--quiet";
	}
	argv[n] = NULL;
}

static int run_again(struct repro *r)
{
	char self[PATH_MAX], store[1][PATH_MAX + 40], *argv[24];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	uint64_t t0 = now_ns();
	int status;
	pid_t pid;

	if (n < 0) {
		fprintf(stderr, "daxstress repro: /proc/self/exe: %s\n", strerror(errno));
		return -1;
	}
	self[n] = '\0';
	build_argv(r, self, argv, store);
	pid = fork();
	if (pid < 0)
		return -1;
	if (!pid) {
		execv(self, argv);
		_exit(127);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	r->wall_s = ns_to_s(now_ns() - t0);
	return 0;
}

/* The one case of the new run: run reports have cases, vm reports filesystems.FS.result. */
static struct json_object *new_case(struct repro *r, struct json_object *rep)
{
	struct json_object *fss, *fs, *res, *cases;

	if (r->vm) {
		if (!json_object_object_get_ex(rep, "filesystems", &fss) ||
		    !json_object_object_get_ex(fss, r->meta.fs, &fs) ||
		    !json_object_object_get_ex(fs, "result", &res))
			return NULL;
		rep = res;
	}
	cases = json_arr(rep, "cases");
	if (!cases || !json_object_array_length(cases))
		return NULL;
	return json_object_array_get_idx(cases, 0);
}

static int judge(struct repro *r)
{
	struct json_object *rep = json_object_from_file(r->report), *c = new_case(r, rep);
	const char *want = r->meta.verdict, *got;
	double d0 = r->meta.detect_s, d;
	struct case_read *rd = NULL;
	const struct case_result *cr;
	int ret;

	if (c)
		rd = case_result_read(c);
	if (!rd) {
		printf("# repro: error: the run left no case result (%s): see its output above\n", r->report);
		json_object_put(rep);
		return REPRO_CANNOT;
	}
	cr = &rd->r;
	got = case_measured_name(cr);
	d = case_detect_s(cr);
	if (!strcmp(got, want)) {
		printf("# repro: REPRODUCED %s (%s): ", want, cr->name);
		if (d >= 0)
			printf("stall noticed %.1f s into the case (the bundle: %.1f s), verdict at %.1f s; ",
			       d, d0, cr->mon->verdict_s);
		printf("%.1f s in all\n", r->wall_s);
		ret = REPRO_BAD;
	} else if (!strcmp(got, "skip") || !strcmp(got, "error")) {
		printf("# repro: could not run the case: %s: %s\n", got, cr->reason);
		ret = REPRO_CANNOT;
	} else {
		printf("# repro: NOT reproduced: wanted %s, got %s (%s) after %.1f s\n", want, got,
		       cr->reason, r->wall_s);
		ret = REPRO_GOOD;
	}
	printf("# repro: the new run's report: %s\n", r->report);
	case_read_free(rd);
	json_object_put(rep);
	return ret;
}

int cmd_repro(int argc, char **argv)
{
	struct repro r = { 0 };
	int ret;

	ret = parse_args(&r, argc, argv);
	if (ret)
		return ret > 0 ? 0 : REPRO_CANNOT;
	if (load_bundle(&r) || make_outdir(&r))
		return REPRO_CANNOT;
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("# repro: %s: %s with seed %" PRIu64 " on %s, %s\n", r.meta.name,
	       r.meta.verdict, r.meta.seed, r.meta.fs, r.vm ? "in the pmem VM" : r.dir);
	if (run_again(&r))
		return REPRO_CANNOT;
	return judge(&r);
}
