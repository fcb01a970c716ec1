/* SPDX-License-Identifier: GPL-2.0 */
/*
 * daxstress vm, private to runner/vm*.c: the run context every part of the
 * launcher shares and the functions each part offers the others.
 *
 *	vm.c		cmd_vm(): prepare, run or dry-run, clean up
 *	vm_opts.c	option table, parsing, usage
 *	vm_guest.c	what the guest boots: kernel, initramfs, pmem image; results dir
 *	vm_qemu.c	QEMU command, KVM probe and TCG fallback, the launch loop
 *	vm_events.c	the data channel protocol and the console scan
 *	vm_bundles.c	repro bundles from the guest: base64 tar stream -> results/<ts>/bundles
 *	vm_report.c	report.json, index.html, summary lines, exit code
 *	vm_trace.c	--trace: the probe file, its guest copy, probe status in the report
 *	vm_util.c	messages, clocks, string vectors, quoting, file reads
 *	vm_virtiofs.c	--fs virtiofs: the cached sid QEMU and patched virtiofsd, the
 *			shared directory, the daemon's start, watch and clean-up
 */
#ifndef DS_RUNNER_VM_PRIV_H
#define DS_RUNNER_VM_PRIV_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#include "../lib/core/util.h"

#define VM_MAX_FS		5
#define VM_PMEM_SIZE		"2G"
/* --pmem memmap: 2 GiB of legacy pmem at 4 GiB, out of 6 GiB of guest RAM */
#define VM_MEMMAP		"2G!4G"
#define VM_MEMMAP_RAM		"6G"
#define VM_PMEM_BYTES		(2LL << 30)
/*
 * A second, smaller NVDIMM: the scratch device that evict-umount mounts and
 * unmounts (the first holds the suite's own mount). xfs needs 300 MiB.
 */
#define VM_SCRATCH_SIZE		"1G"
#define VM_SCRATCH_BYTES	(1LL << 30)
#define VM_LINE_MAX		8192
#define VM_DIR_MAX		2048	/* directories; file paths in them: PATH_MAX */

#define VM_EXIT_OK		0
#define VM_EXIT_FAILED		1
#define VM_EXIT_INCOMPLETE	2
#define VM_EXIT_SIGNAL		130

enum vm_accel { VM_ACCEL_AUTO, VM_ACCEL_KVM, VM_ACCEL_TCG };

extern const char *const vm_accel_names[];

struct vm_opts {
	const char *kernel;
	const char *modules;
	const char *fs;
	const char *suite;
	const char *json;
	const char *kcidb;	/* --kcidb FILE: KCIDB v5 JSON of the run */
	const char *results;
	const char *payload;
	const char *initrd;
	const char *append;
	const char *debug;
	const char *shard;	/* K/N, or NULL for the whole suite */
	const char *trace;
	const char *exec;	/* --exec: a program run in place of daxstress run */
	enum vm_accel accel;
	unsigned int timeout;
	unsigned int boot_timeout;
	unsigned int case_timeout;
	unsigned long long virtiofs_window;	/* bytes */
	bool virtio_pmem;
	bool memmap;		/* --pmem memmap: legacy e820 pmem, no NVDIMM */
	bool dry_run;
	bool keep;
};

/* How a launch ended. */
enum vm_end {
	VM_RUNNING,
	VM_END_DONE,
	VM_END_BOOT,
	VM_END_CASE,
	VM_END_TIMEOUT,
	VM_END_PANIC,
	VM_END_EXIT,
	VM_END_SIGNAL,
	VM_END_ERROR,
};

struct trace_file;
struct vm_virtiofs;
struct json_object;

struct strv {
	char **v;
	size_t n;
	size_t cap;
};

/* What the guest init said about one --trace probe. */
struct vm_trace_status {
	char name[64];
	bool ok;
	char note[192];
};

/*
 * A line reader. A line longer than the buffer is handed out in pieces:
 * every piece but the last has VM_LINE_PARTIAL, every one but the first
 * VM_LINE_CONT (a report's JSON can hold a long kernel trace string).
 */
#define VM_LINE_PARTIAL		(1u << 0)
#define VM_LINE_CONT		(1u << 1)

struct vm_lines {
	char buf[VM_LINE_MAX];
	size_t len;
	bool cont;	/* the next piece continues a long line */
};

struct vm_fs {
	char name[16];
	double t_begin;
	double t_ready;
	double t_run;
	double t_run_end;
	double t_end;
	int rc;
	bool ended;
	bool ran;
	char mount_opts[256];
	char *json;
	size_t json_len;
};

/* One QEMU launch. */
struct vm_attempt {
	enum vm_accel accel;
	struct strv argv;
	pid_t pid;
	int qemu_status;
	bool exited;
	int data_fd;
	int con_fd;
	struct vm_lines data;
	struct vm_lines con;
	uint64_t t0;
	uint64_t t_init;
	uint64_t t_last;
	uint64_t t_panic;
	uint64_t t_done;
	uint64_t t_end;
	double g_init;
	double g_modules;
	double g_fsdax;
	double g_setup;
	bool init;
	bool done;
	int done_status;
	bool in_ktap;
	bool in_json;
	FILE *bundles;		/* the base64 bundle stream being received, decoded */
	char bundles_fs[16];
	struct vm_fs fs[VM_MAX_FS];
	int nfs;
	struct vm_fs *cur;
	enum vm_end end;
	char reason[512];
	char fsdax[128];
	char target[128];
	struct vm_trace_status tstat[16];
	int ntstat;
};

struct vm_ctx {
	const struct vm_opts *o;
	char exedir[VM_DIR_MAX - 64];
	char vmdir[VM_DIR_MAX];
	char payload[PATH_MAX];
	char cache[VM_DIR_MAX];
	char kdir[VM_DIR_MAX];
	char release[128];
	char base_initrd[PATH_MAX];
	char tmpdir[VM_DIR_MAX];
	char initrd[PATH_MAX];
	char rundir[VM_DIR_MAX];
	char pmem[PATH_MAX];
	char scratch[PATH_MAX];	/* "" with virtio-pmem */
	char qemu_log[PATH_MAX];
	int pmem_fd;
	char fs[VM_MAX_FS][16];
	int nfs;
	FILE *ktap;
	struct trace_file *trace;	/* --trace, parsed */
	struct vm_virtiofs *vfs;	/* --fs virtiofs: the daemon and its directory */
	struct vm_attempt a;
};

/* vm_util.c */
void vm_msg(const char *fmt, ...) __printf(1, 2);
uint64_t vm_now(void);
double vm_secs(uint64_t from, uint64_t to);
int strv_addf(struct strv *s, const char *fmt, ...) __printf(2, 3);
void strv_free(struct strv *s);
void strv_print(FILE *f, const struct strv *s);
void vm_sh_quote(FILE *f, const char *s);
int vm_read_all(int fd, char *buf, size_t size);
char *vm_slurp(const char *path, size_t *len);

/* vm_opts.c */
void vm_usage(FILE *f);
int vm_parse_opts(struct vm_opts *o, int argc, char **argv);
int vm_split_fs(struct vm_ctx *c);
bool vm_wants_fs(const struct vm_ctx *c, const char *fs);

/* vm_guest.c */
int vm_find_exedir(struct vm_ctx *c);
int vm_find_vmdir(struct vm_ctx *c);
void vm_find_payload(struct vm_ctx *c);
void vm_cache_dir(struct vm_ctx *c);
int vm_run_capture(char *const argv[], char *out, size_t size);
int vm_resolve_kernel(struct vm_ctx *c);
int vm_build_initrd(struct vm_ctx *c);
int vm_make_initrd(struct vm_ctx *c);
int vm_open_pmem(struct vm_ctx *c, bool lock);
int vm_make_rundir(struct vm_ctx *c);
void vm_rundir_path(const struct vm_ctx *c, const char *name, char *buf, size_t size);

/* vm_qemu.c */
int vm_qemu_argv(const struct vm_ctx *c, enum vm_accel accel, struct strv *a);
enum vm_accel vm_first_accel(const struct vm_ctx *c, bool quiet);
void vm_signals(bool install);
void vm_attempt_reset(struct vm_ctx *c, enum vm_accel accel);
int vm_launch(struct vm_ctx *c);

/* vm_events.c */
int vm_fs_index(const struct vm_attempt *a, const char *name);
void vm_drain(struct vm_ctx *c);

/* vm_bundles.c */
void vm_bundles_begin(struct vm_ctx *c, const char *fs);
void vm_bundles_line(struct vm_ctx *c, const char *line);
void vm_bundles_end(struct vm_ctx *c);
/* Host path of a bundle the guest wrote at guest_path; buf empty if none. */
void vm_bundle_host_path(const struct vm_ctx *c, const char *guest_path, char *buf, size_t size);
/* vm_trace.c */
int vm_load_trace(struct vm_ctx *c);
int vm_trace_guest_file(const struct vm_ctx *c, char **data, size_t *len);
void vm_trace_event(struct vm_ctx *c, const char *args);
void vm_trace_report(const struct vm_ctx *c, struct json_object *r);
void vm_trace_free(struct vm_ctx *c);

/* vm_virtiofs.c */
#define VM_VIRTIOFS_WINDOW_DEFAULT	(256ULL << 20)
#define VM_VIRTIOFS_TAG			"daxstress"
void vm_virtiofs_modules(void);
int vm_parse_window(const char *arg, unsigned long long *out);
int vm_virtiofs_check_fs(const struct vm_ctx *c);
bool vm_virtiofs(const struct vm_ctx *c);
int vm_virtiofs_prepare(struct vm_ctx *c);
const char *vm_virtiofs_skip(const struct vm_ctx *c);
int vm_virtiofs_start(struct vm_ctx *c);
bool vm_virtiofs_died(struct vm_ctx *c, char *why, size_t size);
void vm_virtiofs_stop(struct vm_ctx *c);
void vm_virtiofs_free(struct vm_ctx *c);
int vm_virtiofs_qemu_argv(const struct vm_ctx *c, struct strv *a);
void vm_virtiofs_report(const struct vm_ctx *c, struct json_object *r);

/* vm_report.c */
int vm_exit_code(const struct vm_ctx *c);
int vm_write_report(const struct vm_ctx *c, int code);
void vm_print_tail(const struct vm_ctx *c, const char *name, int lines);
void vm_summary(const struct vm_ctx *c, int code);

#endif
