// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <json.h>
#include <string.h>
#include <unistd.h>

#include "jsonutil.h"

const char *json_str(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!o || !json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return "";
	return json_object_get_string(v);
}

double json_num(struct json_object *o, const char *key, double def)
{
	struct json_object *v;

	if (!o || !json_object_object_get_ex(o, key, &v) || !v)
		return def;
	if (!json_object_is_type(v, json_type_double) && !json_object_is_type(v, json_type_int))
		return def;
	return json_object_get_double(v);
}

int json_flag(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!o || !json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_boolean))
		return -1;
	return json_object_get_boolean(v);
}

struct json_object *json_arr(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!o || !json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_array))
		return NULL;
	return v;
}

void xml_puts(FILE *f, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		switch (c) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		case '\'':
			fputs("&apos;", f);
			break;
		default:
			if (c >= 0x20 || c == '\n' || c == '\t')
				fputc(c, f);
		}
	}
}

struct json_object *json_load(const char *path, char *err, size_t errlen)
{
	struct json_object *o = json_object_from_file(path);

	if (!o)
		snprintf(err, errlen, "cannot read %s: %s", path,
			 access(path, R_OK) ? strerror(errno) : "not valid JSON");
	return o;
}
