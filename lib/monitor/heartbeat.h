/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Per-thread progress in shared memory. A worker stamps the start of each
 * operation and bumps a counter when it ends: two relaxed stores and one
 * vDSO clock read, cheap enough not to change the race being tested.
 * The monitor, in another process, only reads.
 */
#ifndef DS_HEARTBEAT_H
#define DS_HEARTBEAT_H

#include <stdatomic.h>
#include <stdint.h>
#include <sys/types.h>

#include "../core/util.h"

#define HB_MAX_SLOTS 64

enum hb_role { ROLE_OWNER, ROLE_PINNER, ROLE_BREAKER, ROLE_EXTERNAL, ROLE__COUNT };

enum hb_state {
	HB_FREE,
	HB_ACTIVE,	/* expected to make progress */
	HB_IDLE,	/* waits on purpose; never a stall */
	HB_DONE,
};

struct hb_slot {
	_Atomic uint64_t ops;
	_Atomic uint64_t op_start_ns;	/* 0 when between operations */
	_Atomic uint64_t last_progress_ns;
	_Atomic uint64_t busy_ns;	/* summed length of completed operations */
	_Atomic uint32_t state;
	uint32_t role;
	int32_t pid;
	int32_t tid;
	char name[24];
} __aligned(64);

struct hb_region {
	_Atomic uint32_t used;
	struct hb_slot slot[HB_MAX_SLOTS];
};

const char *hb_role_name(enum hb_role role);
/* Claim a slot for the calling thread; NULL when the region is full. */
struct hb_slot *hb_register(struct hb_region *hb, enum hb_role role,
			    const char *name);
/* Claim a slot for a thread of a process daxstress did not write (fio). */
struct hb_slot *hb_register_task(struct hb_region *hb, enum hb_role role,
				 const char *name, pid_t pid, pid_t tid);

static inline void hb_op_begin(struct hb_slot *s)
{
	atomic_store_explicit(&s->op_start_ns, now_ns(), memory_order_relaxed);
}

static inline void hb_op_end(struct hb_slot *s)
{
	uint64_t now = now_ns();
	uint64_t t0 = atomic_load_explicit(&s->op_start_ns, memory_order_relaxed);

	atomic_store_explicit(&s->last_progress_ns, now, memory_order_relaxed);
	if (t0 && now > t0)
		atomic_fetch_add_explicit(&s->busy_ns, now - t0, memory_order_relaxed);
	atomic_fetch_add_explicit(&s->ops, 1, memory_order_relaxed);
	atomic_store_explicit(&s->op_start_ns, 0, memory_order_relaxed);
}

static inline void hb_set_state(struct hb_slot *s, enum hb_state st)
{
	atomic_store_explicit(&s->last_progress_ns, now_ns(), memory_order_relaxed);
	atomic_store_explicit(&s->state, st, memory_order_release);
}

static inline uint64_t hb_ops(const struct hb_slot *s)
{
	return atomic_load_explicit(&s->ops, memory_order_relaxed);
}

/*
 * Nanoseconds the thread has gone without progress at time now: the age of
 * its current operation, or of its last completed one. 0 if not ACTIVE.
 */
uint64_t hb_stalled_for(const struct hb_slot *s, uint64_t now);
/* Sum of completed operations of every slot with this role. */
uint64_t hb_role_ops(const struct hb_region *hb, enum hb_role role);
/* Sum of the time every slot with this role spent inside operations. */
uint64_t hb_role_busy_ns(const struct hb_region *hb, enum hb_role role);
/* Threads that registered with this role. */
uint32_t hb_role_slots(const struct hb_region *hb, enum hb_role role);

#endif
