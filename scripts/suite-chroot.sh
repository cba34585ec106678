#!/bin/bash
# Makes (once, cached) the chroot of a Debian suite other than the host's,
# for the kernels scripts/matrix.sh takes from it:
#   - the newest headers of each flavour the matrix lists for the suite,
#     with the suite's own compiler and kbuild (what DKMS would use there);
#   - dkms, for the DKMS check;
#   - each kernel's image and modules, unpacked under
#     $NETDROP_CACHE/kernels/KVER/ (vmlinuz, lib/modules/KVER) with
#     depmod run on them, for the guests.
# Prints the chroot's path.  The suites' Release files are expired
# snapshots here: apt is told not to check Valid-Until.  The host's own apt
# sources are never changed.
#   suite-chroot.sh SUITE
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/matrix.sh"
suite=$1
mirror=${NETDROP_MIRROR:-http://deb.debian.org/debian}
dir=$(netdrop_chroot_of_suite "$suite")
[ -n "$dir" ] || { echo "suite-chroot: $suite is the host's suite" >&2; exit 2; }

flavours=$(echo "$NETDROP_KERNELS" | awk -v s="$suite" '$2 == s {print $3}' | sort -u)
[ -n "$flavours" ] || { echo "suite-chroot: no kernel of the matrix comes from $suite" >&2; exit 2; }

mkdir -p "$NETDROP_CACHE"
noexpire='Acquire::Check-Valid-Until "false";'
if [ ! -f "$dir/.netdrop-ready" ]; then
	command -v mmdebstrap >/dev/null || { echo "suite-chroot: mmdebstrap missing (install-deps.sh)" >&2; exit 2; }
	include=$(echo "$NETDROP_CHROOT_PACKAGES" | tr ' ' ',')
	for f in $flavours; do include="$include,linux-headers-$f"; done
	rm -rf "$dir.tmp"
	echo "suite-chroot: making the $suite chroot ($dir)" >&2
	mmdebstrap --variant=minbase --aptopt="$noexpire" --skip=cleanup/apt/lists \
		--include="$include" \
		"$suite" "$dir.tmp" "$mirror" >"$NETDROP_CACHE/chroot-$suite.log" 2>&1 ||
		{ tail -n 20 "$NETDROP_CACHE/chroot-$suite.log" >&2; exit 1; }
	rm -rf "$dir"
	mv "$dir.tmp" "$dir"
	touch "$dir/.netdrop-ready"
fi

in_chroot() {
	netdrop_in_chroot "$dir" "$@"
}

# The images of the kernels the chroot has headers for.
echo "$NETDROP_KERNELS" | awk -v s="$suite" '$2 == s {print $1, $3}' | while read -r series flavour; do
	k=$(netdrop_resolve "$series" "$suite" "$flavour")
	[ -n "$k" ] || { echo "suite-chroot: no $series $flavour headers in the $suite chroot" >&2; exit 1; }
	img=$NETDROP_CACHE/kernels/$k
	[ -f "$img/.netdrop-ready" ] && continue
	echo "suite-chroot: unpacking the $k image" >&2
	debs=/var/cache/netdrop-debs/$k
	mkdir -p "$dir$debs"
	# Before 7.x one package holds the image and modules; from 7.x
	# linux-binary-KVER, linux-modules-KVER and linux-base-KVER (which has
	# modules.builtin, without which modprobe cannot tell built-ins).
	if in_chroot apt-cache show "linux-binary-$k" >/dev/null 2>&1; then
		pkgs="linux-binary-$k linux-modules-$k linux-base-$k"
	else
		pkgs="linux-image-$k-unsigned"
		in_chroot apt-cache show "$pkgs" >/dev/null 2>&1 || pkgs="linux-image-$k"
	fi
	# shellcheck disable=SC2086
	in_chroot sh -c "cd $debs && apt-get download -o 'APT::Sandbox::User=root' $pkgs" >&2
	rm -rf "$img.tmp"
	mkdir -p "$img.tmp"
	for deb in "$dir$debs"/*.deb; do
		dpkg-deb -x "$deb" "$img.tmp"
	done
	# Merged /usr or not: lib/modules/KVER and vmlinuz at the top.
	if [ -d "$img.tmp/usr/lib/modules/$k" ]; then
		mkdir -p "$img.tmp/lib/modules"
		mv "$img.tmp/usr/lib/modules/$k" "$img.tmp/lib/modules/$k"
	fi
	vmlinuz=
	for f in "$img.tmp/boot/vmlinuz-$k" "$img.tmp/lib/modules/$k/vmlinuz"; do
		[ -f "$f" ] && vmlinuz=$f && break
	done
	[ -n "$vmlinuz" ] || { echo "suite-chroot: no vmlinuz in $pkgs" >&2; exit 1; }
	mv "$vmlinuz" "$img.tmp/vmlinuz"
	depmod -b "$img.tmp" "$k"
	rm -rf "$img" "$dir$debs"
	mv "$img.tmp" "$img"
	touch "$img/.netdrop-ready"
done
echo "$dir"
