// SPDX-License-Identifier: GPL-2.0
/*
 * Description: the namespace lookup (libndctl) answers on a host without
 * NVDIMMs with a reason instead of a failure, for a block device, an
 * anonymous device (tmpfs) and a missing path; the report's "device"
 * object carries that reason in "note" and nulls for what is unknown, and
 * a found namespace is described and reported with its numbers.
 */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <json-c/json.h>

#include "../../lib/probe/ndns.h"

/* The VM has NVDIMM buses: the no-bus answers are this host's only. */
static int has_nd_bus(void)
{
	DIR *d = opendir("/sys/bus/nd/devices");
	struct dirent *e;
	int found = 0;

	while (d && !found && (e = readdir(d)))
		found = !strncmp(e->d_name, "ndbus", 5);
	if (d)
		closedir(d);
	return found;
}

static void test_no_bus(void **state)
{
	struct ndns_info info;

	(void)state;
	if (has_nd_bus())
		skip();
	assert_int_equal(ndns_lookup("/dev/pmem0", &info), -ENODEV);
	assert_string_equal(info.dev, "pmem0");
	assert_string_equal(info.ns, "");
	assert_string_equal(info.why, NDNS_NO_BUS);
	assert_string_equal(info.why, "no NVDIMM bus (libndctl found none): not a pmem namespace");
	/* / is on a block device here: its disk is named and looked up */
	assert_int_equal(ndns_lookup_path("/", &info), -ENODEV);
	assert_true(info.dev[0] != '\0');
	assert_string_equal(info.why, NDNS_NO_BUS);
}

static void test_no_block_device(void **state)
{
	struct ndns_info info;

	(void)state;
	assert_int_equal(ndns_lookup_path("/proc", &info), -ENODEV);
	assert_string_equal(info.dev, "");
	assert_non_null(strstr(info.why, "no block device (device 0:"));
	assert_int_equal(ndns_lookup_path("/nonexistent/dir", &info), -ENOENT);
	assert_string_equal(info.why, "/nonexistent/dir: No such file or directory");
	assert_int_equal(ndns_lookup("", &info), -ENODEV);
	assert_non_null(strstr(info.why, "not a pmem namespace"));
}

static void test_report_unknown(void **state)
{
	struct json_object *o = ndns_report_json("/proc"), *v;

	(void)state;
	assert_non_null(o);
	assert_true(json_object_object_get_ex(o, "blockdev", &v) && !v);
	assert_true(json_object_object_get_ex(o, "namespace", &v) && !v);
	assert_true(json_object_object_get_ex(o, "mode", &v) && !v);
	assert_true(json_object_object_get_ex(o, "align", &v) && !v);
	assert_true(json_object_object_get_ex(o, "size", &v) && !v);
	assert_true(json_object_object_get_ex(o, "note", &v));
	assert_non_null(strstr(json_object_get_string(v), "not a pmem namespace"));
	json_object_put(o);
}

static void test_found(void **state)
{
	struct ndns_info info = {
		.dev = "pmem0", .ns = "namespace0.0", .mode = "fsdax",
		.size = 16ULL << 30, .align = 2 << 20,
	};
	struct json_object *o, *v;
	char buf[256];

	(void)state;
	ndns_describe(&info, buf, sizeof(buf));
	assert_string_equal(buf, "namespace0.0: fsdax, align 2 MiB, size 16 GiB");
	o = ndns_json(&info);
	assert_true(json_object_object_get_ex(o, "size", &v));
	assert_int_equal(json_object_get_int64(v), 16LL << 30);
	assert_true(json_object_object_get_ex(o, "align", &v));
	assert_int_equal(json_object_get_int64(v), 2 << 20);
	assert_true(json_object_object_get_ex(o, "namespace", &v));
	assert_string_equal(json_object_get_string(v), "namespace0.0");
	assert_true(json_object_object_get_ex(o, "note", &v));
	assert_string_equal(json_object_get_string(v), "");
	json_object_put(o);

	/* a raw namespace has no page map: align "none", and the why follows */
	strcpy(info.mode, "raw");
	info.align = 0;
	info.size = 1536 << 10;
	strcpy(info.why, "not fsdax");
	ndns_describe(&info, buf, sizeof(buf));
	assert_string_equal(buf, "namespace0.0: raw, align none, size 1536 KiB; not fsdax");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_bus),
		cmocka_unit_test(test_no_block_device),
		cmocka_unit_test(test_report_unknown),
		cmocka_unit_test(test_found),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
