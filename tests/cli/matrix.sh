#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Description: runner/kbuild/matrix.sh (the kernel matrix make prove reads)
# answers for an entry followed by a long file. Its scripts run under
# pipefail, where a reader that quits at the first match leaves the writer
# with SIGPIPE and the script exits without a word (it cost make prove two
# kernels); a long file makes that certain instead of a race.
. "$(dirname "$0")/../lib.sh"

f=$(mktemp /tmp/daxstress-kernels.XXXXXX)
{
	printf '[first]\nkernel = debian:6.1\n\n'
	i=0
	while [ $i -lt 20000 ]; do
		printf '[filler-%d]\nkernel = debian:6.12\n' $i
		i=$((i + 1))
	done
	printf '[last]\nkernel = debian:7.3\n'
} >"$f"
out=$(runner/kbuild/matrix.sh --file "$f" --spec first 2>&1)
expect_eq "matrix --spec of the first entry: exit 0" "$?" 0
expect_eq "matrix --spec of the first entry" "$out" "debian:6.1"
out=$(runner/kbuild/matrix.sh --file "$f" --spec last 2>&1)
expect_eq "matrix --spec of the last entry" "$out" "debian:7.3"
out=$(runner/kbuild/matrix.sh --file "$f" --spec nosuch 2>&1)
expect_eq "matrix --spec of a missing entry: exit 1" "$?" 1
expect_match "matrix --spec of a missing entry says so" "$out" "no \[nosuch\] in"
rm -f "$f"
finish
