#!/bin/sh
# The kernel matrix, defined once.  Sourced by every script that needs it.
#
# One line a kernel: SERIES SUITE FLAVOUR.  The newest kernel of the series
# and flavour that the suite ships is resolved at run time.
#   bookworm   the host's own suite: install-deps.sh installs the image and
#              headers on the host.
#   any other  a chroot of that suite (scripts/suite-chroot.sh, cached under
#              ~/.cache/netdrop): the modules are built there with the
#              suite's own compiler and kbuild, and the kernel image and
#              modules are unpacked for the guests.  The host's apt sources
#              are never touched.
# Adding a kernel Debian ships is one line here.
NETDROP_KERNELS="
5.10 bullseye amd64
6.1 bookworm amd64
6.12 bookworm amd64
7.2 sid amd64
6.12 bookworm rt-amd64
7.2 sid rt-amd64
"
# Results, for the scripts:
#   NETDROP_MATRIX    the kernel releases (uname -r) of the amd64 lines
#   NETDROP_RT_KVERS  those of the rt-amd64 lines (PREEMPT_RT)
#   NETDROP_DEFAULT_KVER  the first host (bookworm) kernel, for demos
# Either list can be pinned by the caller:
#   NETDROP_MATRIX="6.1.0-56-amd64 6.12.117+deb12-amd64" make check
# A line whose kernel cannot be resolved yields "missing-SERIES-FLAVOUR",
# which every user of the matrix reports as a failure (the matrix never
# shrinks silently).
NETDROP_CACHE=${NETDROP_CACHE:-$HOME/.cache/netdrop}

# The KUnit + KASAN + lockdep + DEBUG_PREEMPT test kernels, built from
# Debian source packages (scripts/build-testkernel.sh).  One line a kernel:
# NAME SOURCE-PACKAGE SUITE.  NAME is what build-kmod.sh, vm-run.sh and
# e2e.sh take as a kernel.
#   test       7.x, because from 7.0 tracepoints call their probes
#              preemptibly (srcu_fast) and DEBUG_PREEMPT then reports any
#              per-CPU access the probe makes without preemption disabled.
#   test-6.12  bookworm's 6.12 (bookworm-security, like its 6.12 images):
#              its own tracepoint prototype, reason subsystems and reset
#              reasons under KUnit.
NETDROP_TESTKERNELS="
test linux-source-7.2 sid
test-6.12 linux-source-6.12 bookworm
"
# netdrop_testkernel NAME: "SOURCE-PACKAGE SUITE" of a test kernel, or
# nothing when NAME is not one.
netdrop_testkernel() {
	echo "$NETDROP_TESTKERNELS" | awk -v n="$1" '$1 == n {print $2, $3}'
}
# netdrop_is_testkernel NAME: true for a test kernel's name.
netdrop_is_testkernel() {
	[ -n "$(netdrop_testkernel "$1")" ]
}

# What a suite's chroot holds besides the headers (scripts/suite-chroot.sh).
NETDROP_CHROOT_PACKAGES="make kmod dkms ca-certificates"

# The chroot of a suite (empty for the host's suite).  Its name changes
# with what it holds, so a changed recipe makes a new one.
netdrop_chroot_of_suite() {
	[ "$1" = bookworm ] && return 0
	nd_flavours=$(echo "$NETDROP_KERNELS" | awk -v s="$1" '$2 == s {print $3}' | sort -u | tr '\n' ' ')
	echo "$NETDROP_CACHE/chroot-$1-$(echo "$NETDROP_CHROOT_PACKAGES $nd_flavours" | sha256sum | cut -c1-8)"
}

# The newest kernel release of SERIES and FLAVOUR among names on stdin (one
# a line): 6.1.0-57-amd64, 6.12.117+deb12-rt-amd64; not -cloud-amd64.
netdrop_pick() {
	nd_s=$(echo "$1" | sed 's/\./\\./g')
	grep -E "^$nd_s\.[0-9]+(-[0-9]+|\+deb[0-9]+)-$2\$" | sort -V | tail -n 1
}

# SERIES SUITE FLAVOUR -> kernel release
netdrop_resolve() {
	if [ "$2" = bookworm ]; then
		if [ "${NETDROP_RESOLVE:-installed}" = newest ]; then
			apt-cache pkgnames "linux-image-$1." 2>/dev/null |
				sed -n 's/^linux-image-\(.*\)-unsigned$/\1/p' | netdrop_pick "$1" "$3"
		else
			ls -d /lib/modules/*/build 2>/dev/null | sed 's|/lib/modules/||;s|/build||' |
				netdrop_pick "$1" "$3"
		fi
	else
		ls "$(netdrop_chroot_of_suite "$2")/usr/src" 2>/dev/null |
			sed -n 's/^linux-headers-//p' | netdrop_pick "$1" "$3"
	fi
}

# The suite a resolved kernel release comes from.
netdrop_suite_of() {
	echo "$NETDROP_KERNELS" | while read -r nd_series nd_suite nd_flavour; do
		[ -n "$nd_series" ] || continue
		if [ "$(echo "$1" | netdrop_pick "$nd_series" "$nd_flavour")" = "$1" ]; then
			echo "$nd_suite"
			break
		fi
	done
}

# The chroot a kernel's modules are built in (empty: the host).
netdrop_chroot_of() {
	nd_suite=$(netdrop_suite_of "$1")
	[ -n "$nd_suite" ] && netdrop_chroot_of_suite "$nd_suite"
}

# The root a kernel's headers and DKMS live under: / or its suite's chroot.
netdrop_root_of() {
	nd_r=$(netdrop_chroot_of "$1")
	echo "${nd_r:-/}"
}

# KVER BUILD_LOG: the include directory of a built kernel's headers, as the
# host sees it, from the probe report build-kmod.sh keeps in its log
# (tests/conftest); nothing when the log has none.
netdrop_kernel_include() {
	nd_src=$(sed -n 's/^nd-srctree //p' "$2" 2>/dev/null | head -n 1)
	[ -n "$nd_src" ] && echo "$(netdrop_chroot_of "$1")$nd_src/include"
}

# The suites other than the host's, once each.
netdrop_chroot_suites() {
	echo "$NETDROP_KERNELS" | awk '$2 != "" && $2 != "bookworm" && !seen[$2]++ {print $2}'
}

netdrop_resolve_all() {
	echo "$NETDROP_KERNELS" | while read -r nd_series nd_suite nd_flavour; do
		[ -n "$nd_series" ] || continue
		case $nd_flavour in rt-*) [ "$1" = rt ] || continue ;; *) [ "$1" = rt ] && continue ;; esac
		nd_k=$(netdrop_resolve "$nd_series" "$nd_suite" "$nd_flavour")
		echo "${nd_k:-missing-$nd_series-$nd_flavour}"
	done | tr '\n' ' ' | sed 's/ $//'
}

[ -n "${NETDROP_MATRIX:-}" ] || NETDROP_MATRIX=$(netdrop_resolve_all plain)
[ -n "${NETDROP_RT_KVERS:-}" ] || NETDROP_RT_KVERS=$(netdrop_resolve_all rt)
NETDROP_DEFAULT_KVER=$(netdrop_resolve 6.1 bookworm amd64)
[ -n "$NETDROP_DEFAULT_KVER" ] || NETDROP_DEFAULT_KVER=$(echo "$NETDROP_MATRIX" | awk '{print $1}')

# netdrop_in_chroot CHROOT COMMAND...: runs a command in a suite chroot,
# with /proc (objtool, dkms) and /dev (dkms' process substitutions) in a
# private mount namespace, so nothing stays mounted.
netdrop_in_chroot() {
	unshare -m sh -c 'mount -t proc proc "$0/proc" && mount --rbind /dev "$0/dev" &&
		exec chroot "$0" "$@"' "$@"
}
