#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Description: the host-only part of the tests meant for the kernel's
# suites (make kselftest-check and make fstests-check run them for real).
# fstests/src/t_dax_pin_truncate.c builds with libc only, warning-free,
# and refuses a non-DAX file and bad usage. The kselftest builds with libc
# only against the kselftest_harness.h of a kernel tree cached by
# kselftest/ksrc.sh (none cached: says so and stops there), skips every
# variant with its short reason on a host without DAX, and the tree's
# kunit.py reads its KTAP.
. "$(dirname "$0")/../lib.sh"
set -u

tmp=$(mktemp -d /tmp/daxstress-upstream.XXXXXX)
trap 'rm -rf "$tmp"' EXIT

gcc -O2 -Wall -Wextra -Werror -Wno-unused-parameter -pthread -o "$tmp/t_dax_pin_truncate" \
	fstests/src/t_dax_pin_truncate.c > "$tmp/cc.log" 2>&1
expect_eq "fstests helper: builds with libc only, no warnings" "$?$(cat "$tmp/cc.log")" 0
: > "$tmp/plain"
"$tmp/t_dax_pin_truncate" -c "$tmp/plain"
expect_eq "fstests helper: -c says a file on $tmp is not DAX" "$?" 1
msg=$("$tmp/t_dax_pin_truncate" 2>&1)
expect_eq "fstests helper: no arguments is usage, exit 1" "$?" 1
expect_match "fstests helper: the usage names both forms" "$msg" "usage: .* -c FILE \| DAXFILE SRC SECONDS"

# The series in kselftest/patches carries today's sources (make kselftest-patches).
for f in break_layouts.c Makefile config settings .gitignore; do
	awk -v f="tools/testing/selftests/filesystems/dax/$f" '
		/^diff --git / { on = ($3 == "a/" f) }
		on && /^@@/ { body = 1; next }
		on && body && /^\+/ { print substr($0, 2) }
		/^diff --git / { body = 0 }
	' kselftest/patches/0001-*.patch > "$tmp/from-patch"
	expect_eq "kselftest/patches: $f is the one in kselftest/" \
		"$(cmp -s "$tmp/from-patch" "kselftest/tools/testing/selftests/filesystems/dax/$f" && echo same)" same
done

hdr=$(ls ${XDG_CACHE_HOME:-$HOME/.cache}/daxstress/ksrc/linux-source-*/tools/testing/selftests/kselftest_harness.h \
	2>/dev/null | sort -V | tail -n 1)
if [ -z "$hdr" ]; then
	echo "# no kernel tree in ~/.cache/daxstress/ksrc (make kselftest-check or kselftest/ksrc.sh 7.3 fetches one): the kselftest build is not checked here"
	finish
fi
st=$(dirname "$hdr")
tree=${st%/tools/testing/selftests}
echo "# kselftest_harness.h of $tree"
mkdir -p "$tmp/st/filesystems/dax"
cp "$st"/kselftest.h "$st"/kselftest_harness.h "$tmp/st/"
cp kselftest/tools/testing/selftests/filesystems/dax/break_layouts.c "$tmp/st/filesystems/dax/"
(cd "$tmp/st/filesystems/dax" && gcc -O2 -g -Wall -Werror -pthread -o break_layouts break_layouts.c) \
	> "$tmp/kcc.log" 2>&1
expect_eq "kselftest: builds with libc only, no warnings" "$?$(cat "$tmp/kcc.log")" 0
expect_eq "kselftest: links libc only" \
	"$(readelf -d "$tmp/st/filesystems/dax/break_layouts" | sed -n 's/.*NEEDED.*\[\(.*\)\]/\1/p')" libc.so.6
env -u DAX_TEST_DIR "$tmp/st/filesystems/dax/break_layouts" > "$tmp/unset.txt" 2>&1
expect_eq "kselftest: without DAX_TEST_DIR all 11 skip, with the reason" \
	"$(grep -Ec '^ok [0-9]+ .*# SKIP DAX_TEST_DIR not set$' "$tmp/unset.txt")" 11
python3 "$tree/tools/testing/kunit/kunit.py" parse "$tmp/unset.txt" > "$tmp/parsed" 2>&1
expect_match "kselftest: kunit.py reads the KTAP" "$(cat "$tmp/parsed")" "Ran 11 tests: skipped: 11"
DAX_TEST_DIR=$tmp "$tmp/st/filesystems/dax/break_layouts" > "$tmp/nodax.txt" 2>&1
expect_eq "kselftest: a directory without DAX: all 11 skip, with the reason" \
	"$(grep -Ec '^ok [0-9]+ .*# SKIP DAX_TEST_DIR is not on a DAX mount$' "$tmp/nodax.txt")" 11
expect_eq "kselftest: it leaves no file behind" "$(find "$tmp" -maxdepth 1 -name 'break_layouts.*' | wc -l)" 0
finish
