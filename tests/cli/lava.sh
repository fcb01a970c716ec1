#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Description: the LAVA pieces that need no LAVA (make lava-check runs the
# real lava-run): the test definition and the job template are valid YAML
# for yamllint and say what LAVA needs; `daxstress lava` maps every verdict
# to the LAVA result and measurement (run, vm and merge reports, refusals);
# daxstress-lava.sh, with a stand-in daxstress, reports every case and puts
# the report into the log, and ci/lava/joblog.py reads both back from a
# job log in lava-run's and in lavacli's form.
. "$(dirname "$0")/../lib.sh"

d=$(mktemp -d /tmp/daxstress-lava.XXXXXX)
trap 'rm -rf "$d"' EXIT
def=ci/lava/daxstress.yaml
tmpl=ci/lava/qemu-pmem-job.yaml.in

conf='{extends: default, rules: {line-length: {max: 110}, truthy: {check-keys: false}, document-start: disable}}'
sed 's/@[A-Z_]*@/1/g' "$tmpl" >"$d/job.yaml"
if command -v yamllint >/dev/null; then
	expect_eq "yamllint: the test definition is clean" "$(yamllint -d "$conf" "$def" 2>&1)" ""
	expect_eq "yamllint: the job template is clean" "$(yamllint -d "$conf" "$d/job.yaml" 2>&1)" ""
else
	echo "ok - yamllint # SKIP yamllint not installed (make deps installs it)"
fi

# yq FILE EXPR: a Python expression over the YAML document y
yq() {
	/usr/bin/python3 -c 'import sys, yaml; y = yaml.safe_load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}
expect_eq "definition: Lava-Test Test Definition 1.0" \
	"$(yq "$def" 'y["metadata"]["format"]')" "Lava-Test Test Definition 1.0"
expect_eq "definition: its params are the ones daxstress-lava.sh reads" \
	"$(yq "$def" '" ".join(sorted(y["params"]))')" \
	"$(sed -n 's/^\([A-Z_]*\)=.*\${\1:-.*/\1/p' ci/lava/daxstress-lava.sh | grep -v OUT | sort | tr '\n' ' ' | sed 's/ $//')"
expect_match "definition: exports the params and runs daxstress-lava.sh" \
	"$(yq "$def" '"; ".join(y["run"]["steps"])')" \
	"^export FS SUITE SHARD PMEM TARGET DAXSTRESS REPORT_IN_LOG; \./ci/lava/daxstress-lava\.sh$"
expect_eq "job: the nvdimm in extra_options, on a machine with nvdimm=on" \
	"$(yq "$d/job.yaml" '" ".join(o.split()[0] + o.split()[1].split(",")[0] for o in y["context"]["extra_options"])')" \
	"-machinepc -smp2 -objectmemory-backend-ram -devicenvdimm"
expect_eq "job: memory with a slot for the nvdimm" \
	"$(yq "$d/job.yaml" 'y["context"]["memory"]')" "2G,slots=2,maxmem=8G"
expect_eq "job: LAVA's overlay goes into the initramfs; the init knows it is LAVA" \
	"$(yq "$d/job.yaml" '[y["actions"][0]["deploy"]["images"]["ramdisk"]["overlays"]["lava"], "daxstress.lava=1" in y["actions"][0]["deploy"]["images"]["kernel"]["image_arg"]]')" \
	"[True, True]"
expect_eq "job: the boot prompt is the one the init sets" \
	"$(yq "$d/job.yaml" 'y["actions"][1]["boot"]["prompts"][0]')" \
	"$(sed -n "s/.*export PS1='\(.*\)'/\1/p" runner/vm/init)"

# A report with every verdict LAVA must tell apart.
cat >"$d/run.json" <<'EOF'
{"fs": "ext4", "cases": [
 {"name": "ext4.a", "verdict": "pass", "verdict_s": 30.0},
 {"name": "ext4.b", "verdict": "xfail", "raw_verdict": "missed-wakeup", "verdict_s": 12.25},
 {"name": "ext4.c", "verdict": "missed-wakeup", "verdict_s": 9.5},
 {"name": "ext4.d", "verdict": "blocked-by-mapping", "verdict_s": 7},
 {"name": "ext4.e", "verdict": "skip", "verdict_s": 0},
 {"name": "ext4.f", "verdict": "error", "verdict_s": 1.5},
 {"name": "ext4.g", "verdict": "miss"},
 {"name": "ext4.h i/j", "verdict": "hang", "verdict_s": 3}
]}
EOF
out=$("$DAXSTRESS" lava "$d/run.json")
expect_eq "lava: one line per case" "$(printf '%s\n' "$out" | wc -l)" 8
expect_eq "lava: pass is pass, with the time to the verdict" "$(printf '%s\n' "$out" | sed -n 1p)" \
	"lava-test-case ext4.a --result pass --measurement 30.000 --units s"
expect_eq "lava: xfail (known issue reproduced) is pass" "$(printf '%s\n' "$out" | sed -n 2p)" \
	"lava-test-case ext4.b --result pass --measurement 12.250 --units s"
expect_eq "lava: a missed wakeup is fail" "$(printf '%s\n' "$out" | sed -n 3p)" \
	"lava-test-case ext4.c --result fail --measurement 9.500 --units s"
expect_eq "lava: blocked-by-mapping is fail" "$(printf '%s\n' "$out" | sed -n 4p | cut -d' ' -f2-4)" \
	"ext4.d --result fail"
expect_eq "lava: skip is skip, no measurement" "$(printf '%s\n' "$out" | sed -n 5p)" \
	"lava-test-case ext4.e --result skip"
expect_eq "lava: error is fail" "$(printf '%s\n' "$out" | sed -n 6p | cut -d' ' -f2-4)" "ext4.f --result fail"
expect_eq "lava: miss is fail, no measurement" "$(printf '%s\n' "$out" | sed -n 7p)" \
	"lava-test-case ext4.g --result fail"
expect_eq "lava: other characters in a name become _" "$(printf '%s\n' "$out" | sed -n 8p | cut -d' ' -f2)" \
	"ext4.h_i_j"

printf '{"filesystems": {"ext4": {"result": {"cases": [{"name": "ext4.a", "verdict": "pass", "verdict_s": 1}]}},
 "xfs": {"result": {"cases": [{"name": "xfs.a", "verdict": "livelock", "verdict_s": 2}]}}}}\n' >"$d/vm.json"
expect_eq "lava: a vm report, every filesystem" "$("$DAXSTRESS" lava "$d/vm.json" | cut -d' ' -f2,4 | tr '\n' ' ')" \
	"ext4.a pass xfs.a fail "
echo '{"cases": []}' >"$d/empty.json"
err=$("$DAXSTRESS" lava "$d/empty.json" 2>&1)
expect_eq "lava: a report without cases exits 1" "$?" 1
expect_match "lava: ... and says so" "$err" "no cases in it"
"$DAXSTRESS" lava "$d/none.json" >/dev/null 2>&1
expect_eq "lava: a missing report exits 1" "$?" 1
"$DAXSTRESS" lava >/dev/null 2>&1
expect_eq "lava: no report is a usage error" "$?" 2

# daxstress-lava.sh outside LAVA, a stand-in daxstress: prepare records its
# command line and writes the report run would write; lava is the real one.
bdev=$(find /dev -maxdepth 1 -type b 2>/dev/null | head -n 1)
cat >"$d/daxstress" <<EOF
#!/bin/sh
case "\$1" in
prepare) echo "\$*" >>"$d/prepare.log"
	while [ "\$1" != --json ]; do shift; done
	cp "$d/run.json" "\$2"
	[ "\$(echo \$2 | grep -c xfs)" = 0 ] || rm "\$2" ;;
*) exec "$PWD/$DAXSTRESS" "\$@" ;;
esac
EOF
chmod +x "$d/daxstress"
if [ -n "$bdev" ]; then
	FS="ext4 xfs" SHARD=2/3 PMEM=$bdev DAXSTRESS=$d/daxstress OUT=$d/out \
		sh ci/lava/daxstress-lava.sh >"$d/log" 2>&1
	expect_eq "daxstress-lava.sh: exit 1 when a filesystem left no report" "$?" 1
	expect_match "daxstress-lava.sh: prepare formats PMEM, then run with the shard" \
		"$(head -n 1 "$d/prepare.log")" \
		"^prepare --device $bdev --fs ext4 --mount /mnt/daxstress-ext4 --force -- .* run --dir /mnt/daxstress-ext4 --suite smoke --json $d/out/ext4.json --target /dev/nullb0 --shard 2/3 --quiet$"
	expect_eq "daxstress-lava.sh: every case of the report, as daxstress lava says" \
		"$(grep '^lava-test-case ext4' "$d/log")" "$("$DAXSTRESS" lava "$d/run.json")"
	expect_eq "daxstress-lava.sh: no report is one failing case FS.run" \
		"$(grep '^lava-test-case xfs' "$d/log")" "lava-test-case xfs.run --result fail"
	# the job log as lava-run writes it (JSON lines) and as lavacli gives it
	/usr/bin/python3 - "$d/log" "$d" <<'EOF'
import json, re, sys
log, d = sys.argv[1], sys.argv[2]
lines = open(log).read().splitlines()
ents = [{"dt": "x", "lvl": "target", "msg": l} for l in lines]
for l in lines:
    m = re.match(r"lava-test-case (\S+) --result (\S+)(?: --measurement (\S+) --units (\S+))?$", l)
    if m:
        r = {"case": m[1], "definition": "0_daxstress", "result": m[2]}
        if m[3]:
            r.update(measurement=m[3], units=m[4])
        ents.append({"dt": "x", "lvl": "results", "msg": r})
ents.append({"dt": "x", "lvl": "results", "msg": {"case": "job", "definition": "lava", "result": "pass"}})
with open(d + "/run.log", "w") as f:
    f.writelines(json.dumps(e) + "\n" for e in ents)
with open(d + "/cli.log", "w") as f:
    f.writelines("- " + json.dumps(e) + "\n" for e in ents)
EOF
	for form in run cli; do
		res=$(/usr/bin/python3 ci/lava/joblog.py "$d/$form.log" --reports "$d/rep-$form" --prefix s2-)
		expect_eq "joblog.py ($form log): the definition's results, nothing of LAVA's own" \
			"$res" "$(grep '^lava-test-case' "$d/log")"
		expect_eq "joblog.py ($form log): the report out of the log, as it was" \
			"$(jq -c . "$d/rep-$form/s2-ext4.json")" "$(jq -c . "$d/out/ext4.json")"
	done
else
	echo "ok - daxstress-lava.sh # SKIP no block device in /dev to stand in for PMEM"
fi
# `lavacli results JOB --yaml`: LAVA's own cases left out, no measurement is "None"
cat >"$d/results.yaml" <<'EOF'
- {name: job, suite: lava, result: pass, measurement: None, unit: ''}
- {name: ext4.a, suite: 0_daxstress, result: pass, measurement: '30.0000000000', unit: s}
- {name: ext4.e, suite: 0_daxstress, result: skip, measurement: None, unit: ''}
EOF
expect_eq "joblog.py --lavacli-results: the definition's cases as daxstress lava writes them" \
	"$(/usr/bin/python3 ci/lava/joblog.py --lavacli-results "$d/results.yaml")" \
	"$("$DAXSTRESS" lava "$d/run.json" | grep -E ' ext4\.(a|e) ')"
echo '{"dt": "x", "lvl": "results", "msg": {"case": "job", "definition": "lava", "result": "fail"}}' >"$d/nores.log"
/usr/bin/python3 ci/lava/joblog.py "$d/nores.log" >/dev/null
expect_eq "joblog.py: a log without the definition's results exits 1" "$?" 1
finish
