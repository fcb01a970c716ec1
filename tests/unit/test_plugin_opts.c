// SPDX-License-Identifier: GPL-2.0
/*
 * Description: the options of pin sources and breakers. case_opts_parse
 * puts a plugin's keys into that plugin's own struct (read back here
 * through the plugin's table, as the plugin would through pin_opts() and
 * brk_opts()), in any order with pin and break; a key of a plugin the case
 * does not use says whose it is; a suite names the line of a bad key; map
 * and hold are enums parsed by name and printed back by name; the runner's
 * scratch device reaches only a case whose breaker takes it.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../lib/breakers/breaker.h"
#include "../../lib/config/caseopt.h"
#include "refused.h"
#include "../../lib/config/suite.h"
#include "../../lib/pins/pin.h"

static const struct opt_desc *find(const struct opt_desc *d, const char *name)
{
	for (; d->name; d++)
		if (!strcmp(d->name, name))
			return d;
	fail_msg("no option '%s' in the table", name);
	return NULL;
}

/* The fio pin source's fio-job, where fio reads it: its own struct. */
static const char *fio_job(const struct case_opts *o)
{
	const struct opt_desc *d = find(pin_find("fio")->opts.table, "fio-job");

	return (const char *)o->pin_opts + d->offset;
}

/* An enum option of the case's breaker, as the breaker reads it. */
static int brk_enum(const struct case_opts *o, const char *name)
{
	const struct opt_desc *d = find(brk_find(o->brk)->opts.table, name);
	int v;

	memcpy(&v, o->brk_opts + d->offset, sizeof(v));
	return v;
}

static const char *brk_str(const struct case_opts *o, const char *name)
{
	const struct opt_desc *d = find(brk_find(o->brk)->opts.table, name);

	return (const char *)o->brk_opts + d->offset;
}

static void test_plugin_struct(void **state)
{
	struct case_opts o;
	char err[256] = "";

	(void)state;
	assert_int_equal(parse(&o, err, sizeof(err), "--dir", "/mnt", "--pin", "fio", NULL), 0);
	assert_string_equal(fio_job(&o), "libaio");
	/* the pin source's key before the pin source itself */
	assert_int_equal(parse(&o, err, sizeof(err), "--fio-job=psync", "--dir", "/mnt",
			       "--pin=fio", NULL), 0);
	assert_string_equal(fio_job(&o), "psync");
	assert_string_equal(o.pin_opts_of, "fio");
	/* every plugin's struct fits the case's area for it */
	assert_true(pin_find("fio")->opts.size <= CASE_PLUGIN_OPTS_MAX);
	assert_true(brk_find("evict-umount")->opts.size <= CASE_PLUGIN_OPTS_MAX);
}

/* A case that changes its pin source starts from the new one's defaults. */
static void test_plugin_change(void **state)
{
	struct case_kv fio[] = { { "pin", "fio", 0 }, { "fio-job", "psync", 0 } };
	struct case_kv odirect[] = { { "pin", "odirect", 0 } };
	struct case_kv back[] = { { "pin", "fio", 0 } };
	struct case_opts o;
	char err[256] = "";

	(void)state;
	case_opts_defaults(&o);
	assert_int_equal(case_opts_parse(&o, fio, 2, err, sizeof(err), NULL), 0);
	assert_string_equal(fio_job(&o), "psync");
	/* the same pin again keeps its options */
	assert_int_equal(case_opts_parse(&o, back, 1, err, sizeof(err), NULL), 0);
	assert_string_equal(fio_job(&o), "psync");
	assert_int_equal(case_opts_parse(&o, odirect, 1, err, sizeof(err), NULL), 0);
	assert_string_equal(o.pin_opts_of, "odirect");
	assert_int_equal(case_opts_parse(&o, back, 1, err, sizeof(err), NULL), 0);
	assert_string_equal(fio_job(&o), "libaio");
}

static void refused(const char *want, ...)
{
	va_list ap;

	va_start(ap, want);
	refused_args(true, want, ap);
	va_end(ap);
}

static void test_not_this_plugin(void **state)
{
	(void)state;
	refused("fio-job is an option of pin source fio, and this case uses odirect",
		"--dir", "/x", "--pin", "odirect", "--fio-job", "psync", NULL);
	refused("hold is an option of breakers evict-close, evict-unlink, evict-umount, and this case uses punch",
		"--dir", "/x", "--hold", "odirect", "--break", "punch", NULL);
	refused("scratch-dev is an option of breaker evict-umount, and this case uses evict-close",
		"--dir", "/x", "--break", "evict-close", "--scratch-dev", "/dev/pmem1", NULL);
	/* the value is checked by the plugin's table */
	refused("hold 'gup' must be vmsplice or odirect",
		"--dir", "/x", "--break", "evict-unlink", "--hold", "gup", NULL);
	refused("fio-job: value is longer than 63 characters", "--pin", "fio", "--fio-job",
		"0123456789012345678901234567890123456789012345678901234567890123", NULL);
}

static void test_enums(void **state)
{
	struct case_opts o;
	char err[256] = "";

	(void)state;
	assert_int_equal(parse(&o, err, sizeof(err), "--break", "evict-close", NULL), 0);
	assert_int_equal(brk_enum(&o, "hold"), 0);
	assert_int_equal(o.map, CASE_MAP_SHARED);
	assert_int_equal(parse(&o, err, sizeof(err), "--hold", "odirect", "--map=private-ro",
			       "--break", "evict-close", NULL), 0);
	assert_int_equal(brk_enum(&o, "hold"), 1);
	assert_string_equal(case_enum_name(find(brk_find("evict-close")->opts.table, "hold")->names,
					   (unsigned int)brk_enum(&o, "hold")), "odirect");
	assert_int_equal(o.map, CASE_MAP_PRIVATE_RO);
	assert_string_equal(case_map_name(o.map), "private-ro");
	assert_string_equal(case_map_name(CASE_MAP_SHARED), "shared");
	assert_true(brk_wants_target(&o));
	assert_int_equal(parse(&o, err, sizeof(err), "--break", "evict-close", NULL), 0);
	assert_false(brk_wants_target(&o));
}

static void bad_suite(const char *text, const char *want)
{
	static struct suite s;
	char err[512] = "";

	assert_int_not_equal(suite_load_string(&s, "t.conf", text, err, sizeof(err)), 0);
	if (strcmp(err, want))
		fail_msg("'%s' is not '%s'", err, want);
}

static void test_suite_lines(void **state)
{
	static struct suite s;
	char err[512] = "";

	(void)state;
	bad_suite("[global]\nworkload = pin-truncate\n[a]\npin = pvm\ncolour = blue\n",
		  "t.conf:5: unknown option 'colour'");
	bad_suite("[global]\nworkload = pin-truncate\n[a]\nfio-job = psync\npin = odirect\n",
		  "t.conf:4: fio-job is an option of pin source fio, and this case uses odirect");
	/* [global]'s key is reported at its own line, in the case that cannot take it */
	bad_suite("[global]\nworkload = pin-truncate\nhold = odirect\n[a]\nbreak = evict-close\n[b]\nbreak = punch\n",
		  "t.conf:3: hold is an option of breakers evict-close, evict-unlink, evict-umount, and this case uses punch");
	bad_suite("[global]\nworkload = pin-truncate\n[a]\nbreak = evict-close\nhold = dio\n",
		  "t.conf:5: hold 'dio' must be vmsplice or odirect");
	assert_int_equal(suite_load_string(&s, "t.conf",
		"[global]\nworkload = pin-truncate\n[f]\nfio-job = io_uring\npin = fio\n"
		"[e]\nbreak = evict-umount\nhold = odirect\nscratch-dev = /dev/pmem1\n",
		err, sizeof(err)), 0);
	assert_string_equal(fio_job(&s.cases[0].opts), "io_uring");
	assert_int_equal(brk_enum(&s.cases[1].opts, "hold"), 1);
	assert_string_equal(brk_str(&s.cases[1].opts, "scratch-dev"), "/dev/pmem1");
}

/* daxstress run --scratch-dev, $DAXSTRESS_SCRATCH_DEV: only where the breaker takes it. */
static void test_provide(void **state)
{
	struct case_opts o;
	char err[256] = "";

	(void)state;
	assert_int_equal(parse(&o, err, sizeof(err), "--break", "punch", NULL), 0);
	assert_false(case_takes_opt(&o, "scratch-dev"));
	assert_int_equal(case_opt_provide(&o, "scratch-dev", "/dev/pmem1", true), 0);
	assert_int_equal(parse(&o, err, sizeof(err), "--break", "evict-umount", NULL), 0);
	assert_true(case_takes_opt(&o, "scratch-dev"));
	assert_int_equal(case_opt_provide(&o, "scratch-dev", "/dev/pmem1", false), 1);
	assert_string_equal(brk_str(&o, "scratch-dev"), "/dev/pmem1");
	/* the environment does not override the case's own */
	assert_int_equal(case_opt_provide(&o, "scratch-dev", "/dev/pmem2", false), 0);
	assert_string_equal(brk_str(&o, "scratch-dev"), "/dev/pmem1");
	/* the run's --scratch-dev does */
	assert_int_equal(case_opt_provide(&o, "scratch-dev", "/dev/pmem2", true), 1);
	assert_string_equal(brk_str(&o, "scratch-dev"), "/dev/pmem2");
	assert_true(case_opt_known("fio-job"));
	assert_true(case_opt_known("size"));
	assert_false(case_opt_known("colour"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plugin_struct),
		cmocka_unit_test(test_plugin_change),
		cmocka_unit_test(test_not_this_plugin),
		cmocka_unit_test(test_enums),
		cmocka_unit_test(test_suite_lines),
		cmocka_unit_test(test_provide),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
