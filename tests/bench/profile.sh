#!/bin/bash
# Runs inside a guest (scripts/bench-profile.sh boots it): where the time of
# a drop goes, per tracer, as perf samples (cpu-clock: TCG has no PMU) of
# the ndbench drop loop.  Writes /tmp/results/profile-TRACER.txt.
# ND_PROFILE_TRACERS: a subset of the tracers below (default: all).
set -u
. "$ND_TOP/tests/e2e/lib.sh"
benchdir=$(dirname "$ND_MODDIR")/tests/bench/kmod
T=/sys/kernel/tracing
mount -t tracefs tracefs $T 2>/dev/null
insmod "$benchdir/ndbench.ko" iters="${ND_BENCH_ITERS:-200000}" || fail "insmod ndbench"
nd_load
modprobe drop_monitor 2>/dev/null
profile() {
	local name=$1
	perf record -q -e cpu-clock -F 4999 -g -o /tmp/p.data -- taskset -c 0 cat /proc/ndbench >/tmp/nb.txt 2>/dev/null
	echo "== $name: $(cat /tmp/nb.txt) (ns per drop, drops, cpu)" >"/tmp/results/profile-$name.txt"
	perf report -i /tmp/p.data --stdio --no-children --percent-limit 1.0 --sort symbol -g none 2>/dev/null |
		grep -v '^$' | grep -v '^#' | head -n 40 >>"/tmp/results/profile-$name.txt"
	cat "/tmp/results/profile-$name.txt"
	# netdrop's own samples by address, for addr2line on the host
	# (scripts/bench-profile.sh): where inside the probe the time goes.
	perf script -i /tmp/p.data -G -F ip,sym 2>/dev/null |
		awk '$2 ~ /^nd_/ {print $1}' | sort | uniq -c | sort -rn >"/tmp/results/ips-$name.txt"
	cat /sys/module/netdrop/sections/.text >/tmp/results/netdrop-text.txt 2>/dev/null
}
# A netdropctl command as the tracer, profiled once it captures.
profile_ctl() {
	local name=$1 p
	shift
	"$ND_CTL" "$@" >/dev/null 2>&1 &
	p=$!
	nd_wait_capturing 1
	sleep 3
	profile "$name"
	nd_stop $p
}
for t in ${ND_PROFILE_TRACERS:=baseline floor netdrop-count netdrop-reject netdrop drop_monitor ftrace}; do
	case $t in
	baseline) profile baseline ;;
	floor)
		echo 1 >/sys/module/ndbench/parameters/floor
		profile floor
		echo 0 >/sys/module/ndbench/parameters/floor
		;;
	netdrop-count) profile_ctl netdrop-count summary --interval 3600 ;;
	netdrop-reject) profile_ctl netdrop-reject stream --src 192.0.2.1 ;;
	netdrop) profile_ctl netdrop record -o /tmp/b.ndr; rm -f /tmp/b.ndr ;;
	drop_monitor)
		(echo start; sleep 600) | dropwatch -l kas >/dev/null 2>&1 &
		sleep 2
		profile drop_monitor
		pkill -KILL dropwatch
		;;
	ftrace)
		echo 1 >$T/events/skb/kfree_skb/enable
		cat $T/trace_pipe >/dev/null &
		p=$!
		sleep 0.5
		profile ftrace
		echo 0 >$T/events/skb/kfree_skb/enable
		kill $p
		;;
	esac
done
