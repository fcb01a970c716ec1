/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The stall monitor. It runs in its own process, reads the heartbeat of
 * every workload thread and, when one makes no progress for stall_ns,
 * records every thread's kernel state and then proves what kind of stall it
 * is, stopping at the first step that releases the thread:
 *
 *   1. release every pin and wait:        released -> a long pin (pass),
 *      or a livelock if a stalled pinner was spinning in GUP (state R) and
 *      only SIGKILL ended it
 *   2. every mapping of the file goes:    released -> blocked-by-mapping
 *   3. SA_RESTART signal to the thread:   released -> missed-wakeup
 *   4. nothing released it:               hang (S or D state)
 *
 * The workload (or an adapter for a foreign program such as fio) supplies
 * the actions as ops; a NULL op is a step that does not apply.
 */
#ifndef DS_MONITOR_H
#define DS_MONITOR_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "heartbeat.h"
#include "kmsg.h"
#include "../core/procinfo.h"
#include "timeline.h"
#include "../verdict/verdict.h"

struct monitor_ops {
	/*
	 * V_PASS while all is well; else the verdict that ends the case, with
	 * why: V_ERROR, or V_SKIP when the case turned out not to apply (a
	 * breaker the filesystem lacks).
	 */
	enum verdict (*check)(void *ctx, char *why, size_t len);
	/*
	 * Step 1: end every pin, ideally without touching any mapping (pinners
	 * stop and park; killing them would also drop their own mappings, which
	 * on 7.x is what step 2 tests). Returns a note on how it was done;
	 * *killed says the pinners would not stop and had to be killed.
	 */
	const char *(*release_pins)(void *ctx, uint64_t timeout_ns, bool *killed);
	/* Step 2: make every mapping of the file go away; 0 when done. */
	int (*unmap_all)(void *ctx, uint64_t timeout_ns);
	int (*poke)(void *ctx, pid_t pid, pid_t tid);
	/*
	 * After a proof the wait watch started found a legitimate wait (step 1
	 * released it): let the parked pinners go on; 0 when they did. NULL:
	 * such a proof ends the case like any other.
	 */
	int (*resume)(void *ctx, uint64_t timeout_ns);
	/*
	 * Is this thread asleep in a wait the wait watch should judge, beside
	 * the kernel's break-layouts waits (optional: the planted self-tests)?
	 */
	bool (*in_wait)(void *ctx, pid_t pid, pid_t tid);
	/* Has the case done enough (its wait budget)? It then ends as if at its end time (optional). */
	bool (*done)(void *ctx);
};

struct monitor_cfg {
	uint64_t stall_ns;	/* no progress for this long is a stall */
	uint64_t grace_ns;	/* wait after killing pinners / unmapping */
	uint64_t release_ns;	/* wait after the signal */
	uint64_t tick_ns;
	uint64_t wake_floor_ns;	/* wait watch floor (waitwatch.h); 0: no-progress timeout only */
	int progress_fd;	/* live progress lines (timeline.h), -1 for none */
	bool sysrq_w;		/* trigger sysrq-w at detection (root, disposable machines) */
	const char *name;	/* the case, for kernel log markers */
};

enum proof_step_id { STEP_RELEASE_PINS, STEP_UNMAP, STEP_SIGNAL, STEP__COUNT };

struct proof_step {
	bool done;		/* the step was carried out */
	bool released;		/* the stalled thread progressed after it */
	double t_s;		/* case start -> the step began */
	double wait_s;		/* time from the step to release or give-up */
	char state;		/* stalled thread's state after the step */
	char wchan[64];
	char note[160];
};

struct monitor_result {
	enum verdict verdict;
	char reason[256];
	bool stalled;
	double detect_s;	/* case start -> stall noticed */
	double verdict_s;	/* case start -> verdict */
	double stalled_s;	/* no-progress time when noticed */
	int primary;		/* heartbeat slot of the stalled thread, -1 */
	char role[16];
	char thread[24];
	bool in_dax_path;
	char location[160];
	struct task_snap at_detect;	/* the stalled thread */
	unsigned int nsnaps;
	struct task_snap snaps[HB_MAX_SLOTS];	/* every thread at detection */
	struct proof_step step[STEP__COUNT];
	/* every thread again after each step that was carried out */
	unsigned int nstep_snaps[STEP__COUNT];
	struct task_snap step_snaps[STEP__COUNT][HB_MAX_SLOTS];
	bool sysrq_w;		/* sysrq-w was triggered at detection */
	bool early;		/* the wait watch started the proof, not the timeout */
	bool pins_killed;	/* step 1 had to kill the pinners */
	/* ticks that came over half a stall timeout late: the monitor was off the CPU */
	unsigned int blind_gaps;
	double blind_s;		/* the time those ticks were late by */
	struct ww_stats {
		unsigned int waits;	/* break-layouts sleeps seen */
		unsigned int woken;	/* woke by themselves after their pins */
		unsigned int early;	/* proofs the watch started */
		unsigned int legit;	/* of those, legitimate waits (the case went on) */
		double margin_s;	/* the learned margin at the end */
		double tail_max_s;	/* longest pins-done-to-wakeup seen */
	} ww;
	struct kmsg_watch kmsg;
	struct timeline tl;	/* progress over time, stall and proof included */
};

const char *proof_step_name(enum proof_step_id id);

/*
 * Watch from now until end_ns (CLOCK_MONOTONIC) or a verdict. start_ns is
 * the case start, for the detection time. Fills res; returns res->verdict.
 */
/*
 * The slot of a pinner thread, stalled at least min_stalled_ns, that spins
 * in the kernel: running (R) in ten samples 20 ms apart, with get_user_pages
 * in the stacks that could be read (a GUP loop, not a long pin, which
 * sleeps). -1 if none. About 200 ms per pinner examined.
 */
int monitor_spinning_pinner(struct hb_region *hb, uint64_t min_stalled_ns);

enum verdict monitor_run(struct hb_region *hb, const struct monitor_cfg *cfg,
			 const struct monitor_ops *ops, void *ctx,
			 uint64_t start_ns, uint64_t end_ns,
			 struct monitor_result *res);

#endif
