// SPDX-License-Identifier: GPL-2.0
#include <json.h>
#include <string.h>

#include "../core/util.h"
#include "field.h"
#include "runhead.h"

#define HEAD(k, t, m)	FIELD(k, t, 0, struct run_head, m)
#define PART(k)		{ k, FT_SPECIAL, 0, 0, 0 }

static const struct field head_fields[] = {
	HEAD("kernel", FT_STR, kernel),
	HEAD("kernel_version", FT_STR, kernel_version),
	HEAD("suite", FT_STR, suite),
	HEAD("dir", FT_STR, dir),
	HEAD("fs", FT_STR, fs),
	HEAD("mount_dax", FT_STR, mount_dax),
	PART("device"),
	HEAD("finished", FT_STR, finished),
	PART("totals"),
	HEAD("suite_cases", FT_INT, suite_cases),
	HEAD("shard", FT_OPTSTR, shard),
	PART("cases"),
};

struct json_object *run_head_json(const struct run_head *h, struct json_object *device,
				  struct json_object *totals, struct json_object *cases)
{
	struct json_object *o = json_object_new_object();
	struct json_object *part[] = { device, totals, cases };
	size_t i, p = 0;

	for (i = 0; i < ARRAY_SIZE(head_fields); i++) {
		if (head_fields[i].type != FT_SPECIAL)
			field_put(o, &head_fields[i], h);
		else if (part[p++])
			json_object_object_add(o, head_fields[i].key, part[p - 1]);
	}
	return o;
}

void run_head_read(struct json_object *rep, struct run_head *h)
{
	memset(h, 0, sizeof(*h));
	h->suite_cases = -1;
	fields_get(rep, head_fields, ARRAY_SIZE(head_fields), h);
}
