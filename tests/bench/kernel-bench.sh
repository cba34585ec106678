#!/bin/bash
# Runs inside a guest (scripts/bench.sh boots it): what a tracer attached
# to skb:kfree_skb costs per drop, and netdrop under a pktgen drop storm.
# Writes "key value ..." lines to /tmp/results/bench-raw.txt.
# Environment: ND_TOP, ND_MODDIR, ND_BENCH_ROUNDS (3), ND_BENCH_ITERS (50000).
set -u
. "$ND_TOP/tests/e2e/lib.sh"
out=/tmp/results/bench-raw.txt
: >"$out"
rounds=${ND_BENCH_ROUNDS:-3}
iters=${ND_BENCH_ITERS:-100000}
benchdir=$(dirname "$ND_MODDIR")/tests/bench/kmod
T=/sys/kernel/tracing
mount -t tracefs tracefs $T 2>/dev/null
insmod "$benchdir/ndbench.ko" iters="$iters" || fail "insmod ndbench"
nd_load
modprobe drop_monitor 2>/dev/null

# One run of the drop loop on every CPU at once: mean ns per drop.
loop() {
	local c files=()
	for c in $(seq 0 $(($(nproc) - 1))); do
		taskset -c "$c" cat /proc/ndbench >"/tmp/nb.$c" &
		files+=("/tmp/nb.$c")
	done
	wait
	awk '{s += $1; n++} END {printf "%.1f\n", s / n}' "${files[@]}"
}

# netdropctl loads /proc/kallsyms in the background when it starts (and
# perf synthesizes its events): let start-up work finish before measuring.
settle() { sleep 4; }

# The kernel function kfree_skb_reason() enters: pwru probes it.
drop_fn() {
	local f
	for f in sk_skb_reason_drop kfree_skb_reason kfree_skb; do
		grep -q " T $f\$" /proc/kallsyms && { echo $f; return; }
	done
}

tracer_pid=
start_tracer() {
	case $1 in
	baseline) ;;
	floor) echo 1 >/sys/module/ndbench/parameters/floor || return 1 ;;
	netdrop-count) "$ND_CTL" summary --interval 3600 >/dev/null 2>/tmp/tr.err & tracer_pid=$!; nd_wait_capturing 1; settle ;;
	netdrop-reject-pre)
		# The drops' netns is the initial one: a filter on another rejects
		# on a field known before decoding.
		ip netns add benchns 2>/dev/null
		"$ND_CTL" stream --netns benchns >/dev/null 2>/tmp/tr.err & tracer_pid=$!
		nd_wait_capturing 1
		settle
		;;
	netdrop) "$ND_CTL" record -o /tmp/b.ndr 2>/tmp/tr.err & tracer_pid=$!; nd_wait_capturing 1; settle ;;
	netdrop-stack) "$ND_CTL" record --stack -o /tmp/b.ndr 2>/tmp/tr.err & tracer_pid=$!; nd_wait_capturing 1; settle ;;
	netdrop-reject) "$ND_CTL" stream --src 192.0.2.1 >/dev/null 2>/tmp/tr.err & tracer_pid=$!; nd_wait_capturing 1; settle ;;
	netdrop-2)
		"$ND_CTL" record -o /tmp/b.ndr 2>/tmp/tr.err &
		tracer_pid=$!
		"$ND_CTL" record -o /tmp/b2.ndr 2>/dev/null &
		tracer_pid="$tracer_pid $!"
		nd_wait_capturing 2
		settle
		;;
	drop_monitor)
		rm -f /tmp/dw.stop
		(echo start; while [ ! -e /tmp/dw.stop ]; do sleep 0.2; done; echo exit) |
			dropwatch -l kas >/tmp/dw.txt 2>&1 &
		tracer_pid=$!
		sleep 2
		;;
	ftrace)
		echo 1 >$T/events/skb/kfree_skb/enable
		cat $T/trace_pipe >/dev/null &
		tracer_pid=$!
		sleep 0.5
		;;
	ftrace-reject)
		echo 'protocol == 1' >$T/events/skb/kfree_skb/filter
		echo 1 >$T/events/skb/kfree_skb/enable
		cat $T/trace_pipe >/dev/null &
		tracer_pid=$!
		sleep 0.5
		;;
	perf)
		perf record -q -e skb:kfree_skb -a -o /tmp/perf.data >/dev/null 2>/tmp/tr.err &
		tracer_pid=$!
		for _ in $(seq 1 100); do
			[ -s /tmp/perf.data ] && break
			sleep 0.1
		done
		settle
		;;
	pwru)
		# pwru on the function the drops enter (its usual use for drops:
		# --filter-func), every event written to a file.
		[ -x "${ND_PWRU:-}" ] || return 1
		rm -f /tmp/pwru.out /tmp/pwru.log
		"$ND_PWRU" --filter-func "^$(drop_fn)\$" --output-file /tmp/pwru.out >/tmp/pwru.log 2>&1 &
		tracer_pid=$!
		for _ in $(seq 1 1200); do
			grep -q Listening /tmp/pwru.log 2>/dev/null && break
			kill -0 $tracer_pid 2>/dev/null || break
			sleep 0.1
		done
		grep -q Listening /tmp/pwru.log 2>/dev/null || { cat /tmp/pwru.log; stop_tracer pwru; return 1; }
		settle
		;;
	bpftrace)
		rm -f /tmp/bt.out
		timeout 300 bpftrace -e 'tracepoint:skb:kfree_skb { @[args->location] = count(); }' >/tmp/bt.out 2>&1 &
		tracer_pid=$!
		for _ in $(seq 1 1200); do
			grep -q Attaching /tmp/bt.out 2>/dev/null && break
			kill -0 $tracer_pid 2>/dev/null || break
			sleep 0.1
		done
		grep -q Attaching /tmp/bt.out 2>/dev/null || { stop_tracer bpftrace; return 1; }
		sleep 1
		;;
	esac
	return 0
}

stop_tracer() {
	case $1 in
	floor) echo 0 >/sys/module/ndbench/parameters/floor ;;
	drop_monitor) touch /tmp/dw.stop ;;
	ftrace | ftrace-reject)
		echo 0 >$T/events/skb/kfree_skb/enable
		echo 0 >$T/events/skb/kfree_skb/filter
		;;
	esac
	local p i
	for p in $tracer_pid; do
		kill -INT "$p" 2>/dev/null
		for i in $(seq 1 100); do
			kill -0 "$p" 2>/dev/null || break
			sleep 0.1
		done
		kill -KILL "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	pkill -KILL dropwatch 2>/dev/null
	tracer_pid=
	rm -f /tmp/b.ndr /tmp/b2.ndr /tmp/perf.data
}

tracers=${ND_BENCH_TRACERS:-"floor netdrop-count netdrop netdrop-stack netdrop-reject netdrop-reject-pre netdrop-2 drop_monitor ftrace ftrace-reject perf bpftrace pwru"}
echo "kernel $(uname -r) cpus $(nproc) iters $iters rounds $rounds" >>"$out"
loop >/dev/null	# warm up
bpftrace_ok=true
pwru_ok=true
for r in $(seq 1 "$rounds"); do
	for t in $tracers; do
		[ "$t" = bpftrace ] && ! $bpftrace_ok && continue
		[ "$t" = pwru ] && ! $pwru_ok && continue
		b=$(loop)
		if ! start_tracer "$t"; then
			echo "tracer $t did-not-attach" >>"$out"
			[ "$t" = bpftrace ] && bpftrace_ok=false
			[ "$t" = pwru ] && pwru_ok=false
			continue
		fi
		v=$(loop)
		stop_tracer "$t"
		b2=$(loop)
		echo "cost $t $r $v $b $b2" >>"$out"
		echo "round $r $t: $v ns/drop (baselines $b, $b2)"
	done
done

[ "${ND_BENCH_STORM:-1}" = 1 ] || exit 0
# A real drop storm: pktgen in netns gen floods a closed UDP port in netns
# sink through a veth pair.
note "pktgen storm"
modprobe pktgen || fail "pktgen"
ip netns add gen
ip netns add sink
ip -n gen link add g0 type veth peer name s0 netns sink
ip -n gen addr add 10.7.0.1/24 dev g0
ip -n sink addr add 10.7.0.2/24 dev s0
ip -n gen link set g0 up
ip -n sink link set s0 up
ip -n sink link set lo up
mac=$(ip -n sink -j link show s0 | jq -r '.[0].address')
sink_ns=$(ip netns exec sink readlink /proc/self/ns/net | sed 's/.*\[\([0-9]*\)\]/\1/')
storm_count=${ND_STORM_COUNT:-200000}

pg() { ip netns exec gen sh -c "echo '$2' > /proc/net/pktgen/$1"; }
storm() {
	pg kpktgend_0 "rem_device_all"
	pg kpktgend_0 "add_device g0"
	pg g0 "count $storm_count"
	pg g0 "pkt_size 64"
	pg g0 "delay 0"
	pg g0 "dst 10.7.0.2"
	pg g0 "dst_mac $mac"
	pg g0 "udp_dst_min 9"
	pg g0 "udp_dst_max 9"
	local before after t0 t1
	before=$(snmp sink Udp NoPorts)
	t0=$(date +%s%N)
	pg pgctrl start
	sleep 1	# the last packets leave the backlog
	t1=$(date +%s%N)
	after=$(snmp sink Udp NoPorts)
	echo "$((after - before)) $(((t1 - t0) / 1000000))"
}

read -r drops ms < <(storm)
echo "storm none $drops $ms 0 0 0" >>"$out"
echo "storm without a tracer: $drops drops in $ms ms"
# The reader is "record" (raw records to a file, like perf record); what
# it delivered is counted from the file afterwards.  Only the UDP layer's
# NO_SOCKET drops are what UdpNoPorts counts.
for kb in 64 256 1024 4096 16384; do
	"$ND_CTL" record -o /tmp/storm.ndr --netns sink --dport 9 --reason NO_SOCKET --ring-kb "$kb" \
		2>/tmp/storm.err &
	pid=$!
	nd_wait_capturing 1
	settle
	read -r drops ms < <(storm)
	nd_stop $pid
	recorded=$(sed -n 's/.* \([0-9]*\) recorded.*/\1/p' /tmp/storm.err)
	lost=$(sed -n 's/.* \([0-9]*\) lost.*/\1/p' /tmp/storm.err)
	shown=$("$ND_CTL" report /tmp/storm.ndr --json 2>/dev/null | wc -l)
	rm -f /tmp/storm.ndr
	echo "storm netdrop-$kb $drops $ms ${recorded:-0} ${lost:-0} $shown" >>"$out"
	echo "storm with netdrop, ${kb} KiB rings: $drops drops in $ms ms, recorded $recorded, lost $lost, delivered $shown"
done
# pwru under the same storm: the events it wrote against UdpNoPorts.
if $pwru_ok && start_tracer pwru; then
	read -r drops ms < <(storm)
	sleep 1
	stop_tracer pwru
	got=$(grep -c "$(drop_fn)" /tmp/pwru.out 2>/dev/null)
	echo "storm pwru $drops $ms ${got:-0} $((drops - ${got:-0})) ${got:-0}" >>"$out"
	echo "storm with pwru: $drops drops in $ms ms, $got events written"
fi
echo "sink_netns $sink_ns" >>"$out"
