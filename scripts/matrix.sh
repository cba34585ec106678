#!/bin/sh
# The kernel matrix, defined once.  Sourced by every script that needs it.
#
# NETDROP_MATRIX is a space-separated list of kernel release strings
# (uname -r of the guest).  It resolves to the newest Debian 12 kernel of
# each series that the package index offers, unless the caller pins it:
#   NETDROP_MATRIX="6.1.0-56-amd64 6.12.117+deb12-amd64" make check
#
# Series:
#   6.1   Debian 12's default kernel (linux-image-amd64 depends on it)
#   6.12  Debian 12's security-updates 6.12 series
#
# NETDROP_RT_KVER is the PREEMPT_RT kernel of the 6.12 series
# (linux-image-6.12.N+deb12-rt-amd64-unsigned): the core scenarios and the
# stress run also run there, because on RT spinlocks sleep and softirqs
# run in threads.

netdrop_newest_6_1() {
	apt-cache depends linux-image-amd64 2>/dev/null |
		sed -n 's/.*Depends: linux-image-\(6\.1\.0-[0-9]*-amd64\)$/\1/p' | head -n 1
}

netdrop_newest_6_12() {
	apt-cache pkgnames linux-image-6.12. 2>/dev/null |
		sed -n 's/^linux-image-\(6\.12\.[0-9]*+deb12-amd64\)-unsigned$/\1/p' |
		sort -V | tail -n 1
}

netdrop_newest_rt() {
	apt-cache pkgnames linux-image-6.12. 2>/dev/null |
		sed -n 's/^linux-image-\(6\.12\.[0-9]*+deb12-rt-amd64\)-unsigned$/\1/p' |
		sort -V | tail -n 1
}

netdrop_installed_rt() {
	ls -d /lib/modules/6.12.*+deb12-rt-amd64/build 2>/dev/null | sed 's|/lib/modules/||;s|/build||' | sort -V | tail -n 1
}

netdrop_installed_6_1() {
	ls -d /lib/modules/6.1.0-*-amd64/build 2>/dev/null | sed 's|/lib/modules/||;s|/build||' | sort -V | tail -n 1
}

netdrop_installed_6_12() {
	ls -d /lib/modules/6.12.*+deb12-amd64/build 2>/dev/null | sed 's|/lib/modules/||;s|/build||' | sort -V | tail -n 1
}

if [ -z "${NETDROP_MATRIX:-}" ]; then
	if [ "${NETDROP_RESOLVE:-installed}" = newest ]; then
		NETDROP_MATRIX="$(netdrop_newest_6_1) $(netdrop_newest_6_12)"
	else
		k1=$(netdrop_installed_6_1)
		k12=$(netdrop_installed_6_12)
		NETDROP_MATRIX="$k1 $k12"
	fi
fi
if [ -z "${NETDROP_RT_KVER:-}" ]; then
	if [ "${NETDROP_RESOLVE:-installed}" = newest ]; then
		NETDROP_RT_KVER=$(netdrop_newest_rt)
	else
		NETDROP_RT_KVER=$(netdrop_installed_rt)
	fi
fi
NETDROP_DEFAULT_KVER=$(echo $NETDROP_MATRIX | awk '{print $1}')
