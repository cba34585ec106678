#!/bin/bash
# Scenario 1: an out-of-tree module's LOCAL_IN hook drops one client.
# dump-hooks names it as third-party; stream --src names it as the hook
# that returned NF_DROP, for every dropped SYN and echo request.  A second
# hook of the same module at the same priority accepts: it must not be
# blamed.
. "$ND_TOP/tests/e2e/lib.sh"
nd_load
nd_load_fixture block_src=10.0.2.8 twin=1
mk_scenario1

"$ND_CTL" dump-hooks --netns srv --hook local-in >/tmp/hooks.txt || fail "dump-hooks"
cat /tmp/hooks.txt
assert_contains /tmp/hooks.txt "net_hook_in_v4 \[resguard_linux\] *THIRD-PARTY" "fixture hook listed as third-party"
assert_contains /tmp/hooks.txt "third-party:" "summary line counts third-party hooks"
assert_contains /tmp/hooks.txt "ipv4 local-in net_hook_in_v4 \[resguard_linux\]" "summary says where"
"$ND_CTL" dump-hooks --netns srv --hook local-in --json >/tmp/hooks.json
assert_eq "$(json_count /tmp/hooks.json function=net_hook_in_v4 module=resguard_linux priority=1 third_party=true)" 1 \
	"JSON: priority and third-party flag"

"$ND_CTL" stream --src 10.0.2.8 --json >/tmp/s8.json 2>/tmp/s8.err &
p8=$!
"$ND_CTL" stream --src 10.0.2.7 --json >/tmp/s7.json 2>/dev/null &
p7=$!
"$ND_CTL" stream --src 10.0.2.8 >/tmp/s8.txt 2>/dev/null &
pt=$!
nd_wait_capturing 3
kstat_snap c8 /tmp/c8.before
ip netns exec c7 ping -c 2 -i 0.2 -W 2 10.0.0.3 >/dev/null || fail "10.0.2.7 cannot ping"
echo "ok: 10.0.2.7 pings"
tcp_ok c7 10.0.0.3 20202 || fail "10.0.2.7 cannot connect"
echo "ok: 10.0.2.7 connects to 20202"
ip netns exec c8 ping -c 3 -i 0.2 -W 1 10.0.0.3 >/dev/null && fail "10.0.2.8 pings"
echo "ok: 10.0.2.8 gets no echo replies"
tcp_ok c8 10.0.0.3 20202 2.5 && fail "10.0.2.8 connects"
echo "ok: 10.0.2.8 cannot connect"
sleep 0.5
kstat_snap c8 /tmp/c8.after
nd_stop $p8
nd_stop $p7
nd_stop $pt
cat /tmp/s8.txt

assert_eq "$(json_count /tmp/s7.json)" 0 "nothing from 10.0.2.7"
assert_eq "$(json_count /tmp/s8.json proto=icmp icmp_type=8)" 3 "every echo request from 10.0.2.8"
syns=$(json_count /tmp/s8.json proto=tcp dport=20202 tcp_flags=S)
assert_ge "$syns" 2 "the SYN and its retransmissions"
assert_eq "$(json_count /tmp/s8.json)" "$((3 + syns))" "only echo requests and SYNs"
# The client's own counters over the same window: its echo requests, and
# its SYN retransmissions (every SYN after the first).
assert_eq "$(kstat_delta /tmp/c8.before /tmp/c8.after IcmpOutEchos)" 3 "the client's IcmpOutEchos"
assert_eq "$(kstat_delta /tmp/c8.before /tmp/c8.after TcpExtTCPSynRetrans)" "$((syns - 1))" \
	"SYNs recorded = 1 + the client's TCPSynRetrans"
python3 "$ND_TOOLS/jsoncheck.py" all /tmp/s8.json function=nf_hook_slow reason=$(R NETFILTER_DROP) \
	|| fail "every drop at nf_hook_slow with NETFILTER_DROP"
echo "ok: all at nf_hook_slow, NETFILTER_DROP"
python3 "$ND_TOOLS/jsoncheck.py" hook /tmp/s8.json function=net_hook_in_v4 module=resguard_linux \
	priority=1 family=ipv4 hook=local-in || fail "every drop names net_hook_in_v4 [resguard_linux]"
echo "ok: every drop names net_hook_in_v4 [resguard_linux] at ipv4 local-in, priority 1"
assert_contains /tmp/s8.txt "nf_hook_slow+0x[0-9a-f]* $(R_text NETFILTER_DROP) tcp 10.0.2.8:[0-9]* > 10.0.0.3:20202 \[S\].*hook ipv4 local-in prio 1 net_hook_in_v4 \[resguard_linux\]" \
	"text line names the hook"
