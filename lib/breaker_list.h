/* SPDX-License-Identifier: GPL-2.0 */
/* One line per breaker: BRK(symbol). The file lib/breakers/<name>.c defines brk_<symbol>_ops. */
BRK(truncate)
BRK(punch)
BRK(zero)
BRK(collapse)
BRK(insert)
BRK(alloc)
BRK(unshare)
BRK(otrunc)
BRK(plant_wait)
