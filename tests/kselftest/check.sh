#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Description: `make kselftest-check`. Puts kselftest/ into Debian's
# linux-source-6.1 tree as tools/testing/selftests/daxstress, builds and
# installs it with the tree's own Makefiles, runs the installed
# run_kselftest.sh on the host (no DAX: every test must skip, with its
# reason) and in the pmem VM on the stock 6.1 kernel (the O_DIRECT tests
# must report the known missed wakeup, the others pass), and checks both
# outputs with the tree's KTAP parser (tools/testing/kunit/kunit.py parse)
# and the kselftest sources with the tree's scripts/checkpatch.pl.
. "$(dirname "$0")/../lib.sh"
set -u

cache=${XDG_CACHE_HOME:-$HOME/.cache}/daxstress/ksrc
mkdir -p "$cache" "$BUILD/kselftest"
work=$(cd "$BUILD/kselftest" && pwd)	# absolute: make -C changes directory

src=$cache/linux-source-6.1
if [ ! -f "$src/.daxstress-unpacked" ]; then
	echo "# fetching and unpacking linux-source-6.1 (once; cached in $cache)"
	(cd "$cache" && rm -f linux-source-6.1_*.deb && apt-get download -q linux-source-6.1 >/dev/null) ||
		{ not_ok "apt-get download linux-source-6.1"; finish; }
	rm -rf "$cache/deb" "$src"
	dpkg-deb -x "$cache"/linux-source-6.1_*.deb "$cache/deb"
	tar -C "$cache" -xf "$cache"/deb/usr/src/linux-source-6.1.tar.xz \
		linux-source-6.1/Makefile linux-source-6.1/scripts linux-source-6.1/tools \
		linux-source-6.1/include linux-source-6.1/arch/x86 || { not_ok "unpack"; finish; }
	rm -rf "$cache/deb"
	touch "$src/.daxstress-unpacked"
fi
tree=$work/tree
rm -rf "$tree" "$work/inst"
mkdir -p "$tree"
for e in "$src"/*; do
	[ "$(basename "$e")" = tools ] || ln -s "$e" "$tree/"
done
cp -r "$src/tools" "$tree/tools"
cp -rL kselftest "$tree/tools/testing/selftests/daxstress"

make -C "$tree/tools/testing/selftests" TARGETS=daxstress > "$work/build.log" 2>&1
expect_eq "the tree builds the daxstress target" "$?" 0
make -C "$tree/tools/testing/selftests" TARGETS=daxstress INSTALL_PATH="$work/inst" install \
	> "$work/install.log" 2>&1
expect_eq "the tree installs it" "$?" 0
expect_eq "installed: 4 tests, settings and config" \
	"$(ls "$work/inst/daxstress" | tr '\n' ' ')" \
	"config dax_odirect_punch dax_odirect_truncate dax_pvm_truncate dax_vmsplice_punch settings "

out=$(perl "$tree/scripts/checkpatch.pl" --no-tree --terse -f \
	$(find "$tree/tools/testing/selftests/daxstress" -name '*.[ch]' -o -name Makefile) 2>&1)
expect_eq "checkpatch: no errors or warnings" "$out" ""

# kunit.py parse exits non-zero when a test failed or skipped, so its exit
# code is not the verdict on the format: the parser accepted the output when
# it counted all 4 tests and logged no parse error.
parse() {
	/usr/bin/python3 "$tree/tools/testing/kunit/kunit.py" parse "$1" > "$1.parsed" 2>&1
	if grep -q "Ran 4 tests" "$1.parsed" && ! grep -qi "error\|traceback" "$1.parsed"; then
		echo accepted
	else
		echo refused
	fi
}

# Host: no DAX directory.
(cd "$work/inst" && DAXSTRESS_DIR=/nonexistent ./run_kselftest.sh) > "$work/host.txt" 2>&1
expect_eq "host: run_kselftest.sh exits 0" "$?" 0
expect_eq "host: kunit parser accepts the output" "$(parse "$work/host.txt")" accepted
expect_match "host: every test skipped" "$(cat "$work/host.txt.parsed")" "Ran 4 tests: skipped: 4"
expect_match "host: each skip says why" "$(cat "$work/host.txt")" \
	"SKIP no DAX directory: /nonexistent does not exist; set DAXSTRESS_DIR"

# VM: stock 6.1, ext4 DAX.
pl=$work/payload
rm -rf "$pl"
cp -a "$BUILD/payload" "$pl"
mkdir -p "$pl/usr/libexec/daxstress"
cp -a "$work/inst" "$pl/usr/libexec/daxstress/kselftest"
install -m 755 tests/kselftest/guest-run.sh "$pl/usr/libexec/daxstress/kselftest/guest-run.sh"
res=$work/vm
rm -rf "$res"
# run_kselftest.sh calls timeout --foreground, which busybox lacks: ship coreutils' one.
DAXSTRESS_VM_TOOLS=/usr/bin/timeout "$DAXSTRESS" vm --kernel debian:6.1 --fs ext4 --payload "$pl" --results "$res" \
	--append "daxstress.cmd=/usr/libexec/daxstress/kselftest/guest-run.sh" > "$work/vm.log" 2>&1
ktap=$(ls "$res"/*/ktap.txt 2>/dev/null | head -n 1)
expect_eq "vm: the guest ran run_kselftest.sh to the end" \
	"$(jq -r .filesystems.ext4.completed "$(dirname "$ktap")/report.json" 2>/dev/null)" true
if [ -n "$ktap" ]; then
	grep -v '^@@DAXSTRESS' "$ktap" > "$work/vm.txt"
	sed 's/^/    /' "$work/vm.txt"
	expect_eq "vm: kunit parser accepts the output" "$(parse "$work/vm.txt")" accepted
	p=$(cat "$work/vm.txt.parsed")
	echo "$p" | sed 's/^/    /'
	expect_match "vm: dax_odirect_truncate fails (the 6.1 missed wakeup)" "$p" "FAILED.*dax_odirect_truncate"
	expect_match "vm: dax_pvm_truncate passes" "$p" "PASSED.*dax_pvm_truncate"
	expect_match "vm: dax_vmsplice_punch passes" "$p" "PASSED.*dax_vmsplice_punch"
	expect_match "vm: the failure is proven a missed wakeup" "$(cat "$work/vm.txt")" \
		"verdict missed-wakeup: breaker break.0 stalled"
else
	not_ok "vm: no ktap.txt in $res"
	tail -20 "$work/vm.log"
fi
finish
