#!/bin/bash
# Builds (once) the KUnit + KASAN + lockdep + DEBUG_PREEMPT test kernel from
# Debian's $NETDROP_TESTKERNEL_SOURCE (scripts/matrix.sh), fetched with that
# suite's chroot (the host's apt sources are never touched): make tinyconfig
# + scripts/testkernel.config, with the host's compiler.  Cached under
# ~/.cache/netdrop/testkernel-<hash>, keyed by the fragment and the source
# package's version.  Prints the cache directory on stdout.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/matrix.sh"
frag="$here/testkernel.config"
pkg=$NETDROP_TESTKERNEL_SOURCE
cache=$NETDROP_CACHE
root=$(netdrop_chroot_of_suite "$NETDROP_TESTKERNEL_SUITE")
[ -d "$root/usr" ] || { echo "build-testkernel: no $NETDROP_TESTKERNEL_SUITE chroot at $root (scripts/install-deps.sh makes it)" >&2; exit 2; }
srcver=$(netdrop_in_chroot "$root" apt-cache show --no-all-versions "$pkg" 2>/dev/null | sed -n 's/^Version: //p' | head -n 1)
[ -n "$srcver" ] || { echo "build-testkernel: the $NETDROP_TESTKERNEL_SUITE chroot has no $pkg" >&2; exit 2; }
key=$( (cat "$frag"; echo "$pkg $srcver") | sha256sum | cut -c1-16)
out="$cache/testkernel-$key"
# One build at a time: make check starts it early, in the background, and
# its module build waits here for it.
mkdir -p "$cache"
exec 9>"$out.lock"
flock 9
if [ -f "$out/.done" ]; then
	echo "$out"
	exit 0
fi

src="$cache/$pkg-$srcver"
if [ ! -f "$src/.unpacked" ]; then
	echo "build-testkernel: fetching $pkg $srcver with the $NETDROP_TESTKERNEL_SUITE chroot" >&2
	rm -rf "$root/tmp/netdrop-src" && mkdir -p "$root/tmp/netdrop-src"
	netdrop_in_chroot "$root" sh -c "cd /tmp/netdrop-src &&
		apt-get -q -o Acquire::Check-Valid-Until=false download $pkg=$srcver" >&2
	deb=$(ls "$root"/tmp/netdrop-src/"$pkg"_*.deb)
	rm -rf "$src" && mkdir -p "$src"
	dpkg-deb --fsys-tarfile "$deb" | tar -xO --wildcards "./usr/src/$pkg.tar.*" |
		tar -xJ -C "$src" --strip-components=1
	rm -rf "$root/tmp/netdrop-src"
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
