#!/bin/bash
# Packaging check (host): make deb, dpkg -i both packages, the module is
# built for every matrix kernel with the right vermagic, dkms status shows
# it, netdropctl runs; removal leaves nothing behind.  With -g, also loads
# the DKMS-installed module with modprobe in a guest per matrix kernel and
# runs a smoke scenario, before removal.  PASS/FAIL to build/results/deb.txt.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
. "$here/matrix.sh"
ver=$(cat "$top/VERSION")
. "$here/results.sh"
results_init deb
check() { local name=$1; shift; if "$@" >/tmp/deb-check.log 2>&1; then result PASS "$name"; else cat /tmp/deb-check.log >&2; result FAIL "$name"; fi; }

dpkg -r netdropctl netdrop-dkms >/dev/null 2>&1
check build "$here/mkdeb.sh"
check install dpkg -i "$top/build/deb/netdrop-dkms_${ver}_all.deb" "$top"/build/deb/netdropctl_"${ver}"_*.deb
# Another suite's kernels: the DKMS package is installed in that suite's
# chroot, whose DKMS builds with the suite's compiler.  For the guest, the
# module it installed is put beside that kernel's unpacked modules.
kernels="$NETDROP_MATRIX $NETDROP_RT_KVERS"
for s in $(netdrop_chroot_suites); do
	root=$(netdrop_chroot_of_suite "$s")
	cp "$top/build/deb/netdrop-dkms_${ver}_all.deb" "$root/tmp/"
	check "install/$s" netdrop_in_chroot "$root" dpkg -i "/tmp/netdrop-dkms_${ver}_all.deb"
	rm -f "$root/tmp/netdrop-dkms_${ver}_all.deb"
done
chroot_dkms_installed() {
	netdrop_in_chroot "$1" dkms status -m netdrop -v "$ver" -k "$2" | grep -q installed
}
for k in $kernels; do
	root=$(netdrop_root_of "$k")
	ko=$(ls "${root%/}/lib/modules/$k/updates/dkms/"netdrop.ko* 2>/dev/null | head -n 1)
	check "module-installed/$k" test -n "$ko"
	check "vermagic/$k" test "$(modinfo -F vermagic "$ko" 2>/dev/null | awk '{print $1}')" = "$k"
	if [ "$root" = / ]; then
		check "dkms-status/$k" sh -c "dkms status -m netdrop -v $ver -k $k | grep -q installed"
	else
		check "dkms-status/$k" chroot_dkms_installed "$root" "$k"
		mods=$NETDROP_CACHE/kernels/$k/lib/modules/$k
		mkdir -p "$mods/updates/dkms"
		[ -n "$ko" ] && cp "$ko" "$mods/updates/dkms/"
		depmod -b "$NETDROP_CACHE/kernels/$k" "$k"
	fi
done
check netdropctl-version sh -c "/usr/bin/netdropctl --version | grep -q 'netdropctl $ver'"
check man-page test -f /usr/share/man/man8/netdropctl.8.gz
check udev-rule test -f /etc/udev/rules.d/60-netdrop.rules
check systemd-unit test -f /lib/systemd/system/netdrop.service
check service-conf /usr/bin/netdropctl service --config /etc/netdrop/netdrop.conf --check
if [ "${1:-}" = -g ]; then
	for k in $kernels; do
		check "guest-modprobe-smoke/$k" "$here/vm-run.sh" -k "$k" -t 300 -o "$top/build/deb-guest-$k" -- \
			bash "$top/tests/e2e/deb-smoke.sh"
	done
fi
check remove dpkg --purge netdropctl netdrop-dkms
for s in $(netdrop_chroot_suites); do
	check "remove/$s" netdrop_in_chroot "$(netdrop_chroot_of_suite "$s")" dpkg --purge netdrop-dkms
done
for k in $kernels; do
	root=$(netdrop_root_of "$k")
	if [ "$root" != / ]; then
		rm -rf "$NETDROP_CACHE/kernels/$k/lib/modules/$k/updates/dkms"
		depmod -b "$NETDROP_CACHE/kernels/$k" "$k"
	fi
	check "nothing-left/$k" sh -c "! ls ${root%/}/lib/modules/$k/updates/dkms/netdrop.ko* 2>/dev/null"
done
check nothing-left/src test ! -e "/usr/src/netdrop-$ver"
check nothing-left/dkms test ! -e "/var/lib/dkms/netdrop"
check nothing-left/bin test ! -e /usr/bin/netdropctl
check nothing-left/unit test ! -e /lib/systemd/system/netdrop.service
check nothing-left/conf test ! -e /etc/netdrop/netdrop.conf
! grep -q '^FAIL' "$results"
