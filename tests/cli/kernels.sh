#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Description: daxstress kernels, the one reader of configs/kernels: the
# table checks, versions resolve (debian:5.10 without an entry finds
# bullseye first), a bad table is refused with file:line, the shell scripts
# get their answers from it (no suite map of their own), and the
# expectations name only entries of the table. No network.
. "$(dirname "$0")/../lib.sh"

out=$("$DAXSTRESS" kernels --check 2>&1)
expect_eq "kernels --check: exit 0" "$?" 0
expect_match "kernels --check counts the entries" "$out" "configs/kernels: [0-9]+ entries"

out=$("$DAXSTRESS" kernels --resolve debian:5.10 2>&1)
expect_eq "resolve debian:5.10: exit 0" "$?" 0
expect_eq "resolve debian:5.10: first suite set" \
	"$(echo "$out" | sed -n 's/^suites //p' | head -n 1)" "bullseye bullseye-updates bullseye-security"
expect_match "resolve debian:5.10: the image pattern" "$out" "^image linux-image-5\.10\.\*-amd64"
out=$("$DAXSTRESS" kernels --resolve debian:6.1 2>&1)
expect_eq "resolve debian:6.1: the suites of its entry, only" \
	"$(echo "$out" | sed -n 's/^suites //p')" "bookworm bookworm-updates bookworm-security"
expect_match "resolve debian:6.1: names its entry" "$out" "^entry debian-6\.1 .*configs/kernels:[0-9]+"
out=$("$DAXSTRESS" kernels --resolve debian:5.10@bullseye 2>&1)
expect_eq "resolve debian:5.10@bullseye: exactly bullseye" \
	"$(echo "$out" | sed -n 's/^suites //p')" "bullseye"
out=$("$DAXSTRESS" kernels --resolve debian:five 2>&1)
expect_eq "resolve a bad spec: exit 1" "$?" 1
expect_match "resolve a bad spec says what a spec is" "$out" "debian:VER or debian:VER@SUITE"
expect_eq "codename bookworm" "$("$DAXSTRESS" kernels --codename bookworm)" "debian:6.1"

# Every kernel configs/expectations names is an entry of the table.
for k in $("$DAXSTRESS" kernels --file configs/expectations --sections | grep -vx global); do
	"$DAXSTRESS" kernels --entry "$k" >/dev/null 2>&1 ||
		not_ok "configs/expectations names [$k], which configs/kernels has not"
done
ok "configs/expectations names only entries of configs/kernels"

d=$(mktemp -d /tmp/daxstress-kernels.XXXXXX)
printf '[a]\nkernel = debian:6.1\n\n[b]\nsource = debian:6.1\nsuite = sid\n' >"$d/bad"
out=$("$DAXSTRESS" kernels --file "$d/bad" --list 2>&1)
expect_eq "a bad table: exit 1" "$?" 1
expect_match "a bad table: file:line of the entry" "$out" "$d/bad:4: \[b\] is built"
printf '[a]\nkernel = debian:6.1\nflavor = x\n' >"$d/bad"
out=$("$DAXSTRESS" kernels --file "$d/bad" --resolve debian:6.1 2>&1)
expect_match "an unknown key: file:line" "$out" "$d/bad:3: unknown key 'flavor'"

# A long section name is whole (inih alone cuts it at 49 characters).
long=build-7.3-break-layout-remap-wake+gup-unpin-no-free
printf '[%s]\nsource = debian:7.3\npatch = p\n[x]\nkernel = debian:7.3\n' "$long" >"$d/long"
expect_eq "a long entry name: --entry" \
	"$("$DAXSTRESS" kernels --file "$d/long" --entry "$long" 2>&1 | head -n 1)" "source debian:7.3"
expect_eq "a long entry name: --get" \
	"$("$DAXSTRESS" kernels --file "$d/long" --get "$long" patch 2>&1)" "p"
"$DAXSTRESS" kernels --file "$d/long" --get x patch >/dev/null 2>&1
expect_eq "--get of a missing key: exit 1" "$?" 1

# The shell side: debian-apt.sh asks daxstress kernels.
out=$(DAXSTRESS=$DAXSTRESS bash -c '
	say() { echo "say: $*" >&2; }
	die() { echo "die: $*"; exit 1; }
	. runner/vm/debian-apt.sh
	debian_resolve debian:5.10
	echo "$KVER|$KIMAGE|$KSOURCE|$(echo "$KGROUPS" | head -n 1)"' 2>&1)
expect_eq "debian_resolve debian:5.10 (shell)" "$out" \
	"5.10|linux-image-5.10.*-amd64|linux-source-5.10|bullseye bullseye-updates bullseye-security"
out=$(XDG_CACHE_HOME=$d DAXSTRESS=$DAXSTRESS runner/vm/kernel.sh debian:6.1@Bad 2>&1)
expect_eq "kernel.sh with a bad spec: exit 1" "$?" 1
expect_match "kernel.sh with a bad spec: the parser's message" "$out" "is not a Debian kernel spec"

# No script keeps a kernel-to-suite map or a spec parser of its own.
kscripts="runner/vm/kernel.sh runner/vm/debian-apt.sh runner/kbuild/build.sh runner/kbuild/matrix.sh scripts/prove.sh"
# shellcheck disable=SC2086
maps=$(grep -ln 'bookworm\|trixie\|bullseye' $kscripts)
expect_eq "no Debian suite names in the kernel scripts" "$maps" ""
parsers=$(grep -ln '\*@\*\|#debian:' runner/vm/*.sh runner/kbuild/*.sh)
expect_eq "no debian:VER@SUITE parsing in the scripts" "$parsers" ""
help=$("$DAXSTRESS" vm --help 2>&1)
expect_match "vm --help: --kernel points at daxstress kernels" "$help" \
	"--kernel SPEC +debian:VER\[@SUITE\] \(daxstress kernels --list\)"
rm -rf "$d"
finish
