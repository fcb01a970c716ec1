// SPDX-License-Identifier: GPL-2.0
/*
 * daxstress vm: the host side of the pmem VM.
 *
 * Resolves a kernel (runner/vm/kernel.sh) and an initramfs (runner/vm/
 * initramfs.sh), adds a small per-run cpio with the run settings, boots QEMU
 * with an emulated NVDIMM (or virtio-pmem) backed by a sparse file in the
 * cache and follows two channels: the kernel console (ttyS0, a log file,
 * scanned for panics and oopses) and the data channel (ttyS1, a file), which
 * carries the guest init's framed events and the test command's KTAP and JSON:
 *
 *	@@DAXSTRESS <EVENT> <guest-uptime-s> [ARGS...]
 *
 * Events, in order: INIT release, MODULES count, FSDAX dev how sectors,
 * SETUP target null_blk-params, then per filesystem FS-BEGIN fs, FS-READY fs mount-options,
 * KTAP-BEGIN fs, <KTAP lines>, KTAP-END fs rc, JSON-BEGIN fs, <JSON text>,
 * JSON-END fs, FS-END fs rc; at any time ERROR message; last DONE status.
 *
 * Deadlines: boot (INIT must arrive), per case (no data line for N s once
 * booted), whole run. The results go to results/<timestamp>/ with a
 * results/latest symlink.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "vm.h"

#define VM_MAX_FS		4
#define VM_MARK			"@@DAXSTRESS "
#define VM_PMEM_SIZE		"2G"
#define VM_PMEM_BYTES		(2LL << 30)
#define VM_PMEM_SLOTS		8
#define VM_TICK_MS		100
#define VM_KVM_PROBE_S		20
#define VM_KVM_CACHE_S		(7 * 24 * 3600)
#define VM_PANIC_GRACE_S	2
#define VM_DONE_GRACE_S		15
#define VM_KILL_GRACE_S		3
#define VM_TAIL_LINES		40
#define VM_LINE_MAX		8192
#define VM_DIR_MAX		2048	/* directories; file paths in them: PATH_MAX */

#define VM_EXIT_OK		0
#define VM_EXIT_FAILED		1
#define VM_EXIT_INCOMPLETE	2
#define VM_EXIT_SIGNAL		130

enum vm_accel { VM_ACCEL_AUTO, VM_ACCEL_KVM, VM_ACCEL_TCG };

static const char *const vm_accel_names[] = { "auto", "kvm", "tcg" };

struct vm_opts {
	const char *kernel;
	const char *modules;
	const char *fs;
	const char *suite;
	const char *json;
	const char *results;
	const char *payload;
	const char *initrd;
	const char *append;
	const char *debug;
	enum vm_accel accel;
	unsigned int timeout;
	unsigned int boot_timeout;
	unsigned int case_timeout;
	bool virtio_pmem;
	bool dry_run;
	bool keep;
};

/* How a launch ended. */
enum vm_end {
	VM_RUNNING,
	VM_END_DONE,
	VM_END_BOOT,
	VM_END_CASE,
	VM_END_TIMEOUT,
	VM_END_PANIC,
	VM_END_EXIT,
	VM_END_SIGNAL,
	VM_END_ERROR,
};

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

struct strv {
	char **v;
	size_t n;
	size_t cap;
};

struct vm_lines {
	char buf[VM_LINE_MAX];
	size_t len;
};

struct vm_fs {
	char name[16];
	double t_begin;
	double t_ready;
	double t_run;
	double t_run_end;
	double t_end;
	int rc;
	bool ended;
	bool ran;
	char mount_opts[256];
	char *json;
	size_t json_len;
};

/* One QEMU launch. */
struct vm_attempt {
	enum vm_accel accel;
	struct strv argv;
	pid_t pid;
	int qemu_status;
	bool exited;
	int data_fd;
	int con_fd;
	struct vm_lines data;
	struct vm_lines con;
	uint64_t t0;
	uint64_t t_init;
	uint64_t t_last;
	uint64_t t_panic;
	uint64_t t_done;
	uint64_t t_end;
	double g_init;
	double g_modules;
	double g_fsdax;
	double g_setup;
	double g_done;
	bool init;
	bool done;
	int done_status;
	bool in_ktap;
	bool in_json;
	struct vm_fs fs[VM_MAX_FS];
	int nfs;
	struct vm_fs *cur;
	enum vm_end end;
	char reason[512];
	char fsdax[128];
	char target[128];
};

struct vm_ctx {
	const struct vm_opts *o;
	char exedir[VM_DIR_MAX - 64];
	char vmdir[VM_DIR_MAX];
	char payload[PATH_MAX];
	char cache[VM_DIR_MAX];
	char kdir[VM_DIR_MAX];
	char release[128];
	char base_initrd[PATH_MAX];
	char tmpdir[VM_DIR_MAX];
	char initrd[PATH_MAX];
	char rundir[VM_DIR_MAX];
	char pmem[PATH_MAX];
	char qemu_log[PATH_MAX];
	int pmem_fd;
	char fs[VM_MAX_FS][16];
	int nfs;
	FILE *ktap;
	struct vm_attempt a;
};

static volatile sig_atomic_t vm_stop_signal;

static void vm_msg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void vm_msg(const char *fmt, ...)
{
	va_list ap;

	fputs("daxstress vm: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static uint64_t vm_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static double vm_secs(uint64_t from, uint64_t to)
{
	return to > from ? (double)(to - from) / 1e9 : 0.0;
}

/* ---- string vectors ---- */

static int strv_addf(struct strv *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int strv_addf(struct strv *s, const char *fmt, ...)
{
	va_list ap;
	char *str;
	int ret;

	if (s->n + 2 > s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 32;
		char **v = realloc(s->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		s->v = v;
		s->cap = cap;
	}
	va_start(ap, fmt);
	ret = vasprintf(&str, fmt, ap);
	va_end(ap);
	if (ret < 0)
		return -ENOMEM;
	s->v[s->n++] = str;
	s->v[s->n] = NULL;
	return 0;
}

static void strv_free(struct strv *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

/* S in single quotes for a POSIX shell. */
static void vm_sh_quote(FILE *f, const char *s)
{
	fputc('\'', f);
	for (; *s; s++) {
		if (*s == '\'')
			fputs("'\\''", f);
		else
			fputc(*s, f);
	}
	fputc('\'', f);
}

static void vm_print_quoted(FILE *f, const char *s)
{
	static const char safe[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
				   "0123456789_./,:=+-@%";

	if (*s && strspn(s, safe) == strlen(s))
		fputs(s, f);
	else
		vm_sh_quote(f, s);
}

static void strv_print(FILE *f, const struct strv *s)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		if (i)
			fputc(' ', f);
		vm_print_quoted(f, s->v[i]);
	}
	fputc('\n', f);
}

/* ---- options ---- */

enum {
	OPT_KERNEL = 256, OPT_MODULES, OPT_FS, OPT_SUITE, OPT_JSON, OPT_TIMEOUT,
	OPT_BOOT_TIMEOUT, OPT_CASE_TIMEOUT, OPT_VIRTIO_PMEM, OPT_DRY_RUN, OPT_KEEP,
	OPT_ACCEL, OPT_RESULTS, OPT_PAYLOAD, OPT_INITRD, OPT_APPEND, OPT_DEBUG,
	OPT_HELP,
};

static const struct vm_optdesc {
	const char *name;
	int has_arg;
	int val;
	const char *arg;
	const char *help;
} vm_optdescs[] = {
	{ "kernel", 1, OPT_KERNEL, "SPEC",
	  "debian:6.1|6.12|7.2|7.3, default, a bzImage or a build tree (default: default)" },
	{ "modules", 1, OPT_MODULES, "DIR", "modules for a bzImage kernel (lib/modules/<release>)" },
	{ "fs", 1, OPT_FS, "LIST", "filesystems to test, comma separated (default: ext4,xfs)" },
	{ "suite", 1, OPT_SUITE, "NAME|FILE", "suite to run in the guest (default: smoke)" },
	{ "json", 1, OPT_JSON, "FILE", "also write the merged report here" },
	{ "timeout", 1, OPT_TIMEOUT, "S", "whole-run deadline (default: 1800)" },
	{ "boot-timeout", 1, OPT_BOOT_TIMEOUT, "S", "deadline for the guest init's first event (default: 120)" },
	{ "case-timeout", 1, OPT_CASE_TIMEOUT, "S", "longest silence on the data channel once booted (default: 300)" },
	{ "virtio-pmem", 0, OPT_VIRTIO_PMEM, NULL, "use virtio-pmem instead of an emulated NVDIMM" },
	{ "dry-run", 0, OPT_DRY_RUN, NULL, "resolve kernel and initramfs, print the QEMU command, do not boot" },
	{ "keep", 0, OPT_KEEP, NULL, "keep the per-run temporary directory (initramfs with run settings)" },
	{ "accel", 1, OPT_ACCEL, "auto|kvm|tcg", "accelerator (default: auto, KVM probed, TCG fallback)" },
	{ "results", 1, OPT_RESULTS, "DIR", "results directory (default: results)" },
	{ "payload", 1, OPT_PAYLOAD, "DIR", "installed daxstress tree for the guest (default: $DAXSTRESS_PAYLOAD)" },
	{ "initrd", 1, OPT_INITRD, "FILE", "use this initramfs instead of building one" },
	{ "append", 1, OPT_APPEND, "ARGS", "extra kernel command line" },
	{ "debug", 1, OPT_DEBUG, "panic|hang|shell", "guest init debug action after set-up" },
	{ "help", 0, OPT_HELP, NULL, "this help" },
};

#define VM_NOPTS (sizeof(vm_optdescs) / sizeof(vm_optdescs[0]))

static void vm_usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: daxstress vm [options]\n");
	for (i = 0; i < VM_NOPTS; i++) {
		const struct vm_optdesc *d = &vm_optdescs[i];
		char left[64];

		snprintf(left, sizeof(left), "--%s%s%s", d->name, d->arg ? " " : "",
			 d->arg ? d->arg : "");
		fprintf(f, "  %-26s %s\n", left, d->help);
	}
	fprintf(f, "exit: 0 completed and passed, 1 completed with failures, 2 did not complete, 130 interrupted\n");
}

static int vm_parse_uint(const char *name, const char *s, unsigned int *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v == 0 || v > 1000000) {
		vm_msg("--%s: expected a number of seconds, got '%s'", name, s);
		return -EINVAL;
	}
	*out = (unsigned int)v;
	return 0;
}

static int vm_parse_accel(const char *s, enum vm_accel *out)
{
	int i;

	for (i = 0; i <= VM_ACCEL_TCG; i++) {
		if (!strcmp(s, vm_accel_names[i])) {
			*out = i;
			return 0;
		}
	}
	vm_msg("--accel: expected auto, kvm or tcg, got '%s'", s);
	return -EINVAL;
}

static int vm_set_opt(struct vm_opts *o, int val, const char *arg)
{
	switch (val) {
	case OPT_KERNEL: o->kernel = arg; break;
	case OPT_MODULES: o->modules = arg; break;
	case OPT_FS: o->fs = arg; break;
	case OPT_SUITE: o->suite = arg; break;
	case OPT_JSON: o->json = arg; break;
	case OPT_RESULTS: o->results = arg; break;
	case OPT_PAYLOAD: o->payload = arg; break;
	case OPT_INITRD: o->initrd = arg; break;
	case OPT_APPEND: o->append = arg; break;
	case OPT_DEBUG: o->debug = arg; break;
	case OPT_VIRTIO_PMEM: o->virtio_pmem = true; break;
	case OPT_DRY_RUN: o->dry_run = true; break;
	case OPT_KEEP: o->keep = true; break;
	case OPT_ACCEL: return vm_parse_accel(arg, &o->accel);
	case OPT_TIMEOUT: return vm_parse_uint("timeout", arg, &o->timeout);
	case OPT_BOOT_TIMEOUT: return vm_parse_uint("boot-timeout", arg, &o->boot_timeout);
	case OPT_CASE_TIMEOUT: return vm_parse_uint("case-timeout", arg, &o->case_timeout);
	default: return -EINVAL;
	}
	return 0;
}

static void vm_opts_defaults(struct vm_opts *o)
{
	const char *accel = getenv("DAXSTRESS_ACCEL");

	memset(o, 0, sizeof(*o));
	o->kernel = "default";
	o->fs = "ext4,xfs";
	o->suite = "smoke";
	o->results = "results";
	o->payload = getenv("DAXSTRESS_PAYLOAD");
	o->timeout = 1800;
	o->boot_timeout = 120;
	o->case_timeout = 300;
	if (accel && vm_parse_accel(accel, &o->accel))
		o->accel = VM_ACCEL_AUTO;
}

/* Returns 0, 1 for --help, or -EINVAL after collecting every error. */
static int vm_parse_opts(struct vm_opts *o, int argc, char **argv)
{
	struct option longopts[VM_NOPTS + 1];
	int c, err = 0;
	size_t i;

	memset(longopts, 0, sizeof(longopts));
	for (i = 0; i < VM_NOPTS; i++) {
		longopts[i].name = vm_optdescs[i].name;
		longopts[i].has_arg = vm_optdescs[i].has_arg;
		longopts[i].val = vm_optdescs[i].val;
	}
	vm_opts_defaults(o);
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (c == 'h' || c == OPT_HELP)
			return 1;
		if (c == '?' || vm_set_opt(o, c, optarg))
			err = -EINVAL;
	}
	if (optind < argc) {
		vm_msg("unexpected argument '%s'", argv[optind]);
		err = -EINVAL;
	}
	if (err)
		vm_usage(stderr);
	return err;
}

static int vm_split_fs(struct vm_ctx *c)
{
	char buf[256], *tok, *save;

	snprintf(buf, sizeof(buf), "%s", c->o->fs);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (strcmp(tok, "ext4") && strcmp(tok, "xfs")) {
			vm_msg("--fs: unsupported filesystem '%s' (ext4, xfs)", tok);
			return -EINVAL;
		}
		if (c->nfs == VM_MAX_FS)
			return -E2BIG;
		snprintf(c->fs[c->nfs++], sizeof(c->fs[0]), "%s", tok);
	}
	if (!c->nfs) {
		vm_msg("--fs: no filesystem given");
		return -EINVAL;
	}
	return 0;
}

/* ---- files and processes ---- */

static int vm_mkdir_p(const char *path)
{
	char buf[PATH_MAX], *p;

	if (snprintf(buf, sizeof(buf), "%s", path) >= (int)sizeof(buf))
		return -ENAMETOOLONG;
	for (p = buf + 1; *p; p++) {
		if (*p != '/')
			continue;
		*p = '\0';
		if (mkdir(buf, 0755) && errno != EEXIST)
			return -errno;
		*p = '/';
	}
	if (mkdir(buf, 0755) && errno != EEXIST)
		return -errno;
	return 0;
}

static bool vm_is_exec(const char *dir, const char *name)
{
	char path[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return access(path, X_OK) == 0;
}

static int vm_find_exedir(struct vm_ctx *c)
{
	ssize_t n = readlink("/proc/self/exe", c->exedir, sizeof(c->exedir) - 1);
	char *slash;

	if (n < 0)
		return -errno;
	c->exedir[n] = '\0';
	slash = strrchr(c->exedir, '/');
	if (slash)
		*slash = '\0';
	return 0;
}

static bool vm_is_dir(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISDIR(st.st_mode);
}

/*
 * What the guest gets as /usr/bin/daxstress and friends: --payload or
 * $DAXSTRESS_PAYLOAD, else <exedir>/payload (a build tree), else the prefix
 * the executable is installed in (<exedir>/../libexec/daxstress exists).
 */
static void vm_find_payload(struct vm_ctx *c)
{
	char path[PATH_MAX];

	if (c->o->payload) {
		snprintf(c->payload, sizeof(c->payload), "%s", c->o->payload);
		return;
	}
	snprintf(path, sizeof(path), "%s/payload", c->exedir);
	if (vm_is_dir(path)) {
		snprintf(c->payload, sizeof(c->payload), "%s", path);
		return;
	}
	snprintf(path, sizeof(path), "%s/../libexec/daxstress", c->exedir);
	if (vm_is_dir(path) && vm_is_exec(c->exedir, "daxstress")) {
		snprintf(c->payload, sizeof(c->payload), "%s/..", c->exedir);
		return;
	}
	vm_msg("no daxstress payload (--payload DIR): the guest runs a stand-in DAX check");
}

/* DAXSTRESS_VMDIR, else next to the executable: installed or source tree. */
static int vm_find_vmdir(struct vm_ctx *c)
{
	static const char *const rel[] = {
		"../libexec/daxstress/vm", "runner/vm", "../runner/vm", "vm", "../vm",
	};
	const char *env = getenv("DAXSTRESS_VMDIR");
	size_t i;

	if (env) {
		snprintf(c->vmdir, sizeof(c->vmdir), "%s", env);
		return vm_is_exec(env, "kernel.sh") ? 0 : -ENOENT;
	}
	for (i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
		snprintf(c->vmdir, sizeof(c->vmdir), "%s/%s", c->exedir, rel[i]);
		if (vm_is_exec(c->vmdir, "kernel.sh"))
			return 0;
	}
	return -ENOENT;
}

static void vm_cache_dir(struct vm_ctx *c)
{
	const char *xdg = getenv("XDG_CACHE_HOME");
	const char *home = getenv("HOME");

	if (xdg && *xdg)
		snprintf(c->cache, sizeof(c->cache), "%s/daxstress", xdg);
	else
		snprintf(c->cache, sizeof(c->cache), "%s/.cache/daxstress", home ? home : "/tmp");
}

static int vm_read_all(int fd, char *buf, size_t size)
{
	size_t len = 0;
	ssize_t n;

	while (len + 1 < size) {
		n = read(fd, buf + len, size - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	return (int)len;
}

/* Run argv with stdout captured (last line, trimmed); stderr passes through. */
static int vm_run_capture(char *const argv[], char *out, size_t size)
{
	int pfd[2], status;
	char *nl;
	pid_t pid;

	if (pipe2(pfd, O_CLOEXEC))
		return -errno;
	pid = fork();
	if (pid < 0) {
		close(pfd[0]);
		close(pfd[1]);
		return -errno;
	}
	if (!pid) {
		dup2(pfd[1], STDOUT_FILENO);
		execv(argv[0], argv);
		fprintf(stderr, "daxstress vm: %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(pfd[1]);
	vm_read_all(pfd[0], out, size);
	close(pfd[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	while ((nl = strrchr(out, '\n')) && nl[1] == '\0')
		*nl = '\0';
	nl = strrchr(out, '\n');
	if (nl)
		memmove(out, nl + 1, strlen(nl + 1) + 1);
	if (!WIFEXITED(status) || WEXITSTATUS(status) || !*out)
		return -EIO;
	return 0;
}

static int vm_read_line(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	char *nl;

	if (fd < 0)
		return -errno;
	vm_read_all(fd, buf, size);
	close(fd);
	nl = strchr(buf, '\n');
	if (nl)
		*nl = '\0';
	return 0;
}

static int vm_resolve_kernel(struct vm_ctx *c)
{
	char script[PATH_MAX], path[PATH_MAX];
	char *argv[] = { script, (char *)c->o->kernel, (char *)c->o->modules, NULL };
	int ret;

	snprintf(script, sizeof(script), "%s/kernel.sh", c->vmdir);
	ret = vm_run_capture(argv, c->kdir, sizeof(c->kdir));
	if (ret) {
		vm_msg("cannot resolve kernel '%s'", c->o->kernel);
		return ret;
	}
	snprintf(path, sizeof(path), "%s/release", c->kdir);
	return vm_read_line(path, c->release, sizeof(c->release));
}

static int vm_build_initrd(struct vm_ctx *c)
{
	char script[PATH_MAX];
	char none[] = "-";
	char *argv[] = { script, c->kdir, *c->payload ? c->payload : none, NULL };
	int ret;

	if (c->o->initrd) {
		snprintf(c->base_initrd, sizeof(c->base_initrd), "%s", c->o->initrd);
		return access(c->o->initrd, R_OK) ? -errno : 0;
	}
	snprintf(script, sizeof(script), "%s/initramfs.sh", c->vmdir);
	ret = vm_run_capture(argv, c->base_initrd, sizeof(c->base_initrd));
	if (ret)
		vm_msg("cannot build the initramfs for %s", c->release);
	return ret;
}

/* ---- the per-run initramfs: a small newc cpio, then the cached image ---- */

static int vm_cpio_add(FILE *f, const char *name, mode_t mode, const char *data, size_t len)
{
	static unsigned int ino = 1;
	static const char zero[4];
	size_t namesize = strlen(name) + 1;
	long pos;

	fprintf(f, "070701%08X%08X%08X%08X%08X%08X%08zX%08X%08X%08X%08X%08zX%08X",
		ino++, (unsigned int)mode, 0, 0, 1, 0, len, 0, 0, 0, 0, namesize, 0);
	fwrite(name, 1, namesize, f);
	pos = ftell(f);
	fwrite(zero, 1, (4 - pos % 4) % 4, f);
	if (len) {
		fwrite(data, 1, len, f);
		pos = ftell(f);
		fwrite(zero, 1, (4 - pos % 4) % 4, f);
	}
	return ferror(f) ? -EIO : 0;
}

static char *vm_slurp(const char *path, size_t *len)
{
	struct stat st;
	char *buf;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) || st.st_size > (16 << 20) || !(buf = malloc(st.st_size + 1))) {
		close(fd);
		return NULL;
	}
	*len = (size_t)vm_read_all(fd, buf, st.st_size + 1);
	close(fd);
	return buf;
}

/* NAME='VALUE' for the guest's shell. */
static void vm_env_add(FILE *f, const char *name, const char *val)
{
	fprintf(f, "%s=", name);
	vm_sh_quote(f, val);
	fputc('\n', f);
}

static int vm_write_env(const struct vm_ctx *c, FILE *f, const char *suite)
{
	char num[32], *env = NULL;
	size_t len = 0;
	FILE *m;
	int ret;

	m = open_memstream(&env, &len);
	if (!m)
		return -ENOMEM;
	vm_env_add(m, "DAXSTRESS_SUITE", suite);
	snprintf(num, sizeof(num), "%u", c->o->case_timeout);
	vm_env_add(m, "DAXSTRESS_CASE_TIMEOUT", num);
	if (fclose(m)) {
		free(env);
		return -ENOMEM;
	}
	ret = vm_cpio_add(f, "etc/daxstress/run.env", S_IFREG | 0644, env, len);
	free(env);
	return ret;
}

/* The run settings the guest init reads: /etc/daxstress/run.env (+ suite file). */
static int vm_write_overlay(const struct vm_ctx *c, FILE *f)
{
	const char *suite = c->o->suite, *base;
	char guest_suite[PATH_MAX];
	struct stat st;
	char *data = NULL;
	size_t len = 0;
	int ret;

	if (!stat(suite, &st) && S_ISREG(st.st_mode)) {
		data = vm_slurp(suite, &len);
		if (!data)
			return -EIO;
		base = strrchr(suite, '/') ? strrchr(suite, '/') + 1 : suite;
		snprintf(guest_suite, sizeof(guest_suite), "/etc/daxstress/suite/%s", base);
		suite = guest_suite;
	}
	vm_cpio_add(f, "etc", S_IFDIR | 0755, NULL, 0);
	vm_cpio_add(f, "etc/daxstress", S_IFDIR | 0755, NULL, 0);
	ret = vm_write_env(c, f, suite);
	if (!ret && data) {
		vm_cpio_add(f, "etc/daxstress/suite", S_IFDIR | 0755, NULL, 0);
		ret = vm_cpio_add(f, guest_suite + 1, S_IFREG | 0644, data, len);
	}
	if (!ret)
		ret = vm_cpio_add(f, "TRAILER!!!", 0, NULL, 0);
	free(data);
	return ret;
}

static int vm_append_file(FILE *f, const char *path)
{
	char buf[1 << 16];
	size_t n;
	FILE *in = fopen(path, "re");

	if (!in)
		return -errno;
	while ((n = fread(buf, 1, sizeof(buf), in)) > 0)
		fwrite(buf, 1, n, f);
	n = ferror(in) || ferror(f);
	fclose(in);
	return n ? -EIO : 0;
}

static int vm_make_initrd(struct vm_ctx *c)
{
	FILE *f;
	int ret;

	snprintf(c->initrd, sizeof(c->initrd), "%s/initrd.img", c->tmpdir);
	f = fopen(c->initrd, "we");
	if (!f)
		return -errno;
	ret = vm_write_overlay(c, f);
	if (!ret)
		ret = vm_append_file(f, c->base_initrd);
	if (fclose(f) && !ret)
		ret = -EIO;
	return ret;
}

/* ---- pmem backing file, locked so that parallel runs each get their own ---- */

static int vm_open_pmem(struct vm_ctx *c, bool lock)
{
	const char *kind = c->o->virtio_pmem ? "virtio-pmem" : "nvdimm";
	char dir[VM_DIR_MAX + 8];
	int i, fd, ret;

	snprintf(dir, sizeof(dir), "%s/pmem", c->cache);
	ret = vm_mkdir_p(dir);
	if (ret)
		return ret;
	for (i = 0; i < VM_PMEM_SLOTS; i++) {
		snprintf(c->pmem, sizeof(c->pmem), "%s/%s-%d.img", dir, kind, i);
		if (!lock)
			return 0;
		fd = open(c->pmem, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
		if (fd < 0)
			return -errno;
		if (flock(fd, LOCK_EX | LOCK_NB)) {
			close(fd);
			continue;
		}
		if (ftruncate(fd, VM_PMEM_BYTES)) {
			ret = -errno;
			close(fd);
			return ret;
		}
		c->pmem_fd = fd;
		return 0;
	}
	return -EBUSY;
}

/* ---- results directory ---- */

static int vm_make_rundir(struct vm_ctx *c)
{
	char stamp[64], name[80], link[PATH_MAX], tmp[PATH_MAX], results[PATH_MAX];
	time_t now = time(NULL);
	int i, ret;

	ret = vm_mkdir_p(c->o->results);
	if (ret)
		return ret;
	if (!realpath(c->o->results, results))
		return -errno;
	strftime(stamp, sizeof(stamp), "%Y%m%d-%H%M%S", localtime(&now));
	for (i = 1; i < 100; i++) {
		if (i == 1)
			snprintf(name, sizeof(name), "%s", stamp);
		else
			snprintf(name, sizeof(name), "%s-%d", stamp, i);
		snprintf(c->rundir, sizeof(c->rundir), "%.*s/%s", VM_DIR_MAX - 100, results, name);
		if (!mkdir(c->rundir, 0755))
			break;
		if (errno != EEXIST)
			return -errno;
	}
	snprintf(link, sizeof(link), "%.*s/latest", VM_DIR_MAX, results);
	snprintf(tmp, sizeof(tmp), "%.*s/.latest.%d", VM_DIR_MAX, results, (int)getpid());
	unlink(tmp);
	if (symlink(name, tmp) || rename(tmp, link))
		vm_msg("warning: cannot update %s: %s", link, strerror(errno));
	return 0;
}

static void vm_rundir_path(const struct vm_ctx *c, const char *name, char *buf, size_t size)
{
	snprintf(buf, size, "%s/%s", c->rundir, name);
}

/* ---- QEMU command ---- */

/* QEMU option values: a comma is written twice. */
static void vm_qemu_escape(const char *s, char *buf, size_t size)
{
	size_t len = 0;

	for (; *s && len + 3 < size; s++) {
		buf[len++] = *s;
		if (*s == ',')
			buf[len++] = ',';
	}
	buf[len] = '\0';
}

static int vm_cmdline(const struct vm_ctx *c, char *buf, size_t size)
{
	int len;

	len = snprintf(buf, size, "console=ttyS0 quiet panic=%d daxstress.fs=%s",
		       VM_PANIC_GRACE_S, c->o->fs);
	if (c->o->debug)
		len += snprintf(buf + len, size - len, " daxstress.debug=%s", c->o->debug);
	if (c->o->append)
		len += snprintf(buf + len, size - len, " %s", c->o->append);
	return len < (int)size ? 0 : -E2BIG;
}

/* Machine parameters that are the same for every run. */
static const char *const vm_qemu_machine[] = {
	"-name", "daxstress", "-smp", "2", "-machine", "pc,nvdimm=on",
	"-m", "2G,slots=2,maxmem=8G", "-display", "none", "-nodefaults", "-no-reboot",
};

static const struct vm_accel_params {
	const char *accel;
	const char *cpu;
} vm_accel_params[] = {
	[VM_ACCEL_KVM] = { "kvm", "host" },
	[VM_ACCEL_TCG] = { "tcg,thread=multi", "max" },
};

/* Add "-OPT VALUE", VALUE formatted. */
static int strv_opt(struct strv *s, const char *opt, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int strv_opt(struct strv *s, const char *opt, const char *fmt, ...)
{
	char val[2 * PATH_MAX + 128];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(val, sizeof(val), fmt, ap);
	va_end(ap);
	if (strv_addf(s, "%s", opt) || strv_addf(s, "%s", val))
		return -ENOMEM;
	return 0;
}

static int vm_qemu_argv(const struct vm_ctx *c, enum vm_accel accel, struct strv *a)
{
	const struct vm_accel_params *p = &vm_accel_params[accel];
	const char *qemu = getenv("DAXSTRESS_QEMU");
	char pmem[2 * PATH_MAX], con[PATH_MAX], data[PATH_MAX], path[PATH_MAX], cmd[2048];
	size_t i;
	int err;

	if (vm_cmdline(c, cmd, sizeof(cmd)))
		return -E2BIG;
	vm_qemu_escape(c->pmem, pmem, sizeof(pmem));
	vm_rundir_path(c, "console.log", path, sizeof(path));
	vm_qemu_escape(path, con, sizeof(con));
	vm_rundir_path(c, "data.log", path, sizeof(path));
	vm_qemu_escape(path, data, sizeof(data));
	err = strv_addf(a, "%s", qemu ? qemu : "qemu-system-x86_64");
	for (i = 0; i < sizeof(vm_qemu_machine) / sizeof(vm_qemu_machine[0]); i++)
		err |= strv_addf(a, "%s", vm_qemu_machine[i]);
	err |= strv_opt(a, "-accel", "%s", p->accel);
	err |= strv_opt(a, "-cpu", "%s", p->cpu);
	err |= strv_opt(a, "-object", "memory-backend-file,id=mem1,share=on,mem-path=%s,size=%s",
			pmem, VM_PMEM_SIZE);
	err |= strv_opt(a, "-device", "%s,id=nv1,memdev=mem1",
			c->o->virtio_pmem ? "virtio-pmem-pci" : "nvdimm");
	err |= strv_opt(a, "-kernel", "%s/vmlinuz", c->kdir);
	err |= strv_opt(a, "-initrd", "%s", c->initrd);
	err |= strv_opt(a, "-append", "%s", cmd);
	err |= strv_opt(a, "-chardev", "file,id=con,path=%s", con);
	err |= strv_opt(a, "-serial", "chardev:con");
	err |= strv_opt(a, "-chardev", "file,id=data,path=%s", data);
	err |= strv_opt(a, "-serial", "chardev:data");
	return err ? -ENOMEM : 0;
}

/* ---- KVM probe cache: a failed KVM boot is remembered for a week ---- */

static void vm_kvm_cache_path(const struct vm_ctx *c, char *buf, size_t size)
{
	snprintf(buf, size, "%s/kvm-probe-failed", c->cache);
}

static bool vm_kvm_usable(const struct vm_ctx *c, bool quiet)
{
	char path[PATH_MAX];
	struct stat st;
	int fd;

	fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		if (!quiet)
			vm_msg("no usable /dev/kvm (%s), using TCG", strerror(errno));
		return false;
	}
	close(fd);
	vm_kvm_cache_path(c, path, sizeof(path));
	if (!stat(path, &st) && time(NULL) - st.st_mtime < VM_KVM_CACHE_S) {
		if (!quiet)
			vm_msg("using TCG: KVM failed its boot probe earlier (remove %s to probe again)",
			       path);
		return false;
	}
	return true;
}

static void vm_kvm_remember_failure(const struct vm_ctx *c)
{
	char path[PATH_MAX];
	int fd;

	vm_kvm_cache_path(c, path, sizeof(path));
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd >= 0)
		close(fd);
}

/* ---- guest events ---- */

static int vm_fs_index(const struct vm_attempt *a, const char *name)
{
	int i;

	for (i = 0; i < a->nfs; i++)
		if (!strcmp(a->fs[i].name, name))
			return i;
	return -1;
}

/* The filesystem named by the first word of ARGS, added on first sight. */
static struct vm_fs *vm_fs_get(struct vm_attempt *a, const char *args)
{
	char fs[16];
	int i;

	if (sscanf(args, "%15s", fs) != 1)
		return NULL;
	i = vm_fs_index(a, fs);
	if (i >= 0)
		return &a->fs[i];
	if (a->nfs == VM_MAX_FS)
		return NULL;
	memset(&a->fs[a->nfs], 0, sizeof(a->fs[0]));
	snprintf(a->fs[a->nfs].name, sizeof(a->fs[0].name), "%s", fs);
	a->fs[a->nfs].t_begin = -1;
	a->fs[a->nfs].t_ready = -1;
	a->fs[a->nfs].t_run = -1;
	a->fs[a->nfs].t_run_end = -1;
	a->fs[a->nfs].t_end = -1;
	a->fs[a->nfs].rc = -1;
	return &a->fs[a->nfs++];
}

static const char *vm_second_word(const char *args)
{
	const char *sp = strchr(args, ' ');

	return sp ? sp + 1 : "";
}

static void ev_init(struct vm_ctx *c, double t, const char *args)
{
	c->a.init = true;
	c->a.g_init = t;
	c->a.t_init = vm_now();
	vm_msg("guest init reached: %s, %.1f s after QEMU start (guest uptime %.2f s)",
	       args, vm_secs(c->a.t0, c->a.t_init), t);
}

static void ev_modules(struct vm_ctx *c, double t, const char *args)
{
	(void)args;
	c->a.g_modules = t;
}

static void ev_fsdax(struct vm_ctx *c, double t, const char *args)
{
	c->a.g_fsdax = t;
	snprintf(c->a.fsdax, sizeof(c->a.fsdax), "%s", args);
}

static void ev_setup(struct vm_ctx *c, double t, const char *args)
{
	c->a.g_setup = t;
	snprintf(c->a.target, sizeof(c->a.target), "%s", args);
	vm_msg("guest set-up done at %.2f s (modules %.2f s, fsdax %.2f s: %s; target %s)",
	       t, c->a.g_modules - c->a.g_init, c->a.g_fsdax - c->a.g_modules, c->a.fsdax,
	       c->a.target);
}

static void ev_fs_begin(struct vm_ctx *c, double t, const char *args)
{
	c->a.cur = vm_fs_get(&c->a, args);
	if (c->a.cur)
		c->a.cur->t_begin = t;
}

static void ev_fs_ready(struct vm_ctx *c, double t, const char *args)
{
	struct vm_fs *fs = vm_fs_get(&c->a, args);

	if (!fs)
		return;
	fs->t_ready = t;
	snprintf(fs->mount_opts, sizeof(fs->mount_opts), "%s", vm_second_word(args));
	vm_msg("%s: mkfs and DAX mount in %.2f s (%s)", fs->name, t - fs->t_begin,
	       fs->mount_opts);
}

static void ev_ktap_begin(struct vm_ctx *c, double t, const char *args)
{
	c->a.cur = vm_fs_get(&c->a, args);
	if (c->a.cur)
		c->a.cur->t_run = t;
	c->a.in_ktap = true;
}

static void ev_ktap_end(struct vm_ctx *c, double t, const char *args)
{
	struct vm_fs *fs = vm_fs_get(&c->a, args);

	c->a.in_ktap = false;
	if (!fs)
		return;
	fs->t_run_end = t;
	fs->ran = true;
	fs->rc = atoi(vm_second_word(args));
}

static void ev_json_begin(struct vm_ctx *c, double t, const char *args)
{
	(void)t;
	c->a.cur = vm_fs_get(&c->a, args);
	c->a.in_json = c->a.cur != NULL;
}

static void ev_json_end(struct vm_ctx *c, double t, const char *args)
{
	(void)t;
	(void)args;
	c->a.in_json = false;
}

static void ev_fs_end(struct vm_ctx *c, double t, const char *args)
{
	struct vm_fs *fs = vm_fs_get(&c->a, args);

	if (!fs)
		return;
	fs->t_end = t;
	fs->ended = true;
	if (!fs->ran)
		vm_msg("%s: %s", fs->name, vm_second_word(args));
}

static void ev_error(struct vm_ctx *c, double t, const char *args)
{
	(void)t;
	vm_msg("guest error: %s", args);
	snprintf(c->a.reason, sizeof(c->a.reason), "guest: %s", args);
}

static void ev_done(struct vm_ctx *c, double t, const char *args)
{
	c->a.done = true;
	c->a.g_done = t;
	c->a.done_status = atoi(args);
	c->a.t_done = vm_now();
}

static const struct vm_event {
	const char *name;
	void (*fn)(struct vm_ctx *c, double t, const char *args);
} vm_events[] = {
	{ "INIT", ev_init },
	{ "MODULES", ev_modules },
	{ "FSDAX", ev_fsdax },
	{ "SETUP", ev_setup },
	{ "FS-BEGIN", ev_fs_begin },
	{ "FS-READY", ev_fs_ready },
	{ "KTAP-BEGIN", ev_ktap_begin },
	{ "KTAP-END", ev_ktap_end },
	{ "JSON-BEGIN", ev_json_begin },
	{ "JSON-END", ev_json_end },
	{ "FS-END", ev_fs_end },
	{ "ERROR", ev_error },
	{ "DONE", ev_done },
};

static void vm_event(struct vm_ctx *c, const char *line)
{
	char name[32];
	double t;
	int off = 0;
	size_t i;

	if (sscanf(line, "%31s %lf %n", name, &t, &off) < 2)
		return;
	for (i = 0; i < sizeof(vm_events) / sizeof(vm_events[0]); i++) {
		if (!strcmp(name, vm_events[i].name)) {
			vm_events[i].fn(c, t, line + off);
			return;
		}
	}
}

static void vm_json_append(struct vm_fs *fs, const char *line)
{
	size_t len = strlen(line);
	char *j = realloc(fs->json, fs->json_len + len + 2);

	if (!j)
		return;
	memcpy(j + fs->json_len, line, len);
	fs->json_len += len;
	j[fs->json_len++] = '\n';
	j[fs->json_len] = '\0';
	fs->json = j;
}

static void vm_data_line(struct vm_ctx *c, const char *line)
{
	c->a.t_last = vm_now();
	if (!strncmp(line, VM_MARK, strlen(VM_MARK))) {
		vm_event(c, line + strlen(VM_MARK));
	} else if (c->a.in_json) {
		vm_json_append(c->a.cur, line);
	} else if (c->a.in_ktap) {
		printf("%s\n", line);
		fflush(stdout);
		if (c->ktap) {
			fprintf(c->ktap, "%s\n", line);
			fflush(c->ktap);
		}
	} else if (*line) {
		vm_msg("guest: %s", line);
	}
}

/* Console lines that end a run. */
static const char *const vm_fatal_patterns[] = {
	"Kernel panic - not syncing",
	"Oops: ",
	"kernel BUG at ",
	"BUG: unable to handle",
	"BUG: kernel NULL pointer",
	"general protection fault",
	"invalid opcode: ",
};

static void vm_console_line(struct vm_ctx *c, const char *line)
{
	size_t i;

	if (c->a.t_panic)
		return;
	for (i = 0; i < sizeof(vm_fatal_patterns) / sizeof(vm_fatal_patterns[0]); i++) {
		if (strstr(line, vm_fatal_patterns[i])) {
			c->a.t_panic = vm_now();
			snprintf(c->a.reason, sizeof(c->a.reason), "guest console: %s", line);
			vm_msg("guest console: %s", line);
			return;
		}
	}
}

/* Read what the file grew by and hand out complete lines. */
static void vm_follow(struct vm_ctx *c, int fd, struct vm_lines *lb,
		      void (*fn)(struct vm_ctx *c, const char *line))
{
	char *start, *nl;
	ssize_t n;

	if (fd < 0)
		return;
	for (;;) {
		if (lb->len == sizeof(lb->buf) - 1) {
			lb->buf[lb->len] = '\0';
			fn(c, lb->buf);
			lb->len = 0;
		}
		n = read(fd, lb->buf + lb->len, sizeof(lb->buf) - 1 - lb->len);
		if (n <= 0)
			return;
		lb->len += (size_t)n;
		start = lb->buf;
		while ((nl = memchr(start, '\n', lb->len - (size_t)(start - lb->buf)))) {
			*nl = '\0';
			if (nl > start && nl[-1] == '\r')
				nl[-1] = '\0';
			fn(c, start);
			start = nl + 1;
		}
		lb->len -= (size_t)(start - lb->buf);
		memmove(lb->buf, start, lb->len);
	}
}

static void vm_drain(struct vm_ctx *c)
{
	char path[PATH_MAX];

	if (c->a.data_fd < 0) {
		vm_rundir_path(c, "data.log", path, sizeof(path));
		c->a.data_fd = open(path, O_RDONLY | O_CLOEXEC);
	}
	if (c->a.con_fd < 0) {
		vm_rundir_path(c, "console.log", path, sizeof(path));
		c->a.con_fd = open(path, O_RDONLY | O_CLOEXEC);
	}
	vm_follow(c, c->a.data_fd, &c->a.data, vm_data_line);
	vm_follow(c, c->a.con_fd, &c->a.con, vm_console_line);
}

/* ---- QEMU process ---- */

static void vm_on_signal(int sig)
{
	vm_stop_signal = sig;
}

static void vm_signals(bool install)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa;
	size_t i;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = install ? vm_on_signal : SIG_DFL;
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaction(sigs[i], &sa, NULL);
}

static int vm_spawn(struct vm_ctx *c)
{
	pid_t pid = fork();

	if (pid < 0)
		return -errno;
	if (!pid) {
		/* Own process group: Ctrl-C reaches the launcher, which stops QEMU. */
		setpgid(0, 0);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (!freopen("/dev/null", "r", stdin) || !freopen(c->qemu_log, "w", stdout) ||
		    dup2(STDOUT_FILENO, STDERR_FILENO) < 0)
			_exit(127);
		execvp(c->a.argv.v[0], c->a.argv.v);
		fprintf(stderr, "daxstress vm: %s: %s\n", c->a.argv.v[0], strerror(errno));
		_exit(127);
	}
	c->a.pid = pid;
	return 0;
}

static void vm_reap(struct vm_ctx *c)
{
	int status;

	if (c->a.exited || c->a.pid <= 0)
		return;
	if (waitpid(c->a.pid, &status, WNOHANG) == c->a.pid) {
		c->a.exited = true;
		c->a.qemu_status = status;
	}
}

static void vm_stop_qemu(struct vm_ctx *c)
{
	uint64_t t;

	vm_reap(c);
	if (c->a.exited || c->a.pid <= 0)
		return;
	kill(c->a.pid, SIGTERM);
	for (t = vm_now(); vm_secs(t, vm_now()) < VM_KILL_GRACE_S; poll(NULL, 0, 50)) {
		vm_reap(c);
		if (c->a.exited)
			return;
	}
	kill(c->a.pid, SIGKILL);
	if (waitpid(c->a.pid, &c->a.qemu_status, 0) == c->a.pid)
		c->a.exited = true;
}

static enum vm_end vm_check_end(struct vm_ctx *c, unsigned int boot_timeout)
{
	struct vm_attempt *a = &c->a;
	uint64_t now = vm_now();

	if (vm_stop_signal)
		return VM_END_SIGNAL;
	if (a->done && (a->exited || vm_secs(a->t_done, now) > VM_DONE_GRACE_S))
		return VM_END_DONE;
	if (a->t_panic && (a->exited || vm_secs(a->t_panic, now) > VM_PANIC_GRACE_S))
		return VM_END_PANIC;
	if (a->exited)
		return VM_END_EXIT;
	if (!a->init && vm_secs(a->t0, now) > boot_timeout)
		return VM_END_BOOT;
	if (a->init && vm_secs(a->t_last, now) > c->o->case_timeout)
		return VM_END_CASE;
	if (vm_secs(a->t0, now) > c->o->timeout)
		return VM_END_TIMEOUT;
	return VM_RUNNING;
}

static void vm_set_reason(struct vm_ctx *c, unsigned int boot_timeout)
{
	struct vm_attempt *a = &c->a;
	char *r = a->reason;
	size_t n = sizeof(a->reason);

	switch (a->end) {
	case VM_END_BOOT:
		snprintf(r, n, "the guest init did not start within the boot deadline (%u s)",
			 boot_timeout);
		break;
	case VM_END_CASE:
		snprintf(r, n, "no data from the guest for %u s (case deadline)%s%s",
			 c->o->case_timeout, a->cur ? " during " : "", a->cur ? a->cur->name : "");
		break;
	case VM_END_TIMEOUT:
		snprintf(r, n, "whole-run deadline (%u s) reached", c->o->timeout);
		break;
	case VM_END_SIGNAL:
		snprintf(r, n, "interrupted by signal %d", (int)vm_stop_signal);
		break;
	case VM_END_EXIT:
		if (!*r && WIFEXITED(a->qemu_status))
			snprintf(r, n, "QEMU exited with status %d before the guest finished",
				 WEXITSTATUS(a->qemu_status));
		else if (!*r)
			snprintf(r, n, "QEMU killed by signal %d before the guest finished",
				 WTERMSIG(a->qemu_status));
		break;
	default:
		break;
	}
}

static void vm_attempt_reset(struct vm_ctx *c, enum vm_accel accel)
{
	struct vm_attempt *a = &c->a;
	int i;

	if (a->data_fd >= 0)
		close(a->data_fd);
	if (a->con_fd >= 0)
		close(a->con_fd);
	for (i = 0; i < a->nfs; i++)
		free(a->fs[i].json);
	strv_free(&a->argv);
	memset(a, 0, sizeof(*a));
	a->accel = accel;
	a->data_fd = -1;
	a->con_fd = -1;
}

/* Boot once with ACCEL and follow the guest until the run ends. */
static int vm_attempt(struct vm_ctx *c, enum vm_accel accel, unsigned int boot_timeout)
{
	struct vm_attempt *a = &c->a;
	int ret;

	vm_attempt_reset(c, accel);
	ret = vm_qemu_argv(c, accel, &a->argv);
	if (ret)
		return ret;
	vm_rundir_path(c, "qemu.log", c->qemu_log, sizeof(c->qemu_log));
	fputs("daxstress vm: qemu: ", stderr);
	strv_print(stderr, &a->argv);
	a->t0 = vm_now();
	a->t_last = a->t0;
	ret = vm_spawn(c);
	if (ret)
		return ret;
	for (;;) {
		vm_reap(c);
		vm_drain(c);
		a->end = vm_check_end(c, boot_timeout);
		if (a->end != VM_RUNNING)
			break;
		poll(NULL, 0, VM_TICK_MS);
	}
	vm_stop_qemu(c);
	vm_drain(c);
	a->t_end = vm_now();
	vm_set_reason(c, boot_timeout);
	return 0;
}

/* Keep a failed attempt's non-empty log under another name. */
static void vm_rename_log(const struct vm_ctx *c, const char *from, const char *to)
{
	char a[PATH_MAX], b[PATH_MAX];
	struct stat st;

	vm_rundir_path(c, from, a, sizeof(a));
	vm_rundir_path(c, to, b, sizeof(b));
	if (!stat(a, &st) && st.st_size)
		rename(a, b);
	else
		unlink(a);
}

/* KVM first when it may work, with a short boot deadline; TCG otherwise. */
static int vm_launch(struct vm_ctx *c)
{
	unsigned int probe = c->o->boot_timeout < VM_KVM_PROBE_S ? c->o->boot_timeout :
				VM_KVM_PROBE_S;
	bool auto_kvm = c->o->accel == VM_ACCEL_AUTO && vm_kvm_usable(c, false);
	int ret;

	if (c->o->accel == VM_ACCEL_KVM)
		return vm_attempt(c, VM_ACCEL_KVM, c->o->boot_timeout);
	if (!auto_kvm)
		return vm_attempt(c, VM_ACCEL_TCG, c->o->boot_timeout);
	ret = vm_attempt(c, VM_ACCEL_KVM, probe);
	if (ret || c->a.init || c->a.end == VM_END_SIGNAL)
		return ret;
	vm_msg("KVM did not boot to init (%s), falling back to TCG", c->a.reason);
	vm_rename_log(c, "console.log", "console-kvm.log");
	vm_rename_log(c, "data.log", "data-kvm.log");
	vm_rename_log(c, "qemu.log", "qemu-kvm.log");
	ret = vm_attempt(c, VM_ACCEL_TCG, c->o->boot_timeout);
	if (!ret && c->a.init)
		vm_kvm_remember_failure(c);
	return ret;
}

/* ---- report ---- */

static bool vm_fs_reported(const struct vm_fs *fs)
{
	return fs->ended && fs->ran && fs->json;
}

static int vm_exit_code(const struct vm_ctx *c)
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

		if (j < 0 || !vm_fs_reported(&a->fs[j]))
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

static json_object *vm_fs_report(const struct vm_fs *fs)
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
		if (!res)
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
	json_object_object_add(r, "pmem", json_object_new_string(c->o->virtio_pmem ?
								 "virtio-pmem" : "nvdimm"));
	json_object_object_add(r, "fsdax", json_object_new_string(a->fsdax));
	json_object_object_add(r, "target", json_object_new_string(a->target));
	json_object_object_add(r, "suite", json_object_new_string(c->o->suite));
	json_object_object_add(r, "status", json_object_new_string(vm_end_names[a->end]));
	json_object_object_add(r, "exit_code", json_object_new_int(code));
	if (*a->reason)
		json_object_object_add(r, "reason", json_object_new_string(a->reason));
	json_object_object_add(r, "times", vm_times_report(c));
	for (i = 0; i < a->nfs; i++)
		json_object_object_add(fss, a->fs[i].name, vm_fs_report(&a->fs[i]));
	json_object_object_add(r, "filesystems", fss);
	json_object_object_add(r, "qemu_command", vm_argv_json(&a->argv));
	return r;
}

static int vm_write_report(const struct vm_ctx *c, int code)
{
	json_object *r = vm_report(c, code);
	char path[PATH_MAX];
	int ret = 0;

	vm_rundir_path(c, "report.json", path, sizeof(path));
	if (json_object_to_file_ext(path, r, JSON_C_TO_STRING_PRETTY))
		ret = -EIO;
	if (c->o->json && json_object_to_file_ext(c->o->json, r, JSON_C_TO_STRING_PRETTY)) {
		vm_msg("cannot write %s", c->o->json);
		ret = -EIO;
	}
	json_object_put(r);
	return ret;
}

static void vm_print_tail(const struct vm_ctx *c, const char *name, int lines)
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

static void vm_summary(const struct vm_ctx *c, int code)
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
		       vm_fs_reported(fs) ? "" : " (not reported)");
	}
	if (a->end != VM_END_DONE)
		vm_msg("run did not complete: %s", a->reason);
	vm_msg("%s in %.1f s, results in %s (exit %d)", vm_end_names[a->end],
	       vm_secs(a->t0, a->t_end), c->rundir, code);
}

/* ---- setup and teardown ---- */

static int vm_prepare(struct vm_ctx *c)
{
	int ret;

	ret = vm_split_fs(c);
	if (ret)
		return ret;
	ret = vm_find_exedir(c);
	if (!ret)
		ret = vm_find_vmdir(c);
	if (ret) {
		vm_msg("cannot find the vm scripts (kernel.sh); set DAXSTRESS_VMDIR");
		return ret;
	}
	vm_cache_dir(c);
	vm_find_payload(c);
	ret = vm_resolve_kernel(c);
	if (!ret)
		ret = vm_build_initrd(c);
	if (ret)
		return ret;
	snprintf(c->tmpdir, sizeof(c->tmpdir), "/tmp/daxstress-vm.XXXXXX");
	if (!mkdtemp(c->tmpdir))
		return -errno;
	ret = vm_make_initrd(c);
	if (ret) {
		vm_msg("cannot write %s: %s", c->initrd, strerror(-ret));
		return ret;
	}
	ret = vm_open_pmem(c, !c->o->dry_run);
	if (ret)
		vm_msg("cannot set up a pmem backing file in %s/pmem: %s", c->cache,
		       strerror(-ret));
	return ret;
}

static void vm_cleanup(struct vm_ctx *c)
{
	vm_attempt_reset(c, VM_ACCEL_AUTO);
	if (c->ktap)
		fclose(c->ktap);
	if (c->pmem_fd >= 0)
		close(c->pmem_fd);
	if (!*c->tmpdir)
		return;
	if (c->o->keep) {
		vm_msg("kept %s", c->tmpdir);
		return;
	}
	if (*c->initrd)
		unlink(c->initrd);
	rmdir(c->tmpdir);
}

static int vm_dry_run(struct vm_ctx *c)
{
	enum vm_accel accel = c->o->accel;
	int ret;

	if (accel == VM_ACCEL_AUTO)
		accel = vm_kvm_usable(c, true) ? VM_ACCEL_KVM : VM_ACCEL_TCG;
	snprintf(c->rundir, sizeof(c->rundir), "%s", c->tmpdir);
	ret = vm_qemu_argv(c, accel, &c->a.argv);
	if (!ret)
		strv_print(stdout, &c->a.argv);
	return ret ? VM_EXIT_INCOMPLETE : VM_EXIT_OK;
}

static int vm_run(struct vm_ctx *c)
{
	char path[PATH_MAX];
	int ret, code;

	ret = vm_make_rundir(c);
	if (ret) {
		vm_msg("cannot create %s: %s", c->o->results, strerror(-ret));
		return VM_EXIT_INCOMPLETE;
	}
	vm_rundir_path(c, "ktap.txt", path, sizeof(path));
	c->ktap = fopen(path, "we");
	vm_signals(true);
	ret = vm_launch(c);
	vm_signals(false);
	if (ret) {
		vm_msg("cannot start QEMU: %s", strerror(-ret));
		c->a.end = VM_END_ERROR;
	}
	code = vm_exit_code(c);
	if (c->a.end != VM_END_DONE && c->a.end != VM_END_SIGNAL) {
		vm_print_tail(c, "console.log", VM_TAIL_LINES);
		if (c->a.end == VM_END_EXIT)
			vm_print_tail(c, "qemu.log", VM_TAIL_LINES / 4);
	}
	vm_write_report(c, code);
	vm_summary(c, code);
	return code;
}

int cmd_vm(int argc, char **argv)
{
	struct vm_opts o;
	struct vm_ctx c;
	int ret, code = VM_EXIT_INCOMPLETE;

	ret = vm_parse_opts(&o, argc, argv);
	if (ret) {
		if (ret > 0)
			vm_usage(stdout);
		return ret > 0 ? VM_EXIT_OK : VM_EXIT_INCOMPLETE;
	}
	memset(&c, 0, sizeof(c));
	c.o = &o;
	c.pmem_fd = -1;
	c.a.data_fd = -1;
	c.a.con_fd = -1;
	vm_stop_signal = 0;
	ret = vm_prepare(&c);
	if (ret)
		goto cleanup;
	if (o.dry_run)
		code = vm_dry_run(&c);
	else
		code = vm_run(&c);
cleanup:
	if (o.dry_run && *c.tmpdir)
		o.keep = true;
	vm_cleanup(&c);
	return code;
}
