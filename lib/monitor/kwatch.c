// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel threads asleep in a DAX break-layouts wait (see kwatch.h).
 *
 * /proc/PID/stat field 9 holds the task flags; PF_KTHREAD (0x00200000)
 * marks a kernel thread. The wait is recognised by its wchan or kernel
 * stack (sigmatch.c). A thread that shows the wait in every sample and
 * did not switch once in between (voluntary + involuntary switches from
 * /proc/PID/status) was never woken: with the case's pinners and mappings
 * gone, nothing can wake it but the missing wakeup.
 */
#include <ctype.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kwatch.h"
#include "sigmatch.h"
#include "../core/util.h"

#define PF_KTHREAD_FLAG		0x00200000UL

/* comm, state and flags from a /proc/PID/stat line; comm may hold spaces and ')' */
static int parse_stat(const char *stat, char *comm, size_t csize, char *state,
		      unsigned long *flags)
{
	const char *open = strchr(stat, '('), *close = strrchr(stat, ')');
	unsigned long f;
	char *end;
	size_t n;
	int i;

	if (!open || !close || close < open || close[1] != ' ')
		return -1;
	n = close - open - 1;
	if (n >= csize)
		n = csize - 1;
	memcpy(comm, open + 1, n);
	comm[n] = '\0';
	*state = close[2];
	/* after the state: ppid pgrp session tty_nr tpgid flags */
	stat = close + 3;
	for (i = 0; i < 6 && stat; i++) {
		stat = strchr(stat, ' ');
		if (stat)
			stat++;
	}
	if (!stat)
		return -1;
	f = strtoul(stat, &end, 10);
	if (end == stat)
		return -1;
	*flags = f;
	return 0;
}

static unsigned long long switches(const char *proc, pid_t pid)
{
	char path[96], buf[4096], *p;
	unsigned long long total = 0, v;

	snprintf(path, sizeof(path), "%s/%d/status", proc, (int)pid);
	if (read_text_file(path, buf, sizeof(buf)) < 0)
		return 0;
	for (p = buf; (p = strstr(p, "ctxt_switches:")); p++)
		if (sscanf(p + strlen("ctxt_switches:"), "%llu", &v) == 1)
			total += v;
	return total;
}

/* Is PID a sleeping kernel thread in a break-layouts wait? Fills h. */
static bool check_pid(const char *proc, pid_t pid, struct kwatch_hit *h)
{
	char path[96], stat[1024], wchan[128] = "", stack[4096] = "";
	unsigned long flags;

	snprintf(path, sizeof(path), "%s/%d/stat", proc, (int)pid);
	if (read_text_file(path, stat, sizeof(stat)) < 0 ||
	    parse_stat(stat, h->comm, sizeof(h->comm), &h->state, &flags))
		return false;
	if (!(flags & PF_KTHREAD_FLAG) || (h->state != 'S' && h->state != 'D'))
		return false;
	snprintf(path, sizeof(path), "%s/%d/wchan", proc, (int)pid);
	read_text_file(path, wchan, sizeof(wchan));
	snprintf(path, sizeof(path), "%s/%d/stack", proc, (int)pid);
	read_text_file(path, stack, sizeof(stack));
	if (!sig_match(stack, wchan, h->where, sizeof(h->where)))
		return false;
	h->pid = pid;
	h->switches = switches(proc, pid);
	return true;
}

int kwatch_scan(const char *proc, struct kwatch_hit *hits, int max)
{
	struct dirent *de;
	DIR *d = opendir(proc);
	int n = 0;

	if (!d)
		return 0;
	while (n < max && (de = readdir(d))) {
		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		if (check_pid(proc, atoi(de->d_name), &hits[n]))
			n++;
	}
	closedir(d);
	return n;
}

bool kwatch_stuck(const char *proc, int samples, int interval_ms, struct kwatch_hit *out)
{
	struct kwatch_hit first[8], now;
	int n, i, s;
	bool still[8];

	n = kwatch_scan(proc, first, 8);
	for (i = 0; i < n; i++)
		still[i] = true;
	for (s = 1; s < samples && n; s++) {
		sleep_ms(interval_ms);
		for (i = 0; i < n; i++)
			still[i] = still[i] && check_pid(proc, first[i].pid, &now) &&
				   now.switches == first[i].switches;
	}
	for (i = 0; i < n; i++) {
		if (still[i]) {
			*out = first[i];
			return true;
		}
	}
	return false;
}

void kwatch_describe(const struct kwatch_hit *h, char *buf, size_t size)
{
	snprintf(buf, size,
		 "kernel thread %s (pid %d) asleep (%c) in %s with no context switch, after every pinner and mapping of the case was gone (ladder steps 1 and 2 done); a kernel thread takes no signal, so step 3 could not tell a missed wakeup from a hang",
		 h->comm, (int)h->pid, h->state, h->where);
}
