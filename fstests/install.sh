#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Description: puts our fstests test into an fstests checkout: the helper
# as src/t_dax_pin_truncate.c (added to src/Makefile's TARGETS and
# .gitignore) and the test as tests/generic/NNN(.out), NNN the first free
# number after the highest one there. Prints NNN. Idempotent: a checkout that
# has the helper already keeps its number.
#
# Usage: fstests/install.sh CHECKOUT
set -eu
here=$(cd "$(dirname "$0")" && pwd)
co=${1:?usage: $0 FSTESTS-CHECKOUT}
[ -f "$co/src/Makefile" ] && [ -d "$co/tests/generic" ] ||
	{ echo "install.sh: $co is not an fstests checkout" >&2; exit 1; }

num=$(grep -l 'src/t_dax_pin_truncate' "$co"/tests/generic/[0-9]* 2>/dev/null |
	sed -n '1s#.*/##p')
if [ -z "$num" ]; then
	last=$(find "$co/tests/generic" -maxdepth 1 -name '[0-9]*' ! -name '*.*' -printf '%f\n' |
		sort -n | tail -n 1)
	num=$(printf "%03d" $(($(echo "$last" | sed "s/^0*//") + 1)))
fi
cp "$here/src/t_dax_pin_truncate.c" "$co/src/"
grep -q 't_dax_pin_truncate' "$co/src/Makefile" ||
	sed -i 's/^TARGETS = /TARGETS = t_dax_pin_truncate /' "$co/src/Makefile"
grep -qx '/src/t_dax_pin_truncate' "$co/.gitignore" 2>/dev/null ||
	echo '/src/t_dax_pin_truncate' >> "$co/.gitignore"
sed "s/@NUM@/$num/" "$here/tests/generic/dax-pin-truncate" > "$co/tests/generic/$num"
chmod 755 "$co/tests/generic/$num"
sed "s/@NUM@/$num/" "$here/tests/generic/dax-pin-truncate.out" > "$co/tests/generic/$num.out"
echo "$num"
