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

# Guests: each uses one host core (single-threaded TCG, see vm-run.sh),
# so two run side by side, longest first.  Most e2e guests have one vCPU
# (scenarios are sequential); the stress and device-fuzz guests have two.
. "$here/matrix.sh"
e2e_all=("$top"/tests/e2e/[0-9]*.sh)
# The KASAN+lockdep test kernel runs the whole suite (a scenario takes
# about 100 s there), split over two guests.
# The traffic zoo (44) has a guest of its own there.
kasan_a=() kasan_b=() kasan_zoo=()
for s in "${e2e_all[@]}"; do
	case $(basename "$s") in
	# Mostly user space, or covered by others there (41 for many
	# sessions): run on the Debian kernels only, to keep make check
	# inside its time (a KASAN scenario takes about 200 s).
	13_* | 16_* | 23_*) echo "check: not on the KASAN kernel: $(basename "$s" .sh)" >&2 ;;
	1[0-4]_* | 2[0-1]_*) kasan_a+=("$s") ;;
	44_*) kasan_zoo+=("$s") ;;
	*) kasan_b+=("$s") ;;
	esac
done
# PREEMPT_RT: the core scenarios (every probe type, concurrent sessions),
# probe errors, inline hooks and the traffic zoo.
rt_core=("$top"/tests/e2e/{10,12,17,20,21,25,30,44}_*.sh)
stress=("$top"/tests/e2e/4[01]_*.sh)

stage "kernel modules for every kernel"
for k in $NETDROP_MATRIX $NETDROP_RT_KVER test; do
	"$here/build-kmod.sh" "$k" >/dev/null 2>"$res/kmod-$k.log" ||
		{ echo "FAIL kmod/build/$k" >"$res/kmod-$k.txt"; cat "$res/kmod-$k.log" >&2; }
done
[ -n "$NETDROP_RT_KVER" ] || [ "${ND_QUICK:-0}" = 1 ] || echo "FAIL e2e/rt/kernel-missing" >"$res/rt.txt"

stage "guests, two at a time: e2e (KASAN, matrix, PREEMPT_RT), stress, KUnit, bench self-test; libFuzzer"
export ND_PREBUILT=1 PATH="$here:$PATH"
export ND_STRESS_SECONDS=${ND_STRESS_SECONDS:-15} ND_RELOAD_TIMES=${ND_RELOAD_TIMES:-20}
# ND_QUICK=1 (make check-quick): the matrix kernels, KUnit and the bench
# self-test only; no KASAN e2e, PREEMPT_RT or stress guests.
quick=${ND_QUICK:-0}
jobs=()
if [ "$quick" != 1 ]; then
	jobs+=("ND_GUEST_CPUS=1 e2e.sh -k test -n kasan-a ${kasan_a[*]}")
	jobs+=("ND_GUEST_CPUS=1 e2e.sh -k test -n kasan-b ${kasan_b[*]}")
	jobs+=("ND_GUEST_CPUS=2 e2e.sh -k test -n kasan-zoo ${kasan_zoo[*]}")
	jobs+=("ND_GUEST_CPUS=2 e2e.sh -k test -n stress ${stress[*]}")
fi
for k in $NETDROP_MATRIX; do
	jobs+=("ND_GUEST_CPUS=1 e2e.sh -k $k")
done
if [ "$quick" = 1 ]; then
	:
elif [ -n "$NETDROP_RT_KVER" ]; then
	jobs+=("ND_GUEST_CPUS=1 e2e.sh -k $NETDROP_RT_KVER -n core ${rt_core[*]}")
	jobs+=("ND_GUEST_CPUS=2 e2e.sh -k $NETDROP_RT_KVER -n stress ${stress[*]}")
fi
if [ "$quick" != 1 ]; then
	for k in $NETDROP_MATRIX; do
		jobs+=("ND_GUEST_CPUS=2 e2e.sh -k $k -n stress ${stress[*]}")
	done
fi
jobs+=("ND_GUEST_CPUS=1 kunit.sh" "ND_GUEST_CPUS=1 bench-selftest.sh" "fuzz.sh 10")
running=0 n=0
for j in "${jobs[@]}"; do
	if [ $running -ge 2 ]; then
		wait -n
		running=$((running - 1))
	fi
	n=$((n + 1))
	echo "job $n: ${j%% /*}" >&2
	(cd "$top" && eval "$j") 2>"$res/job-$n.log" &
	running=$((running + 1))
done
wait
cat "$res"/job-*.log >&2

stage "DKMS and Debian packages (guest modprobe smoke on each matrix kernel)"
"$here/dkms-check.sh" || true
if [ "$quick" = 1 ]; then
	"$here/deb-check.sh" || true
else
	"$here/deb-check.sh" -g || true
fi

"$here/reliability-figures.sh" >&2
passed=$(cat "$res"/*.txt | grep -c '^PASS')
failed=$(cat "$res"/*.txt | grep -c '^FAIL')
echo "== done in $(($(date +%s) - t0)) s" >&2
grep -h '^FAIL' "$res"/*.txt >&2
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
