// SPDX-License-Identifier: GPL-2.0
/*
 * peer503: the baseline daxstress measures itself against, in the style of
 * fstests generic/503 (t_mmap_collision): one thread O_DIRECT-reads from a
 * non-DAX target into a small MAP_SHARED DAX mapping, one thread punches,
 * zeroes, truncates and collapses the DAX file in turn. No mapping owner,
 * no pin pool, no monitor ladder: only what the peer does, so the kernel
 * counts of both (daxstress vm --trace) can be compared on the same VM.
 *
 * Unlike the shipped generic/503, the target holds written data (null_blk,
 * or a file target_open() fills): O_DIRECT reads of unwritten extents
 * zero-fill the buffer without a bio, and then nothing is ever pinned.
 *
 * A breaker with no progress for --stall-timeout ends the case as `hang`
 * (the peer has no proof ladder); it is then poked with an SA_RESTART
 * signal so the case can end and the next one run.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/falloc.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <json.h>

#include "../lib/config/caseopt.h"
#include "../lib/probe/dax_probe.h"
#include "../lib/verdict/judge.h"
#include "../lib/report/ktap.h"
#include "../lib/report/result.h"
#include "../lib/engine/target.h"
#include "../lib/core/util.h"
#include "../lib/engine/workload.h"

#define PEER_BLOCK	4096

enum peer_op { OP_PUNCH, OP_ZERO, OP_TRUNCATE, OP_COLLAPSE, OP__COUNT };

static const char *const op_names[OP__COUNT] = { "punch", "zero", "truncate", "collapse" };

struct peer {
	struct case_opts o;
	struct target tgt;
	struct case_result res;
	struct judge judge;
	char path[PATH_MAX];
	int fd;
	char *map;
	atomic_bool stop;
	/* shared by the reader, the breaker and the monitor loop */
	_Atomic uint64_t reads, read_err, breaks, last_break_ns;
	uint64_t op_count[OP__COUNT];
	uint64_t op_err[OP__COUNT];
	pthread_t breaker;
};

static void on_poke(int sig)
{
	(void)sig;
}

/* The reader: O_DIRECT reads land in the DAX mapping, whose pages the bio pins. */
static void *reader(void *arg)
{
	struct peer *p = arg;
	uint64_t chunks = p->o.size / p->o.pin_size, i = 0;
	ssize_t n;

	while (!atomic_load(&p->stop)) {
		n = pread(p->tgt.fd, p->map + (i++ % chunks) * p->o.pin_size,
			  p->o.pin_size, 0);
		if (n < 0)	/* EFAULT while the range is truncated away */
			atomic_fetch_add(&p->read_err, 1);
		atomic_fetch_add(&p->reads, 1);
	}
	return NULL;
}

/* Put the file back to its full size with every block allocated. */
static int refill(struct peer *p)
{
	if (ftruncate(p->fd, (off_t)p->o.size))
		return -errno;
	return fallocate(p->fd, 0, 0, (off_t)p->o.size) ? -errno : 0;
}

static int break_once(struct peer *p, enum peer_op op, uint64_t off)
{
	int ret = 0;

	switch (op) {
	case OP_PUNCH:
		ret = fallocate(p->fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
				(off_t)off, PEER_BLOCK);
		break;
	case OP_ZERO:
		ret = fallocate(p->fd, FALLOC_FL_ZERO_RANGE, (off_t)off, PEER_BLOCK);
		break;
	case OP_TRUNCATE:
		ret = ftruncate(p->fd, (off_t)off);
		break;
	case OP_COLLAPSE:
		ret = fallocate(p->fd, FALLOC_FL_COLLAPSE_RANGE, (off_t)off, PEER_BLOCK);
		break;
	default:
		break;
	}
	if (ret)
		return -errno;
	return refill(p);
}

static void *breaker(void *arg)
{
	struct peer *p = arg;
	struct rng r;
	uint64_t blocks = p->o.size / PEER_BLOCK;
	enum peer_op op = OP_PUNCH;

	rng_seed(&r, p->o.seed, 2);
	while (!atomic_load(&p->stop)) {
		/* collapse needs a range that ends before EOF */
		uint64_t off = rng_below(&r, blocks - 1) * PEER_BLOCK;

		p->op_count[op]++;
		if (break_once(p, op, off))
			p->op_err[op]++;
		atomic_fetch_add(&p->breaks, 1);
		atomic_store(&p->last_break_ns, now_ns());
		op = (op + 1) % OP__COUNT;
	}
	return NULL;
}

/* Like every workload: a file that is not DAX is a skip that says why. */
static int check_dax(struct peer *p)
{
	struct dax_info d;

	if (dax_probe_fd(p->fd, p->path, &d)) {
		judge_add(&p->judge, "setup", V_ERROR, "%s", d.why);
		return -1;
	}
	strscpy_trunc(p->res.fs, d.fstype, sizeof(p->res.fs));
	p->res.dax = d.file_dax;
	if (d.file_dax || p->o.allow_nodax)
		return 0;
	judge_add(&p->judge, "setup", V_SKIP, "%s", d.why);
	return -1;
}

/* 0 ready, 1 a skip (verdict set), -1 an error (in err). */
static int setup(struct peer *p, char *err, size_t len)
{
	int ret;

	snprintf(p->path, sizeof(p->path), "%s/peer503-%d.dat", p->o.dir, getpid());
	p->fd = open(p->path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (p->fd < 0) {
		snprintf(err, len, "cannot create %s: %s", p->path, strerror(errno));
		return -1;
	}
	if (check_dax(p))
		return 1;
	if (refill(p)) {
		snprintf(err, len, "cannot allocate %s: %s", p->path, strerror(errno));
		return -1;
	}
	p->map = mmap(NULL, p->o.size, PROT_READ | PROT_WRITE, MAP_SHARED, p->fd, 0);
	if (p->map == MAP_FAILED) {
		p->map = NULL;
		snprintf(err, len, "mmap %s: %s", p->path, strerror(errno));
		return -1;
	}
	ret = target_open(&p->tgt, p->o.target, p->o.pin_size, err, len);
	if (ret == -ENOENT) {	/* no null_blk and no --target: nothing to read from */
		judge_add(&p->judge, "setup", V_SKIP, "%s", err);
		return 1;
	}
	return ret ? -1 : 0;
}

/* Run the two threads for --duration; a breaker without progress is a hang. */
static void race(struct peer *p)
{
	uint64_t start = now_ns(), end = start + p->o.duration_ms * NSEC_PER_MSEC;
	uint64_t stall = p->o.stall_ms * NSEC_PER_MSEC;
	pthread_t rd;

	atomic_store(&p->last_break_ns, start);
	pthread_create(&rd, NULL, reader, p);
	pthread_create(&p->breaker, NULL, breaker, p);
	while (now_ns() < end) {
		uint64_t last;

		sleep_ms(50);
		/* read the breaker's time first: now is then never older */
		last = atomic_load(&p->last_break_ns);
		if (now_ns() - last < stall)
			continue;
		judge_add(&p->judge, "monitor", V_HANG,
			  "the breaker made no progress for %.1f s, %.1f s into the case (baseline: no proof ladder)",
			  ns_to_s(stall), ns_to_s(now_ns() - start));
		break;
	}
	atomic_store(&p->stop, true);
	pthread_join(rd, NULL);
	while (pthread_tryjoin_np(p->breaker, NULL) == EBUSY) {
		pthread_kill(p->breaker, SIGUSR2);	/* SA_RESTART: a stuck wait re-checks */
		sleep_ms(100);
	}
	p->res.duration_s = ns_to_s(now_ns() - start);
}

static void report(struct peer *p, struct ktap *k)
{
	const struct finding *top;
	struct json_object *j, *ops;
	int i;

	p->res.counters.pin_ops = atomic_load(&p->reads);
	p->res.counters.pin_efault = atomic_load(&p->read_err);
	p->res.counters.break_ops = atomic_load(&p->breaks);
	ktap_diag(k, "peer503: %llu O_DIRECT reads of %llu bytes (%llu failed), %llu breaks in %.1f s",
		  (unsigned long long)p->res.counters.pin_ops,
		  (unsigned long long)p->o.pin_size,
		  (unsigned long long)p->res.counters.pin_efault,
		  (unsigned long long)p->res.counters.break_ops, p->res.duration_s);
	top = judge_top(&p->judge);
	p->res.verdict = top ? top->v : V_PASS;
	strscpy_trunc(p->res.reason, top ? top->reason : "", sizeof(p->res.reason));
	p->res.judge = &p->judge;
	ktap_result(k, p->res.verdict, p->o.name, p->res.reason);
	if (!p->o.result[0])
		return;
	j = case_result_json(&p->res);
	ops = json_object_new_object();
	for (i = 0; i < OP__COUNT; i++)
		json_object_object_add(ops, op_names[i], json_object_new_int64((int64_t)p->op_count[i]));
	json_object_object_add(j, "break_mix", ops);
	json_write_file(j, p->o.result);
	json_object_put(j);
}

static void fill_result(struct peer *p)
{
	strscpy_trunc(p->res.name, p->o.name, sizeof(p->res.name));
	strscpy_trunc(p->res.workload, "peer503", sizeof(p->res.workload));
	strscpy_trunc(p->res.pin, "odirect", sizeof(p->res.pin));
	strscpy_trunc(p->res.brk, "mix", sizeof(p->res.brk));
	strscpy_trunc(p->res.dir, p->o.dir, sizeof(p->res.dir));
	p->res.seed = p->o.seed;
	p->res.align = 4096;
	p->res.pmd_kb = -1;
}

static void peer_defaults(struct case_opts *o)
{
	o->size = 4ULL << 20;
	o->pin_size = 16384;
	o->duration_ms = 30000;
}

static int peer_run(struct case_opts *o)
{
	static struct peer p;
	struct sigaction sa = { .sa_handler = on_poke, .sa_flags = SA_RESTART };
	char err[512] = "";
	struct ktap k;
	int ret;

	p.o = *o;
	if (!p.o.seed)
		p.o.seed = now_ns() | 1;
	if (!p.o.name[0])
		snprintf(p.o.name, sizeof(p.o.name), "peer503");
	sigaction(SIGUSR2, &sa, NULL);
	setvbuf(stdout, NULL, _IOLBF, 0);
	ktap_init(&k, stdout);
	ktap_header(&k);
	ktap_plan(&k, 1);
	fill_result(&p);
	p.fd = -1;
	p.tgt.fd = -1;
	ret = setup(&p, err, sizeof(err));
	if (ret < 0)
		judge_add(&p.judge, "setup", V_ERROR, "%s", err);
	if (ret)
		goto out;
	race(&p);
	if (judge_verdict(&p.judge) == V_PASS)
		judge_add(&p.judge, "monitor", V_PASS, "no stall in %.1f s", p.res.duration_s);
out:
	if (p.map)
		munmap(p.map, p.o.size);
	if (p.fd >= 0) {
		close(p.fd);
		unlink(p.path);
	}
	target_close(&p.tgt);
	report(&p, &k);
	ktap_totals(&k);
	return ktap_exit_code(&k);
}

static const struct wl_desc peer503 = {
	.name = "peer503",
	.summary = "generic/503-style baseline: O_DIRECT reads into a small DAX mapping vs punch/zero/truncate/collapse.",
	.defaults = peer_defaults,
	.run = peer_run,
};

WORKLOAD(peer503);
