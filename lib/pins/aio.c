// SPDX-License-Identifier: GPL-2.0
/*
 * aio: libaio io_submit of O_DIRECT preads/pwrites between the non-DAX
 * target and this process's DAX mapping; the kernel's aio path imports the
 * user buffer like O_DIRECT and pins it for the life of the request.
 * aio-dir = write issues only pwrites: the mapping's pages are then pinned
 * read-only and never written, so a reflinked page stays shared (sharer).
 */
#include <errno.h>
#include <libaio.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>

#include "pin.h"

#define AIO_QD 16

enum aio_dir { AIO_BOTH, AIO_READ, AIO_WRITE };

struct aio_opts {
	enum aio_dir dir;	/* aio-dir */
};

_Static_assert(sizeof(enum aio_dir) == sizeof(int), "enum aio_dir is not int sized");

static const char *const aio_dir_names[] = { "both", "read", "write", NULL };
static const struct aio_opts aio_defaults = { .dir = AIO_BOTH };

struct aio_local {
	io_context_t ctx;
	struct iocb cb[AIO_QD];
	struct iocb *cbp[AIO_QD];
	struct io_event ev[AIO_QD];
};

static int aio_thread_init(struct pin_env *env, void *priv, struct pin_thread *t)
{
	struct aio_local *a = calloc(1, sizeof(*a));
	int ret;

	if (!a)
		return -ENOMEM;
	ret = io_setup(AIO_QD, &a->ctx);
	if (ret) {
		free(a);
		return ret;
	}
	t->local = a;
	return 0;
}

/* aio-dir = write needs a target it may write. */
static int aio_setup(struct pin_env *env, void **priv, char *err, size_t len)
{
	const struct aio_opts *ao = pin_opts(env);

	if (ao->dir != AIO_WRITE || env->target_writable)
		return 0;
	snprintf(err, len, "aio-dir = write needs a writable O_DIRECT target (a null_blk device, or a file named with --target)");
	return -EINVAL;
}

/* A pwrite (the buffer is pinned read-only) or a pread. */
static bool aio_is_write(struct pin_env *env, struct pin_thread *t)
{
	const struct aio_opts *ao = pin_opts(env);

	if (ao->dir != AIO_BOTH)
		return ao->dir == AIO_WRITE;
	return env->target_writable && (rng_next(&t->rng) & 1);
}

static void aio_thread_exit(struct pin_env *env, void *priv, struct pin_thread *t)
{
	struct aio_local *a = t->local;

	if (!a)
		return;
	io_destroy(a->ctx);
	free(a);
}

static int aio_pin(struct pin_env *env, void *priv, struct pin_thread *t)
{
	struct aio_local *a = t->local;
	uint64_t len = env->o->pin_size;
	int i, n, ret = 0;

	for (i = 0; i < AIO_QD; i++) {
		char *buf = env->map + pin_pick_offset(env, &t->rng, len);
		long long toff = (long long)pin_pick_target(env, &t->rng, len);

		if (aio_is_write(env, t))
			io_prep_pwrite(&a->cb[i], env->target_fd, buf, len, toff);
		else
			io_prep_pread(&a->cb[i], env->target_fd, buf, len, toff);
		a->cbp[i] = &a->cb[i];
	}
	n = io_submit(a->ctx, AIO_QD, a->cbp);
	if (n <= 0)
		return pin_io_result(env, n ? n : -EAGAIN);
	pin_mark_pinned(env);
	n = io_getevents(a->ctx, n, n, a->ev, NULL);
	if (n < 0)
		return n == -EINTR ? 0 : n;
	for (i = 0; i < n && !ret; i++)
		ret = pin_async_result(env, (long)a->ev[i].res);
	return ret;
}

static const struct opt_desc aio_opt_table[] = {
	{ .name = "aio-dir", .type = OPT_ENUM, .offset = offsetof(struct aio_opts, dir),
	  .len = sizeof(int), .names = aio_dir_names,
	  .help = "both (reads and writes at random, writes only to a writable target), read, or write (the mapping is only read: its pages are pinned read-only)" },
	{ .name = NULL }
};

static const struct pin_ops pin_aio_ops = {
	.name = "aio",
	.help = "libaio io_submit O_DIRECT reads/writes into the DAX mapping, queue depth 16",
	.flags = PIN_F_TARGET | PIN_F_MAP | PIN_F_MARKS,
	.setup = aio_setup,
	.thread_init = aio_thread_init,
	.pin = aio_pin,
	.thread_exit = aio_thread_exit,
	.opts = PLUGIN_OPTS(aio_opt_table, aio_defaults),
};

PIN_SOURCE(pin_aio_ops);
