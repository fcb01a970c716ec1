/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared mappings of the case file: libpmem2 when the file is DAX (it picks
 * MAP_SYNC when the device allows it), plain mmap otherwise. The alignment
 * decides whether PMD (2 MiB) faults are possible at all: a 4 KiB mapping is
 * deliberately placed off a 2 MiB boundary.
 */
#ifndef DS_MAPPING_H
#define DS_MAPPING_H

#include <stdbool.h>
#include <stddef.h>

#define ALIGN_4K (4096UL)
#define ALIGN_2M (2UL << 20)

struct pmem2_map;
struct pmem2_vm_reservation;

struct dmap {
	char *addr;
	size_t len;
	size_t align;
	bool via_pmem2;
	bool map_sync;		/* stores are persistent without msync */
	bool private_ro;	/* MAP_PRIVATE, PROT_READ */
	struct pmem2_map *map;
	struct pmem2_vm_reservation *rsv;
};

/* Map len bytes of fd at an address with the given alignment. -errno. */
int dmap_open(struct dmap *m, int fd, size_t len, size_t align, bool dax,
	      char *err, size_t errlen);
/* A MAP_PRIVATE, PROT_READ mapping (never through libpmem2, which shares). -errno. */
int dmap_open_private_ro(struct dmap *m, int fd, size_t len, size_t align,
			 char *err, size_t errlen);
void dmap_close(struct dmap *m);

#endif
