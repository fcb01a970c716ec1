// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pattern.h"

#define PAT_MAGIC 0x6461787374726573ULL	/* "daxstres" */
#define WORDS (PAT_PAGE / sizeof(uint64_t))

static uint64_t mix(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	return x ^ (x >> 33);
}

static uint64_t word_at(uint64_t seed, uint64_t index, uint64_t gen, size_t i)
{
	return mix(seed ^ mix(index * WORDS + i) ^ (gen << 20));
}

void pattern_fill(void *page, uint64_t seed, uint64_t index, uint64_t gen)
{
	uint64_t *w = page;
	size_t i;

	for (i = 2; i < WORDS; i++)
		w[i] = word_at(seed, index, gen, i);
	w[1] = gen;
	w[0] = PAT_MAGIC ^ index;
}

enum pat_state pattern_check(const void *page, uint64_t seed, uint64_t index,
			     size_t *bad_off)
{
	const uint64_t *w = page;
	size_t i;

	if (w[0] != (PAT_MAGIC ^ index)) {
		for (i = 0; i < WORDS && !w[i]; i++)
			;
		*bad_off = i * sizeof(uint64_t);
		return i == WORDS ? PAT_ZERO : PAT_CORRUPT;
	}
	for (i = 2; i < WORDS; i++) {
		if (w[i] != word_at(seed, index, w[1], i)) {
			*bad_off = i * sizeof(uint64_t);
			return PAT_CORRUPT;
		}
	}
	return PAT_VALID;
}

static int check_page(const char *p, uint64_t off, uint64_t seed, int want_zero,
		      char *msg, size_t msglen)
{
	size_t bad = 0;
	enum pat_state st = pattern_check(p, seed, off / PAT_PAGE, &bad);

	if (want_zero) {
		if (st == PAT_ZERO)
			return 0;
		for (bad = 0; bad < PAT_PAGE && !p[bad]; bad++)
			;
		snprintf(msg, msglen, "offset %llu should read back zero after the break but holds %s", (unsigned long long)(off + bad),
			 st == PAT_VALID ? "an old pattern" : "non-zero bytes");
		return -EILSEQ;
	}
	if (st == PAT_VALID)
		return 0;
	snprintf(msg, msglen, "offset %llu lost its pattern: %s",
		 (unsigned long long)(off + bad),
		 st == PAT_ZERO ? "the page reads back zero" : "wrong bytes");
	return -EILSEQ;
}

int verify_range(int fd, uint64_t off, uint64_t len, uint64_t seed,
		 int want_zero, char *msg, size_t msglen)
{
	const size_t chunk = 1 << 20;
	char *buf = malloc(chunk);
	uint64_t pos;
	int ret = 0;

	if (!buf)
		return -ENOMEM;
	for (pos = off; pos < off + len && !ret; pos += chunk) {
		size_t n = off + len - pos < chunk ? off + len - pos : chunk;
		ssize_t got = pread(fd, buf, n, (off_t)pos);
		size_t i;

		if (got < 0) {
			ret = -errno;
			snprintf(msg, msglen, "read at %llu: %s", (unsigned long long)pos,
				 strerror(errno));
			break;
		}
		if ((size_t)got < n)	/* past EOF reads as zero */
			memset(buf + got, 0, n - (size_t)got);
		for (i = 0; i < n && !ret; i += PAT_PAGE)
			ret = check_page(buf + i, pos + i, seed, want_zero, msg, msglen);
	}
	free(buf);
	return ret;
}
