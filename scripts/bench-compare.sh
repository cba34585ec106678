#!/bin/bash
# Cost per drop of netdrop.ko built from REV (default: the commit before
# the newest change to kmod/) against the work tree, on KVER (default: the
# matrix's kernels), in one guest per kernel: overhead over the baseline
# for each, and new/old.  Figures, not pass/fail.
#   bench-compare.sh [REV [KVER...]]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
. "$here/matrix.sh"
rev=${1:-$(git -C "$top" log -n 1 --format=%H -- kmod)~1}
shift || true
kernels=${*:-$NETDROP_MATRIX}
old=$top/build/bench-old
rm -rf "$old" && mkdir -p "$old"
git -C "$top" archive "$rev" kmod include VERSION tests | tar -x -C "$old"
for k in $kernels; do
	new_dir=$("$here/build-kmod.sh" "$k")
	make -C "/lib/modules/$k/build" M="$old/kmod" modules >/dev/null
	out=$top/build/bench/compare-$k
	rm -rf "$out"
	ND_GUEST_CPUS=1 "$here/vm-run.sh" -k "$k" -t 3000 -o "$out" -- \
		env ND_TOP="$top" ND_MODDIR="$new_dir" ND_OLD_MODDIR="$old/kmod" \
		ND_BENCH_ROUNDS="${ND_BENCH_ROUNDS:-3}" ND_BENCH_ITERS="${ND_BENCH_ITERS:-100000}" \
		bash "$top/tests/bench/compare-modules.sh" >&2
	echo "== $k: ns per drop over the baseline (median of rounds), $(git -C "$top" rev-parse --short "$rev") vs work tree"
	awk '$1 == "close" {t[$2] = t[$2] " " $4; n = $5} END {print "closing a hooks session (" n " hook functions), ms per round: old" t["old"] ", new" t["new"]}' \
		"$out/compare.txt"
	awk '$1 != "close" {ov[$1" "$2] = ov[$1" "$2] " " ($4 - $5)} END {for (k in ov) print k, ov[k]}' "$out/compare.txt" |
		sort | awk '{n = split(substr($0, index($0, $3)), v, " "); asort(v); m = v[int((n + 1) / 2)];
			med[$1, $2] = m; cases[$1] = 1}
			END {for (c in cases) printf "%-8s old %8.1f  new %8.1f  new/old %.2f\n", c, med[c, "old"], med[c, "new"],
				med[c, "new"] / med[c, "old"]}'
done
