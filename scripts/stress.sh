#!/bin/bash
# make stress: the device fuzzer and the stress run, longer than in make
# check, on every kernel (matrix, PREEMPT_RT, KASAN test kernel), 2 vCPUs.
#   ND_STRESS_SECONDS (120), ND_RELOAD_TIMES (100), ND_FUZZ_CALLS (500000)
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
. "$here/matrix.sh"
export ND_GUEST_CPUS=2
export ND_STRESS_SECONDS=${ND_STRESS_SECONDS:-120} ND_RELOAD_TIMES=${ND_RELOAD_TIMES:-100}
export ND_FUZZ_CALLS=${ND_FUZZ_CALLS:-500000}
ok=true
for k in $NETDROP_MATRIX $NETDROP_RT_KVERS test; do
	"$here/e2e.sh" -k "$k" -n stress "$top"/tests/e2e/4[01]_*.sh || ok=false
	cat "$top/build/e2e/$k-stress/e2e-40_device_fuzz.log" "$top/build/e2e/$k-stress/e2e-41_stress.log" 2>/dev/null |
		grep -E '^(calls|worker|everything|reload)'
done
$ok
