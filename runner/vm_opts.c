// SPDX-License-Identifier: GPL-2.0
/*
 * daxstress vm: the option table (getopt_long and --help both come from it),
 * option parsing with defaults from the environment, and the --fs list.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "report.h"
#include "vm_priv.h"

const char *const vm_accel_names[] = { "auto", "kvm", "tcg" };

enum {
	OPT_KERNEL = 256, OPT_MODULES, OPT_FS, OPT_SUITE, OPT_JSON, OPT_TIMEOUT,
	OPT_BOOT_TIMEOUT, OPT_CASE_TIMEOUT, OPT_VIRTIO_PMEM, OPT_DRY_RUN, OPT_KEEP,
	OPT_ACCEL, OPT_RESULTS, OPT_PAYLOAD, OPT_INITRD, OPT_APPEND, OPT_DEBUG,
	OPT_SHARD, OPT_TRACE, OPT_KCIDB, OPT_EXEC, OPT_HELP, OPT_PMEM, OPT_VIRTIOFS_WINDOW,
};

static const struct vm_optdesc {
	const char *name;
	int has_arg;
	int val;
	const char *arg;
	const char *help;
} vm_optdescs[] = {
	{ "kernel", 1, OPT_KERNEL, "SPEC",
	  "debian:VER[@SUITE] (daxstress kernels --list), default, a bzImage or a build tree (default: default)" },
	{ "modules", 1, OPT_MODULES, "DIR", "modules for a bzImage kernel (lib/modules/<release>)" },
	{ "fs", 1, OPT_FS, "LIST", "filesystems to test, comma separated: ext4, xfs, ext4-inode, xfs-inode (dax=inode), xfs-exchange; or virtiofs alone (a DAX window, dax=always; make virtiofs-prep) (default: ext4,xfs)" },
	{ "suite", 1, OPT_SUITE, "NAME|FILE", "suite to run in the guest (default: smoke)" },
	{ "json", 1, OPT_JSON, "FILE", "also write the merged report here" },
	{ "kcidb", 1, OPT_KCIDB, "FILE", "also write KCIDB v5 JSON of the run here (docs/report-schema.md)" },
	{ "timeout", 1, OPT_TIMEOUT, "S", "whole-run deadline (default: 1800)" },
	{ "boot-timeout", 1, OPT_BOOT_TIMEOUT, "S", "deadline for the guest init's first event (default: 120)" },
	{ "case-timeout", 1, OPT_CASE_TIMEOUT, "S", "longest silence on the data channel once booted (default: 300)" },
	{ "virtio-pmem", 0, OPT_VIRTIO_PMEM, NULL, "use virtio-pmem instead of an emulated NVDIMM" },
	{ "pmem", 1, OPT_PMEM, "nvdimm|virtio|memmap",
	  "where the pmem comes from (default: nvdimm); memmap: no NVDIMM, memmap=" VM_MEMMAP " on the kernel command line (legacy e820 pmem, CONFIG_X86_PMEM_LEGACY)" },
	{ "dry-run", 0, OPT_DRY_RUN, NULL, "resolve kernel and initramfs, print the QEMU command, do not boot" },
	{ "keep", 0, OPT_KEEP, NULL, "keep the per-run temporary directory (initramfs with run settings)" },
	{ "accel", 1, OPT_ACCEL, "auto|kvm|tcg", "accelerator (default: auto, KVM probed, TCG fallback)" },
	{ "results", 1, OPT_RESULTS, "DIR", "results directory (default: results)" },
	{ "payload", 1, OPT_PAYLOAD, "DIR", "installed daxstress tree for the guest (default: $DAXSTRESS_PAYLOAD)" },
	{ "initrd", 1, OPT_INITRD, "FILE", "use this initramfs instead of building one" },
	{ "append", 1, OPT_APPEND, "ARGS", "extra kernel command line" },
	{ "debug", 1, OPT_DEBUG, "panic|hang|shell", "guest init debug action after set-up" },
	{ "shard", 1, OPT_SHARD, "K/N", "run every N-th case of the suite from the K-th (daxstress merge joins reports)" },
	{ "trace", 1, OPT_TRACE, "FILE", "kprobes to register in the guest, counted per case (configs/trace/*.trace)" },
	{ "exec", 1, OPT_EXEC, "PROGRAM", "run PROGRAM DIR TARGET in the guest on each filesystem instead of the suite (a reproducer: its output is shown, its exit code is the filesystem's)" },
	{ "virtiofs-window", 1, OPT_VIRTIOFS_WINDOW, "SIZE", "virtiofs DAX window, 2M..256M (M or K suffix; default: 256M; a small one forces DAX range reclaim)" },
	{ "help", 0, OPT_HELP, NULL, "this help" },
};

#define VM_NOPTS ARRAY_SIZE(vm_optdescs)

void vm_usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: daxstress vm [options]\n");
	for (i = 0; i < VM_NOPTS; i++) {
		const struct vm_optdesc *d = &vm_optdescs[i];
		char left[64];

		snprintf(left, sizeof(left), "--%s%s%s", d->name, d->arg ? " " : "",
			 d->arg ? d->arg : "");
		fprintf(f, "  %-26s %s\n", left, d->help);
	}
	fprintf(f, "exit: 0 completed and passed, 1 completed with failures, 2 did not complete, 130 interrupted\n");
}

static int vm_parse_uint(const char *name, const char *s, unsigned int *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v == 0 || v > 1000000) {
		vm_msg("--%s: expected a number of seconds, got '%s'", name, s);
		return -EINVAL;
	}
	*out = (unsigned int)v;
	return 0;
}

static int vm_parse_accel(const char *s, enum vm_accel *out)
{
	int i;

	for (i = 0; i <= VM_ACCEL_TCG; i++) {
		if (!strcmp(s, vm_accel_names[i])) {
			*out = i;
			return 0;
		}
	}
	vm_msg("--accel: expected auto, kvm or tcg, got '%s'", s);
	return -EINVAL;
}

static int vm_parse_pmem(struct vm_opts *o, const char *arg)
{
	o->virtio_pmem = !strcmp(arg, "virtio");
	o->memmap = !strcmp(arg, "memmap");
	if (o->virtio_pmem || o->memmap || !strcmp(arg, "nvdimm"))
		return 0;
	vm_msg("--pmem: expected nvdimm, virtio or memmap, got '%s'", arg);
	return -EINVAL;
}

static int vm_parse_shard(struct vm_opts *o, const char *arg)
{
	unsigned int k, n;
	char err[160];

	if (shard_parse(arg, &k, &n, err, sizeof(err))) {
		vm_msg("%s", err);
		return -EINVAL;
	}
	o->shard = arg;
	return 0;
}

static int vm_set_opt(struct vm_opts *o, int val, const char *arg)
{
	switch (val) {
	case OPT_KERNEL:
		o->kernel = arg;
		break;
	case OPT_MODULES:
		o->modules = arg;
		break;
	case OPT_FS:
		o->fs = arg;
		break;
	case OPT_SUITE:
		o->suite = arg;
		break;
	case OPT_JSON:
		o->json = arg;
		break;
	case OPT_KCIDB:
		o->kcidb = arg;
		break;
	case OPT_RESULTS:
		o->results = arg;
		break;
	case OPT_PAYLOAD:
		o->payload = arg;
		break;
	case OPT_INITRD:
		o->initrd = arg;
		break;
	case OPT_APPEND:
		o->append = arg;
		break;
	case OPT_DEBUG:
		o->debug = arg;
		break;
	case OPT_SHARD:
		return vm_parse_shard(o, arg);
	case OPT_TRACE:
		o->trace = arg;
		break;
	case OPT_EXEC:
		o->exec = arg;
		break;
	case OPT_VIRTIOFS_WINDOW:
		return vm_parse_window(arg, &o->virtiofs_window);
	case OPT_VIRTIO_PMEM:
		o->virtio_pmem = true;
		break;
	case OPT_PMEM:
		return vm_parse_pmem(o, arg);
	case OPT_DRY_RUN:
		o->dry_run = true;
		break;
	case OPT_KEEP:
		o->keep = true;
		break;
	case OPT_ACCEL:
		return vm_parse_accel(arg, &o->accel);
	case OPT_TIMEOUT:
		return vm_parse_uint("timeout", arg, &o->timeout);
	case OPT_BOOT_TIMEOUT:
		return vm_parse_uint("boot-timeout", arg, &o->boot_timeout);
	case OPT_CASE_TIMEOUT:
		return vm_parse_uint("case-timeout", arg, &o->case_timeout);
	default:
		return -EINVAL;
	}
	return 0;
}

static void vm_opts_defaults(struct vm_opts *o)
{
	const char *accel = getenv("DAXSTRESS_ACCEL");

	memset(o, 0, sizeof(*o));
	o->kernel = "default";
	o->fs = "ext4,xfs";
	o->suite = "smoke";
	o->results = "results";
	o->payload = getenv("DAXSTRESS_PAYLOAD");
	o->timeout = 1800;
	o->boot_timeout = 120;
	o->case_timeout = 300;
	o->virtiofs_window = VM_VIRTIOFS_WINDOW_DEFAULT;
	if (accel && vm_parse_accel(accel, &o->accel))
		o->accel = VM_ACCEL_AUTO;
}

/* Returns 0, 1 for --help, or -EINVAL after collecting every error. */
int vm_parse_opts(struct vm_opts *o, int argc, char **argv)
{
	struct option longopts[VM_NOPTS + 1];
	int c, err = 0;
	size_t i;

	memset(longopts, 0, sizeof(longopts));
	for (i = 0; i < VM_NOPTS; i++) {
		longopts[i].name = vm_optdescs[i].name;
		longopts[i].has_arg = vm_optdescs[i].has_arg;
		longopts[i].val = vm_optdescs[i].val;
	}
	vm_opts_defaults(o);
	optind = 1;
	while ((c = getopt_long(argc, argv, "h", longopts, NULL)) != -1) {
		if (c == 'h' || c == OPT_HELP)
			return 1;
		if (c == '?' || vm_set_opt(o, c, optarg))
			err = -EINVAL;
	}
	if (optind < argc) {
		vm_msg("unexpected argument '%s'", argv[optind]);
		err = -EINVAL;
	}
	if (err)
		vm_usage(stderr);
	return err;
}

/*
 * ext4-inode and xfs-inode: the same filesystems mounted with dax=inode;
 * xfs-exchange: xfs with the exchange-range feature (a newer mkfs.xfs).
 */
static bool vm_fs_known(const char *fs)
{
	static const char *const known[] = {
		"ext4", "xfs", "ext4-inode", "xfs-inode", "xfs-exchange",
		"virtiofs",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(known); i++)
		if (!strcmp(fs, known[i]))
			return true;
	return false;
}

int vm_split_fs(struct vm_ctx *c)
{
	char buf[256], *tok, *save;

	snprintf(buf, sizeof(buf), "%s", c->o->fs);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (!vm_fs_known(tok)) {
			vm_msg("--fs: unsupported filesystem '%s' (ext4, xfs; ext4-inode and xfs-inode mount with dax=inode; xfs-exchange has the exchange-range feature)", tok);
			return -EINVAL;
		}
		if (c->nfs == VM_MAX_FS)
			return -E2BIG;
		snprintf(c->fs[c->nfs++], sizeof(c->fs[0]), "%s", tok);
	}
	if (!c->nfs) {
		vm_msg("--fs: no filesystem given");
		return -EINVAL;
	}
	return vm_virtiofs_check_fs(c);
}

bool vm_wants_fs(const struct vm_ctx *c, const char *fs)
{
	int i;

	for (i = 0; i < c->nfs; i++)
		if (!strcmp(c->fs[i], fs))
			return true;
	return false;
}
