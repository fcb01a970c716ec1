#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Runs inside the pmem VM (daxstress.cmd=): the installed kselftest tree on
# the DAX mount the guest init prepared ($MNT), the O_DIRECT variants on its
# null_blk device ($TARGET). The tests' own output goes to output.log
# (--summary) and follows the TAP summary as "# " lines.
cd /usr/libexec/daxstress/kselftest || exit 1
DAX_TEST_DIR=$MNT DAX_TEST_ODIRECT=$TARGET ./run_kselftest.sh --summary
rc=$?
sed 's/^/# /' output.log
exit $rc
