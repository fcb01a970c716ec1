#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Description: the kselftest as a format-patch series against Debian's 7.3
# kernel source (make kselftest-patches), written to kselftest/patches/:
# a cover letter, the test (tools/testing/selftests/filesystems/dax/ and
# its TARGETS line), the MAINTAINERS entry. Reproducible: fixed dates, zero
# commit ids, no signature; then checked with `git apply --check` on the
# pristine tree.
#
# Usage: kselftest/mkpatches.sh [VER]   (default 7.3; kselftest/ksrc.sh VER fetches it)
# PATCH_AUTHOR="Name <mail>" sets the author and Signed-off-by (default: git config).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ver=${1:-7.3}
out=$HERE/patches
test_dir=tools/testing/selftests/filesystems/dax
tree=$("$HERE/ksrc.sh" "$ver")
author=${PATCH_AUTHOR:-"$(git -C "$HERE" config user.name) <$(git -C "$HERE" config user.email)>"}
export GIT_AUTHOR_DATE="2026-12-05T00:00:00Z" GIT_COMMITTER_DATE="2026-12-05T00:00:00Z"
export GIT_AUTHOR_NAME=${author% <*} GIT_AUTHOR_EMAIL=${author##*<}
GIT_AUTHOR_EMAIL=${GIT_AUTHOR_EMAIL%>}
export GIT_COMMITTER_NAME=$GIT_AUTHOR_NAME GIT_COMMITTER_EMAIL=$GIT_AUTHOR_EMAIL

work=$(mktemp -d /tmp/daxstress-kpatch.XXXXXX)
trap 'rm -rf "$work"' EXIT
git="git -C $work -c core.autocrlf=false -c commit.gpgsign=false"
$git init -q
mkdir -p "$work/tools/testing/selftests"
cp "$tree/MAINTAINERS" "$work/MAINTAINERS"
cp "$tree/tools/testing/selftests/Makefile" "$work/tools/testing/selftests/Makefile"
$git add -A
$git commit -q -m "linux-source-$ver (the files the series touches)"

# 1: the test and its TARGETS line (after filesystems/binderfs).
mkdir -p "$work/$test_dir"
for f in .gitignore Makefile break_layouts.c config settings; do
	cp "$HERE/$test_dir/$f" "$work/$test_dir/$f"
done
sed -i '/^TARGETS += filesystems\/binderfs$/a TARGETS += filesystems/dax' \
	"$work/tools/testing/selftests/Makefile"
grep -q '^TARGETS += filesystems/dax$' "$work/tools/testing/selftests/Makefile" ||
	{ echo "mkpatches.sh: no filesystems/binderfs line in the selftests Makefile" >&2; exit 1; }
$git add -A
$git commit -q -s -F - <<'MSG'
selftests/filesystems: add a test of pinned FS DAX pages against truncate

Before ext4, xfs or fuse free the blocks of a DAX file they wait until no
page of the range is pinned. The wait sleeps interruptibly and only the
wake-up sent when the last pin is dropped ends it, so a put path that
forgets the wake-up leaves truncate asleep for good, in state S, where the
hung task detector does not look. Nothing tests this today.

break_layouts races pins of the pages of a DAX mapping (O_DIRECT reads
and writes between the mapping and a null_blk device, process_vm_readv,
vmsplice) against truncate, hole punch and collapse range, one
FIXTURE_VARIANT per pair, and checks that io_uring refuses the mapping as
a fixed buffer. When the breaker makes no progress for 3 seconds the test
releases it step by step and reports the first step that worked:

  stop pinning       -> a long pin (passes)
  munmap the file    -> "blocked by mapping"
  SA_RESTART signal  -> "missed wakeup"
  nothing            -> "hang"

so a failure says why instead of running into the harness timeout.

The DAX directory comes from DAX_TEST_DIR; without it, or when it is not
on a DAX mount, every test is skipped with a short fixed reason. config
lists the options, including CONFIG_X86_PMEM_LEGACY for memmap=.

Measured in a QEMU guest with an emulated NVDIMM: Debian's 6.1.0-57
fails the O_DIRECT variants with "missed wakeup" (the block layer drops
FOLL_GET page references of DAX pages without the devmap wake-up since
the 6.1.75 stable backport of "block: Remove special-casing of compound
pages"); 6.12.118 passes; 7.3.4 fails with "blocked by mapping" (since
"fs/dax: properly refcount fs dax pages" every mapping holds a page
reference, and a page that is faulted back in while truncate sleeps never
reaches refcount 0).
MSG

# 2: MAINTAINERS.
sed -i '/^FILESYSTEM DIRECT ACCESS (DAX)$/,/^$/ s|^F:\tinclude/trace/events/fs_dax.h$|&\nF:\ttools/testing/selftests/filesystems/dax/|' \
	"$work/MAINTAINERS"
grep -q "^F:	tools/testing/selftests/filesystems/dax/$" "$work/MAINTAINERS" ||
	{ echo "mkpatches.sh: no FILESYSTEM DIRECT ACCESS (DAX) entry to extend" >&2; exit 1; }
$git add -A
$git commit -q -s -F - <<'MSG'
MAINTAINERS: add the DAX selftests to FILESYSTEM DIRECT ACCESS (DAX)

The test exercises fs/dax.c's layout breaking through ext4 and xfs; its
reports should reach the people who look after that code.
MSG

rm -rf "$out"
mkdir -p "$out"
$git format-patch -q --cover-letter --zero-commit --no-signature --numbered \
	--subject-prefix=PATCH -o "$out" HEAD~2
cover=$(ls "$out"/0000-*.patch)
python3 - "$cover" "$HERE/cover-letter.txt" <<'PY'
import sys
path, blurb = sys.argv[1], open(sys.argv[2]).read()
subject, _, body = blurb.partition('\n\n')
text = open(path).read()
text = text.replace('*** SUBJECT HERE ***', subject.strip())
text = text.replace('*** BLURB HERE ***', body.strip())
open(path, 'w').write(text)
PY
(cd "$tree" && git apply --check "$out"/000[1-9]-*.patch) ||
	{ echo "mkpatches.sh: the series does not apply to $tree" >&2; exit 1; }
echo "mkpatches.sh: $(ls "$out" | wc -l) files in $out; git apply --check on linux-source-$ver: ok" >&2
