// SPDX-License-Identifier: GPL-2.0
/*
 * uring-fixed: hand the DAX mapping to io_uring as memory it keeps pinned
 * (FOLL_LONGTERM), two ways: registered as a fixed buffer, and as the ring
 * of a provided-buffer group (IORING_REGISTER_PBUF_RING with user memory).
 * Every kernel from 6.1 to 7.x refuses long-term pins of fsdax memory
 * (EOPNOTSUPP, or EFAULT once part of a range was pinned), and that refusal
 * is the expected, passing outcome (5.10 refuses the fixed buffer and has no
 * provided-buffer rings: EINVAL). If a kernel accepts, the registration
 * is held while the breakers run (truncate must not block forever on it)
 * and the acceptance is reported as a finding.
 */
#include <errno.h>
#include <liburing.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pin.h"

#define HOLD_MS		50
#define PBUF_ENTRIES	8	/* a power of two; 16 bytes each */

struct fixed_way {
	const char *what;
	int (*reg)(struct io_uring *ring, void *addr, size_t len);
	void (*unreg)(struct io_uring *ring);
};

static int reg_buffer(struct io_uring *ring, void *addr, size_t len)
{
	struct iovec iov = { addr, len };

	return io_uring_register_buffers(ring, &iov, 1);
}

static void unreg_buffer(struct io_uring *ring)
{
	io_uring_unregister_buffers(ring);
}

static int reg_pbuf_ring(struct io_uring *ring, void *addr, size_t len)
{
	struct io_uring_buf_reg reg = {
		.ring_addr = (unsigned long)addr,
		.ring_entries = PBUF_ENTRIES,
		.bgid = 0,
	};

	return io_uring_register_buf_ring(ring, &reg, 0);
}

static void unreg_pbuf_ring(struct io_uring *ring)
{
	io_uring_unregister_buf_ring(ring, 0);
}

static const struct fixed_way fixed_ways[] = {
	{ "fixed-buffer registration", reg_buffer, unreg_buffer },
	{ "provided-buffer ring registration", reg_pbuf_ring, unreg_pbuf_ring },
};

/* One way: 1 if refused (why appended to msg), 0 if accepted and held, -errno. */
static int fixed_try(struct pin_env *env, const struct fixed_way *w, void *addr, size_t len,
		     char *msg, size_t msglen)
{
	struct io_uring ring;
	size_t used = strlen(msg);
	int ret;

	ret = io_uring_queue_init(4, &ring, 0);
	if (ret)
		return ret;
	ret = w->reg(&ring, addr, len);
	/* EINVAL: a kernel without this registration (5.10 has no provided-buffer rings). */
	if (ret == -EOPNOTSUPP || ret == -EFAULT || ret == -EINVAL) {
		snprintf(msg + used, msglen - used, "%s%s %s: %s", used ? "; " : "", w->what,
			 ret == -EINVAL ? "not in this kernel" : "refused", strerror(-ret));
		io_uring_queue_exit(&ring);
		return 1;
	}
	if (ret) {
		io_uring_queue_exit(&ring);
		return ret;
	}
	if (env->dax)
		shared_note(env->sh, "FINDING: the kernel accepted a long-term pin (%s) of fsdax memory",
			    w->what);
	sleep_ms(HOLD_MS);
	w->unreg(&ring);
	io_uring_queue_exit(&ring);
	return 0;
}

static int fixed_pin(struct pin_env *env, void *priv, struct pin_thread *t)
{
	long page = sysconf(_SC_PAGESIZE);
	char *addr = env->map + pin_pick_offset(env, &t->rng, env->o->pin_size);
	int refused = 0, ret;
	char msg[256] = "";
	size_t i;

	/* a provided-buffer ring must start on a page */
	addr = (char *)((unsigned long)addr & ~(unsigned long)(page - 1));
	for (i = 0; i < ARRAY_SIZE(fixed_ways); i++) {
		ret = fixed_try(env, &fixed_ways[i], addr, env->o->pin_size, msg, sizeof(msg));
		if (ret < 0)
			return ret;
		refused += ret;
	}
	if (refused)
		shared_note(env->sh, "%s memory: %s (expected)", env->dax ? "fsdax" : "file", msg);
	if (refused < (int)ARRAY_SIZE(fixed_ways))
		return 0;
	hb_set_state(t->hb, HB_IDLE);	/* both refused: nothing more to pin */
	while (!atomic_load(&env->sh->stop) && !atomic_load(&env->sh->pin_park))
		sleep_ms(20);
	return 0;
}

static const struct pin_ops pin_uring_fixed_ops = {
	.name = "uring-fixed",
	.help = "io_uring fixed-buffer and provided-buffer-ring registration of the DAX mapping (long-term pins: must be refused)",
	.flags = PIN_F_MAP,
	.pin = fixed_pin,
};

PIN_SOURCE(pin_uring_fixed_ops);
