#!/bin/bash
# Builds the test kernel and the KUnit test modules (kmod/tests/), loads
# them in a guest and parses their KTAP output.
# Writes PASS/FAIL lines to build/results/kunit.txt.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
results="$top/build/results/kunit.txt"
out="$top/build/kunit"
mkdir -p "$(dirname "$results")" "$out"
: >"$results"
if ! moddir=$("$here/build-kmod.sh" test); then
	echo "FAIL kunit/build" >>"$results"
	exit 1
fi
echo "PASS kunit/build" >>"$results"
mods=$(cd "$moddir" && ls *_kunit.ko)
cmd="for m in $mods; do insmod $moddir/\$m || echo insmod \$m failed; done"
"$here/vm-run.sh" -k test -t 600 -o "$out" -- sh -c "$cmd"
rc=$?
python3 "$here/ktap.py" "$out/dmesg" | grep -E '^(PASS|FAIL) ' | sed 's|^\(....\) |\1 kunit/|' >>"$results"
if [ $rc = 0 ]; then
	echo "PASS kunit/kernel-log-clean" >>"$results"
else
	echo "FAIL kunit/kernel-log-clean (vm-run status $rc, log: $out/console.log)" >>"$results"
fi
grep FAIL "$results" >&2
! grep -q '^FAIL' "$results"
