#!/bin/bash
# DKMS build check: dkms add/build for each matrix kernel from a copy of
# the tree, checks the built module's vermagic, then removes everything.
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

src=/usr/src/netdrop-$ver
dkms remove -m netdrop -v "$ver" --all >/dev/null 2>&1
rm -rf "$src"
mkdir -p "$src"
cp -a "$top/dkms.conf" "$top/VERSION" "$top/include" "$src/"
rsync -a --exclude '*.o' --exclude '*.ko' --exclude '.*.cmd' --exclude '*.mod*' \
	--exclude tests "$top/kmod" "$src/"
if dkms add -m netdrop -v "$ver" >/tmp/dkms-add.log 2>&1; then
	result PASS add
else
	cat /tmp/dkms-add.log >&2
	result FAIL add
fi
for k in $NETDROP_MATRIX; do
	if dkms build -m netdrop -v "$ver" -k "$k" >/tmp/dkms-build.log 2>&1; then
		result PASS "build/$k"
	else
		tail -n 20 /tmp/dkms-build.log >&2
		result FAIL "build/$k"
		continue
	fi
	ko=$(find "/var/lib/dkms/netdrop/$ver/$k" -name 'netdrop.ko*' | head -n 1)
	vm=$(modinfo -F vermagic "$ko" 2>/dev/null | awk '{print $1}')
	[ "$vm" = "$k" ] && result PASS "vermagic/$k" || result FAIL "vermagic/$k ($vm)"
done
dkms remove -m netdrop -v "$ver" --all >/dev/null 2>&1
rm -rf "$src"
[ ! -e "/var/lib/dkms/netdrop/$ver" ] && result PASS removed-cleanly || result FAIL removed-cleanly
! grep -q '^FAIL' "$results"
