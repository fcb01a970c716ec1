// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <libpmem2.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>

#include "mapping.h"

/*
 * Find a free address range and return an address inside it that has the
 * requested alignment; for 4 KiB we step off the 2 MiB boundary on purpose.
 */
static char *pick_address(size_t len, size_t align)
{
	size_t span = len + 2 * ALIGN_2M;
	uintptr_t a;
	void *p;

	p = mmap(NULL, span, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return NULL;
	munmap(p, span);
	a = ((uintptr_t)p + ALIGN_2M - 1) & ~(uintptr_t)(ALIGN_2M - 1);
	if (align < ALIGN_2M)
		a += ALIGN_4K;
	return (char *)a;
}

static int map_plain(struct dmap *m, int fd, char *hint, char *err, size_t errlen)
{
	int prot = m->private_ro ? PROT_READ : PROT_READ | PROT_WRITE;
	int flags = m->private_ro ? MAP_PRIVATE : MAP_SHARED;
	void *p = mmap(hint, m->len, prot, flags | MAP_FIXED_NOREPLACE, fd, 0);

	if (p == MAP_FAILED) {
		int e = errno;

		snprintf(err, errlen, "mmap of %zu bytes: %s", m->len, strerror(e));
		return -e;
	}
	m->addr = p;
	return 0;
}

static int map_pmem2(struct dmap *m, int fd, char *hint, char *err, size_t errlen)
{
	struct pmem2_config *cfg = NULL;
	struct pmem2_source *src = NULL;
	int ret;

	ret = pmem2_source_from_fd(&src, fd);
	if (ret)
		goto fail;
	ret = pmem2_config_new(&cfg);
	if (ret)
		goto fail;
	pmem2_config_set_required_store_granularity(cfg, PMEM2_GRANULARITY_PAGE);
	pmem2_config_set_sharing(cfg, PMEM2_SHARED);
	ret = pmem2_config_set_length(cfg, m->len);
	if (ret)
		goto fail;
	ret = pmem2_vm_reservation_new(&m->rsv, hint, m->len);
	if (ret)
		goto fail;
	ret = pmem2_config_set_vm_reservation(cfg, m->rsv, 0);
	if (ret)
		goto fail;
	ret = pmem2_map_new(&m->map, cfg, src);
	if (ret)
		goto fail;
	m->addr = pmem2_map_get_address(m->map);
	m->map_sync = pmem2_map_get_store_granularity(m->map) != PMEM2_GRANULARITY_PAGE;
	m->via_pmem2 = true;
	pmem2_config_delete(&cfg);
	pmem2_source_delete(&src);
	return 0;
fail:
	snprintf(err, errlen, "libpmem2: %s", pmem2_errormsg());
	if (m->rsv)
		pmem2_vm_reservation_delete(&m->rsv);
	if (cfg)
		pmem2_config_delete(&cfg);
	if (src)
		pmem2_source_delete(&src);
	return ret < 0 ? ret : -EINVAL;
}

int dmap_open(struct dmap *m, int fd, size_t len, size_t align, bool dax,
	      char *err, size_t errlen)
{
	char *hint;

	memset(m, 0, sizeof(*m));
	m->len = len;
	m->align = align;
	hint = pick_address(len, align);
	if (!hint) {
		snprintf(err, errlen, "no free address range of %zu bytes", len);
		return -ENOMEM;
	}
	return dax ? map_pmem2(m, fd, hint, err, errlen)
		   : map_plain(m, fd, hint, err, errlen);
}

void dmap_close(struct dmap *m)
{
	if (m->via_pmem2) {
		if (m->map)
			pmem2_map_delete(&m->map);
		if (m->rsv)
			pmem2_vm_reservation_delete(&m->rsv);
	} else if (m->addr) {
		munmap(m->addr, m->len);
	}
	m->addr = NULL;
}

int dmap_open_private_ro(struct dmap *m, int fd, size_t len, size_t align,
			 char *err, size_t errlen)
{
	char *hint;

	memset(m, 0, sizeof(*m));
	m->len = len;
	m->align = align;
	m->private_ro = true;
	hint = pick_address(len, align);
	if (!hint) {
		snprintf(err, errlen, "no free address range of %zu bytes", len);
		return -ENOMEM;
	}
	return map_plain(m, fd, hint, err, errlen);
}
