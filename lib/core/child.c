// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "child.h"
#include "util.h"

int child_reap(pid_t pid, unsigned int timeout_ms, int *status)
{
	uint64_t end = now_ns() + (uint64_t)timeout_ms * NSEC_PER_MSEC;
	int st = 0;

	for (;;) {
		pid_t r = waitpid(pid, &st, WNOHANG);

		if (r == pid || (r < 0 && errno == ECHILD)) {
			if (status)
				*status = r == pid ? st : 0;
			return 0;
		}
		if (now_ns() >= end)
			return -ETIMEDOUT;
		sleep_ms(10);
	}
}

int child_kill_reap(pid_t pid, unsigned int timeout_ms, int *status)
{
	kill(pid, SIGKILL);
	return child_reap(pid, timeout_ms, status);
}

void child_describe(int status, char *buf, size_t len)
{
	if (WIFEXITED(status))
		snprintf(buf, len, "exit status %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(buf, len, "killed by signal %d (%s)", WTERMSIG(status),
			 strsignal(WTERMSIG(status)));
	else
		snprintf(buf, len, "wait status 0x%x", status);
}

bool child_ok(int status)
{
	return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}
