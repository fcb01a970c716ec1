#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Description: daxstress vm --pmem memmap with a stand-in QEMU: legacy e820
# pmem instead of an NVDIMM: memmap=2G!4G on the kernel command line, 6 GiB
# of plain RAM, no nvdimm object or device, "pmem": "memmap" in the report;
# the default keeps the NVDIMM; a bad --pmem value is refused.
. "$(dirname "$0")/../lib.sh"

dir=$(mktemp -d /tmp/daxstress-vmmemmap.XXXXXX)
cat >"$dir/body" <<'EOF2'
	echo "TAP version 13"
	echo "1..1"
	echo "ok 1 ext4.fake"
	echo "$m KTAP-END 2.0 ext4 0"
	echo "$m JSON-BEGIN 2.1 ext4"
	echo '{"cases":[{"name":"ext4.fake","verdict":"pass"}]}'
	echo "$m JSON-END 2.2 ext4"
	echo "$m FS-END 2.3 ext4 0"
	echo "$m DONE 2.4 0"
EOF2
fake_qemu "$dir/qemu-run" ext4 "$dir/body"
# the stand-in records its command line, one argument a line
printf '#!/bin/sh\nprintf "%%s\\n" "$@" >"%s/argv"\nexec "%s/qemu-run" "$@"\n' "$dir" "$dir" >"$dir/qemu"
chmod +x "$dir/qemu"

# vm NAME [OPTION...]
vm() {
	n=$1
	shift
	DAXSTRESS_QEMU=$dir/qemu DAXSTRESS_VMDIR=$(pwd)/runner/vm "$DAXSTRESS" vm --kernel debian:6.1 \
		--fs ext4 --accel tcg --results "$dir/res-$n" --timeout 120 "$@" >"$dir/out-$n" 2>&1
}
# arg NAME: the argument after -NAME
arg() { sed -n "/^-$1\$/{n;p;}" "$dir/argv" | tr '\n' ' ' | sed 's/ $//'; }

vm memmap --pmem memmap
expect_eq "--pmem memmap: the stand-in guest ran (exit 0)" "$?" 0
expect_match "--pmem memmap: memmap=2G!4G on the kernel command line" "$(arg append)" " memmap=2G!4G( |$)"
expect_eq "--pmem memmap: 6 GiB of RAM, no NVDIMM slots" "$(arg m)" "6G"
expect_eq "--pmem memmap: no nvdimm object or device" "$(grep -c -E 'nvdimm,id|memory-backend-file' "$dir/argv")" 0
expect_eq "--pmem memmap: the report says memmap" \
	"$(jq -r .pmem "$(find "$dir/res-memmap" -name report.json | head -n 1)")" memmap

vm nvdimm
expect_eq "default: the stand-in guest ran (exit 0)" "$?" 0
expect_eq "default: the NVDIMM device" "$(arg device | cut -d" " -f1)" "nvdimm,id=nv1,memdev=mem1"
expect_eq "default: memory with a slot for it" "$(arg m)" "2G,slots=2,maxmem=8G"
expect_eq "default: no memmap=" "$(arg append | grep -c memmap=)" 0

vm bad --pmem e820
expect_eq "--pmem e820 is refused (usage)" "$?" 2
expect_match "--pmem e820: says what it takes" "$(cat "$dir/out-bad")" "expected nvdimm, virtio or memmap"
rm -rf "$dir"
finish
