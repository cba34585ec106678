#!/bin/bash
# A source filter selects exactly the packets sent from that source, and
# the kernel (not user space) does the filtering.
. "$ND_TOP/tests/e2e/lib.sh"
nd_load
mk_server
mk_client c7 10.0.2.7
mk_client c8 10.0.2.8
mk_client c9 10.0.3.9

"$ND_CTL" stream --src 10.0.2.8 --json >/tmp/src.json 2>/tmp/src.err &
pid=$!
nd_wait_capturing 1
noports0=$(snmp srv Udp NoPorts)
udp c7 10.0.0.3 7000 11
udp c8 10.0.0.3 7000 17
udp c8 10.0.0.3 7001 4
sleep 1
noports1=$(snmp srv Udp NoPorts)
nd_stop $pid
cat /tmp/src.err
# The kernel's own count, in the same window: every datagram was dropped.
assert_eq "$((noports1 - noports0))" 32 "UdpNoPorts delta in the server (the kernel's count)"

assert_eq "$(json_count /tmp/src.json)" 21 "records from 10.0.2.8 only"
assert_eq "$(json_count /tmp/src.json src=10.0.2.7)" 0 "nothing from 10.0.2.7"
recorded=$(sed -n 's/.* \([0-9]*\) recorded.*/\1/p' /tmp/src.err)
filtered=$(sed -n 's/.* \([0-9]*\) filtered out.*/\1/p' /tmp/src.err)
assert_eq "$recorded" 21 "kernel recorded exactly the matching drops"
assert_ge "$filtered" 11 "kernel filtered out the other source"

note "CIDR and port range, with a source and a port just outside each"
"$ND_CTL" stream --src 10.0.2.0/24 --dport 7000-7001 --json >/tmp/cidr.json 2>/dev/null &
pid=$!
nd_wait_capturing 1
noports0=$(snmp srv Udp NoPorts)
udp c7 10.0.0.3 7000 3
udp c8 10.0.0.3 7001 5
udp c8 10.0.0.3 7002 2
udp c8 10.0.0.3 6999 2
udp c9 10.0.0.3 7000 4
sleep 1
noports1=$(snmp srv Udp NoPorts)
nd_stop $pid
assert_eq "$((noports1 - noports0))" 16 "UdpNoPorts delta in the server"
assert_eq "$(json_count /tmp/cidr.json)" 8 "CIDR + port range: both range edges, nothing outside"
assert_eq "$(json_count /tmp/cidr.json src=10.0.2.7 dport=7000)" 3 "10.0.2.7 to the range's first port"
assert_eq "$(json_count /tmp/cidr.json src=10.0.2.8 dport=7001)" 5 "10.0.2.8 to the range's last port"
assert_eq "$(json_count /tmp/cidr.json src=10.0.3.9)" 0 "nothing from 10.0.3.9, outside the /24"
