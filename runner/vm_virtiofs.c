// SPDX-License-Identifier: GPL-2.0
/*
 * daxstress vm --fs virtiofs: virtiofs with a DAX window.
 *
 * The parts come from runner/vm/virtiofs-prep.sh's cache (make virtiofs-prep):
 * a Debian sid tree with QEMU 11.1, whose vhost-user-test-device-pci exposes
 * the vhost-user shared-memory window, and Debian's virtiofsd built with our
 * patch (configs/virtiofsd/), which maps FUSE_SETUPMAPPING into it. Both run
 * from that tree through its own dynamic loader (sid's C library is newer
 * than the host's), so nothing is mounted and no chroot is entered.
 *
 * Each run starts the daemon on a fresh directory under the run's results
 * directory, waits for its socket, boots QEMU against it, and at the end
 * (done, deadline, panic, Ctrl-C, daemon death) stops QEMU, then the daemon,
 * and removes the directory and the socket. Both children are in their own
 * process group with PR_SET_PDEATHSIG, so a killed launcher takes them along.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <json-c/json.h>

#include "vm_priv.h"

#define VFS_WINDOW_MIN		(2ULL << 20)
/*
 * Every live mapping is a memory region in the vhost-user memory table, and
 * the backend library allows 509 slots: 256 MiB is 128 ranges of 2 MiB,
 * well inside it even with the guest RAM's regions.
 */
#define VFS_WINDOW_MAX		(256ULL << 20)
#define VFS_SOCKET_WAIT_S	20
#define VFS_KILL_GRACE_S	3
#define VFS_THREADS		"4"

struct vm_virtiofs {
	char root[PATH_MAX];	/* the sid tree */
	char skip[512];		/* why virtiofs cannot run, "" when it can */
	char dir[PATH_MAX];	/* the shared directory, ours */
	char sock[PATH_MAX];
	char log[PATH_MAX];
	pid_t pid;
	int status;
	bool exited;
	bool died;		/* exited while the guest ran */
	uint64_t t_sample;
	FILE *threads;		/* virtiofsd-threads.log */
};

#define VFS_SAMPLE_S		5

/*
 * Every few seconds, one line per daemon thread: state and wchan. During a
 * stall this tells a daemon that stopped answering (threads in D, or all
 * asleep in the vhost-user socket while a request waits) from a guest-side
 * lost wakeup (the daemon idle in its epoll and futex waits).
 */
static void vfs_sample_threads(struct vm_virtiofs *v)
{
	char path[PATH_MAX], stat[512], wchan[64];
	struct dirent *de;
	DIR *d;
	int fd, n;

	if (!v->threads || v->pid <= 0)
		return;
	snprintf(path, sizeof(path), "/proc/%d/task", (int)v->pid);
	d = opendir(path);
	if (!d)
		return;
	fprintf(v->threads, "%.1f", vm_secs(0, vm_now()));
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%s/stat", (int)v->pid, de->d_name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		n = fd >= 0 ? vm_read_all(fd, stat, sizeof(stat)) : -1;
		if (fd >= 0)
			close(fd);
		snprintf(path, sizeof(path), "/proc/%d/task/%s/wchan", (int)v->pid, de->d_name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		wchan[0] = '\0';
		if (fd >= 0) {
			vm_read_all(fd, wchan, sizeof(wchan));
			close(fd);
		}
		if (n < 0 || !strrchr(stat, ')'))
			continue;
		fprintf(v->threads, " %s:%.*s:%c:%s", de->d_name,
			(int)(strrchr(stat, ')') - strchr(stat, '(') - 1), strchr(stat, '(') + 1,
			strrchr(stat, ')')[2], wchan[0] ? wchan : "-");
	}
	fputc('\n', v->threads);
	fflush(v->threads);
	closedir(d);
}

int vm_parse_window(const char *arg, unsigned long long *out)
{
	unsigned long long v;
	char *end;

	errno = 0;
	v = strtoull(arg, &end, 10);
	if (!errno && end != arg) {
		if (*end == 'M' || *end == 'm')
			v <<= 20, end++;
		else if (*end == 'K' || *end == 'k')
			v <<= 10, end++;
	}
	if (errno || end == arg || *end || v < VFS_WINDOW_MIN || v > VFS_WINDOW_MAX ||
	    v % VFS_WINDOW_MIN) {
		vm_msg("--virtiofs-window: expected 2M..256M in whole 2 MiB units, got '%s' %s",
		       arg, "(each mapped range is a vhost-user memory slot; the backend has 509)");
		return -EINVAL;
	}
	*out = v;
	return 0;
}

static bool vm_fs_is_virtiofs(const char *fs)
{
	return !strncmp(fs, "virtiofs", 8);
}

bool vm_virtiofs(const struct vm_ctx *c)
{
	return c->nfs && vm_fs_is_virtiofs(c->fs[0]);
}

/* virtiofs replaces the NVDIMMs: one run is either all virtiofs or none. */
int vm_virtiofs_check_fs(const struct vm_ctx *c)
{
	int i, n = 0;

	for (i = 0; i < c->nfs; i++)
		n += vm_fs_is_virtiofs(c->fs[i]);
	if (n && n != c->nfs) {
		vm_msg("--fs: virtiofs runs without the NVDIMMs: give it in a run of its own");
		return -EINVAL;
	}
	if (n && c->o->virtio_pmem) {
		vm_msg("--virtio-pmem does not apply to --fs virtiofs");
		return -EINVAL;
	}
	return 0;
}

static void vfs_path(const struct vm_virtiofs *v, const char *rel, char *buf, size_t size)
{
	snprintf(buf, size, "%s/%s", v->root, rel);
}

/* Is the prepared cache there and made with this patch? (virtiofs-prep.sh --check) */
static void vfs_check_cache(struct vm_ctx *c, struct vm_virtiofs *v)
{
	char script[PATH_MAX], out[256];
	char check[] = "--check";
	char *const argv[] = { script, check, NULL };

	snprintf(v->root, sizeof(v->root), "%s/virtiofs/root", c->cache);
	snprintf(script, sizeof(script), "%s/virtiofs-prep.sh", c->vmdir);
	if (getenv("DAXSTRESS_VIRTIOFS_SKIP")) {
		/* tests: what a machine without the cache sees */
		snprintf(v->skip, sizeof(v->skip), "%s", getenv("DAXSTRESS_VIRTIOFS_SKIP"));
		return;
	}
	if (access(script, X_OK)) {
		snprintf(v->skip, sizeof(v->skip), "no %s", script);
		return;
	}
	if (vm_run_capture(argv, out, sizeof(out)))
		snprintf(v->skip, sizeof(v->skip),
			 "virtiofs DAX parts not prepared in %s/virtiofs (run make virtiofs-prep, about 5 min once)",
			 c->cache);
}

int vm_virtiofs_prepare(struct vm_ctx *c)
{
	struct vm_virtiofs *v;

	if (!vm_virtiofs(c))
		return 0;
	v = calloc(1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	v->pid = -1;
	c->vfs = v;
	vfs_check_cache(c, v);
	return 0;
}

/* Debian's kernels have fuse and virtiofs as modules: the initramfs adds them. */
void vm_virtiofs_modules(void)
{
	const char *old = getenv("DAXSTRESS_VM_MODULES");
	char buf[1024];

	snprintf(buf, sizeof(buf), "%s%sfuse virtiofs", old ? old : "", old ? " " : "");
	setenv("DAXSTRESS_VM_MODULES", buf, 1);
}

const char *vm_virtiofs_skip(const struct vm_ctx *c)
{
	return c->vfs && c->vfs->skip[0] ? c->vfs->skip : NULL;
}

/* argv[0..]: the tree's loader running PROGRAM with the tree's libraries. */
static int vfs_loader_argv(const struct vm_virtiofs *v, const char *program, struct strv *a)
{
	char ld[PATH_MAX], prog[PATH_MAX];
	int err;

	vfs_path(v, "usr/lib64/ld-linux-x86-64.so.2", ld, sizeof(ld));
	vfs_path(v, program, prog, sizeof(prog));
	err = strv_addf(a, "%s", ld);
	err |= strv_addf(a, "--library-path");
	err |= strv_addf(a, "%s/usr/lib/x86_64-linux-gnu", v->root);
	err |= strv_addf(a, "%s", prog);
	return err ? -ENOMEM : 0;
}

static int vfs_daemon_argv(const struct vm_ctx *c, const struct vm_virtiofs *v, struct strv *a)
{
	int err = vfs_loader_argv(v, "build/target/debug/virtiofsd", a);

	err |= strv_addf(a, "--socket-path=%s", v->sock);
	err |= strv_addf(a, "--shared-dir=%s", v->dir);
	err |= strv_addf(a, "--tag=%s", VM_VIRTIOFS_TAG);
	err |= strv_addf(a, "--sandbox=none");
	/*
	 * A pool, not the queue thread, serves requests: with none, the queue
	 * thread waits for QEMU's SHMEM_UNMAP reply while QEMU waits for the
	 * REM_MEM_REG reply from the backend thread (measured deadlock).
	 */
	err |= strv_addf(a, "--thread-pool-size=%s", VFS_THREADS);
	err |= strv_addf(a, "--dax-window=%llu", c->o->virtiofs_window);
	return err ? -ENOMEM : 0;
}

/* The QEMU command's first words: sid's QEMU through the tree's loader. */
int vm_virtiofs_qemu_argv(const struct vm_ctx *c, struct strv *a)
{
	const struct vm_virtiofs *v = c->vfs;
	int err = vfs_loader_argv(v, "usr/bin/qemu-system-x86_64", a);

	err |= strv_addf(a, "-L");
	err |= strv_addf(a, "%s/usr/share/qemu", v->root);
	err |= strv_addf(a, "-L");
	err |= strv_addf(a, "%s/usr/share/seabios", v->root);
	err |= strv_addf(a, "-machine");
	err |= strv_addf(a, "q35,memory-backend=vfsmem");
	err |= strv_addf(a, "-m");
	err |= strv_addf(a, "2G");
	err |= strv_addf(a, "-object");
	err |= strv_addf(a, "memory-backend-memfd,id=vfsmem,size=2G,share=on");
	err |= strv_addf(a, "-chardev");
	err |= strv_addf(a, "socket,id=vfs,path=%s/virtiofsd.sock", c->tmpdir);
	/* virtio-id 26 is virtio-fs; its config: tag[36] and num_request_queues */
	err |= strv_addf(a, "-device");
	err |= strv_addf(a, "vhost-user-test-device-pci,chardev=vfs,virtio-id=26,%s",
			 "num_vqs=2,config_size=40,vq_size=128");
	return err ? -ENOMEM : 0;
}

static int vfs_spawn(struct vm_virtiofs *v, struct strv *a)
{
	char qmod[PATH_MAX];
	pid_t pid;

	snprintf(qmod, sizeof(qmod), "%s/usr/lib/x86_64-linux-gnu/qemu", v->root);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (!pid) {
		setpgid(0, 0);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (!freopen("/dev/null", "r", stdin) || !freopen(v->log, "w", stdout) ||
		    dup2(STDOUT_FILENO, STDERR_FILENO) < 0)
			_exit(127);
		setenv("QEMU_MODULE_DIR", qmod, 1);
		execv(a->v[0], a->v);
		fprintf(stderr, "daxstress vm: %s: %s\n", a->v[0], strerror(errno));
		_exit(127);
	}
	v->pid = pid;
	return 0;
}

static void vfs_reap(struct vm_virtiofs *v)
{
	if (v->pid > 0 && !v->exited && waitpid(v->pid, &v->status, WNOHANG) == v->pid)
		v->exited = true;
}

/* The daemon listens once its socket exists. */
static int vfs_wait_socket(struct vm_virtiofs *v)
{
	uint64_t t0 = vm_now();
	struct stat st;

	while (vm_secs(t0, vm_now()) < VFS_SOCKET_WAIT_S) {
		if (!stat(v->sock, &st) && S_ISSOCK(st.st_mode))
			return 0;
		vfs_reap(v);
		if (v->exited)
			return -ECHILD;
		poll(NULL, 0, 50);
	}
	return -ETIMEDOUT;
}

int vm_virtiofs_start(struct vm_ctx *c)
{
	struct vm_virtiofs *v = c->vfs;
	char path[PATH_MAX];
	struct strv a = { 0 };
	int ret;

	if (!v)
		return 0;
	v->exited = false;
	v->died = false;
	v->pid = -1;
	vm_rundir_path(c, "virtiofs-dir", v->dir, sizeof(v->dir));
	vm_rundir_path(c, "virtiofsd.log", v->log, sizeof(v->log));
	snprintf(v->sock, sizeof(v->sock), "%s/virtiofsd.sock", c->tmpdir);
	if (mkdir(v->dir, 0755) && errno != EEXIST)
		return -errno;
	unlink(v->sock);
	ret = vfs_daemon_argv(c, v, &a);
	if (!ret) {
		fputs("daxstress vm: virtiofsd: ", stderr);
		strv_print(stderr, &a);
		ret = vfs_spawn(v, &a);
	}
	strv_free(&a);
	if (!ret)
		ret = vfs_wait_socket(v);
	vm_rundir_path(c, "virtiofsd-threads.log", path, sizeof(path));
	if (!v->threads)
		v->threads = fopen(path, "we");
	if (ret)
		vm_msg("virtiofsd did not start (%s); its log: %s",
		       ret == -ECHILD ? "it exited" : strerror(-ret), v->log);
	return ret;
}

/* A daemon that died under a running guest ends the run: say how. */
bool vm_virtiofs_died(struct vm_ctx *c, char *why, size_t size)
{
	struct vm_virtiofs *v = c->vfs;

	if (!v || v->pid <= 0)
		return false;
	vfs_reap(v);
	if (!v->exited) {
		if (vm_secs(v->t_sample, vm_now()) >= VFS_SAMPLE_S) {
			v->t_sample = vm_now();
			vfs_sample_threads(v);
		}
		return false;
	}
	v->died = true;
	if (WIFSIGNALED(v->status))
		snprintf(why, size, "virtiofsd killed by signal %d (log: %s)",
			 WTERMSIG(v->status), v->log);
	else
		snprintf(why, size, "virtiofsd exited with status %d (log: %s)",
			 WEXITSTATUS(v->status), v->log);
	return true;
}

static int vfs_rm(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	return remove(path) && errno != ENOENT ? -1 : 0;
}

/* Stop the daemon (after QEMU), remove its socket and directory. */
void vm_virtiofs_stop(struct vm_ctx *c)
{
	struct vm_virtiofs *v = c->vfs;
	uint64_t t;

	if (!v)
		return;
	if (v->pid > 0) {
		vfs_reap(v);
		if (!v->exited) {
			kill(v->pid, SIGTERM);
			for (t = vm_now(); !v->exited && vm_secs(t, vm_now()) < VFS_KILL_GRACE_S;
			     poll(NULL, 0, 50))
				vfs_reap(v);
		}
		if (!v->exited) {
			kill(v->pid, SIGKILL);
			if (waitpid(v->pid, &v->status, 0) == v->pid)
				v->exited = true;
		}
		v->pid = -1;
	}
	if (v->sock[0])
		unlink(v->sock);
	if (v->dir[0] && nftw(v->dir, vfs_rm, 16, FTW_DEPTH | FTW_PHYS) && errno != ENOENT)
		vm_msg("cannot remove %s: %s", v->dir, strerror(errno));
	v->dir[0] = '\0';
}

void vm_virtiofs_free(struct vm_ctx *c)
{
	if (!c->vfs)
		return;
	vm_virtiofs_stop(c);
	if (c->vfs->threads)
		fclose(c->vfs->threads);
	free(c->vfs);
	c->vfs = NULL;
}

/* report.json: the window and the daemon's end (a hang in it shows here). */
void vm_virtiofs_report(const struct vm_ctx *c, struct json_object *r)
{
	const struct vm_virtiofs *v = c->vfs;
	struct json_object *o = json_object_new_object();
	char end[64] = "running";

	if (v->exited && WIFSIGNALED(v->status))
		snprintf(end, sizeof(end), "killed by signal %d", WTERMSIG(v->status));
	else if (v->exited)
		snprintf(end, sizeof(end), "exited with status %d", WEXITSTATUS(v->status));
	json_object_object_add(o, "window_bytes", json_object_new_int64(c->o->virtiofs_window));
	json_object_object_add(o, "daemon_log", json_object_new_string(v->log));
	json_object_object_add(o, "daemon_threads_every_5s",
			       json_object_new_string("virtiofsd-threads.log"));
	json_object_object_add(o, "daemon_end", json_object_new_string(end));
	json_object_object_add(o, "daemon_died_during_run", json_object_new_boolean(v->died));
	json_object_object_add(r, "virtiofs", o);
}
