/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Lockstep: pins and breaks take turns so that nothing touches the file
 * while a break waits. A break starts only while a pin operation holds its
 * pages, and no pin operation starts while a break runs. With no owner
 * threads this separates the two 7.x classes: a wait that a refault keeps
 * busy cannot happen, so a stall left is a lost wakeup in the put path.
 * Every function is a no-op unless the case has lockstep = yes.
 */
#ifndef DS_LOCKSTEP_H
#define DS_LOCKSTEP_H

#include <stdbool.h>

#include "../config/caseopt.h"
#include "shared.h"

/* Pinner: wait until no break runs and count this thread in; false = stop. */
bool ls_pin_enter(const struct case_opts *o, struct wl_shared *sh, bool marks);
void ls_pin_leave(const struct case_opts *o, struct wl_shared *sh, bool marks);
/* A pin source that submits asynchronously: its pages are pinned now. */
void ls_mark_pinned(const struct case_opts *o, struct wl_shared *sh);
/* Breaker: wait (bounded) for held pins, then keep new pins out. */
void ls_break_enter(const struct case_opts *o, struct wl_shared *sh);
void ls_break_leave(const struct case_opts *o, struct wl_shared *sh);

#endif
