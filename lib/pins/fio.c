// SPDX-License-Identifier: GPL-2.0
/*
 * fio: a real fio job as the pinner. fio does O_DIRECT I/O between the
 * target and buffers that are a shared mapping of the DAX case file
 * (--iomem=mmapshared), so its in-flight requests hold the DAX pages. One
 * pin operation is one fio status report (--status-interval=1, JSON) that
 * shows more bytes moved: a fio that stops moving data stalls this thread
 * like any other pinner. Proof step 1 stops fio (SIGSTOP), which ends its
 * pins and keeps its own mapping; step 2 kills it. A job that fio refuses
 * to start because the kernel refuses a long-term pin (fixedbufs) is
 * reported as such, not as a crash.
 */
#include <errno.h>
#include <fcntl.h>
#include <json.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../core/child.h"
#include "../core/paths.h"
#include "pin.h"

/* The fio pin source's own options (its table at the end of this file). */
struct fio_opts {
	char job[64];		/* fio-job: configs/fio/NAME.fio, or a path */
};

static const struct fio_opts fio_defaults = { .job = "libaio" };

static const char *fio_job(const struct pin_env *env)
{
	const struct fio_opts *fo = pin_opts(env);

	return fo->job;
}

struct fio_run {
	pid_t pid;
	int out;		/* fio's stdout: one JSON object per second */
	char err[64];		/* fio's stderr, kept in a temp file */
	char msg[256];		/* fio's first "fio: ..." line: its own error report */
	struct json_tokener *tok;
	uint64_t bytes;		/* io_bytes in the last status */
};

static int job_path(const char *job, char *buf, size_t len)
{
	char file[256];

	if (strchr(job, '/')) {
		strscpy_trunc(buf, job, len);
		return access(buf, R_OK) ? -errno : 0;
	}
	snprintf(file, sizeof(file), "fio/%s.fio", job);
	return path_config(file, buf, len);
}

static void exec_fio(struct pin_env *env, const char *job, int out, int err)
{
	char filename[PATH_MAX + 16], iomem[PATH_MAX + 32];

	/* Its own process group, so one kill ends fio and anything it forked. */
	setpgid(0, 0);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	dup2(out, STDOUT_FILENO);
	dup2(err, STDERR_FILENO);
	snprintf(filename, sizeof(filename), "--filename=%s", env->o->target[0] ?
		 env->o->target : "/dev/nullb0");
	snprintf(iomem, sizeof(iomem), "--iomem=mmapshared:%s", env->path);
	execlp("fio", "fio", "--output-format=json", "--status-interval=1", "--thread",
	       filename, iomem, job, (char *)NULL);
	_exit(127);
}

static int fio_start(struct pin_env *env, struct fio_run *f)
{
	char job[PATH_MAX];
	int p[2], e;

	if (job_path(fio_job(env), job, sizeof(job))) {
		shared_error(env->sh, "fio job '%s' not found (configs/fio/NAME.fio or a path)",
			     fio_job(env));
		return -ENOENT;
	}
	snprintf(f->err, sizeof(f->err), "/tmp/daxstress-fio-%d.err", getpid());
	e = open(f->err, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (e < 0 || pipe2(p, O_CLOEXEC))
		return -errno;
	f->pid = fork();
	if (!f->pid)
		exec_fio(env, job, p[1], e);
	close(p[1]);
	close(e);
	f->out = p[0];
	f->tok = json_tokener_new();
	return f->pid < 0 ? -errno : 0;
}

static uint64_t io_bytes(struct json_object *status)
{
	struct json_object *jobs, *job, *dir, *v;
	static const char *const dirs[] = { "read", "write" };
	uint64_t sum = 0;
	size_t i, d;

	if (!json_object_object_get_ex(status, "jobs", &jobs))
		return 0;
	for (i = 0; i < json_object_array_length(jobs); i++) {
		job = json_object_array_get_idx(jobs, i);
		for (d = 0; d < ARRAY_SIZE(dirs); d++)
			if (json_object_object_get_ex(job, dirs[d], &dir) &&
			    json_object_object_get_ex(dir, "io_bytes", &v))
				sum += (uint64_t)json_object_get_int64(v);
	}
	return sum;
}

/* fio reports its errors as "fio: ..." lines among the JSON: keep the first. */
static void keep_message(struct fio_run *f, const char *buf, size_t len)
{
	const char *m = memmem(buf, len, "fio: ", 5);
	size_t n;

	if (!m || f->msg[0])
		return;
	n = strcspn(m, "\n");
	if (n > (size_t)(buf + len - m))
		n = (size_t)(buf + len - m);
	if (n >= sizeof(f->msg))
		n = sizeof(f->msg) - 1;
	memcpy(f->msg, m, n);
	f->msg[n] = '\0';
}

/* Feed fio's output to the tokenizer; 1 when a status showed new bytes. */
static int feed(struct fio_run *f, const char *buf, size_t len)
{
	int progressed = 0;

	keep_message(f, buf, len);
	while (len) {
		struct json_object *o = json_tokener_parse_ex(f->tok, buf, (int)len);
		size_t used = json_tokener_get_parse_end(f->tok);

		if (json_tokener_get_error(f->tok) == json_tokener_continue)
			break;
		if (o) {
			uint64_t b = io_bytes(o);

			progressed |= b > f->bytes;
			f->bytes = b > f->bytes ? b : f->bytes;
			json_object_put(o);
		}
		json_tokener_reset(f->tok);
		if (!used)
			used = 1;	/* skip a byte fio printed outside JSON */
		buf += used;
		len -= used;
	}
	return progressed;
}

static void fio_stop(struct fio_run *f)
{
	if (f->pid > 0) {
		kill(-f->pid, SIGKILL);
		child_kill_reap(f->pid, 10000, NULL);
	}
	f->pid = 0;
}

/*
 * Proof step 1 releases the pins but keeps every mapping. fio maps the
 * file too (its buffers), so it is stopped, not killed: its requests in
 * flight complete and unpin, its mapping stays until step 2 kills it.
 */
static void fio_park(struct fio_run *f)
{
	if (f->pid > 0)
		kill(-f->pid, SIGSTOP);
}

/* fio ended by itself: a refused long-term pin is an answer, anything else an error. */
static int fio_ended(struct pin_env *env, struct pin_thread *t, struct fio_run *f)
{
	char msg[512] = "";
	int status = 0;

	child_reap(f->pid, 10000, &status);
	f->pid = 0;
	if (f->msg[0])
		strscpy_trunc(msg, f->msg, sizeof(msg));
	else
		read_text_file(f->err, msg, sizeof(msg));
	msg[strcspn(msg, "\n")] = '\0';
	if (strstr(msg, "Operation not supported") || strstr(msg, "Bad address")) {
		shared_note(env->sh, "fio %s: the kernel refused its buffers (%s)",
			    fio_job(env), msg);
		hb_set_state(t->hb, HB_IDLE);
		while (!atomic_load(&env->sh->stop) && !atomic_load(&env->sh->pin_park))
			sleep_ms(20);
		return 0;
	}
	shared_error(env->sh, "fio %s exited (status %d): %s", fio_job(env), status,
		     msg[0] ? msg : "no message");
	return -EIO;
}

static int fio_pin(struct pin_env *env, void *priv, struct pin_thread *t)
{
	struct fio_run *f = t->local;
	char buf[8192];

	for (;;) {
		struct pollfd p = { .fd = f->out, .events = POLLIN };
		ssize_t n;

		if (atomic_load(&env->sh->stop)) {
			fio_stop(f);
			return 0;
		}
		if (atomic_load(&env->sh->pin_park)) {
			fio_park(f);
			return 0;
		}
		if (poll(&p, 1, 200) <= 0)
			continue;
		n = read(f->out, buf, sizeof(buf));
		if (n <= 0)
			return fio_ended(env, t, f);
		if (feed(f, buf, (size_t)n))
			return 0;
	}
}

static int fio_thread_init(struct pin_env *env, void *priv, struct pin_thread *t)
{
	struct fio_run *f;

	if (t->idx)
		return 0;	/* one fio; other threads just park */
	f = calloc(1, sizeof(*f));
	if (!f)
		return -ENOMEM;
	t->local = f;
	return fio_start(env, f);
}

static int fio_or_park(struct pin_env *env, void *priv, struct pin_thread *t)
{
	if (t->local)
		return fio_pin(env, priv, t);
	hb_set_state(t->hb, HB_IDLE);
	while (!atomic_load(&env->sh->stop) && !atomic_load(&env->sh->pin_park))
		sleep_ms(20);
	return 0;
}

static void fio_thread_exit(struct pin_env *env, void *priv, struct pin_thread *t)
{
	struct fio_run *f = t->local;

	if (!f)
		return;
	fio_stop(f);
	if (f->tok)
		json_tokener_free(f->tok);
	unlink(f->err);
	free(f);
}

/* A fio case is known by its job too: fio:libaio, fio:io_uring_fixed ... */
static void fio_label(const struct case_opts *o, char *buf, size_t len)
{
	const struct fio_opts *fo = (const void *)o->pin_opts;

	snprintf(buf, len, "fio:%s", fo->job);
}

static const struct opt_desc fio_opt_table[] = {
	{ .name = "fio-job", .type = OPT_STR, .offset = offsetof(struct fio_opts, job),
	  .len = sizeof(((struct fio_opts *)0)->job),
	  .help = "the fio job: configs/fio/NAME.fio, or a path (default libaio)" },
	{ .name = NULL }
};

static const struct pin_ops pin_fio_ops = {
	.name = "fio",
	.help = "a fio job (fio-job = configs/fio/NAME.fio) with its buffers in the DAX file",
	.flags = PIN_F_TARGET | PIN_F_WHOLE,
	.thread_init = fio_thread_init,
	.pin = fio_or_park,
	.thread_exit = fio_thread_exit,
	.opts = PLUGIN_OPTS(fio_opt_table, fio_defaults),
	.label = fio_label,
};

PIN_SOURCE(pin_fio_ops);
