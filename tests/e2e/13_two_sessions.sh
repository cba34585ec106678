#!/bin/bash
# Two concurrent sessions with different filters each get exactly their own.
. "$ND_TOP/tests/e2e/lib.sh"
nd_load
mk_server
mk_client c8 10.0.2.8

"$ND_CTL" stream --dport 7201 --json >/tmp/a.json 2>/tmp/a.err &
a=$!
"$ND_CTL" stream --dport 7202 --json >/tmp/b.json 2>/tmp/b.err &
b=$!
"$ND_CTL" stream --proto tcp --json >/tmp/c.json 2>/tmp/c.err &
c=$!
nd_wait_capturing 3
noports0=$(snmp srv Udp NoPorts)
rsts0=$(snmp srv Tcp OutRsts)
udp c8 10.0.0.3 7201 7
udp c8 10.0.0.3 7202 13
# TCP to closed ports: the server answers each SYN with a reset and drops
# it (NO_SOCKET), one drop a connection attempt.
for port in 7401 7402 7403; do
	ip netns exec c8 python3 "$ND_TOOLS/tcp.py" connect 10.0.0.3 $port 2 && fail "closed port $port accepted"
done
sleep 1
noports1=$(snmp srv Udp NoPorts)
rsts1=$(snmp srv Tcp OutRsts)
nd_stop $a
nd_stop $b
nd_stop $c
assert_eq "$((noports1 - noports0))" 20 "UdpNoPorts delta in the server (the kernel's count)"
assert_eq "$((rsts1 - rsts0))" 3 "TcpOutRsts delta in the server: one reset a SYN"
assert_eq "$(json_count /tmp/a.json dport=7201)" 7 "session A: its 7"
assert_eq "$(json_count /tmp/a.json)" 7 "session A: nothing else"
assert_eq "$(json_count /tmp/b.json dport=7202)" 13 "session B: its 13"
assert_eq "$(json_count /tmp/b.json)" 13 "session B: nothing else"
assert_eq "$(json_count /tmp/c.json proto=udp)" 0 "session C (tcp): no UDP"
assert_eq "$(json_count /tmp/c.json proto=tcp src=10.0.2.8 dst=10.0.0.3 reason="$(R NO_SOCKET)")" 3 \
	"session C (tcp): the 3 SYNs to closed ports"
assert_eq "$(json_count /tmp/c.json)" 3 "session C: nothing else"
assert_eq "$(json_count /tmp/a.json proto=tcp)$(json_count /tmp/b.json proto=tcp)" 00 "sessions A and B: no TCP"

note "at least 8 sessions at once"
pids=""
for i in 1 2 3 4 5 6 7 8; do
	"$ND_CTL" stream --dport 7300 --json >/tmp/s$i.json 2>/dev/null &
	pids="$pids $!"
done
nd_wait_capturing 8
udp c8 10.0.0.3 7300 2
sleep 1
for p in $pids; do nd_stop $p; done
for i in 1 2 3 4 5 6 7 8; do
	assert_eq "$(json_count /tmp/s$i.json dport=7300)" 2 "session $i of 8"
done
