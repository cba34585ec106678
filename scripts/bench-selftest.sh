#!/bin/bash
# The bench proves it fails when it should: in a real guest, a scenario
# with a false assertion and a scenario whose module WARNs must both be
# reported as failures, and the boot as not clean.  PASS/FAIL lines go to
# build/results/bench.txt.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
. "$here/matrix.sh"
res="$top/build/results/bench.txt"
dir="$top/build/selftest"
mkdir -p "$dir" "$(dirname "$res")"
: >"$res"
result() { echo "$1 bench/$2" >>"$res"; }
k=$NETDROP_DEFAULT_KVER
ND_RESULTS_DIR=$dir "$here/e2e.sh" -k "$k" "$top"/tests/selftest/9*.sh 2>"$dir/e2e.log"
rc=$?
got="$dir/e2e-$k.txt"
[ $rc != 0 ] && result PASS e2e-exit-status-on-failure || result FAIL e2e-exit-status-on-failure
grep -q "^FAIL e2e/$k/90_failing_assertion" "$got" && result PASS failing-assertion-fails ||
	result FAIL failing-assertion-fails
grep -q "^FAIL e2e/$k/91_kernel_warning" "$got" && result PASS kernel-warning-fails-scenario ||
	result FAIL kernel-warning-fails-scenario
grep -q "^FAIL e2e/$k/kernel-log-clean" "$got" && result PASS kernel-warning-fails-boot ||
	result FAIL kernel-warning-fails-boot
grep -q "WARNING: .*nd_warn_init" "$dir/$k/e2e-91_kernel_warning.log" && result PASS report-names-the-warning ||
	result FAIL report-names-the-warning
! grep -q '^FAIL' "$res"
