#!/bin/bash
# Runs the e2e scenarios in one guest per kernel of the matrix.
#   e2e.sh [-k "KVER ..."] [SCENARIO ...]
# Results: build/results/e2e-KVER.txt ("PASS e2e/KVER/NAME" lines), logs under
# build/e2e/KVER/.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
. "$here/matrix.sh"
kernels=$NETDROP_MATRIX
while getopts "k:" opt; do
	case $opt in
	k) kernels=$OPTARG ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))
if [ $# -gt 0 ]; then
	scenarios=("$@")
else
	scenarios=("$top"/tests/e2e/[0-9]*.sh)
fi
for i in "${!scenarios[@]}"; do
	scenarios[$i]=$(realpath "${scenarios[$i]}")
done

resdir=${ND_RESULTS_DIR:-$top/build/results}
logdir=${ND_RESULTS_DIR:-$top/build/e2e}
mkdir -p "$resdir"
all_ok=true
for k in $kernels; do
	# One results file per kernel: kernels can be run in parallel.
	results="$resdir/e2e-$k.txt"
	: >"$results"
	out="$logdir/$k"
	rm -rf "$out" && mkdir -p "$out"
	if ! moddir=$("$here/build-kmod.sh" "$k"); then
		echo "FAIL e2e/$k/build" >>"$results"
		all_ok=false
		continue
	fi
	echo "PASS e2e/$k/build" >>"$results"
	# The test kernel has no drop_monitor and no socket diag: scenarios that
	# declare "# needs: drop_monitor" or "# needs: inet_diag" run on the
	# Debian kernels only (listed, not counted, on the test kernel).
	run=()
	for s in "${scenarios[@]}"; do
		if [ "$k" = test ] && grep -q '^# needs: \(drop_monitor\|inet_diag\)' "$s"; then
			echo "e2e: $k: not run here: $(basename "$s" .sh) ($(sed -n 's/^# needs: //p' "$s"))" >&2
			continue
		fi
		run+=("$s")
	done
	echo "e2e: $k: ${#run[@]} scenarios" >&2
	# KASAN under TCG is slow: about 150 s a scenario and a minute to boot.
	# ND_KMEMLEAK=1 (make e2e-kasan) also scans for leaks after the suite.
	timeout=$((120 + 200 * ${#run[@]}))
	append=
	if [ "$k" = test ]; then
		timeout=$((600 + 300 * ${#run[@]}))
		[ "${ND_KMEMLEAK:-0}" = 1 ] && append=kmemleak=on && timeout=$((timeout + 900))
	fi
	start=$(date +%s)
	(cd "$top" && ND_TOP=$top ND_KVER=$k ND_MODDIR=$moddir \
		"$here/vm-run.sh" -k "$k" -t "$timeout" -o "$out" -a "$append" -- \
		env ND_TOP="$top" ND_KVER="$k" ND_MODDIR="$moddir" \
		bash "$top/tests/e2e/run-in-guest.sh" "${run[@]}")
	rc=$?
	echo "e2e: $k: guest finished in $(($(date +%s) - start)) s (status $rc)" >&2
	for s in "${run[@]}"; do
		name=$(basename "$s" .sh)
		line=$(grep -E "^(PASS|FAIL) $name\$" "$out/e2e.txt" 2>/dev/null)
		[ -n "$line" ] || line="FAIL $name"
		echo "${line%% *} e2e/$k/$name" >>"$results"
		if [ "${line%% *}" = FAIL ]; then
			echo "---- $k/$name (log: $out/e2e-$name.log)" >&2
			tail -n 25 "$out/e2e-$name.log" >&2 2>/dev/null
		fi
	done
	if line=$(grep -E "^(PASS|FAIL) kmemleak" "$out/e2e.txt" 2>/dev/null); then
		echo "${line%% *} e2e/$k/kmemleak" >>"$results"
	fi
	# The whole boot must be free of kernel reports (vm-run exits 3).
	if [ $rc = 0 ]; then
		echo "PASS e2e/$k/kernel-log-clean" >>"$results"
	else
		echo "FAIL e2e/$k/kernel-log-clean (vm-run status $rc)" >>"$results"
	fi
	echo "e2e: $k: $(grep -c '^PASS' "$results") passed, $(grep -c '^FAIL' "$results") failed" >&2
	grep -q '^FAIL' "$results" && all_ok=false
done
$all_ok
