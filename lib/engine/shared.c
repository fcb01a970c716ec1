// SPDX-License-Identifier: GPL-2.0
#include <stdarg.h>
#include <stdio.h>

#include "shared.h"

void shared_note(struct wl_shared *sh, const char *fmt, ...)
{
	int expected = 0;
	va_list ap;

	if (!atomic_compare_exchange_strong(&sh->noted, &expected, 1))
		return;
	va_start(ap, fmt);
	vsnprintf(sh->note, sizeof(sh->note), fmt, ap);
	va_end(ap);
}

void shared_error(struct wl_shared *sh, const char *fmt, ...)
{
	int expected = 0;
	va_list ap;

	if (!atomic_compare_exchange_strong(&sh->error, &expected, -1))
		return;
	va_start(ap, fmt);
	vsnprintf(sh->errmsg, sizeof(sh->errmsg), fmt, ap);
	va_end(ap);
	atomic_store(&sh->error, 1);
}
