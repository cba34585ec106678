#!/bin/bash
# Where a drop's time goes under each tracer (perf in a guest, 1 vCPU):
#   bench-profile.sh [KVER]   (default: bookworm's newest)
# Prints and keeps build/bench/profile-KVER/profile-*.txt.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
. "$here/matrix.sh"
k=${1:-$(echo "$NETDROP_MATRIX" | tr ' ' '\n' | grep deb12 | tail -n 1)}
moddir=$("$here/build-kmod.sh" "$k")
out=$top/build/bench/profile-$k
rm -rf "$out"
ND_GUEST_CPUS=1 "$here/vm-run.sh" -k "$k" -t 1200 -o "$out" -- \
	env ND_TOP="$top" ND_KVER="$k" ND_MODDIR="$moddir" bash "$top/tests/bench/profile.sh" >&2
cat "$out"/profile-*.txt
