/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Where the installed (or just built) pieces live: configs and the VM
 * scripts. Environment variables override; otherwise
 * paths are found relative to the daxstress executable, which works both
 * in the build tree (build/daxstress) and after `make install`.
 */
#ifndef DS_PATHS_H
#define DS_PATHS_H

#include <stddef.h>

/* Resolve a suite NAME (configs/NAME.conf) or a FILE path. */
int path_suite(const char *spec, char *buf, size_t len);
int path_config(const char *file, char *buf, size_t len);
int path_vmdir(char *buf, size_t len);

#endif
