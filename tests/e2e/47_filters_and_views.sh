#!/bin/bash
# The filters and views not exercised elsewhere, each against a workload
# with traffic just outside it: --family, --dst, --dev, --reason, --func,
# source port ranges; summary --top and --by reason|src|dev; stream
# --count and --duration; IPv6 resets; netdev ingress/egress hooks in
# dump-hooks, with --all-netns.  Every count is also checked against the
# kernel's own UdpNoPorts/Udp6NoPorts.
. "$ND_TOP/tests/e2e/lib.sh"
nd_load
mk_server
mk_client c7 10.0.2.7 fd00::7
mk_client c8 10.0.2.8 fd00::8
srv_ns=$(stat -L -c %i /run/netns/srv)
udp c7 10.0.0.3 9999 1 >/dev/null	# neighbours resolved before the windows
udp c7 fd00::3 9999 1 >/dev/null
udp c8 10.0.0.3 9999 1 >/dev/null
udp c8 fd00::3 9999 1 >/dev/null

# workload: 4 + 3 + 2 IPv4 and 5 IPv6 datagrams to closed ports.
workload() {
	udp c7 10.0.0.3 7601 4 --sport 41000 >/dev/null
	udp c8 10.0.0.3 7602 3 --sport 41005 >/dev/null
	udp c8 10.0.0.3 7603 2 --sport 41010 >/dev/null
	udp c8 fd00::3 7604 5 --sport 41001 >/dev/null
}

note "filters, several sessions over one workload"
"$ND_CTL" stream --family ipv6 --netns srv --dport 7601-7604 --json >/tmp/f6.json 2>/dev/null &
p1=$!
"$ND_CTL" stream --dst fd00::3 --json >/tmp/fdst.json 2>/dev/null &
p2=$!
"$ND_CTL" stream --dev eth0 --netns srv --dport 7601-7604 --json >/tmp/fdev.json 2>/dev/null &
p3=$!
sessions=7
if nd_has_reasons; then
	"$ND_CTL" stream --reason NO_SOCKET --netns srv --dport 7601-7604 --json >/tmp/freason.json 2>/dev/null &
	p4=$!
else
	# No drop reasons on this kernel: --reason is refused, in one line.
	"$ND_CTL" stream --reason NO_SOCKET --json >/tmp/freason.json 2>/tmp/freason.err &&
		fail "--reason accepted where the kernel has no drop reasons"
	cat /tmp/freason.err
	assert_eq "$(wc -l </tmp/freason.err)" 1 "--reason without drop reasons: a one-line error"
	sessions=6
	p4=
fi
"$ND_CTL" stream --func "$(udp4_fn)" --json >/tmp/ffunc.json 2>/dev/null &
p5=$!
"$ND_CTL" stream --sport 41000-41004 --json >/tmp/fsport.json 2>/dev/null &
p6=$!
"$ND_CTL" stream --dev lo --netns srv --json >/tmp/flo.json 2>/dev/null &
p7=$!
nd_wait_capturing $sessions
kstat_snap srv /tmp/k.before
workload
sleep 1
kstat_snap srv /tmp/k.after
for p in $p1 $p2 $p3 $p4 $p5 $p6 $p7; do nd_stop "$p"; done
assert_eq "$(kstat_delta /tmp/k.before /tmp/k.after UdpNoPorts)" 9 "UdpNoPorts: the 9 IPv4 datagrams"
assert_eq "$(kstat_delta /tmp/k.before /tmp/k.after Udp6NoPorts)" 5 "Udp6NoPorts: the 5 IPv6 datagrams"
assert_eq "$(json_count /tmp/f6.json)" 5 "--family ipv6 (and the ports): the 5 IPv6 datagrams, none of the 9 IPv4 ones"
assert_eq "$(json_count /tmp/f6.json family=ipv6 dport=7604)" 5 "... all of them IPv6, to 7604"
assert_eq "$(json_count /tmp/fdst.json)" 5 "--dst fd00::3: the 5 sent there"
assert_eq "$(json_count /tmp/fdst.json dst=fd00::3)" 5 "... every one to fd00::3"
assert_eq "$(json_count /tmp/fdev.json)" 14 "--dev eth0 in the server: the whole workload (9 + 5)"
assert_eq "$(json_count /tmp/fdev.json ifname=eth0)" 14 "... every one on eth0"
if nd_has_reasons; then
	assert_eq "$(json_count /tmp/freason.json)" 14 "--reason NO_SOCKET: the whole workload"
	assert_eq "$(json_count /tmp/freason.json reason=NO_SOCKET)" 14 "... every one NO_SOCKET"
fi
assert_eq "$(json_count /tmp/ffunc.json)" 9 "--func $(udp4_fn): the 9 IPv4 datagrams, not the IPv6 ones"
assert_eq "$(json_count /tmp/ffunc.json function="$(udp4_fn)")" 9 "... every one in $(udp4_fn)"
assert_eq "$(json_count /tmp/fsport.json)" 9 "--sport 41000-41004: 41000 (4) and 41001 (5), not 41005 or 41010"
assert_eq "$(json_count /tmp/fsport.json sport=41005)$(json_count /tmp/fsport.json sport=41010)" 00 \
	"... nothing from the ports just outside"
assert_eq "$(json_count /tmp/flo.json dport=7601)$(json_count /tmp/flo.json dport=7604)" 00 \
	"--dev lo: none of the workload (it arrives on eth0)"

note "summary --by and --top"
bys="reason src dev"
if ! nd_has_reasons; then
	"$ND_CTL" summary --by reason --interval 30 --json >/dev/null 2>/tmp/sum-reason.err &&
		fail "summary --by reason accepted where the kernel has no drop reasons"
	cat /tmp/sum-reason.err
	assert_eq "$(wc -l </tmp/sum-reason.err)" 1 "summary --by reason without drop reasons: a one-line error"
	bys="src dev"
	s_reason=
fi
for by in $bys; do
	"$ND_CTL" summary --by $by --netns srv --dport 7601-7604 --interval 30 --json >/tmp/sum-$by.json 2>/dev/null &
	eval "s_$by=\$!"
done
"$ND_CTL" summary --by src --top 2 --netns srv --dport 7601-7604 --interval 30 --json >/tmp/sum-top.json 2>/dev/null &
s_top=$!
nd_wait_capturing $(($(echo $bys | wc -w) + 1))
workload
sleep 1
# shellcheck disable=SC2154
for p in $s_reason $s_src $s_dev $s_top; do nd_stop "$p"; done
total() { jq -c 'select(.type == "total")' "$1" | tail -n 1; }
row() { total "$1" | jq -r --arg k "$2" '.rows[] | select(.key == $k) | .count'; }
assert_eq "$(total /tmp/sum-src.json | jq .total)" 14 "summary total"
assert_eq "$(row /tmp/sum-src.json 10.0.2.7)" 4 "--by src: 10.0.2.7"
assert_eq "$(row /tmp/sum-src.json 10.0.2.8)" 5 "--by src: 10.0.2.8"
assert_eq "$(row /tmp/sum-src.json fd00::8)" 5 "--by src: fd00::8"
assert_eq "$(total /tmp/sum-src.json | jq '.rows | length')" 3 "--by src: three sources"
assert_eq "$(total /tmp/sum-top.json | jq '.rows | length')" 2 "--top 2: two rows"
assert_eq "$(total /tmp/sum-top.json | jq -c '[.rows[].count] | sort')" "[5,5]" "--top 2: the two largest (5 and 5, not 4)"
assert_eq "$(row /tmp/sum-dev.json eth0)" 14 "--by dev: eth0"
if nd_has_reasons; then
	assert_eq "$(row /tmp/sum-reason.json NO_SOCKET)" 14 "--by reason: NO_SOCKET"
fi

note "stream --count and --duration"
"$ND_CTL" stream --count 3 --netns srv --dport 7601-7604 --json >/tmp/count.json 2>/dev/null &
pc=$!
nd_wait_capturing 1
workload
for _ in $(seq 100); do kill -0 $pc 2>/dev/null || break; sleep 0.1; done
kill -0 $pc 2>/dev/null && fail "--count 3 did not stop"
wait $pc
assert_eq "$?" 0 "--count: exit status"
assert_eq "$(json_count /tmp/count.json)" 3 "--count 3: exactly 3 records"
start=$(date +%s)
"$ND_CTL" stream --duration 3 --netns srv --json >/tmp/dur.json 2>/dev/null || fail "--duration: exit status"
took=$(($(date +%s) - start))
assert_ge "$took" 3 "--duration 3 ran at least 3 s"
[ "$took" -le 30 ] || fail "--duration 3 ran $took s"
echo "ok: --duration 3 stopped by itself after $took s"

note "IPv6 resets"
ip netns exec srv python3 "$ND_TOOLS/tcp.py" serve 7620 &
srvp=$!
sleep 1
"$ND_CTL" stream --events reset --family ipv6 --json >/tmp/rst6.json 2>/dev/null &
pr=$!
nd_wait_capturing 1
kstat_snap srv /tmp/r.before
ip netns exec c8 python3 "$ND_TOOLS/tcp.py" linger0 fd00::3 7620 || fail "linger0 over IPv6"
ip netns exec c8 python3 "$ND_TOOLS/tcp.py" connect fd00::3 7621 2 && fail "closed port 7621 accepted"
sleep 1
kstat_snap srv /tmp/r.after
nd_stop $pr
kill $srvp
assert_eq "$(json_count /tmp/rst6.json kind=active family=ipv6 src=fd00::8 dst=fd00::3 dport=7620)" 1 \
	"IPv6 active reset (SO_LINGER {1,0})"
assert_eq "$(json_count /tmp/rst6.json kind=passive family=ipv6 src=fd00::3 sport=7621 dst=fd00::8)" 1 \
	"IPv6 passive reset (closed port)"
assert_eq "$(kstat_delta /tmp/r.before /tmp/r.after TcpOutRsts)" 1 "TcpOutRsts in the server: the passive one"

note "netdev ingress and egress hooks, --all-netns"
ip netns exec srv nft add table netdev nd47 || fail "nft netdev table"
ip netns exec srv nft add chain netdev nd47 in '{ type filter hook ingress device eth0 priority 0; }' ||
	fail "netdev ingress chain"
egress=0
ip netns exec srv nft add chain netdev nd47 out '{ type filter hook egress device eth0 priority 0; }' 2>/dev/null &&
	egress=1
"$ND_CTL" dump-hooks --netns srv --json >/tmp/h-srv.json || fail "dump-hooks --netns srv"
"$ND_CTL" dump-hooks --all-netns --json >/tmp/h-all.json || fail "dump-hooks --all-netns"
assert_eq "$(json_count /tmp/h-srv.json family=netdev hook=ingress table=nd47 chain=in ifname=eth0)" 1 \
	"netdev ingress chain, with its device"
if [ $egress = 1 ]; then
	assert_eq "$(json_count /tmp/h-srv.json family=netdev hook=egress table=nd47 chain=out ifname=eth0)" 1 \
		"netdev egress chain, with its device"
else
	echo "$ND_KVER has no netdev egress hook (nft refused the chain)"
fi
assert_eq "$(json_count /tmp/h-all.json family=netdev table=nd47 netns="$srv_ns")" $((1 + egress)) \
	"--all-netns: the server's netdev chains, in its namespace"
assert_ge "$(jq -r .netns /tmp/h-all.json | sort -u | wc -l)" 2 "--all-netns: more than one namespace"

