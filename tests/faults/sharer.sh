#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Description: the sharer option (a reflinked copy of the case file that
# the owner maps). On a directory without reflink (ext4) the case is a SKIP
# that names FICLONE and xfs; on an xfs loop device (no DAX: --allow-nodax)
# the case runs, reports sharer = true, and leaves no file behind (the copy
# is an unnamed O_TMPFILE). The test formats only its own loop device.
. "$(dirname "$0")/../lib.sh"

WL=$BUILD/workloads/pin-truncate
dir=$(mktemp -d /tmp/daxstress-sharer.XXXXXX)
mkdir "$dir/case"

# wl NAME DIR: a 2 s lockstep case with sharer on DIR
wl() {
	"$WL" --dir "$2" --allow-nodax --pin pvm --break truncate --size 4M \
		--owner-threads 0 --lockstep --sharer --duration 2s \
		--result "$dir/$1.json" >"$dir/$1.out" 2>&1
}

if [ "$(stat -f -c %T "$dir")" = ext2/ext3 ]; then
	wl ext4 "$dir/case"
	expect_eq "ext4: skip" "$(jq -r .verdict "$dir/ext4.json")" skip
	expect_match "ext4: says FICLONE and xfs" "$(jq -r .reason "$dir/ext4.json")" \
		"sharer: FICLONE of .*needs xfs with reflink=1"
fi

if [ "$(id -u)" -ne 0 ] || ! command -v losetup >/dev/null || ! command -v mkfs.xfs >/dev/null; then
	echo "ok - sharer on xfs # SKIP needs root, losetup and mkfs.xfs for a scratch loop device"
	rm -rf "$dir"
	finish
fi
# 320 MiB: mkfs.xfs refuses less than 300 MiB; sparse, so it costs nothing
loop_device sharer "$dir" 320M
cleanup() {
	umount "$dir/case" 2>/dev/null
	losetup -d "$loop"
	rm -rf "$dir"
}
trap cleanup EXIT
mkfs.xfs -q -m reflink=1 "$loop" && mount "$loop" "$dir/case" ||
	{ not_ok "mkfs.xfs -m reflink=1 and mount of $loop"; finish; }
wl xfs "$dir/case"
expect_eq "xfs: pass" "$(jq -r .verdict "$dir/xfs.json")" pass
expect_eq "xfs: the result says sharer" "$(jq -r .sharer "$dir/xfs.json")" true
expect_eq "xfs: no file left in the case directory" "$(ls -A "$dir/case" | wc -l)" 0
finish
