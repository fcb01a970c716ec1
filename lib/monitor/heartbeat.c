// SPDX-License-Identifier: GPL-2.0
#include <unistd.h>

#include "heartbeat.h"

static const char *const role_names[ROLE__COUNT] = {
	[ROLE_OWNER] = "owner",
	[ROLE_PINNER] = "pinner",
	[ROLE_BREAKER] = "breaker",
	[ROLE_EXTERNAL] = "external",
};

const char *hb_role_name(enum hb_role role)
{
	return (unsigned int)role < ROLE__COUNT ? role_names[role] : "?";
}

struct hb_slot *hb_register_task(struct hb_region *hb, enum hb_role role,
				 const char *name, pid_t pid, pid_t tid)
{
	uint32_t i = atomic_fetch_add(&hb->used, 1);
	struct hb_slot *s;

	if (i >= HB_MAX_SLOTS)
		return NULL;
	s = &hb->slot[i];
	s->role = role;
	s->pid = pid;
	s->tid = tid;
	strscpy_trunc(s->name, name, sizeof(s->name));
	atomic_store(&s->ops, 0);
	atomic_store(&s->op_start_ns, 0);
	hb_set_state(s, HB_ACTIVE);
	return s;
}

struct hb_slot *hb_register(struct hb_region *hb, enum hb_role role,
			    const char *name)
{
	return hb_register_task(hb, role, name, getpid(), gettid());
}

uint64_t hb_stalled_for(const struct hb_slot *s, uint64_t now)
{
	uint64_t start, last, ref;

	if (atomic_load_explicit(&s->state, memory_order_acquire) != HB_ACTIVE)
		return 0;
	start = atomic_load_explicit(&s->op_start_ns, memory_order_relaxed);
	last = atomic_load_explicit(&s->last_progress_ns, memory_order_relaxed);
	/* In an operation: its start; between operations: the last end. */
	ref = start > last ? start : last;
	return now > ref ? now - ref : 0;
}

enum hb_sum { HB_SUM_OPS, HB_SUM_BUSY, HB_SUM_SLOTS };

static uint64_t hb_role_sum(const struct hb_region *hb, enum hb_role role,
			   enum hb_sum what)
{
	uint32_t i, n = atomic_load(&hb->used);
	uint64_t sum = 0;

	if (n > HB_MAX_SLOTS)
		n = HB_MAX_SLOTS;
	for (i = 0; i < n; i++) {
		const struct hb_slot *s = &hb->slot[i];

		if (s->role != role)
			continue;
		if (what == HB_SUM_OPS)
			sum += hb_ops(s);
		else if (what == HB_SUM_BUSY)
			sum += atomic_load_explicit(&s->busy_ns, memory_order_relaxed);
		else
			sum++;
	}
	return sum;
}

uint64_t hb_role_ops(const struct hb_region *hb, enum hb_role role)
{
	return hb_role_sum(hb, role, HB_SUM_OPS);
}

uint64_t hb_role_busy_ns(const struct hb_region *hb, enum hb_role role)
{
	return hb_role_sum(hb, role, HB_SUM_BUSY);
}

uint32_t hb_role_slots(const struct hb_region *hb, enum hb_role role)
{
	return (uint32_t)hb_role_sum(hb, role, HB_SUM_SLOTS);
}
