// SPDX-License-Identifier: GPL-2.0
/*
 * daxstress vm: what the guest boots and where its results go. Finds the vm
 * scripts, the payload and the cache; resolves the kernel (runner/vm/
 * kernel.sh) and the cached initramfs (runner/vm/initramfs.sh); prepends a
 * small per-run cpio with the run settings; opens a locked pmem backing file;
 * makes results/<timestamp>/ and the results/latest symlink.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../lib/config/suite.h"
#include "../lib/core/paths.h"
#include "vm_priv.h"

#define VM_PMEM_SLOTS		8

/* ---- where things are, the kernel and the cached initramfs ---- */

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

int vm_find_exedir(struct vm_ctx *c)
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
void vm_find_payload(struct vm_ctx *c)
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
int vm_find_vmdir(struct vm_ctx *c)
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
	for (i = 0; i < ARRAY_SIZE(rel); i++) {
		snprintf(c->vmdir, sizeof(c->vmdir), "%s/%s", c->exedir, rel[i]);
		if (vm_is_exec(c->vmdir, "kernel.sh"))
			return 0;
	}
	return -ENOENT;
}

void vm_cache_dir(struct vm_ctx *c)
{
	const char *xdg = getenv("XDG_CACHE_HOME");
	const char *home = getenv("HOME");

	if (xdg && *xdg)
		snprintf(c->cache, sizeof(c->cache), "%s/daxstress", xdg);
	else
		snprintf(c->cache, sizeof(c->cache), "%s/.cache/daxstress", home ? home : "/tmp");
}

/* Run argv with stdout captured (last line, trimmed); stderr passes through. */
int vm_run_capture(char *const argv[], char *out, size_t size)
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

int vm_resolve_kernel(struct vm_ctx *c)
{
	char script[PATH_MAX], path[PATH_MAX];
	char *const argv[] = { script, (char *)c->o->kernel, (char *)c->o->modules, NULL };
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

int vm_build_initrd(struct vm_ctx *c)
{
	char script[PATH_MAX];
	char none[] = "-";
	char *const argv[] = { script, c->kdir, *c->payload ? c->payload : none, NULL };
	int ret;

	if (c->o->initrd) {
		snprintf(c->base_initrd, sizeof(c->base_initrd), "%s", c->o->initrd);
		return access(c->o->initrd, R_OK) ? -errno : 0;
	}
	snprintf(script, sizeof(script), "%s/initramfs.sh", c->vmdir);
	/* xfs-exchange is made by trixie's mkfs.xfs (xfsprogs.sh), only then in the image */
	if (vm_wants_fs(c, "xfs-exchange"))
		setenv("DAXSTRESS_VM_NEW_XFSPROGS", "1", 1);
	if (c->vfs)
		vm_virtiofs_modules();
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

/* NAME='VALUE' for the guest's shell. */
static void vm_env_add(FILE *f, const char *name, const char *val)
{
	fprintf(f, "%s=", name);
	vm_sh_quote(f, val);
	fputc('\n', f);
}

static const char *vm_exec_name(const struct vm_ctx *c)
{
	const char *slash = strrchr(c->o->exec, '/');

	return slash ? slash + 1 : c->o->exec;
}

/*
 * What the suite's cases need of the guest's hardware, from the parsed
 * suite: the scratch NVDIMM (evict-umount) and the slow null_blk (a case
 * whose target is /dev/nullb-slow). The guest is told, not left to search
 * the suite's text.
 */
static void vm_suite_needs(const char *suite, bool *scratch, bool *slow)
{
	static struct suite s;
	char path[PATH_MAX], err[256];
	unsigned int i;

	*scratch = *slow = false;
	/* A suite that does not load is reported by the guest's run. */
	if (path_suite(suite, path, sizeof(path)) || suite_load(&s, path, err, sizeof(err)))
		return;
	for (i = 0; i < s.ncases; i++) {
		*scratch |= !strcmp(s.cases[i].opts.brk, "evict-umount");
		*slow |= !strcmp(s.cases[i].opts.target, "/dev/nullb-slow");
	}
}

static int vm_write_env(const struct vm_ctx *c, FILE *f, const char *suite)
{
	char cmd[PATH_MAX + 32];
	bool scratch, slow;
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
	vm_env_add(m, "DAXSTRESS_KERNEL_SPEC", c->o->kernel);
	if (c->o->shard)
		vm_env_add(m, "DAXSTRESS_SHARD", c->o->shard);
	if (c->trace)
		vm_env_add(m, "DAXSTRESS_TRACE", "/etc/daxstress/trace");
	if (c->scratch[0])
		vm_env_add(m, "DAXSTRESS_NVDIMMS", "2");
	if (c->vfs)
		vm_env_add(m, "DAXSTRESS_VIRTIOFS_TAG", VM_VIRTIOFS_TAG);
	if (c->o->exec) {
		/* the init's MNT and TARGET: the DAX directory and the O_DIRECT source */
		snprintf(cmd, sizeof(cmd), "/usr/local/bin/%s \"$MNT\" \"$TARGET\"",
			 vm_exec_name(c));
		vm_env_add(m, "DAXSTRESS_CMD", cmd);
	}
	vm_suite_needs(c->o->suite, &scratch, &slow);
	vm_env_add(m, "DAXSTRESS_NEED_SCRATCH", scratch ? "1" : "0");
	vm_env_add(m, "DAXSTRESS_NEED_SLOW_NULLB", slow ? "1" : "0");
	if (fclose(m)) {
		free(env);
		return -ENOMEM;
	}
	ret = vm_cpio_add(f, "etc/daxstress/run.env", S_IFREG | 0644, env, len);
	free(env);
	return ret;
}

/* --trace: the probes in the guest's form, for the init to register. */
static int vm_write_trace(const struct vm_ctx *c, FILE *f)
{
	char *data;
	size_t len;
	int ret = vm_trace_guest_file(c, &data, &len);

	if (!ret && data)
		ret = vm_cpio_add(f, "etc/daxstress/trace", S_IFREG | 0644, data, len);
	free(data);
	return ret;
}

/* --exec: the program as /usr/local/bin/NAME, run by the init in place of daxstress run. */
static int vm_write_exec(const struct vm_ctx *c, FILE *f)
{
	char guest[PATH_MAX];
	size_t len = 0;
	char *data;
	int ret;

	if (!c->o->exec)
		return 0;
	data = vm_slurp(c->o->exec, &len);
	if (!data) {
		vm_msg("--exec %s: cannot read it: %s", c->o->exec, strerror(errno));
		return -EIO;
	}
	vm_cpio_add(f, "usr", S_IFDIR | 0755, NULL, 0);
	vm_cpio_add(f, "usr/local", S_IFDIR | 0755, NULL, 0);
	vm_cpio_add(f, "usr/local/bin", S_IFDIR | 0755, NULL, 0);
	snprintf(guest, sizeof(guest), "usr/local/bin/%s", vm_exec_name(c));
	ret = vm_cpio_add(f, guest, S_IFREG | 0755, data, len);
	free(data);
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
		ret = vm_write_trace(c, f);
	if (!ret)
		ret = vm_write_exec(c, f);
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

int vm_make_initrd(struct vm_ctx *c)
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

/* The scratch NVDIMM's image, under the main image's lock (slot i). */
static int vm_open_scratch(struct vm_ctx *c, const char *dir, int i, bool create)
{
	int fd, ret = 0;

	c->scratch[0] = '\0';
	if (c->o->virtio_pmem || c->o->memmap)
		return 0;
	snprintf(c->scratch, sizeof(c->scratch), "%s/nvdimm-%d-scratch.img", dir, i);
	if (!create)
		return 0;
	fd = open(c->scratch, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	if (ftruncate(fd, VM_SCRATCH_BYTES))
		ret = -errno;
	close(fd);
	return ret;
}

int vm_open_pmem(struct vm_ctx *c, bool lock)
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
			return vm_open_scratch(c, dir, i, false);
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
		return vm_open_scratch(c, dir, i, true);
	}
	return -EBUSY;
}

/* ---- results directory ---- */

int vm_make_rundir(struct vm_ctx *c)
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

void vm_rundir_path(const struct vm_ctx *c, const char *name, char *buf, size_t size)
{
	snprintf(buf, size, "%s/%s", c->rundir, name);
}
