/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Self-describing page patterns: a page names its own index and generation,
 * and the rest follows from (seed, index, generation), so a checker needs no
 * record of which write came last.
 */
#ifndef DS_PATTERN_H
#define DS_PATTERN_H

#include <stdint.h>
#include <sys/types.h>

#define PAT_PAGE 4096UL

enum pat_state { PAT_VALID, PAT_ZERO, PAT_CORRUPT };

void pattern_fill(void *page, uint64_t seed, uint64_t index, uint64_t gen);
enum pat_state pattern_check(const void *page, uint64_t seed, uint64_t index,
			     size_t *bad_off);

/*
 * Read [off, off+len) of fd and check it. want_zero: every byte must be 0;
 * otherwise every page must carry a valid pattern. 0 when it holds; else
 * -EILSEQ with the first bad offset and what was found in msg.
 */
int verify_range(int fd, uint64_t off, uint64_t len, uint64_t seed,
		 int want_zero, char *msg, size_t msglen);

#endif
