# SPDX-License-Identifier: GPL-2.0
# Description: Debian archive access for the host-side scripts (kernel.sh
# fetches kernel packages, ../kbuild/build.sh fetches linux-source): a
# private apt list per set of suites under $APTCACHE, read with apt-get's
# -o options, so the host's own apt state is never touched.
# Sourced by bash scripts that set APTCACHE and define say and die.

# Suites to read for a Debian kernel version, "main-suites|security-suite".
suites_for() {
	case "$1" in
	6.1)	echo "bookworm bookworm-updates|bookworm-security" ;;
	6.12)	echo "trixie trixie-updates|trixie-security" ;;
	7.2)	echo "sid|" ;;
	7.3)	echo "trixie-backports|" ;;
	*)	return 1 ;;
	esac
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

# Write the private sources.list of KEY and run apt-get update on it.
apt_setup() {
	local key=$1 suites=$2 sec=$3 dir=$APTCACHE/$1 mirror secmirror s
	local keyring=/usr/share/keyrings/debian-archive-keyring.gpg
	mirror=${DAXSTRESS_DEBIAN_MIRROR:-$(host_mirror debian)}
	secmirror=${DAXSTRESS_DEBIAN_SECURITY_MIRROR:-$(host_mirror security)}
	mkdir -p "$dir/lists/partial" "$dir/cache/archives/partial"
	{
		for s in $suites; do
			echo "deb [signed-by=$keyring] $mirror $s main"
		done
		[ -z "$sec" ] || echo "deb [signed-by=$keyring] $secmirror $sec main"
	} >"$dir/sources.list"
	say "apt update ($suites${sec:+ $sec}) from $mirror"
	# shellcheck disable=SC2046
	apt-get $(apt_opts "$dir") update >&2 || die "apt-get update failed"
}
