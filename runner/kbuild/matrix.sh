#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Description: read the kernel matrix (configs/kernels) and turn an entry into
# a `daxstress vm --kernel` spec, building test kernels on demand.
#
# Usage: matrix.sh [--file FILE] --list
#        matrix.sh [--file FILE] --show NAME       the entry's keys, "key = value"
#        matrix.sh [--file FILE] --spec NAME       the --kernel value (builds if needed)
#        matrix.sh [--file FILE] --build NAME...   build the listed entries (all: --build all)
# --spec prints a Debian spec (debian:6.1) for packaged kernels and a bzImage
# path for built ones (runner/kbuild/build.sh --source S [--patch P]). The
# file is read by `daxstress kernels` ($BUILD/daxstress, default build/).
# Example: build/daxstress vm --kernel "$(runner/kbuild/matrix.sh --spec build-6.12)" \
#              --fs ext4,xfs --suite smoke
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
FILE=$HERE/../../configs/kernels

say() { printf 'matrix.sh: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }
usage() { sed -n '3,14s/^# \{0,1\}//p' "$0" >&2; exit 2; }

# The table is read by daxstress kernels (lib/config/kerneltab.c), nothing else.
# shellcheck source=../vm/debian-apt.sh
. "$HERE/../vm/debian-apt.sh"
kt() { kernels --file "$FILE" "$@"; }

spec_of() {
	local name=$1 out k v kernel="" source="" patch=""
	out=$(kt --entry "$name") || exit 1
	while read -r k v; do
		case "$k" in
		kernel) kernel=$v ;;
		source) source=$v ;;
		patch) patch=$v ;;
		esac
	done <<<"$out"
	if [ -n "$kernel" ]; then
		echo "$kernel"
	else
		"$HERE/build.sh" --source "$source" ${patch:+--patch "$patch"}
	fi
}

# The names of the built entries.
built() {
	kt --list | awk '$2 == "build" { print $1 }'
}

[ $# -gt 0 ] || usage
while [ $# -gt 0 ]; do
	case "$1" in
	--file) FILE=${2:?}; shift 2 ;;
	--list) kt --list; exit ;;
	--show) kt --show "${2:?}"; exit ;;
	--spec) spec_of "${2:?}"; exit 0 ;;
	--build)
		shift
		[ $# -gt 0 ] || usage
		names=("$@")
		if [ "$1" = all ]; then
			out=$(built) || exit 1
			mapfile -t names <<<"$out"
		fi
		for s in "${names[@]}"; do
			out=$(kt --entry "$s") || exit 1
			case "$out" in
			kernel*) say "[$s] is a packaged kernel, nothing to build" ;;
			*) spec_of "$s" ;;
			esac
		done
		exit 0 ;;
	-h|--help) usage ;;
	*) say "unknown argument '$1'"; usage ;;
	esac
done
usage
