/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Small helpers shared by every part of daxstress: monotonic time, bounded
 * string copies, whole-file reads and a per-thread random generator.
 */
#ifndef DS_UTIL_H
#define DS_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#ifndef ARRAY_SIZE	/* kselftest.h has its own */
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

/*
 * The kernel's attribute spellings, for code that may live in a kernel tree
 * (tools/include provides them there; user space has to define them).
 */
#define DS_ATTR(...) __attribute__((__VA_ARGS__))
#ifndef __printf
#define __printf(a, b) DS_ATTR(format(printf, a, b))
#endif
#ifndef __noreturn
#define __noreturn DS_ATTR(noreturn)
#endif
#ifndef __aligned
#define __aligned(x) DS_ATTR(aligned(x))
#endif
#ifndef __used
#define __used DS_ATTR(used)
#endif
#ifndef __section
#define __section(s) DS_ATTR(section(s))
#endif
#define NSEC_PER_SEC 1000000000ULL
#define NSEC_PER_MSEC 1000000ULL

uint64_t now_ns(void);
void sleep_ms(unsigned int ms);
void sleep_us(unsigned long us);
double ns_to_s(uint64_t ns);

/* Copy with truncation; always NUL-terminates. Returns strlen(src). */
size_t strscpy_trunc(char *dst, const char *src, size_t size);

/* Read a small file into buf (NUL-terminated). Returns bytes or -errno. */
ssize_t read_text_file(const char *path, char *buf, size_t size);

/* Parse "4096", "64k", "2M", "1G" (binary units). -EINVAL on junk. */
int parse_size(const char *s, uint64_t *out);
/* Parse "30", "30s", "500ms", "2m". Result in milliseconds. */
int parse_duration_ms(const char *s, uint64_t *out);
/* Parse a non-negative integer with no trailing junk. */
int parse_u64(const char *s, uint64_t *out);

/* splitmix64: tiny, seedable, good enough for offsets and patterns. */
struct rng {
	uint64_t s;
};

static inline uint64_t rng_next(struct rng *r)
{
	uint64_t z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static inline uint64_t rng_below(struct rng *r, uint64_t n)
{
	return n ? rng_next(r) % n : 0;
}

void rng_seed(struct rng *r, uint64_t seed, uint64_t stream);

/*
 * Write a file atomically: fn writes into a temporary file next to path,
 * which replaces path only when everything was written. 0 or -errno.
 */
int write_file_atomic(const char *path, int (*fn)(FILE *f, void *arg), void *arg);

/* Call emit for every line of buf (buf is modified). */
void split_lines(char *buf, void (*emit)(const char *line, void *arg), void *arg);

/* Sort up to n names and join them with ", " into buf. */
void join_sorted(const char **names, size_t n, char *buf, size_t len);

#endif
