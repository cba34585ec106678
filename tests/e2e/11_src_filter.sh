#!/bin/bash
# A source filter selects exactly the packets sent from that source, and
# the kernel (not user space) does the filtering.
. "$ND_TOP/tests/e2e/lib.sh"
nd_load
mk_server
mk_client c7 10.0.2.7
mk_client c8 10.0.2.8

"$ND_CTL" stream --src 10.0.2.8 --json >/tmp/src.json 2>/tmp/src.err &
pid=$!
nd_wait_capturing 1
udp c7 10.0.0.3 7000 11
udp c8 10.0.0.3 7000 17
udp c8 10.0.0.3 7001 4
sleep 1
nd_stop $pid
cat /tmp/src.err

assert_eq "$(json_count /tmp/src.json)" 21 "records from 10.0.2.8 only"
assert_eq "$(json_count /tmp/src.json src=10.0.2.7)" 0 "nothing from 10.0.2.7"
recorded=$(sed -n 's/.* \([0-9]*\) recorded.*/\1/p' /tmp/src.err)
filtered=$(sed -n 's/.* \([0-9]*\) filtered out.*/\1/p' /tmp/src.err)
assert_eq "$recorded" 21 "kernel recorded exactly the matching drops"
assert_ge "$filtered" 11 "kernel filtered out the other source"

note "CIDR and port range"
"$ND_CTL" stream --src 10.0.2.0/24 --dport 7000-7000 --json >/tmp/cidr.json 2>/dev/null &
pid=$!
nd_wait_capturing 1
udp c7 10.0.0.3 7000 3
udp c8 10.0.0.3 7001 5
sleep 1
nd_stop $pid
assert_eq "$(json_count /tmp/cidr.json)" 3 "CIDR + port range"
