#!/bin/bash
# br_netfilter runs the IP stack inline from its bridge hook (as flowtable
# offload and IPVS do from theirs): a datagram to the bridge's own address
# on a closed port is dropped by UDP (NO_SOCKET) while br_nf_pre_routing
# is still running.  That drop is not the hook's and must not be blamed on
# it (issue 14); a DROP by an iptables rule on the same inline path still
# names the iptables hook.  Sources of truth: the stack shows the drop was
# inside br_nf_pre_routing, UdpNoPorts and the rule's own counter.
. "$ND_TOP/tests/e2e/lib.sh"
nd_load
modprobe br_netfilter 2>/dev/null	# built into the test kernel
ip netns add br
ip -n br link add br0 type bridge
ip -n br addr add 10.0.0.1/16 dev br0
ip -n br link set br0 up
ip -n br link set lo up
ip netns exec br sysctl -qw net.bridge.bridge-nf-call-iptables=1 || fail "bridge-nf-call-iptables"
mk_client c8 10.0.2.8
ip netns exec br iptables -A INPUT -p udp --dport 6001 -j DROP || fail "iptables"

before=$(snmp br Udp NoPorts)
"$ND_CTL" stream --src 10.0.2.8 --proto udp --stack --json >/tmp/br.json 2>/tmp/br.err &
pid=$!
nd_wait_capturing 1
sleep 1.5	# the hook rescan (every second) has probed br_netfilter's hooks
udp c8 10.0.0.1 6000 5 >/dev/null
udp c8 10.0.0.1 6001 4 >/dev/null
sleep 1
nd_stop $pid
after=$(snmp br Udp NoPorts)
rule=$(ip netns exec br iptables -L INPUT -v -x -n | awk '/dpt:6001/ {print $1}')
"$ND_CTL" dump-hooks --netns br >/tmp/hooks.txt || fail "dump-hooks"
grep -i br_nf /tmp/hooks.txt

assert_contains /tmp/hooks.txt "br_nf_pre_routing" "br_netfilter's hook is registered in the bridge's namespace"
assert_eq "$((after - before))" 5 "UdpNoPorts: 5 datagrams had no socket"
assert_eq "$rule" 4 "the DROP rule's counter: 4 packets"
nosock="select(.reason == \"$(R NO_SOCKET)\" and .dport == 6000)"
assert_eq "$(jq -c "$nosock" /tmp/br.json | wc -l)" 5 "5 NO_SOCKET records"
# Inline: inside br_nf_pre_routing (its stack), or inside another of
# br_netfilter's hooks (on 5.10 the unwinder stops at the kretprobe
# trampoline of the hook netdrop watches: ip_sabotage_in [br_netfilter]).
inline='any(.stack[]; test("br_nf_pre_routing|br_handle_frame|\\[br_netfilter\\]"))'
jq -r "$nosock | .stack | join(\" < \")" /tmp/br.json | head -n 1
assert_eq "$(jq -c "$nosock | select($inline)" /tmp/br.json | wc -l)" 5 \
	"each dropped inside the bridge's receive path (its stack)"
assert_eq "$(jq -c "$nosock | select(has(\"hook\"))" /tmp/br.json | wc -l)" 0 \
	"none blamed on a netfilter hook"
ruled="select(.reason == \"$(R NETFILTER_DROP)\" and .dport == 6001)"
assert_eq "$(jq -c "$ruled" /tmp/br.json | wc -l)" 4 "4 NETFILTER_DROP records"
assert_eq "$(jq -c "$ruled | select(.hook.table == \"filter\" and .hook.hook == \"local-in\")" /tmp/br.json | wc -l)" 4 \
	"each named the iptables filter table at local-in, not br_netfilter"
