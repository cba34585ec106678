#!/bin/bash
# Runs inside a guest (scripts/bench-compare.sh boots it): the cost per
# drop of two builds of netdrop.ko (ND_OLD_MODDIR, ND_MODDIR), each
# measured between baselines with nothing attached, round after round in
# the same guest, so only ratios are compared.  Cases: recording every
# drop, recording with stacks, a kernel filter rejecting every drop.
# Writes "case build round ns baseline_ns" lines to /tmp/results/compare.txt,
# and "close build round ms probes" for closing a hook-attribution session
# (its kretprobes unregistered) with the hooks of iptables, nat and
# conntrack for IPv4 and IPv6 registered.
set -u
. "$ND_TOP/tests/e2e/lib.sh"
out=/tmp/results/compare.txt
: >"$out"
rounds=${ND_BENCH_ROUNDS:-3}
benchdir=$(dirname "$ND_MODDIR")/tests/bench/kmod
insmod "$benchdir/ndbench.ko" iters="${ND_BENCH_ITERS:-100000}" || fail "insmod ndbench"

loop() { cat /proc/ndbench | awk '{print $1}'; }

start() {
	case $1 in
	record) "$ND_CTL" record -o /tmp/b.ndr 2>/dev/null & ;;
	stack) "$ND_CTL" record --stack -o /tmp/b.ndr 2>/dev/null & ;;
	reject) "$ND_CTL" stream --src 192.0.2.1 >/dev/null 2>&1 & ;;
	esac
	tracer=$!
	nd_wait_capturing 1
	sleep 3	# symbols load in the background at start
}

stop() {
	kill -INT $tracer
	wait $tracer 2>/dev/null
	rm -f /tmp/b.ndr
}

for t in filter nat mangle raw; do
	iptables -t $t -L -n >/dev/null 2>&1
	ip6tables -t $t -L -n >/dev/null 2>&1
done
iptables -A INPUT -m conntrack --ctstate INVALID -j DROP 2>/dev/null
ip6tables -A INPUT -m conntrack --ctstate INVALID -j DROP 2>/dev/null
nft add table inet bench 2>/dev/null
nft add chain inet bench in '{ type filter hook input priority 0; }' 2>/dev/null

close_ms() {
	"$ND_CTL" stream >/dev/null 2>&1 &	# hook attribution is on by default
	tracer=$!
	nd_wait_capturing 1
	sleep 2
	local t0 t1
	t0=$(date +%s%N)
	kill -INT $tracer
	wait $tracer 2>/dev/null
	t1=$(date +%s%N)
	echo $(((t1 - t0) / 1000000))
}

loop >/dev/null	# warm up
for r in $(seq 1 "$rounds"); do
	for build in old new; do
		dir=$ND_OLD_MODDIR
		[ $build = new ] && dir=$ND_MODDIR
		insmod "$dir/netdrop.ko" || fail "insmod $build"
		for c in record stack reject; do
			b1=$(loop)
			start $c
			ns=$(loop)
			stop
			b2=$(loop)
			base=$(echo "$b1 $b2" | awk '{printf "%.1f", ($1 + $2) / 2}')
			echo "$c $build $r $ns $base" | tee -a "$out"
		done
		echo "close $build $r $(close_ms) $("$ND_CTL" dump-hooks --all-netns --json 2>/dev/null | jq -r .function | sort -u | wc -l)" |
			tee -a "$out"
		rmmod netdrop || fail "rmmod"
	done
done
