#!/bin/bash
# Prints the path of a pwru binary (the most used peer, for make bench):
# Debian's pwru 1.0.5, downloaded in the newest suite chroot netdrop keeps
# and unpacked with dpkg-deb -x under ~/.cache/netdrop/pwru (cached).  Its
# binary needs only bookworm's libraries (libpcap.so.0.8 and libc).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=${NETDROP_CACHE:-$HOME/.cache/netdrop}
bin=$cache/pwru/usr/bin/pwru
if [ ! -x "$bin" ]; then
	chroot=$("$here/suite-chroot.sh" sid)
	rm -f "$chroot"/tmp/pwru_*.deb
	chroot "$chroot" sh -c 'cd /tmp && apt-get -qq -o Acquire::Check-Valid-Until=false download pwru' >&2
	deb=$(ls "$chroot"/tmp/pwru_*.deb)
	mkdir -p "$cache/pwru"
	dpkg-deb -x "$deb" "$cache/pwru"
fi
"$bin" --version >/dev/null 2>&1 || { echo "get-pwru: $bin does not run here" >&2; exit 1; }
echo "$bin"
