#!/bin/bash
# kunit.sh [NAME]: builds the test kernel NAME (default "test", the 7.2
# one; "test-6.12": NETDROP_TESTKERNELS in scripts/matrix.sh) and the KUnit
# test modules (kmod/tests/), loads them in a guest and parses their KTAP
# output.  Writes PASS/FAIL lines to build/results/kunit.txt (kunit-NAME.txt
# for another test kernel), named $tag/... (kunit-NAME/...).
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
tk=${1:-test}
tag=kunit
[ "$tk" = test ] || tag=kunit-$tk
results="$top/build/results/$tag.txt"
out="$top/build/$tag"
mkdir -p "$(dirname "$results")" "$out"
: >"$results"
# ND_PREBUILT=1 (make check): the modules make check built before any
# guest started; rebuilding them here would pull them from under guests
# that are loading them.
moddir=$top/build/kmod/$tk/src/kmod
if [ "${ND_PREBUILT:-0}" = 1 ] && [ -f "$moddir/netdrop.ko" ]; then
	echo "PASS $tag/build (built by make check)" >>"$results"
elif moddir=$("$here/build-kmod.sh" "$tk"); then
	echo "PASS $tag/build" >>"$results"
else
	echo "FAIL $tag/build" >>"$results"
	exit 1
fi
mods=$(cd "$moddir" && ls ./*_kunit.ko | sed 's|^\./||')
[ -n "$mods" ] || { echo "FAIL $tag/modules (none built in $moddir)" >>"$results"; exit 1; }
# The suites the test modules define: each must run.
suites=$(sed -n 's/^\t\.name = "\([a-z0-9_]*\)",$/\1/p' "$top"/kmod/tests/*.c)
# A failed insmod is a failure of its own (ktap.py also fails the suites
# it would have run).
cmd="for m in $mods; do insmod $moddir/\$m || echo \"netdrop-kunit: insmod \$m failed\" >/dev/kmsg; done"
"$here/vm-run.sh" -k "$tk" -t 600 -o "$out" -- sh -c "$cmd"
rc=$?
# shellcheck disable=SC2086
python3 "$here/ktap.py" "$out/dmesg" $suites | grep -E '^(PASS|FAIL|SKIP) ' | sed "s|^\\(....\\) |\\1 $tag/|" >>"$results"
for m in $mods; do
	if grep -q "netdrop-kunit: insmod $m failed" "$out/dmesg" 2>/dev/null; then
		echo "FAIL $tag/insmod/$m" >>"$results"
	else
		echo "PASS $tag/insmod/$m" >>"$results"
	fi
done
if [ $rc = 0 ]; then
	echo "PASS $tag/kernel-log-clean" >>"$results"
else
	echo "FAIL $tag/kernel-log-clean (vm-run status $rc, log: $out/console.log)" >>"$results"
fi
grep FAIL "$results" >&2
! grep -q '^FAIL' "$results"
