/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One table per JSON object says each key, its type and where its value
 * lives in a struct: the writer and the reader both walk the same table, so
 * they cannot disagree on a name (the case result, lib/report/result.c; a
 * repro bundle's bundle.json, runner/bundle.c).
 */
#ifndef DS_FIELD_H
#define DS_FIELD_H

#include <stdbool.h>
#include <stddef.h>

struct json_object;

enum field_type {
	FT_SPECIAL,	/* written and read by code of its own */
	FT_STR,		/* char array */
	FT_OPTSTR,	/* char array, left out when empty */
	FT_CHAR,	/* one character, as a one-letter string */
	FT_BOOL,
	FT_INT,
	FT_U32,
	FT_U64,
	FT_LONG,
	FT_DOUBLE,	/* seconds, written with three decimals */
	FT_OPTSECS,	/* seconds, null when negative (read back as absent) */
	FT_VERDICT,	/* enum verdict, by name */
};

struct field {
	const char *key;
	enum field_type type;
	int base;		/* which struct, when one table spans two */
	size_t off, size;
};

#define FIELD(k, t, b, s, m)	{ k, t, b, offsetof(s, m), sizeof(((s *)0)->m) }

/* A time in seconds as the reports carry it: three decimals. */
struct json_object *field_seconds(double v);
void field_put(struct json_object *o, const struct field *f, const void *base);
void fields_put(struct json_object *o, const struct field *f, size_t n, const void *base);
/* The value at key if it has a field of type t's JSON type; NULL otherwise. */
struct json_object *field_value(struct json_object *o, const char *key, enum field_type t);
/* One field into base; false when absent or of another type (base untouched). */
bool field_get(struct json_object *o, const struct field *f, void *base);
void fields_get(struct json_object *o, const struct field *f, size_t n, void *base);

#endif
