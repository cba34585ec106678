#!/bin/bash
# UDP to a closed port: records at __udp4_lib_rcv / __udp6_lib_rcv with
# reason NO_SOCKET and the exact 5-tuple.
. "$ND_TOP/tests/e2e/lib.sh"
nd_load
mk_server
mk_client c8 10.0.2.8 fd00::8

"$ND_CTL" stream --dport 9999 --json >/tmp/udp.json 2>/tmp/udp.err &
pid=$!
nd_wait_capturing 1
kstat_snap srv /tmp/udp.before
udp c8 10.0.0.3 9999 5 --sport 40000
udp c8 fd00::3 9999 3 --sport 40001
sleep 1
kstat_snap srv /tmp/udp.after
nd_stop $pid
cat /tmp/udp.err
# The kernel's own counts, in the same window.
assert_eq "$(kstat_delta /tmp/udp.before /tmp/udp.after UdpNoPorts)" 5 "UdpNoPorts delta in the server"
assert_eq "$(kstat_delta /tmp/udp.before /tmp/udp.after Udp6NoPorts)" 3 "Udp6NoPorts delta in the server"

assert_eq "$(json_count /tmp/udp.json)" 8 "records for 8 datagrams"
assert_eq "$(json_count /tmp/udp.json function=$(udp4_fn) reason=$(R NO_SOCKET) proto=udp \
	src=10.0.2.8 dst=10.0.0.3 sport=40000 dport=9999 family=ipv4 ifname=eth0)" 5 "IPv4 records, exact 5-tuple"
assert_eq "$(json_count /tmp/udp.json function=$(udp6_fn) reason=$(R NO_SOCKET) proto=udp \
	src=fd00::8 dst=fd00::3 sport=40001 dport=9999 family=ipv6)" 3 "IPv6 records, exact 5-tuple"
srv_ns=$(stat -L -c %i /run/netns/srv)
assert_eq "$(json_count /tmp/udp.json netns=$srv_ns)" 8 "netns inode is the server's"
assert_contains /tmp/udp.err "8 drops shown" "totals printed on SIGINT"
