// SPDX-License-Identifier: GPL-2.0
/*
 * Description: the kernel table (lib/config/kerneltab.c): debian:VER[@SUITE]
 * specs, where a version is read from (its entry, else the search list in
 * order), and a malformed table refused with file:line.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "../../lib/config/kerneltab.h"

static const char table[] =
	"# a comment\n"
	"[debian-6.1]\n"
	"kernel = debian:6.1\n"
	"suite = bookworm, bookworm-updates,bookworm-security\n"
	"package = linux-image-6.1.*-amd64\n"
	"note = free text\n"
	"\n"
	"[debian-7.3]\n"
	"kernel = debian:7.3@trixie-backports\n"
	"\n"
	"[debian-6.12]\n"
	"kernel = debian:6.12\n"
	"\n"
	"[build-6.1-a-patch-with-a-name-longer-than-inih-keeps-whole]\n"
	"source = debian:6.1\n"
	"patch = 6.1-a+b\n"
	"measured = never\n"
	"\n"
	"[debian-search]\n"
	"old = bullseye, bullseye-security\n"
	"sid = sid\n";

static void test_spec(void **state)
{
	struct kspec s;
	char err[256];
	static const char *const bad[] = {
		"6.1", "debian:", "debian:6.", "debian:.1", "debian:x", "debian:6.1@",
		"debian:6.1@Bookworm", "debian:6.1@-x", "debian:6..1", "debian:6.1@a@b",
	};
	size_t i;

	(void)state;
	assert_int_equal(kspec_parse("debian:6.1", &s, err, sizeof(err)), 0);
	assert_string_equal(s.ver, "6.1");
	assert_string_equal(s.suite, "");
	assert_int_equal(kspec_parse("debian:5.10@bullseye", &s, err, sizeof(err)), 0);
	assert_string_equal(s.ver, "5.10");
	assert_string_equal(s.suite, "bullseye");
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		assert_int_not_equal(kspec_parse(bad[i], &s, err, sizeof(err)), 0);
		assert_non_null(strstr(err, "debian:VER or debian:VER@SUITE"));
		assert_non_null(strstr(err, bad[i]));
	}
}

static void test_lookup(void **state)
{
	struct ktable t;
	const struct kt_entry *e;
	char err[256] = "";

	(void)state;
	assert_int_equal(ktable_load_text(&t, "kernels", table, err, sizeof(err)), 0);
	assert_int_equal(t.n, 4);
	assert_int_equal(t.ng, 2);
	e = ktable_find(&t, "debian-6.1");
	assert_non_null(e);
	assert_int_equal(e->line, 2);
	assert_string_equal(e->suites, "bookworm bookworm-updates bookworm-security");
	/* inih cuts section names at 49 characters; the table has them whole */
	e = ktable_find(&t, "build-6.1-a-patch-with-a-name-longer-than-inih-keeps-whole");
	assert_non_null(e);
	assert_true(e->has_source);
	assert_string_equal(e->source.ver, "6.1");
	assert_string_equal(e->patch, "6.1-a+b");
	assert_null(ktable_find(&t, "nosuch"));
	e = ktable_codename(&t, "bookworm");
	assert_non_null(e);
	assert_string_equal(e->name, "debian-6.1");
	assert_null(ktable_codename(&t, "bookworm-updates"));
	assert_null(ktable_codename(&t, "book"));
	ktable_free(&t);
}

static void test_resolve(void **state)
{
	struct ktable t;
	struct kresolve r;
	char err[256] = "";

	(void)state;
	assert_int_equal(ktable_load_text(&t, "kernels", table, err, sizeof(err)), 0);
	/* a version of the table: its suites and package */
	assert_int_equal(ktable_resolve(&t, "debian:6.1", &r, err, sizeof(err)), 0);
	assert_string_equal(r.ver, "6.1");
	assert_string_equal(r.image, "linux-image-6.1.*-amd64");
	assert_string_equal(r.source, "linux-source-6.1");
	assert_non_null(r.entry);
	assert_int_equal(r.ng, 1);
	assert_string_equal(r.groups[0], "bookworm bookworm-updates bookworm-security");
	/* an entry's own @SUITE */
	assert_int_equal(ktable_resolve(&t, "debian:7.3", &r, err, sizeof(err)), 0);
	assert_int_equal(r.ng, 1);
	assert_string_equal(r.groups[0], "trixie-backports");
	/* an entry without suites, and a version no entry names: the search list */
	assert_int_equal(ktable_resolve(&t, "debian:6.12", &r, err, sizeof(err)), 0);
	assert_int_equal(r.ng, 2);
	assert_int_equal(ktable_resolve(&t, "debian:5.10", &r, err, sizeof(err)), 0);
	assert_null(r.entry);
	assert_string_equal(r.image, "linux-image-5.10.*-amd64");
	assert_int_equal(r.ng, 2);
	assert_string_equal(r.groups[0], "bullseye bullseye-security");
	assert_string_equal(r.groups[1], "sid");
	/* @SUITE: exactly that suite, even for a version of the table */
	assert_int_equal(ktable_resolve(&t, "debian:6.1@sid", &r, err, sizeof(err)), 0);
	assert_int_equal(r.ng, 1);
	assert_string_equal(r.groups[0], "sid");
	assert_int_not_equal(ktable_resolve(&t, "debian:six", &r, err, sizeof(err)), 0);
	ktable_free(&t);
}

static void test_no_search(void **state)
{
	struct ktable t;
	struct kresolve r;
	char err[256] = "";

	(void)state;
	assert_int_equal(ktable_load_text(&t, "k", "[a]\nkernel = debian:6.1\n", err,
					  sizeof(err)), 0);
	assert_int_not_equal(ktable_resolve(&t, "debian:5.10", &r, err, sizeof(err)), 0);
	assert_non_null(strstr(err, "unknown Debian kernel '5.10'"));
	assert_non_null(strstr(err, "debian:5.10@SUITE"));
	ktable_free(&t);
}

/* Each bad table and the start of its message. */
static void test_malformed(void **state)
{
	static const struct { const char *text, *msg; } bad[] = {
		{ "[a]\nkernel = debian:6.1\nflavour = x\n", "k:3: unknown key 'flavour'" },
		{ "[a]\nkernel = 6.1\n", "k:2: '6.1' is not a Debian kernel spec" },
		{ "[a]\nkernel = debian:6.1\nkernel = debian:6.1\n", "k:3: 'kernel' again in [a]" },
		{ "[a]\nkernel = debian:6.1\nsuite = Bookworm\n", "k:3: 'Bookworm' is not a Debian suite" },
		{ "[a]\nkernel = debian:6.1\npackage = linux-source-6.1\n", "k:3: package 'linux-source-6.1'" },
		{ "[a]\nsource = debian:6.1\npatch = a/b\n", "k:3: patch 'a/b'" },
		{ "\n[a]\nnote = x\n", "k:2: [a] has neither kernel" },
		{ "[a]\nkernel = debian:6.1\nsource = debian:6.1\n", "k:1: [a] has both kernel and source" },
		{ "[a]\nkernel = debian:6.1\npatch = p\n", "k:1: [a] has a patch but no source" },
		{ "[a]\nsource = debian:6.1\nsuite = sid\n", "k:1: [a] is built" },
		{ "[a]\nkernel = debian:6.1@sid\nsuite = sid\n", "k:1: [a] names its suite twice" },
		{ "[a]\nkernel = debian:6.1\n[b]\nkernel = debian:6.12\n[a]\nkernel = debian:6.1\n",
		  "k:5: [a] again (first at line 1)" },
		{ "[a]\nkernel = debian:6.1\nsuite = sid\n[b]\nkernel = debian:6.1\n",
		  "k:4: [b] reads debian:6.1 from other suites" },
		{ "[debian-search]\nx = sid\n[debian-search]\ny = sid\n", "k:3: [debian-search] again" },
		{ "[debian-search]\nx = ,\n", "k:2: no suite named" },
		{ "kernel = debian:6.1\n", "k:1: 'kernel' is outside any section" },
		{ "[a]\nkernel\n", "k:2: cannot parse this line" },
	};
	struct ktable t;
	char err[512];
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		err[0] = '\0';
		assert_int_not_equal(ktable_load_text(&t, "k", bad[i].text, err, sizeof(err)), 0);
		if (strncmp(err, bad[i].msg, strlen(bad[i].msg)))
			fail_msg("table %zu: got \"%s\", want \"%s...\"", i, err, bad[i].msg);
	}
}

/* The project's own table: loads, and every version it names resolves. */
static void test_configs_kernels(void **state)
{
	struct ktable t;
	struct kresolve r;
	char err[512] = "", spec[64];
	size_t i;

	(void)state;
	if (ktable_load(&t, "configs/kernels", err, sizeof(err)))
		fail_msg("%s", err);
	assert_true(t.ng > 0);
	for (i = 0; i < t.n; i++) {
		const struct kspec *s = t.e[i].has_kernel ? &t.e[i].kernel : &t.e[i].source;

		snprintf(spec, sizeof(spec), "debian:%s", s->ver);
		if (ktable_resolve(&t, spec, &r, err, sizeof(err)))
			fail_msg("[%s]: %s", t.e[i].name, err);
	}
	assert_int_equal(ktable_resolve(&t, "debian:5.10", &r, err, sizeof(err)), 0);
	assert_string_equal(r.groups[0], "bullseye bullseye-updates bullseye-security");
	ktable_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spec),
		cmocka_unit_test(test_lookup),
		cmocka_unit_test(test_resolve),
		cmocka_unit_test(test_no_search),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_configs_kernels),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
