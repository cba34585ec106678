#!/bin/bash
# netdrop against the kernel's own count of the same drops: over one
# window, a tracefs hist trigger on skb:kfree_skb (the kernel aggregating
# its tracepoint itself) and netdrop's records give the same count for
# every (function, reason) of nine kinds of drops: IPv4 and IPv6 closed
# ports, TCP to a closed port, iptables INPUT, nft output, a full socket
# receive buffer, an unknown IP protocol, rp_filter and a bad UDP
# checksum.  Each kind is also checked against a counter netdrop does not
# produce: /proc/net/snmp deltas and rule counters.
. "$ND_TOP/tests/e2e/lib.sh"
nd_load
hist_setup
mk_server
mk_client c8 10.0.2.8 fd00::8
dk() { local ns=$1; shift; ip netns exec "$ns" python3 "$ND_TOOLS/dropkinds.py" "$@"; }

# What each kind needs, before the window.
ip netns exec srv iptables -A INPUT -p udp --dport 9004 -j DROP || fail "iptables"
ip netns exec srv nft add table ip t46 &&
	ip netns exec srv nft add chain ip t46 out '{ type filter hook output priority 0; }' &&
	ip netns exec srv nft add rule ip t46 out udp dport 9005 counter drop || fail "nft"
ip netns exec srv sysctl -qw net.ipv4.conf.all.rp_filter=1 net.ipv4.conf.eth0.rp_filter=1
ip -n c8 addr add 192.0.2.8/32 dev eth0
# The server has no route back to 192.0.2.8, so it would not answer ARP
# from there either: the client knows the server's address already.
ip -n c8 neigh replace 10.0.0.3 lladdr "$(ip -n srv -j link show eth0 | jq -r '.[0].address')" dev eth0 nud permanent
rm -f /tmp/full.ready
dk srv fullbuf 10.0.0.3 9006 /tmp/full.ready &
full=$!
while [ ! -e /tmp/full.ready ]; do sleep 0.1; done
udp c8 10.0.0.3 9999 1 >/dev/null	# neighbours resolved before the window
udp c8 fd00::3 9999 1 >/dev/null

"$ND_CTL" stream --json >/tmp/all.json 2>/tmp/all.err &
pid=$!
nd_wait_capturing 1
kstat_snap srv /tmp/k.before
hist_begin

udp c8 10.0.0.3 9001 7 >/dev/null                        # IPv4 closed port
udp c8 fd00::3 9002 5 >/dev/null                         # IPv6 closed port
for p in 9031 9032 9033; do                              # TCP to a closed port
	ip netns exec c8 python3 "$ND_TOOLS/tcp.py" connect 10.0.0.3 $p 2 && fail "closed port $p accepted"
done
udp c8 10.0.0.3 9004 6 >/dev/null                        # iptables INPUT
dk srv send 10.0.2.8 9005 4                              # nft output
udp c8 10.0.0.3 9006 40 --size 1000 >/dev/null           # full receive buffer
dk c8 noproto 10.0.0.3 3                                 # unknown IP protocol
dk c8 from 192.0.2.8 10.0.0.3 9008 5                     # rp_filter
dk c8 badcsum 10.0.0.3 9009 4                            # bad UDP checksum
sleep 1

hist_end /tmp/hist.txt
kstat_snap srv /tmp/k.after
nd_stop $pid
hist_teardown
# $full is the shell around ip-netns-exec; the reader itself is python3.
pkill -f "dropkinds.py fullbuf 10.0.0.3 9006"
wait $full 2>/dev/null
cat /tmp/all.err
grep -v '^#' /tmp/hist.txt | grep -v '^$' | head -40

assert_contains /tmp/all.err " 0 lost" "netdrop lost nothing"
srv_ns=$(stat -L -c %i /run/netns/srv)
c8_ns=$(stat -L -c %i /run/netns/c8)
echo "netdrop's records by namespace (srv $srv_ns, c8 $c8_ns), function and reason:"
jq -r '"\(.netns) \(.function) \(.reason)"' /tmp/all.json | sort | uniq -c
python3 "$ND_TOOLS/histcmp.py" /tmp/hist.txt /tmp/all.json "$HIST_T0" "$HIST_T1" "$srv_ns" "$c8_ns" ||
	fail "netdrop's count of a (function, reason) differs from tracefs' hist"
if [ "$ND_HIST_KIND" = hist ]; then
	echo "ok: every (function, reason) of the scenario's drops: netdrop's count = the kernel's hist"
	pairs=$(python3 "$ND_TOOLS/histcmp.py" /tmp/hist.txt /tmp/all.json "$HIST_T0" "$HIST_T1" "$srv_ns" "$c8_ns" | grep -c '^ok')
	assert_ge "$pairs" 5 "distinct (function, reason) pairs compared"
else
	echo "ok: every drop of the window: netdrop's count = the kfree_skb events traced"
fi

d() { kstat_delta /tmp/k.before /tmp/k.after "$1"; }
ours() { jq -c "select(.netns == $srv_ns or .netns == $c8_ns)" /tmp/all.json >/tmp/ours.json; json_count /tmp/ours.json "$@"; }
assert_eq "$(d UdpNoPorts)" 7 "UdpNoPorts: the IPv4 closed port"
assert_eq "$(d Udp6NoPorts)" 5 "Udp6NoPorts: the IPv6 closed port"
assert_eq "$(d UdpInCsumErrors)" 4 "UdpInCsumErrors: the bad checksums"
assert_eq "$(d IpInUnknownProtos)" 3 "IpInUnknownProtos: protocol 253"
assert_eq "$(d TcpExtIPReversePathFilter)" 5 "IPReversePathFilter: rp_filter"
rcvbuf=$(d UdpRcvbufErrors)
assert_ge "$rcvbuf" 1 "UdpRcvbufErrors: the full receive buffer dropped some"
ipt=$(ip netns exec srv iptables -L INPUT -v -x -n | awk '$0 ~ /dpt:9004/ {print $1}')
nftc=$(ip netns exec srv nft list chain ip t46 out | sed -n 's/.*counter packets \([0-9]*\) .*/\1/p')
assert_eq "$ipt" 6 "the iptables INPUT rule's counter"
assert_eq "$nftc" 4 "the nft output rule's counter"
if nd_has_reasons; then
	assert_eq "$(ours reason=NO_SOCKET proto=udp)" 12 "netdrop: the closed UDP ports (= UdpNoPorts + Udp6NoPorts)"
	assert_eq "$(ours reason=NO_SOCKET proto=tcp)" 3 "netdrop: the SYNs to a closed TCP port"
	assert_eq "$(ours reason=NETFILTER_DROP)" $((ipt + nftc)) "netdrop: netfilter drops (= the rules' counters)"
	assert_eq "$(ours reason=SOCKET_RCVBUFF)" "$rcvbuf" "netdrop: full receive buffer (= UdpRcvbufErrors)"
	assert_eq "$(ours reason=IP_NOPROTO)" 3 "netdrop: unknown protocol (= IpInUnknownProtos)"
	assert_eq "$(ours reason=IP_RPFILTER)" 5 "netdrop: rp_filter (= IPReversePathFilter)"
	assert_eq "$(ours reason=UDP_CSUM)" 4 "netdrop: bad checksums (= UdpInCsumErrors)"
else
	# No reasons: each kind by where the server dropped it.  (5.10 also
	# frees the ICMPv6 it receives with kfree_skb, in icmpv6_rcv and
	# ip6_mc_input: not one of the kinds.)
	at() { jq -c --arg f "$1" "select(.netns == $srv_ns and (.function | startswith(\$f)))" /tmp/all.json | wc -l; }
	assert_eq "$(at "$(udp4_fn)")" $((7 + 4)) "netdrop: $(udp4_fn) (= UdpNoPorts + UdpInCsumErrors)"
	assert_eq "$(at "$(udp6_fn)")" 5 "netdrop: $(udp6_fn) (= Udp6NoPorts)"
	assert_eq "$(at tcp_v4_rcv)" 3 "netdrop: tcp_v4_rcv, the SYNs to a closed port"
	assert_eq "$(at nf_hook_slow)" $((ipt + nftc)) "netdrop: nf_hook_slow (= the rules' counters)"
	assert_eq "$(at udp_queue_rcv_one_skb)" "$rcvbuf" "netdrop: udp_queue_rcv_one_skb (= UdpRcvbufErrors)"
	assert_eq "$(at ip_local_deliver_finish)" 3 "netdrop: ip_local_deliver_finish (= IpInUnknownProtos)"
	assert_eq "$(at ip_rcv_finish_core)" 5 "netdrop: ip_rcv_finish_core (= IPReversePathFilter)"
fi
