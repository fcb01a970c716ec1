/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The O_DIRECT target of the odirect-style pin sources: a block device or
 * a file on a non-DAX filesystem. Safety rules: a block device is written
 * only if it is a null_blk device (which stores nothing); any other block
 * device is only read. A file is written only if the user named it; a file
 * that did not exist is created, filled with data (reads of unwritten
 * extents do no I/O and pin nothing) and removed at the end.
 */
#ifndef DS_TARGET_H
#define DS_TARGET_H

#include <limits.h>
#include <stdbool.h>
#include <stdint.h>

struct target {
	char path[PATH_MAX];
	int fd;
	bool writable;
	bool created;
	bool blockdev;
	uint64_t size;
};

#define TARGET_DEFAULT "/dev/nullb0"

/*
 * Open path (or TARGET_DEFAULT when empty) for O_DIRECT. need >= bytes of
 * data are required. Returns 0, -ENOENT when nothing usable exists (a skip),
 * or another -errno; err says what to do.
 */
int target_open(struct target *t, const char *path, uint64_t need,
		char *err, size_t errlen);
void target_close(struct target *t);

#endif
