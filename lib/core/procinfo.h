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
/* "S (sleeping)" style description of a state letter. */
const char *task_state_name(char state);

#endif
