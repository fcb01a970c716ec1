// SPDX-License-Identifier: GPL-2.0
/*
 * pvm, pvm-write: process_vm_readv/writev from the pinner process against
 * the mapping owner's DAX pages. The kernel pins the *remote* pages
 * (pin_user_pages_remote, FOLL_PIN) for one batch of the copy and releases
 * them through unpin_user_pages_dirty_lock -> gup_put_folio.
 *
 * A plain copy of a few pages holds its pins for microseconds: a kernel
 * probe found no busy page at all in 10 s of breaks. pvm-hold makes the
 * pins last: the copy's local buffer is registered with userfaultfd and
 * emptied before each copy, so the copy faults on it with the remote pages
 * already pinned (process_vm_rw_single_vec drops the remote mmap_lock before
 * it copies), and a holder thread resolves the fault pvm-hold later. The
 * pin then lasts as long as an O_DIRECT request on a slow device, and still
 * ends by itself, which the proof's release step relies on.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/userfaultfd.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "../core/pattern.h"
#include "pin.h"

#define PVM_PAGE	4096ULL
#define PVM_QUEUE	128	/* faults waiting at once: one per thread, at most 64 */

struct pvm_opts {
	uint64_t hold_ms;	/* pvm-hold */
};

static const struct pvm_opts pvm_defaults = { .hold_ms = 10 };

/* The holder: one userfaultfd over every thread's buffer, one thread. */
struct pvm_hold {
	int uffd;
	char *base;		/* thread i's buffer: base + i * slot */
	uint64_t slot, hold_ns;
	unsigned int nslots;
	pthread_t th;
	atomic_bool stop;
	struct {
		uint64_t addr, due_ns;
	} q[PVM_QUEUE];		/* faults in arrival order: equal holds, so due order */
	unsigned int head, n;
};

/* Map the rest of the faulting thread's buffer and wake it. */
static void hold_resolve(struct pvm_hold *h, uint64_t addr)
{
	uint64_t page = addr & ~(PVM_PAGE - 1), b = (uint64_t)(uintptr_t)h->base;
	uint64_t end = b + ((page - b) / h->slot + 1) * h->slot;
	struct uffdio_zeropage z = { .range = { page, end - page } };
	struct uffdio_range one = { page, PVM_PAGE };

	if (!ioctl(h->uffd, UFFDIO_ZEROPAGE, &z))
		return;
	/* Part of it was mapped already: the faulting page alone, or just a wake. */
	z.range = one;
	if (ioctl(h->uffd, UFFDIO_ZEROPAGE, &z))
		ioctl(h->uffd, UFFDIO_WAKE, &one);
}

static void hold_read(struct pvm_hold *h)
{
	struct uffd_msg m;

	while (read(h->uffd, &m, sizeof(m)) == sizeof(m)) {
		if (m.event != UFFD_EVENT_PAGEFAULT)
			continue;
		if (h->n == PVM_QUEUE) {
			hold_resolve(h, m.arg.pagefault.address);
			continue;
		}
		h->q[(h->head + h->n) % PVM_QUEUE].addr = m.arg.pagefault.address;
		h->q[(h->head + h->n) % PVM_QUEUE].due_ns = now_ns() + h->hold_ns;
		h->n++;
	}
}

/* Resolve the faults whose hold is over (all of them once stopping). */
static void hold_release_due(struct pvm_hold *h, bool all)
{
	uint64_t now = now_ns();

	while (h->n && (all || h->q[h->head].due_ns <= now)) {
		hold_resolve(h, h->q[h->head].addr);
		h->head = (h->head + 1) % PVM_QUEUE;
		h->n--;
	}
}

static void *holder(void *arg)
{
	struct pvm_hold *h = arg;
	struct pollfd pfd = { .fd = h->uffd, .events = POLLIN };
	int timeout;

	while (!atomic_load(&h->stop)) {
		timeout = 50;
		if (h->n) {
			uint64_t now = now_ns(), due = h->q[h->head].due_ns;

			timeout = due > now ? (int)((due - now + 999999) / 1000000) : 0;
		}
		if (poll(&pfd, 1, timeout) > 0)
			hold_read(h);
		hold_release_due(h, false);
	}
	hold_release_due(h, true);
	return NULL;
}

static void hold_free(struct pvm_hold *h)
{
	if (h->uffd >= 0)
		close(h->uffd);
	if (h->base && h->base != MAP_FAILED)
		munmap(h->base, h->slot * h->nslots);
	free(h);
}

static int hold_fail(struct pvm_hold *h, const char *what, char *err, size_t len)
{
	int e = errno;

	snprintf(err, len,
		 "pvm-hold: %s: %s (needs a kernel with CONFIG_USERFAULTFD, and root or sysctl vm.unprivileged_userfaultfd=1; pvm-hold = 0 copies without holding)",
		 what, strerror(e));
	hold_free(h);
	return -e;
}

static int pvm_setup(struct pin_env *env, void **priv, char *err, size_t len)
{
	const struct pvm_opts *po = pin_opts(env);
	struct uffdio_api api = { .api = UFFD_API };
	struct uffdio_register reg = { .mode = UFFDIO_REGISTER_MODE_MISSING };
	struct pvm_hold *h;

	*priv = NULL;
	if (!po->hold_ms)
		return 0;
	h = calloc(1, sizeof(*h));
	if (!h)
		return -ENOMEM;
	h->uffd = -1;
	h->slot = (env->o->pin_size + PVM_PAGE - 1) & ~(PVM_PAGE - 1);
	h->nslots = env->o->threads;
	h->hold_ns = po->hold_ms * 1000000ULL;
	h->base = mmap(NULL, h->slot * h->nslots, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (h->base == MAP_FAILED)
		return hold_fail(h, "mmap", err, len);
	h->uffd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | O_NONBLOCK);
	if (h->uffd < 0)
		return hold_fail(h, "userfaultfd", err, len);
	if (ioctl(h->uffd, UFFDIO_API, &api))
		return hold_fail(h, "UFFDIO_API", err, len);
	reg.range.start = (uint64_t)(uintptr_t)h->base;
	reg.range.len = h->slot * h->nslots;
	if (ioctl(h->uffd, UFFDIO_REGISTER, &reg))
		return hold_fail(h, "UFFDIO_REGISTER", err, len);
	errno = pthread_create(&h->th, NULL, holder, h);
	if (errno)
		return hold_fail(h, "holder thread", err, len);
	*priv = h;
	return 0;
}

static void pvm_teardown(struct pin_env *env, void *priv)
{
	struct pvm_hold *h = priv;

	if (!h)
		return;
	atomic_store(&h->stop, true);
	pthread_join(h->th, NULL);
	hold_free(h);
}

static int pvm_thread_init(struct pin_env *env, void *priv, struct pin_thread *t)
{
	struct pvm_hold *h = priv;

	t->local = h ? h->base + t->idx * h->slot : calloc(1, env->o->pin_size);
	return t->local ? 0 : -ENOMEM;
}

static void pvm_thread_exit(struct pin_env *env, void *priv, struct pin_thread *t)
{
	if (!priv)
		free(t->local);
}

static int pvm_copy(struct pin_env *env, void *priv, struct pin_thread *t, bool write)
{
	uint64_t len = env->o->pin_size;
	uint64_t off = pin_pick_offset(env, &t->rng, len);
	uint64_t base = atomic_load(&env->sh->owner_addr);
	struct iovec local = { t->local, len };
	struct iovec remote = { (void *)(uintptr_t)(base + off), len };
	ssize_t n;

	/* Empty the buffer: the copy's first touch of it faults to the holder. */
	if (priv && madvise(t->local, len, MADV_DONTNEED))
		return -errno;
	if (write)
		n = process_vm_writev(env->sh->owner_pid, &local, 1, &remote, 1, 0);
	else
		n = process_vm_readv(env->sh->owner_pid, &local, 1, &remote, 1, 0);
	/* EFAULT: truncated range; ESRCH: the owner is gone (the monitor judges that) */
	return pin_io_result(env, n < 0 ? -errno : n);
}

static int pvm_read(struct pin_env *env, void *priv, struct pin_thread *t)
{
	return pvm_copy(env, priv, t, false);
}

static int pvm_write(struct pin_env *env, void *priv, struct pin_thread *t)
{
	return pvm_copy(env, priv, t, true);
}

static const struct opt_desc pvm_opt_table[] = {
	{ .name = "pvm-hold", .type = OPT_DURATION, .offset = offsetof(struct pvm_opts, hold_ms),
	  .max = 10 * 1000ULL,
	  .help = "how long each copy holds its pins: the copy faults on its own buffer (userfaultfd) with the remote pages pinned, and the fault is resolved this much later (0: plain copies, pinned for microseconds)" },
	{ .name = NULL }
};

static const struct pin_ops pin_pvm_ops = {
	.name = "pvm",
	.help = "process_vm_readv of the owner's DAX pages (FOLL_PIN, remote), held pvm-hold each",
	.setup = pvm_setup,
	.thread_init = pvm_thread_init,
	.pin = pvm_read,
	.thread_exit = pvm_thread_exit,
	.teardown = pvm_teardown,
	.opts = PLUGIN_OPTS(pvm_opt_table, pvm_defaults),
};

static const struct pin_ops pin_pvm_write_ops = {
	.name = "pvm-write",
	.help = "process_vm_writev into the owner's DAX pages (FOLL_PIN|FOLL_WRITE), held pvm-hold each",
	.setup = pvm_setup,
	.thread_init = pvm_thread_init,
	.pin = pvm_write,
	.thread_exit = pvm_thread_exit,
	.teardown = pvm_teardown,
	.opts = PLUGIN_OPTS(pvm_opt_table, pvm_defaults),
};

PIN_SOURCE(pin_pvm_ops);
PIN_SOURCE(pin_pvm_write_ops);
