// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stdio.h>

#include "judge.h"

void judge_add(struct judge *j, const char *stage, enum verdict v, const char *fmt, ...)
{
	struct finding *f;
	va_list ap;

	if (j->n == JUDGE_MAX) {
		/* Full: the new one may only replace a less severe one. */
		unsigned int i, low = 0;

		for (i = 1; i < j->n; i++)
			if (verdict_severity(j->f[i].v) < verdict_severity(j->f[low].v))
				low = i;
		j->dropped++;
		if (verdict_severity(v) <= verdict_severity(j->f[low].v))
			return;
		f = &j->f[low];
	} else {
		f = &j->f[j->n++];
	}
	f->v = v;
	f->stage = stage;
	va_start(ap, fmt);
	vsnprintf(f->reason, sizeof(f->reason), fmt, ap);
	va_end(ap);
}

const struct finding *judge_top(const struct judge *j)
{
	const struct finding *top = NULL;
	unsigned int i;

	for (i = 0; i < j->n; i++)
		if (!top || verdict_severity(j->f[i].v) > verdict_severity(top->v))
			top = &j->f[i];
	return top;
}

enum verdict judge_verdict(const struct judge *j)
{
	const struct finding *top = judge_top(j);

	return top ? top->v : V_PASS;
}
