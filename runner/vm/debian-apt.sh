# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# Description: Debian archive access for the host-side scripts (kernel.sh
# fetches kernel packages, ../kbuild/build.sh fetches linux-source): which
# suites a debian:VER[@SUITE] is read from comes from the kernel table
# (configs/kernels, through `daxstress kernels`); a private apt list per set
# of suites under $APTCACHE, read with apt-get's -o options, so the host's
# own apt state is never touched.
# Sourced by bash scripts that set APTCACHE and define say and die.

DEBIAN_APT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

# The daxstress binary that reads the kernel table: $DAXSTRESS, the daxstress
# that runs this script (daxstress vm), the build tree's ($BUILD, default
# build), the installed one beside libexec/daxstress/vm, or the one in PATH.
daxstress_bin() {
	local parent build=${BUILD:-build} c
	parent=$(readlink "/proc/$PPID/exe" 2>/dev/null || true)
	[ "${parent##*/}" = daxstress ] || parent=""
	case "$build" in /*) ;; *) build=$DEBIAN_APT_DIR/../../$build ;; esac
	for c in "${DAXSTRESS:-}" "$parent" "$build/daxstress" \
		"$DEBIAN_APT_DIR/../../../bin/daxstress" "$(command -v daxstress || true)"; do
		if [ -n "$c" ] && [ -x "$c" ] && [ ! -d "$c" ]; then
			echo "$c"
			return 0
		fi
	done
	return 1
}

# daxstress kernels ARGS: the one reader of configs/kernels.
kernels() {
	local bin
	bin=$(daxstress_bin) ||
		die "no daxstress binary to read configs/kernels with (make, or DAXSTRESS=PATH)"
	"$bin" kernels "$@"
}

# Where Debian ships the kernel of SPEC (debian:VER[@SUITE]), as the kernel
# table says: sets KVER, KIMAGE (the linux-image name pattern), KSOURCE (the
# linux-source package) and KGROUPS (the suite sets to read, one a line, in
# order; the first that has the package is used).
# shellcheck disable=SC2034
debian_resolve() {
	local out k v
	out=$(kernels --resolve "$1") || die "cannot resolve '$1' (see above)"
	KVER="" KIMAGE="" KSOURCE="" KGROUPS=""
	while read -r k v; do
		case "$k" in
		version) KVER=$v ;;
		image) KIMAGE=$v ;;
		source) KSOURCE=$v ;;
		suites) KGROUPS=${KGROUPS:+$KGROUPS$'\n'}$v ;;
		esac
	done <<<"$out"
	if [ -z "$KVER" ] || [ -z "$KGROUPS" ]; then
		die "daxstress kernels --resolve '$1' said nothing usable"
	fi
}

# The private list directory name of a suite set.
apt_key() {
	echo "$1" | tr ' ' '+'
}

# Mirror URI of the host's Debian (or -security) archive, from its apt sources.
host_mirror() {
	local want=$1 uri
	uri=$(awk -v want="$want" '
		/^URIs:/ { u = $2 }
		/^Suites:/ { for (i = 2; i <= NF; i++) s[$i] = u }
		/^deb / { for (i = 2; i <= NF; i++) if ($i !~ /^\[/ && $i !~ /\]$/) break;
			  s[$(i + 1)] = $i }
		END { for (k in s) if (s[k] ~ /debian/ && (want == "security") == (k ~ /-security$/)) { print s[k]; exit } }
	' /etc/apt/sources.list /etc/apt/sources.list.d/*.sources \
	  /etc/apt/sources.list.d/*.list 2>/dev/null | sed -n 1p)
	if [ -z "$uri" ]; then
		[ "$want" = security ] && uri=http://deb.debian.org/debian-security ||
			uri=http://deb.debian.org/debian
	fi
	echo "$uri"
}

# apt options that read a private list of suites instead of the host's.
apt_opts() {
	local dir=$1
	printf '%s\n' -o "Dir::Etc::SourceList=$dir/sources.list" \
		-o Dir::Etc::SourceParts=/dev/null \
		-o "Dir::State::Lists=$dir/lists" -o "Dir::Cache=$dir/cache" \
		-o APT::Sandbox::User=root -q
}

# Write the private sources.list of KEY for SUITES [SECURITY-SUITE] (a
# -security suite comes from the security archive) and run apt-get update on it.
apt_setup() {
	local suites="$2${3:+ $3}" dir=$APTCACHE/$1 mirror secmirror s
	local keyring=/usr/share/keyrings/debian-archive-keyring.gpg
	mirror=${DAXSTRESS_DEBIAN_MIRROR:-$(host_mirror debian)}
	secmirror=${DAXSTRESS_DEBIAN_SECURITY_MIRROR:-$(host_mirror security)}
	mkdir -p "$dir/lists/partial" "$dir/cache/archives/partial"
	for s in $suites; do
		case "$s" in
		*-security) echo "deb [signed-by=$keyring] $secmirror $s main" ;;
		*) echo "deb [signed-by=$keyring] $mirror $s main" ;;
		esac
	done >"$dir/sources.list"
	say "apt update ($suites) from $mirror"
	# shellcheck disable=SC2046
	apt-get $(apt_opts "$dir") update >&2 || die "apt-get update failed"
}
