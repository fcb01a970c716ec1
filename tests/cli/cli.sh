#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Description: bad input gets a clear message and exit 2, never a crash; a
# non-DAX directory is refused.
. "$(dirname "$0")/../lib.sh"

dir=$(mktemp -d /tmp/daxstress-cli.XXXXXX)
WL=$BUILD/workloads/pin-truncate

out=$("$DAXSTRESS" run --dir "$dir" 2>&1); rc=$?
expect_eq "non-DAX dir: exit 2" "$rc" 2
expect_match "non-DAX dir: says why and what to do" "$out" "without a dax mount option: mount a pmem-backed"
expect_eq "non-DAX dir: nothing written" "$(ls "$dir")" ""

out=$("$DAXSTRESS" run 2>&1); rc=$?
expect_eq "no --dir: exit 2" "$rc" 2
expect_match "no --dir: message" "$out" "--dir is required"

out=$("$DAXSTRESS" run --dir "$dir" --bogus 2>&1); rc=$?
expect_eq "unknown option: exit 2" "$rc" 2
expect_match "unknown option: named" "$out" "unknown or incomplete option '--bogus'"

out=$("$DAXSTRESS" frobnicate 2>&1); rc=$?
expect_eq "unknown command: exit 2" "$rc" 2
expect_match "unknown command: named" "$out" "unknown command 'frobnicate'"

out=$("$DAXSTRESS" run --dir "$dir" --allow-nodax --suite nosuchsuite 2>&1); rc=$?
expect_eq "unknown suite: exit 2" "$rc" 2
expect_match "unknown suite: named" "$out" "no suite 'nosuchsuite'"

printf '[global]\nworkload = pin-truncate\n[x]\npin = odirect\nthreads = many\n' > "$dir/bad.conf"
out=$("$DAXSTRESS" run --dir "$dir" --allow-nodax --suite "$dir/bad.conf" 2>&1); rc=$?
expect_eq "malformed suite: exit 2" "$rc" 2
expect_match "malformed suite: file, line and problem" "$out" "bad.conf:5: threads: 'many' is not a whole number"
rm -f "$dir/bad.conf"

out=$("$WL" --dir "$dir" --pin usb 2>&1); rc=$?
expect_eq "workload bad pin: exit 2" "$rc" 2
expect_match "workload bad pin: lists the known ones" "$out" "unknown pin source 'usb' \(known: aio, fio, odirect, plant-nowake"

out=$("$WL" --dir "$dir" --pin pvm --break truncate --duration 1s 2>&1); rc=$?
expect_eq "workload on non-DAX dir: KSFT_SKIP" "$rc" 4
expect_match "workload on non-DAX dir: SKIP with reason" "$out" "ok 1 .* # SKIP .*without a dax mount option"

out=$("$WL" --dir "$dir" --allow-nodax --pin odirect --target "" --duration 1s 2>&1); rc=$?
if [ -e /dev/nullb0 ]; then ok "odirect default target present (skip check n/a)"; else
	expect_eq "odirect without target: KSFT_SKIP" "$rc" 4
	expect_match "odirect without target: says what to do" "$out" "SKIP no O_DIRECT target: /dev/nullb0 does not exist; load null_blk"
fi

out=$("$WL" --dir /nonexistent/dir --pin pvm 2>&1); rc=$?
expect_eq "missing dir: error exit 1" "$rc" 1
expect_match "missing dir: named" "$out" "/nonexistent/dir: No such file or directory"

out=$("$WL" --dir "$dir" --allow-nodax --pin odirect --target "$dir/target.img" --break punch --duration 2s 2>&1); rc=$?
expect_eq "odirect into a file target on non-DAX: pass" "$rc" 0
expect_eq "created target removed afterwards" "$(ls "$dir")" ""

# A case's own target wins over the run's --target, which is the default of
# the cases that name none (the VM always passes --target; the lockstep
# suite's cases need their 50 ms device).
mkdir "$dir/run"
cat > "$dir/t.conf" <<CONF
[global]
workload = pin-truncate
pin = odirect
break = punch
size = 4M
duration = 1s
[own-target]
target = $dir/case.img
[run-target]
duration = 1s
[missing-dev]
target = /dev/daxstress-no-such-dev
CONF
out=$("$DAXSTRESS" run --dir "$dir/run" --allow-nodax --suite "$dir/t.conf" --target "$dir/run.img" \
	--json "$dir/t.json" 2>&1); rc=$?
expect_match "a case's target: its own, not --target" "$out" "# pin odirect -> $dir/case.img,"
expect_match "a case without one: --target" "$out" "# pin odirect -> $dir/run.img,"
expect_match "a missing device: SKIP, says what to do" "$(jget "$dir/t.json" missing-dev reason)" \
	"no O_DIRECT target: /dev/daxstress-no-such-dev does not exist; make it"
expect_eq "a missing device: nothing created under /dev" \
	"$([ -e /dev/daxstress-no-such-dev ] && echo created || echo absent)" absent
expect_eq "the other two cases pass" "$(jget "$dir/t.json" own-target verdict) $(jget "$dir/t.json" run-target verdict)" "pass pass"
rm -rf "$dir/run" "$dir/t.conf" "$dir/t.json"

out=$("$WL" --dir "$dir" --allow-nodax --pin pvm --break truncate --duration 3s 2>&1); rc=$?
expect_eq "pvm + truncate, non-DAX: pass" "$rc" 0
expect_match "pvm + truncate: data verified, no stall" "$out" "verdict pass: no thread went"
rm -rf "$dir"
finish
