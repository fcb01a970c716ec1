// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <getopt.h>
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

static int check_map(const char *v, char *err, size_t len)
{
	if (!strcmp(v, "shared") || !strcmp(v, "private-ro"))
		return 0;
	snprintf(err, len, "map '%s' must be shared or private-ro", v);
	return -EINVAL;
}

static int check_hold(const char *v, char *err, size_t len)
{
	if (!strcmp(v, "vmsplice") || !strcmp(v, "odirect"))
		return 0;
	snprintf(err, len, "hold '%s' must be vmsplice or odirect", v);
	return -EINVAL;
}

const struct opt_desc case_opt_table[] = {
	{ "dir", OPT_STR, OFF(dir), SZ(dir), 0, 0, NULL,
	  "directory on a DAX mount for the case file (default: $DAXSTRESS_DIR, else " DEFAULT_DAX_DIR ")" },
	{ "pin", OPT_STR, OFF(pin), SZ(pin), 0, 0, check_pin, "pin source" },
	{ "break", OPT_STR, OFF(brk), SZ(brk), 0, 0, check_brk, "breaker" },
	{ "target", OPT_STR, OFF(target), SZ(target), 0, 0, NULL,
	  "O_DIRECT target on a non-DAX device or filesystem (default /dev/nullb0)" },
	{ "scratch-dev", OPT_STR, OFF(scratch_dev), SZ(scratch_dev), 0, 0, NULL,
	  "evict-umount: an unmounted DAX pmem device holding ext4 or xfs, mounted and unmounted by the case, never formatted (default: $DAXSTRESS_SCRATCH_DEV)" },
	{ "size", OPT_SIZE, OFF(size), 0, 4ULL << 20, 64ULL << 30, NULL,
	  "case file size, a multiple of 2M" },
	{ "pin-size", OPT_SIZE, OFF(pin_size), 0, 4096, 256ULL << 20, NULL,
	  "bytes pinned by one pin operation" },
	{ "break-size", OPT_SIZE, OFF(break_size), 0, 4096, 1ULL << 30, NULL,
	  "largest range one random break covers (small: cheap breaks, more of them)" },
	{ "align", OPT_SIZE, OFF(align), 0, 4096, 2u << 20, check_align,
	  "mapping alignment: 4k (PTE only) or 2M (PMD possible)" },
	{ "threads", OPT_U32, OFF(threads), 0, 1, 64, NULL, "pinner threads" },
	{ "owner-threads", OPT_U32, OFF(owner_threads), 0, 0, 64, NULL,
	  "mapping owner threads that keep the pages faulted (0: the owner only maps the file)" },
	{ "break-pause", OPT_DURATION, OFF(break_pause_ms), 0, 0, 10 * 1000ULL, NULL,
	  "sleep between one thread's breaks (0: none; a tight loop of breaks can starve the faults of owners and pinners)" },
	{ "breakers", OPT_U32, OFF(breakers), 0, 1, 16, NULL, "breaker threads" },
	{ "duration", OPT_DURATION, OFF(duration_ms), 0, 100, 7 * 24 * 3600 * 1000ULL,
	  NULL, "how long the case runs (30s, 2m)" },
	{ "seed", OPT_U64, OFF(seed), 0, 0, UINT64_MAX, NULL,
	  "random seed (0: pick one and print it)" },
	{ "stall-timeout", OPT_DURATION, OFF(stall_ms), 0, 100, 3600 * 1000ULL, NULL,
	  "no progress for this long is a stall" },
	{ "grace", OPT_DURATION, OFF(grace_ms), 0, 100, 600 * 1000ULL, NULL,
	  "wait after each proof step" },
	{ "allow-nodax", OPT_BOOL, OFF(allow_nodax), 0, 0, 1, NULL,
	  "run on a non-DAX directory (tests only; results say dax: false)" },
	{ "monitor", OPT_BOOL, OFF(monitor), 0, 0, 1, NULL,
	  "watch for stalls (no: benchmarks only, to measure what the watch costs)" },
	{ "result", OPT_STR, OFF(result), SZ(result), 0, 0, NULL, "write the case result as JSON here" },
	{ "name", OPT_STR, OFF(name), SZ(name), 0, 0, NULL, "case name in KTAP and reports" },
	{ "trace-instance", OPT_STR, OFF(trace_instance), SZ(trace_instance), 0, 0, NULL,
	  "the run's tracefs instance, whose PMD fault hist the case reads (set by daxstress run)" },
	{ "fio-job", OPT_STR, OFF(fio_job), SZ(fio_job), 0, 0, NULL,
	  "fio pin: job in configs/fio/NAME.fio, or a path" },
	{ "lockstep", OPT_BOOL, OFF(lockstep), 0, 0, 1, NULL,
	  "breaks only while pins are held, pins only between breaks (no refault during a break)" },
	{ "map", OPT_STR, OFF(map), SZ(map), 0, 0, check_map,
	  "owner mapping: shared (read-write) or private-ro (MAP_PRIVATE, PROT_READ; owners only read)" },
	{ "hold", OPT_STR, OFF(hold), SZ(hold), 0, 0, check_hold,
	  "evict-* breakers: hold the file's pages with vmsplice (page references) or an O_DIRECT read from the target in flight (GUP pins)" },
	{ "owners", OPT_U32, OFF(owners), 0, 1, 8, NULL,
	  "mapping owner processes sharing the file" },
	{ "dax-flag", OPT_BOOL, OFF(dax_flag), 0, 0, 1, NULL,
	  "set FS_XFLAG_DAX on the case file (makes it DAX on a dax=inode mount)" },
	{ "pmd", OPT_BOOL, OFF(pmd), 0, 0, 1, NULL,
	  "lay the file out for 2M faults (xfs extent size hint, whole-file fallocate) and report PMD faults or the fallback to PTE" },
};

const size_t case_opt_count = ARRAY_SIZE(case_opt_table);

void case_opts_defaults(struct case_opts *o)
{
	memset(o, 0, sizeof(*o));
	strscpy_trunc(o->pin, "pvm", sizeof(o->pin));
	strscpy_trunc(o->brk, "truncate", sizeof(o->brk));
	strscpy_trunc(o->fio_job, "libaio", sizeof(o->fio_job));
	strscpy_trunc(o->hold, "vmsplice", sizeof(o->hold));
	o->size = 64ULL << 20;
	o->pin_size = 1ULL << 20;
	o->break_size = 2ULL << 20;
	o->align = 2u << 20;
	o->threads = 2;
	o->owner_threads = 2;
	o->breakers = 1;
	o->duration_ms = 30000;
	o->stall_ms = 10000;
	o->grace_ms = 5000;
	strscpy_trunc(o->map, "shared", sizeof(o->map));
	o->owners = 1;
	o->monitor = true;
	o->progress_fd = -1;
}

const struct opt_desc *case_opt_find(const char *name)
{
	size_t i;

	for (i = 0; i < case_opt_count; i++)
		if (!strcmp(case_opt_table[i].name, name))
			return &case_opt_table[i];
	return NULL;
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

static int opt_set(struct case_opts *o, const char *name, const char *value,
		   char *err, size_t errlen)
{
	const struct opt_desc *d = case_opt_find(name);
	char *base = (char *)o;
	uint64_t n;

	if (!d) {
		snprintf(err, errlen, "unknown option '%s'", name);
		return -EINVAL;
	}
	if (d->check && d->check(value, err, errlen))
		return -EINVAL;
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

int case_opts_parse(struct case_opts *o, const struct case_kv *kv, unsigned int n,
		    char *err, size_t errlen, unsigned int *bad)
{
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (opt_set(o, kv[i].key, kv[i].val, err, errlen)) {
			if (bad)
				*bad = i;
			return -EINVAL;
		}
	}
	if (bad)
		*bad = n;	/* a problem of the whole case, not of one key */
	return case_opts_validate(o, err, errlen);
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

void case_opts_usage(const char *prog, const char *what)
{
	size_t i;

	fprintf(stderr, "usage: %s --dir DIR [options]\n%s\n\noptions:\n", prog, what);
	for (i = 0; i < case_opt_count; i++) {
		const struct opt_desc *d = &case_opt_table[i];

		fprintf(stderr, "  --%-15s %s\n", d->name, d->help);
	}
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

int case_opts_parse_argv(struct case_opts *o, int argc, char **argv,
			 char *err, size_t errlen)
{
	struct option lopts[64];
	struct case_kv *kv;
	unsigned int n = 0;
	size_t i;
	int c, idx, ret = 0;

	kv = calloc((size_t)argc + 1, sizeof(*kv));
	if (!kv) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	for (i = 0; i < case_opt_count; i++) {
		lopts[i].name = case_opt_table[i].name;
		lopts[i].has_arg = case_opt_table[i].type == OPT_BOOL ? optional_argument
								   : required_argument;
		lopts[i].flag = NULL;
		lopts[i].val = 0;
	}
	lopts[i++] = (struct option){ "help", no_argument, NULL, 'h' };
	lopts[i] = (struct option){ NULL, 0, NULL, 0 };
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
	free(kv);
	return ret;
}
