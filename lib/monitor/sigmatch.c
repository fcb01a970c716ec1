// SPDX-License-Identifier: GPL-2.0
#include <regex.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "sigmatch.h"
#include "../core/util.h"

/*
 * Whole-symbol pattern; a compiler suffix (.isra.0, .constprop.0) is cut first.
 * fuse DAX (virtiofs): fuse_dax_break_layouts (6.1 on), __fuse_dax_break_layouts
 * (5.x), the wait callback fuse_wait_dax_page.
 */
static const char pattern[] =
	"^((ext4|xfs|fuse)_(break_(dax_)?layouts|wait_dax_page)|_?_?fuse_dax_break_layouts|dax_break_layout(_final|_inode)?|wait_page_idle(_uninterruptible)?|xfs_ilock2_io_mmap|xfs_mmaplock_two_inodes_and_break_dax_layout)$";

static regex_t re;
static int re_ok = -1;
static pthread_once_t re_once = PTHREAD_ONCE_INIT;

static void compile_once(void)
{
	re_ok = regcomp(&re, pattern, REG_EXTENDED | REG_NOSUB);
}

bool sig_match_symbol(const char *sym)
{
	char name[128];
	size_t n = strcspn(sym, ".+/ \t\n[");

	if (!n || n >= sizeof(name))
		return false;
	memcpy(name, sym, n);
	name[n] = '\0';
	pthread_once(&re_once, compile_once);
	return re_ok == 0 && regexec(&re, name, 0, NULL, 0) == 0;
}

/* A stack line is "[<0>] symbol+0xoff/0xlen [module]"; older kernels print an address. */
static const char *line_symbol(const char *line)
{
	const char *p = strstr(line, "] ");

	p = p ? p + 2 : line;
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

static void append(char *where, size_t size, const char *sym)
{
	size_t used = strlen(where), n = strcspn(sym, ".+/ \t\n[");

	if (used + 4 >= size)
		return;
	if (used) {
		strcat(where, " < ");
		used += 3;
	}
	if (used + n + 1 > size)
		n = size - used - 1;
	memcpy(where + used, sym, n);
	where[used + n] = '\0';
}

bool sig_match(const char *stack, const char *wchan, char *where, size_t size)
{
	const char *line = stack;
	bool hit = false;

	where[0] = '\0';
	while (line && *line) {
		const char *sym = line_symbol(line);

		if (sig_match_symbol(sym)) {
			append(where, size, sym);
			hit = true;
		}
		line = strchr(line, '\n');
		if (line)
			line++;
	}
	if (!hit && wchan && sig_match_symbol(wchan)) {
		append(where, size, wchan);
		hit = true;
	}
	if (!hit)
		strscpy_trunc(where, SIG_NOT_DAX, size);
	return hit;
}
