#!/bin/bash
# make soak: netdrop.service's components under load for ND_SOAK_SECONDS
# (600) in a 2-vCPU guest of each kernel given (default: bookworm's newest,
# 6.12): tests/e2e/soak_service.sh.  Prints the memory samples.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
. "$here/matrix.sh"
export ND_GUEST_CPUS=2 ND_SOAK_SECONDS=${ND_SOAK_SECONDS:-600}
ok=true
for k in ${ND_SOAK_KERNELS:-$(echo "$NETDROP_MATRIX" | tr ' ' '\n' | grep deb12 | tail -n 1)}; do
	"$here/e2e.sh" -k "$k" -n soak "$top/tests/e2e/soak_service.sh" || ok=false
	grep -E '^(soak|service RSS|kernel slab|[0-9]+ [0-9]+ [0-9]+$)' "$top/build/e2e/$k-soak/e2e-soak_service.log"
done
$ok
