// SPDX-License-Identifier: GPL-2.0
/*
 * vmsplice: splice DAX pages of this process's mapping into a pipe, hold
 * them there for a while, then drain the pipe. The pipe buffers hold page
 * references (FOLL_GET) released with put_page(), a path that wakes on
 * every kernel: a control that must always pass.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/uio.h>
#include <unistd.h>

#include "pin.h"

#define HOLD_MS 5

struct vms_local {
	int pipe[2];
	size_t cap;
	char *sink;
};

static int vms_thread_init(struct pin_env *env, void *priv, struct pin_thread *t)
{
	struct vms_local *v = calloc(1, sizeof(*v));
	int cap;

	if (!v || pipe2(v->pipe, O_CLOEXEC)) {
		free(v);
		return -ENOMEM;
	}
	cap = fcntl(v->pipe[1], F_SETPIPE_SZ, (int)env->o->pin_size);
	v->cap = cap > 0 ? (size_t)cap : 65536;
	v->sink = malloc(v->cap);
	t->local = v;
	return v->sink ? 0 : -ENOMEM;
}

static void vms_thread_exit(struct pin_env *env, void *priv, struct pin_thread *t)
{
	struct vms_local *v = t->local;

	if (!v)
		return;
	close(v->pipe[0]);
	close(v->pipe[1]);
	free(v->sink);
	free(v);
}

static int vms_pin(struct pin_env *env, void *priv, struct pin_thread *t)
{
	struct vms_local *v = t->local;
	size_t len = env->o->pin_size < v->cap ? env->o->pin_size : v->cap;
	struct iovec iov = { env->map + pin_pick_offset(env, &t->rng, len), len };
	ssize_t n = vmsplice(v->pipe[1], &iov, 1, 0);
	ssize_t got = 0, r;

	if (n < 0)
		return pin_io_result(env, -errno);
	sleep_ms(HOLD_MS);
	while (got < n) {
		r = read(v->pipe[0], v->sink, v->cap);
		if (r <= 0)
			return r < 0 ? -errno : -EIO;
		got += r;
	}
	return 0;
}

static const struct pin_ops pin_vmsplice_ops = {
	.name = "vmsplice",
	.help = "vmsplice DAX pages into a pipe, hold them 5 ms, drain (put_page: wakes on every kernel)",
	.flags = PIN_F_MAP,
	.thread_init = vms_thread_init,
	.pin = vms_pin,
	.thread_exit = vms_thread_exit,
};

PIN_SOURCE(pin_vmsplice_ops);
