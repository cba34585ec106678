#!/bin/bash
# build-testkernel.sh [NAME]: builds (once) the KUnit + KASAN + lockdep +
# DEBUG_PREEMPT test kernel NAME (default "test"; NETDROP_TESTKERNELS in
# scripts/matrix.sh) from its Debian source package, fetched with its
# suite's chroot, or with the host's apt for bookworm (the host's apt
# sources are never touched): make tinyconfig + scripts/testkernel.config,
# with the host's compiler.  Cached under ~/.cache/netdrop/testkernel-<hash>,
# keyed by the fragment and the source package's version.  Prints the cache
# directory on stdout.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/matrix.sh"
frag="$here/testkernel.config"
name=${1:-test}
read -r pkg suite <<<"$(netdrop_testkernel "$name")"
[ -n "$pkg" ] || { echo "build-testkernel: no test kernel $name in NETDROP_TESTKERNELS (scripts/matrix.sh)" >&2; exit 2; }
cache=$NETDROP_CACHE
root=$(netdrop_chroot_of_suite "$suite")
# in_suite COMMAND...: runs COMMAND with the suite's apt (the host's own
# for bookworm).
in_suite() {
	if [ -z "$root" ]; then "$@"; else netdrop_in_chroot "$root" "$@"; fi
}
[ -z "$root" ] || [ -d "$root/usr" ] || { echo "build-testkernel: no $suite chroot at $root (scripts/install-deps.sh makes it)" >&2; exit 2; }
srcver=$(in_suite apt-cache show --no-all-versions "$pkg" 2>/dev/null | sed -n 's/^Version: //p' | head -n 1)
[ -n "$srcver" ] || { echo "build-testkernel: the $suite suite has no $pkg" >&2; exit 2; }
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
	echo "build-testkernel: fetching $pkg $srcver with the $suite suite's apt" >&2
	rm -rf "$root/tmp/netdrop-src" && mkdir -p "$root/tmp/netdrop-src"
	in_suite sh -c "cd /tmp/netdrop-src &&
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
find "$src" -name 'Kconfig*' -exec sed -n 's/^\(menu\)\{0,1\}config \([A-Z0-9_]*\).*/\2/p' {} + |
	sort -u >"$out/kconfig-symbols"
bad=0
while IFS= read -r line; do
	case "$line" in ''|'#'*) continue ;; esac
	sym=${line%%=*}
	val=${line#*=}
	# A symbol this kernel's Kconfig does not define (a newer kernel's
	# split of an older option, like NETFILTER_XTABLES_LEGACY from 6.17)
	# is said, not failed.
	if ! grep -qx "${sym#CONFIG_}" "$out/kconfig-symbols"; then
		echo "build-testkernel: $sym is not a symbol of $pkg $srcver: left out" >&2
		continue
	fi
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
