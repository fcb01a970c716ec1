/* SPDX-License-Identifier: GPL-2.0 */
/* The daxstress subcommands; each is cmd_<verb>(argc, argv) in its own file. */
#ifndef DS_COMMANDS_H
#define DS_COMMANDS_H

/* Exit code for bad usage (kselftest codes 0/1/4 stay for results). */
#define EXIT_USAGE 2

int cmd_run(int argc, char **argv);
int cmd_vm(int argc, char **argv);
int cmd_repro(int argc, char **argv);
int cmd_merge(int argc, char **argv);
int cmd_prepare(int argc, char **argv);
int cmd_kernels(int argc, char **argv);
int cmd_lava(int argc, char **argv);

#endif
