/* SPDX-License-Identifier: GPL-2.0 */
/*
 * daxstress vm: boot a kernel under QEMU with an emulated NVDIMM, run the
 * suite on DAX filesystems inside it and collect the results on the host.
 */
#ifndef DS_RUNNER_VM_H
#define DS_RUNNER_VM_H

/*
 * daxstress vm [--kernel SPEC] [--fs ext4,xfs] [--suite NAME|FILE] ...
 * Returns the process exit code: 0 the guest completed and every filesystem's
 * command passed, 1 the guest completed with failures, 2 the run did not
 * complete (boot deadline, panic, silence, timeout, set-up error),
 * 130 interrupted.
 */
int cmd_vm(int argc, char **argv);

#endif
