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
mkdir -p "$out"
# The module the guest loads, kept for addr2line (a rebuild meanwhile
# would map the samples onto other code).
cp "$moddir/netdrop.ko" "$out/netdrop.ko"
ND_GUEST_CPUS=1 "$here/vm-run.sh" -k "$k" -t 1200 -o "$out" -- \
	env ND_TOP="$top" ND_KVER="$k" ND_MODDIR="$moddir" ND_PROFILE_TRACERS="${ND_PROFILE_TRACERS:-}" bash "$top/tests/bench/profile.sh" >&2
cat "$out"/profile-*.txt
# netdrop's samples by source line (addr2line on the module the guest ran).
base=$(cat "$out/netdrop-text.txt" 2>/dev/null || true)
if [ -n "$base" ]; then
	for f in "$out"/ips-*.txt; do
		[ -s "$f" ] || continue
		echo "== lines: $(basename "$f" .txt | sed 's/^ips-//')"
		while read -r n ip; do
			printf '%d 0x%x\n' "$n" $((0x$ip - base))
		done <"$f" | while read -r n off; do
			echo "$n $(addr2line -e "$out/netdrop.ko" -j .text -f -i -s "$off" | paste -sd ' ')"
		done | awk '{c[$0 == "" ? "?" : substr($0, index($0, " ") + 1)] += $1} END {for (k in c) print c[k], k}' |
			sort -rn | head -n 25
	done | tee "$out/lines.txt"
fi
