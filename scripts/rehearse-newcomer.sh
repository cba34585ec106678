#!/bin/bash
# A newcomer's first run, as README shows it: a clone in a home directory
# of mode 0700 (root's is, on Debian), a plain `make` (which builds the
# module in the tree, for the default kernel and for the one README names),
# then `make check` (-q: `make check-quick`).  CI clones elsewhere and never
# builds in the tree first, so it would not see what this one does: a
# stale in-tree Kbuild artifact reaching a test build, or a test that drops
# privileges and cannot reach the tree.
#   scripts/rehearse-newcomer.sh [-q]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
. "$here/matrix.sh"
home=$(mktemp -d /tmp/newcomer-home.XXXXXX)
chmod 0700 "$home"
echo "rehearse-newcomer: clone in $home (mode 0700)" >&2
git clone -q "$top" "$home/netdrop"
cd "$home/netdrop"
make >"$home/make.log" 2>&1 || { tail -n 30 "$home/make.log" >&2; exit 1; }
k612=$(echo "$NETDROP_MATRIX" | tr ' ' '\n' | grep '^6\.12\.' | head -n 1)
[ -z "$k612" ] || make KVER="$k612" >>"$home/make.log" 2>&1 || { tail -n 30 "$home/make.log" >&2; exit 1; }
if [ "${1:-}" = -q ]; then
	make check-quick
else
	make check
fi
