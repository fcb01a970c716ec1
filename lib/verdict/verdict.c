// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <string.h>

#include "../core/util.h"
#include "verdict.h"

static const char *const names[V__COUNT] = {
	[V_PASS] = "pass",
	[V_SKIP] = "skip",
	[V_XFAIL] = "xfail",
	[V_KERNEL_WARNING] = "kernel-warning",
	[V_BLOCKED_BY_MAPPING] = "blocked-by-mapping",
	[V_LIVELOCK] = "livelock",
	[V_MISSED_WAKEUP] = "missed-wakeup",
	[V_HANG] = "hang",
	[V_DATA_CORRUPTION] = "data-corruption",
	[V_ERROR] = "error",
};

/* Severity order used when one case produces several findings. */
static const int severity[V__COUNT] = {
	[V_PASS] = 0, [V_SKIP] = 1, [V_XFAIL] = 2, [V_ERROR] = 3,
	[V_KERNEL_WARNING] = 4, [V_BLOCKED_BY_MAPPING] = 5, [V_LIVELOCK] = 6,
	[V_MISSED_WAKEUP] = 7, [V_HANG] = 8, [V_DATA_CORRUPTION] = 9,
};

const char *verdict_name(enum verdict v)
{
	return (unsigned int)v < V__COUNT ? names[v] : "?";
}

int verdict_parse(const char *s, enum verdict *v)
{
	int i;

	for (i = 0; i < V__COUNT; i++) {
		if (!strcmp(s, names[i])) {
			*v = (enum verdict)i;
			return 0;
		}
	}
	return -EINVAL;
}

bool verdict_is_failure(enum verdict v)
{
	return v != V_PASS && v != V_SKIP && v != V_XFAIL;
}

int verdict_severity(enum verdict v)
{
	return (unsigned int)v < V__COUNT ? severity[v] : severity[V_ERROR];
}

enum verdict verdict_worse(enum verdict a, enum verdict b)
{
	return verdict_severity(b) > verdict_severity(a) ? b : a;
}
