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
#   LAVA_KERNEL (debian:6.1), LAVA_FS ("ext4 xfs"), LAVA_SUITE (smoke),
#   LAVA_PMEM (nvdimm; memmap: no NVDIMM, memmap=2G!4G on the kernel command
#   line, legacy e820 pmem through nd_e820).
#        lava.sh matrix    (make lava-matrix)
#   The fan-out through a local LAVA instance: installs lava-server and
#   lavacli if missing, starts PostgreSQL (if it was down), the server
#   (gunicorn, scheduler) and two workers (lava-worker, each with one QEMU
#   device), submits one job per kernel x filesystem x shard with lavacli,
#   waits, collects every job's results and log with lavacli, checks them as
#   `check` does, merges each kernel x filesystem with `daxstress merge`
#   (JSON, JUnit, KCIDB), prints how long each part took, and stops all it
#   started. LAVA_KERNELS ("debian:6.1 debian:6.12"), LAVA_FS ("ext4 xfs"),
#   LAVA_SUITE (smoke), LAVA_SHARDS (2), LAVA_OUT (where the results go).
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
	[ "${LAVA_PMEM:-nvdimm}" != memmap ] || export DAXSTRESS_VM_MODULES="${DAXSTRESS_VM_MODULES:-} nd_e820"
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

# job OUT NAME KDIR REPO FS SUITE SHARD [APPEND]: a job from the template;
# LAVA_PMEM=memmap: no NVDIMM options, 6 GiB of RAM of which 2 GiB at 4 GiB
# become legacy pmem (memmap=2G!4G).
job() {
	local minutes=$((20 + 5 * $(echo "$5" | wc -w))) pmem=()
	if [ "${LAVA_PMEM:-nvdimm}" = memmap ]; then
		pmem=(-e '/nvdimm/d' -e '/memory-backend-ram/d'
		      -e 's|memory: "2G,slots=2,maxmem=8G"|memory: "6G"|' -e 's|@APPEND@|memmap=2G!4G @APPEND@|')
	fi
	sed "${pmem[@]}" -e "s|@NAME@|$2|" -e "s|@KERNEL_URL@|file://$3/vmlinuz|" \
		-e "s|@RAMDISK_URL@|file://$3/ramdisk.cpio|" -e "s|@REPO@|$4|" \
		-e "s|@FS@|$5|" -e "s|@SUITE@|$6|" -e "s|@SHARD@|$7|" -e "s|@APPEND@|${8:-}|" \
		-e "s|@JOB_MINUTES@|$((minutes + 20))|" -e "s|@TEST_MINUTES@|$minutes|" \
		"$HERE/qemu-pmem-job.yaml.in" >"$1"
}

# compare LOG REPORTS_DIR: the cases LAVA recorded against the reports.
compare() {
	local log=$1 dir=$2 f
	/usr/bin/python3 "$HERE/joblog.py" "$log" --reports "$dir" | sort >"$dir/lava-results" ||
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
	/usr/bin/python3 "$HERE/render-device.py" "$tdir" "$work/qemu01.jinja2" "$out/job.yaml" \
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

# ---- the fan-out: lava-server, two workers, lavacli ----

LAVA_URL=http://127.0.0.1:8000
PIDS=
PG_STARTED=

# timing NAME T0: one line of the timings table
timing() {
	printf '%-34s %8s s\n' "$1" "$(since "$2")" | tee -a "$OUT/timings.txt" >&2
}

# spawn NAME CMD...: a daemon in its own session, remembered for stop_all.
spawn() {
	local name=$1
	shift
	setsid "$@" >"$OUT/logs/$name.out" 2>&1 &
	PIDS="$PIDS $!"
	echo "$name $!" >>"$OUT/logs/pids"
}

stop_all() {
	local pid
	for pid in $PIDS; do
		kill -TERM -- "-$pid" 2>/dev/null || true
	done
	for pid in $PIDS; do
		for _ in $(seq 50); do
			kill -0 "$pid" 2>/dev/null || break
			sleep 0.2
		done
		kill -KILL -- "-$pid" 2>/dev/null || true
	done
	PIDS=
	if [ -n "$PG_STARTED" ]; then
		pg_ctlcluster "${PG_STARTED% *}" "${PG_STARTED#* }" stop ||
			say "warning: could not stop PostgreSQL $PG_STARTED"
		PG_STARTED=
	fi
}

manage() { lava-server manage "$@"; }

# PostgreSQL: start the cluster when it is down (and stop it after).
start_postgres() {
	local ver name
	pg_isready -q && return 0
	read -r ver name _ < <(pg_lsclusters -h | head -n 1) || die "no PostgreSQL cluster (pg_lsclusters)"
	say "starting PostgreSQL $ver/$name (stopped again at the end)"
	pg_ctlcluster "$ver" "$name" start || die "pg_ctlcluster $ver $name start failed"
	PG_STARTED="$ver $name"
	pg_isready -q -t 30 || die "PostgreSQL did not come up"
}

# The server's database, configuration and processes.
start_server() {
	# what lava-server's postinst skips when PostgreSQL is down: roles,
	# database, migrations
	/usr/bin/python3 /usr/share/lava-server/postinst.py --db --config >"$OUT/logs/postinst.out" 2>&1 ||
		die "lava-server's postinst.py --db failed: $OUT/logs/postinst.out"
	spawn gunicorn gunicorn3 lava_server.wsgi --log-level INFO \
		--log-file /var/log/lava-server/gunicorn.log -u lavaserver -g lavaserver \
		--worker-class eventlet --workers 2 --timeout 300 --bind 127.0.0.1:8000
	spawn scheduler lava-server manage lava-scheduler --level INFO \
		--log-file /var/log/lava-server/lava-scheduler.log
	for _ in $(seq 120); do
		curl -sf "$LAVA_URL/api/v0.2/system/version/" >/dev/null 2>&1 && return 0
		sleep 0.5
	done
	die "lava-server did not answer on $LAVA_URL: $OUT/logs/gunicorn.out"
}

# Users, token, device type, workers and devices (idempotent).
configure_server() {
	local w dev token tdir
	manage users add --superuser --staff --passwd daxstress daxstress >/dev/null 2>&1 || true
	# the API token of that user: one secret, kept in the cache
	[ -s "$CACHE/server-token" ] || (umask 077; head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >"$CACHE/server-token")
	token=$(cat "$CACHE/server-token")
	manage tokens add --user daxstress --secret "$token" >/dev/null 2>&1 || true
	lavacli identities add --uri "$LAVA_URL/RPC2" --username daxstress --token "$token" daxstress
	manage device-types add qemu >/dev/null 2>&1 || true
	tdir=/etc/lava-server/dispatcher-config/devices
	for w in 1 2; do
		dev=qemu0$w
		manage workers add "worker$w" >/dev/null 2>&1 || true
		manage devices add --device-type qemu --worker "worker$w" "$dev" >/dev/null 2>&1 || true
		device_dict "$dev" >"$tdir/$dev.jinja2"
		chown lavaserver:lavaserver "$tdir/$dev.jinja2"
		manage devices update --health GOOD "$dev" >/dev/null
	done
}

start_workers() {
	local w token
	for w in 1 2; do
		token=$(manage workers details "worker$w" 2>/dev/null | awk '/^token/ { print $NF }')
		[ -n "$token" ] || die "no token for worker$w (lava-server manage workers details worker$w)"
		mkdir -p "/var/lib/lava/dispatcher/worker$w"
		spawn "worker$w" lava-worker --name "worker$w" --url "$LAVA_URL/" --token "$token" \
			--worker-dir "/var/lib/lava/dispatcher/worker$w" --level INFO \
			--log-file "$OUT/logs/worker$w.log"
	done
}

# job_state ID: the job's state and health ("Finished Complete")
job_state() {
	lavacli -i daxstress jobs show "$1" --yaml 2>/dev/null |
		/usr/bin/python3 -c 'import sys, yaml; j = yaml.safe_load(sys.stdin); print(j["state"], j["Health"] if "Health" in j else j.get("health"))'
}

do_matrix() {
	local kernels=${LAVA_KERNELS:-debian:6.1 debian:6.12} fss=${LAVA_FS:-ext4 xfs}
	local suite=${LAVA_SUITE:-smoke} shards=${LAVA_SHARDS:-2}
	local t0 t spec k fs n id ids="" left st name d
	t0=$(now)
	OUT=${LAVA_OUT:-$TOP/results/lava-matrix-$(date -u +%Y%m%dT%H%M%SZ)}
	mkdir -p "$OUT/logs" "$OUT/jobs" "$OUT/merged"
	: >"$OUT/timings.txt"
	[ -d "$TOP/$BUILD/payload" ] || die "no $BUILD/payload: make payload"
	t=$(now)
	apt_need lava-run lava-dispatcher
	apt_need lava-server lava-server
	apt_need lavacli lavacli
	apt_need zstd zstd
	timing "install (what was missing)" "$t"
	trap stop_all EXIT
	trap 'exit 130' INT TERM HUP
	t=$(now)
	start_postgres
	start_server
	timing "PostgreSQL + lava-server up" "$t"
	t=$(now)
	configure_server
	start_workers
	timing "users, devices, two workers" "$t"
	t=$(now)
	for spec in $kernels; do
		k=${spec#debian:}
		images "$spec" "$OUT/images/$k"
	done
	testrepo "$OUT/testrepo"
	timing "kernels + initramfs images" "$t"
	t=$(now)
	for spec in $kernels; do
		k=${spec#debian:}
		for fs in $fss; do
			for n in $(seq "$shards"); do
				name="$k-$fs-$n"
				job "$OUT/jobs/$name.yaml" "$spec $fs shard $n/$shards" "$OUT/images/$k" \
					"$OUT/testrepo" "$fs" "$suite" "$n/$shards"
				id=$(lavacli -i daxstress jobs submit "$OUT/jobs/$name.yaml") ||
					die "lavacli jobs submit $name failed"
				echo "$id $name" >>"$OUT/jobs/ids"
				ids="$ids $id"
			done
		done
	done
	timing "submit $(echo "$ids" | wc -w) jobs (lavacli)" "$t"
	t=$(now)
	left=$ids
	while [ -n "$left" ]; do
		sleep 10
		n=""
		for id in $left; do
			st=$(job_state "$id")
			case "$st" in Finished*) echo "$(since "$t0") $id $st" >>"$OUT/jobs/finished" ;; *) n="$n $id" ;; esac
		done
		left=$n
	done
	timing "run every job (two workers)" "$t"
	t=$(now)
	while read -r id name; do
		d=$OUT/collected/$name
		mkdir -p "$d"
		lavacli -i daxstress jobs show "$id" --yaml >"$d/job.yaml"
		lavacli -i daxstress results "$id" --yaml >"$d/results.yaml"
		lavacli -i daxstress jobs logs "$id" --raw >"$d/log.yaml"
		compare "$d/log.yaml" "$d"
		/usr/bin/python3 "$HERE/joblog.py" --lavacli-results "$d/results.yaml" | sort >"$d/lavacli-results"
		diff -u "$d/expected" "$d/lavacli-results" >&2 ||
			die "job $id ($name): lavacli results differ from its reports"
	done <"$OUT/jobs/ids"
	timing "collect results + logs (lavacli)" "$t"
	t=$(now)
	for spec in $kernels; do
		k=${spec#debian:}
		for fs in $fss; do
			"$DAXSTRESS" merge --junit "$OUT/merged/$k-$fs.junit.xml" \
				--kcidb "$OUT/merged/$k-$fs.kcidb.json" --ktap "$OUT/merged/$k-$fs.ktap" \
				"$OUT/merged/$k-$fs.json" "$OUT/collected/$k-$fs-"*"/$fs.json" ||
				die "daxstress merge $k $fs failed"
			jq -r --arg k "$k" '.cases[] | "\($k) \(.name) \(.verdict) \(.raw_verdict // "") \(.shard // "")"' \
				"$OUT/merged/$k-$fs.json" >>"$OUT/merged/verdicts.txt"
		done
	done
	timing "merge (daxstress merge)" "$t"
	t=$(now)
	stop_all
	trap - EXIT
	timing "stop everything" "$t"
	timing "total" "$t0"
	cat "$OUT/merged/verdicts.txt" >&2
	say "results: $OUT"
}

case "${1:-}" in
check) do_check ;;
matrix) do_matrix ;;
*)
	sed -n 's/^# Usage: /usage: /p; s/^#   /   /p' "$0" >&2
	exit 2
	;;
esac
