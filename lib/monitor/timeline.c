// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "timeline.h"

static const enum hb_role tl_roles[TL_ROLES] = { ROLE_OWNER, ROLE_PINNER, ROLE_BREAKER };

void timeline_init(struct timeline *tl, uint64_t start_ns, int progress_fd)
{
	tl->start_ns = start_ns;
	tl->interval_ns = TL_INTERVAL_NS;
	tl->next_ns = start_ns;
	tl->progress_fd = progress_fd;
	tl->n = 0;
}

/* Full: keep every other sample and sample half as often from now on. */
static void decimate(struct timeline *tl)
{
	unsigned int i;

	for (i = 0; 2 * i < tl->n; i++)
		tl->s[i] = tl->s[2 * i];
	tl->n = i;
	tl->interval_ns *= 2;
}

static double longest_stall(const struct hb_region *hb, uint64_t now)
{
	uint32_t i, n = atomic_load(&hb->used);
	uint64_t worst = 0;

	if (n > HB_MAX_SLOTS)
		n = HB_MAX_SLOTS;
	for (i = 0; i < n; i++) {
		uint64_t s = hb_stalled_for(&hb->slot[i], now);

		if (s > worst)
			worst = s;
	}
	return ns_to_s(worst);
}

/* "P t owner pinner breaker stall": the runner's status line reads it. */
static void emit(const struct timeline *tl, const struct tl_sample *s)
{
	char line[160];
	int len;

	if (tl->progress_fd < 0)
		return;
	len = snprintf(line, sizeof(line), "P %.3f %llu %llu %llu %.3f\n", s->t,
		       (unsigned long long)s->ops[0], (unsigned long long)s->ops[1],
		       (unsigned long long)s->ops[2], s->stall);
	/* best effort: a reader that went away must not stop the case */
	if (write(tl->progress_fd, line, (size_t)len) < 0)
		return;
}

const struct tl_sample *timeline_tick(struct timeline *tl, const struct hb_region *hb,
				      uint64_t now)
{
	struct tl_sample *s;
	int i;

	if (now < tl->next_ns)
		return NULL;
	if (tl->n == TL_MAX)
		decimate(tl);
	s = &tl->s[tl->n++];
	s->t = ns_to_s(now - tl->start_ns);
	for (i = 0; i < TL_ROLES; i++)
		s->ops[i] = hb_role_ops(hb, tl_roles[i]);
	s->stall = longest_stall(hb, now);
	tl->next_ns = now + tl->interval_ns;
	emit(tl, s);
	return s;
}

int timeline_progress_fd(int fd)
{
	struct stat st;

	/* Only a pipe: never write progress into a file that happens to be there. */
	if (fd < 0 || fstat(fd, &st) || !S_ISFIFO(st.st_mode))
		return -1;
	fcntl(fd, F_SETFD, FD_CLOEXEC);
	return fd;
}

int timeline_parse_line(const char *line, struct tl_sample *s)
{
	unsigned long long o, p, b;

	if (sscanf(line, "P %lf %llu %llu %llu %lf", &s->t, &o, &p, &b, &s->stall) != 5)
		return -EINVAL;
	s->ops[0] = o;
	s->ops[1] = p;
	s->ops[2] = b;
	return 0;
}
