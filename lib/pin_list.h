/* SPDX-License-Identifier: GPL-2.0 */
/* One line per pin source: PIN(symbol). The file lib/pins/<name>.c defines pin_<symbol>_ops. */
PIN(odirect)
PIN(pvm)
PIN(pvm_write)
PIN(uring)
PIN(uring_fixed)
PIN(aio)
PIN(vmsplice)
PIN(plant_wake)
PIN(plant_nowake)
PIN(plant_stuck)
