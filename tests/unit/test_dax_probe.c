// SPDX-License-Identifier: GPL-2.0
/*
 * Description: the DAX probe reads the mount table with libmount and gets
 * the dax mode right for every spelling of the option; it picks the mount
 * of the path's own device with the longest mount point, and every "no"
 * says why. The mount tables are made up: they name the device of a real
 * temporary directory so that the probe's stat() agrees with them.
 */
#include <errno.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>
#include <cmocka.h>

#include "../../lib/probe/dax_probe.h"

struct fixture {
	char dir[PATH_MAX];	/* "/tmp/ds probe.XXXXXX": the space is escaped in mountinfo */
	char table[PATH_MAX];
	unsigned int maj, min;
};

static int setup(void **state)
{
	static struct fixture fx;
	char tmpl[] = "/tmp/ds probe.XXXXXX";
	struct stat st;

	if (!mkdtemp(tmpl) || !realpath(tmpl, fx.dir) || stat(fx.dir, &st))
		return -1;
	snprintf(fx.table, sizeof(fx.table), "%s/mountinfo", fx.dir);
	fx.maj = major(st.st_dev);
	fx.min = minor(st.st_dev);
	*state = &fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	unlink(fx->table);
	rmdir(fx->dir);
	return 0;
}

/* The directory as mountinfo writes it: a space becomes \040. */
static void escaped(const char *path, char *out, size_t len)
{
	size_t n = 0;

	for (; *path && n + 5 < len; path++) {
		if (*path == ' ')
			n += snprintf(out + n, len - n, "\\040");
		else
			out[n++] = *path;
	}
	out[n] = '\0';
}

/*
 * A table with "/" on another device, the directory's device mounted on "/"
 * without dax (so only the longest match can give the answer), and the
 * directory itself mounted with fs and opts.
 */
static void write_table(const struct fixture *fx, const char *fs, const char *opts)
{
	char mnt[PATH_MAX * 4];
	FILE *f = fopen(fx->table, "w");

	assert_non_null(f);
	escaped(fx->dir, mnt, sizeof(mnt));
	fprintf(f, "1 0 %u:%u / / rw,relatime shared:1 - ext4 /dev/sda1 rw,dax=always\n",
		fx->maj + 1, fx->min);
	fprintf(f, "2 1 %u:%u / / rw - ext4 /dev/pmem9 rw\n", fx->maj, fx->min);
	fprintf(f, "3 1 %u:%u / %s rw,relatime shared:7 - %s /dev/pmem0 %s\n",
		fx->maj, fx->min, mnt, fs, opts);
	fclose(f);
}

static enum dax_mode probe(const struct fixture *fx, const char *fs, const char *opts,
			   struct dax_info *info)
{
	write_table(fx, fs, opts);
	assert_int_equal(dax_probe_mount_table(fx->table, fx->dir, info), 0);
	assert_string_equal(info->mountpoint, fx->dir);
	assert_string_equal(info->source, "/dev/pmem0");
	assert_string_equal(info->fstype, fs);
	return info->mode;
}

static void test_dax_spellings(void **state)
{
	struct fixture *fx = *state;
	struct dax_info info;

	assert_int_equal(probe(fx, "ext4", "rw,dax", &info), DAX_MOUNT_ALWAYS);
	assert_string_equal(info.why, "");
	assert_string_equal(info.options, "rw,relatime,rw,dax");
	assert_int_equal(probe(fx, "xfs", "rw,attr2,dax=always,noquota", &info), DAX_MOUNT_ALWAYS);
	assert_int_equal(probe(fx, "ext4", "rw,dax=inode", &info), DAX_MOUNT_INODE);
	assert_non_null(strstr(info.why, "is on a dax=inode mount (ext4 at "));
	/* the temporary directory's device cannot do DAX: no xfs default */
	assert_int_equal(probe(fx, "xfs", "rw,dax=never", &info), DAX_MOUNT_NONE);
	assert_int_equal(probe(fx, "xfs", "rw,attr2,noquota", &info), DAX_MOUNT_NONE);
}

static void test_no_dax(void **state)
{
	struct fixture *fx = *state;
	struct dax_info info;

	assert_int_equal(probe(fx, "ext4", "rw,errors=remount-ro", &info), DAX_MOUNT_NONE);
	assert_non_null(strstr(info.why, "without a dax mount option: mount a pmem-backed ext4"));
	assert_non_null(strstr(info.why, "(/dev/pmem0, mounted at "));
	/* names that only begin with "dax" are other options */
	assert_int_equal(probe(fx, "ext4", "rw,daxdev=1,nodax", &info), DAX_MOUNT_NONE);
	assert_int_equal(probe(fx, "virtiofs", "rw,dax=inode", &info), DAX_MOUNT_INODE);
	assert_non_null(strstr(info.why, "offers no DAX window"));
}

static void test_not_found(void **state)
{
	struct fixture *fx = *state;
	struct dax_info info;
	FILE *f;

	f = fopen(fx->table, "w");
	assert_non_null(f);
	fprintf(f, "1 0 %u:%u / / rw - ext4 /dev/sda1 rw,dax\n", fx->maj + 1, fx->min);
	fclose(f);
	assert_int_equal(dax_probe_mount_table(fx->table, fx->dir, &info), -ENOENT);
	assert_non_null(strstr(info.why, ": no mount found for it in "));
	assert_int_equal(dax_probe_mount_table("/nonexistent/mountinfo", fx->dir, &info), -ENOENT);
	assert_string_equal(info.why,
			    "cannot read /nonexistent/mountinfo: No such file or directory (is /proc mounted?)");
	assert_int_equal(dax_probe_mount("/nonexistent/dir", &info), -ENOENT);
	assert_string_equal(info.why, "/nonexistent/dir: No such file or directory");
}

/* The host's own table: its directories are not DAX, and the probe says why. */
static void test_real_table(void **state)
{
	struct fixture *fx = *state;
	struct dax_info info;

	assert_int_equal(dax_probe_mount(fx->dir, &info), 0);
	assert_true(info.mountpoint[0] == '/');
	assert_true(info.fstype[0] != '\0');
	if (info.mode == DAX_MOUNT_NONE)
		assert_non_null(strstr(info.why, "without a dax mount option"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dax_spellings),
		cmocka_unit_test(test_no_dax),
		cmocka_unit_test(test_not_found),
		cmocka_unit_test(test_real_table),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
