#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Description: prepare, once, what `daxstress vm --fs virtiofs` needs: a
# Debian sid chroot (debootstrap --variant=minbase) holding QEMU 11.1
# (qemu-system-x86: vhost-user-test-device-pci exposes the shared-memory
# window) and Debian's virtiofsd source (librust-virtiofsd-dev), our patch
# configs/virtiofsd/0001-dax-window-setupmapping.patch applied, built with
# cargo offline against the chroot's /usr/share/cargo/registry.
#
# Usage: virtiofs-prep.sh [--check] [--force]
#   --check   only say whether the cache is complete and current (exit 0/1)
#   --force   build the daemon again (the chroot is kept)
#
# Result, under ${XDG_CACHE_HOME:-~/.cache}/daxstress/virtiofs/:
#   root/                  the sid chroot (about 1.2 GB)
#   root/build/target/debug/virtiofsd   the patched daemon (the target
#                          directory is kept: a new patch rebuilds in ~1 min)
#   ready                  written last: the patch's sha256, QEMU's version
# Nothing outside that directory is changed: the chroot's /proc and /dev are
# mounted only inside a private mount namespace (unshare -m) that ends with
# the build. The mirror is the host's (deb.debian.org by default); the sid
# Release file may be expired there, so apt is told not to check its date.
# First run here: about 3-5 min and ~400 MB of downloads; later runs: none.
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/../.." && pwd)
CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/daxstress/virtiofs
ROOT=$CACHE/root
PATCH=${DAXSTRESS_VIRTIOFSD_PATCH:-$TOP/configs/virtiofsd/0001-dax-window-setupmapping.patch}
[ -f "$PATCH" ] || PATCH=$TOP/share/daxstress/configs/virtiofsd/0001-dax-window-setupmapping.patch
MIRROR=${DAXSTRESS_DEBIAN_MIRROR:-http://deb.debian.org/debian}
PKGS="qemu-system-x86 librust-virtiofsd-dev cargo rustc libcap-ng-dev libseccomp-dev pkg-config"
CHECK="" FORCE=""

say() { printf 'virtiofs-prep: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

for a in "$@"; do
	case "$a" in
	--check) CHECK=1 ;;
	--force) FORCE=1 ;;
	-h | --help) sed -n '3,22s/^# \{0,1\}//p' "$0" >&2; exit 0 ;;
	*) die "unknown argument '$a' (try --help)" ;;
	esac
done

[ -f "$PATCH" ] || die "the daemon patch is missing: $PATCH"
want=$(sha256sum "$PATCH" | cut -d' ' -f1)

current() {
	[ -f "$CACHE/ready" ] && grep -qx "patch $want" "$CACHE/ready" &&
		[ -x "$ROOT/build/target/debug/virtiofsd" ] &&
		[ -x "$ROOT/usr/bin/qemu-system-x86_64" ]
}

if [ -n "$CHECK" ]; then
	current && echo ready && exit 0
	if [ -f "$CACHE/ready" ]; then
		say "the cache in $CACHE was made with another patch (make virtiofs-prep)"
	else
		say "no virtiofs cache in $CACHE (make virtiofs-prep)"
	fi
	exit 1
fi
[ "$(id -u)" = 0 ] || die "needs root (debootstrap, chroot)"
if [ -z "$FORCE" ] && current; then
	say "cached: $CACHE"
	exit 0
fi

mkdir -p "$CACHE"
exec 9>"$CACHE/.lock"
flock 9
if [ -z "$FORCE" ] && current; then
	say "cached: $CACHE (made meanwhile)"
	exit 0
fi
rm -f "$CACHE/ready"

# Run CMD inside the chroot with /proc and /dev from a private mount
# namespace: the mounts vanish with it, whatever happens to this script.
in_root() {
	unshare -m --propagation private sh -c '
		mount -t proc proc "$0/proc" && mount --rbind /dev "$0/dev" &&
		exec chroot "$0" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
			HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"' "$ROOT" "$@"
}

t0=$(date +%s)
if [ ! -f "$ROOT/.daxstress-debootstrap" ]; then
	command -v debootstrap >/dev/null || apt-get install -y debootstrap >&2 ||
		die "debootstrap is missing and could not be installed"
	rm -rf "$ROOT"
	say "debootstrap --variant=minbase sid from $MIRROR"
	debootstrap --variant=minbase sid "$ROOT" "$MIRROR" >"$CACHE/debootstrap.log" 2>&1 ||
		die "debootstrap failed (no access to $MIRROR's sid?), see $CACHE/debootstrap.log"
	touch "$ROOT/.daxstress-debootstrap"
fi
if [ ! -f "$ROOT/.daxstress-packages" ]; then
	say "apt-get install $PKGS"
	{
		in_root apt-get -o Acquire::Check-Valid-Until=false update &&
			in_root apt-get -o Acquire::Check-Valid-Until=false install -y \
				--no-install-recommends $PKGS
	} >"$CACHE/apt.log" 2>&1 || die "installing the sid packages failed, see $CACHE/apt.log"
	touch "$ROOT/.daxstress-packages"
fi

src=$(find "$ROOT/usr/share/cargo/registry" -maxdepth 1 -name 'virtiofsd-*' | sort -V | tail -1)
[ -n "$src" ] || die "no virtiofsd source in the chroot's cargo registry"
say "build ${src##*/} with ${PATCH##*/}"
rm -rf "$ROOT/build/virtiofsd"
mkdir -p "$ROOT/build"
cp -a "$src" "$ROOT/build/virtiofsd"
# Debian's crate carries a checksum file for the registry: the patched
# tree is ours, not the registry's.
rm -f "$ROOT/build/virtiofsd/.cargo-checksum.json" "$ROOT/build/virtiofsd/Cargo.lock"
patch -d "$ROOT/build/virtiofsd" -p1 <"$PATCH" >"$CACHE/patch.log" 2>&1 ||
	die "the patch does not apply to ${src##*/}, see $CACHE/patch.log"
mkdir -p "$ROOT/build/virtiofsd/.cargo"
cat >"$ROOT/build/virtiofsd/.cargo/config.toml" <<'EOF'
[source.crates-io]
replace-with = "debian"
[source.debian]
directory = "/usr/share/cargo/registry"
[net]
offline = true
EOF
in_root sh -c 'cd /build/virtiofsd && CARGO_TARGET_DIR=/build/target cargo build --offline' >"$CACHE/build.log" 2>&1 ||
	die "cargo build failed, see $CACHE/build.log"

qv=$(in_root qemu-system-x86_64 --version | head -1)
{
	echo "patch $want"
	echo "source ${src##*/}"
	echo "qemu $qv"
	echo "made $(date -u +%Y-%m-%dT%H:%M:%SZ) in $(($(date +%s) - t0)) s"
} >"$CACHE/ready.tmp"
mv "$CACHE/ready.tmp" "$CACHE/ready"
say "ready: $CACHE ($qv, $(($(date +%s) - t0)) s)"
