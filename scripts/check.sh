#!/bin/bash
# make check: every suite, then one line "N passed, M failed, K skipped"
# (a scenario a guest cannot run, e.g. one that needs two vCPUs in a
# one-vCPU guest, is a SKIP line, never a PASS).
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

# status_line STATUS NAME WHAT: a suite's exit status counts as a check of
# its own, beside its lines, so that a suite that fails without writing a
# FAIL line (or writes none at all) still fails make check.
status_line() {
	if [ "$1" = 0 ]; then
		echo "PASS status/$2 ($3)"
	else
		echo "FAIL status/$2 (exit $1: $3)"
	fi >"$res/status-$2.txt"
}

stage deps
if ! "$here/install-deps.sh" >&2; then
	echo "FAIL deps/install" >"$res/deps.txt"
fi

# The test kernels are the longest builds of a cold run (about 16 and 10
# minutes): they start now, one after the other, beside the host suites and
# the other kernels' modules; their module builds (below) wait for them.
{
	"$here/build-testkernel.sh" test >/dev/null 2>"$res/testkernel.log"
	"$here/build-testkernel.sh" test-6.12 >/dev/null 2>"$res/testkernel-6.12.log"
} &

stage "unit (GoogleTest)"
if cmake -S . -B build -G Ninja >"$res/cmake.log" 2>&1 && ninja -C build >>"$res/cmake.log" 2>&1; then
	(cd build && ctest --output-junit "$res/ctest.xml" >"$res/ctest.log" 2>&1)
	status_line $? unit ctest
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
python3 tests/runner/run.py "$res/runner.txt" >"$res/runner.log" 2>&1
rc=$?
status_line $rc runner tests/runner/run.py
[ $rc = 0 ] || cat "$res/runner.log" >&2
[ -s "$res/runner.txt" ] || echo "FAIL runner/run" >"$res/runner.txt"

stage "style"
"$here/style-check.sh" >"$res/style.txt" 2>"$res/style.log"
rc=$?
status_line $rc style style-check.sh
[ $rc = 0 ] || cat "$res/style.log" >&2

stage "make install into a DESTDIR"
"$here/install-check.sh" >/dev/null
status_line $? install install-check.sh

# Guests: each uses one host core (single-threaded TCG, see vm-run.sh),
# so two run side by side, longest first.  What runs where (README, "What
# runs where"), chosen so that make check stays inside 60 minutes cold:
#   full    every scenario but the fuzzer, the stress run and the
#           task-context drops (40, 41, 45; they run with 2 vCPUs below):
#           6.12, bookworm's newest
#   core    capture, filters, loss accounting, record/report, hooks and
#           verdict attribution, scenario 3 (21), the rule the kernel
#           names (27), resets, container scope, malformed
#           packets, the tracefs agreement (46), the filters and views
#           (47), BPF netfilter hooks (48), explain (49), scenario 5 (50),
#           in-kernel aggregation (51), the exporter under Prometheus (52),
#           the flight recorder (53), the service (54), conntrack (55):
#           5.10, 6.1, 7.2 and
#           RT 7.2
#   rtcore  capture, loss accounting, verdict attribution, scenario 3, rules, resets, the
#           tracefs agreement, BPF netfilter hooks, conntrack, then the stress set, in
#           one 2-vCPU guest: RT 6.12 (probes not called preemptibly)
#   stress  the device fuzzer, the stress run and the task-context drop
#           stress, 2 vCPUs: RT 7.2 (with the module's debug build: probes
#           called preemptibly); RT 6.12 in its rtcore guest
#   KASAN   the KASAN+lockdep+DEBUG_PREEMPT test kernel (7.2, probes called
#           preemptibly): the scenarios that drive the most kernel code
#           (ring, probe errors, verdicts, inline hooks, BPF netfilter
#           hooks); in a 2-vCPU guest
#           a shorter fuzzer and stress run, the task-context drops and
#           the zoo (a KASAN scenario takes about 200 s)
# Most e2e guests have one vCPU (scenarios are sequential); the stress,
# zoo and device-fuzz guests have two.
. "$here/matrix.sh"
pick() { local n; for n in "$@"; do ls "$top"/tests/e2e/"${n}"_*.sh; done | tr '\n' ' '; }
core=$(pick 10 11 12 16 20 21 26 27 30 42 43 46 47 48 49 50 51 52 53 54 55)
stress=$(pick 40 41)
rtcore=$(pick 10 12 20 21 27 30 46 48 50 51 52 53 55)
kasan=$(pick 12 17 20 25 26 27 48 51)
# full: every scenario but the fuzzer, the stress run and the task-context
# drops (all three run with 2 vCPUs on the RT kernels and under KASAN; 45
# needs two, and would be a SKIP line in this 1-vCPU guest).
full=$(ls "$top"/tests/e2e/[0-9]*_*.sh | grep -v '/4[015]_' | tr '\n' ' ')
zoo=$(pick 44)
soak=$top/tests/e2e/soak_service.sh
task=$(pick 45)
e2e_job() { echo "ND_GUEST_CPUS=$1 e2e.sh -k $2 -n $3 $4"; }
ok_kernel() { case $1 in missing-*) return 1 ;; esac; }

# pool SLOTS TAG JOB...: runs each JOB (a shell command line) with SLOTS at
# a time, in the order given (longest first, so that the last ones to end
# are short), its stderr in build/results/TAG-N.log.  Slots are counted by
# the jobs' own pids: bash's "wait -n" also returns for a job of an earlier
# pool that ended unwaited, which once started three guests on two cores.
pool() {
	local slots=$1 tag=$2 n=0 j p
	local -a pids live
	shift 2
	for j in "$@"; do
		while :; do
			live=()
			for p in "${pids[@]}"; do
				kill -0 "$p" 2>/dev/null && live+=("$p")
			done
			pids=("${live[@]}")
			[ ${#pids[@]} -lt "$slots" ] && break
			sleep 1
		done
		n=$((n + 1))
		echo "$tag $n: ${j%% /*}" >&2
		(
			t=$SECONDS
			cd "$top" && eval "$j"
			r=$?
			status_line $r "$tag-$n" "${j%% /*}"
			echo "check: $tag $n took $((SECONDS - t)) s: ${j%% /*}" >&2
		) 2>"$res/$tag-$n.log" &
		pids+=($!)
	done
	wait
	cat "$res/$tag"-*.log >&2
}

stage "kernel modules for every kernel, two at a time"
# PREEMPT_RT kernels whose tracepoints call probes preemptibly (their own
# headers say so: guard(srcu_fast_notrace) in __DECLARE_TRACE) also get the
# module's debug build, which checks that no per-CPU ring is used
# preemptibly; their stress guests use it.  (The test kernel, 7.2 with
# DEBUG_PREEMPT, checks every per-CPU access itself.)
preemptible_probes() {
	local inc
	inc=$(netdrop_kernel_include "$1" "$top/build/kmod/$1/build.log")
	[ -n "$inc" ] && grep -q 'srcu_fast_notrace' "$inc/linux/tracepoint.h"
}
# build_job KVER: its module, and where its probes are preemptible its
# debug build as well.
build_job() {
	local k=$1
	if ! ok_kernel "$k"; then
		echo "FAIL kmod/matrix/$k (scripts/matrix.sh resolved no kernel)" >"$res/kmod-$k.txt"
		return
	fi
	"$here/build-kmod.sh" "$k" >/dev/null 2>"$res/kmod-$k.log" ||
		{ echo "FAIL kmod/build/$k" >"$res/kmod-$k.txt"; cat "$res/kmod-$k.log" >&2; return; }
	grep '^build-kmod: .*probes' "$res/kmod-$k.log" >&2
	case " $NETDROP_RT_KVERS " in *" $k "*) ;; *) return 0 ;; esac
	preemptible_probes "$k" || return 0
	echo "check: $k calls probes preemptibly: debug build for its stress guest" >&2
	ND_DEBUG=1 "$here/build-kmod.sh" "$k" >/dev/null 2>"$res/kmod-$k-debug.log" ||
		{ echo "FAIL kmod/build/$k-debug" >"$res/kmod-$k-debug.txt"; cat "$res/kmod-$k-debug.log" >&2; }
}
# The test kernel first: built from source on a fresh machine, it is the
# longest.
builds=("build_job test")
for k in $NETDROP_MATRIX $NETDROP_RT_KVERS; do
	builds+=("build_job $k")
done
# The 6.12 test kernel (KUnit only) is built after the 7.2 one: last.
builds+=("build_job test-6.12")
pool 2 build "${builds[@]}"
# Each compile probe against what that kernel's headers declare.
built=
for k in $NETDROP_MATRIX $NETDROP_RT_KVERS test test-6.12; do
	ok_kernel "$k" && built="$built $k"
done
# shellcheck disable=SC2086
"$here/conftest-check.sh" $built >/dev/null 2>&1
rc=$?
status_line $rc conftest conftest-check.sh
[ $rc = 0 ] || grep '^FAIL' "$res/conftest.txt" >&2

stage "guests, two at a time: e2e (KASAN, matrix, PREEMPT_RT), stress, KUnit, bench self-test; libFuzzer"
export ND_PREBUILT=1 PATH="$here:$PATH"
export ND_STRESS_SECONDS=${ND_STRESS_SECONDS:-10} ND_RELOAD_TIMES=${ND_RELOAD_TIMES:-10}
# ND_QUICK=1 (make check-quick): the core scenarios on bookworm's kernels,
# KUnit and the bench self-test only.
quick=${ND_QUICK:-0}
# Longest first (the rehearsal's times, README "Timings"), two at a time.
jobs=()
if [ "$quick" != 1 ]; then
	# The test kernel's 2-vCPU guest: the fuzzer, the stress run, the
	# task-context drops from migrating tasks (its DEBUG_PREEMPT checks
	# every per-CPU access of a preemptible probe) and the zoo.
	jobs+=("ND_FUZZ_CALLS=10000 ND_STRESS_SECONDS=10 ND_RELOAD_TIMES=5 $(e2e_job 2 test stress "$stress $task $zoo")")
	jobs+=("$(e2e_job 1 test kasan "$kasan")")
	for k in $NETDROP_MATRIX; do
		case $k in 6.12.*) ok_kernel "$k" && jobs+=("$(e2e_job 1 "$k" full "$full")") ;; esac
	done
	for k in $NETDROP_MATRIX; do
		case $k in 5.10.*) ok_kernel "$k" && jobs+=("$(e2e_job 1 "$k" core "$core")") ;; esac
	done
	# DKMS and Debian packages, with a guest modprobe smoke test on each
	# matrix kernel.
	jobs+=("dkms-check.sh; r=\$?; deb-check.sh -g && [ \$r = 0 ]")
	for k in $NETDROP_MATRIX; do
		ok_kernel "$k" || continue
		case $k in 6.12.* | 5.10.*) ;; *) jobs+=("$(e2e_job 1 "$k" core "$core")") ;; esac
	done
	# An RT kernel whose probes are called preemptibly (7.x) gets the whole
	# core set, and a stress guest with the module's debug build.  One whose
	# probes are not (6.12 RT: the same probe contexts as 6.12, whose full
	# set runs above) gets one 2-vCPU guest: the scenarios that drive the
	# probe, the ring, the verdict probes and resets (rtcore), then the
	# stress scenarios.
	for k in $NETDROP_RT_KVERS; do
		ok_kernel "$k" || continue
		if preemptible_probes "$k"; then
			jobs+=("$(e2e_job 1 "$k" core "$core")")
			jobs+=("ND_DEBUG=1 ND_SOAK_SECONDS=60 $(e2e_job 2 "$k" stress "$stress $task $soak")")
		else
			jobs+=("$(e2e_job 2 "$k" rt "$rtcore $stress $task")")
		fi
	done
else
	for k in $NETDROP_MATRIX; do
		[ "$(netdrop_suite_of "$k")" = bookworm ] && jobs+=("$(e2e_job 1 "$k" quick "$core")")
	done
	jobs+=("dkms-check.sh; r=\$?; deb-check.sh && [ \$r = 0 ]")
fi
jobs+=("ND_GUEST_CPUS=1 kunit.sh test" "ND_GUEST_CPUS=1 kunit.sh test-6.12" "ND_GUEST_CPUS=1 bench-selftest.sh" "fuzz.sh 10")
pool 2 job "${jobs[@]}"

"$here/reliability-figures.sh" >&2
passed=$(cat "$res"/*.txt | grep -c '^PASS')
failed=$(cat "$res"/*.txt | grep -c '^FAIL')
echo "== done in $(($(date +%s) - t0)) s" >&2
grep -h '^FAIL' "$res"/*.txt >&2
skipped=$(cat "$res"/*.txt | grep -c '^SKIP')
grep -h '^SKIP' "$res"/*.txt >&2
echo "$passed passed, $failed failed, $skipped skipped"
[ "$failed" = 0 ]
