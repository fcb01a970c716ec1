/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Pin sources: ways a user program makes the kernel hold references to the
 * DAX pages of the case file. One file each under lib/pins/, registered by
 * its last line, PIN_SOURCE(its ops).
 */
#ifndef DS_PIN_H
#define DS_PIN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../config/caseopt.h"
#include "../monitor/heartbeat.h"
#include "../engine/shared.h"
#include "../core/util.h"

#define PIN_F_TARGET	(1u << 0)	/* needs a non-DAX O_DIRECT target */
#define PIN_F_PLANT	(1u << 1)	/* planted user-space stall for self-tests */
#define PIN_F_MAP	(1u << 2)	/* pins this process's own mapping (env->map) */
#define PIN_F_WHOLE	(1u << 3)	/* writes anywhere in the file: no stable region */
#define PIN_F_MARKS	(1u << 4)	/* calls pin_mark_pinned() once its I/O is submitted */

struct pin_env {
	const struct case_opts *o;
	struct wl_shared *sh;
	int fd;			/* the case file */
	const char *path;
	bool dax;
	uint64_t size;
	uint64_t brk_start;	/* pins land in [brk_start, size) */
	int target_fd;
	bool target_writable;
	uint64_t target_size;
	char *map;		/* PIN_F_MAP: the pinner's shared mapping of the file */
};

struct pin_thread {
	unsigned int idx;
	struct rng rng;
	struct hb_slot *hb;
	void *local;		/* per-thread state of the pin source */
};

struct pin_ops {
	const char *name;
	const char *help;
	unsigned int flags;
	/* In the pinner process before its threads start. */
	int (*setup)(struct pin_env *env, void **priv, char *err, size_t errlen);
	int (*thread_init)(struct pin_env *env, void *priv, struct pin_thread *t);
	/* One pin and release. 0, or -errno to stop the case with an error. */
	int (*pin)(struct pin_env *env, void *priv, struct pin_thread *t);
	void (*thread_exit)(struct pin_env *env, void *priv, struct pin_thread *t);
	void (*teardown)(struct pin_env *env, void *priv);
	/* Its own options: PLUGIN_OPTS(table, defaults) (caseopt.h), read with pin_opts(). */
	struct plugin_opts opts;
	/* The case's pin in results, when its options tell cases apart (fio:libaio). */
	void (*label)(const struct case_opts *o, char *buf, size_t len);
};

/*
 * A pin source file ends with PIN_SOURCE(its ops): the linker collects them
 * all, so adding one is one file and nothing else.
 */
#define PIN_SOURCE(ops) \
	static const struct pin_ops *const ops##_entry __used \
	__section("daxstress_pins") = &(ops)

/* Bounds of that section, provided by the linker. */
extern const struct pin_ops *const __start_daxstress_pins[];
extern const struct pin_ops *const __stop_daxstress_pins[];

#define for_each_pin(p) \
	for (p = __start_daxstress_pins; p < __stop_daxstress_pins; p++)

const struct pin_ops *pin_find(const char *name);
/* The case's pin source's own options struct (its PLUGIN_OPTS). */
static inline const void *pin_opts(const struct pin_env *env)
{
	return env->o->pin_opts;
}
/* The case's pin source as results name it: its label, else its name. */
void pin_label(const struct case_opts *o, char *buf, size_t len);
/* Comma-separated names, for messages. */
const char *pin_names(void);
/* A random page-aligned range of len bytes inside the break region. */
uint64_t pin_pick_offset(const struct pin_env *env, struct rng *rng, uint64_t len);
/* A random page-aligned offset for len bytes inside the O_DIRECT target. */
uint64_t pin_pick_target(const struct pin_env *env, struct rng *rng, uint64_t len);
/* Lockstep: the I/O just submitted holds its pages (see lockstep.h). */
void pin_mark_pinned(struct pin_env *env);
/* Count an expected failure (the range was truncated away): 0; else -err. */
int pin_io_result(struct pin_env *env, long res);
/* The same for an asynchronous completion, where older kernels report EFAULT as EIO. */
int pin_async_result(struct pin_env *env, long res);

#endif
