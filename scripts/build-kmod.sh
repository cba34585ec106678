#!/bin/bash
# Builds netdrop.ko (and the test modules) for one kernel into
# build/kmod/<kver>/ and prints that directory.
#   build-kmod.sh KVER      an installed kernel's headers
#   build-kmod.sh test      the KUnit/KASAN test kernel
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
kver=$1
if [ "$kver" = test ]; then
	kdir=$("$here/build-testkernel.sh")
else
	kdir=/lib/modules/$kver/build
fi
[ -d "$kdir" ] || { echo "build-kmod: no kernel build tree at $kdir" >&2; exit 2; }
out="$top/build/kmod/$kver"
mkdir -p "$out"
# Kbuild (before 6.13) builds in the source directory: build a copy.
rsync -a --delete --exclude '*.o' --exclude '*.ko' --exclude '.*.cmd' \
	"$top/kmod" "$top/include" "$top/tests" "$top/VERSION" "$out/src/" >/dev/null
log="$out/build.log"
if ! make -C "$kdir" M="$out/src/kmod" modules >"$log" 2>&1; then
	grep -E 'error|warning' "$log" >&2 || tail -n 30 "$log" >&2
	exit 1
fi
if ! make -C "$kdir" M="$out/src/tests/fixtures" modules >>"$log" 2>&1; then
	grep -E 'error|warning' "$log" >&2 || tail -n 30 "$log" >&2
	exit 1
fi
if ! make -C "$kdir" M="$out/src/tests/bench/kmod" modules >>"$log" 2>&1; then
	grep -E 'error|warning' "$log" >&2 || tail -n 30 "$log" >&2
	exit 1
fi
if grep -q 'warning:' "$log"; then
	grep 'warning:' "$log" >&2
	echo "build-kmod: warnings are errors" >&2
	exit 1
fi
echo "$out/src/kmod"
