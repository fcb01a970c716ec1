# SPDX-License-Identifier: GPL-2.0
# Sourced by kselftest/mkpatches.sh and fstests/mkpatch.sh: the identity and
# the fixed dates of a reproducible patch series, exported for git.
# patch_author DIR: PATCH_AUTHOR="Name <mail>" when set, else DIR's git config.
patch_author() {
	author=${PATCH_AUTHOR:-"$(git -C "$1" config user.name) <$(git -C "$1" config user.email)>"}
	export GIT_AUTHOR_DATE="2026-12-05T00:00:00Z" GIT_COMMITTER_DATE="2026-12-05T00:00:00Z"
	export GIT_AUTHOR_NAME=${author% <*} GIT_AUTHOR_EMAIL=${author##*<}
	GIT_AUTHOR_EMAIL=${GIT_AUTHOR_EMAIL%>}
	export GIT_COMMITTER_NAME=$GIT_AUTHOR_NAME GIT_COMMITTER_EMAIL=$GIT_AUTHOR_EMAIL
}
