/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Breakers: operations that make the filesystem break DAX layouts and wait
 * for pinned pages. One file each under lib/breakers/, registered by its
 * last line, BREAKER(its ops).
 */
#ifndef DS_BREAKER_H
#define DS_BREAKER_H

#include <stdbool.h>
#include <stdint.h>

#include "../config/caseopt.h"
#include "../engine/shared.h"
#include "../core/util.h"

#define BRK_F_PLANT	(1u << 0)	/* pairs with a PIN_F_PLANT pin source */
#define BRK_F_WHOLE	(1u << 1)	/* breaks the whole file: no stable region */
/*
 * Its ops never shrink the file while the case runs, so no owner fault can
 * land past the end of it: an owner SIGBUS is a fault the filesystem failed
 * (a full filesystem), not a truncation.
 */
#define BRK_F_KEEPS_SIZE	(1u << 2)
/* One thread only (evict-umount mounts and unmounts): breakers = N starts one. */
#define BRK_F_ONE_THREAD	(1u << 3)

struct brk_env {
	const struct case_opts *o;
	struct wl_shared *sh;
	int fd;
	const char *path;	/* the case file, for breakers that reopen it */
	uint64_t size;
	uint64_t brk_start;	/* breaks stay inside [brk_start, size) */
	int target_fd;		/* O_DIRECT target when wants_target says so, else -1 */
	uint64_t target_size;
	void *priv;		/* per-thread state of the breaker, set up by its op */
};

struct brk_ops {
	const char *name;
	const char *help;
	unsigned int flags;
	/* One break, leaving the file its full size. 0 or -errno. */
	int (*op)(struct brk_env *env, struct rng *rng);
	/* Break the whole break region once, for the read-back-zero check. */
	int (*final)(struct brk_env *env);
	/* Release what the ops set up in env->priv (optional). */
	void (*done)(struct brk_env *env);
	/* Its own options: PLUGIN_OPTS(table, defaults) (caseopt.h), read with brk_opts(). */
	struct plugin_opts opts;
	/* Does this case need the O_DIRECT target (optional; evict-*: hold = odirect)? */
	bool (*wants_target)(const struct case_opts *o);
};

/* The case's breaker's own options struct (its PLUGIN_OPTS). */
static inline const void *brk_opts(const struct brk_env *env)
{
	return env->o->brk_opts;
}

/* The breaker threads a case starts: its breakers, or one (BRK_F_ONE_THREAD). */
static inline unsigned int brk_threads(const struct brk_ops *ops, const struct case_opts *o)
{
	return (ops->flags & BRK_F_ONE_THREAD) ? 1 : o->breakers;
}

/* fallocate(mode) that returns -errno. */
int brk_fallocate(const struct brk_env *env, int mode, uint64_t off, uint64_t len);
/* fallocate(mode) over a random range of the break region. */
int brk_fallocate_random(struct brk_env *env, struct rng *rng, int mode);
/* fallocate(mode) over the whole break region. */
int brk_fallocate_region(struct brk_env *env, int mode);
/* Shrink to the start of the break region and grow back: zeroes all of it. */
int brk_final_truncate(struct brk_env *env);
/* Set the size; -errno. */
int brk_resize(const struct brk_env *env, uint64_t size);

/*
 * The operation cannot run here (refused by the kernel or the filesystem):
 * the case ends as SKIP with this sentence as the reason. Returns err.
 */
int brk_unsupported(struct brk_env *env, int err, const char *fmt, ...) __printf(3, 4);
/*
 * A second file beside the case file (O_TMPFILE in the same directory, so
 * nothing is left behind) with the case file's size, every block written:
 * the other side of clone, dedupe and exchange-range. -errno.
 */
int brk_sibling_open(const struct brk_env *env);
/* Write size bytes at the start of fd, allocating every block. -errno. */
int brk_fill(int fd, uint64_t size);
/* STATX_ATTR_DAX of an open file (false when statx fails). */
bool brk_fd_is_dax(int fd);

/* The remap breakers' per-thread state in env->priv. */
struct brk_remap {
	int sibling;
	uint64_t ops;
};

/* The thread's sibling, opened and checked for DAX on first use. */
struct brk_remap *brk_remap_get(struct brk_env *env, const char *name);
/*
 * The result of one remap ioctl: a refusal on the first try is a SKIP with
 * the kernel's errno explained; later failures are errors.
 */
int brk_remap_result(struct brk_env *env, struct brk_remap *r, const char *name, int ret);

/* A breaker file ends with BREAKER(its ops), like PIN_SOURCE in pin.h. */
#define BREAKER(ops) \
	static const struct brk_ops *const ops##_entry __used \
	__section("daxstress_breakers") = &(ops)

/*
 * Several breakers of one file, in the order given: one array, which the
 * compiler cannot reorder as it may separate BREAKER()s, so messages that
 * list them (whose option is this?) keep the file's order. Aligned to a
 * pointer: the x86-64 ABI would align the array to 16 and leave a hole.
 */
#define BREAKERS(name, ...) \
	static const struct brk_ops *const name##_entries[] __used \
	__aligned(sizeof(void *)) __section("daxstress_breakers") = { __VA_ARGS__ }

/* Bounds of that section, provided by the linker. */
extern const struct brk_ops *const __start_daxstress_breakers[];
extern const struct brk_ops *const __stop_daxstress_breakers[];

#define for_each_breaker(b) \
	for (b = __start_daxstress_breakers; b < __stop_daxstress_breakers; b++)

const struct brk_ops *brk_find(const char *name);
const char *brk_names(void);
/* Does the case's breaker need the O_DIRECT target? */
bool brk_wants_target(const struct case_opts *o);
/* A random page-aligned [off, off+len) inside the break region. */
void brk_pick_range(const struct brk_env *env, struct rng *rng,
		    uint64_t *off, uint64_t *len);

#endif
