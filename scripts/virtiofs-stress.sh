#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Description: the virtiofs daemon (our patched virtiofsd) under a long
# stress run: configs/virtiofs-stress.conf (8 cases x 4 min) in one VM with
# an 8 MiB window, so the 64 MiB files keep the DAX range reclaim (map and
# unmap) busy the whole time. Passes when the run completes (no case
# deadline: the daemon never stopped answering), every case has a verdict,
# and the daemon is still alive at the end. The log goes to $OUT (default
# results/virtiofs-stress.log); the run's directory is printed.
# Usage: scripts/virtiofs-stress.sh [KERNEL] (default debian:6.12)
set -u
BUILD=${BUILD:-build}
KERNEL=${1:-debian:6.12}
WINDOW=${VIRTIOFS_STRESS_WINDOW:-32M}
RES=${RESULTS:-results/virtiofs-stress}
OUT=${OUT:-results/virtiofs-stress.log}

mkdir -p "$RES" "$(dirname "$OUT")"
start=$(date +%s)
{
	echo "# virtiofs stress: kernel $KERNEL, window $WINDOW, suite virtiofs-stress, start $(date -u +%FT%TZ)"
	"$BUILD/daxstress" vm --kernel "$KERNEL" --fs virtiofs --suite configs/virtiofs-stress.conf \
		--virtiofs-window "$WINDOW" --case-timeout 420 --timeout 3600 --results "$RES"
	echo "# daxstress vm exit $?"
} >"$OUT" 2>&1
rc=$(sed -n 's/^# daxstress vm exit //p' "$OUT")
rep=$RES/latest/report.json
end=$(date +%s)
{
	echo "# wall $((end - start)) s"
	echo "# status $(jq -r .status "$rep") reason $(jq -r '.reason // ""' "$rep")"
	echo "# daemon died during the run: $(jq -r .virtiofs.daemon_died_during_run "$rep"), end: $(jq -r .virtiofs.daemon_end "$rep")"
	jq -r '.filesystems.virtiofs.result.cases[] | "# case \(.name) dax=\(.dax) verdict=\(.verdict) \(.duration_s) s"' "$rep"
	echo "# daemon log lines: $(wc -l <"$RES/latest/virtiofsd.log"), errors: $(grep -c ERROR "$RES/latest/virtiofsd.log")"
} >>"$OUT" 2>&1
tail -n 14 "$OUT"
[ "$(jq -r .status "$rep")" = completed ] && [ "$rc" -le 1 ]
