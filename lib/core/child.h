/* SPDX-License-Identifier: GPL-2.0 */
/* Waiting for child processes with deadlines: a child stuck in D state must never stall us. */
#ifndef DS_CHILD_H
#define DS_CHILD_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

/* Reap pid within timeout_ms. 0 and *status when reaped; -ETIMEDOUT if not. */
int child_reap(pid_t pid, unsigned int timeout_ms, int *status);
/* SIGKILL, then reap within timeout_ms. 0 when gone. */
int child_kill_reap(pid_t pid, unsigned int timeout_ms, int *status);
/* "exit status 1", "killed by signal 7 (Bus error)". */
void child_describe(int status, char *buf, size_t len);
/* Did the child end normally with status 0? */
bool child_ok(int status);

#endif
