// SPDX-License-Identifier: GPL-2.0
/*
 * odirect: O_DIRECT pread/pwrite between a non-DAX target and a buffer that
 * is this process's own shared mapping of the DAX file. The block layer
 * holds the DAX pages (FOLL_GET on 6.1, FOLL_PIN later) until the bio
 * completes; a null_blk completion delay stretches that window.
 * O_DIRECT on the DAX file itself would pin nothing: DAX I/O copies.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../mapping.h"
#include "../pin.h"

static int odirect_setup(struct pin_env *env, void **priv, char *err, size_t len)
{
	struct dmap *m = calloc(1, sizeof(*m));
	int ret;

	if (!m)
		return -ENOMEM;
	ret = dmap_open(m, env->fd, env->size, env->o->align, env->dax, err, len);
	if (ret) {
		free(m);
		return ret;
	}
	*priv = m;
	return 0;
}

static int odirect_pin(struct pin_env *env, void *priv, struct pin_thread *t)
{
	struct dmap *m = priv;
	uint64_t len = env->o->pin_size;
	uint64_t off = pin_pick_offset(env, &t->rng, len);
	uint64_t toff = rng_below(&t->rng, (env->target_size - len) / 4096 + 1) * 4096;
	bool write = env->target_writable && (rng_next(&t->rng) & 1);
	ssize_t n;

	if (write)
		n = pwrite(env->target_fd, m->addr + off, len, (off_t)toff);
	else
		n = pread(env->target_fd, m->addr + off, len, (off_t)toff);
	if (n >= 0)
		return 0;
	if (errno == EFAULT || errno == EINTR) {
		/* the range was truncated away under us: expected */
		atomic_fetch_add(&env->sh->pin_efault, 1);
		return 0;
	}
	return -errno;
}

static void odirect_teardown(struct pin_env *env, void *priv)
{
	(void)env;
	dmap_close(priv);
	free(priv);
}

const struct pin_ops pin_odirect_ops = {
	.name = "odirect",
	.help = "O_DIRECT pread/pwrite on a non-DAX target into the DAX mapping",
	.flags = PIN_F_TARGET,
	.setup = odirect_setup,
	.pin = odirect_pin,
	.teardown = odirect_teardown,
};
