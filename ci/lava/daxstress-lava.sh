#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Description: the run step of ci/lava/daxstress.yaml (busybox sh is enough).
# For each filesystem: make it on the pmem device with DAX (daxstress
# prepare), run the suite, and report every case of its JSON report to LAVA
# (`daxstress lava` writes the lava-test-case lines). A filesystem whose run
# left no report is one failing case, FS.run, so nothing goes missing
# silently. Outside LAVA (no lava-test-case) the lines are printed instead.
#
# Options override the environment variables of the same names (the
# definition's params: FS SUITE SHARD PMEM TARGET DAXSTRESS REPORT_IN_LOG).
# Usage: daxstress-lava.sh [--fs "ext4 xfs"] [--suite NAME] [--shard K/N]
#            [--pmem DEV] [--target DEV] [--daxstress CMD] [--report-in-log yes|no]
#            [--out DIR]
set -u

# defaults, or the test definition's params from the environment
FS=$(echo "${FS:-ext4 xfs}" | tr ',' ' ')
SUITE=${SUITE:-smoke}
SHARD=${SHARD:-}
PMEM=${PMEM:-/dev/pmem0}
TARGET=${TARGET:-/dev/nullb0}
DAXSTRESS=${DAXSTRESS:-daxstress}
REPORT_IN_LOG=${REPORT_IN_LOG:-yes}
OUT=${OUT:-/tmp/daxstress-lava}

usage() {
	sed -n 's/^# Usage: /usage: /p; s/^#            /   /p' "$0" >&2
	exit 2
}

while [ $# -gt 0 ]; do
	[ $# -ge 2 ] || usage
	case "$1" in
	--fs) FS=$(echo "$2" | tr ',' ' ') ;;
	--suite) SUITE=$2 ;;
	--shard) SHARD=$2 ;;
	--pmem) PMEM=$2 ;;
	--target) TARGET=$2 ;;
	--daxstress) DAXSTRESS=$2 ;;
	--report-in-log) REPORT_IN_LOG=$2 ;;
	--out) OUT=$2 ;;
	*) usage ;;
	esac
	shift 2
done

# lava-test-case NAME --result R ...: LAVA's, or a print outside LAVA.
report_case() {
	if command -v lava-test-case >/dev/null 2>&1; then
		lava-test-case "$@"
	else
		echo "lava-test-case $*"
	fi
}

# The report between markers, for ci/lava/collect.sh.
print_report() {
	[ "$REPORT_IN_LOG" = yes ] || return 0
	echo "@@DAXSTRESS-REPORT-BEGIN $1"
	gzip -c "$2" | base64
	echo "@@DAXSTRESS-REPORT-END $1"
}

run_fs() {
	fs=$1
	mnt=/mnt/daxstress-$fs
	json=$OUT/$fs.json
	mkdir -p "$mnt" "$OUT"
	rm -f "$json"
	echo "# daxstress-lava: $fs on $PMEM, suite $SUITE${SHARD:+, shard $SHARD}"
	# shellcheck disable=SC2086
	"$DAXSTRESS" prepare --device "$PMEM" --fs "$fs" --mount "$mnt" --force -- \
		"$DAXSTRESS" run --dir "$mnt" --suite "$SUITE" --json "$json" \
		--target "$TARGET" ${SHARD:+--shard "$SHARD"} --quiet
	rc=$?
	echo "# daxstress-lava: $fs exit $rc"
	if [ ! -s "$json" ]; then
		report_case "$fs.run" --result fail
		return 1
	fi
	"$DAXSTRESS" lava "$json" >"$OUT/$fs.cases" || {
		report_case "$fs.run" --result fail
		return 1
	}
	while read -r _ name rest; do
		# shellcheck disable=SC2086
		report_case "$name" $rest
	done <"$OUT/$fs.cases"
	print_report "$fs" "$json"
}

command -v "$DAXSTRESS" >/dev/null 2>&1 || {
	echo "daxstress-lava: $DAXSTRESS not found: install daxstress on the DUT" >&2
	report_case daxstress.installed --result fail
	exit 1
}
[ -b "$PMEM" ] || {
	echo "daxstress-lava: $PMEM is not a block device: set PMEM to the fsdax pmem device" >&2
	report_case daxstress.pmem --result fail
	exit 1
}
status=0
for fs in $FS; do
	run_fs "$fs" || status=1
done
exit $status
