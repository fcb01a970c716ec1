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
# path for built ones (runner/kbuild/build.sh --source S [--patch P]).
# Example: build/daxstress vm --kernel "$(runner/kbuild/matrix.sh --spec build-6.12)" \
#              --fs ext4,xfs --suite smoke
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
FILE=$HERE/../../configs/kernels

say() { printf 'matrix.sh: %s\n' "$*" >&2; }
die() { say "error: $*"; exit 1; }
usage() { sed -n '3,13s/^# \{0,1\}//p' "$0" >&2; exit 2; }

# "section<TAB>key<TAB>value" for every key of the file.
entries() {
	awk '
		/^[ \t]*([#;]|$)/ { next }
		/^[ \t]*\[/ { s = $0; sub(/^[ \t]*\[/, "", s); sub(/\].*/, "", s); next }
		{
			k = $0; v = $0
			sub(/[ \t]*=.*/, "", k); sub(/^[ \t]+/, "", k)
			if (index(v, "=") == 0) next
			sub(/^[^=]*=[ \t]*/, "", v); sub(/[ \t\r]+$/, "", v)
			print s "\t" k "\t" v
		}' "$FILE"
}

sections() {
	awk '/^[ \t]*\[/ { s = $0; sub(/^[ \t]*\[/, "", s); sub(/\].*/, "", s); print s }' "$FILE"
}

# Readers take all their input: one that quits early (awk's exit, grep -q)
# can leave the writer with SIGPIPE, which pipefail turns into a silent
# exit of the whole script under load (measured: make prove lost two kernels).
get() {
	entries | awk -F '\t' -v s="$1" -v k="$2" '$1 == s && $2 == k && !n++ { print $3 }'
}

has_section() {
	sections | grep -xF -- "$1" >/dev/null
}

spec_of() {
	local name=$1 kernel source patch
	has_section "$name" || die "no [$name] in $FILE"
	kernel=$(get "$name" kernel)
	source=$(get "$name" source)
	patch=$(get "$name" patch)
	if [ -n "$kernel" ]; then
		echo "$kernel"
	elif [ -n "$source" ]; then
		"$HERE/build.sh" --source "$source" ${patch:+--patch "$patch"}
	else
		die "[$name] has neither kernel nor source"
	fi
}

[ $# -gt 0 ] || usage
while [ $# -gt 0 ]; do
	case "$1" in
	--file) FILE=${2:?}; shift 2 ;;
	--list)
		sections | while read -r s; do
			k=$(get "$s" kernel)
			if [ -n "$k" ]; then
				printf '%-34s kernel %s\n' "$s" "$k"
			else
				printf '%-34s build  %s + %s\n' "$s" "$(get "$s" source)" "$(get "$s" patch)"
			fi
		done
		exit 0 ;;
	--show)
		has_section "${2:?}" || die "no [$2] in $FILE"
		entries | awk -F '\t' -v s="$2" '$1 == s { print $2 " = " $3 }'
		exit 0 ;;
	--spec) spec_of "${2:?}"; exit 0 ;;
	--build)
		shift
		[ $# -gt 0 ] || usage
		names=("$@")
		[ "$1" != all ] || mapfile -t names < <(sections)
		for s in "${names[@]}"; do
			[ -n "$(get "$s" source)" ] || { say "[$s] is a packaged kernel, nothing to build"; continue; }
			spec_of "$s"
		done
		exit 0 ;;
	-h|--help) usage ;;
	*) say "unknown argument '$1'"; usage ;;
	esac
done
usage
