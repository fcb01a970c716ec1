/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Breakers: operations that make the filesystem break DAX layouts and wait
 * for pinned pages. One file each under lib/breakers/, registered by one
 * line in lib/breaker_list.h.
 */
#ifndef DS_BREAKER_H
#define DS_BREAKER_H

#include <stdint.h>

#include "caseopt.h"
#include "shared.h"
#include "util.h"

#define BRK_F_PLANT	(1u << 0)	/* pairs with a PIN_F_PLANT pin source */
#define BRK_F_WHOLE	(1u << 1)	/* breaks the whole file: no stable region */

struct brk_env {
	const struct case_opts *o;
	struct wl_shared *sh;
	int fd;
	const char *path;	/* the case file, for breakers that reopen it */
	uint64_t size;
	uint64_t brk_start;	/* breaks stay inside [brk_start, size) */
};

struct brk_ops {
	const char *name;
	const char *help;
	unsigned int flags;
	/* One break, leaving the file its full size. 0 or -errno. */
	int (*op)(struct brk_env *env, struct rng *rng);
	/* Break the whole break region once, for the read-back-zero check. */
	int (*final)(struct brk_env *env);
};

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

/* A breaker file ends with BREAKER(its ops), like PIN_SOURCE in pin.h. */
#define BREAKER(ops) \
	static const struct brk_ops *const ops##_entry __used \
	__section("daxstress_breakers") = &(ops)

/* Bounds of that section, provided by the linker. */
extern const struct brk_ops *const __start_daxstress_breakers[];
extern const struct brk_ops *const __stop_daxstress_breakers[];

#define for_each_breaker(b) \
	for (b = __start_daxstress_breakers; b < __stop_daxstress_breakers; b++)

const struct brk_ops *brk_find(const char *name);
const char *brk_names(void);
/* A random page-aligned [off, off+len) inside the break region. */
void brk_pick_range(const struct brk_env *env, struct rng *rng,
		    uint64_t *off, uint64_t *len);

#endif
