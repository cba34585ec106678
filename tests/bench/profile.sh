#!/bin/bash
# Runs inside a guest (scripts/bench-profile.sh boots it): where the time of
# a drop goes, per tracer, as perf samples (cpu-clock: TCG has no PMU) of
# the ndbench drop loop.  Writes /tmp/results/profile-TRACER.txt.
set -u
. "$ND_TOP/tests/e2e/lib.sh"
benchdir=$(dirname "$ND_MODDIR")/tests/bench/kmod
insmod "$benchdir/ndbench.ko" iters="${ND_BENCH_ITERS:-200000}" || fail "insmod ndbench"
nd_load
modprobe drop_monitor 2>/dev/null
profile() {
	local name=$1
	perf record -q -e cpu-clock -F 4999 -g -o /tmp/p.data -- taskset -c 0 cat /proc/ndbench >/tmp/nb.txt 2>/dev/null
	echo "== $name: $(cat /tmp/nb.txt) (ns per drop, drops, cpu)" >"/tmp/results/profile-$name.txt"
	perf report -i /tmp/p.data --stdio --no-children --percent-limit 1.5 --sort symbol -g none 2>/dev/null |
		grep -v '^$' | grep -v '^#' | head -n 30 >>"/tmp/results/profile-$name.txt"
	cat "/tmp/results/profile-$name.txt"
}
profile baseline
echo 1 >/sys/module/ndbench/parameters/floor
profile floor
echo 0 >/sys/module/ndbench/parameters/floor
"$ND_CTL" summary --interval 3600 >/dev/null 2>&1 &
p=$!
nd_wait_capturing 1
sleep 3
profile netdrop-count
nd_stop $p
(echo start; sleep 600) | dropwatch -l kas >/dev/null 2>&1 &
dw=$!
sleep 2
profile drop_monitor
kill $dw 2>/dev/null
pkill -KILL dropwatch
