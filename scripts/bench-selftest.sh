#!/bin/bash
# The bench proves that it fails when it should, and for the right reason:
# each failure must be caught by its own mechanism, not merely make the run
# fail.  In real guests:
#   false assertion   its own FAIL line (e2e scenario 90)
#   WARN              the scenario and the boot fail (91); vm-run says 3
#   must-pass control a scenario that passes (92), and vm-run's 0
#   hang              vm-run's timeout, 124
#   panic             sysrq-c: the guest dies without reporting, 125
#   KASAN, lockdep    fixtures on the test kernel: vm-run says 3, and the
#                     kernel log names the report
# PASS/FAIL lines go to build/results/bench.txt.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
. "$here/matrix.sh"
res="$top/build/results/bench.txt"
dir="$top/build/selftest"
mkdir -p "$dir" "$(dirname "$res")"
: >"$res"
result() { echo "$1 bench/$2" >>"$res"; }
check() { local name=$1; shift; if "$@"; then result PASS "$name"; else result FAIL "$name"; fi; }
k=$NETDROP_DEFAULT_KVER

ND_RESULTS_DIR=$dir "$here/e2e.sh" -k "$k" "$top"/tests/selftest/9*.sh 2>"$dir/e2e.log"
rc=$?
got="$dir/e2e-$k.txt"
log90="$dir/$k/e2e-90_failing_assertion.log"
check e2e-exit-status-on-failure test $rc != 0
check failing-assertion-fails grep -q "^FAIL e2e/$k/90_failing_assertion" "$got"
check failing-assertion-own-line grep -q "^FAIL: a deliberately false assertion: expected '2', got '1'" "$log90"
check kernel-warning-fails-scenario grep -q "^FAIL e2e/$k/91_kernel_warning" "$got"
check kernel-warning-fails-boot grep -q "^FAIL e2e/$k/kernel-log-clean" "$got"
check report-names-the-warning grep -q "WARNING: .*nd_warn_init" "$dir/$k/e2e-91_kernel_warning.log"
check control-passes grep -q "^PASS e2e/$k/92_control" "$got"

# vm_case NAME KVER WANT_STATUS PATTERN TIMEOUT -- COMMAND...: vm-run must
# end with WANT_STATUS and its logs must hold PATTERN (if not empty).
vm_case() {
	local name=$1 kv=$2 want=$3 pattern=$4 t=$5 out="$dir/vm-$1" st
	shift 6
	"$here/vm-run.sh" -k "$kv" -t "$t" -o "$out" -- "$@" >"$out.log" 2>&1
	st=$?
	if [ "$st" != "$want" ]; then
		result FAIL "$name (vm-run status $st, expected $want; log: $out/console.log)"
	elif [ -n "$pattern" ] && ! grep -q -- "$pattern" "$out/console.log" "$out/dmesg" 2>/dev/null; then
		result FAIL "$name (status $st, but no '$pattern' in $out/console.log)"
	else
		result PASS "$name (vm-run status $st)"
	fi
}
fix=$top/build/kmod/$k/src/tests/fixtures
tfix=$top/build/kmod/test/src/tests/fixtures
if [ "${ND_PREBUILT:-0}" != 1 ]; then
	"$here/build-kmod.sh" "$k" >/dev/null 2>"$dir/build-$k.log" || result FAIL "build/$k"
	"$here/build-kmod.sh" test >/dev/null 2>"$dir/build-test.log" || result FAIL build/test
fi
vm_case control-status-0 "$k" 0 "" 300 -- true
vm_case warn-status-3 "$k" 3 "netdrop bench self-test: deliberate warning" 300 -- insmod "$fix/nd_warn.ko"
vm_case hang-status-124 "$k" 124 "" 40 -- sleep 600
vm_case panic-status-125 "$k" 125 "sysrq triggered crash" 300 -- sh -c 'echo c >/proc/sysrq-trigger; sleep 60'
vm_case kasan-report "test" 3 "BUG: KASAN: slab-out-of-bounds in nd_kasan_init" 600 -- insmod "$tfix/nd_kasan.ko"
vm_case lockdep-report "test" 3 "possible circular locking dependency" 600 -- insmod "$tfix/nd_lockdep.ko"
cat "$res" >&2
! grep -q '^FAIL' "$res"
