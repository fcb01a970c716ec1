// SPDX-License-Identifier: GPL-2.0
/*
 * daxstress: the command. Dispatches to one cmd_<verb>() per subcommand.
 */
#include <stdio.h>
#include <string.h>

#include "../lib/core/util.h"
#include "commands.h"

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *help;
};

static const struct command commands[] = {
	{ "run", cmd_run, "run a suite against a DAX directory, print KTAP, write a JSON report" },
	{ "prepare", cmd_prepare, "format a named, unused device with ext4/xfs, mount it with DAX, run a command, unmount" },
	{ "vm", cmd_vm, "boot a kernel with emulated NVDIMM and run a suite on ext4/xfs DAX inside" },
	{ "repro", cmd_repro, "run the case of a repro bundle again; say whether it reproduced" },
	{ "merge", cmd_merge, "join the JSON reports of --shard runs into one" },
	{ "kernels", cmd_kernels, "the kernel table (configs/kernels): entries, where Debian ships debian:VER" },
	{ "lava", cmd_lava, "the cases of JSON reports as lava-test-case command lines (ci/lava)" },
};

static void print_usage(FILE *f)
{
	size_t i;

	fprintf(f, "usage: daxstress COMMAND [options]   (daxstress COMMAND --help)\n\ncommands:\n");
	for (i = 0; i < ARRAY_SIZE(commands); i++)
		fprintf(f, "  %-8s %s\n", commands[i].name, commands[i].help);
}

int main(int argc, char **argv)
{
	size_t i;

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		print_usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? EXIT_USAGE : 0;
	}
	for (i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(argv[1], commands[i].name))
			return commands[i].fn(argc - 1, argv + 1);
	fprintf(stderr, "daxstress: unknown command '%s'\n", argv[1]);
	print_usage(stderr);
	return EXIT_USAGE;
}
