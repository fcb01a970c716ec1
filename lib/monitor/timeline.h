/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Progress over time: every interval the monitor samples the completed
 * operations of each role and the longest no-progress time of any thread.
 * The samples go into the case result (the timeline picture and the repro
 * bundle are drawn from them) and, when the runner asks for it, out of a
 * pipe as one line per sample for the live status line.
 */
#ifndef DS_TIMELINE_H
#define DS_TIMELINE_H

#include <stdint.h>

#include "heartbeat.h"

#define TL_MAX 1024
#define TL_INTERVAL_NS (250 * NSEC_PER_MSEC)
#define TL_ROLES 3		/* owner, pinner, breaker */

struct tl_sample {
	double t;		/* seconds since the case start */
	uint64_t ops[TL_ROLES];	/* completed operations so far, per role */
	double stall;		/* longest no-progress time of an active thread, s */
};

struct timeline {
	uint64_t start_ns;
	uint64_t interval_ns;	/* doubles when the buffer fills */
	uint64_t next_ns;
	int progress_fd;	/* -1: no live progress wanted */
	unsigned int n;
	struct tl_sample s[TL_MAX];
};

/* Start sampling; progress_fd is where sample lines go, or -1. */
void timeline_init(struct timeline *tl, uint64_t start_ns, int progress_fd);
/* Take a sample if one is due; returns it, or NULL. */
const struct tl_sample *timeline_tick(struct timeline *tl, const struct hb_region *hb,
				      uint64_t now);
/* fd if it is a pipe (the runner's progress pipe), now close-on-exec; else -1. */
int timeline_progress_fd(int fd);
/* Parse one progress line; 0 or -EINVAL. */
int timeline_parse_line(const char *line, struct tl_sample *s);

#endif
