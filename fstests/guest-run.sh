#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Runs inside the pmem VM (daxstress.cmd=, with daxstress.scratch=1): fstests
# from /usr/libexec/daxstress/fstests with TEST_DEV the DAX mount the guest
# init prepared ($MNT, -o dax) and SCRATCH_DEV the second NVDIMM (fsdax
# namespace, made afresh by the init). Runs the tests named in
# /usr/libexec/daxstress/fstests/TESTS and prints check's output, then
# results/ of each test, as "# " lines.
cd /usr/libexec/daxstress/fstests || exit 1
dev=$(awk -v m="$MNT" '$2 == m { print $1 }' /proc/mounts)
[ -n "${DAXSTRESS_SCRATCH_DEV:-}" ] || { echo "# no scratch NVDIMM (daxstress.scratch=1)"; exit 1; }
mkdir -p /mnt/scratch /var/tmp
cat > local.config <<CFG
export FSTYP=$FS
export TEST_DEV=$dev
export TEST_DIR=$MNT
export SCRATCH_DEV=$DAXSTRESS_SCRATCH_DEV
export SCRATCH_MNT=/mnt/scratch
export TEST_FS_MOUNT_OPTS="-o dax"
CFG
sed 's/^/# local.config: /' local.config
# ./check mounts TEST_DEV itself, with TEST_FS_MOUNT_OPTS
umount "$MNT" || echo "# cannot unmount $MNT: ./check will use it as it is"
tests=$(cat TESTS)
start=$(date +%s)
./check $tests 2>&1 | sed 's/^/# /'
rc=${PIPESTATUS[0]}
echo "# check exit $rc after $(($(date +%s) - start)) s"
grep pmem /proc/mounts | sed 's/^/# mounted after check: /'
[ -f results/check.full ] && sed 's|^|# results/check.full: |' results/check.full | tail -20
for t in $tests; do
	for f in results/$t.out.bad results/$t.full; do
		[ -f "$f" ] && sed "s|^|# $f: |" "$f" | head -40
	done
done
exit $rc
