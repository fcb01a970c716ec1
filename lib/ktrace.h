/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Kernel-side counts per case, read from tracefs around each case when the
 * guest registered kprobes (daxstress vm --trace): every probe's hits from
 * kprobe_profile (counted before any filter), the records its filter let
 * into the ring buffer, lost records, and optionally the raw trace's tail.
 */
#ifndef DS_KTRACE_H
#define DS_KTRACE_H

#include <stddef.h>
#include <stdint.h>

#include "tracefile.h"

struct json_object;

struct ktrace_snap {
	unsigned int n;
	char name[TRACE_MAX_PROBES][TRACE_NAME_MAX];
	uint64_t hits[TRACE_MAX_PROBES];
	uint64_t missed[TRACE_MAX_PROBES];
};

/* Parse kprobe_profile text ("name hits missed" lines). */
void ktrace_parse_profile(const char *text, struct ktrace_snap *s);
/* Records of event name in trace text ("...: name: ..." lines). */
uint64_t ktrace_count_records(const char *text, const char *name);
/* Empty the ring buffer and snapshot the hit counts. 0 or -errno. */
int ktrace_begin(const char *tracefs, struct ktrace_snap *before);
/* The counts since ktrace_begin as a JSON object; keep: bytes of raw trace to add. */
struct json_object *ktrace_end(const char *tracefs, const struct ktrace_snap *before,
			       size_t keep);

#endif
