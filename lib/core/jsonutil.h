/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Reading reports back: typed lookups in json-c objects that never fail
 * (a missing or mistyped field reads as "" or the default), and XML text
 * escaping for the writers that turn reports into JUnit, SVG and HTML.
 */
#ifndef DS_JSONUTIL_H
#define DS_JSONUTIL_H

#include <stdio.h>

struct json_object;

/* The string at key, or "" when absent or not a string. */
const char *json_str(struct json_object *o, const char *key);
/* The number at key, or def when absent or null. */
double json_num(struct json_object *o, const char *key, double def);
/* 1 or 0 for the boolean at key, -1 when absent or not a boolean. */
int json_flag(struct json_object *o, const char *key);
/* The array at key, or NULL. */
struct json_object *json_arr(struct json_object *o, const char *key);
/* XML text: escape the five specials, drop control characters XML forbids. */
void xml_puts(FILE *f, const char *s);
/* Load a JSON file; NULL with a sentence in err. */
struct json_object *json_load(const char *path, char *err, size_t errlen);

#endif
