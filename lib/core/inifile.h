/* SPDX-License-Identifier: GPL-2.0 */
/*
 * INI files (suites, known issues, kernel lists) through libinih, with what
 * inih leaves out: the line number of every key and every error, sections
 * reported as they start, and over-long lines refused instead of split.
 */
#ifndef DS_INIFILE_H
#define DS_INIFILE_H

#include <stddef.h>
#include <stdio.h>

/*
 * Called at the start of each section (key == NULL) and for each key.
 * Return 0, or -1 after writing the problem (no file:line) into err.
 */
typedef int (*inifile_fn)(void *user, const char *section, const char *key,
			  const char *val, char *err, size_t errlen);

/* Parse f, or text when f is NULL. Errors become "name:line: problem". */
int inifile_parse(const char *name, FILE *f, const char *text, inifile_fn fn,
		  void *user, char *err, size_t errlen);
/* Same for a path. */
int inifile_parse_path(const char *path, inifile_fn fn, void *user, char *err,
		       size_t errlen);

/*
 * An inifile_fn that is also told the line: the key's, or at a section
 * start (key == NULL) the line of the [section] header. It gets section
 * names whole (inih's own handler gets at most 49 characters).
 */
typedef int (*inifile_line_fn)(void *user, int line, const char *section,
			       const char *key, const char *val, char *err,
			       size_t errlen);

int inifile_parse_lines(const char *name, FILE *f, const char *text,
			inifile_line_fn fn, void *user, char *err, size_t errlen);
int inifile_parse_path_lines(const char *path, inifile_line_fn fn, void *user,
			     char *err, size_t errlen);

#endif
