#!/bin/bash
# Scenario 5 (the IDS that drops under load): which layer loses the
# packets?  Bursts arrive faster than the receive softirq runs: a UDP GSO
# sender whose veth segments in software hands the peer 32 datagrams in
# one go, and netif_rx's per-CPU backlog holds netdev_max_backlog (8) of
# them.  explain must give a backlog finding on the receiving device whose
# count is the kernel's own softnet_stat "dropped" delta (every CPU), and
# the rest must be the closed port's drops, = UdpNoPorts: together, every
# segment sent.  In the same window the answering side's egress qdisc (a
# tbf far slower than its sender) drops too: explain's qdisc finding has
# the count `tc -s qdisc` gives as dropped, and `netdropctl counters`
# reads the same number through rtnetlink.
. "$ND_TOP/tests/e2e/lib.sh"
nd_load
ip netns add s5a
ip netns add s5b
ip link add eth0 netns s5a type veth peer name eth0 netns s5b
ip -n s5a addr add 10.5.0.1/24 dev eth0
ip -n s5b addr add 10.5.0.2/24 dev eth0
ip -n s5a link set eth0 up
ip -n s5b link set eth0 up
# Segment in software, in the sender's transmit path (BH off throughout).
ip netns exec s5a ethtool -K eth0 tx-udp-segmentation off >/dev/null || fail "ethtool -K tx-udp-segmentation off"
udp s5a 10.5.0.2 9999 1 >/dev/null # neighbours resolved first
old=$(sysctl -n net.core.netdev_max_backlog)
trap 'sysctl -qw net.core.netdev_max_backlog=$old' EXIT
# The kernel's own count: softnet_stat's second column (hex), every CPU.
softnet_dropped() {
	local s=0 _p d _r
	while read -r _p d _r; do s=$((s + 16#$d)); done </proc/net/softnet_stat
	echo "$s"
}
# The bound, for the whole window (explain reads the sysctls).
sysctl -qw net.core.netdev_max_backlog=8

ip netns exec s5b tc qdisc add dev eth0 root tbf rate 8kbit burst 1600 limit 1600 || fail "tc qdisc add tbf"
tc_dropped() { ip netns exec s5b tc -s qdisc show dev eth0 | sed -n 's/.*(dropped \([0-9]*\),.*/\1/p' | head -n 1; }

"$ND_CTL" explain --netns s5b --duration 120 --json >/tmp/ex50.json 2>/tmp/ex50.err &
ex=$!
nd_wait_capturing 1
kstat_snap s5b /tmp/s5b.before
d0=$(softnet_dropped)
q0=$(tc_dropped)
ip netns exec s5a python3 - <<'PY' || fail "GSO sender"
import socket
UDP_SEGMENT = 103
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_UDP, UDP_SEGMENT, 100)
for _ in range(20):
    s.sendto(b"x" * 3200, ("10.5.0.2", 9500))  # 32 segments of 100 bytes
PY
udp s5b 10.5.0.1 9600 200 >/dev/null # the tbf: most of them dropped at enqueue
sleep 1
d1=$(softnet_dropped)
q1=$(tc_dropped)
kstat_snap s5b /tmp/s5b.after
kill -INT $ex
wait $ex || { cat /tmp/ex50.err; fail "explain"; }
sysctl -qw net.core.netdev_max_backlog="$old"
cat /tmp/ex50.json

dropped=$((d1 - d0))
noports=$(kstat_delta /tmp/s5b.before /tmp/s5b.after UdpNoPorts)
echo "softnet dropped +$dropped, UdpNoPorts +$noports"
assert_ge "$dropped" 1 "the backlog overflowed (softnet_stat dropped)"
assert_eq "$((dropped + noports))" 640 "every segment is a backlog drop or a closed-port drop (20 x 32)"
f() { jq -c "select(.kind == \"$1\")" /tmp/ex50.json; }
assert_eq "$(f backlog | wc -l)" 1 "one backlog finding"
assert_eq "$(f backlog | jq -r '"\(.count) \(.device) \(.layer)"')" \
	"$dropped eth0 the per-CPU backlog (netdev_max_backlog)" \
	"its count = softnet_stat's dropped, on the receiving device, the layer named"
assert_contains <(f backlog | jq -r .where) "net.core.netdev_max_backlog = 8" "it names the bound that was hit"
assert_eq "$(f no-socket | jq .count)" "$noports" "the rest: the closed port's drops = UdpNoPorts"
assert_eq "$(f unexplained | wc -l)" 0 "nothing unexplained: every backlog drop had its event"

qdrops=$((q1 - q0))
assert_ge "$qdrops" 1 "the tbf dropped (tc -s qdisc)"
"$ND_CTL" counters --netns s5b --all --json | jq -r 'select(.counter == "qdisc.eth0.drops") | .value' >/tmp/q50.txt
assert_eq "$(cat /tmp/q50.txt)" "$(tc_dropped)" "counters: qdisc.eth0.drops = tc -s qdisc's dropped (rtnetlink)"
if nd_has_reasons; then
	assert_eq "$(f qdisc | jq -r '"\(.count) \(.device) \(.counter)"')" "$qdrops eth0 qdisc.eth0.drops" \
		"the qdisc finding: its count = tc's dropped delta, on eth0"
	assert_contains <(f qdisc | jq -r '.evidence[]') "qdisc.eth0.drops +$qdrops (the qdisc's own count)" \
		"its evidence: the qdisc's own count"
else
	echo "ok: no drop reasons here (5.10): the tbf's drops are told by the counters only"
fi
assert_eq "$(f unexplained | wc -l)" 0 "still nothing unexplained: every qdisc drop had its event"
echo "ok: the backlog layer lost $dropped of 640, the qdisc $qdrops"
