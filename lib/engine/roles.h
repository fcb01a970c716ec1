/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The three kinds of workload process: the mapping owner (its threads keep
 * every page faulted in and write known patterns), the pinner and the
 * breaker. Each runs in its own process so the monitor can kill all pinners
 * at once and signal one breaker thread. Each function never returns.
 */
#ifndef DS_ROLES_H
#define DS_ROLES_H

#include <sys/prctl.h>

#include "../breakers/breaker.h"
#include "../pins/pin.h"

struct role_env {
	const struct case_opts *o;
	struct wl_shared *sh;
	int fd;
	const char *path;
	bool dax;
	uint64_t size;
	uint64_t brk_start;
	const struct pin_ops *pin;
	const struct brk_ops *brk;
	int target_fd;
	int sharer_fd;		/* the reflinked copy (sharer = yes), or -1 */
	bool target_writable;
	uint64_t target_size;
};

/* The signal the monitor sends in the last proof step. */
#define PROOF_SIGNAL SIGUSR2

/*
 * Name the role's process (ds-owner, ds-pin, ds-break; its threads inherit
 * it), so that hung-task reports, kprobe filters on comm and ps tell the
 * roles apart.
 */
static inline void role_set_name(const char *name)
{
	prctl(PR_SET_NAME, name, 0, 0, 0);
}

void __noreturn role_owner(const struct role_env *env);
void __noreturn role_pinner(const struct role_env *env);
void __noreturn role_breaker(const struct role_env *env);

#endif
