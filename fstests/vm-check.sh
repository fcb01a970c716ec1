#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Description: `make fstests-check`. Installs our fstests test
# (fstests/install.sh) into a fetched fstests checkout, builds fstests, and
# runs it with fstests' own ./check in the pmem VM on stock Debian kernels:
# TEST_DEV the DAX mount (ext4 -o dax), SCRATCH_DEV the second NVDIMM
# (without dax, where the written O_DIRECT source lives). Expected: on 6.1
# the test fails within its budget with the helper's "missed wakeup" line in
# the output diff; on 6.12 it passes. Logs: $BUILD/fstests/VER/.
#
# The checkout: $FSTESTS_DIR, default ~/.cache/daxstress/fstests/xfstests, a
# clone of fstests' public repository (never committed). Host packages to
# build it: autoconf automake libtool xfslibs-dev libattr1-dev libacl1-dev
# libaio-dev libgdbm-dev libcap-dev uuid-dev.
. "$(dirname "$0")/../tests/lib.sh"
set -u

co=${FSTESTS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/daxstress/fstests/xfstests}
if [ ! -x "$co/check" ]; then
	echo "fstests-check: no fstests checkout in $co; clone fstests' public repository there, or set FSTESTS_DIR" >&2
	exit 1
fi
mkdir -p "$BUILD/fstests"
work=$(cd "$BUILD/fstests" && pwd)
num=$(sh fstests/install.sh "$co") || { not_ok "fstests/install.sh $co"; finish; }
ok "installed as generic/$num"
make -C "$co" -j2 > "$work/build.log" 2>&1
expect_eq "fstests builds with the helper" "$?" 0
[ -x "$co/src/t_dax_pin_truncate" ] || { not_ok "no src/t_dax_pin_truncate"; finish; }

# Real programs for what fstests needs beyond busybox, with their libraries.
TOOLS="/usr/bin/bash /usr/bin/perl /usr/bin/awk /usr/bin/bc /usr/bin/timeout /usr/bin/getconf
/usr/bin/findmnt /usr/bin/stat /usr/bin/realpath /usr/bin/df /usr/bin/mount /usr/bin/umount
/usr/sbin/blkid /usr/sbin/e2fsck /usr/sbin/mkfs.ext4 /usr/sbin/mkfs /usr/bin/diff /usr/bin/sed
/usr/bin/grep /usr/sbin/dumpe2fs /usr/sbin/tune2fs /usr/bin/chattr /usr/bin/lsattr /usr/bin/mktemp
/usr/bin/readlink /usr/bin/find /usr/bin/xargs /usr/bin/cut /usr/bin/sort /usr/bin/head
/usr/bin/tail /usr/bin/date /usr/bin/dd /usr/bin/truncate /usr/bin/basename /usr/bin/dirname
/usr/bin/id /usr/bin/uname /usr/bin/od /usr/bin/tr /usr/bin/wc /usr/bin/uniq /usr/bin/touch
/usr/bin/cp /usr/bin/rm /usr/bin/ls /usr/bin/ln /usr/bin/mkdir /usr/bin/cat /usr/bin/tee
/usr/bin/env /usr/bin/expr /usr/bin/seq /usr/bin/sync /usr/bin/hostname /usr/sbin/fsck /usr/sbin/fsck.ext4"

run_vm() {
	v=$1 d=$work/$1
	pl=$d/payload
	rm -rf "$d"
	mkdir -p "$d"
	cp -a "$BUILD/payload" "$pl"
	mkdir -p "$pl/usr/libexec/daxstress/fstests"
	# What ./check needs for this one test (the whole tree is ~6000 files,
	# which the initramfs builder takes minutes to scan).
	(cd "$co" && tar -cf - check common VERSION ltp/fsstress ltp/fsx src/feature src/lstat64 \
		src/t_dax_pin_truncate tests/generic/group.list tests/ext4/group.list \
		"tests/generic/$num" "tests/generic/$num.out") |
		tar -C "$pl/usr/libexec/daxstress/fstests" -xf -
	echo "generic/$num" > "$pl/usr/libexec/daxstress/fstests/TESTS"
	install -m 755 fstests/guest-run.sh "$pl/usr/libexec/daxstress/fstests/guest-run.sh"
	DAXSTRESS_VM_TOOLS=$(echo $TOOLS) "$DAXSTRESS" vm --kernel "debian:$v" --fs ext4 \
		--payload "$pl" --results "$d/vm" --timeout 1200 --boot-timeout 300 \
		--append "daxstress.scratch=1 daxstress.cwd=/ daxstress.cmd=/usr/libexec/daxstress/fstests/guest-run.sh" \
		> "$d/vm.log" 2>&1
	out=$(cat "$d"/vm/*/ktap.txt 2>/dev/null | grep -v '^@@DAXSTRESS')
	printf '%s\n' "$out" > "$d/vm.txt"
	expect_match "$v: fstests' check ran generic/$num" "$out" "# generic/$num "
}

run_vm 6.1
out=$(cat "$work/6.1/vm.txt")
expect_match "6.1: generic/$num fails" "$out" "# Failures: generic/$num"
expect_match "6.1: the output diff says missed wakeup" "$out" \
	"truncate missed wakeup: asleep in ext4_break_layouts"
# ./check's own wall time for the one test, mkfs and mounts included: the
# helper races 10 s and proves a stall in at most 3 + 3 x 2 s more.
secs=$(printf '%s\n' "$out" | sed -nE 's/^# check exit [0-9]+ after ([0-9]+) s$/\1/p' | head -n 1)
if [ -n "$secs" ] && [ "$secs" -le 120 ]; then
	ok "6.1: ./check returned in $secs s (budget 120 s)"
else
	not_ok "6.1: ./check did not return within 120 s ('$secs')"
fi

run_vm 6.12
out=$(cat "$work/6.12/vm.txt")
expect_match "6.12: generic/$num passes" "$out" "# Passed all 1 tests"
expect_eq "6.12: and it ran (fstests says 'Passed all' of a test it did not run)" \
	"$(printf '%s\n' "$out" | grep -c '^# Not run:')" 0
finish
