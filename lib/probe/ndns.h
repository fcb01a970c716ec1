/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Which NVDIMM namespace is behind a block device, found with libndctl:
 * its name, mode, size and page-map alignment, for `daxstress prepare` and
 * the run report. Not finding one is an answer, not an error: ->why says
 * why the device is not a pmem namespace, and nothing fails because of it.
 */
#ifndef DS_NDNS_H
#define DS_NDNS_H

#include <stdint.h>
#include <sys/types.h>

struct json_object;

struct ndns_info {
	char dev[32];		/* whole-disk block device name: "pmem0" */
	char ns[32];		/* "namespace0.0"; "" when none was found */
	char mode[16];		/* "fsdax", "sector", "raw", "devdax", "unknown" */
	uint64_t size;		/* bytes of the namespace */
	uint64_t align;		/* page-map alignment (fsdax, devdax); 0 for the others */
	char why[160];		/* why it is not an fsdax namespace; "" when it is */
};

#define NDNS_NO_BUS "no NVDIMM bus (libndctl found none): not a pmem namespace"

/*
 * Look up a block device by name ("pmem0" or "/dev/pmem0"). Returns 0 when
 * a namespace has it, -ENODEV when none does, another -errno when libndctl
 * cannot start; ->why is set in the last two cases.
 */
int ndns_lookup(const char *blockdev, struct ndns_info *out);
/* The same for a device number: the whole disk of a partition is looked up. */
int ndns_lookup_devno(dev_t devno, struct ndns_info *out);
/* The same for the device of the filesystem that holds path. */
int ndns_lookup_path(const char *path, struct ndns_info *out);
/* "namespace0.0: fsdax, align 2 MiB, size 16 GiB", or ->why. */
void ndns_describe(const struct ndns_info *info, char *buf, size_t len);
/*
 * The report's "device" object: blockdev, namespace, mode, align, size
 * (null when unknown) and note (->why, "" for an fsdax namespace).
 */
struct json_object *ndns_json(const struct ndns_info *info);
/* ndns_lookup_path() and ndns_json() in one: never NULL but on ENOMEM. */
struct json_object *ndns_report_json(const char *dir);

#endif
