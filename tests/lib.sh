# SPDX-License-Identifier: GPL-2.0
# Shared helpers for the shell tests: each assertion prints "ok - what" or
# "not ok - what", which tests/run.sh counts.

BUILD=${BUILD:-build}
DAXSTRESS=${DAXSTRESS:-$BUILD/daxstress}
failures=0

ok() { echo "ok - $*"; }
not_ok() { echo "not ok - $*"; failures=$((failures + 1)); }

# expect_eq WHAT GOT WANT
expect_eq() {
	if [ "$2" = "$3" ]; then ok "$1"; else not_ok "$1: got '$2', want '$3'"; fi
}

# expect_match WHAT TEXT PATTERN (grep -E)
expect_match() {
	if printf '%s' "$2" | grep -Eq -- "$3"; then ok "$1"; else
		not_ok "$1: '$3' not found in: $(printf '%s' "$2" | head -c 400)"; fi
}

# jget FILE CASE FIELD: a field of one case of a daxstress JSON report
jget() {
	jq -r --arg c "$2" ".cases[] | select(.suite_case == \$c) | .$3" "$1"
}

finish() { exit $((failures > 0)); }

# pids of processes whose command line names directory $1
procs_in() { pgrep -f -- "--dir=$1|--dir $1" | tr '\n' ' '; }

# suite_two FILE D1 D2: two small pvm/punch cases, "first" for D1, "second" for D2
suite_two() {
	printf '[global]\nworkload = pin-truncate\npin = pvm\nbreak = punch\nsize = 8M\npin-size = 64k\n[first]\nduration = %s\n[second]\nduration = %s\n' \
		"$2" "$3" > "$1"
}

# vm_run RES ARGS...: daxstress vm with its results under RES; the output is
# shown indented and kept in RES/out.txt. Leaves $rc and $rep (report.json).
vm_run() {
	vm_res=$1
	shift
	"$DAXSTRESS" vm --results "$vm_res" "$@" >"$vm_res/out.txt" 2>&1
	rc=$?
	sed 's/^/    /' "$vm_res/out.txt"
	rep=$(ls "$vm_res"/*/report.json 2>/dev/null | head -n 1)
}

# need_report: the test fails and ends here if vm_run left no report.json.
need_report() {
	[ -f "$rep" ] && return 0
	not_ok "no report.json under $vm_res"
	finish
}

# need_losetup NAME: the test NAME needs root and losetup; without them it is
# a SKIP that says so, and the test ends here.
need_losetup() {
	[ "$(id -u)" -eq 0 ] && command -v losetup >/dev/null && return 0
	echo "ok - $1 # SKIP needs root and losetup (loop devices) to format a scratch device"
	exit 0
}

# loop_device NAME DIR SIZE: a loop device over a new sparse DIR/img in
# $loop; with none free the test NAME is a SKIP that says so (DIR removed).
loop_device() {
	truncate -s "$3" "$2/img"
	loop=$(losetup -f --show "$2/img" 2>/dev/null)
	[ -n "$loop" ] && return 0
	echo "ok - $1 # SKIP no free loop device (losetup -f failed)"
	rm -rf "$2"
	exit 0
}

# fake_qemu FILE FS BODY: a stand-in QEMU for `daxstress vm` (DAXSTRESS_QEMU=FILE).
# It writes the guest init's events up to KTAP-BEGIN for filesystem FS into
# the data channel, then what the shell file BODY prints (with $m the mark).
fake_qemu() {
	cat >"$1" <<EOF_QEMU
#!/bin/sh
for a in "\$@"; do
	case "\$a" in file,id=data,path=*) data=\${a#file,id=data,path=} ;; esac
done
m=@@DAXSTRESS
{
	echo "\$m INIT 1.0 fake"
	echo "\$m SETUP 1.1 /dev/nullb0 fake"
	echo "\$m FS-BEGIN 1.2 $2"
	echo "\$m FS-READY 1.3 $2 rw,dax=always"
	echo "\$m KTAP-BEGIN 1.4 $2"
	. "$3"
} >"\$data"
EOF_QEMU
	chmod +x "$1"
}
