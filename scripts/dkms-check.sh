#!/bin/bash
# DKMS build check: dkms add/build from a copy of the tree on the host and
# in each suite chroot (one kernel each: deb-check.sh builds for every
# kernel through the package), checks the built module's vermagic, then
# removes everything.
# Writes PASS/FAIL lines to build/results/dkms.txt.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
. "$here/matrix.sh"
ver=$(cat "$top/VERSION")
. "$here/results.sh"
results_init dkms

conf_ver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"/\1/p' "$top/dkms.conf")
[ "$conf_ver" = "$ver" ] && result PASS version-matches || result FAIL "version-matches ($conf_ver != $ver)"

# The host's kernels build in the host's DKMS; another suite's in that
# suite's chroot, with its DKMS and compiler.
roots=/
for s in $(netdrop_chroot_suites); do
	roots="$roots $(netdrop_chroot_of_suite "$s")"
done
# Result names: "add" for the host, "add/bullseye" for a chroot.
where() { [ "$1" = / ] || echo "/$(basename "$1" | sed 's/^chroot-//;s/-[0-9a-f]*$//')"; }
# dk ROOT ARGS...: dkms on the host (ROOT /) or in a suite chroot.
dk() {
	local root=$1
	shift
	if [ "$root" = / ]; then dkms "$@"; else netdrop_in_chroot "$root" dkms "$@"; fi
}
for root in $roots; do
	src=${root%/}/usr/src/netdrop-$ver
	dk "$root" remove -m netdrop -v "$ver" --all >/dev/null 2>&1
	rm -rf "$src"
	mkdir -p "$src"
	cp -a "$top/dkms.conf" "$top/VERSION" "$top/include" "$src/"
	rsync -a --exclude '*.o' --exclude '*.ko' --exclude '.*.cmd' --exclude '*.mod*' \
		--exclude tests "$top/kmod" "$src/"
	if dk "$root" add -m netdrop -v "$ver" >/tmp/dkms-add.log 2>&1; then
		result PASS "add$(where "$root")"
	else
		cat /tmp/dkms-add.log >&2
		result FAIL "add$(where "$root")"
	fi
done
# One kernel of each root here: deb-check.sh builds with DKMS for every
# kernel, through the package.
for k in $(for r in $roots; do
	for k in $NETDROP_MATRIX $NETDROP_RT_KVERS; do
		[ "$(netdrop_root_of "$k")" = "$r" ] && echo "$k" && break
	done
done); do
	root=$(netdrop_root_of "$k")
	if dk "$root" build -m netdrop -v "$ver" -k "$k" >/tmp/dkms-build.log 2>&1; then
		result PASS "build/$k"
	else
		tail -n 20 /tmp/dkms-build.log >&2
		result FAIL "build/$k"
		continue
	fi
	ko=$(find "${root%/}/var/lib/dkms/netdrop/$ver/$k" -name 'netdrop.ko*' | head -n 1)
	vm=$(modinfo -F vermagic "$ko" 2>/dev/null | awk '{print $1}')
	[ "$vm" = "$k" ] && result PASS "vermagic/$k" || result FAIL "vermagic/$k ($vm)"
done
for root in $roots; do
	dk "$root" remove -m netdrop -v "$ver" --all >/dev/null 2>&1
	rm -rf "${root%/}/usr/src/netdrop-$ver"
	[ ! -e "${root%/}/var/lib/dkms/netdrop/$ver" ] && result PASS "removed-cleanly$(where "$root")" ||
		result FAIL "removed-cleanly$(where "$root")"
done
! grep -q '^FAIL' "$results"
