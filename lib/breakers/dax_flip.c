// SPDX-License-Identifier: GPL-2.0
/*
 * dax-flip: toggle FS_XFLAG_DAX on the mapped, pinned case file, then
 * truncate into the break region and back. The kernel must not switch the
 * DAX state of an inode under a live mapping (it defers the change to the
 * next inode load); the note says what statx showed after the first flip.
 * On a dax=always mount the flag is only a policy bit and changes nothing.
 */
#include <string.h>

#include "breaker.h"
#include "../engine/fsxattr.h"

struct flip {
	uint64_t flips;
	bool on;
};

static int flip_op(struct brk_env *env, struct rng *rng)
{
	static __thread struct flip f = { .on = true };
	uint64_t pages = (env->size - env->brk_start) / 4096;
	int ret, dax;

	f.on = !f.on;
	ret = fsx_set_dax(env->fd, f.on);
	if (ret && !f.flips)
		return brk_unsupported(env, ret, "dax-flip: FS_IOC_FSSETXATTR(FS_XFLAG_DAX) refused: %s", strerror(-ret));
	if (ret)
		return ret;
	if (!f.flips++) {
		dax = fsx_statx_dax(env->fd);
		shared_note(env->sh, "dax-flip: FS_XFLAG_DAX %s while mapped; STATX_ATTR_DAX then %s",
			    f.on ? "set" : "cleared", dax < 0 ? "unknown" : dax ? "DAX" : "not DAX");
	}
	ret = brk_resize(env, env->brk_start + rng_below(rng, pages) * 4096);
	return ret ? ret : brk_resize(env, env->size);
}

static const struct brk_ops brk_dax_flip_ops = {
	.name = "dax-flip",
	.help = "toggle FS_XFLAG_DAX on the mapped file, then truncate and regrow (dax=inode)",
	.op = flip_op,
	.final = brk_final_truncate,
};

BREAKER(brk_dax_flip_ops);
