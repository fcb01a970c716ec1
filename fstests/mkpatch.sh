#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Description: our fstests test as a patch against a fetched fstests
# checkout (make fstests-patch): a temporary clone of its HEAD,
# fstests/install.sh into it, one commit, git format-patch into
# fstests/patches/. Reproducible (fixed date, zero commit id, no signature).
#
# Usage: fstests/mkpatch.sh [CHECKOUT]   (default $FSTESTS_DIR or
#        ~/.cache/daxstress/fstests/xfstests, a clone never committed here)
# PATCH_AUTHOR="Name <mail>" sets the author and Signed-off-by (default: git config).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
co=${1:-${FSTESTS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/daxstress/fstests/xfstests}}
[ -d "$co/.git" ] || { echo "mkpatch.sh: $co is not an fstests git checkout" >&2; exit 1; }
# shellcheck source=../scripts/patch-author.sh
. "$here/../scripts/patch-author.sh"
patch_author "$here"

work=$(mktemp -d /tmp/daxstress-fpatch.XXXXXX)
trap 'rm -rf "$work"' EXIT
git clone -q --no-checkout "$co" "$work/co"
git -C "$work/co" checkout -q "$(git -C "$co" rev-parse HEAD)"
num=$(sh "$here/install.sh" "$work/co")
git -C "$work/co" add -A
git -C "$work/co" -c commit.gpgsign=false commit -q -s -F - <<MSG
generic: test that truncate of pinned DAX pages is woken

Before ext4 or xfs free the blocks of a DAX file they wait until no page
of the range is pinned, and only the wake-up sent when the last pin is
dropped ends the wait. A kernel that drops O_DIRECT page references of
DAX pages without that wake-up (6.1.y since 6.1.75, through
__bio_release_pages()) leaves truncate asleep forever in state S, which
the hung task detector does not report. generic/503 does not catch it:
its O_DIRECT source is only fallocated, and reads of unwritten extents
pin nothing; given written data, its helper hangs instead of failing.

generic/$num races O_DIRECT reads from a written file on a non-DAX
scratch mount into a MAP_SHARED mapping of a DAX file on TEST_DIR against
truncate of that file. Its helper, src/t_dax_pin_truncate, watches the
truncate; when it stops for 3 s, the helper stops the reads, then unmaps
the file, then sends the truncating thread a SA_RESTART signal, and
prints the first step that released it ("missed wakeup", "blocked by
mapping", else "hang"), so the test fails with that message within its
budget instead of hanging.
MSG
rm -rf "$here/patches"
mkdir -p "$here/patches"
git -C "$work/co" format-patch -q --zero-commit --no-signature -o "$here/patches" -1
echo "mkpatch.sh: generic/$num, $(ls "$here/patches")" >&2
