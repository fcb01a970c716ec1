// SPDX-License-Identifier: GPL-2.0
/*
 * Description: the case option table parses command lines and rejects bad
 * values with a message; patterns verify and catch damage; the DAX probe
 * explains a non-DAX directory.
 */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "../../lib/config/caseopt.h"
#include "refused.h"
#include "../../lib/probe/dax_probe.h"
#include "../../lib/core/pattern.h"

static void test_argv(void **state)
{
	struct case_opts o;
	char err[256] = "";

	(void)state;
	assert_int_equal(parse(&o, err, sizeof(err), "--dir", "/mnt", "--pin=odirect",
			       "--size", "128M", "--duration", "500ms", "--allow-nodax",
			       "--align=4k", NULL), 0);
	assert_string_equal(o.dir, "/mnt");
	assert_string_equal(o.pin, "odirect");
	assert_int_equal(o.size, 128ULL << 20);
	assert_int_equal(o.duration_ms, 500);
	assert_int_equal(o.align, 4096);
	assert_true(o.allow_nodax);
}

static void test_modes(void **state)
{
	struct case_opts o;
	char err[256] = "";

	(void)state;
	assert_int_equal(parse(&o, err, sizeof(err), "--dir", "/mnt", NULL), 0);
	assert_int_equal(o.map, CASE_MAP_SHARED);
	assert_string_equal(case_map_name(o.map), "shared");
	assert_int_equal(o.owners, 1);
	assert_false(o.dax_flag);
	assert_false(o.pmd);
	assert_int_equal(o.break_pause_ms, 0);
	assert_int_equal(parse(&o, err, sizeof(err), "--dir", "/mnt", "--map", "private-ro",
			       "--owners=3", "--dax-flag", "--pmd=yes", "--break", "clone",
			       "--break-pause=2ms", NULL), 0);
	assert_int_equal(o.break_pause_ms, 2);
	assert_int_equal(o.map, CASE_MAP_PRIVATE_RO);
	assert_string_equal(case_map_name(o.map), "private-ro");
	assert_int_equal(o.owners, 3);
	assert_true(o.dax_flag);
	assert_true(o.pmd);
	assert_string_equal(o.brk, "clone");
}

static void refused(const char *want, ...)
{
	va_list ap;

	va_start(ap, want);
	refused_args(false, want, ap);
	va_end(ap);
}

static void test_refused(void **state)
{
	(void)state;
	refused("unknown or incomplete option '--colour'", "--dir", "/x", "--colour", "red", NULL);
	refused("unknown pin source 'usb'", "--dir", "/x", "--pin", "usb", NULL);
	refused("not a multiple of 2M", "--dir", "/x", "--size", "5M", NULL);
	refused("threads: '100' is out of range", "--dir", "/x", "--threads", "100", NULL);
	refused("alignment '8k' must be 4k or 2M", "--dir", "/x", "--align", "8k", NULL);
	refused("at most half of size", "--dir", "/x", "--size", "4M", "--pin-size", "4M", NULL);
	refused("unexpected argument 'extra'", "--dir", "/x", "extra", NULL);
	refused("allow-nodax: 'maybe' is not yes or no", "--dir", "/x", "--allow-nodax=maybe", NULL);
	refused("map 'private' must be shared or private-ro", "--dir", "/x", "--map", "private", NULL);
	refused("owners: '0' is out of range", "--dir", "/x", "--owners", "0", NULL);
	refused("owners: '9' is out of range", "--dir", "/x", "--owners", "9", NULL);
	refused("pmd: 'maybe' is not yes or no", "--dir", "/x", "--pmd=maybe", NULL);
	refused("unknown breaker 'umount'", "--dir", "/x", "--break", "umount", NULL);
	refused("break-pause: '11s' is out of range", "--dir", "/x", "--break-pause", "11s", NULL);
}

static void test_pattern(void **state)
{
	static char page[PAT_PAGE];
	size_t bad = 0;

	(void)state;
	pattern_fill(page, 42, 7, 3);
	assert_int_equal(pattern_check(page, 42, 7, &bad), PAT_VALID);
	assert_int_equal(pattern_check(page, 42, 8, &bad), PAT_CORRUPT);
	assert_int_equal(pattern_check(page, 43, 7, &bad), PAT_CORRUPT);
	page[1000] ^= 1;
	assert_int_equal(pattern_check(page, 42, 7, &bad), PAT_CORRUPT);
	assert_int_equal(bad, 1000 & ~7UL);
	memset(page, 0, sizeof(page));
	assert_int_equal(pattern_check(page, 42, 7, &bad), PAT_ZERO);
}

static void test_verify_file(void **state)
{
	char path[] = "/tmp/daxstress-test-XXXXXX", msg[256] = "";
	static char page[PAT_PAGE];
	int fd = mkstemp(path), i;

	(void)state;
	assert_true(fd >= 0);
	unlink(path);
	for (i = 0; i < 4; i++) {
		pattern_fill(page, 1, (uint64_t)i, 0);
		assert_int_equal(pwrite(fd, page, PAT_PAGE, i * (off_t)PAT_PAGE), PAT_PAGE);
	}
	assert_int_equal(ftruncate(fd, 8 * PAT_PAGE), 0);
	assert_int_equal(verify_range(fd, 0, 4 * PAT_PAGE, 1, 0, msg, sizeof(msg)), 0);
	assert_int_equal(verify_range(fd, 4 * PAT_PAGE, 4 * PAT_PAGE, 1, 1, msg, sizeof(msg)), 0);
	assert_int_equal(verify_range(fd, 0, 8 * PAT_PAGE, 1, 1, msg, sizeof(msg)), -EILSEQ);
	assert_non_null(strstr(msg, "offset 0 should read back zero"));
	assert_int_equal(pwrite(fd, "x", 1, 2 * PAT_PAGE + 100), 1);
	assert_int_equal(verify_range(fd, 0, 4 * PAT_PAGE, 1, 0, msg, sizeof(msg)), -EILSEQ);
	assert_non_null(strstr(msg, "offset 8288 lost its pattern"));
	close(fd);
}

static void test_dax_probe(void **state)
{
	struct dax_info info;
	int fd = open("/proc/self/exe", O_RDONLY);

	(void)state;
	assert_int_equal(dax_probe_mount("/nonexistent/dir", &info), -ENOENT);
	assert_non_null(strstr(info.why, "/nonexistent/dir"));
	/* The build host has no DAX: the answer must say so and why. */
	assert_int_equal(dax_probe_fd(fd, "/proc/self/exe", &info), 0);
	assert_false(info.file_dax);
	assert_true(info.why[0] != '\0');
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_argv),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_modes),
		cmocka_unit_test(test_pattern),
		cmocka_unit_test(test_verify_file),
		cmocka_unit_test(test_dax_probe),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
