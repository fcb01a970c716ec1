// SPDX-License-Identifier: GPL-2.0
/*
 * --shard K/N: case i of the suite runs on shard (i mod N) + 1. Round robin
 * keeps the shards' run times close when a suite groups long cases together,
 * and depends only on the suite file, so every CI machine computes the same
 * split.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

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

/*
 * A CI matrix or a Kubernetes Indexed Job says which shard a machine is in
 * its environment, so the same command line serves every machine.
 * Kubernetes puts only the index into the pod (JOB_COMPLETION_INDEX, 0-based),
 * not the Job's completions: N has to come from DAXSTRESS_SHARDS.
 */
int shard_from_env(unsigned int *k, unsigned int *n, char *err, size_t len)
{
	const char *spec = getenv(SHARD_ENV), *idx = getenv(SHARD_INDEX_ENV);
	const char *count = getenv(SHARD_COUNT_ENV);
	char buf[64], why[160];
	unsigned long i;
	char *end;

	*k = *n = 0;
	if (spec && spec[0]) {
		if (!shard_parse(spec, k, n, why, sizeof(why)))
			return 0;
		snprintf(err, len, "%s='%s': expected K/N with 1 <= K <= N <= 1000 (e.g. 2/4)",
			 SHARD_ENV, spec);
		return -EINVAL;
	}
	if (!idx || !idx[0])
		return 0;
	if (!count || !count[0]) {
		snprintf(err, len, "%s=%s but no %s: set it to the Job's completions (not in a pod's environment) or give --shard K/N",
			 SHARD_INDEX_ENV, idx, SHARD_COUNT_ENV);
		return -EINVAL;
	}
	errno = 0;
	i = strtoul(idx, &end, 10);
	snprintf(buf, sizeof(buf), "%lu/%s", i + 1, count);
	if (errno || end == idx || *end || i >= 1000 || shard_parse(buf, k, n, why, sizeof(why))) {
		snprintf(err, len, "%s=%s, %s=%s: expected an index 0 to N-1, 1 <= N <= 1000",
			 SHARD_INDEX_ENV, idx, SHARD_COUNT_ENV, count);
		*k = *n = 0;
		return -EINVAL;
	}
	return 0;
}
