#!/bin/bash
# make deb: builds netdrop-dkms (module source + dkms.conf; postinst and
# prerm call dkms, as wireguard-dkms or zfs-dkms do) and netdropctl (the
# tool, man page, completion, udev rule) with dpkg-deb into build/deb/.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
ver=$(cat "$top/VERSION")
arch=$(dpkg --print-architecture)
out="$top/build/deb"
rm -rf "$out"
mkdir -p "$out"

# netdrop-dkms
d="$out/netdrop-dkms"
src="$d/usr/src/netdrop-$ver"
mkdir -p "$src" "$d/DEBIAN"
cp -a "$top/dkms.conf" "$top/VERSION" "$top/include" "$src/"
rsync -a --exclude '*.o' --exclude '*.ko' --exclude '.*.cmd' --exclude '*.mod*' \
	--exclude tests --exclude modules.order --exclude Module.symvers "$top/kmod" "$src/"
cat >"$d/DEBIAN/control" <<CTL
Package: netdrop-dkms
Version: $ver
Architecture: all
Maintainer: netdrop developers <netdrop@localhost>
Depends: dkms (>= 2.1.0.0)
Recommends: netdropctl (= $ver)
Section: kernel
Priority: optional
Description: netdrop kernel module (DKMS source)
 Turns every dropped packet (kfree_skb) into a decoded record: where, why,
 what, and which netfilter hook dropped it.  DKMS rebuilds the module for
 every installed kernel with headers.
CTL
cat >"$d/DEBIAN/postinst" <<POST
#!/bin/sh
set -e
if [ "\$1" = configure ]; then
	dkms add -m netdrop -v $ver >/dev/null 2>&1 || true
	for k in \$(ls /lib/modules); do
		[ -d /lib/modules/\$k/build ] || continue
		dkms install -m netdrop -v $ver -k \$k || echo "netdrop-dkms: build failed for \$k" >&2
	done
fi
POST
cat >"$d/DEBIAN/prerm" <<PRERM
#!/bin/sh
set -e
dkms remove -m netdrop -v $ver --all >/dev/null 2>&1 || true
PRERM
chmod 0755 "$d/DEBIAN/postinst" "$d/DEBIAN/prerm"
dpkg-deb --root-owner-group --build "$d" "$out/netdrop-dkms_${ver}_all.deb" >/dev/null

# netdropctl
t="$out/netdropctl"
make -C "$top" install DESTDIR="$t" PREFIX=/usr >/dev/null
mv "$t/usr/share/doc/netdrop" "$t/usr/share/doc/netdropctl"
mkdir -p "$t/DEBIAN"
deps=$(dpkg-shlibdeps -O -e "$t/usr/bin/netdropctl" 2>/dev/null | sed 's/^shlibs:Depends=//' || true)
cat >"$t/DEBIAN/control" <<CTL
Package: netdropctl
Version: $ver
Architecture: $arch
Maintainer: netdrop developers <netdrop@localhost>
Depends: ${deps:-libc6}
Recommends: netdrop-dkms (= $ver)
Section: net
Priority: optional
Description: where and why the Linux kernel drops packets
 stream, summary, dump-hooks, counters, record/report, JSON and pcapng, on
 top of the netdrop kernel module; netdrop.service (installed, not enabled)
 runs the Prometheus exporter, the flight recorder and JSON lines that
 /etc/netdrop/netdrop.conf turns on.
CTL
printf '%s\n' /etc/udev/rules.d/60-netdrop.rules /etc/netdrop/netdrop.conf >"$t/DEBIAN/conffiles"
dpkg-deb --root-owner-group --build "$t" "$out/netdropctl_${ver}_${arch}.deb" >/dev/null
ls "$out"/*.deb
