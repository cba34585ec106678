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
# ND_PREBUILT=1 (make check): the modules make check built before any
# guest started; rebuilding them here would pull them from under guests
# that are loading them.
moddir=$top/build/kmod/test/src/kmod
if [ "${ND_PREBUILT:-0}" = 1 ] && [ -f "$moddir/netdrop.ko" ]; then
	echo "PASS kunit/build (built by make check)" >>"$results"
elif moddir=$("$here/build-kmod.sh" test); then
	echo "PASS kunit/build" >>"$results"
else
	echo "FAIL kunit/build" >>"$results"
	exit 1
fi
mods=$(cd "$moddir" && ls ./*_kunit.ko | sed 's|^\./||')
[ -n "$mods" ] || { echo "FAIL kunit/modules (none built in $moddir)" >>"$results"; exit 1; }
# The suites the test modules define: each must run.
suites=$(sed -n 's/^\t\.name = "\([a-z0-9_]*\)",$/\1/p' "$top"/kmod/tests/*.c)
# A failed insmod is a failure of its own (ktap.py also fails the suites
# it would have run).
cmd="for m in $mods; do insmod $moddir/\$m || echo \"netdrop-kunit: insmod \$m failed\" >/dev/kmsg; done"
"$here/vm-run.sh" -k test -t 600 -o "$out" -- sh -c "$cmd"
rc=$?
# shellcheck disable=SC2086
python3 "$here/ktap.py" "$out/dmesg" $suites | grep -E '^(PASS|FAIL|SKIP) ' | sed 's|^\(....\) |\1 kunit/|' >>"$results"
for m in $mods; do
	if grep -q "netdrop-kunit: insmod $m failed" "$out/dmesg" 2>/dev/null; then
		echo "FAIL kunit/insmod/$m" >>"$results"
	else
		echo "PASS kunit/insmod/$m" >>"$results"
	fi
done
if [ $rc = 0 ]; then
	echo "PASS kunit/kernel-log-clean" >>"$results"
else
	echo "FAIL kunit/kernel-log-clean (vm-run status $rc, log: $out/console.log)" >>"$results"
fi
grep FAIL "$results" >&2
! grep -q '^FAIL' "$results"
