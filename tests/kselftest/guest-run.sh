#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Runs inside the pmem VM (daxstress.cmd=): the installed kselftest tree on
# the DAX mount the guest init prepared ($MNT). The tests' own output goes
# to output.log (--summary) and follows the TAP summary as "# " lines.
cd /usr/libexec/daxstress/kselftest || exit 1
DAXSTRESS_DIR=$MNT ./run_kselftest.sh --summary
rc=$?
sed 's/^/# /' output.log
exit $rc
