/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A stable title per finding, for deduplication across runs and kernels
 * (like syzbot's "INFO: task hung in vfs_rmdir"): the measured verdict and
 * the kernel function it happened in, e.g. "missed-wakeup in
 * ext4_break_layouts". No addresses, offsets, pids or times, so the same
 * bug gives the same title on every run and every kernel build.
 */
#ifndef DS_TITLE_H
#define DS_TITLE_H

#include <stddef.h>

struct case_result;

/*
 * The title of a case (as case_result_read reads it) into buf;
 * "" when the case found nothing (pass, skip, error, miss). An xfail is
 * titled by the verdict it measured.
 */
void finding_title(const struct case_result *r, char *buf, size_t len);

#endif
