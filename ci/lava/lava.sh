#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Description: daxstress under LAVA, on this machine (docs/ci/LAVA.md).
#
# Usage: lava.sh check     (make lava-check)
#   One job through Debian's lava-run (lava-dispatcher, no server): the QEMU
#   device rendered from lava-server's qemu device-type template, the kernel
#   and initramfs daxstress vm uses, ci/lava/daxstress.yaml as the test; then
#   every case LAVA recorded is compared with the JSON reports the job put
#   into its log (`daxstress lava` of them): same names, results, times.
#   LAVA_KERNEL (debian:6.1), LAVA_FS ("ext4 xfs"), LAVA_SUITE (smoke).
# Environment: BUILD (build), DAXSTRESS_ACCEL=kvm to let the device use KVM.
set -euo pipefail
PATH=$PATH:/usr/sbin:/sbin

TOP=$(cd "$(dirname "$0")/../.." && pwd)
HERE=$TOP/ci/lava
BUILD=${BUILD:-build}
DAXSTRESS=$TOP/$BUILD/daxstress
CACHE=${XDG_CACHE_HOME:-$HOME/.cache}/daxstress/lava

say() { printf 'lava.sh: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }

# now: seconds since the epoch, with a fraction
now() { date +%s.%N; }
# since T0: seconds since T0, one decimal
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# apt_need PROGRAM PACKAGE...: install the packages when PROGRAM is missing.
apt_need() {
	local prog=$1
	shift
	command -v "$prog" >/dev/null 2>&1 && return 0
	[ "$(id -u)" = 0 ] || die "$prog missing: run apt-get install --no-install-recommends $*"
	say "installing $* (for $prog)"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "$@" >&2 ||
		die "apt-get install $* failed"
}

# The qemu device-type template (and base.jinja2): lava-server's, or the
# package's files unpacked into the cache (lava-dispatcher does not ship them).
templates() {
	local d=/usr/share/lava-server/device-types deb
	if [ -f "$d/qemu.jinja2" ]; then
		echo $d
		return
	fi
	d=$CACHE/lava-server/usr/share/lava-server/device-types
	if [ ! -f "$d/qemu.jinja2" ]; then
		mkdir -p "$CACHE/deb"
		say "fetching lava-server's device-type templates (apt-get download lava-server)"
		(cd "$CACHE/deb" && apt-get download -q lava-server >&2) ||
			die "apt-get download lava-server failed"
		deb=$(find "$CACHE/deb" -name "lava-server_*.deb" | sort | tail -n 1)
		dpkg-deb -x "$deb" "$CACHE/lava-server"
	fi
	[ -f "$d/qemu.jinja2" ] || die "no qemu.jinja2 in lava-server's package"
	echo "$d"
}

# device_dict NAME: a device dictionary for this host's QEMU.
device_dict() {
	echo "{% extends 'qemu.jinja2' %}"
	echo "{# $1: daxstress's QEMU worker device, ci/lava/lava.sh #}"
	if [ "${DAXSTRESS_ACCEL:-tcg}" != kvm ]; then
		echo "{# no KVM here (TCG): no -enable-kvm / -cpu host #}"
		echo "{% set no_kvm = True %}"
	fi
}

# images SPEC DIR: the kernel (DIR/vmlinuz) and the initramfs as a plain
# cpio (DIR/ramdisk.cpio: LAVA appends its overlay to it and can only
# recompress gz, xz or bz2; Debian's kernels get a zstd image).
images() {
	local spec=$1 dir=$2 kdir img
	kdir=$("$TOP/runner/vm/kernel.sh" "$spec") || die "kernel $spec not available"
	img=$("$TOP/runner/vm/initramfs.sh" "$kdir" "$TOP/$BUILD/payload") ||
		die "initramfs for $spec failed"
	mkdir -p "$dir"
	cp "$kdir/vmlinuz" "$dir/vmlinuz"
	case "$(od -An -tx1 -N4 "$img" | tr -d ' ')" in
	28b52ffd) zstd -qdc "$img" >"$dir/ramdisk.cpio" ;;
	1f8b*) gzip -dc "$img" >"$dir/ramdisk.cpio" ;;
	*) cp "$img" "$dir/ramdisk.cpio" ;;
	esac
	cat "$kdir/release" >"$dir/release"
}

# testrepo DIR: a git repository with the test definition as it is on disk
# now (LAVA clones its definitions from git).
testrepo() {
	local d=$1
	rm -rf "$d"
	mkdir -p "$d/ci/lava"
	cp "$HERE/daxstress.yaml" "$HERE/daxstress-lava.sh" "$d/ci/lava/"
	git -C "$d" init -q
	git -C "$d" add ci
	git -C "$d" -c user.name=daxstress -c user.email=daxstress@localhost \
		commit -q -m "daxstress LAVA test definition"
}

# job OUT NAME KDIR REPO FS SUITE SHARD [APPEND]: a job from the template.
job() {
	local minutes=$((20 + 5 * $(echo "$5" | wc -w)))
	sed -e "s|@NAME@|$2|" -e "s|@KERNEL_URL@|file://$3/vmlinuz|" \
		-e "s|@RAMDISK_URL@|file://$3/ramdisk.cpio|" -e "s|@REPO@|$4|" \
		-e "s|@FS@|$5|" -e "s|@SUITE@|$6|" -e "s|@SHARD@|$7|" -e "s|@APPEND@|${8:-}|" \
		-e "s|@JOB_MINUTES@|$((minutes + 20))|" -e "s|@TEST_MINUTES@|$minutes|" \
		"$HERE/qemu-pmem-job.yaml.in" >"$1"
}

# compare LOG REPORTS_DIR: the cases LAVA recorded against the reports.
compare() {
	local log=$1 dir=$2 f
	python3 "$HERE/joblog.py" "$log" --reports "$dir" | sort >"$dir/lava-results" ||
		die "the job log has no daxstress results ($log)"
	ls "$dir"/*.json >/dev/null 2>&1 || die "no JSON report in the job log ($log)"
	for f in "$dir"/*.json; do
		"$DAXSTRESS" lava "$f"
	done | sort >"$dir/expected"
	if ! diff -u "$dir/expected" "$dir/lava-results" >"$dir/diff"; then
		cat "$dir/diff" >&2
		die "LAVA recorded other results than the reports say (diff above)"
	fi
}

LAVA_PID=
stop_lava() {
	[ -z "$LAVA_PID" ] || kill -TERM -- "-$LAVA_PID" 2>/dev/null || true
}

do_check() {
	local spec=${LAVA_KERNEL:-debian:6.1} fs=${LAVA_FS:-ext4 xfs} suite=${LAVA_SUITE:-smoke}
	local work t0 t rc tdir out
	apt_need lava-run lava-dispatcher
	apt_need zstd zstd
	[ -d "$TOP/$BUILD/payload" ] || die "no $BUILD/payload: make payload"
	work=$(mktemp -d /tmp/daxstress-lava-check.XXXXXX)
	out=${LAVA_OUT:-$work}
	mkdir -p "$out"
	t0=$(now)
	tdir=$(templates)
	images "$spec" "$work/images"
	say "images ($spec, $(cat "$work/images/release")): $(since "$t0") s"
	testrepo "$work/testrepo"
	job "$out/job.yaml" "lava-check $spec" "$work/images" "$work/testrepo" "$fs" "$suite" ""
	device_dict qemu01 >"$work/qemu01.jinja2"
	python3 "$HERE/render-device.py" "$tdir" "$work/qemu01.jinja2" "$out/job.yaml" \
		>"$out/device.yaml" || die "rendering the device failed"
	t=$(now)
	trap stop_lava INT TERM HUP
	say "lava-run: $out/lava-run.log"
	setsid lava-run --job-id 1 --output-dir "$work/run" --device "$out/device.yaml" \
		"$out/job.yaml" >"$out/lava-run.log" 2>&1 &
	LAVA_PID=$!
	rc=0
	wait $LAVA_PID || rc=$?
	LAVA_PID=
	trap - INT TERM HUP
	say "lava-run exit $rc after $(since "$t") s"
	[ $rc -eq 0 ] || die "lava-run failed (exit $rc): $out/lava-run.log"
	mkdir -p "$out/reports"
	compare "$out/lava-run.log" "$out/reports"
	sed 's/^/    /' "$out/reports/lava-results" >&2
	say "daxstress's verdicts (xfail: a known issue reproduced, a LAVA pass):"
	jq -r '.cases[] | "    \(.name) \(.verdict) \(.raw_verdict // "")"' "$out"/reports/*.json >&2
	say "ok: $(wc -l <"$out/reports/lava-results") cases recorded by LAVA, each as its report says ($(since "$t0") s in all)"
	[ -n "${LAVA_OUT:-}" ] || rm -rf "$work"
}

case "${1:-}" in
check) do_check ;;
*)
	sed -n 's/^# Usage: /usage: /p; s/^#   /   /p' "$0" >&2
	exit 2
	;;
esac
