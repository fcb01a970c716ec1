// SPDX-License-Identifier: GPL-2.0
#include <json.h>
#include <stdint.h>
#include <stdio.h>

#include "../core/util.h"
#include "../verdict/verdict.h"
#include "field.h"

struct json_object *field_seconds(double v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%.3f", v);
	return json_object_new_double_s(v, buf);
}

static void add(struct json_object *o, const char *k, struct json_object *v)
{
	json_object_object_add(o, k, v);
}

void field_put(struct json_object *o, const struct field *f, const void *base)
{
	const char *p = (const char *)base + f->off;
	char c[2] = { 0, 0 };

	if (f->type == FT_OPTSTR && !*p)
		return;
	switch (f->type) {
	case FT_OPTSTR:
	case FT_STR:
		add(o, f->key, json_object_new_string(p));
		break;
	case FT_CHAR:
		c[0] = *p;
		add(o, f->key, json_object_new_string(c));
		break;
	case FT_BOOL:
		add(o, f->key, json_object_new_boolean(*(const bool *)p));
		break;
	case FT_INT:
		add(o, f->key, json_object_new_int(*(const int *)p));
		break;
	case FT_U32:
		add(o, f->key, json_object_new_int64(*(const uint32_t *)p));
		break;
	case FT_U64:
		add(o, f->key, json_object_new_int64(*(const int64_t *)p));
		break;
	case FT_LONG:
		add(o, f->key, json_object_new_int64(*(const long *)p));
		break;
	case FT_DOUBLE:
		add(o, f->key, field_seconds(*(const double *)p));
		break;
	case FT_OPTSECS:
		add(o, f->key, *(const double *)p < 0 ? NULL : field_seconds(*(const double *)p));
		break;
	case FT_VERDICT:
		add(o, f->key, json_object_new_string(verdict_name(*(const enum verdict *)p)));
		break;
	case FT_SPECIAL:
		break;
	}
}

void fields_put(struct json_object *o, const struct field *f, size_t n, const void *base)
{
	size_t i;

	for (i = 0; i < n; i++)
		field_put(o, &f[i], base);
}

struct json_object *field_value(struct json_object *o, const char *key, enum field_type t)
{
	struct json_object *v;

	if (!o || !json_object_object_get_ex(o, key, &v) || !v)
		return NULL;
	switch (t) {
	case FT_STR:
	case FT_OPTSTR:
	case FT_CHAR:
	case FT_VERDICT:
		return json_object_is_type(v, json_type_string) ? v : NULL;
	case FT_BOOL:
		return json_object_is_type(v, json_type_boolean) ? v : NULL;
	case FT_SPECIAL:
		return v;
	default:
		return json_object_is_type(v, json_type_int) ||
		       json_object_is_type(v, json_type_double) ? v : NULL;
	}
}

bool field_get(struct json_object *o, const struct field *f, void *base)
{
	struct json_object *v = field_value(o, f->key, f->type);
	char *p = (char *)base + f->off;

	if (!v || f->type == FT_SPECIAL)
		return false;
	switch (f->type) {
	case FT_STR:
	case FT_OPTSTR:
		strscpy_trunc(p, json_object_get_string(v), f->size);
		break;
	case FT_CHAR:
		*p = json_object_get_string(v)[0];
		break;
	case FT_BOOL:
		*(bool *)p = json_object_get_boolean(v);
		break;
	case FT_INT:
		*(int *)p = (int)json_object_get_int64(v);
		break;
	case FT_U32:
		*(uint32_t *)p = (uint32_t)json_object_get_int64(v);
		break;
	case FT_U64:
		*(int64_t *)p = json_object_is_type(v, json_type_int) ? json_object_get_int64(v) :
				(int64_t)json_object_get_double(v);
		break;
	case FT_LONG:
		*(long *)p = (long)json_object_get_int64(v);
		break;
	case FT_DOUBLE:
	case FT_OPTSECS:
		*(double *)p = json_object_get_double(v);
		break;
	case FT_VERDICT:
		return !verdict_parse(json_object_get_string(v), (enum verdict *)p);
	case FT_SPECIAL:
		return false;
	}
	return true;
}

void fields_get(struct json_object *o, const struct field *f, size_t n, void *base)
{
	size_t i;

	for (i = 0; i < n; i++)
		field_get(o, &f[i], base);
}
