#!/bin/bash
# Prints the Reliability table of README.md from the last stress guests'
# logs (build/e2e/KVER-stress/, KVER-rt/).
top=$(cd "$(dirname "$0")/.." && pwd)
echo "| kernel | fuzzer calls | stress sessions | drops seen by the record-everything session | reloads | kernel reports |"
echo "|---|---|---|---|---|---|"
for d in "$top"/build/e2e/*-stress "$top"/build/e2e/*-rt; do
	[ -d "$d" ] || continue
	k=$(basename "$d"); k=${k%-stress}; k=${k%-rt}
	calls=$(sed -n 's/^calls //p' "$d/e2e-40_device_fuzz.log" 2>/dev/null)
	sessions=$(sed -n 's/^\(worker [0-9]*\|everything\): \([0-9]*\) sessions.*/\2/p' "$d/e2e-41_stress.log" 2>/dev/null |
		awk '{s += $1} END {print s + 0}')
	seen=$(sed -n 's/^everything: .* sessions, \([0-9]*\) drops seen.*/\1/p' "$d/e2e-41_stress.log" 2>/dev/null)
	reloads=$(sed -n 's/^reload: \([0-9]*\) .*/\1/p' "$d/e2e-41_stress.log" 2>/dev/null)
	reports=$(python3 "$top/scripts/dmesg_check.py" "$d/dmesg" >/dev/null 2>&1 && echo 0 || echo "see $d/dmesg")
	echo "| $k | ${calls:-?} | $sessions | ${seen:-?} | ${reloads:-?} | $reports |"
done
