#!/bin/bash
# Builds netdrop.ko (and the test modules) for one kernel into
# build/kmod/<kver>/ and prints that directory.
#   build-kmod.sh KVER      an installed kernel's headers
#   build-kmod.sh test      the KUnit/KASAN test kernel (test-6.12: the
#                           6.12 one; NETDROP_TESTKERNELS, scripts/matrix.sh)
#   ND_DEBUG=1 build-kmod.sh KVER   the debug build, in build/kmod/KVER-debug
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
kver=$1
. "$here/matrix.sh"
chroot=
case $kver in
missing-*) echo "build-kmod: the matrix has no kernel for $kver (scripts/matrix.sh)" >&2; exit 2 ;;
esac
if netdrop_is_testkernel "$kver"; then
	kdir=$("$here/build-testkernel.sh" "$kver")
else
	chroot=$(netdrop_chroot_of "$kver")
	kdir=/lib/modules/$kver/build
	[ -z "$chroot" ] || kdir=/usr/src/linux-headers-$kver
fi
[ -d "$chroot$kdir" ] || { echo "build-kmod: no kernel build tree at $chroot$kdir" >&2; exit 2; }
# ND_DEBUG=1: the debug build (kmod/Kbuild), into build/kmod/KVER-debug.
debug=${ND_DEBUG:-0}
out="$top/build/kmod/$kver"
[ "$debug" = 1 ] && out="$out-debug"
mkdir -p "$out"
# Kbuild (before 6.13) builds in the source directory: build a copy, and
# no stale object from an earlier build of it is ever reused.
rsync -a --delete "$top/kmod" "$top/include" "$top/tests" "$top/VERSION" "$out/src/" >/dev/null
find "$out/src" \( -name '*.o' -o -name '*.ko' -o -name '.*.cmd' -o -name '*.mod' -o -name '*.mod.c' \
	-o -name 'Module.symvers' -o -name 'modules.order' \) -delete
log="$out/build.log"
: >"$log"

# make -C KDIR M=DIR modules, on the host or in the kernel's suite chroot
# (with that suite's compiler), the copy bind-mounted at /netdrop there.
kbuild() {
	if [ -z "$chroot" ]; then
		make -j"$(nproc)" -C "$kdir" M="$out/src/$1" ND_DEBUG="$debug" modules
	else
		unshare -m sh -c 'mkdir -p "$0/netdrop" && mount --bind "$1" "$0/netdrop" &&
			mount -t proc proc "$0/proc" &&
			exec chroot "$0" make -j"$5" -C "$2" M="/netdrop/$3" ND_DEBUG="$4" modules' \
			"$chroot" "$out/src" "$kdir" "$1" "$debug" "$(nproc)"
	fi
}

for d in tests/conftest kmod tests/fixtures tests/bench/kmod; do
	if ! kbuild "$d" >>"$log" 2>&1; then
		grep -E 'error|warning|netdrop' "$log" >&2 || tail -n 30 "$log" >&2
		exit 1
	fi
done
# What each compile probe chose, one line (kmod/Kbuild).
grep -m1 '^netdrop probes:' "$log" | sed "s|^|build-kmod: $kver: |" >&2
if grep -q 'warning:' "$log"; then
	grep 'warning:' "$log" >&2
	echo "build-kmod: warnings are errors" >&2
	exit 1
fi
echo "$out/src/kmod"
