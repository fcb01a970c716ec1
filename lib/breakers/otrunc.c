// SPDX-License-Identifier: GPL-2.0
/*
 * otrunc: open(O_TRUNC) of the case file, then regrow it: truncation via
 * handle_truncate() instead of ftruncate().
 */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "breaker.h"

static int otrunc_op(struct brk_env *env, struct rng *rng)
{
	int fd = open(env->path, O_RDWR | O_TRUNC | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	close(fd);
	return brk_resize(env, env->size);
}

static const struct brk_ops brk_otrunc_ops = {
	.name = "otrunc",
	.help = "open(O_TRUNC) the file, then regrow it (whole file: no stable region to check)",
	.flags = BRK_F_WHOLE,
	.op = otrunc_op,
};

BREAKER(brk_otrunc_ops);
