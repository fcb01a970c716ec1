#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Description: `daxstress prepare` formats only what it may: it refuses a
# non-block device, a device that cannot do DAX, a device with a
# filesystem signature (unless --force), a mounted device and a non-empty
# mount directory; with --force it formats, mounts, runs the command in the
# mount, and unmounts (or leaves it mounted with --keep-mounted); a mount it
# cannot unmount is reported with what to do.
# Uses a 64 MiB file-backed loop device (no DAX: --allow-nodax).
. "$(dirname "$0")/../lib.sh"

need_losetup prepare
dir=$(mktemp -d /tmp/daxstress-prepare.XXXXXX)
mkdir "$dir/mnt" "$dir/other"
loop_device prepare "$dir" 64M
cleanup() {
	[ -n "${sleeper:-}" ] && kill "$sleeper" 2>/dev/null
	umount "$dir/mnt" 2>/dev/null
	umount "$dir/other" 2>/dev/null
	umount "$dir/check" 2>/dev/null
	losetup -d "$loop"
	rm -rf "$dir"
}
trap cleanup EXIT
P="$DAXSTRESS prepare --fs ext4"

out=$($P --device "$dir/img" --mount "$dir/mnt" --allow-nodax 2>&1)
expect_eq "a regular file: refused (exit 2)" "$?" 2
expect_match "a regular file: says to make a loop device" "$out" "not a block device.*losetup"

out=$($P --device "$loop" --mount "$dir/mnt" 2>&1)
expect_eq "no DAX on the device: refused" "$?" 2
expect_match "no DAX: says why and what to use" "$out" "cannot do DAX.*pmem"

# A blank device needs no --force; daxstress run inside leaves nothing behind.
cat > "$dir/tiny.conf" <<'CONF'
[global]
workload = pin-truncate
pin = pvm
break = punch
size = 8M
pin-size = 64k
[tiny]
duration = 2s
CONF
out=$($P --device "$loop" --mount "$dir/mnt" --allow-nodax -- \
	"$DAXSTRESS" run --dir "$dir/mnt" --allow-nodax --suite "$dir/tiny.conf" 2>&1)
expect_eq "a blank device: formatted without --force, the run inside passes" "$?" 0
expect_match "blank device: the case ran in the mount" "$out" "ok 1 ext4.tiny"
mkdir -p "$dir/check"
mount -o ro "$loop" "$dir/check" && {
	expect_eq "the run removed every file it created" "$(ls -A "$dir/check")" lost+found
	umount "$dir/check"
}

out=$($P --device "$loop" --mount "$dir/mnt" --allow-nodax 2>&1)
expect_eq "a filesystem signature: refused" "$?" 2
expect_match "signature: named, and --force offered" "$out" "holds a ext4 filesystem.*--force"
expect_eq "signature: the filesystem is untouched" "$(blkid -p -s TYPE -o value "$loop")" ext4

mount "$loop" "$dir/other"
out=$($P --device "$loop" --mount "$dir/mnt" --allow-nodax --force 2>&1)
expect_eq "a mounted device: refused even with --force" "$?" 2
expect_match "mounted: says where" "$out" "mounted on $dir/other"
umount "$dir/other"

touch "$dir/mnt/file"
out=$($P --device "$loop" --mount "$dir/mnt" --allow-nodax --force 2>&1)
expect_eq "a non-empty mount directory: refused" "$?" 2
expect_match "non-empty directory: names a file" "$out" "not empty.*file"
rm "$dir/mnt/file"

# --force: format, mount, run a command inside, unmount, pass its exit code.
out=$($P --device "$loop" --mount "$dir/mnt" --allow-nodax --force -- \
	sh -c 'grep -q " $DAXSTRESS_DIR ext4 " /proc/self/mounts && echo x > "$DAXSTRESS_DIR/f" && exit 3' 2>&1)
expect_eq "--force: formats, mounts, runs the command (its exit code 3)" "$?" 3
expect_match "--force: says what it overwrote" "$out" "overwriting it \\(--force\\)"
expect_eq "--force: unmounted afterwards" "$(grep -c " $dir/mnt " /proc/self/mounts)" 0
mount -o ro "$loop" "$dir/check" && {
	expect_eq "--force: the command's file is on the new filesystem" "$(cat "$dir/check/f")" x
	umount "$dir/check"
}

# --keep-mounted: left mounted, and the user is told how to unmount.
out=$($P --device "$loop" --mount "$dir/mnt" --allow-nodax --force --keep-mounted 2>&1)
expect_eq "--keep-mounted: exit 0" "$?" 0
expect_eq "--keep-mounted: still mounted" "$(grep -c " $dir/mnt ext4 " /proc/self/mounts)" 1
expect_match "--keep-mounted: says how to unmount" "$out" "umount $dir/mnt when done"
umount "$dir/mnt"

# A mount left busy (a process inside it) is reported, not lazily dropped.
out=$($P --device "$loop" --mount "$dir/mnt" --allow-nodax --force -- \
	sh -c 'cd "$DAXSTRESS_DIR" && { sleep 60 > /dev/null 2>&1 & echo $! > '"$dir/sleeper"'; }' 2>&1)
expect_eq "busy mount: exit 1" "$?" 1
expect_match "busy mount: says what to do" "$out" "cannot unmount.*fuser -vm.*reboot"
sleeper=$(cat "$dir/sleeper" 2>/dev/null)
kill "$sleeper" 2>/dev/null
sleep 0.5
umount "$dir/mnt" 2>/dev/null
finish
