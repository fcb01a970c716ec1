// SPDX-License-Identifier: GPL-2.0
/*
 * Description: libFuzzer target for everything daxstress parses from text:
 * suites, known-issue files and a case command line. Any input must give
 * either a result or an error message that names the file and line; never
 * a crash, a leak or undefined behaviour.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../lib/config/caseopt.h"
#include "../../lib/verdict/known.h"
#include "../../lib/config/suite.h"

static struct suite s;
static struct known_list kl;

static void check_error(int ret, const char *err)
{
	/* A refusal must say where: "fuzz.conf..." */
	if (ret && strncmp(err, "fuzz.conf", 9))
		abort();
}

/* Split the input on NUL/newline into an argv for the option parser. */
static void fuzz_argv(const char *text, size_t len)
{
	char *copy = strndup(text, len), *argv[32] = { "fuzz" }, *tok, *save = NULL;
	char err[512];
	struct case_opts o;
	int argc = 1;

	for (tok = strtok_r(copy, "\n ", &save); tok && argc < 31;
	     tok = strtok_r(NULL, "\n ", &save))
		argv[argc++] = tok;
	argv[argc] = NULL;
	case_opts_defaults(&o);
	if (case_opts_parse_argv(&o, argc, argv, err, sizeof(err)) < 0 && !err[0])
		abort();
	free(copy);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *text = malloc(size + 1), err[512] = "";
	int ret;

	memcpy(text, data, size);
	text[size] = '\0';
	ret = suite_load_string(&s, "fuzz.conf", text, err, sizeof(err));
	check_error(ret, err);
	err[0] = '\0';
	ret = known_load_string(&kl, "fuzz.conf", text, err, sizeof(err));
	check_error(ret, err);
	fuzz_argv(text, size);
	free(text);
	return 0;
}
