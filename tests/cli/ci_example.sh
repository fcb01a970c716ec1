#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Description: the example CI matrix (docs/ci/github-matrix.example.yml) is
# valid YAML for Debian's yamllint, and every daxstress option it uses
# exists, so the example cannot rot unnoticed.
. "$(dirname "$0")/../lib.sh"

f=docs/ci/github-matrix.example.yml
conf='{extends: default, rules: {line-length: {max: 110}, truthy: {check-keys: false}, document-start: disable}}'
if command -v yamllint >/dev/null; then
	expect_eq "yamllint: the example is clean" "$(yamllint -d "$conf" "$f" 2>&1)" ""
else
	echo "ok - yamllint # SKIP yamllint not installed (make deps installs it)"
fi
vmhelp=$("$DAXSTRESS" vm --help 2>&1)
mergehelp=$("$DAXSTRESS" merge --help 2>&1)
for o in --kernel --fs --suite --shard --json; do
	expect_match "vm takes $o" "$vmhelp" "$o"
done
for o in --junit --kcidb --ktap; do
	expect_match "merge takes $o" "$mergehelp" "$o"
done
expect_match "the example names a suite that exists" "$(ls configs)" \
	"^$(sed -n 's/.*--suite \([a-z]*\).*/\1/p' "$f" | head -n 1).conf$"
finish
