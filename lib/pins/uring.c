// SPDX-License-Identifier: GPL-2.0
/*
 * uring: io_uring READ/WRITE with ordinary (non-fixed) buffers inside this
 * process's DAX mapping, O_DIRECT against the non-DAX target, a whole queue
 * in flight at once so many pins overlap. The block layer pins the pages
 * per request, exactly like odirect.
 */
#include <errno.h>
#include <liburing.h>
#include <stdlib.h>

#include "pin.h"

#define URING_QD 16

static int uring_thread_init(struct pin_env *env, void *priv, struct pin_thread *t)
{
	struct io_uring *ring = calloc(1, sizeof(*ring));
	int ret;

	if (!ring)
		return -ENOMEM;
	ret = io_uring_queue_init(URING_QD, ring, 0);
	if (ret) {
		free(ring);
		return ret;
	}
	t->local = ring;
	return 0;
}

static void uring_thread_exit(struct pin_env *env, void *priv, struct pin_thread *t)
{
	if (!t->local)
		return;
	io_uring_queue_exit(t->local);
	free(t->local);
}

static void queue_one(struct pin_env *env, struct pin_thread *t, struct io_uring_sqe *sqe)
{
	uint64_t len = env->o->pin_size;
	char *buf = env->map + pin_pick_offset(env, &t->rng, len);
	uint64_t toff = pin_pick_target(env, &t->rng, len);

	if (env->target_writable && (rng_next(&t->rng) & 1))
		io_uring_prep_write(sqe, env->target_fd, buf, (unsigned int)len, toff);
	else
		io_uring_prep_read(sqe, env->target_fd, buf, (unsigned int)len, toff);
}

static int uring_pin(struct pin_env *env, void *priv, struct pin_thread *t)
{
	struct io_uring *ring = t->local;
	struct io_uring_cqe *cqe;
	int i, n, ret = 0;

	for (n = 0; n < URING_QD; n++) {
		struct io_uring_sqe *sqe = io_uring_get_sqe(ring);

		if (!sqe)
			break;
		queue_one(env, t, sqe);
	}
	n = io_uring_submit(ring);
	if (n < 0)
		return pin_io_result(env, n);
	pin_mark_pinned(env);
	for (i = 0; i < n; i++) {
		int r = io_uring_wait_cqe(ring, &cqe);

		if (r)
			return r == -EINTR ? 0 : r;
		if (!ret)
			ret = pin_async_result(env, cqe->res);
		io_uring_cqe_seen(ring, cqe);
	}
	return ret;
}

static const struct pin_ops pin_uring_ops = {
	.name = "uring",
	.help = "io_uring O_DIRECT reads/writes, non-fixed buffers in the DAX mapping, queue depth 16",
	.flags = PIN_F_TARGET | PIN_F_MAP | PIN_F_MARKS,
	.thread_init = uring_thread_init,
	.pin = uring_pin,
	.thread_exit = uring_thread_exit,
};

PIN_SOURCE(pin_uring_ops);
