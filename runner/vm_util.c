// SPDX-License-Identifier: GPL-2.0
/*
 * daxstress vm: small helpers for the launcher: messages, the monotonic
 * clock, string vectors (the QEMU argv), shell quoting and file reads.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "vm_priv.h"

void vm_msg(const char *fmt, ...)
{
	va_list ap;

	fputs("daxstress vm: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

uint64_t vm_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

double vm_secs(uint64_t from, uint64_t to)
{
	return to > from ? (double)(to - from) / 1e9 : 0.0;
}

/* ---- string vectors ---- */

int strv_addf(struct strv *s, const char *fmt, ...)
{
	va_list ap;
	char *str;
	int ret;

	if (s->n + 2 > s->cap) {
		size_t cap = s->cap ? s->cap * 2 : 32;
		char **v = realloc(s->v, cap * sizeof(*v));

		if (!v)
			return -ENOMEM;
		s->v = v;
		s->cap = cap;
	}
	va_start(ap, fmt);
	ret = vasprintf(&str, fmt, ap);
	va_end(ap);
	if (ret < 0)
		return -ENOMEM;
	s->v[s->n++] = str;
	s->v[s->n] = NULL;
	return 0;
}

void strv_free(struct strv *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->v[i]);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

/* S in single quotes for a POSIX shell. */
void vm_sh_quote(FILE *f, const char *s)
{
	fputc('\'', f);
	for (; *s; s++) {
		if (*s == '\'')
			fputs("'\\''", f);
		else
			fputc(*s, f);
	}
	fputc('\'', f);
}

static void vm_print_quoted(FILE *f, const char *s)
{
	static const char safe[] =
		"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./,:=+-@%";

	if (*s && strspn(s, safe) == strlen(s))
		fputs(s, f);
	else
		vm_sh_quote(f, s);
}

void strv_print(FILE *f, const struct strv *s)
{
	size_t i;

	for (i = 0; i < s->n; i++) {
		if (i)
			fputc(' ', f);
		vm_print_quoted(f, s->v[i]);
	}
	fputc('\n', f);
}

/* ---- file reads ---- */

int vm_read_all(int fd, char *buf, size_t size)
{
	size_t len = 0;
	ssize_t n;

	while (len + 1 < size) {
		n = read(fd, buf + len, size - 1 - len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	return (int)len;
}

/* A small file (up to 16 MiB) in a malloc'd, NUL-terminated buffer; NULL on error. */
char *vm_slurp(const char *path, size_t *len)
{
	struct stat st;
	char *buf;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	if (fstat(fd, &st) || st.st_size > (16 << 20)) {
		close(fd);
		return NULL;
	}
	buf = malloc(st.st_size + 1);
	if (!buf) {
		close(fd);
		return NULL;
	}
	*len = (size_t)vm_read_all(fd, buf, st.st_size + 1);
	close(fd);
	return buf;
}
