#!/bin/bash
# Builds the libFuzzer targets with clang (ASan + UBSan, which halts on the
# first report: -fno-sanitize-recover) and runs each for
# SECONDS (default 20; make fuzz runs 300).  Seeds: tests/fuzz/corpus/*,
# generated from real record layouts by the unit-test fixtures.  Writes
# PASS/FAIL lines to build/results/fuzz.txt.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
secs=${1:-20}
res="$top/build/results/fuzz.txt"
mkdir -p "$(dirname "$res")"
: >"$res"
bdir="$top/build/fuzz"
if ! { CC=clang CXX=clang++ cmake -S "$top" -B "$bdir" -G Ninja -DNETDROP_FUZZ=ON -DNETDROP_TESTS=OFF \
	-DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS="-fsanitize=address,undefined -fno-sanitize-recover=undefined" >"$bdir.log" 2>&1 &&
	ninja -C "$bdir" fuzz_decoder fuzz_recording fuzz_parsers >>"$bdir.log" 2>&1; }; then
	tail -n 30 "$bdir.log" >&2
	echo "FAIL fuzz/build" >>"$res"
	exit 1
fi
for t in decoder recording parsers; do
	corpus="$bdir/corpus-$t"
	mkdir -p "$corpus"
	cp "$top"/tests/fuzz/corpus/$t-* "$corpus/" 2>/dev/null
	if "$bdir/tests/fuzz/fuzz_$t" -max_total_time="$secs" -print_final_stats=1 "$corpus" \
		>"$bdir/$t.log" 2>&1; then
		runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$bdir/$t.log")
		echo "PASS fuzz/$t ($runs inputs in ${secs}s)" >>"$res"
	else
		grep -A20 -E "ERROR|SUMMARY" "$bdir/$t.log" | head -n 40 >&2
		echo "FAIL fuzz/$t (log: $bdir/$t.log)" >>"$res"
	fi
done
cat "$res" >&2
! grep -q '^FAIL' "$res"
