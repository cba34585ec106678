#!/bin/bash
# make bench: figures, not pass/fail.  Prints tables and writes JSON under
# build/bench/:
#   userspace.json        Google Benchmark, native on this host
#   kernel-KVER.json      cost per drop of each tracer, pktgen storm
#   summary.md            the tables (README's Performance section)
#   ND_BENCH_ROUNDS (3), ND_BENCH_ITERS (100000), ND_STORM_COUNT (200000)
#   ND_BENCH_TRACERS="floor netdrop-count ..." (a subset), ND_BENCH_STORM=0
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
. "$here/matrix.sh"
out=$top/build/bench
mkdir -p "$out"

# ND_BENCH_USER=0 skips the user-space part, ND_BENCH_KERNELS="" the kernels
# (to run them at different times: the host must be idle for either).
if [ "${ND_BENCH_USER:-1}" = 1 ]; then
echo "== user space (Google Benchmark)" >&2
cmake -S "$top" -B "$top/build/bench-build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DNETDROP_BENCH=ON \
	>"$out/cmake.log" 2>&1
ninja -C "$top/build/bench-build" netdrop_bench >>"$out/cmake.log" 2>&1
"$top/build/bench-build/tests/bench/netdrop_bench" --benchmark_min_time=1 --benchmark_repetitions=3 \
	--benchmark_report_aggregates_only=true --benchmark_format=json --benchmark_out="$out/userspace.json" \
	--benchmark_out_format=json >/dev/null
fi

# The most used peer, pwru (Debian's, unpacked; skipped with a line if it
# cannot be had).
pwru=$("$here/get-pwru.sh" 2>"$out/pwru.log") || { pwru=; echo "bench: no pwru (see $out/pwru.log)" >&2; }
for k in ${ND_BENCH_KERNELS-$NETDROP_MATRIX}; do
	echo "== kernel $k (one guest, 1 vCPU)" >&2
	moddir=$("$here/build-kmod.sh" "$k")
	rm -rf "$out/guest-$k"
	ND_GUEST_CPUS=1 "$here/vm-run.sh" -k "$k" -t 3000 -o "$out/guest-$k" -- \
		env ND_TOP="$top" ND_KVER="$k" ND_MODDIR="$moddir" ND_PWRU="$pwru" ND_BENCH_ROUNDS="${ND_BENCH_ROUNDS:-3}" \
		ND_BENCH_ITERS="${ND_BENCH_ITERS:-100000}" ND_STORM_COUNT="${ND_STORM_COUNT:-200000}" \
		ND_BENCH_TRACERS="${ND_BENCH_TRACERS:-}" ND_BENCH_STORM="${ND_BENCH_STORM:-1}" \
		bash "$top/tests/bench/kernel-bench.sh" >&2 || echo "bench: guest for $k failed (see $out/guest-$k)" >&2
	cp "$out/guest-$k/bench-raw.txt" "$out/kernel-$k.raw" 2>/dev/null || true
done
python3 "$top/tests/bench/report.py" "$out" | tee "$out/summary.md"
