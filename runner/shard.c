// SPDX-License-Identifier: GPL-2.0
/*
 * --shard K/N: case i of the suite runs on shard (i mod N) + 1. Round robin
 * keeps the shards' run times close when a suite groups long cases together,
 * and depends only on the suite file, so every CI machine computes the same
 * split.
 */
#include <errno.h>
#include <stdio.h>

#include "../lib/core/util.h"
#include "report.h"

int shard_parse(const char *s, unsigned int *k, unsigned int *n, char *err, size_t len)
{
	unsigned int a, b;
	int end = 0;

	if (*s < '0' || *s > '9' || sscanf(s, "%u/%u%n", &a, &b, &end) != 2 || s[end] || !b || !a || a > b ||
	    b > 1000) {
		snprintf(err, len, "--shard '%s': expected K/N with 1 <= K <= N <= 1000 (e.g. 2/4)", s);
		return -EINVAL;
	}
	*k = a;
	*n = b;
	return 0;
}

bool shard_has(unsigned int i, unsigned int k, unsigned int n)
{
	return !n || i % n == k - 1;
}
