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

#include "../core/util.h"

/* Where a workload run without --dir (as kselftest runs it) looks for DAX. */
#define DEFAULT_DAX_DIR "/mnt/daxstress"

/*
 * The bytes a case keeps for its pin source's own options, and as many for
 * its breaker's: the largest options struct a plugin may declare (room for
 * a path and some change). PLUGIN_OPTS() refuses a larger one at build time.
 */
#define CASE_PLUGIN_OPTS_MAX	(PATH_MAX + 256)
#define CASE_PLUGIN_OPTS_ALIGN	16

/* The owner's mapping: MAP_SHARED read-write, or MAP_PRIVATE read-only. */
enum case_map { CASE_MAP_SHARED, CASE_MAP_PRIVATE_RO };
/* Their names in suites, command lines and results, by value; NULL ends it. */
extern const char *const case_map_names[];

struct case_opts {
	char dir[PATH_MAX];
	char pin[32];
	char brk[32];
	char target[PATH_MAX];
	char result[PATH_MAX];
	char name[128];
	char trace_instance[48];	/* the run's tracefs instance (lib/trace/tracing.h) */
	char trace_waits[48];		/* the instance whose records are the case's waits */
	uint64_t size;
	uint64_t pin_size;
	uint64_t break_size;
	uint64_t align;
	uint64_t seed;
	uint64_t budget;	/* waits (breaks that slept) that end the case early; 0: none */
	uint64_t duration_ms;
	uint64_t stall_ms;
	uint64_t grace_ms;
	uint64_t wake_floor_ms;	/* wait watch and proof step floor (monitor.h) */
	uint64_t break_pause_ms;
	uint32_t threads;
	uint32_t owner_threads;
	uint32_t breakers;
	bool allow_nodax;
	bool lockstep;
	/* mappings and modes */
	enum case_map map;
	uint32_t owners;	/* mapping owner processes */
	bool dax_flag;		/* set FS_XFLAG_DAX on the case file (dax=inode) */
	bool pmd;		/* lay the file out for 2 MiB faults and report them */
	bool sharer;		/* the owner maps a reflinked copy of the case file too */
	bool monitor;
	/* set by the runner, not options */
	bool sysrq_w;		/* take sysrq-w at a stall (daxstress run --sysrq-w) */
	bool clear_warn_once;	/* re-arm WARN_ON_ONCE per case (a VM that is ours alone) */
	int progress_fd;	/* the runner's progress pipe (lib/monitor/timeline.h), or -1 */
	/*
	 * The options of the case's pin source and of its breaker, each the
	 * plugin's own struct (its PLUGIN_OPTS), read with pin_opts() and
	 * brk_opts(). *_opts_of names the plugin whose defaults and values the
	 * area holds: case_opts_parse starts it afresh when pin or break changes.
	 */
	char pin_opts_of[32];
	char brk_opts_of[32];
	unsigned char pin_opts[CASE_PLUGIN_OPTS_MAX] __aligned(CASE_PLUGIN_OPTS_ALIGN);
	unsigned char brk_opts[CASE_PLUGIN_OPTS_MAX] __aligned(CASE_PLUGIN_OPTS_ALIGN);
};

/* One key = value of a case: line is its line in a suite file, 0 on a command line. */
struct case_kv {
	const char *key;
	const char *val;
	int line;
};

/* The name of an enum value (a names array of an OPT_ENUM option). */
const char *case_enum_name(const char *const *names, unsigned int v);
#define case_map_name(m) case_enum_name(case_map_names, (m))

/* OPT_ENUM: an enum field (int sized), set to the index of the value in names. */
enum opt_type { OPT_STR, OPT_SIZE, OPT_U32, OPT_U64, OPT_DURATION, OPT_BOOL, OPT_ENUM };

/*
 * One option: of the case (case_opt_table, offsets into struct case_opts)
 * or of a plugin (its own table, offsets into its own options struct).
 */
struct opt_desc {
	const char *name;
	enum opt_type type;
	size_t offset;
	size_t len;		/* OPT_STR: buffer size */
	uint64_t min, max;	/* numbers; durations in ms */
	int (*check)(const char *value, char *err, size_t errlen);
	const char *help;
	const char *const *names;	/* OPT_ENUM: the values' names, NULL-terminated */
};

/*
 * A pin source's or breaker's own options: its table (ending with a NULL
 * name), the size of its options struct and that struct's defaults. The
 * keys of a case that are not the case's own options are looked up in the
 * tables of the case's pin source and breaker.
 */
struct plugin_opts {
	const struct opt_desc *table;
	size_t size;
	const void *defaults;
};

/* sizeof(type), or a build error when type does not fit a case's area. */
#define PLUGIN_OPTS_SIZE(type) \
	(sizeof(type) + 0 * sizeof(struct { \
		_Static_assert(sizeof(type) <= CASE_PLUGIN_OPTS_MAX, \
			       "a plugin's options struct exceeds CASE_PLUGIN_OPTS_MAX"); \
		_Static_assert(_Alignof(type) <= CASE_PLUGIN_OPTS_ALIGN, \
			       "a plugin's options struct needs more than CASE_PLUGIN_OPTS_ALIGN"); \
		int unused; }))

/* .opts of a pin source or breaker: its table and its defaults (a struct). */
#define PLUGIN_OPTS(tbl, defs) \
	{ .table = (tbl), .size = PLUGIN_OPTS_SIZE(__typeof__(defs)), .defaults = &(defs) }

extern const struct opt_desc case_opt_table[];
extern const size_t case_opt_count;

void case_opts_defaults(struct case_opts *o);
/* A case option of case_opt_table (not a plugin's), or NULL. */
const struct opt_desc *case_opt_find(const char *name);
/* Is name an option of the case or of any pin source or breaker? */
bool case_opt_known(const char *name);
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
/* Does the case's pin source or breaker take the option key? */
bool case_takes_opt(const struct case_opts *o, const char *key);
/*
 * A value the run or the environment provides for a plugin's option (the
 * scratch device of daxstress run --scratch-dev): set on a case whose pin
 * source or breaker takes key, left alone on any other. overwrite false:
 * only where the case left that string option empty. 1 set, 0 left
 * alone, -EINVAL a value the option refuses.
 */
int case_opt_provide(struct case_opts *o, const char *key, const char *val, bool overwrite);
/* argv's --key=value pairs through case_opts_parse. 0 ok, 1 --help, -EINVAL error. */
int case_opts_parse_argv(struct case_opts *o, int argc, char **argv,
			 char *err, size_t errlen);
void case_opts_usage(const char *prog, const char *what);

#endif
