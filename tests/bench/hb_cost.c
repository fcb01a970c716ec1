// SPDX-License-Identifier: GPL-2.0
/*
 * What one heartbeat costs a workload thread: nanoseconds per
 * hb_op_begin() + hb_op_end() pair (two clock reads, three relaxed stores,
 * one atomic add), against an empty loop. `make bench` prints it beside the
 * measured time per pin and break operation, which is where the overhead
 * shows as a fraction.
 */
#include <stdio.h>
#include <stdlib.h>

#include "../../lib/monitor/heartbeat.h"

#define HB_COST_OPS 20000000ULL

int main(void)
{
	static struct hb_region hb;
	struct hb_slot *s = hb_register(&hb, ROLE_PINNER, "bench");
	volatile uint64_t sink = 0;
	uint64_t i, t0, t1, t2;

	if (!s)
		return 1;
	t0 = now_ns();
	for (i = 0; i < HB_COST_OPS; i++)
		sink += i;
	t1 = now_ns();
	for (i = 0; i < HB_COST_OPS; i++) {
		hb_op_begin(s);
		sink += i;
		hb_op_end(s);
	}
	t2 = now_ns();
	printf("hb_ns_per_op %.1f\n", (double)((t2 - t1) - (t1 - t0)) / HB_COST_OPS);
	return hb_ops(s) == HB_COST_OPS ? 0 : 1;
}
