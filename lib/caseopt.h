/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The options of one case. One table describes them; the same table parses
 * a workload's command line, validates a suite file's keys and builds the
 * command line the runner passes on, so the three can never disagree.
 */
#ifndef DS_CASEOPT_H
#define DS_CASEOPT_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Where a workload run without --dir (as kselftest runs it) looks for DAX. */
#define DEFAULT_DAX_DIR "/mnt/daxstress"

struct case_opts {
	char dir[PATH_MAX];
	char pin[32];
	char brk[32];
	char target[PATH_MAX];
	char scratch_dev[PATH_MAX];
	char result[PATH_MAX];
	char name[128];
	char trace_instance[48];	/* the run's tracefs instance (lib/tracing.h) */
	char fio_job[64];
	uint64_t size;
	uint64_t pin_size;
	uint64_t break_size;
	uint64_t align;
	uint64_t seed;
	uint64_t duration_ms;
	uint64_t stall_ms;
	uint64_t grace_ms;
	uint64_t break_pause_ms;
	uint32_t threads;
	uint32_t owner_threads;
	uint32_t breakers;
	bool allow_nodax;
	bool lockstep;
	/* mappings and modes */
	char map[16];		/* "shared" or "private-ro" */
	char hold[16];		/* evict-*: "vmsplice" or "odirect" */
	uint32_t owners;	/* mapping owner processes */
	bool dax_flag;		/* set FS_XFLAG_DAX on the case file (dax=inode) */
	bool pmd;		/* lay the file out for 2 MiB faults and report them */
	bool monitor;
};

/* The owner's mapping: MAP_SHARED read-write, or MAP_PRIVATE read-only. */
static inline bool case_map_private_ro(const struct case_opts *o)
{
	return o->map[0] == 'p';
}

/* The eviction breakers hold their pages with an O_DIRECT read in flight. */
static inline bool case_hold_odirect(const struct case_opts *o)
{
	return o->hold[0] == 'o';
}

enum opt_type { OPT_STR, OPT_SIZE, OPT_U32, OPT_U64, OPT_DURATION, OPT_BOOL };

struct opt_desc {
	const char *name;
	enum opt_type type;
	size_t offset;
	size_t len;		/* OPT_STR: buffer size */
	uint64_t min, max;	/* numbers; durations in ms */
	int (*check)(const char *value, char *err, size_t errlen);
	const char *help;
};

extern const struct opt_desc case_opt_table[];
extern const size_t case_opt_count;

void case_opts_defaults(struct case_opts *o);
const struct opt_desc *case_opt_find(const char *name);
/* Set one option from text. 0, or -EINVAL with a sentence in err. */
int case_opt_set(struct case_opts *o, const char *name, const char *value,
		 char *err, size_t errlen);
/* Checks across options (sizes that must fit each other). */
int case_opts_validate(const struct case_opts *o, char *err, size_t errlen);
/* Parse argv; prints usage on --help. 0 ok, 1 help shown, -EINVAL error. */
int case_opts_parse_argv(struct case_opts *o, int argc, char **argv,
			 char *err, size_t errlen);
void case_opts_usage(const char *prog, const char *what);

#endif
