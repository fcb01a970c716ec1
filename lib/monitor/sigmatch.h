/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Does a kernel stack show a thread waiting in a filesystem's DAX
 * break-layouts path?  The names come from 6.1, 6.12 and 7.x sources
 * (shared/KERNEL-NOTES.md); symbols are compared whole, so pNFS's
 * xfs_break_leased_layouts or a caller such as ext4_setattr never match.
 */
#ifndef DS_SIGMATCH_H
#define DS_SIGMATCH_H

#include <stdbool.h>
#include <stddef.h>

#define SIG_NOT_DAX "not in a DAX break-layouts path"

/*
 * Match a /proc/.../stack text (and optionally a wchan). On a match, where
 * gets the matching functions innermost first ("ext4_wait_dax_page <
 * ext4_break_layouts"); otherwise SIG_NOT_DAX.
 */
bool sig_match(const char *stack, const char *wchan, char *where, size_t size);
/* True if one bare symbol name is a break-layouts function. */
bool sig_match_symbol(const char *sym);

#endif
