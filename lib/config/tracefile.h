/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Trace files for `daxstress run|vm --trace FILE`: the kprobes a run
 * registers in its private tracefs instance (lib/trace/tracing.h), the filters that decide which hits are kept in
 * the ring buffer, and how much of the raw trace each case keeps.
 *
 *	# comment
 *	r:dsbusy dax_layout_busy_page_range ret=$retval	a kprobe_events line
 *	filter dsbusy ret != 0				events/<group>/dsbusy/filter
 *	keep 16k					raw trace tail per case
 *
 * A probe line is written to kprobe_events as it is, so it must name its
 * event (p:NAME or r:NAME, optionally GROUP/NAME). Errors name the file, the
 * line and the problem.
 */
#ifndef DS_TRACEFILE_H
#define DS_TRACEFILE_H

#include <stddef.h>
#include <stdint.h>

#define TRACE_MAX_PROBES	16
#define TRACE_NAME_MAX		64
#define TRACE_LINE_MAX		512
#define TRACE_KEEP_MAX		(1u << 20)

struct trace_probe {
	char group[TRACE_NAME_MAX];	/* "kprobes" unless the line names one */
	char name[TRACE_NAME_MAX];
	char symbol[TRACE_NAME_MAX];
	char line[TRACE_LINE_MAX];	/* the kprobe_events line */
	char filter[TRACE_LINE_MAX];	/* empty: every hit is recorded */
	int lineno;
	char kind;			/* 'p' or 'r' */
};

struct trace_file {
	unsigned int nprobes;
	struct trace_probe probe[TRACE_MAX_PROBES];
	uint64_t keep;			/* bytes of raw trace kept per case */
};

/* Parse text; name stands in for the file name. 0 or -EINVAL, "name:line: problem" in err. */
int trace_parse_string(struct trace_file *t, const char *name, const char *text,
		       char *err, size_t errlen);
int trace_load(struct trace_file *t, const char *path, char *err, size_t errlen);
/* The file again, in its own format and without comments (what the guest parses). */
int trace_format(const struct trace_file *t, char **out, size_t *len);

#endif
