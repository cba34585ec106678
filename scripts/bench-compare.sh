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
	python3 - "$out/compare.txt" <<'PY'
import statistics as st, sys
rows = [l.split() for l in open(sys.argv[1])]
for case in ("record", "stack", "reject"):
    med = {}
    for build in ("old", "new"):
        sel = [r for r in rows if r[0] == case and r[1] == build]
        over = [float(r[3]) - float(r[4]) for r in sel]
        ratio = [float(r[3]) / float(r[4]) for r in sel]
        med[build] = (st.median(over), st.median(ratio), over)
    print(f"{case:7} overhead ns: old {med['old'][0]:8.0f} new {med['new'][0]:8.0f} new/old "
          f"{med['new'][0] / med['old'][0]:.2f}; x baseline: old {med['old'][1]:.2f} new {med['new'][1]:.2f}; "
          f"rounds old {[round(v) for v in med['old'][2]]} new {[round(v) for v in med['new'][2]]}")
close = {b: [r[3] for r in rows if r[0] == "close" and r[1] == b] for b in ("old", "new")}
n = next((r[4] for r in rows if r[0] == "close"), "?")
print(f"closing a hook-attribution session ({n} hook functions), ms per round: old {close['old']} new {close['new']}")
PY
done
