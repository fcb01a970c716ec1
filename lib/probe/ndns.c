// SPDX-License-Identifier: GPL-2.0
/*
 * The namespace behind a block device, from libndctl. The block device of
 * a namespace belongs to whatever claims it: the pfn device in fsdax mode,
 * the btt in sector mode, the namespace itself in raw mode (devdax has a
 * character device and never backs a mount), so all three are compared.
 */
#include <blkid/blkid.h>
#include <errno.h>
#include <json-c/json.h>
#include <ndctl/libndctl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "ndns.h"
#include "../core/util.h"

static const char *mode_name(enum ndctl_namespace_mode mode)
{
	switch (mode) {
	case NDCTL_NS_MODE_FSDAX:
		return "fsdax";
	case NDCTL_NS_MODE_SECTOR:
		return "sector";
	case NDCTL_NS_MODE_RAW:
		return "raw";
	case NDCTL_NS_MODE_DEVDAX:
		return "devdax";
	default:
		return "unknown";
	}
}

/* libndctl answers "" or NULL for "no block device"; both mean no match. */
static bool same_bdev(const char *bdev, const char *want)
{
	return bdev && *bdev && !strcmp(bdev, want);
}

static bool ns_has_bdev(struct ndctl_namespace *ndns, const char *want)
{
	struct ndctl_pfn *pfn = ndctl_namespace_get_pfn(ndns);
	struct ndctl_btt *btt = ndctl_namespace_get_btt(ndns);

	if (pfn)
		return same_bdev(ndctl_pfn_get_block_device(pfn), want);
	if (btt)
		return same_bdev(ndctl_btt_get_block_device(btt), want);
	return same_bdev(ndctl_namespace_get_block_device(ndns), want);
}

static void take_ns(struct ndctl_namespace *ndns, struct ndns_info *out)
{
	enum ndctl_namespace_mode mode = ndctl_namespace_get_mode(ndns);
	struct ndctl_pfn *pfn = ndctl_namespace_get_pfn(ndns);
	struct ndctl_dax *dax = ndctl_namespace_get_dax(ndns);

	strscpy_trunc(out->ns, ndctl_namespace_get_devname(ndns), sizeof(out->ns));
	strscpy_trunc(out->mode, mode_name(mode), sizeof(out->mode));
	out->size = ndctl_namespace_get_size(ndns);
	if (pfn)
		out->align = ndctl_pfn_get_align(pfn);
	else if (dax)
		out->align = ndctl_dax_get_align(dax);
	if (mode != NDCTL_NS_MODE_FSDAX)
		snprintf(out->why, sizeof(out->why),
			 "%s is in %s mode, not fsdax: `ndctl create-namespace -f -e %s -m fsdax` converts it (its data is lost)",
			 out->ns, out->mode, out->ns);
}

static bool bus_find(struct ndctl_bus *bus, struct ndns_info *out)
{
	struct ndctl_region *region;
	struct ndctl_namespace *ndns;

	ndctl_region_foreach(bus, region) {
		ndctl_namespace_foreach(region, ndns) {
			if (ns_has_bdev(ndns, out->dev)) {
				take_ns(ndns, out);
				return true;
			}
		}
	}
	return false;
}

/* libndctl's own complaints would land between the runner's KTAP lines. */
static void quiet_log(struct ndctl_ctx *ctx, int priority, const char *file, int line,
		      const char *fn, const char *format, va_list args)
{
}

int ndns_lookup(const char *blockdev, struct ndns_info *out)
{
	struct ndctl_ctx *ctx;
	struct ndctl_bus *bus;
	int nbus = 0, ret;

	memset(out, 0, sizeof(*out));
	if (!strncmp(blockdev, "/dev/", 5))
		blockdev += 5;
	strscpy_trunc(out->dev, blockdev, sizeof(out->dev));
	if (!out->dev[0]) {
		snprintf(out->why, sizeof(out->why), "no block device named: not a pmem namespace");
		return -ENODEV;
	}
	ret = ndctl_new(&ctx);
	if (ret) {
		snprintf(out->why, sizeof(out->why), "libndctl cannot start (%s): namespace unknown",
			 strerror(ret < 0 ? -ret : ret));
		return ret < 0 ? ret : -ret;
	}
	ndctl_set_log_fn(ctx, quiet_log);
	ret = 0;
	ndctl_bus_foreach(ctx, bus) {
		nbus++;
		if (bus_find(bus, out))
			goto out;
	}
	if (!nbus)
		snprintf(out->why, sizeof(out->why), NDNS_NO_BUS);
	else
		snprintf(out->why, sizeof(out->why),
			 "%s: no namespace on the %d NVDIMM bus%s has it as its block device: not a pmem namespace",
			 out->dev, nbus, nbus > 1 ? "es" : "");
	ret = -ENODEV;
out:
	ndctl_unref(ctx);
	return ret;
}

int ndns_lookup_devno(dev_t devno, struct ndns_info *out)
{
	char disk[32];
	dev_t whole;

	memset(out, 0, sizeof(*out));
	if (!major(devno)) {
		/* tmpfs, overlay, virtiofs, NFS: an anonymous device number */
		snprintf(out->why, sizeof(out->why),
			 "no block device (device %u:%u is anonymous, e.g. tmpfs or virtiofs): not a pmem namespace",
			 major(devno), minor(devno));
		return -ENODEV;
	}
	if (blkid_devno_to_wholedisk(devno, disk, sizeof(disk), &whole)) {
		snprintf(out->why, sizeof(out->why),
			 "device %u:%u has no block device in sysfs: not a pmem namespace",
			 major(devno), minor(devno));
		return -ENODEV;
	}
	return ndns_lookup(disk, out);
}

int ndns_lookup_path(const char *path, struct ndns_info *out)
{
	struct stat st;

	if (stat(path, &st)) {
		int err = errno;

		memset(out, 0, sizeof(*out));
		snprintf(out->why, sizeof(out->why), "%s: %s", path, strerror(err));
		return -err;
	}
	return ndns_lookup_devno(st.st_dev, out);
}

/* 2 MiB, 16 GiB, 1536 KiB: the largest binary unit that divides exactly. */
static void human(uint64_t bytes, char *buf, size_t len)
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	unsigned int i = 0;

	while (i + 1 < ARRAY_SIZE(unit) && bytes >= 1024 && !(bytes % 1024)) {
		bytes /= 1024;
		i++;
	}
	snprintf(buf, len, "%llu %s", (unsigned long long)bytes, unit[i]);
}

void ndns_describe(const struct ndns_info *info, char *buf, size_t len)
{
	char size[32], align[32] = "none";

	if (!info->ns[0]) {
		snprintf(buf, len, "%s", info->why);
		return;
	}
	human(info->size, size, sizeof(size));
	if (info->align)
		human(info->align, align, sizeof(align));
	snprintf(buf, len, "%s: %s, align %s, size %s%s%s", info->ns, info->mode, align, size,
		 info->why[0] ? "; " : "", info->why);
}

static struct json_object *str_or_null(const char *s)
{
	return s[0] ? json_object_new_string(s) : NULL;
}

static struct json_object *num_or_null(uint64_t v)
{
	return v ? json_object_new_int64((int64_t)v) : NULL;
}

struct json_object *ndns_json(const struct ndns_info *info)
{
	struct json_object *o = json_object_new_object();

	if (!o)
		return NULL;
	json_object_object_add(o, "blockdev", str_or_null(info->dev));
	json_object_object_add(o, "namespace", str_or_null(info->ns));
	json_object_object_add(o, "mode", str_or_null(info->mode));
	json_object_object_add(o, "align", num_or_null(info->align));
	json_object_object_add(o, "size", num_or_null(info->size));
	json_object_object_add(o, "note", json_object_new_string(info->why));
	return o;
}

struct json_object *ndns_report_json(const char *dir)
{
	struct ndns_info info;

	ndns_lookup_path(dir, &info);
	return ndns_json(&info);
}
