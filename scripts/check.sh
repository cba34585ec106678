#!/bin/bash
# make check: every suite, then one line "N passed, M failed".
# Each suite writes PASS/FAIL lines to build/results/SUITE.txt; a suite
# that cannot run at all is one FAIL line.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
cd "$top"
res="$top/build/results"
rm -rf "$res"
mkdir -p "$res"
t0=$(date +%s)

stage() {
	echo "== $1 ($(($(date +%s) - t0)) s)" >&2
}

stage deps
if ! "$here/install-deps.sh" >&2; then
	echo "FAIL deps/install" >"$res/deps.txt"
fi

stage "unit (GoogleTest)"
if cmake -S . -B build -G Ninja >"$res/cmake.log" 2>&1 && ninja -C build >>"$res/cmake.log" 2>&1; then
	(cd build && ctest --output-junit "$res/ctest.xml" >"$res/ctest.log" 2>&1)
	python3 - "$res/ctest.xml" >"$res/unit.txt" <<'PY'
import sys, xml.etree.ElementTree as ET
for tc in ET.parse(sys.argv[1]).getroot().iter("testcase"):
    bad = tc.find("failure") is not None or tc.find("error") is not None
    skipped = tc.find("skipped") is not None
    print(("FAIL" if bad or skipped else "PASS") + " unit/" + tc.get("name"))
PY
	[ -s "$res/unit.txt" ] || echo "FAIL unit/no-tests" >"$res/unit.txt"
	grep FAIL "$res/unit.txt" >&2 && tail -n 40 "$res/ctest.log" >&2
else
	tail -n 40 "$res/cmake.log" >&2
	echo "FAIL unit/build" >"$res/unit.txt"
fi

stage "runner self-tests"
python3 tests/runner/run.py "$res/runner.txt" >"$res/runner.log" 2>&1 || cat "$res/runner.log" >&2
[ -s "$res/runner.txt" ] || echo "FAIL runner/run" >"$res/runner.txt"

stage "style"
"$here/style-check.sh" >"$res/style.txt" 2>"$res/style.log" || cat "$res/style.log" >&2

# Guests run two at a time with one vCPU each: TCG guests that together
# have more vCPUs than the host has cores slow down badly (vCPUs holding
# guest locks get descheduled), and most scenarios are sequential anyway.
. "$here/matrix.sh"
export ND_GUEST_CPUS=1
stage "KUnit (test kernel), bench self-test, fuzz (libFuzzer, short run)"
"$here/kunit.sh" 2>"$res/kunit.log" &
"$here/bench-selftest.sh" 2>"$res/bench.log" &
"$here/fuzz.sh" 10 2>"$res/fuzz.log" &
wait
grep -h FAIL "$res/kunit.log" "$res/bench.log" "$res/fuzz.log" >&2

stage "e2e (kernel matrix, one guest per kernel; core scenarios on the KASAN+lockdep test kernel)"
for k in $NETDROP_MATRIX; do
	"$here/e2e.sh" -k "$k" 2>"$res/e2e-$k.log" &
done
# Under KASAN and TCG a scenario takes about 100 s: the scenarios that
# drive every probe type (tracepoint, kretprobes, kprobes) and concurrent
# sessions.  "make e2e-kasan" runs them all.
"$here/e2e.sh" -k test "$top"/tests/e2e/{13,20,30}_*.sh 2>"$res/e2e-test.log" &
wait
cat "$res"/e2e-*.log >&2
unset ND_GUEST_CPUS

stage "DKMS and Debian packages (guest modprobe smoke on each matrix kernel)"
"$here/dkms-check.sh" || true
"$here/deb-check.sh" -g || true

passed=$(cat "$res"/*.txt | grep -c '^PASS')
failed=$(cat "$res"/*.txt | grep -c '^FAIL')
echo "== done in $(($(date +%s) - t0)) s" >&2
grep -h '^FAIL' "$res"/*.txt >&2
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
