// SPDX-License-Identifier: GPL-2.0
/*
 * Description: suite and known-issue files: good files parse with [global]
 * inheritance; every malformed file is refused with file:line and the
 * problem.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "../../lib/verdict/known.h"
#include "../../lib/config/suite.h"

static struct suite s;

static const char good[] =
	"# comment\n"
	"[global]\n"
	"workload = pin-truncate\n"
	"duration = 20s\n"
	"\n"
	"[odirect-truncate]\n"
	"pin = odirect\n"
	"break = truncate\n"
	"[pvm-punch]\n"
	"pin = pvm\n"
	"break = punch\n"
	"duration = 5s\n"
	"fs = xfs\n";

static const char *kv(const struct suite_case *c, const char *key)
{
	unsigned int i;

	for (i = 0; i < c->nkv; i++)
		if (!strcmp(c->kv[i].key, key))
			return c->kv[i].val;
	return NULL;
}

static void test_good(void **state)
{
	char err[512] = "";

	(void)state;
	assert_int_equal(suite_load_string(&s, "good.conf", good, err, sizeof(err)), 0);
	assert_int_equal(s.ncases, 2);
	assert_string_equal(s.cases[0].name, "odirect-truncate");
	assert_string_equal(s.cases[0].workload, "pin-truncate");
	assert_string_equal(kv(&s.cases[0], "duration"), "20s");
	assert_string_equal(kv(&s.cases[1], "duration"), "5s");
	assert_true(suite_case_wants_fs(&s.cases[0], "ext4"));
	assert_false(suite_case_wants_fs(&s.cases[1], "ext4"));
	assert_true(suite_case_wants_fs(&s.cases[1], "xfs"));
}

static void bad(const char *text, const char *want)
{
	char err[512] = "";

	assert_int_not_equal(suite_load_string(&s, "bad.conf", text, err, sizeof(err)), 0);
	if (!strstr(err, want))
		fail_msg("error '%s' does not contain '%s'", err, want);
}

static void test_malformed(void **state)
{
	char longline[400];

	(void)state;
	bad("[a]\npin = nosuch\n", "bad.conf:2: unknown pin source 'nosuch'");
	bad("[a]\nworkload = pin-truncate\nbreak = shred\n", "bad.conf:3: unknown breaker 'shred'");
	bad("[a]\nworkload = pin-truncate\nthreads = 0\n", "bad.conf:3: threads: '0' is out of range");
	bad("[a]\nworkload = pin-truncate\nsize = lots\n", "bad.conf:3: size: 'lots' is not a size");
	bad("[a]\nworkload = pin-truncate\nduration = 5 parsecs\n", "bad.conf:3: duration:");
	bad("[a]\nworkload = pin-truncate\ncolour = blue\n", "bad.conf:3: unknown option 'colour'");
	bad("[a]\nworkload = pin-truncate\ndir = /mnt\n", "bad.conf:3: 'dir' is set by the runner");
	bad("[a]\nworkload = nosuch\n", "bad.conf:2: unknown workload 'nosuch'");
	bad("[a\nworkload = pin-truncate\n", "bad.conf:1: cannot parse this line");
	bad("[a]\njust words\n", "bad.conf:2: cannot parse this line");
	bad("pin = pvm\n[a]\n", "bad.conf:1: 'pin' is outside any section");
	bad("[a]\nworkload = pin-truncate\n[a]\npin = pvm\n", "bad.conf:3: case [a] is defined twice");
	bad("[a]\nworkload = pin-truncate\npin = pvm\npin = odirect\n", "bad.conf:4: key 'pin' is set twice");
	bad("[a b]\nworkload = pin-truncate\n", "bad.conf:1: case name [a b]");
	bad("[a]\nworkload = pin-truncate\nfs = ntfs\n", "bad.conf:3: unknown filesystem 'ntfs'");
	bad("[a]\npin =\n", "bad.conf:2: key 'pin' has no value");
	bad("[global]\nduration = 1s\n", "no cases");
	bad("[a]\npin = pvm\n", "case [a] has no workload");
	bad("", "no cases");
	memset(longline, 'x', sizeof(longline));
	memcpy(longline, "[a]\nname2 = ", 11);
	longline[sizeof(longline) - 1] = '\0';
	bad(longline, "bad.conf:2: line is too long");
}

static void test_missing_file(void **state)
{
	char err[512];

	(void)state;
	assert_int_not_equal(suite_load(&s, "/nonexistent/x.conf", err, sizeof(err)), 0);
	assert_non_null(strstr(err, "/nonexistent/x.conf: No such file"));
}

static struct known_list kl;

static void test_known(void **state)
{
	static const char text[] =
		"[bio-6.1]\n"
		"kernel = 6.1.75 - 6.1.999\n"
		"pin = odirect, aio\n"
		"verdict = missed-wakeup, hang\n"
		"reason = bio release skips the devmap wake\n";
	const struct known_issue *k;
	char err[512];

	(void)state;
	assert_int_equal(known_load_string(&kl, "k", text, err, sizeof(err)), 0);
	k = known_match(&kl, "6.1.192", "pin-truncate", "odirect", "truncate", "ext4", -1, -1, NULL);
	assert_non_null(k);
	assert_true(known_expects(k, V_MISSED_WAKEUP));
	assert_false(known_expects(k, V_PASS));
	assert_non_null(known_match(&kl, "6.1.192", "pin-truncate", "aio", "punch", "xfs", -1, -1, NULL));
	assert_null(known_match(&kl, "6.1.192", "pin-truncate", "pvm", "truncate", "ext4", -1, -1, NULL));
	assert_null(known_match(&kl, "6.1.74", "pin-truncate", "odirect", "truncate", "ext4", -1, -1, NULL));
	assert_null(known_match(&kl, "6.12.117", "pin-truncate", "odirect", "truncate", "ext4", -1, -1, NULL));
	assert_true(known_version_cmp("6.1.192", "6.1.75") > 0);
	assert_true(known_version_cmp("6.12", "6.1.999") > 0);
	assert_int_equal(known_version_cmp("7.3.4", "7.3.4"), 0);
}

static void test_known_refault(void **state)
{
	static const char text[] =
		"[remap-7.x]\n"
		"kernel = 7.2.0 - 7.3.999\n"
		"refault = yes\n"
		"verdict = blocked-by-mapping\n"
		"reason = a refault keeps the count up\n";
	char err[512];

	(void)state;
	assert_int_equal(known_load_string(&kl, "k", text, err, sizeof(err)), 0);
	assert_non_null(known_match(&kl, "7.3.4", "pin-truncate", "aio", "truncate", "ext4", 1, -1, NULL));
	assert_null(known_match(&kl, "7.3.4", "pin-truncate", "aio", "truncate", "ext4", 0, -1, NULL));
	/* A report without the field matches on the other keys alone. */
	assert_non_null(known_match(&kl, "7.3.4", "pin-truncate", "aio", "truncate", "ext4", -1, -1, NULL));
	assert_int_equal(known_load_string(&kl, "k", "[x]\nkernel = 7.2 - 7.3\nrefault = maybe\n",
					   err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "refault 'maybe': use yes, no or any"));
}

/* The shipped configs/known-issues loads (run from the source tree's top, as tests/run.sh does). */
static void test_known_shipped(void **state)
{
	char err[512] = "";

	(void)state;
	if (access("configs/known-issues", R_OK))
		skip();
	assert_int_equal(known_load(&kl, "configs/known-issues", err, sizeof(err)), 0);
	assert_string_equal(err, "");
	assert_true(kl.n > 0);
}

/*
 * The shipped cow-pinned-page-7.x: the warning nightly run 1 on the 7.3 fix
 * kernel gave in xfs odirect-clone is known there, and a truncate case with
 * the same warning, which would be another bug, is not.
 */
static void test_known_shipped_cow_pinned(void **state)
{
	static const char warn[] = "kernel log: WARNING: fs/dax.c:452 at "
		"dax_disassociate_entry.constprop.0+0x73/0xa0, CPU#0: ds-pin/1556";
	const struct known_issue *k;
	char err[512] = "";

	(void)state;
	if (access("configs/known-issues", R_OK))
		skip();
	assert_int_equal(known_load(&kl, "configs/known-issues", err, sizeof(err)), 0);
	k = known_match(&kl, "7.3.4", "pin-truncate", "odirect", "clone", "xfs", 1, 0, warn);
	assert_non_null(k);
	assert_string_equal(k->name, "cow-pinned-page-7.x");
	assert_true(known_expects(k, V_KERNEL_WARNING));
	k = known_match(&kl, "7.3.4", "pin-truncate", "odirect", "truncate", "xfs", 1, 0, warn);
	assert_true(!k || strcmp(k->name, "cow-pinned-page-7.x") != 0);
	assert_true(!k || !known_expects(k, V_KERNEL_WARNING));
	/* 6.12 checks the count on truncate only: the warning is not known there */
	k = known_match(&kl, "6.12.118", "pin-truncate", "odirect", "clone", "xfs", 1, 0, warn);
	assert_true(!k || !known_expects(k, V_KERNEL_WARNING));
}

/* sharer = yes: only cases where another inode maps the pages; refault any. */
static void test_known_sharer(void **state)
{
	static const char text[] =
		"[shared-7.x]\n"
		"kernel = 7.2.0 - 7.3.999\n"
		"fs = xfs\n"
		"sharer = yes\n"
		"verdict = blocked-by-mapping\n"
		"reason = another file's mapping keeps the count up\n";
	char err[512];

	(void)state;
	assert_int_equal(known_load_string(&kl, "k", text, err, sizeof(err)), 0);
	assert_non_null(known_match(&kl, "7.3.4", "pin-truncate", "aio", "truncate", "xfs", 0, 1, NULL));
	assert_null(known_match(&kl, "7.3.4", "pin-truncate", "aio", "truncate", "xfs", 0, 0, NULL));
	assert_null(known_match(&kl, "7.3.4", "pin-truncate", "aio", "truncate", "ext4", 0, 1, NULL));
	assert_non_null(known_match(&kl, "7.3.4", "pin-truncate", "aio", "truncate", "xfs", 1, -1, NULL));
	assert_int_equal(known_load_string(&kl, "k", "[x]\nkernel = 7.2 - 7.3\nsharer = 2\n",
					   err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "sharer '2': use yes, no or any"));
}

/*
 * warning = TEXT: a kernel warning that can fire in any case after the bug
 * in the same boot. It is tried before the case patterns, and only for
 * the warning it names.
 */
static void test_known_warning(void **state)
{
	static const char text[] =
		"[livelock-6.1]\n"
		"kernel = 6.1.0 - 6.1.999\n"
		"fs = xfs\n"
		"verdict = livelock\n"
		"reason = gup spins\n"
		"[cow-mark-6.1]\n"
		"kernel = 6.1.0 - 6.1.999\n"
		"fs = xfs\n"
		"warning = dax_insert_entry\n"
		"verdict = kernel-warning\n"
		"reason = a CoW mark outlives its page\n";
	static const char warn[] = "kernel log: WARNING: CPU: 0 PID: 1 at fs/dax.c:380 dax_insert_entry+0x227/0x320";
	const struct known_issue *k;
	char err[512];

	(void)state;
	assert_int_equal(known_load_string(&kl, "k", text, err, sizeof(err)), 0);
	k = known_match(&kl, "6.1.192", "pin-truncate", "pvm", "dedupe", "xfs", 1, -1, warn);
	assert_non_null(k);
	assert_string_equal(k->name, "cow-mark-6.1");
	assert_true(known_expects(k, V_KERNEL_WARNING));
	/* another warning, or no warning: the case patterns alone */
	k = known_match(&kl, "6.1.192", "pin-truncate", "pvm", "dedupe", "xfs", 1, -1,
			"kernel log: WARNING: at mm/gup.c:1 f");
	assert_string_equal(k->name, "livelock-6.1");
	k = known_match(&kl, "6.1.192", "pin-truncate", "pvm", "dedupe", "xfs", 1, -1, NULL);
	assert_string_equal(k->name, "livelock-6.1");
	assert_null(known_match(&kl, "6.1.192", "pin-truncate", "pvm", "dedupe", "ext4", 1, -1, warn));
	assert_int_equal(known_load_string(&kl, "k",
					   "[x]\nkernel = 6.1 - 6.1.999\nwarning = w\nverdict = hang\nreason = r\n",
					   err, sizeof(err)), -EINVAL);
	assert_non_null(strstr(err, "has a warning key, so its verdict is kernel-warning alone"));
}

static void test_known_bad(void **state)
{
	char err[512];

	(void)state;
	assert_int_not_equal(known_load_string(&kl, "k", "[x]\nkernel = six\n", err, sizeof(err)), 0);
	assert_non_null(strstr(err, "k:2: kernel = 'six'"));
	assert_int_not_equal(known_load_string(&kl, "k", "[x]\nverdict = pass\n", err, sizeof(err)), 0);
	assert_non_null(strstr(err, "k:2: verdict 'pass' is not a failing verdict"));
	assert_int_not_equal(known_load_string(&kl, "k", "[x]\nkernel = 6.1 - 6.2\n", err, sizeof(err)), 0);
	assert_non_null(strstr(err, "[x] needs kernel, verdict and reason"));
	assert_int_not_equal(known_load_string(&kl, "k", "[x]\nbogus = 1\n", err, sizeof(err)), 0);
	assert_non_null(strstr(err, "k:2: unknown key 'bogus'"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_missing_file),
		cmocka_unit_test(test_known),
		cmocka_unit_test(test_known_refault),
		cmocka_unit_test(test_known_sharer),
		cmocka_unit_test(test_known_warning),
		cmocka_unit_test(test_known_shipped),
		cmocka_unit_test(test_known_shipped_cow_pinned),
		cmocka_unit_test(test_known_bad),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
