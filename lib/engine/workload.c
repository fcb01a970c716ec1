// SPDX-License-Identifier: GPL-2.0
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <json.h>

#include "../core/child.h"
#include "../probe/dax_probe.h"
#include "fsxattr.h"
#include "../verdict/judge.h"
#include "../report/ktap.h"
#include "../monitor/monitor.h"
#include "../monitor/kwatch.h"
#include "../core/pattern.h"
#include "plant.h"
#include "../trace/pmdtrace.h"
#include "../trace/tracing.h"
#include "../core/procinfo.h"
#include "../monitor/sigmatch.h"
#include "../report/result.h"
#include "roles.h"
#include "target.h"
#include "workload.h"

enum { P_OWNER, P_PINNER, P_BREAKER, P__COUNT };

static const char *const proc_name[P__COUNT] = { "owner", "pinner", "breaker" };

struct wl {
	const struct wl_desc *desc;
	struct case_opts o;
	struct wl_shared *sh;
	struct role_env env;
	struct target tgt;
	struct dax_info dax;
	char path[PATH_MAX];
	int fd;
	pid_t pid[P__COUNT];
	bool reaped[P__COUNT];
	bool killed[P__COUNT];	/* killed on purpose by a proof step */
	char late[P__COUNT][128];	/* did not stop at the end: where it was */
	char spun[24];			/* a pinner thread that spun in GUP at the end */
	int status[P__COUNT];
	uint64_t full_ns;	/* when the filesystem was first seen full, or 0 */
	double budget_s;	/* when the wait budget was reached, or 0 */
	struct trace_records records;	/* open: the budget counts the kernel's waits */
	uint64_t start_ns;
	struct monitor_result *mon;
	struct case_result res;
	struct judge judge;
	struct pmd_trace pmd;
};

static atomic_int interrupted;

static void on_interrupt(int sig)
{
	/* the first one: Ctrl-C, then the runner's SIGTERM, is "signal 2" */
	if (!interrupted)
		interrupted = sig;
}

/* A stage's finding, for the case's one judge (judge.h). */
#define found(w, stage, v, ...) judge_add(&(w)->judge, stage, v, __VA_ARGS__)

static enum verdict so_far(const struct wl *w)
{
	return judge_verdict(&w->judge);
}

/* ---- the case file ---------------------------------------------------- */

/*
 * The whole file: the stable part is checked at the end, and the break
 * region needs written blocks too. A read fault on a hole or an unwritten
 * extent maps the zero page, so without a writing owner (owner-threads = 0,
 * map = private-ro) a read-only pin (pvm, vmsplice) held no DAX page at all
 * (0 busy scans in 8 s). A sharer's clone also shares written blocks only.
 * The final break leaves the region zero, which is what is checked there.
 */
static int prewrite(struct wl *w)
{
	static char page[PAT_PAGE];
	uint64_t end = w->o.size;
	uint64_t i;

	for (i = 0; i < end / PAT_PAGE; i++) {
		pattern_fill(page, w->o.seed, i, 0);
		if (pwrite(w->fd, page, PAT_PAGE, (off_t)(i * PAT_PAGE)) != (ssize_t)PAT_PAGE)
			return errno ? -errno : -ENOSPC;
	}
	return 0;
}

static bool plant_case(const struct wl *w)
{
	return w->env.pin->flags & PIN_F_PLANT;
}

/* Decide whether the case can run here; 0 to go on, else the verdict is set. */
static int check_dax(struct wl *w)
{
	if (dax_probe_fd(w->fd, w->path, &w->dax)) {
		found(w, "setup", V_ERROR, "%s", w->dax.why);
		return -1;
	}
	strscpy_trunc(w->res.fs, w->dax.fstype, sizeof(w->res.fs));
	w->env.dax = w->dax.file_dax;
	w->res.dax = w->env.dax;
	if (w->dax.file_dax || w->o.allow_nodax || plant_case(w))
		return 0;
	if (w->o.dax_flag && w->dax.statx_known) {
		/* The per-file policy was set and did not take: never a pass */
		found(w, "setup", V_ERROR, "%s has FS_XFLAG_DAX set and was opened again, but is not DAX (%s, %s)",
		       w->path, w->dax.fstype, dax_mode_name(w->dax.mode));
		return -1;
	}
	if (w->dax.mode == DAX_MOUNT_ALWAYS && w->dax.statx_known) {
		/* DAX was asked for and silently did not take: never a pass */
		found(w, "setup", V_ERROR, "%s", w->dax.why);
		return -1;
	}
	found(w, "setup", V_SKIP, "%s", w->dax.why);
	return -1;
}

/* The per-file DAX flag applies when the inode is next loaded: set it, close, open again. */
static int set_dax_flag(struct wl *w)
{
	int ret = fsx_set_dax(w->fd, true);

	if (ret) {
		found(w, "setup", V_SKIP, "cannot set FS_XFLAG_DAX on %s (%s): %s: this kernel or filesystem has no per-file DAX flag",
		       w->path, w->dax.fstype, strerror(-ret));
		return -1;
	}
	close(w->fd);
	w->fd = open(w->path, O_RDWR | O_CLOEXEC);
	if (w->fd >= 0)
		return 0;
	found(w, "setup", V_ERROR, "cannot open %s again: %s", w->path, strerror(errno));
	return -1;
}

/*
 * 2 MiB faults need 2 MiB-aligned physical extents: xfs gets an extent size
 * hint before the file has blocks; ext4 has no such hint, so both rely on a
 * whole-file fallocate on a mostly empty filesystem (see the result).
 */
static void prepare_pmd(struct wl *w)
{
	int ret;

	if (strcmp(w->dax.fstype, "xfs")) {
		snprintf(w->res.pmd_layout, sizeof(w->res.pmd_layout),
			 "%s: no extent size hint; whole-file fallocate", w->dax.fstype);
		return;
	}
	ret = fsx_set_extsize(w->fd, 2u << 20);
	snprintf(w->res.pmd_layout, sizeof(w->res.pmd_layout),
		 "xfs: extent size hint 2M %s%s; whole-file fallocate", ret ? "refused: " : "set",
		 ret ? strerror(-ret) : "");
}

static int fill_case_file(struct wl *w)
{
	if (ftruncate(w->fd, (off_t)w->o.size))
		return -errno;
	if (w->o.pmd && fallocate(w->fd, 0, 0, (off_t)w->o.size))
		return -errno;
	return prewrite(w);
}

/*
 * A full filesystem must be named as such. Mid-case it is otherwise
 * invisible: a page fault that must allocate on a full filesystem raises
 * SIGBUS, which the owner takes for an expected truncation SIGBUS.
 */
static int check_space(struct wl *w)
{
	struct statvfs sv;
	uint64_t avail;

	if (statvfs(w->o.dir, &sv))
		return 0;	/* no answer: the writes will tell */
	avail = (uint64_t)sv.f_bavail * sv.f_frsize;
	if (avail >= w->o.size)
		return 0;
	found(w, "setup", V_ERROR,
	       "ENOSPC: %s has %llu KiB free, the case file needs %llu KiB: free space or pass a smaller --size",
	       w->o.dir,
	       (unsigned long long)(avail >> 10), (unsigned long long)(w->o.size >> 10));
	return -1;
}

/* Called from every monitor tick: statvfs is cheap next to a 50 ms tick. */
static void watch_full(struct wl *w)
{
	struct statvfs sv;

	if (!w->full_ns && !statvfs(w->o.dir, &sv) && !sv.f_bavail)
		w->full_ns = now_ns();
}

/*
 * Fullness seen by a tick, or proven by the owner: a breaker that never
 * shrinks the file cannot explain an owner SIGBUS, so each one is a fault
 * the filesystem failed. The ticks alone miss a full filesystem whose
 * breaker keeps freeing blocks between them.
 */
static void check_full(struct wl *w)
{
	uint64_t sigbus = atomic_load(&w->sh->sigbus);

	watch_full(w);
	if (w->full_ns) {
		found(w, "end", V_ERROR,
		       "ENOSPC: the filesystem of %s ran full %.1f s into the case (%llu owner SIGBUS may be failed allocations, not truncations): free space or pass a smaller --size",
		       w->o.dir, ns_to_s(w->full_ns - w->start_ns),
		       (unsigned long long)sigbus);
		return;
	}
	if (sigbus && (w->env.brk->flags & BRK_F_KEEPS_SIZE))
		found(w, "end", V_ERROR,
		       "ENOSPC: the filesystem of %s ran full (or failed I/O): %llu owner page faults got SIGBUS, and %s never shrinks the file: free space or pass a smaller --size",
		       w->o.dir, (unsigned long long)sigbus, w->env.brk->name);
}

/*
 * sharer = yes: an unnamed file in the case directory that shares every
 * block of the case file (FICLONE); it goes away with its last fd and
 * mapping. The first owner maps it (role_owner.c).
 */
static int open_sharer(struct wl *w)
{
	int fd = open(w->o.dir, O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);

	if (fd < 0) {
		found(w, "setup", V_SKIP, "sharer: cannot create an unnamed file in %s: %s",
		      w->o.dir, strerror(errno));
		return -1;
	}
	if (ioctl(fd, FICLONE, w->fd)) {
		found(w, "setup", V_SKIP, "sharer: FICLONE of %s: %s (needs xfs with reflink=1)",
		      w->path, strerror(errno));
		close(fd);
		return -1;
	}
	w->env.sharer_fd = fd;
	return 0;
}

static int open_case_file(struct wl *w)
{
	int ret;

	if (dax_probe_mount(w->o.dir, &w->dax)) {
		found(w, "setup", V_ERROR, "%s", w->dax.why);
		return -1;
	}
	if (w->dax.mode == DAX_MOUNT_NONE && !w->o.allow_nodax && !plant_case(w)) {
		strscpy_trunc(w->res.fs, w->dax.fstype, sizeof(w->res.fs));
		found(w, "setup", V_SKIP, "%s", w->dax.why);
		return -1;
	}
	if (check_space(w))
		return -1;
	snprintf(w->path, sizeof(w->path), "%s/daxstress-%d-%s.dat", w->o.dir,
		 getpid(), w->desc->name);
	w->fd = open(w->path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (w->fd < 0) {
		found(w, "setup", V_ERROR, "cannot create %s: %s", w->path, strerror(errno));
		return -1;
	}
	if (w->o.dax_flag && set_dax_flag(w))
		return -1;
	if (w->o.pmd)
		prepare_pmd(w);
	if (check_dax(w))
		return -1;
	w->env.size = w->o.size;
	/* The first quarter keeps its pattern; breaks stay in the rest. */
	w->env.brk_start = (w->o.size / 4) & ~((2ULL << 20) - 1);
	if ((w->env.brk->flags & BRK_F_WHOLE) || (w->env.pin->flags & PIN_F_WHOLE))
		w->env.brk_start = 0;
	ret = fill_case_file(w);
	if (ret) {
		found(w, "setup", V_ERROR, "cannot fill %s (%llu bytes): %s%s", w->path,
		       (unsigned long long)w->o.size, strerror(-ret),
		       ret == -ENOSPC ? ": the filesystem is full; free space or pass a smaller --size" : "");
		return -1;
	}
	return w->o.sharer ? open_sharer(w) : 0;
}

static int open_target(struct wl *w)
{
	char err[512];
	uint64_t need = w->o.pin_size * 8;
	int ret;

	/* the pinner's O_DIRECT side, or the breaker's (evict-*: hold = odirect) */
	if (!(w->env.pin->flags & PIN_F_TARGET) && !brk_wants_target(&w->o))
		return 0;
	ret = target_open(&w->tgt, w->o.target, need < (4u << 20) ? 4u << 20 : need,
			  err, sizeof(err));
	if (ret) {
		found(w, "setup", ret == -ENOENT ? V_SKIP : V_ERROR, "%s", err);
		return -1;
	}
	w->env.target_fd = w->tgt.fd;
	w->env.target_writable = w->tgt.writable;
	w->env.target_size = w->tgt.size;
	return 0;
}

/* ---- processes -------------------------------------------------------- */

static pid_t spawn(struct wl *w, void (*role)(const struct role_env *))
{
	pid_t parent = getpid();
	pid_t pid = fork();

	if (pid)
		return pid;
	/* No orphans: if the monitor dies, so does every workload process. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != parent)
		_exit(1);
	signal(SIGINT, SIG_IGN);
	signal(SIGTERM, SIG_DFL);
	role(&w->env);
	_exit(127);	/* roles never return */
}

/* Wait until a role says it is set up; both map the full-size file, so no break may start before. */
static int wait_ready(struct wl *w, _Atomic int *flag, int who)
{
	uint64_t end = now_ns() + 30 * NSEC_PER_SEC;

	while (!atomic_load(flag) && now_ns() < end) {
		if (atomic_load(&w->sh->error))
			break;
		if (!child_reap(w->pid[who], 0, &w->status[who])) {
			w->reaped[who] = true;
			break;
		}
		sleep_ms(1);
	}
	if (atomic_load(flag))
		return 0;
	found(w, "setup", V_ERROR, "the %s did not start: %s", proc_name[who],
	       w->sh->errmsg[0] ? w->sh->errmsg : "no answer in 30 s");
	return -1;
}

static int start_roles(struct wl *w)
{
	w->pid[P_OWNER] = spawn(w, role_owner);
	if (w->pid[P_OWNER] < 0 || wait_ready(w, &w->sh->owner_ready, P_OWNER))
		return -1;
	w->res.via_pmem2 = w->env.dax;
	w->res.map_sync = atomic_load(&w->sh->owner_ready) == 2;
	w->pid[P_PINNER] = spawn(w, role_pinner);
	if (w->pid[P_PINNER] < 0 || wait_ready(w, &w->sh->pinner_ready, P_PINNER))
		return -1;
	w->pid[P_BREAKER] = spawn(w, role_breaker);
	if (w->pid[P_BREAKER] < 0) {
		found(w, "setup", V_ERROR, "fork: %s", strerror(errno));
		return -1;
	}
	atomic_store(&w->sh->go, 1);
	return 0;
}

static void reap_early(struct wl *w, int i)
{
	if (w->pid[i] > 0 && !w->reaped[i] && !child_reap(w->pid[i], 0, &w->status[i]))
		w->reaped[i] = true;
}

/* ---- monitor ops ------------------------------------------------------ */

/* A role that failed ends the case: an error, or a skip if its operation is unsupported. */
static enum verdict role_failed(struct wl *w)
{
	return atomic_load(&w->sh->unsupported) ? V_SKIP : V_ERROR;
}

static enum verdict mon_check(void *ctx, char *why, size_t len)
{
	struct wl *w = ctx;
	char desc[64];
	int i;

	if (interrupted) {
		snprintf(why, len, "interrupted by signal %d", atomic_load(&interrupted));
		return V_ERROR;
	}
	watch_full(w);
	if (atomic_load(&w->sh->error) > 0) {
		strscpy_trunc(why, w->sh->errmsg, len);
		return role_failed(w);
	}
	for (i = 0; i < P__COUNT; i++) {
		reap_early(w, i);
		if (!w->reaped[i])
			continue;
		child_describe(w->status[i], desc, sizeof(desc));
		snprintf(why, len, "the %s process ended early: %s%s%s", proc_name[i], desc,
			 w->sh->errmsg[0] ? ": " : "", w->sh->errmsg);
		return role_failed(w);
	}
	return V_PASS;
}

static void kill_pinners(struct wl *w)
{
	uint32_t i, n = atomic_load(&w->sh->hb.used);

	if (!w->reaped[P_PINNER] &&
	    !child_kill_reap(w->pid[P_PINNER], (unsigned int)w->o.grace_ms, &w->status[P_PINNER]))
		w->reaped[P_PINNER] = true;
	w->killed[P_PINNER] = true;
	for (i = 0; i < n && i < HB_MAX_SLOTS; i++)
		if (w->sh->hb.slot[i].role == ROLE_PINNER)
			atomic_store(&w->sh->hb.slot[i].state, HB_DONE);
}

/* Pinner threads finish their I/O and park; their mappings stay. */
static const char *mon_release_pins(void *ctx, uint64_t timeout_ns, bool *killed)
{
	struct wl *w = ctx;
	uint64_t end = now_ns() + timeout_ns;

	atomic_store(&w->sh->pin_park, 1);
	while (atomic_load(&w->sh->pin_parked) < w->o.threads) {
		if (now_ns() > end || w->reaped[P_PINNER]) {
			*killed = !w->reaped[P_PINNER];
			kill_pinners(w);
			return "pinners did not stop in time: killed (their mappings went too)";
		}
		sleep_ms(5);
	}
	return "every pinner stopped and parked, mappings kept";
}

/* A legitimate wait after all: the parked pinners go on (not after a kill). */
static int mon_resume(void *ctx, uint64_t timeout_ns)
{
	struct wl *w = ctx;
	uint64_t end = now_ns() + timeout_ns;

	if (w->killed[P_PINNER] || w->reaped[P_PINNER])
		return -ESRCH;
	atomic_store(&w->sh->pin_park, 0);
	while (atomic_load(&w->sh->pin_parked)) {
		if (now_ns() > end)
			return -ETIMEDOUT;
		sleep_ms(2);
	}
	return 0;
}

static int mon_unmap_all(void *ctx, uint64_t timeout_ns)
{
	struct wl *w = ctx;
	uint64_t end = now_ns() + timeout_ns;

	kill_pinners(w);	/* their own mappings of the file go with them */
	atomic_store(&w->sh->owner_cmd, OWNER_UNMAP);
	while (!atomic_load(&w->sh->owner_unmapped)) {
		if (now_ns() > end)
			return -ETIMEDOUT;
		sleep_ms(10);
	}
	return 0;
}

static int mon_poke(void *ctx, pid_t pid, pid_t tid)
{
	(void)ctx;
	return syscall(SYS_tgkill, pid, tid, PROOF_SIGNAL) ? -errno : 0;
}

/*
 * The waits the case has exercised: the kernel's count when the run traces
 * (its instance keeps the trace file's records: busy scans), else the breaks
 * that slept, an upper bound (a sleep on a lock counts too).
 */
static uint64_t waits_so_far(const struct wl *w)
{
	int64_t n = tracing_records_read(&w->records);

	return n >= 0 ? (uint64_t)n : atomic_load(&w->sh->brk_slept);
}

/* The case exercised its budget of waits: it may end before its duration. */
static bool mon_done(void *ctx)
{
	struct wl *w = ctx;

	if (!w->o.budget || waits_so_far(w) < w->o.budget)
		return false;
	w->budget_s = ns_to_s(now_ns() - w->start_ns);
	return true;
}

/* The planted stalls' breaker sleeps on the futex word instead of in the kernel's wait. */
static bool mon_in_wait(void *ctx, pid_t pid, pid_t tid)
{
	struct wl *w = ctx;

	return (w->env.brk->flags & BRK_F_PLANT) && plant_asleep(w->sh, pid, tid);
}

static const struct monitor_ops wl_monitor_ops = {
	.check = mon_check,
	.release_pins = mon_release_pins,
	.unmap_all = mon_unmap_all,
	.poke = mon_poke,
	.resume = mon_resume,
	.in_wait = mon_in_wait,
	.done = mon_done,
};

/* ---- the end of a case ------------------------------------------------ */

/* Describe the thread of pid that SIGKILL could not end: "thread 12 in D at wchan". */
static void describe_stuck(pid_t pid, char *buf, size_t len)
{
	char path[64];
	struct task_snap snap;
	struct dirent *e;
	DIR *d;

	snprintf(buf, len, "state unknown");
	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	d = opendir(path);
	if (!d)
		return;
	while ((e = readdir(d))) {
		pid_t tid = atoi(e->d_name);

		if (tid <= 0 || task_snap_read(pid, tid, &snap) || snap.state == 'Z')
			continue;
		snprintf(buf, len, "thread %d in state %s at %s", tid,
			 task_state_name(snap.state), snap.wchan[0] ? snap.wchan : "?");
		if (snap.state == 'D')
			break;
	}
	closedir(d);
}

/*
 * The end of a case can strand a break as well: once the owner and the
 * pinners have stopped, nothing refaults or re-pins, and a put that lost
 * its wakeup leaves the break asleep with the page idle. A breaker thread
 * still asleep in a break-layouts wait gets the proof's SA_RESTART signal;
 * if that ends it, it was a missed wakeup. Only for a case that passed.
 */
static void prove_at_stop(struct wl *w)
{
	struct hb_region *hb = &w->sh->hb;
	uint32_t i, n = atomic_load(&hb->used);
	struct task_snap snap;
	char where[128];

	/* A probe that sends signals: only when nothing else was found. */
	for (i = 0; i < n && so_far(w) == V_PASS; i++) {
		struct hb_slot *s = &hb->slot[i];

		if (s->role != ROLE_BREAKER || atomic_load(&s->state) == HB_DONE ||
		    task_snap_read(s->pid, s->tid, &snap) || !snap.alive ||
		    !sig_match(snap.stack, snap.wchan, where, sizeof(where)))
			continue;
		if (mon_poke(w, s->pid, s->tid) ||
		    child_reap(w->pid[P_BREAKER], 2000, &w->status[P_BREAKER]))
			continue;
		w->reaped[P_BREAKER] = true;
		found(w, "end", V_MISSED_WAKEUP,
		       "breaker %s still asleep in %s at the end of the case, every pin and mapping gone; a SA_RESTART signal made the call complete at once: missed wakeup",
		       s->name, where);
	}
}

/* How long a role may take to stop cleanly at the end of a case. */
static unsigned int stop_wait_ms(const struct wl *w)
{
	return 10000 + (unsigned int)w->o.grace_ms;
}

static void stop_roles(struct wl *w)
{
	unsigned int wait_ms = stop_wait_ms(w);
	char state[600] = "", how[128];
	int i;

	atomic_store(&w->sh->stop, 1);
	plant_futex_wake(&w->sh->plant_word);
	for (i = 0; i < P__COUNT; i++) {
		if (w->pid[i] <= 0 || w->reaped[i])
			continue;
		if (i == P_BREAKER && !w->killed[i] &&
		    child_reap(w->pid[i], (unsigned int)w->o.grace_ms, &w->status[i]))
			prove_at_stop(w);
		if (w->reaped[i])
			continue;
		/* already sent SIGKILL by a proof step: no use waiting for a clean stop */
		if (!child_reap(w->pid[i], w->killed[i] ? 1000 : wait_ms, &w->status[i])) {
			w->reaped[i] = true;
			continue;
		}
		if (!w->killed[i])
			describe_stuck(w->pid[i], w->late[i], sizeof(w->late[i]));
		/* a pinner that would not stop: is one of its threads spinning in GUP? */
		if (i == P_PINNER && !w->killed[i]) {
			int sp = monitor_spinning_pinner(&w->sh->hb, 0);

			if (sp >= 0)
				strscpy_trunc(w->spun, w->sh->hb.slot[sp].name, sizeof(w->spun));
		}
		if (!child_kill_reap(w->pid[i], 5000, &w->status[i])) {
			w->reaped[i] = true;
			continue;
		}
		w->killed[i] = true;
		describe_stuck(w->pid[i], how, sizeof(how));
		snprintf(state + strlen(state), sizeof(state) - strlen(state),
			 "the %s process %d cannot be killed (%s, stuck in the kernel): the machine needs a reboot to free it and %s; ",
			 proc_name[i], w->pid[i], how, w->path);
		w->res.needs_reboot = true;
	}
	if (state[0])
		state[strlen(state) - 2] = '\0';	/* the last "; " */
	strscpy_trunc(w->res.cleanup, state, sizeof(w->res.cleanup));
}

/* A role that died on its own, after the monitor was done, is still an error. */
static void check_exits(struct wl *w)
{
	char desc[64];
	int i;

	/* A role SIGKILL cannot end is never a pass, whatever released the stall. */
	if (w->res.needs_reboot) {
		found(w, "end", V_HANG, "a role stayed in the kernel after SIGKILL: %s", w->res.cleanup);
		return;
	}
	if (atomic_load(&w->sh->unsupported)) {
		found(w, "end", V_SKIP, "%s", w->sh->errmsg);
		return;
	}
	if (atomic_load(&w->sh->error) > 0) {
		found(w, "end", V_ERROR, "%s", w->sh->errmsg);
		return;
	}
	for (i = 0; i < P__COUNT; i++) {
		if (!w->reaped[i] || w->killed[i] || child_ok(w->status[i]))
			continue;
		if (i == P_PINNER && w->spun[0]) {
			found(w, "end", V_LIVELOCK, "pinner %s did not stop within %u s of the end of the case: it spun in the kernel (state R, in get_user_pages) without completing its pin, and only SIGKILL ended it: a livelock",
			       w->spun, stop_wait_ms(w) / 1000);
			return;
		}
		if (w->late[i][0]) {
			found(w, "end", V_ERROR, "the %s process did not stop within %u s of the end of the case (%s); SIGKILL ended it: a stall at the end that the proof ladder did not examine (daxstress repro with a longer duration may catch it while it runs)",
			       proc_name[i], stop_wait_ms(w) / 1000, w->late[i]);
			return;
		}
		child_describe(w->status[i], desc, sizeof(desc));
		found(w, "end", V_ERROR, "the %s process failed: %s", proc_name[i], desc);
		return;
	}
}

static bool all_reaped(const struct wl *w)
{
	int i;

	for (i = 0; i < P__COUNT; i++)
		if (w->pid[i] > 0 && !w->reaped[i])
			return false;
	return true;
}

static void verify_data(struct wl *w)
{
	struct brk_env benv = {
		.o = &w->o, .sh = w->sh, .fd = w->fd,
		.size = w->env.size, .brk_start = w->env.brk_start,
		.target_fd = w->env.target_fd, .target_size = w->env.target_size,
	};
	char msg[256];
	int ret;

	/* Stuck roles may still write; a case that did not run has nothing to check. */
	if (!all_reaped(w) || so_far(w) == V_HANG || so_far(w) == V_ERROR || so_far(w) == V_SKIP)
		return;
	ret = verify_range(w->fd, 0, w->env.brk_start, w->o.seed, 0, msg, sizeof(msg));
	if (!ret && w->env.brk->final) {
		ret = w->env.brk->final(&benv);
		if (ret) {
			found(w, "data", V_ERROR, "final %s failed: %s", w->env.brk->name, strerror(-ret));
			return;
		}
		ret = verify_range(w->fd, w->env.brk_start, w->env.size - w->env.brk_start,
				   w->o.seed, 1, msg, sizeof(msg));
	}
	if (ret == -EILSEQ)
		found(w, "data", V_DATA_CORRUPTION, "%s", msg);
	else if (ret)
		found(w, "data", V_ERROR, "verification: %s", msg);
}

static void collect_counters(struct wl *w)
{
	struct case_counters *c = &w->res.counters;

	c->owner_ops = hb_role_ops(&w->sh->hb, ROLE_OWNER);
	c->pin_ops = hb_role_ops(&w->sh->hb, ROLE_PINNER);
	c->break_ops = hb_role_ops(&w->sh->hb, ROLE_BREAKER);
	c->pin_busy_s = hb_role_busy_ns(&w->sh->hb, ROLE_PINNER) / 1e9;
	c->break_busy_s = hb_role_busy_ns(&w->sh->hb, ROLE_BREAKER) / 1e9;
	c->pin_threads = hb_role_slots(&w->sh->hb, ROLE_PINNER);
	c->break_threads = hb_role_slots(&w->sh->hb, ROLE_BREAKER);
	c->sigbus = atomic_load(&w->sh->sigbus);
	c->pin_efault = atomic_load(&w->sh->pin_efault);
	c->breaks_slept = atomic_load(&w->sh->brk_slept);
	c->lockstep_overlaps = atomic_load(&w->sh->ls_overlaps);
	c->signals = atomic_load(&w->sh->signals);
	strscpy_trunc(w->res.note, w->sh->note, sizeof(w->res.note));
	/*
	 * Only a lower bound: on 6.1 FilePmdMapped stayed 0 for every DAX case,
	 * so smaps may not count DAX PMD mappings at all. Not a verdict.
	 */
	w->res.pmd_kb = atomic_load(&w->sh->pmd_kb);
}

/*
 * monitor = no: the same case without the stall watch (no ticks, no kernel
 * log reads, no proof), so a benchmark can measure what the watch costs.
 */
static void run_unwatched(struct wl *w, uint64_t start)
{
	uint64_t end = start + w->o.duration_ms * NSEC_PER_MSEC;
	char why[256];
	enum verdict v = V_PASS;

	while (v == V_PASS && now_ns() < end) {
		sleep_ms(1000);
		v = mon_check(w, why, sizeof(why));
	}
	w->mon->verdict = v;
	if (v != V_PASS)
		strscpy_trunc(w->mon->reason, why, sizeof(w->mon->reason));
	shared_note(w->sh, "monitor off: stalls were not watched");
}

/*
 * Once the case's roles are gone, a kernel thread still asleep in a
 * break-layouts wait (virtiofs's DAX range reclaim worker) has nothing left
 * that could hold it but a lost wakeup, and the ladder cannot signal it.
 */
static void kwatch_after_case(struct wl *w)
{
	struct kwatch_hit h;
	char why[512];

	if (!kwatch_stuck("/proc", 4, 500, &h))
		return;
	kwatch_describe(&h, why, sizeof(why));
	found(w, "kwatch", V_HANG, "%s", why);
}

static void run_monitor(struct wl *w)
{
	struct monitor_cfg cfg = {
		.stall_ns = w->o.stall_ms * NSEC_PER_MSEC,
		.grace_ns = w->o.grace_ms * NSEC_PER_MSEC,
		.release_ns = w->o.grace_ms * NSEC_PER_MSEC,
		.tick_ns = 50 * NSEC_PER_MSEC,
		.wake_floor_ns = w->o.wake_floor_ms * NSEC_PER_MSEC,
		.progress_fd = timeline_progress_fd(w->o.progress_fd),
		.sysrq_w = w->o.sysrq_w,
		.name = w->o.name,
	};
	uint64_t start = now_ns();

	kmsg_rearm_warn_once(w->o.clear_warn_once);
	w->start_ns = start;
	if (w->o.trace_waits[0] && w->o.budget)
		tracing_records_open(&w->records, w->o.trace_waits);
	kmsg_mark("case %s start (seed %llu)", w->o.name, (unsigned long long)w->o.seed);
	if (w->o.monitor)
		monitor_run(&w->sh->hb, &cfg, &wl_monitor_ops, w, start,
			    start + w->o.duration_ms * NSEC_PER_MSEC, w->mon);
	else
		run_unwatched(w, start);
	w->res.mon = w->mon;
	w->res.budget = w->o.budget;
	w->res.budget_s = w->budget_s ? w->budget_s : -1;	/* null: not reached */
	if (w->o.budget)	/* what the monitor's ticks counted */
		strscpy_trunc(w->res.budget_counts, w->records.open ? "kernel" : "breaks-slept",
			      sizeof(w->res.budget_counts));
	tracing_records_close(&w->records);
	if (w->mon->verdict != V_PASS || w->mon->reason[0])
		found(w, "monitor", w->mon->verdict, "%s", w->mon->reason);
	stop_roles(w);
	kwatch_after_case(w);
	w->res.duration_s = ns_to_s(now_ns() - start);
	if (w->mon->verdict == V_PASS && !w->mon->reason[0])
		found(w, "monitor", V_PASS, "no thread went %.1f s without progress in %.1f s",
		      ns_to_s(w->o.stall_ms * NSEC_PER_MSEC), w->res.duration_s);
	kmsg_mark("case %s end: %s", w->o.name, verdict_name(so_far(w)));
}

static void pmd_begin(struct wl *w)
{
	struct stat st;

	if (fstat(w->fd, &st)) {
		snprintf(w->res.pmd_why, sizeof(w->res.pmd_why), "fstat: %s", strerror(errno));
		return;
	}
	pmd_trace_start(&w->pmd, st.st_ino, w->o.trace_instance);
}

static void pmd_end(struct wl *w)
{
	bool counted = w->pmd.on;

	pmd_trace_stop(&w->pmd);
	w->res.pmd_counted = counted && !w->pmd.why[0];
	w->res.pmd_faults = w->pmd.mapped;
	w->res.pmd_fallbacks = w->pmd.fallback;
	w->res.pmd_sigbus = w->pmd.sigbus;
	w->res.pmd_noop = w->pmd.noop;
	w->res.pmd_other = w->pmd.other;
	w->res.vmstat_fallback = w->pmd.vmstat_fallback;
	if (!w->res.pmd_why[0])
		strscpy_trunc(w->res.pmd_why, w->pmd.why, sizeof(w->res.pmd_why));
}

static void run_case(struct wl *w)
{
	w->sh = mmap(NULL, sizeof(*w->sh), PROT_READ | PROT_WRITE,
		     MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	w->mon = calloc(1, sizeof(*w->mon));
	if (w->sh == MAP_FAILED || !w->mon) {
		w->sh = NULL;
		found(w, "setup", V_ERROR, "out of memory");
		return;
	}
	w->env.sh = w->sh;
	if (open_case_file(w) || open_target(w))
		return;
	w->env.fd = w->fd;
	w->env.path = w->path;
	pmd_begin(w);
	if (start_roles(w)) {
		stop_roles(w);
		pmd_end(w);
		return;
	}
	run_monitor(w);
	pmd_end(w);
	check_exits(w);
	verify_data(w);
	check_full(w);
	collect_counters(w);
}

static void cleanup(struct wl *w)
{
	if (w->fd >= 0) {
		close(w->fd);
		if (unlink(w->path) && errno != ENOENT)
			snprintf(w->res.cleanup + strlen(w->res.cleanup),
				 sizeof(w->res.cleanup) - strlen(w->res.cleanup),
				 "cannot remove %s: %s", w->path, strerror(errno));
	}
	target_close(&w->tgt);
	if (w->env.sharer_fd >= 0)
		close(w->env.sharer_fd);
	w->env.sharer_fd = -1;
}

static void release(struct wl *w)
{
	if (w->sh)
		munmap(w->sh, sizeof(*w->sh));
	free(w->mon);
	w->sh = NULL;
	w->mon = NULL;
}

/* ---- output ----------------------------------------------------------- */

static void print_proof(struct ktap *k, const struct monitor_result *m)
{
	int i;

	if (!m || !m->stalled)
		return;
	ktap_diag(k, "stall: %s %s without progress for %.1f s, noticed %.1f s into the case; state %s; at %s",
		  m->role, m->thread, m->stalled_s, m->detect_s,
		  task_state_name(m->at_detect.state), m->location);
	for (i = 0; i < STEP__COUNT; i++) {
		const struct proof_step *st = &m->step[i];

		if (st->done)
			ktap_diag(k, "proof %s: %s (%c, wchan %s)",
				  proof_step_name((enum proof_step_id)i),
				  st->note[0] ? st->note : "released", st->state,
				  st->wchan[0] ? st->wchan : "-");
	}
}

/*
 * How busy each side was: a side inside its operations the whole case is
 * the one that bounds the waits (a break waits for as long as a pin lasts).
 */
static void print_busy(struct ktap *k, const struct case_counters *c, double s)
{
	if (s <= 0 || !c->pin_threads || !c->break_threads)
		return;
	ktap_diag(k, "busy: pinners %.0f%%, breakers %.0f%% of the case; a pin %.2f ms, a break %.2f ms",
		  100 * c->pin_busy_s / (c->pin_threads * s),
		  100 * c->break_busy_s / (c->break_threads * s),
		  c->pin_ops ? 1e3 * c->pin_busy_s / c->pin_ops : 0.0,
		  c->break_ops ? 1e3 * c->break_busy_s / c->break_ops : 0.0);
}

static void print_pmd(struct ktap *k, const struct case_result *r)
{
	if (r->pmd_layout[0])
		ktap_diag(k, "pmd layout: %s", r->pmd_layout);
	if (!r->pmd_counted) {
		ktap_diag(k, "pmd faults: not counted: %s",
			  r->pmd_why[0] ? r->pmd_why : "the case did not run");
		return;
	}
	ktap_diag(k, "pmd faults: %ld mapped 2M, %ld fell back to PTE, %ld SIGBUS past EOF, %ld found the range already mapped, %ld other (fs_dax:dax_pmd_fault_done); thp_fault_fallback +%ld%s",
		  r->pmd_faults, r->pmd_fallbacks, r->pmd_sigbus, r->pmd_noop, r->pmd_other,
		  r->vmstat_fallback,
		  r->pmd_expected && !r->pmd_faults ? ": meant to be PMD, fell back to PTE" : "");
}

static void print_result(struct wl *w, struct ktap *k)
{
	const struct case_counters *c = &w->res.counters;
	unsigned int i;

	ktap_diag(k, "%s: dir %s: %s on %s, mount %s, file %s, mapping %s%s",
		  w->o.name, w->o.dir, w->dax.fstype[0] ? w->dax.fstype : "?",
		  w->dax.source[0] ? w->dax.source : "?", dax_mode_name(w->dax.mode),
		  w->res.dax ? "DAX" : "not DAX",
		  w->res.via_pmem2 ? "libpmem2" : "mmap",
		  w->res.map_sync ? " MAP_SYNC" : "");
	ktap_diag(k, "pin %s%s%s, break %s, size %llu, pin-size %llu, threads %u+%u+%u%s, seed %llu",
		  w->o.pin, w->tgt.path[0] ? " -> " : "", w->tgt.path, w->o.brk,
		  (unsigned long long)w->o.size, (unsigned long long)w->o.pin_size,
		  w->o.owner_threads, w->o.threads, brk_threads(w->env.brk, &w->o),
		  w->o.lockstep ? ", lockstep" : "", (unsigned long long)w->o.seed);
	print_proof(k, w->res.mon);
	if (w->res.mon)
		for (i = 0; i < w->res.mon->kmsg.hits && i < KMSG_KEEP; i++)
			ktap_diag(k, "kernel: %s", w->res.mon->kmsg.line[i]);
	if (w->res.mon && w->res.mon->kmsg.tracing)
		ktap_diag(k, "kernel: %u warning(s) of the tracing code itself (a running thread's stack read with kretprobes live), not counted",
			  w->res.mon->kmsg.tracing);
	ktap_diag(k, "mapping: %s, %u owner process%s%s, align %lluk, FilePmdMapped up to %ld kB",
		  w->res.map, w->o.owners, w->o.owners > 1 ? "es" : "",
		  w->o.dax_flag ? ", FS_XFLAG_DAX set" : "",
		  (unsigned long long)(w->o.align >> 10), w->res.pmd_kb);
	print_pmd(k, &w->res);
	ktap_diag(k, "ops: owner %llu, pin %llu, break %llu (%llu slept: %.1f/s); owner SIGBUS %llu, pin EFAULT %llu, in %.1f s%s",
		  (unsigned long long)c->owner_ops, (unsigned long long)c->pin_ops,
		  (unsigned long long)c->break_ops, (unsigned long long)c->breaks_slept,
		  w->res.duration_s > 0 ? c->breaks_slept / w->res.duration_s : 0.0,
		  (unsigned long long)c->sigbus,
		  (unsigned long long)c->pin_efault, w->res.duration_s,
		  w->budget_s ? " (budget reached)" : "");
	print_busy(k, c, w->res.duration_s);
	if (w->o.lockstep)
		ktap_diag(k, "lockstep: %llu of %llu breaks began while pins were held",
			  (unsigned long long)c->lockstep_overlaps,
			  (unsigned long long)c->break_ops);
	if (w->res.note[0])
		ktap_diag(k, "note: %s", w->res.note);
	if (w->res.cleanup[0])
		ktap_diag(k, "cleanup: %s", w->res.cleanup);
	ktap_diag(k, "verdict %s: %s", verdict_name(w->res.verdict), w->res.reason);
	ktap_result(k, w->res.verdict, w->o.name, w->res.reason);
}

static void write_result(struct wl *w)
{
	struct json_object *j;
	int ret;

	if (!w->o.result[0])
		return;
	j = case_result_json(&w->res);
	ret = json_write_file(j, w->o.result);
	json_object_put(j);
	if (ret)
		fprintf(stderr, "%s: cannot write %s: %s\n", w->desc->name, w->o.result,
			strerror(-ret));
}

/* A case without a directory (a workload program run bare, as kselftest does). */
static void default_dir(struct wl *w)
{
	if (w->o.dir[0])
		return;
	strscpy_trunc(w->o.dir, DEFAULT_DAX_DIR, sizeof(w->o.dir));
	if (access(w->o.dir, F_OK))
		found(w, "setup", V_SKIP, "no DAX directory: %s does not exist; set DAXSTRESS_DIR to a directory on a DAX mount (ext4 -o dax, xfs -o dax=always) or pass --dir",
		       w->o.dir);
}

static int resolve(struct wl *w, char *err, size_t len)
{
	w->env.o = &w->o;
	w->env.pin = pin_find(w->o.pin);
	w->env.brk = brk_find(w->o.brk);
	w->env.target_fd = -1;
	w->env.sharer_fd = -1;
	if (!!(w->env.pin->flags & PIN_F_PLANT) != !!(w->env.brk->flags & BRK_F_PLANT)) {
		snprintf(err, len, "the planted pin sources (plant-*) and the plant-wait breaker only work with each other");
		return -EINVAL;
	}
	if (!w->o.seed)
		w->o.seed = (now_ns() ^ ((uint64_t)getpid() << 32)) | 1;
	if (!w->o.name[0])
		snprintf(w->o.name, sizeof(w->o.name), "%s.%s.%s", w->desc->name,
			 w->o.pin, w->o.brk);
	strscpy_trunc(w->res.name, w->o.name, sizeof(w->res.name));
	strscpy_trunc(w->res.workload, w->desc->name, sizeof(w->res.workload));
	pin_label(&w->o, w->res.pin, sizeof(w->res.pin));
	strscpy_trunc(w->res.brk, w->o.brk, sizeof(w->res.brk));
	strscpy_trunc(w->res.dir, w->o.dir, sizeof(w->res.dir));
	w->res.seed = w->o.seed;
	/* Can anything fault the pages back in while a break waits? */
	w->res.refault = w->o.owner_threads > 0 || !w->o.lockstep;
	w->res.sharer = w->o.sharer;
	w->res.align = w->o.align;
	strscpy_trunc(w->res.map, case_map_name(w->o.map), sizeof(w->res.map));
	w->res.owners = w->o.owners;
	w->res.dax_flag = w->o.dax_flag;
	w->res.pmd_expected = w->o.pmd;
	w->res.vmstat_fallback = -1;
	return 0;
}

/* The judge's verdict becomes the result's; every finding goes with it. */
static void decide(struct wl *w)
{
	const struct finding *top = judge_top(&w->judge);

	w->res.verdict = top ? top->v : V_PASS;
	strscpy_trunc(w->res.reason, top ? top->reason : "", sizeof(w->res.reason));
	w->res.judge = &w->judge;
}

static const struct wl_desc pin_truncate = {
	.name = "pin-truncate",
	.summary = "Race DAX page pins against truncate/punch and prove any stall.",
	.run = wl_engine_run,
};

WORKLOAD(pin_truncate);

int wl_engine_run(struct case_opts *o)
{
	static struct wl w;
	struct ktap k;
	char err[512] = "";

	w.desc = &pin_truncate;
	w.fd = -1;
	w.tgt.fd = -1;
	w.o = *o;
	if (resolve(&w, err, sizeof(err))) {
		fprintf(stderr, "%s: %s\n(%s --help lists the options)\n", w.desc->name, err,
			w.desc->name);
		return 2;	/* a usage error, as the runner reads it */
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	signal(SIGINT, on_interrupt);
	signal(SIGTERM, on_interrupt);
	/* A reader that goes away must not kill us before the case file is removed. */
	signal(SIGPIPE, SIG_IGN);
	ktap_init(&k, stdout);
	ktap_header(&k);
	ktap_plan(&k, 1);
	default_dir(&w);
	if (so_far(&w) != V_SKIP)
		run_case(&w);
	cleanup(&w);
	decide(&w);
	print_result(&w, &k);
	write_result(&w);
	release(&w);
	ktap_totals(&k);
	return ktap_exit_code(&k);
}
