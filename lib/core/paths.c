// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"
#include "paths.h"

static void exe_dir(char *buf, size_t len)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);

	if (n <= 0) {
		strscpy_trunc(buf, ".", len);
		return;
	}
	exe[n] = '\0';
	strscpy_trunc(buf, dirname(exe), len);
}

/* First candidate "dir/suffix" that exists, trying env, installed and build-tree layouts. */
static int find(const char *env, const char *const *rel, const char *name, char *buf,
		size_t len)
{
	char dir[PATH_MAX];
	const char *e = getenv(env);
	int i;

	if (e && *e) {
		snprintf(buf, len, "%s/%s", e, name);
		return access(buf, F_OK) ? -ENOENT : 0;
	}
	exe_dir(dir, sizeof(dir));
	for (i = 0; rel[i]; i++) {
		snprintf(buf, len, "%s/%s/%s", dir, rel[i], name);
		if (!access(buf, F_OK))
			return 0;
	}
	return -ENOENT;
}

int path_config(const char *file, char *buf, size_t len)
{
	/* installed bin/ or libexec/daxstress/; build tree build/ or build/workloads/ */
	static const char *const rel[] = { "../share/daxstress/configs", "../../share/daxstress/configs",
					   "../configs", "../../configs", NULL };

	return find("DAXSTRESS_CONFIGS", rel, file, buf, len);
}

int path_suite(const char *spec, char *buf, size_t len)
{
	char file[NAME_MAX + 1];

	if (strchr(spec, '/') || strstr(spec, ".conf")) {
		strscpy_trunc(buf, spec, len);
		return access(buf, R_OK) ? -errno : 0;
	}
	snprintf(file, sizeof(file), "%s.conf", spec);
	return path_config(file, buf, len);
}

int path_vmdir(char *buf, size_t len)
{
	static const char *const rel[] = { "../libexec/daxstress", "../runner", NULL };

	return find("DAXSTRESS_VMDIR_PARENT", rel, "vm", buf, len);
}
