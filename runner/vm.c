// SPDX-License-Identifier: GPL-2.0
/*
 * daxstress vm: the host side of the pmem VM.
 *
 * Resolves a kernel (runner/vm/kernel.sh) and an initramfs (runner/vm/
 * initramfs.sh), adds a small per-run cpio with the run settings, boots QEMU
 * with an emulated NVDIMM (or virtio-pmem) backed by a sparse file in the
 * cache and follows two channels: the kernel console (ttyS0, a log file,
 * scanned for panics and oopses) and the data channel (ttyS1, a file), which
 * carries the guest init's framed events and the test command's KTAP and JSON:
 *
 *	@@DAXSTRESS <EVENT> <guest-uptime-s> [ARGS...]
 *
 * vm_events.c lists the events and reads them.
 *
 * Deadlines: boot (INIT must arrive), per case (no data line for N s once
 * booted), whole run. The results go to results/<timestamp>/ with a
 * results/latest symlink.
 *
 * This file is the top-level flow; runner/vm_priv.h lists the other parts.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "vm.h"
#include "vm_priv.h"

#define VM_TAIL_LINES		40

/* ---- setup and teardown ---- */

static int vm_prepare(struct vm_ctx *c)
{
	int ret;

	ret = vm_split_fs(c);
	if (!ret)
		ret = vm_load_trace(c);
	if (ret)
		return ret;
	ret = vm_find_exedir(c);
	if (!ret)
		ret = vm_find_vmdir(c);
	if (ret) {
		vm_msg("cannot find the vm scripts (kernel.sh); set DAXSTRESS_VMDIR");
		return ret;
	}
	vm_cache_dir(c);
	vm_find_payload(c);
	ret = vm_virtiofs_prepare(c);
	if (ret || vm_virtiofs_skip(c))
		return ret;
	ret = vm_resolve_kernel(c);
	if (!ret)
		ret = vm_build_initrd(c);
	if (ret)
		return ret;
	snprintf(c->tmpdir, sizeof(c->tmpdir), "/tmp/daxstress-vm.XXXXXX");
	if (!mkdtemp(c->tmpdir))
		return -errno;
	ret = vm_make_initrd(c);
	if (ret) {
		vm_msg("cannot write %s: %s", c->initrd, strerror(-ret));
		return ret;
	}
	if (vm_virtiofs(c))
		return 0;	/* the window replaces the NVDIMMs */
	ret = vm_open_pmem(c, !c->o->dry_run);
	if (ret)
		vm_msg("cannot set up a pmem backing file in %s/pmem: %s", c->cache,
		       strerror(-ret));
	return ret;
}

static void vm_cleanup(struct vm_ctx *c)
{
	vm_attempt_reset(c, VM_ACCEL_AUTO);
	vm_virtiofs_free(c);
	vm_trace_free(c);
	if (c->ktap)
		fclose(c->ktap);
	if (c->pmem_fd >= 0)
		close(c->pmem_fd);
	if (!*c->tmpdir)
		return;
	if (c->o->keep) {
		vm_msg("kept %s", c->tmpdir);
		return;
	}
	if (*c->initrd)
		unlink(c->initrd);
	rmdir(c->tmpdir);
}

/* No virtiofs parts: every virtiofs case is a skip that says what to run. */
static int vm_skip_all(struct vm_ctx *c, const char *why)
{
	int i;

	vm_msg("%s", why);
	printf("KTAP version 1\n1..%d\n", c->nfs);
	for (i = 0; i < c->nfs; i++)
		printf("ok %d %s # SKIP %s\n", i + 1, c->fs[i], why);
	return VM_EXIT_OK;
}

static int vm_dry_run(struct vm_ctx *c)
{
	enum vm_accel accel = vm_first_accel(c, true);
	int ret;

	snprintf(c->rundir, sizeof(c->rundir), "%s", c->tmpdir);
	ret = vm_qemu_argv(c, accel, &c->a.argv);
	if (!ret)
		strv_print(stdout, &c->a.argv);
	return ret ? VM_EXIT_INCOMPLETE : VM_EXIT_OK;
}

static int vm_run(struct vm_ctx *c)
{
	char path[PATH_MAX];
	int ret, code;

	ret = vm_make_rundir(c);
	if (ret) {
		vm_msg("cannot create %s: %s", c->o->results, strerror(-ret));
		return VM_EXIT_INCOMPLETE;
	}
	vm_rundir_path(c, "ktap.txt", path, sizeof(path));
	c->ktap = fopen(path, "we");
	vm_signals(true);
	ret = vm_launch(c);
	vm_signals(false);
	if (ret) {
		vm_msg("cannot start QEMU: %s", strerror(-ret));
		c->a.end = VM_END_ERROR;
	}
	code = vm_exit_code(c);
	if (c->a.end != VM_END_DONE && c->a.end != VM_END_SIGNAL) {
		vm_print_tail(c, "console.log", VM_TAIL_LINES);
		if (c->a.end == VM_END_EXIT)
			vm_print_tail(c, "qemu.log", VM_TAIL_LINES / 4);
	}
	vm_write_report(c, code);
	vm_summary(c, code);
	return code;
}

int cmd_vm(int argc, char **argv)
{
	struct vm_opts o;
	struct vm_ctx c;
	int ret, code = VM_EXIT_INCOMPLETE;

	ret = vm_parse_opts(&o, argc, argv);
	if (ret) {
		if (ret > 0)
			vm_usage(stdout);
		return ret > 0 ? VM_EXIT_OK : VM_EXIT_INCOMPLETE;
	}
	memset(&c, 0, sizeof(c));
	c.o = &o;
	c.pmem_fd = -1;
	c.a.data_fd = -1;
	c.a.con_fd = -1;
	ret = vm_prepare(&c);
	if (ret)
		goto cleanup;
	if (vm_virtiofs_skip(&c))
		code = vm_skip_all(&c, vm_virtiofs_skip(&c));
	else if (o.dry_run)
		code = vm_dry_run(&c);
	else
		code = vm_run(&c);
cleanup:
	if (o.dry_run && *c.tmpdir)
		o.keep = true;
	vm_cleanup(&c);
	return code;
}
