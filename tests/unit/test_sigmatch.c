// SPDX-License-Identifier: GPL-2.0
/*
 * Description: the break-layouts stack matcher on stacks of the shapes the
 * kernel prints (/proc/PID/stack), for 6.1, 6.12 and 7.x, and on stacks
 * that must not match.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <string.h>
#include <cmocka.h>

#include "../../lib/monitor/sigmatch.h"

/* 6.1/6.12 ext4: truncate sleeping in ext4_break_layouts (wait callback inlined). */
static const char ext4_61[] =
	"[<0>] ext4_break_layouts+0x10c/0x1a0 [ext4]\n"
	"[<0>] ext4_setattr+0x3cd/0x9f0 [ext4]\n"
	"[<0>] notify_change+0x1e5/0x4b0\n"
	"[<0>] do_truncate+0x7e/0xd0\n"
	"[<0>] do_sys_ftruncate+0x1a5/0x290\n"
	"[<0>] do_syscall_64+0x58/0xc0\n"
	"[<0>] entry_SYSCALL_64_after_hwframe+0x64/0xce\n";

/* xfs punch hole: the callback shows up, with a compiler suffix. */
static const char xfs_punch[] =
	"[<0>] xfs_wait_dax_page.isra.0+0x2a/0x40 [xfs]\n"
	"[<0>] xfs_break_dax_layouts+0x9f/0xd0 [xfs]\n"
	"[<0>] xfs_break_layouts+0x45/0x90 [xfs]\n"
	"[<0>] xfs_file_fallocate+0xe7/0x4d0 [xfs]\n"
	"[<0>] vfs_fallocate+0x14c/0x350\n";

/* 7.x: the wait moved to fs/dax.c; evict sleeps in the _final variant. */
static const char dax_7x[] =
	"[<0>] wait_page_idle+0x6a/0xa0\n"
	"[<0>] dax_break_layout+0x10e/0x160\n"
	"[<0>] ext4_break_layouts+0x2e/0x50 [ext4]\n"
	"[<0>] ext4_setattr+0x38b/0xa60 [ext4]\n";

static const char dax_evict[] =
	"[<0>] dax_break_layout_final+0xc4/0x110\n"
	"[<0>] xfs_fs_evict_inode+0x2a/0x80 [xfs]\n"
	"[<0>] evict+0xcf/0x1e0\n";

/* Measured: Debian 6.1.192, the stuck truncate of the O_DIRECT case (daxstress vm). */
static const char measured_61[] =
	"[<0>] ext4_break_layouts+0x8f/0x120 [ext4]\n"
	"[<0>] ext4_setattr+0x4f1/0xbe0 [ext4]\n"
	"[<0>] notify_change+0x2ad/0x5c0\n"
	"[<0>] do_truncate+0x94/0xe0\n"
	"[<0>] do_sys_ftruncate+0x150/0x1a0\n"
	"[<0>] do_syscall_64+0x5d/0xb0\n"
	"[<0>] entry_SYSCALL_64_after_hwframe+0x6e/0xd8\n";

/* Measured: Debian 7.3.4, the same case. */
static const char measured_73[] =
	"[<0>] ext4_wait_dax_page+0x1f/0x30 [ext4]\n"
	"[<0>] dax_break_layout+0xf2/0x140\n"
	"[<0>] ext4_setattr+0x4c8/0xb00 [ext4]\n"
	"[<0>] notify_change+0x33b/0x530\n"
	"[<0>] do_truncate+0xbf/0xf0\n"
	"[<0>] do_ftruncate+0x12d/0x1c0\n"
	"[<0>] ksys_ftruncate+0x40/0x80\n"
	"[<0>] __x64_sys_ftruncate+0x17/0x20\n"
	"[<0>] do_syscall_64+0xc4/0x560\n"
	"[<0>] entry_SYSCALL_64_after_hwframe+0x76/0x7e\n";

/* A secondary victim: blocked on i_rwsem the sleeper holds. Not the wait itself. */
static const char rwsem[] =
	"[<0>] rwsem_down_write_slowpath+0x28f/0x5a0\n"
	"[<0>] down_write+0x4d/0x60\n"
	"[<0>] do_truncate+0x71/0xd0\n"
	"[<0>] do_sys_ftruncate+0x1a5/0x290\n";

/* pNFS lease break has a near-identical name and is not a DAX wait. */
static const char pnfs[] =
	"[<0>] xfs_break_leased_layouts+0x70/0x110 [xfs]\n"
	"[<0>] xfs_file_write_checks+0x1b2/0x2e0 [xfs]\n";

static const char futex[] =
	"[<0>] futex_wait_queue+0x60/0x90\n"
	"[<0>] futex_wait+0x185/0x270\n"
	"[<0>] do_futex+0x106/0x1b0\n";

/* 6.12 virtiofs truncate (fuse_do_setattr); the wait callback is inlined. */
static const char fuse_612[] =
	"[<0>] fuse_dax_break_layouts+0x8c/0x100\n"
	"[<0>] fuse_do_setattr+0x6fe/0x7a0\n"
	"[<0>] fuse_setattr+0xd0/0x170\n"
	"[<0>] notify_change+0x2f0/0x4f0\n"
	"[<0>] do_truncate+0x98/0xf0\n";

/* 7.x virtiofs DAX range reclaim in the kernel worker. */
static const char fuse_reclaim[] =
	"[<0>] fuse_wait_dax_page+0x2a/0x40\n"
	"[<0>] dax_break_layout+0x11d/0x1b0\n"
	"[<0>] fuse_dax_break_layouts+0x3c/0x60\n"
	"[<0>] lookup_and_reclaim_dmap+0xa2/0x160\n"
	"[<0>] fuse_dax_free_mem_worker+0x1e4/0x2e0\n"
	"[<0>] process_one_work+0x17b/0x330\n";

static void expect(const char *stack, const char *wchan, const char *where)
{
	char buf[160];
	bool hit = sig_match(stack, wchan, buf, sizeof(buf));

	assert_string_equal(buf, where);
	assert_int_equal(hit, strcmp(where, SIG_NOT_DAX) != 0);
}

static void test_matches(void **state)
{
	(void)state;
	expect(ext4_61, "ext4_break_layouts", "ext4_break_layouts");
	expect(xfs_punch, NULL, "xfs_wait_dax_page < xfs_break_dax_layouts < xfs_break_layouts");
	expect(dax_7x, "wait_page_idle", "wait_page_idle < dax_break_layout < ext4_break_layouts");
	expect(dax_evict, NULL, "dax_break_layout_final");
	expect(measured_61, "ext4_break_layouts", "ext4_break_layouts");
	expect(measured_73, "ext4_wait_dax_page", "ext4_wait_dax_page < dax_break_layout");
	expect(fuse_612, "fuse_dax_break_layouts", "fuse_dax_break_layouts");
	expect(fuse_reclaim, NULL, "fuse_wait_dax_page < dax_break_layout < fuse_dax_break_layouts");
}

static void test_non_matches(void **state)
{
	(void)state;
	expect(rwsem, "rwsem_down_write_slowpath", SIG_NOT_DAX);
	expect(pnfs, NULL, SIG_NOT_DAX);
	expect(futex, "futex_wait_queue", SIG_NOT_DAX);
	expect("", "", SIG_NOT_DAX);
	expect("(unreadable: Permission denied)", "0", SIG_NOT_DAX);
}

static void test_wchan_only(void **state)
{
	(void)state;
	/* Without CAP_SYS_ADMIN the stack is unreadable but wchan still names the wait. */
	expect("(unreadable: Permission denied)", "fuse_wait_dax_page", "fuse_wait_dax_page");
}

static void test_symbols(void **state)
{
	(void)state;
	assert_true(sig_match_symbol("xfs_ilock2_io_mmap+0x10/0x20"));
	assert_true(sig_match_symbol("__fuse_dax_break_layouts"));
	assert_true(sig_match_symbol("fuse_dax_break_layouts+0x8c/0x100"));
	assert_true(sig_match_symbol("fuse_wait_dax_page"));
	assert_false(sig_match_symbol("_fuse_dax_break_layouts_x"));
	assert_true(sig_match_symbol("dax_break_layout_inode"));
	assert_false(sig_match_symbol("ext4_setattr"));
	assert_false(sig_match_symbol("dax_break_layouts_x"));
	assert_false(sig_match_symbol("my_ext4_break_layouts"));
}

static void test_small_buffer(void **state)
{
	char buf[8];

	(void)state;
	assert_true(sig_match(xfs_punch, NULL, buf, sizeof(buf)));
	assert_true(strlen(buf) < sizeof(buf));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_matches),
		cmocka_unit_test(test_non_matches),
		cmocka_unit_test(test_wchan_only),
		cmocka_unit_test(test_symbols),
		cmocka_unit_test(test_small_buffer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
