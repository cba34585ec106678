#!/bin/bash
# Runs the e2e scenarios in one guest per kernel of the matrix.
#   e2e.sh [-k "KVER ..."] [-n RUN] [SCENARIO ...]
# Results: build/results/e2e-KVER[-RUN].txt ("PASS e2e/KVER[-RUN]/NAME"
# lines), logs under build/e2e/KVER[-RUN]/.  -n names a run, so that one
# kernel can run several guests (in parallel or one after another).
# Scenarios that declare "# needs: smp" run only in guests with two or more
# vCPUs (ND_GUEST_CPUS, default 2).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
. "$here/matrix.sh"
kernels=$NETDROP_MATRIX
run_name=
while getopts "k:n:" opt; do
	case $opt in
	k) kernels=$OPTARG ;;
	n) run_name=-$OPTARG ;;
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
	id=$k$run_name
	results="$resdir/e2e-$id.txt"
	: >"$results"
	out="$logdir/$id"
	rm -rf "$out" && mkdir -p "$out"
	# ND_PREBUILT=1: make check built every kernel's modules before
	# starting guests in parallel (two builds into one tree would race).
	# ND_DEBUG=1: the module's debug build (build-kmod.sh).
	kd=$k
	[ "${ND_DEBUG:-0}" = 1 ] && kd=$k-debug
	if [ "${ND_PREBUILT:-0}" = 1 ] && [ -f "$top/build/kmod/$kd/src/kmod/netdrop.ko" ]; then
		moddir=$top/build/kmod/$kd/src/kmod
	elif ! moddir=$("$here/build-kmod.sh" "$k"); then
		echo "FAIL e2e/$id/build" >>"$results"
		all_ok=false
		continue
	fi
	echo "PASS e2e/$id/build" >>"$results"
	# Scenarios that need two vCPUs ("# needs: smp") are SKIP lines in a
	# one-vCPU guest.
	run=()
	for s in "${scenarios[@]}"; do
		if [ "${ND_GUEST_CPUS:-2}" -lt 2 ] && grep -q '^# needs: smp' "$s"; then
			echo "e2e: $id: not run in a 1-vCPU guest: $(basename "$s" .sh)" >&2
			echo "SKIP e2e/$id/$(basename "$s" .sh) (needs smp)" >>"$results"
			continue
		fi
		run+=("$s")
	done
	echo "e2e: $id: ${#run[@]} scenarios" >&2
	# KASAN under TCG is slow: about 150 s a scenario and a minute to boot.
	# ND_KMEMLEAK=1 (make e2e-kasan) also scans for leaks after the suite.
	timeout=$((120 + 200 * ${#run[@]}))
	# A scenario prints to the console when it starts and ends, and
	# run-in-guest.sh stops one at its own limit (300 s, 600 s on the
	# test kernel, or its "# timeout:"): a console silent for longer than
	# the longest limit and five minutes more is a hung guest (idle).
	idle=300
	netdrop_is_testkernel "$k" && idle=600
	for s in "${run[@]}"; do
		l=$(sed -n 's/^# timeout: \([0-9]*\).*/\1/p' "$s" | head -n 1)
		# A scenario that declares a longer limit (the soak) adds the rest.
		[ "${l:-0}" -gt 200 ] && timeout=$((timeout + l - 200))
		[ "${l:-0}" -gt "$idle" ] && idle=$l
	done
	idle=$((idle + 300))
	append=
	if netdrop_is_testkernel "$k"; then
		timeout=$((600 + 300 * ${#run[@]}))
		[ "${ND_KMEMLEAK:-0}" = 1 ] && append=kmemleak=on && timeout=$((timeout + 900))
	fi
	start=$(date +%s)
	(cd "$top" && ND_TOP=$top ND_KVER=$k ND_MODDIR=$moddir \
		"$here/vm-run.sh" -k "$k" -t "$timeout" -i "$idle" -o "$out" -a "$append" -- \
		env ND_TOP="$top" ND_KVER="$k" ND_MODDIR="$moddir" \
		ND_STRESS_SECONDS="${ND_STRESS_SECONDS:-}" ND_RELOAD_TIMES="${ND_RELOAD_TIMES:-}" \
		ND_FUZZ_CALLS="${ND_FUZZ_CALLS:-}" ND_SOAK_SECONDS="${ND_SOAK_SECONDS:-}" \
		bash "$top/tests/e2e/run-in-guest.sh" "${run[@]}")
	rc=$?
	echo "e2e: $id: guest finished in $(($(date +%s) - start)) s (status $rc)" >&2
	for s in "${run[@]}"; do
		name=$(basename "$s" .sh)
		line=$(grep -E "^(PASS|FAIL) $name\$" "$out/e2e.txt" 2>/dev/null)
		[ -n "$line" ] || line="FAIL $name"
		echo "${line%% *} e2e/$id/$name" >>"$results"
		if [ "${line%% *}" = FAIL ]; then
			echo "---- $id/$name (log: $out/e2e-$name.log)" >&2
			# The failed assertions first: a view that cuts the tail
			# short still shows what failed.
			grep -m 5 '^FAIL' "$out/e2e-$name.log" | sed 's/^/first: /' >&2 2>/dev/null
			tail -n 25 "$out/e2e-$name.log" >&2 2>/dev/null
		fi
	done
	if line=$(grep -E "^(PASS|FAIL) kmemleak" "$out/e2e.txt" 2>/dev/null); then
		echo "${line%% *} e2e/$id/kmemleak" >>"$results"
	fi
	# The whole boot must be free of kernel reports (vm-run exits 3).
	if [ $rc = 0 ]; then
		echo "PASS e2e/$id/kernel-log-clean" >>"$results"
	else
		echo "FAIL e2e/$id/kernel-log-clean (vm-run status $rc)" >>"$results"
	fi
	echo "e2e: $id: $(grep -c '^PASS' "$results") passed, $(grep -c '^FAIL' "$results") failed, $(grep -c '^SKIP' "$results") skipped" >&2
	grep -q '^FAIL' "$results" && all_ok=false
done
$all_ok
