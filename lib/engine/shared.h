/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The region every process of a case shares (MAP_SHARED|MAP_ANONYMOUS,
 * created before fork): start/stop flags, the owner's control channel for
 * the proof's unmap step, counters and the heartbeat slots.
 */
#ifndef DS_SHARED_H
#define DS_SHARED_H

#include <stdatomic.h>
#include <stdint.h>

#include "../monitor/heartbeat.h"

enum owner_cmd { OWNER_RUN, OWNER_UNMAP };

struct wl_shared {
	_Atomic int go;
	_Atomic int stop;
	_Atomic int owner_cmd;
	_Atomic int owner_ready;
	_Atomic int pinner_ready;	/* mapped and set up: breaks may start */
	_Atomic int pin_park;		/* proof step 1: stop pinning, keep mappings */
	_Atomic uint32_t pin_parked;
	_Atomic int owner_unmapped;
	_Atomic uint32_t owner_parked;
	_Atomic uint64_t owner_addr;	/* the owner's mapping, for remote pins */
	int32_t owner_pid;
	_Atomic uint32_t plant_word;	/* planted stalls: 1 = "page pinned" */
	_Atomic uint32_t plant_waiters;
	_Atomic int32_t plant_sleeper_pid;	/* the plant-wait thread: the planted drop */
	_Atomic int32_t plant_sleeper_tid;	/* waits until /proc shows it asleep on the word */
	_Atomic uint64_t sigbus;	/* owner faults in a truncated range */
	_Atomic uint64_t pin_efault;	/* pins that hit a truncated range */
	_Atomic uint64_t brk_slept;	/* breaks whose thread slept: waits, as the heartbeat counts them */
	_Atomic uint64_t signals;	/* proof signals received */
	_Atomic int64_t pmd_kb;
	_Atomic uint32_t ls_pinning;	/* lockstep: pin operations running */
	_Atomic uint32_t ls_held_sync;	/* lockstep: synchronous operations running */
	_Atomic uint32_t ls_held_async;	/* lockstep: submitted operations holding pins */
	_Atomic uint32_t ls_breaking;	/* lockstep: breaks running; no new pins */
	_Atomic uint64_t ls_overlaps;	/* lockstep: breaks started with pins held */		/* most FilePmdMapped seen in the owner's mapping */
	_Atomic int error;
	_Atomic int unsupported;	/* the error says the fs lacks the operation */
	char errmsg[256];
	_Atomic int noted;
	char note[256];		/* a finding a role reports beside the verdict */
	struct hb_region hb;
	_Atomic uint32_t owners_ready;		/* owner processes with their mapping */
	_Atomic uint32_t owners_unmapped;	/* owner processes done with the unmap step */
};

/* First fatal error of any role wins; later ones are dropped. */
void shared_error(struct wl_shared *sh, const char *fmt, ...) __printf(2, 3);

/* First note wins, like errors. */
void shared_note(struct wl_shared *sh, const char *fmt, ...) __printf(2, 3);

#endif
