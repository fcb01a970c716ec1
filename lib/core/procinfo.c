// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "procinfo.h"
#include "util.h"

const char *task_state_name(char state)
{
	switch (state) {
	case 'R':
		return "R (running)";
	case 'S':
		return "S (interruptible sleep)";
	case 'D':
		return "D (uninterruptible sleep)";
	case 'T':
		return "T (stopped)";
	case 'Z':
		return "Z (zombie)";
	case 'X':
		return "X (dead)";
	default:
		return "? (unknown)";
	}
}

static void read_field(pid_t pid, pid_t tid, const char *name, char *buf,
		       size_t size)
{
	char path[96];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/%s", pid, tid, name);
	n = read_text_file(path, buf, size);
	if (n < 0)
		snprintf(buf, size, "(unreadable: %s)", strerror((int)-n));
	else
		while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
			buf[--n] = '\0';
}

/* comm may hold spaces and ')' so the state follows the last ')'. */
static int parse_stat(const char *stat, struct task_snap *snap)
{
	const char *open = strchr(stat, '('), *close = strrchr(stat, ')');
	size_t len;

	if (!open || !close || close < open || close[1] != ' ' || !close[2])
		return -EINVAL;
	len = (size_t)(close - open - 1);
	if (len >= sizeof(snap->comm))
		len = sizeof(snap->comm) - 1;
	memcpy(snap->comm, open + 1, len);
	snap->comm[len] = '\0';
	snap->state = close[2];
	return 0;
}

int task_snap_read(pid_t pid, pid_t tid, struct task_snap *snap)
{
	char path[96], stat[1024];
	ssize_t n;

	memset(snap, 0, sizeof(*snap));
	snap->pid = pid;
	snap->tid = tid;
	snap->state = '?';
	snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", pid, tid);
	n = read_text_file(path, stat, sizeof(stat));
	if (n < 0)
		return (int)n;
	if (parse_stat(stat, snap))
		return -EINVAL;
	snap->alive = snap->state != 'Z' && snap->state != 'X';
	read_field(pid, tid, "wchan", snap->wchan, sizeof(snap->wchan));
	read_field(pid, tid, "syscall", snap->syscall, sizeof(snap->syscall));
	read_field(pid, tid, "stack", snap->stack, sizeof(snap->stack));
	return 0;
}

/* "voluntary_ctxt_switches:\tN" in status; 0 when missing. */
static unsigned long long status_nvcsw(pid_t pid, pid_t tid)
{
	char path[96], buf[2048];
	const char *p;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/status", pid, tid);
	if (read_text_file(path, buf, sizeof(buf)) < 0)
		return 0;
	p = strstr(buf, "\nvoluntary_ctxt_switches:");
	return p ? strtoull(p + 26, NULL, 10) : 0;
}

int task_wait_read(pid_t pid, pid_t tid, struct task_wait *tw)
{
	struct task_snap snap;
	char path[96], stat[1024];
	ssize_t n;

	memset(tw, 0, sizeof(*tw));
	tw->state = '?';
	snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", pid, tid);
	n = read_text_file(path, stat, sizeof(stat));
	if (n < 0)
		return (int)n;
	if (parse_stat(stat, &snap))
		return -EINVAL;
	tw->state = snap.state;
	tw->nvcsw = status_nvcsw(pid, tid);
	read_field(pid, tid, "wchan", tw->wchan, sizeof(tw->wchan));
	return 0;
}

bool task_wait_same_sleep(const struct task_wait *a, const struct task_wait *b)
{
	return (b->state == 'S' || b->state == 'D') && a->state == b->state &&
	       a->nvcsw == b->nvcsw && !strcmp(a->wchan, b->wchan);
}
