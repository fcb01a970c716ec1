/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Parsers for the per-case kernel counts (lib/trace/tracing.c reads the files):
 * every probe's hits from kprobe_profile (counted before any filter) and
 * the records its filter let into the ring buffer.
 */
#ifndef DS_KTRACE_H
#define DS_KTRACE_H

#include <stddef.h>
#include <stdint.h>

#include "../config/tracefile.h"

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

#endif
