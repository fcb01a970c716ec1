#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Description: `make bench`: how hard daxstress hits the pin/break race and how
# fast it proves a bug, measured in the pmem VM, written to docs/BENCHMARKS.md.
#
#  1. collisions: configs/bench.conf on a 6.1 kernel whose O_DIRECT wake is
#     fixed (build-6.1-bio-release-devmap-wake, when cached; stock 6.1 hangs
#     at the first O_DIRECT collision), with configs/trace/collisions.trace:
#     kernel-counted collisions per case, the peer503 baseline in the same
#     boot, and a monitor on/off pair for the overhead;
#  2. detection: the stock 6.1 O_DIRECT bug, BENCH_REPS times with the smoke
#     suite's settings (before tuning) and with configs/bench-detect.conf's
#     (after), and each cached planted-bug kernel BENCH_REPS times;
#  3. files: the best collision case on 1 and on BENCH_FILES files at once,
#     with peer503 in the same boot (runner/vm/bench-files.sh): does the
#     rate grow past one file's serialised breaks, or are the CPUs the limit?
#  4. strength: every smoke, lockstep and nightly case beside peer503 in one
#     boot of stock 6.12, kernel-counted: does each exercise as many waits per
#     second?
#  5. nightly: the whole nightly suite, ext4 and xfs, on stock 6.12 (a clean
#     kernel), kernel-counted budgets, BENCH_NIGHTLY_REPS times: its wall time,
#     every false stall (a missed-wakeup, hang or blocked-by-mapping there)
#     and every long pin the proof released;
#  6. the heartbeat's cost per operation (tests/bench/hb_cost.c, on the host).
# Unattended; one VM boot per suite, run one after another (TCG is slow and
# the machine is shared). Settings (environment):
#   BUILD=build  BENCH_REPS=10  BENCH_ACCEL=tcg  BENCH_DOC=docs/BENCHMARKS.md
#   BENCH_OUT=results/bench-<time>  BENCH_SKIP=collisions,detect,planted,files,strength,nightly
#   BENCH_FILES=6  BENCH_NIGHTLY_REPS=3  BENCH_CATCH_REPS=BENCH_REPS
#   BENCH_NIGHTLY_KERNELS="debian:6.12 ..." (--kernel specs: debian:VER[@SUITE], a bzImage)
#   BENCH_REUSE=DIR (write the document from an earlier run's JSON, no VM)
cd "$(dirname "$0")/.." || exit 1

BUILD=${BUILD:-build}
REPS=${BENCH_REPS:-10}
ACCEL=${BENCH_ACCEL:-tcg}
DOC=${BENCH_DOC:-docs/BENCHMARKS.md}
OUT=${BENCH_REUSE:-${BENCH_OUT:-results/bench-$(date -u +%Y%m%d-%H%M%S)}}
SKIP=${BENCH_SKIP:-}
DS=$BUILD/daxstress
KBUILD=${DAXSTRESS_CACHE:-$HOME/.cache/daxstress}/kbuild
TRACE=configs/trace/collisions.trace

say() {
	echo "bench: $*" >&2
}

skipped() {
	case ",$SKIP," in *,"$1",*) return 0 ;; esac
	[ -n "${BENCH_REUSE:-}" ]
}

# The newest cached build of a kernel patch, or nothing (never builds: 15 min).
cached_kernel() {
	for d in $(ls -td "$KBUILD"/*-"$1" 2>/dev/null); do
		if [ -f "$d/.complete" ] && [ -f "$d/bzImage" ]; then
			echo "$d/bzImage"
			return 0
		fi
	done
	return 1
}

# Planted bugs: test-kernel patches whose header says what they break.
planted_patches() {
	for p in configs/kernel-patches/*.patch; do
		grep -q '^Breaks:' "$p" && basename "$p" .patch
	done
}

# A suite with [global] of SRC and section SEC repeated N times as SEC-1..SEC-N.
repeat_suite() {
	awk -v want="$2" -v n="$3" '
	/^\[/ { sec = substr($0, 2, index($0, "]") - 2); if (sec == "global") print; next }
	sec == "" || sec == "global" { print; next }
	sec == want && !/^[ \t]*[#;]/ { body = body $0 "\n" }
	END { for (i = 1; i <= n; i++) printf "[%s-%d]\n%s", want, i, body }' "$1"
}

# A boot that ended before any case ran (an early panic: TCG on a loaded
# host sometimes fails the IO-APIC timer check) is tried again.
ran_nothing() {
	[ "$(jq -r '.status' "$1" 2>/dev/null)" != completed ] &&
		[ "$(jq '[.filesystems[]?.result.cases[]?] | length' "$1" 2>/dev/null)" = 0 ]
}

# vm NAME KERNEL SUITE [ARGS]: one boot; its report in $OUT/NAME.json.
vm() {
	name=$1
	kernel=$2
	suite=$3
	shift 3
	for try in 1 2 3; do
		say "$name: $kernel, suite $suite (boot $try)"
		DAXSTRESS_VM_NO_FIO=${BENCH_NO_FIO-1} "$DS" vm --accel "$ACCEL" --kernel "$kernel" --fs "${VM_FS:-ext4}" \
			--suite "$suite" --results "$OUT/runs" --json "$OUT/$name.json" \
			--timeout 3600 "$@" >"$OUT/$name.log" 2>&1
		rc=$?
		ran_nothing "$OUT/$name.json" || break
	done
	say "$name: exit $rc ($(grep -c '^ok\|^not ok' "$OUT/$name.log") cases)"
}

# The kernel of the collision runs (its name in $OUT/$1.kernel): 6.1 with
# the O_DIRECT wake fixed, else stock 6.12.
collision_kernel() {
	if k=$(cached_kernel 6.1-bio-release-devmap-wake); then
		echo "6.1 with the bio wake fixed (build-6.1-bio-release-devmap-wake)" >"$OUT/$1.kernel"
	else
		k=debian:6.12
		echo "stock 6.12 (build-6.1-bio-release-devmap-wake is not cached: make kernels)" >"$OUT/$1.kernel"
	fi
	echo "$k"
}

run_collisions() {
	vm collisions "$(collision_kernel collisions)" configs/bench.conf --trace "$TRACE"
}

# Options of bench.conf's best case (odirect-collapse), for the files step.
FILES_OPTS=--pin=odirect,--break=collapse,--size=8M,--pin-size=16k,--break-size=4k,--threads=2,--owner-threads=0,--breakers=2

run_files() {
	date -u '+%Y-%m-%d %H:%M UTC' >"$OUT/files.started"
	vm files "$(collision_kernel files)" configs/bench.conf --trace "$TRACE" --append \
		"daxstress.cmd=/usr/libexec/daxstress/vm/bench-files.sh daxstress.files=${BENCH_FILES:-6} daxstress.files_opts=$FILES_OPTS"
	grep -h '^files: ' "$OUT"/runs/latest/console.log | tr -d '\r' >"$OUT/files.txt"
	echo "$FILES_OPTS" | tr ',' ' ' >"$OUT/files.opts"
}

run_detect() {
	repeat_suite configs/smoke.conf odirect-truncate "$REPS" >"$OUT/detect-smoke.conf"
	vm detect-stock61-smoke debian:6.1 "$OUT/detect-smoke.conf"
	repeat_suite configs/bench-detect.conf odirect-truncate "$REPS" >"$OUT/detect-tuned.conf"
	vm detect-stock61-tuned debian:6.1 "$OUT/detect-tuned.conf"
}

# Every case of SRC... (flattened) N times, as CASE-1..CASE-N.
repeat_cases() {
	n=$1
	shift
	flatten_suites "$@" | awk -v n="$n" '
	function flush() { if (sec != "") for (i = 1; i <= n; i++) printf "[%s-%d]\n%s\n", sec, i, body }
	/^\[/ { flush(); sec = substr($0, 2, index($0, "]") - 2); body = ""; next }
	NF { body = body $0 "\n" }
	END { flush() }'
}

# Each planted kernel: the time to its verdict (pvm pins, REPS runs), and
# every smoke and lockstep case BENCH_CATCH_REPS times on ext4 and xfs: does
# each case that should catch the planted bug catch it every time?
run_planted() {
	repeat_suite configs/bench-detect.conf pvm-truncate "$REPS" >"$OUT/detect-pvm.conf"
	repeat_cases "${BENCH_CATCH_REPS:-$REPS}" configs/smoke.conf configs/lockstep.conf >"$OUT/catch.conf"
	for p in $(planted_patches); do
		if k=$(cached_kernel "$p"); then
			BENCH_NO_FIO= VM_FS=ext4,xfs vm "catch-$p" "$k" "$OUT/catch.conf"
			vm "planted-$p" "$k" "$OUT/detect-pvm.conf"
		else
			say "planted-$p: skipped: not cached (runner/kbuild/matrix.sh --build build-$p, 15 min)"
			echo "$p" >>"$OUT/planted.missing"
		fi
	done
}

# Suites SRC... flattened into one: each case gets its suite's [global]
# keys (those it does not set itself) and the suite's name as a prefix.
# The sections and keys come from the project's one INI reader.
flatten_suites() {
	for src in "$@"; do
		pre=$(basename "$src" .conf)
		for sec in $("$DS" kernels --file "$src" --sections); do
			[ "$sec" = global ] && continue
			own=$("$DS" kernels --file "$src" --show "$sec")
			echo "[$pre-$sec]"
			"$DS" kernels --file "$src" --show global | while IFS= read -r kv; do
				printf '%s\n' "$own" | grep -q "^${kv%% =*} = " || printf '%s\n' "$kv"
			done
			printf '%s\n\n' "$own"
		done
	done
}

# Strength: every case of smoke, lockstep and nightly beside peer503, in one
# boot, kernel-counted, on stock 6.12 (no known hang there to end a case
# early). The peer runs first and last: the VM's speed moves with the host's
# load, and the report compares each case with the better of the two.
peer_case() {
	printf '[%s]\nworkload = peer503\nsize = 4M\npin-size = 16k\nduration = 10s\n\n' "$1"
}

run_strength() {
	{ peer_case peer503
	  flatten_suites configs/smoke.conf configs/lockstep.conf configs/nightly.conf
	  peer_case peer503-end; } >"$OUT/strength.conf"
	BENCH_NO_FIO= VM_FS=ext4,xfs vm strength debian:6.12 "$OUT/strength.conf" --trace "$TRACE"
}

# The nightly suite as users run it, timed from the host: the VM's wall
# time, boot included, on each kernel of BENCH_NIGHTLY_KERNELS (clean
# kernels: every stall there is false unless a known issue names it).
# One line per run in nightly.txt: run id (kernel.rep), seconds, exit, kernel.
run_nightly() {
	: >"$OUT/nightly.txt"
	k=0
	for spec in ${BENCH_NIGHTLY_KERNELS:-debian:6.12}; do
		k=$((k + 1))
		r=1
		while [ "$r" -le "${BENCH_NIGHTLY_REPS:-3}" ]; do
			say "nightly $k.$r: $spec, ext4 and xfs"
			t0=$(date +%s)
			"$DS" vm --accel "$ACCEL" --kernel "$spec" --fs ext4,xfs --suite nightly \
				--trace "$TRACE" --results "$OUT/runs" --json "$OUT/nightly-$k.$r.json" \
				--timeout 3600 >"$OUT/nightly-$k.$r.log" 2>&1
			rc=$?
			echo "$k.$r $(($(date +%s) - t0)) $rc $spec" >>"$OUT/nightly.txt"
			say "nightly $k.$r: exit $rc in $(($(date +%s) - t0)) s"
			r=$((r + 1))
		done
	done
}

hb_cost() {
	mkdir -p "$BUILD/bench"
	${CC:-gcc} -O2 -D_GNU_SOURCE= -pthread -o "$BUILD/bench/hb_cost" tests/bench/hb_cost.c \
		"$BUILD/libdaxstress.a" && "$BUILD/bench/hb_cost" >"$OUT/hb_cost.txt"
}

mkdir -p "$OUT/runs"
[ -x "$DS" ] || { say "no $DS: run make first"; exit 1; }
started=$(date -u '+%Y-%m-%d %H:%M UTC')
skipped collisions || run_collisions
skipped detect || run_detect
skipped planted || run_planted
skipped files || run_files
skipped strength || run_strength
skipped nightly || run_nightly
[ -n "${BENCH_REUSE:-}" ] || hb_cost
[ -f "$OUT/started" ] || echo "$started" >"$OUT/started"
sh scripts/bench-report.sh "$OUT" >"$DOC.tmp" && mv "$DOC.tmp" "$DOC" || exit 1
cat "$DOC"
say "wrote $DOC (runs in $OUT)"
