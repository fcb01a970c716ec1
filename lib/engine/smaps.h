/* SPDX-License-Identifier: GPL-2.0 */
/* Proof from /proc/self/smaps of how a mapping is really mapped (PMD or PTE). */
#ifndef DS_SMAPS_H
#define DS_SMAPS_H

/* FilePmdMapped (kB) of the VMA of this process that contains addr; -errno. */
long smaps_pmd_kb(const void *addr);

#endif
