/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The options of one case: the typed case every workload runs. One table
 * describes them and one function (case_opts_parse) turns key = value pairs
 * into it, whether they come from a suite file or a workload's command
 * line. A suite case is parsed once, when the suite is loaded; the runner
 * then hands that struct to the workload as it is.
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
	char trace_instance[48];	/* the run's tracefs instance (lib/trace/tracing.h) */
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
	/* set by the runner, not options */
	bool sysrq_w;		/* take sysrq-w at a stall (daxstress run --sysrq-w) */
	bool clear_warn_once;	/* re-arm WARN_ON_ONCE per case (a VM that is ours alone) */
	int progress_fd;	/* the runner's progress pipe (lib/monitor/timeline.h), or -1 */
};

/* One key = value of a case: line is its line in a suite file, 0 on a command line. */
struct case_kv {
	const char *key;
	const char *val;
	int line;
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
/*
 * The one parser of case options: set every key of kv, in order, on o (its
 * defaults already set), then check them together. 0, or -EINVAL with a
 * sentence in err and the index of the key at fault in *bad (n: the keys
 * do not fit together).
 */
int case_opts_parse(struct case_opts *o, const struct case_kv *kv, unsigned int n,
		    char *err, size_t errlen, unsigned int *bad);
/* Checks across options (sizes that must fit each other). */
int case_opts_validate(const struct case_opts *o, char *err, size_t errlen);
/* argv's --key=value pairs through case_opts_parse. 0 ok, 1 --help, -EINVAL error. */
int case_opts_parse_argv(struct case_opts *o, int argc, char **argv,
			 char *err, size_t errlen);
void case_opts_usage(const char *prog, const char *what);

#endif
