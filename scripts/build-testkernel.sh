#!/bin/bash
# Builds (once) the KUnit + KASAN + lockdep test kernel from linux-source-6.1:
# make tinyconfig + scripts/testkernel.config.  Cached under
# ~/.cache/netdrop/testkernel-<hash>, keyed by the fragment and the source
# tarball's version.  Prints the cache directory on stdout.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
frag="$here/testkernel.config"
tarball=$(ls /usr/src/linux-source-6.1.tar.* | head -n 1)
srcver=$(dpkg-query -W -f='${Version}' linux-source-6.1)
key=$( (cat "$frag"; echo "$srcver") | sha256sum | cut -c1-16)
cache="${NETDROP_CACHE:-$HOME/.cache/netdrop}"
out="$cache/testkernel-$key"

src="$cache/linux-source-6.1-$srcver"
if [ "${1:-}" = --source-only ]; then
	# Unpack only (checkpatch.pl, kunit tools); print the source tree.
	if [ ! -f "$src/.unpacked" ]; then
		rm -rf "$src" && mkdir -p "$src"
		tar -xf "$tarball" -C "$src" --strip-components=1
		touch "$src/.unpacked"
	fi
	echo "$src/."
	exit 0
fi

if [ -f "$out/.done" ]; then
	echo "$out"
	exit 0
fi

mkdir -p "$cache"
if [ ! -f "$src/.unpacked" ]; then
	rm -rf "$src" && mkdir -p "$src"
	echo "build-testkernel: unpacking $tarball" >&2
	tar -xf "$tarball" -C "$src" --strip-components=1
	touch "$src/.unpacked"
fi

rm -rf "$out" && mkdir -p "$out"
log="$out/build.log"
echo "build-testkernel: building in $out (log: $log)" >&2
{
	make -C "$src" O="$out" tinyconfig
	"$src/scripts/kconfig/merge_config.sh" -m -O "$out" "$out/.config" "$frag"
	make -C "$src" O="$out" olddefconfig
} >"$log" 2>&1
# Every line of the fragment must have survived Kconfig's dependency solver,
# otherwise the kernel silently lacks a feature the tests rely on.
bad=0
while IFS= read -r line; do
	case "$line" in ''|'#'*) continue ;; esac
	sym=${line%%=*}
	val=${line#*=}
	if [ "$val" = n ]; then
		grep -q "^$sym=" "$out/.config" && { echo "build-testkernel: $sym should be unset" >&2; bad=1; }
	elif ! grep -qx "$line" "$out/.config"; then
		echo "build-testkernel: $line did not take" >&2
		bad=1
	fi
done <"$frag"
[ $bad = 0 ] || exit 1
make -C "$src" O="$out" -j"$(nproc)" bzImage modules >>"$log" 2>&1 ||
	{ tail -n 40 "$log" >&2; exit 1; }
touch "$out/.done"
echo "$out"
