// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <ini.h>
#include <string.h>

#include "inifile.h"
#include "util.h"

struct ini_state {
	FILE *f;
	const char *text;
	int line;
	int long_line;
	unsigned int headers;		/* [section] lines read so far */
	unsigned int headers_seen;	/* ... of which the handler was told */
	int started;			/* the handler has seen a section start */
	int failed;
	inifile_fn fn;
	void *user;
	char msg[384];
	int header_line;		/* line of the last [section] header */
	char header[INI_MAX_LINE];	/* its name: inih cuts names at 49 characters */
	inifile_line_fn line_fn;	/* instead of fn: also gets the line */
};

static void keep_header(struct ini_state *st, const char *buf)
{
	const char *h = buf + strspn(buf, " \t\v\f\r") + 1;
	size_t n = strcspn(h, "]");

	if (n >= sizeof(st->header))
		n = sizeof(st->header) - 1;
	memcpy(st->header, h, n);
	st->header[n] = '\0';
	st->header_line = st->line;
}

static void skip_rest(struct ini_state *st)
{
	int c;

	if (st->f) {
		while ((c = fgetc(st->f)) != EOF && c != '\n')
			;
	} else {
		st->text += strcspn(st->text, "\n");
	}
}

/* inih's reader: one line per call, so the line count here is exact. */
static char *read_line(char *buf, int size, void *stream)
{
	struct ini_state *st = stream;
	size_t n;

	if (st->f) {
		if (!fgets(buf, size, st->f))
			return NULL;
		n = strlen(buf);
		if (n == (size_t)size - 1 && buf[n - 1] != '\n') {
			skip_rest(st);
			if (!st->long_line)
				st->long_line = st->line + 1;
		}
	} else {
		if (!*st->text)
			return NULL;
		n = strcspn(st->text, "\n");
		if (n >= (size_t)size - 1) {
			if (!st->long_line)
				st->long_line = st->line + 1;
			n = (size_t)size - 2;
		}
		memcpy(buf, st->text, n);
		buf[n] = '\0';
		st->text += n;
		skip_rest(st);
		if (*st->text == '\n')
			st->text++;
	}
	st->line++;
	if (buf[strspn(buf, " \t\v\f\r")] == '[') {
		st->headers++;
		keep_header(st, buf);
	}
	return buf;
}

/*
 * The handler: a key gets its own line, a section start its header's; a
 * line handler gets the whole section name where inih cut it.
 */
static int call_fn(struct ini_state *st, const char *section, const char *key,
		   const char *val)
{
	if (st->line_fn) {
		if (!strncmp(st->header, section, strlen(section)))
			section = st->header;
		return st->line_fn(st->user, key ? st->line : st->header_line, section,
				   key, val, st->msg, sizeof(st->msg));
	}
	return st->fn(st->user, section, key, val, st->msg, sizeof(st->msg));
}

static int on_key(void *user, const char *section, const char *key, const char *val)
{
	struct ini_state *st = user;

	if (st->failed)
		return 0;
	if (st->long_line) {
		st->line = st->long_line;
		snprintf(st->msg, sizeof(st->msg), "line is too long (at most %d characters)",
			 INI_MAX_LINE - 2);
		goto fail;
	}
	if (!*section) {
		snprintf(st->msg, sizeof(st->msg),
			 "'%s' is outside any section: put it under a [section]", key);
		goto fail;
	}
	/* A new header, even one repeating the last name, starts a section. */
	if (st->headers != st->headers_seen || !st->started) {
		st->headers_seen = st->headers;
		st->started = 1;
		if (call_fn(st, section, NULL, NULL)) {
			if (st->line_fn)	/* it was told the header's line */
				st->line = st->header_line;
			goto fail;
		}
	}
	if (!*val) {
		snprintf(st->msg, sizeof(st->msg), "key '%s' has no value", key);
		goto fail;
	}
	if (call_fn(st, section, key, val))
		goto fail;
	return 1;
fail:
	st->failed = st->line;
	return 0;
}

static int parse_state(struct ini_state *st, const char *name, char *err, size_t errlen)
{
	int ret = ini_parse_stream(read_line, st, on_key, st);

	if (!st->failed && st->long_line) {
		st->failed = st->long_line;
		snprintf(st->msg, sizeof(st->msg), "line is too long (at most %d characters)",
			 INI_MAX_LINE - 2);
	}
	/* inih returns the first bad line; an earlier one than ours is a syntax error */
	if (ret > 0 && (!st->failed || ret < st->failed)) {
		st->failed = ret;
		snprintf(st->msg, sizeof(st->msg),
			 "cannot parse this line: expected [section], key = value, or a # comment");
	}
	if (!st->failed)
		return 0;
	snprintf(err, errlen, "%s:%d: %s", name, st->failed, st->msg);
	return -EINVAL;
}

/* Open path and parse it with st's callback. */
static int parse_path(const char *path, struct ini_state *st, char *err, size_t errlen)
{
	int ret;

	st->f = fopen(path, "re");
	st->text = "";
	if (!st->f) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return ret;
	}
	ret = parse_state(st, path, err, errlen);
	fclose(st->f);
	return ret;
}

int inifile_parse_lines(const char *name, FILE *f, const char *text, inifile_line_fn fn,
			void *user, char *err, size_t errlen)
{
	struct ini_state st = { .f = f, .text = text ? text : "", .line_fn = fn, .user = user };

	return parse_state(&st, name, err, errlen);
}

int inifile_parse_path_lines(const char *path, inifile_line_fn fn, void *user, char *err,
			     size_t errlen)
{
	struct ini_state st = { .line_fn = fn, .user = user };

	return parse_path(path, &st, err, errlen);
}

int inifile_parse(const char *name, FILE *f, const char *text, inifile_fn fn,
		  void *user, char *err, size_t errlen)
{
	struct ini_state st = { .f = f, .text = text ? text : "", .fn = fn, .user = user };

	return parse_state(&st, name, err, errlen);
}

int inifile_parse_path(const char *path, inifile_fn fn, void *user, char *err,
		       size_t errlen)
{
	struct ini_state st = { .fn = fn, .user = user };

	return parse_path(path, &st, err, errlen);
}
