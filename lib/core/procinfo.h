/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the kernel says about one thread: scheduler state, wchan, kernel
 * stack and current syscall, from /proc/PID/task/TID. The stack needs
 * CAP_SYS_ADMIN; without it the snapshot says so instead of guessing.
 */
#ifndef DS_PROCINFO_H
#define DS_PROCINFO_H

#include <stdbool.h>
#include <sys/types.h>

struct task_snap {
	pid_t pid;
	pid_t tid;
	bool alive;
	char state;		/* R, S, D, T, Z ... or '?' */
	char comm[32];
	char label[24];		/* the suite's name for the thread */
	char wchan[64];
	char syscall[128];
	char stack[2048];
};

int task_snap_read(pid_t pid, pid_t tid, struct task_snap *snap);

/*
 * The cheap part, for a look at every monitor tick: the state, wchan and
 * the voluntary context switches, which stay the same for as long as the
 * thread sleeps, and change only once it has woken and slept again.
 */
struct task_wait {
	char state;
	unsigned long long nvcsw;
	char wchan[64];
};

int task_wait_read(pid_t pid, pid_t tid, struct task_wait *tw);
/* Asleep (S or D) in the same place, with no wakeup between a and b. */
bool task_wait_same_sleep(const struct task_wait *a, const struct task_wait *b);
/* "S (sleeping)" style description of a state letter. */
const char *task_state_name(char state);

#endif
