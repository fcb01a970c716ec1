// SPDX-License-Identifier: GPL-2.0
/*
 * daxstress vm: the QEMU side. Builds the QEMU command, probes KVM (a failed
 * KVM boot is remembered and TCG used), spawns QEMU in its own process group
 * and follows it until the guest is done or a deadline passes: boot (the
 * guest init's first event), per case (silence on the data channel once
 * booted) and the whole run; SIGINT, SIGTERM and SIGHUP stop it cleanly.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "vm_priv.h"

#define VM_TICK_MS		100
#define VM_KVM_PROBE_S		20
#define VM_KVM_CACHE_S		(7 * 24 * 3600)
#define VM_PANIC_GRACE_S	2
#define VM_DONE_GRACE_S		15
#define VM_KILL_GRACE_S		3

static volatile sig_atomic_t vm_stop_signal;

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

static int vm_cmdline(const struct vm_ctx *c, const char *accel_args, char *buf, size_t size)
{
	int len;

	/*
	 * no_timer_check: under TCG on a loaded host the kernel's IO-APIC timer
	 * check can miss the timer interrupt and panic ("IO-APIC + timer doesn't
	 * work!", seen on 6.1 during make check); the check proves nothing here.
	 */
	len = snprintf(buf, size, "console=ttyS0 quiet panic=%d no_timer_check daxstress.fs=%s",
		       VM_PANIC_GRACE_S, c->o->fs);
	/* legacy e820 pmem: nd_e820 makes it a namespace that does DAX raw */
	if (c->o->memmap)
		len += snprintf(buf + len, size - len, " memmap=%s", VM_MEMMAP);
	if (c->o->debug)
		len += snprintf(buf + len, size - len, " daxstress.debug=%s", c->o->debug);
	if (accel_args[0])
		len += snprintf(buf + len, size - len, " %s", accel_args);
	if (c->o->append)
		len += snprintf(buf + len, size - len, " %s", c->o->append);
	return len < (int)size ? 0 : -E2BIG;
}

/* Machine parameters that are the same for every run. */
static const char *const vm_qemu_common[] = {
	"-name", "daxstress", "-smp", "2", "-display", "none", "-nodefaults", "-no-reboot",
};

/* The NVDIMMs' machine (virtiofs brings its own, vm_virtiofs.c); its memory follows --pmem. */
static const char *const vm_qemu_machine[] = {
	"-machine", "pc,nvdimm=on",
};

/*
 * tsc=unstable under TCG: with the TSC as clocksource the kernel flips the
 * sched_clock_stable static key at late init ("sched_clock: Marking stable")
 * (and would again if the clocksource watchdog gave up on the TSC), and QEMU's
 * multi-threaded TCG once ran a stale int3 of that text patch in
 * sched_clock_cpu() (7.3.4 guest, "Oops: int3" at 1.6 s, panic; during a
 * make check beside check-soak). An unstable TSC from the start never sets
 * the key; the guest uses the HPET.
 */
static const struct vm_accel_params {
	const char *accel;
	const char *cpu;
	const char *cmdline;	/* kernel arguments for this accelerator */
} vm_accel_params[] = {
	[VM_ACCEL_KVM] = { "kvm", "host", "" },
	[VM_ACCEL_TCG] = { "tcg,thread=multi", "max", "tsc=unstable" },
};

/* Add "-OPT VALUE", VALUE formatted. */
static int strv_opt(struct strv *s, const char *opt, const char *fmt, ...)
	__printf(3, 4);

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

/* QEMU with the NVDIMMs (or virtio-pmem) that hold the suite's filesystem. */
static int vm_qemu_pmem_argv(const struct vm_ctx *c, struct strv *a)
{
	const char *qemu = getenv("DAXSTRESS_QEMU");
	char pmem[2 * PATH_MAX];
	size_t i;
	int err;

	vm_qemu_escape(c->pmem, pmem, sizeof(pmem));
	err = strv_addf(a, "%s", qemu ? qemu : "qemu-system-x86_64");
	for (i = 0; i < ARRAY_SIZE(vm_qemu_machine); i++)
		err |= strv_addf(a, "%s", vm_qemu_machine[i]);
	err |= strv_opt(a, "-m", "%s", c->o->memmap ? VM_MEMMAP_RAM : "2G,slots=2,maxmem=8G");
	if (!c->o->memmap) {
		err |= strv_opt(a, "-object",
				"memory-backend-file,id=mem1,share=on,mem-path=%s,size=%s",
				pmem, VM_PMEM_SIZE);
		err |= strv_opt(a, "-device", "%s,id=nv1,memdev=mem1",
				c->o->virtio_pmem ? "virtio-pmem-pci" : "nvdimm");
	}
	if (c->scratch[0]) {
		vm_qemu_escape(c->scratch, pmem, sizeof(pmem));
		err |= strv_opt(a, "-object",
				"memory-backend-file,id=mem2,share=on,mem-path=%s,size=%s",
				pmem, VM_SCRATCH_SIZE);
		err |= strv_opt(a, "-device", "nvdimm,id=nv2,memdev=mem2");
	}
	return err;
}

int vm_qemu_argv(const struct vm_ctx *c, enum vm_accel accel, struct strv *a)
{
	const struct vm_accel_params *p = &vm_accel_params[accel];
	char con[PATH_MAX], data[PATH_MAX], path[PATH_MAX], cmd[2048];
	size_t i;
	int err;

	if (vm_cmdline(c, p->cmdline, cmd, sizeof(cmd)))
		return -E2BIG;
	vm_rundir_path(c, "console.log", path, sizeof(path));
	vm_qemu_escape(path, con, sizeof(con));
	vm_rundir_path(c, "data.log", path, sizeof(path));
	vm_qemu_escape(path, data, sizeof(data));
	err = c->vfs ? vm_virtiofs_qemu_argv(c, a) : vm_qemu_pmem_argv(c, a);
	for (i = 0; i < ARRAY_SIZE(vm_qemu_common); i++)
		err |= strv_addf(a, "%s", vm_qemu_common[i]);
	err |= strv_opt(a, "-accel", "%s", p->accel);
	err |= strv_opt(a, "-cpu", "%s", p->cpu);
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

/* ---- QEMU process ---- */

static void vm_on_signal(int sig)
{
	vm_stop_signal = sig;
}

void vm_signals(bool install)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	struct sigaction sa;
	size_t i;

	if (install)
		vm_stop_signal = 0;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = install ? vm_on_signal : SIG_DFL;
	for (i = 0; i < ARRAY_SIZE(sigs); i++)
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
	const char *during = a->cur ? " during " : "";
	const char *cur_name = a->cur ? a->cur->name : "";

	switch (a->end) {
	case VM_END_BOOT:
		snprintf(r, n, "the guest init did not start within the boot deadline (%u s)",
			 boot_timeout);
		break;
	case VM_END_CASE:
		snprintf(r, n, "no data from the guest for %u s (case deadline)%s%s",
			 c->o->case_timeout, during, cur_name);
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

void vm_attempt_reset(struct vm_ctx *c, enum vm_accel accel)
{
	struct vm_attempt *a = &c->a;
	int i;

	if (a->data_fd >= 0)
		close(a->data_fd);
	if (a->con_fd >= 0)
		close(a->con_fd);
	for (i = 0; i < a->nfs; i++)
		free(a->fs[i].json);
	if (a->bundles)
		fclose(a->bundles);
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
	ret = vm_virtiofs_start(c);
	if (ret) {
		vm_virtiofs_stop(c);
		return ret;
	}
	a->t0 = vm_now();
	a->t_last = a->t0;
	ret = vm_spawn(c);
	if (ret) {
		vm_virtiofs_stop(c);
		return ret;
	}
	for (;;) {
		vm_reap(c);
		vm_drain(c);
		a->end = vm_check_end(c, boot_timeout);
		/* the daemon ends by itself once the guest is done and QEMU closes */
		if (a->end == VM_RUNNING && !a->done && !a->t_panic &&
		    vm_virtiofs_died(c, a->reason, sizeof(a->reason)))
			a->end = VM_END_EXIT;
		if (a->end != VM_RUNNING)
			break;
		poll(NULL, 0, VM_TICK_MS);
	}
	vm_stop_qemu(c);
	vm_virtiofs_stop(c);
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

/* The accelerator the first launch uses: --accel, else KVM when it may work. */
enum vm_accel vm_first_accel(const struct vm_ctx *c, bool quiet)
{
	if (c->o->accel != VM_ACCEL_AUTO)
		return c->o->accel;
	return vm_kvm_usable(c, quiet) ? VM_ACCEL_KVM : VM_ACCEL_TCG;
}

/* KVM first when it may work, with a short boot deadline; TCG otherwise. */
int vm_launch(struct vm_ctx *c)
{
	unsigned int probe = c->o->boot_timeout < VM_KVM_PROBE_S ? c->o->boot_timeout :
				VM_KVM_PROBE_S;
	enum vm_accel accel = vm_first_accel(c, false);
	int ret;

	if (c->o->accel != VM_ACCEL_AUTO || accel == VM_ACCEL_TCG)
		return vm_attempt(c, accel, c->o->boot_timeout);
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
