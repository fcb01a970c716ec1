// SPDX-License-Identifier: GPL-2.0
/*
 * odirect: O_DIRECT pread/pwrite between a non-DAX target and a buffer that
 * is this process's own shared mapping of the DAX file. The block layer
 * holds the DAX pages (FOLL_GET on 6.1, FOLL_PIN later) until the bio
 * completes; a null_blk completion delay stretches that window.
 * O_DIRECT on the DAX file itself would pin nothing: DAX I/O copies.
 */
#include <errno.h>
#include <unistd.h>

#include "pin.h"

static int odirect_pin(struct pin_env *env, void *priv, struct pin_thread *t)
{
	uint64_t len = env->o->pin_size;
	char *buf = env->map + pin_pick_offset(env, &t->rng, len);
	off_t toff = (off_t)pin_pick_target(env, &t->rng, len);
	ssize_t n;

	if (env->target_writable && (rng_next(&t->rng) & 1))
		n = pwrite(env->target_fd, buf, len, toff);
	else
		n = pread(env->target_fd, buf, len, toff);
	return pin_io_result(env, n < 0 ? -errno : n);
}

static const struct pin_ops pin_odirect_ops = {
	.name = "odirect",
	.help = "O_DIRECT pread/pwrite on a non-DAX target into the DAX mapping",
	.flags = PIN_F_TARGET | PIN_F_MAP,
	.pin = odirect_pin,
};

PIN_SOURCE(pin_odirect_ops);
