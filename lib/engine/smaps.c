// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "smaps.h"

long smaps_pmd_kb(const void *addr)
{
	uintptr_t a = (uintptr_t)addr, lo, hi;
	FILE *f = fopen("/proc/self/smaps", "re");
	char *line = NULL;
	size_t cap = 0;
	int inside = 0;
	long kb = -ENOENT;

	if (!f)
		return -errno;
	while (getline(&line, &cap, f) > 0) {
		/* A VMA header is "lo-hi perms ..."; its fields follow until the next one. */
		if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2 && line[0] != ' ') {
			inside = a >= lo && a < hi;
			continue;
		}
		if (inside && sscanf(line, "FilePmdMapped: %ld kB", &kb) == 1)
			break;
	}
	free(line);
	fclose(f);
	return kb;
}
