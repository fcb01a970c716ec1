// SPDX-License-Identifier: GPL-2.0
/*
 * uring-fixed: register the DAX mapping as io_uring fixed buffers
 * (FOLL_LONGTERM). Every kernel from 6.1 to 7.x refuses long-term pins of
 * fsdax memory (EOPNOTSUPP, or EFAULT once part of a range was pinned), and
 * that refusal is the expected, passing outcome. If a kernel accepts, the
 * registration is held while the breakers run (truncate must not block
 * forever on it) and the acceptance is reported as a finding.
 */
#include <errno.h>
#include <liburing.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../pin.h"

#define HOLD_MS 50

static int fixed_pin(struct pin_env *env, void *priv, struct pin_thread *t)
{
	struct iovec iov = {
		env->map + pin_pick_offset(env, &t->rng, env->o->pin_size),
		env->o->pin_size,
	};
	struct io_uring ring;
	int ret;

	ret = io_uring_queue_init(4, &ring, 0);
	if (ret)
		return ret;
	ret = io_uring_register_buffers(&ring, &iov, 1);
	if (ret == -EOPNOTSUPP || ret == -EFAULT) {
		shared_note(env->sh, "fixed-buffer registration of %s memory refused: %s (expected)",
			    env->dax ? "fsdax" : "file", strerror(-ret));
		io_uring_queue_exit(&ring);
		hb_set_state(t->hb, HB_IDLE);	/* nothing more to pin */
		while (!atomic_load(&env->sh->stop) && !atomic_load(&env->sh->pin_park))
			sleep_ms(20);
		return 0;
	}
	if (ret) {
		io_uring_queue_exit(&ring);
		return ret;
	}
	if (env->dax)
		shared_note(env->sh, "FINDING: the kernel accepted a long-term pin (fixed buffer) of fsdax memory");
	sleep_ms(HOLD_MS);
	io_uring_unregister_buffers(&ring);
	io_uring_queue_exit(&ring);
	return 0;
}

static const struct pin_ops pin_uring_fixed_ops = {
	.name = "uring-fixed",
	.help = "io_uring fixed-buffer registration of the DAX mapping (long-term pin: must be refused)",
	.flags = PIN_F_MAP,
	.pin = fixed_pin,
};
PIN_SOURCE(pin_uring_fixed_ops);
