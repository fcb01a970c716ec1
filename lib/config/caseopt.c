// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../breakers/breaker.h"
#include "caseopt.h"
#include "../pins/pin.h"
#include "../core/util.h"

#define OFF(f) offsetof(struct case_opts, f)
#define SZ(f) sizeof(((struct case_opts *)0)->f)

static int check_pin(const char *v, char *err, size_t len)
{
	if (pin_find(v))
		return 0;
	snprintf(err, len, "unknown pin source '%s' (known: %s)", v, pin_names());
	return -EINVAL;
}

static int check_brk(const char *v, char *err, size_t len)
{
	if (brk_find(v))
		return 0;
	snprintf(err, len, "unknown breaker '%s' (known: %s)", v, brk_names());
	return -EINVAL;
}

static int check_align(const char *v, char *err, size_t len)
{
	uint64_t a;

	if (!parse_size(v, &a) && (a == 4096 || a == (2u << 20)))
		return 0;
	snprintf(err, len, "alignment '%s' must be 4k or 2M", v);
	return -EINVAL;
}

const char *const case_map_names[] = { "shared", "private-ro", NULL };

/* OPT_ENUM stores an int; the enums it stores into must be int sized. */
_Static_assert(sizeof(enum case_map) == sizeof(int), "enum case_map is not int sized");

const struct opt_desc case_opt_table[] = {
	{ "dir", OPT_STR, OFF(dir), SZ(dir), 0, 0, NULL,
	  "directory on a DAX mount for the case file (default: $DAXSTRESS_DIR, else " DEFAULT_DAX_DIR ")", NULL },
	{ "pin", OPT_STR, OFF(pin), SZ(pin), 0, 0, check_pin, "pin source", NULL },
	{ "break", OPT_STR, OFF(brk), SZ(brk), 0, 0, check_brk, "breaker", NULL },
	{ "target", OPT_STR, OFF(target), SZ(target), 0, 0, NULL,
	  "O_DIRECT target on a non-DAX device or filesystem (default /dev/nullb0)", NULL },
	{ "size", OPT_SIZE, OFF(size), 0, 4ULL << 20, 64ULL << 30, NULL,
	  "case file size, a multiple of 2M", NULL },
	{ "pin-size", OPT_SIZE, OFF(pin_size), 0, 4096, 256ULL << 20, NULL,
	  "bytes pinned by one pin operation", NULL },
	{ "break-size", OPT_SIZE, OFF(break_size), 0, 4096, 1ULL << 30, NULL,
	  "largest range one random break covers (small: cheap breaks, more of them)", NULL },
	{ "align", OPT_SIZE, OFF(align), 0, 4096, 2u << 20, check_align,
	  "mapping alignment: 4k (PTE only) or 2M (PMD possible)", NULL },
	{ "threads", OPT_U32, OFF(threads), 0, 1, 64, NULL, "pinner threads", NULL },
	{ "owner-threads", OPT_U32, OFF(owner_threads), 0, 0, 64, NULL,
	  "mapping owner threads that keep the pages faulted (0: the owner only maps the file)", NULL },
	{ "break-pause", OPT_DURATION, OFF(break_pause_ms), 0, 0, 10 * 1000ULL, NULL,
	  "sleep between one thread's breaks (0: none; a tight loop of breaks can starve the faults of owners and pinners)", NULL },
	{ "breakers", OPT_U32, OFF(breakers), 0, 1, 16, NULL, "breaker threads", NULL },
	{ "duration", OPT_DURATION, OFF(duration_ms), 0, 100, 7 * 24 * 3600 * 1000ULL,
	  NULL, "how long the case runs (30s, 2m)", NULL },
	{ "budget", OPT_U64, OFF(budget), 0, 0, UINT64_MAX, NULL,
	  "end the case once it has exercised this many waits, or at its duration, whichever comes first (0: the duration); waits are the kernel's busy scans with daxstress run --trace configs/trace/collisions.trace, else breaks that had to sleep (for a busy page or for a lock: an upper bound)", NULL },
	{ "seed", OPT_U64, OFF(seed), 0, 0, UINT64_MAX, NULL,
	  "random seed (0: pick one and print it)", NULL },
	{ "stall-timeout", OPT_DURATION, OFF(stall_ms), 0, 100, 3600 * 1000ULL, NULL,
	  "no progress for this long is a stall", NULL },
	{ "grace", OPT_DURATION, OFF(grace_ms), 0, 100, 600 * 1000ULL, NULL,
	  "longest wait after each proof step", NULL },
	{ "wake-floor", OPT_DURATION, OFF(wake_floor_ms), 0, 0, 60 * 1000ULL, NULL,
	  "a break-layouts sleep that outlives every pin it could wait for by this much (or by four times the case's slowest legitimate wakeup) is proven at once, and a proof step gives up this soon on a thread still in the same sleep (0: only the stall timeout and the whole grace)", NULL },
	{ "allow-nodax", OPT_BOOL, OFF(allow_nodax), 0, 0, 1, NULL,
	  "run on a non-DAX directory (tests only; results say dax: false)", NULL },
	{ "monitor", OPT_BOOL, OFF(monitor), 0, 0, 1, NULL,
	  "watch for stalls (no: benchmarks only, to measure what the watch costs)", NULL },
	{ "result", OPT_STR, OFF(result), SZ(result), 0, 0, NULL, "write the case result as JSON here", NULL },
	{ "name", OPT_STR, OFF(name), SZ(name), 0, 0, NULL, "case name in KTAP and reports", NULL },
	{ "trace-instance", OPT_STR, OFF(trace_instance), SZ(trace_instance), 0, 0, NULL,
	  "the run's tracefs instance, whose PMD fault hist the case reads (set by daxstress run)", NULL },
	{ "trace-waits", OPT_STR, OFF(trace_waits), SZ(trace_waits), 0, 0, NULL,
	  "the run's tracefs instance whose records are kernel-counted waits (set by daxstress run --trace): a budget counts them instead of breaks slept", NULL },
	{ "lockstep", OPT_BOOL, OFF(lockstep), 0, 0, 1, NULL,
	  "breaks only while pins are held, pins only between breaks (no refault during a break)", NULL },
	{ "map", OPT_ENUM, OFF(map), SZ(map), 0, 0, NULL,
	  "owner mapping: shared (read-write) or private-ro (MAP_PRIVATE, PROT_READ; owners only read)",
	  case_map_names },
	{ "owners", OPT_U32, OFF(owners), 0, 1, 8, NULL,
	  "mapping owner processes sharing the file", NULL },
	{ "dax-flag", OPT_BOOL, OFF(dax_flag), 0, 0, 1, NULL,
	  "set FS_XFLAG_DAX on the case file (makes it DAX on a dax=inode mount)", NULL },
	{ "pmd", OPT_BOOL, OFF(pmd), 0, 0, 1, NULL,
	  "lay the file out for 2M faults (xfs extent size hint, whole-file fallocate) and report PMD faults or the fallback to PTE", NULL },
	{ "sharer", OPT_BOOL, OFF(sharer), 0, 0, 1, NULL,
	  "xfs reflink: write the whole case file, clone it into an unnamed second file and have the first owner map that and read every page, so each page is also mapped through another inode (the proof's unmap step unmaps it too)", NULL },
};

const size_t case_opt_count = ARRAY_SIZE(case_opt_table);

/* ---- the options of pin sources and breakers ------------------------- */

/* The two plugins of a case: slots of struct case_opts. */
enum { SLOT_PIN, SLOT_BRK, NSLOTS };

static const char *const slot_kind[NSLOTS] = { "pin source", "breaker" };
static const char *const slot_kinds[NSLOTS] = { "pin sources", "breakers" };

struct plugin {
	const char *name;
	const struct plugin_opts *po;
};

/* The i-th registered plugin of a slot; false past the last. */
static bool plugin_nth(int slot, size_t i, struct plugin *p)
{
	const struct pin_ops *const *pin = __start_daxstress_pins + i;
	const struct brk_ops *const *brk = __start_daxstress_breakers + i;

	if (slot == SLOT_PIN && pin < __stop_daxstress_pins) {
		*p = (struct plugin){ (*pin)->name, &(*pin)->opts };
		return true;
	}
	if (slot == SLOT_BRK && brk < __stop_daxstress_breakers) {
		*p = (struct plugin){ (*brk)->name, &(*brk)->opts };
		return true;
	}
	return false;
}

/* The pin source or the breaker the case names; false for an unknown name. */
static bool case_plugin(const struct case_opts *o, int slot, struct plugin *p)
{
	const struct pin_ops *pin;
	const struct brk_ops *brk;

	if (slot == SLOT_PIN) {
		pin = pin_find(o->pin);
		if (pin)
			*p = (struct plugin){ pin->name, &pin->opts };
		return pin;
	}
	brk = brk_find(o->brk);
	if (brk)
		*p = (struct plugin){ brk->name, &brk->opts };
	return brk;
}

static const struct opt_desc *plugin_opt(const struct plugin *p, const char *key)
{
	const struct opt_desc *d;

	for (d = p->po->table; d && d->name; d++)
		if (!strcmp(d->name, key))
			return d;
	return NULL;
}

static bool any_plugin_has(const char *key)
{
	struct plugin p;
	size_t i;
	int slot;

	for (slot = 0; slot < NSLOTS; slot++)
		for (i = 0; plugin_nth(slot, i, &p); i++)
			if (plugin_opt(&p, key))
				return true;
	return false;
}

static unsigned char *slot_area(struct case_opts *o, int slot)
{
	return slot == SLOT_PIN ? o->pin_opts : o->brk_opts;
}

/*
 * Give each area the defaults of the plugin the case names now, unless it
 * holds that plugin's options already (an earlier parse, the runner's copy
 * of a suite case): a case that changes its breaker starts from the new
 * breaker's defaults, never from the old one's bytes.
 */
static void plugins_bind(struct case_opts *o)
{
	static const size_t tag_len = sizeof(o->pin_opts_of);
	char *tag[NSLOTS] = { o->pin_opts_of, o->brk_opts_of };
	const char *name[NSLOTS] = { o->pin, o->brk };
	struct plugin p;
	int slot;

	_Static_assert(sizeof(o->pin_opts_of) >= sizeof(o->pin) &&
		       sizeof(o->brk_opts_of) >= sizeof(o->brk), "opts_of shorter than the names");
	for (slot = 0; slot < NSLOTS; slot++) {
		if (tag[slot][0] && !strcmp(tag[slot], name[slot]))
			continue;
		memset(slot_area(o, slot), 0, CASE_PLUGIN_OPTS_MAX);
		if (case_plugin(o, slot, &p) && p.po->defaults)
			memcpy(slot_area(o, slot), p.po->defaults, p.po->size);
		strscpy_trunc(tag[slot], name[slot], tag_len);
	}
}

void case_opts_defaults(struct case_opts *o)
{
	memset(o, 0, sizeof(*o));
	strscpy_trunc(o->pin, "pvm", sizeof(o->pin));
	strscpy_trunc(o->brk, "truncate", sizeof(o->brk));
	/*
	 * The strong settings (docs/BENCHMARKS.md, strength): a small file, small
	 * pins and one-page breaks meet a pin on most breaks, and two breakers
	 * one more often (161 against 109 busy scans a second, one boot); one
	 * owner thread refaults the pages the way applications do.
	 */
	o->size = 8ULL << 20;
	o->pin_size = 16ULL << 10;
	o->break_size = 4096;
	o->align = 2u << 20;
	o->threads = 2;
	o->owner_threads = 1;
	o->breakers = 2;
	o->duration_ms = 30000;
	o->stall_ms = 10000;
	o->grace_ms = 5000;
	o->wake_floor_ms = 150;
	o->map = CASE_MAP_SHARED;
	o->owners = 1;
	o->monitor = true;
	o->progress_fd = -1;
	plugins_bind(o);
}

const struct opt_desc *case_opt_find(const char *name)
{
	size_t i;

	for (i = 0; i < case_opt_count; i++)
		if (!strcmp(case_opt_table[i].name, name))
			return &case_opt_table[i];
	return NULL;
}

bool case_opt_known(const char *name)
{
	return case_opt_find(name) || any_plugin_has(name);
}

const char *case_enum_name(const char *const *names, unsigned int v)
{
	unsigned int i;

	for (i = 0; names[i]; i++)
		if (i == v)
			return names[i];
	return "?";
}

static int parse_bool(const char *v, bool *out)
{
	static const char *const yes[] = { "1", "yes", "true", "on" };
	static const char *const no[] = { "0", "no", "false", "off" };
	size_t i;

	for (i = 0; i < ARRAY_SIZE(yes); i++) {
		if (!strcmp(v, yes[i]) || !strcmp(v, no[i])) {
			*out = !strcmp(v, yes[i]);
			return 0;
		}
	}
	return -EINVAL;
}

static int parse_number(const struct opt_desc *d, const char *v, uint64_t *n)
{
	switch (d->type) {
	case OPT_SIZE:
		return parse_size(v, n);
	case OPT_DURATION:
		return parse_duration_ms(v, n);
	default:
		return parse_u64(v, n);
	}
}

static const char *type_hint(enum opt_type t)
{
	switch (t) {
	case OPT_SIZE:
		return "a size such as 4096, 64k, 2M, 1G";
	case OPT_DURATION:
		return "a duration such as 30, 30s, 500ms, 2m";
	case OPT_BOOL:
		return "yes or no";
	default:
		return "a whole number";
	}
}

/* snprintf at the end of what buf holds already. */
static void appendf(char *buf, size_t len, const char *fmt, ...) __printf(3, 4);

static void appendf(char *buf, size_t len, const char *fmt, ...)
{
	size_t used = strnlen(buf, len);
	va_list ap;

	if (used + 1 >= len)
		return;
	va_start(ap, fmt);
	vsnprintf(buf + used, len - used, fmt, ap);
	va_end(ap);
}

/* OPT_ENUM: the index of value in names; "must be a, b or c" otherwise. */
static int enum_set(const struct opt_desc *d, int *field, const char *value,
		    char *err, size_t errlen)
{
	unsigned int i;

	for (i = 0; d->names[i]; i++) {
		if (!strcmp(d->names[i], value)) {
			*field = (int)i;
			return 0;
		}
	}
	snprintf(err, errlen, "%s '%s' must be ", d->name, value);
	for (i = 0; d->names[i]; i++)
		appendf(err, errlen, "%s%s", i == 0 ? "" : d->names[i + 1] ? ", " : " or ",
			d->names[i]);
	return -EINVAL;
}

/* Set one option described by d in the struct at base (the case, or a plugin's area). */
static int opt_set(const struct opt_desc *d, void *base_ptr, const char *value,
		   char *err, size_t errlen)
{
	const char *name = d->name;
	char *base = base_ptr;
	uint64_t n;

	if (d->check && d->check(value, err, errlen))
		return -EINVAL;
	if (d->type == OPT_ENUM)
		return enum_set(d, (int *)(base + d->offset), value, err, errlen);
	if (d->type == OPT_STR) {
		if (strlen(value) >= d->len) {
			snprintf(err, errlen, "%s: value is longer than %zu characters",
				 name, d->len - 1);
			return -EINVAL;
		}
		strscpy_trunc(base + d->offset, value, d->len);
		return 0;
	}
	if (d->type == OPT_BOOL) {
		if (!parse_bool(value, (bool *)(base + d->offset)))
			return 0;
		snprintf(err, errlen, "%s: '%s' is not %s", name, value, type_hint(d->type));
		return -EINVAL;
	}
	if (parse_number(d, value, &n)) {
		snprintf(err, errlen, "%s: '%s' is not %s", name, value, type_hint(d->type));
		return -EINVAL;
	}
	if (n < d->min || n > d->max) {
		snprintf(err, errlen, "%s: '%s' is out of range (%llu..%llu%s)", name,
			 value, (unsigned long long)d->min, (unsigned long long)d->max,
			 d->type == OPT_DURATION ? " ms" : "");
		return -EINVAL;
	}
	if (d->type == OPT_U32)
		*(uint32_t *)(base + d->offset) = (uint32_t)n;
	else
		*(uint64_t *)(base + d->offset) = n;
	return 0;
}

static int core_set(struct case_opts *o, const char *key, const char *value,
		    char *err, size_t errlen)
{
	const struct opt_desc *d = case_opt_find(key);

	if (!d) {
		snprintf(err, errlen, "unknown option '%s'", key);
		return -EINVAL;
	}
	return opt_set(d, o, value, err, errlen);
}

/*
 * key is an option of some plugin, not of this case's: say whose it is,
 * e.g. "fio-job is an option of pin source fio, and this case uses odirect".
 */
static int not_ours(const struct case_opts *o, const char *key, char *err, size_t errlen)
{
	const char *uses[NSLOTS] = { o->pin, o->brk };
	char names[NSLOTS][256] = { "", "" };
	unsigned int count[NSLOTS] = { 0, 0 };
	struct plugin p;
	int slot, both;
	size_t i;

	for (slot = 0; slot < NSLOTS; slot++)
		for (i = 0; plugin_nth(slot, i, &p); i++)
			if (plugin_opt(&p, key))
				appendf(names[slot], sizeof(names[slot]), "%s%s",
					count[slot]++ ? ", " : "", p.name);
	if (!count[SLOT_PIN] && !count[SLOT_BRK]) {
		snprintf(err, errlen, "unknown option '%s'", key);
		return -EINVAL;
	}
	both = count[SLOT_PIN] && count[SLOT_BRK];
	snprintf(err, errlen, "%s is an option of ", key);
	for (slot = 0; slot < NSLOTS; slot++)
		if (count[slot])
			appendf(err, errlen, "%s%s %s", slot && both ? " and of " : "",
				count[slot] > 1 ? slot_kinds[slot] : slot_kind[slot], names[slot]);
	if (both)
		appendf(err, errlen, ", and this case uses pin source %s and breaker %s",
			o->pin, o->brk);
	else
		appendf(err, errlen, ", and this case uses %s",
			uses[count[SLOT_PIN] ? SLOT_PIN : SLOT_BRK]);
	return -EINVAL;
}

/* A key of the case's pin source or breaker, into that plugin's area. */
static int plugin_set(struct case_opts *o, const char *key, const char *value,
		      char *err, size_t errlen)
{
	const struct opt_desc *d;
	struct plugin p;
	int slot;

	for (slot = 0; slot < NSLOTS; slot++) {
		if (!case_plugin(o, slot, &p))
			continue;
		d = plugin_opt(&p, key);
		if (d)
			return opt_set(d, slot_area(o, slot), value, err, errlen);
	}
	return not_ours(o, key, err, errlen);
}

static bool is_plugin_key(const char *key)
{
	return !case_opt_find(key) && any_plugin_has(key);
}

/*
 * The case's own keys first, then its plugins': which pin source and which
 * breaker own the rest is known only once pin and break are set, and they
 * may come after the keys of their plugins.
 */
int case_opts_parse(struct case_opts *o, const struct case_kv *kv, unsigned int n,
		    char *err, size_t errlen, unsigned int *bad)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (!is_plugin_key(kv[i].key) &&
		    core_set(o, kv[i].key, kv[i].val, err, errlen))
			goto fail;
	plugins_bind(o);
	for (i = 0; i < n; i++)
		if (is_plugin_key(kv[i].key) &&
		    plugin_set(o, kv[i].key, kv[i].val, err, errlen))
			goto fail;
	if (bad)
		*bad = n;	/* a problem of the whole case, not of one key */
	return case_opts_validate(o, err, errlen);
fail:
	if (bad)
		*bad = i;
	return -EINVAL;
}

int case_opts_validate(const struct case_opts *o, char *err, size_t errlen)
{
	if (o->size % (2u << 20)) {
		snprintf(err, errlen, "size %llu is not a multiple of 2M",
			 (unsigned long long)o->size);
		return -EINVAL;
	}
	if (o->pin_size % 4096 || o->pin_size > o->size / 2) {
		snprintf(err, errlen,
			 "pin-size %llu must be a multiple of 4k and at most half of size",
			 (unsigned long long)o->pin_size);
		return -EINVAL;
	}
	return 0;
}

bool case_takes_opt(const struct case_opts *o, const char *key)
{
	struct plugin p;
	int slot;

	for (slot = 0; slot < NSLOTS; slot++)
		if (case_plugin(o, slot, &p) && plugin_opt(&p, key))
			return true;
	return false;
}

int case_opt_provide(struct case_opts *o, const char *key, const char *val, bool overwrite)
{
	const struct opt_desc *d;
	unsigned char *area;
	struct plugin p;
	char err[256];
	int slot;

	plugins_bind(o);
	for (slot = 0; slot < NSLOTS; slot++) {
		if (!case_plugin(o, slot, &p))
			continue;
		d = plugin_opt(&p, key);
		if (!d)
			continue;
		area = slot_area(o, slot);
		if (!overwrite && d->type == OPT_STR && area[d->offset])
			return 0;
		return opt_set(d, area, val, err, sizeof(err)) ? -EINVAL : 1;
	}
	return 0;
}

static void usage_table(const struct opt_desc *d, size_t n)
{
	size_t i;

	for (i = 0; i < n && d[i].name; i++)
		fprintf(stderr, "  --%-15s %s\n", d[i].name, d[i].help);
}

/* The options of every pin source or breaker that has some, under its name. */
static void usage_plugins(int slot)
{
	struct plugin p;
	size_t i;

	for (i = 0; plugin_nth(slot, i, &p); i++) {
		if (!p.po->table || !p.po->table[0].name)
			continue;
		fprintf(stderr, "\noptions of %s %s:\n", slot_kind[slot], p.name);
		usage_table(p.po->table, SIZE_MAX);
	}
}

void case_opts_usage(const char *prog, const char *what)
{
	fprintf(stderr, "usage: %s --dir DIR [options]\n%s\n\noptions:\n", prog, what);
	usage_table(case_opt_table, case_opt_count);
	usage_plugins(SLOT_PIN);
	usage_plugins(SLOT_BRK);
	fprintf(stderr, "\npin sources: %s\nbreakers:    %s\n", pin_names(), brk_names());
}

/*
 * Name the argument getopt refused: an unknown short option inside a
 * cluster ("-xh") leaves optind on the cluster, so say which letter.
 */
static void bad_option_msg(int argc, char **argv, char *err, size_t errlen)
{
	if (optopt && optopt != 'h')
		snprintf(err, errlen, "unknown option '-%c' (options are long: --name=value)",
			 optopt);
	else if (optind > 0 && optind <= argc)
		snprintf(err, errlen, "unknown or incomplete option '%s'", argv[optind - 1]);
	else
		snprintf(err, errlen, "unknown or incomplete option");
}

/* One long option per name, whichever table or tables it comes from. */
static void add_lopt(struct option *lopts, size_t *n, const struct opt_desc *d)
{
	size_t i;

	for (i = 0; i < *n; i++)
		if (!strcmp(lopts[i].name, d->name))
			return;
	lopts[(*n)++] = (struct option){ d->name,
		d->type == OPT_BOOL ? optional_argument : required_argument, NULL, 0 };
}

/* getopt's table: the case's options, every plugin's, and --help. */
static struct option *long_options(void)
{
	const struct opt_desc *d;
	struct option *lopts;
	size_t max = case_opt_count + 2, n = 0, i;
	struct plugin p;
	int slot;

	for (slot = 0; slot < NSLOTS; slot++)
		for (i = 0; plugin_nth(slot, i, &p); i++)
			for (d = p.po->table; d && d->name; d++)
				max++;
	lopts = calloc(max, sizeof(*lopts));
	if (!lopts)
		return NULL;
	for (i = 0; i < case_opt_count; i++)
		add_lopt(lopts, &n, &case_opt_table[i]);
	for (slot = 0; slot < NSLOTS; slot++)
		for (i = 0; plugin_nth(slot, i, &p); i++)
			for (d = p.po->table; d && d->name; d++)
				add_lopt(lopts, &n, d);
	lopts[n] = (struct option){ "help", no_argument, NULL, 'h' };
	return lopts;	/* calloc's zeroes end it */
}

int case_opts_parse_argv(struct case_opts *o, int argc, char **argv,
			 char *err, size_t errlen)
{
	struct option *lopts = long_options();
	struct case_kv *kv = calloc((size_t)argc + 1, sizeof(*kv));
	unsigned int n = 0;
	int c, idx, ret = 0;

	if (!kv || !lopts) {
		snprintf(err, errlen, "out of memory");
		ret = -ENOMEM;
		goto out;
	}
	opterr = 0;
	/*
	 * 0, not 1: glibc then forgets where it was inside a cluster of short
	 * options ("-xh") of an earlier call, which would point into that
	 * call's freed argv (found by tests/fuzz/fuzz_cli.c).
	 */
	optind = 0;
	while (!ret && (c = getopt_long(argc, argv, "+h", lopts, &idx)) != -1) {
		if (c == 'h') {
			ret = 1;
		} else if (c == '?') {
			bad_option_msg(argc, argv, err, errlen);
			ret = -EINVAL;
		} else {
			kv[n].key = lopts[idx].name;
			kv[n++].val = optarg ? optarg : "yes";
		}
	}
	if (!ret && optind < argc) {
		snprintf(err, errlen, "unexpected argument '%s'", argv[optind]);
		ret = -EINVAL;
	}
	if (!ret)
		ret = case_opts_parse(o, kv, n, err, errlen, NULL);
out:
	free(lopts);
	free(kv);
	return ret;
}
