#!/bin/bash
# Runs e2e scenarios inside a guest, one after another, each from a clean
# state.  Writes "PASS name" / "FAIL name" lines to /tmp/results/e2e.txt and
# each scenario's output to /tmp/results/e2e-NAME.log.  A scenario also
# fails when it leaves a kernel report (BUG, WARNING, KASAN, ...) in dmesg.
#   run-in-guest.sh SCENARIO...   (paths to tests/e2e/NN_*.sh)
# Environment: ND_TOP, ND_KVER, ND_MODDIR.
set -u
results=/tmp/results
: >"$results/e2e.txt"
export ND_TOP ND_KVER ND_MODDIR
sysctl -qw kernel.printk_ratelimit=0 2>/dev/null

cleanup() {
	pkill -KILL -f netdropctl 2>/dev/null
	sleep 0.2
	ip -all netns delete 2>/dev/null
	for m in $(lsmod | awk 'NR > 1 && /^(netdrop|nd_|resguard)/ {print $1}'); do
		rmmod "$m" 2>/dev/null
	done
	iptables -F 2>/dev/null
	nft flush ruleset 2>/dev/null
}

# kmemleak (test kernel): forget what boot left, so that the final scan
# reports only what the scenarios leaked.
kmemleak=false
grep -qw kmemleak=on /proc/cmdline && [ -w /sys/kernel/debug/kmemleak ] && kmemleak=true
if $kmemleak; then
	echo scan >/sys/kernel/debug/kmemleak
	echo clear >/sys/kernel/debug/kmemleak
fi

for t in "$@"; do
	name=$(basename "$t" .sh)
	mark=$(dmesg | wc -l)
	echo "=== $name" >/dev/console
	start=$(date +%s)
	# A scenario may declare "# timeout: SECONDS" (default 300, and 600
	# on the KASAN test kernel, where starting a program takes seconds).
	limit=$(sed -n 's/^# timeout: \([0-9]*\).*/\1/p' "$t" | head -n 1)
	default=300
	[ "$ND_KVER" = test ] && default=600
	(cd /tmp && timeout -k 5 "${limit:-$default}" bash "$t") >"$results/e2e-$name.log" 2>&1
	rc=$?
	cleanup
	dmesg | tail -n +"$((mark + 1))" >"/tmp/dmesg-$name"
	if ! python3 "$ND_TOP/scripts/dmesg_check.py" "/tmp/dmesg-$name" >>"$results/e2e-$name.log"; then
		echo "kernel report during $name" >>"$results/e2e-$name.log"
		rc=1
	fi
	echo "=== $name rc=$rc ($(($(date +%s) - start)) s)" >/dev/console
	if [ $rc = 0 ]; then
		echo "PASS $name" >>"$results/e2e.txt"
	else
		echo "FAIL $name" >>"$results/e2e.txt"
	fi
done
# With kmemleak (the test kernel), everything the scenarios did must have
# been freed: scan and fail on any suspect.
if $kmemleak; then
	echo scan >/sys/kernel/debug/kmemleak
	sleep 5
	echo scan >/sys/kernel/debug/kmemleak
	cat /sys/kernel/debug/kmemleak >"$results/kmemleak.txt"
	if [ -s "$results/kmemleak.txt" ]; then
		echo "FAIL kmemleak" >>"$results/e2e.txt"
	else
		echo "PASS kmemleak" >>"$results/e2e.txt"
	fi
fi
exit 0
