#!/bin/bash
# The conntrack entry of a dropped packet (issue 19, item 4): state, zone,
# mark and both tuples, so that a DNAT shows.  Every figure is checked
# against the kernel's own view of the same entries: an nft rule that
# matches on those very conntrack fields (its counter), and the conntrack
# table as ctnetlink lists it (conntrack -L).
# Cases: a new connection DNAT'ed and dropped at input, in zone 7 with a
# mark; an established DNAT'ed connection whose data is dropped; a
# notrack'ed packet (untracked); IPv6 DNAT.
. "$ND_TOP/tests/e2e/lib.sh"
command -v conntrack >/dev/null || fail "conntrack (the conntrack package) is needed"
nd_load
[ "$(cat /sys/module/netdrop/parameters/conntrack)" = Y ] ||
	fail "this build has no conntrack entries (see the build's probe line)"
mk_server
mk_client c1 10.0.1.2 fd00::12
# The service lives on 10.0.0.30:80 (and [fd00::30]:80); clients reach it
# as 10.0.0.3:8080, DNAT'ed.
ip -n srv addr add 10.0.0.30/32 dev lo
ip -n srv addr add fd00::30/128 dev lo
ip netns exec srv sh -c 'nc -l -k -p 80 >/dev/null 2>&1 &'
ip netns exec srv sh -c 'nc -6 -l -k -p 80 >/dev/null 2>&1 &'
ip netns exec srv nft -f - <<'NFT' || fail "nft ruleset"
table inet nd {
	counter newdrop {
	}
	counter new6drop {
	}
	counter untracked {
	}
	counter estdrop {
	}
	chain raw_pre {
		type filter hook prerouting priority -300;
		udp dport 9999 notrack
		tcp dport 8080 ct zone set 7
	}
	chain raw_out {
		type filter hook output priority -300;
		tcp sport 80 ct zone set 7
	}
	chain mark_pre {
		type filter hook prerouting priority -150;
		tcp dport 8080 ct mark set 0x2a
	}
	chain nat_pre {
		type nat hook prerouting priority -100;
		ip daddr 10.0.0.3 tcp dport 8080 dnat ip to 10.0.0.30:80
		ip6 daddr fd00::3 tcp dport 8080 dnat ip6 to [fd00::30]:80
	}
	chain filter_in {
		type filter hook input priority 0;
		meta nfproto ipv4 tcp flags & (syn | ack) == syn ct state new ct zone 7 ct mark 0x2a ct original ip daddr 10.0.0.3 ct original proto-dst 8080 ct reply ip saddr 10.0.0.30 ct reply proto-src 80 counter name "newdrop" drop
		meta nfproto ipv6 tcp dport 80 ct state new ct original ip6 daddr fd00::3 ct reply ip6 saddr fd00::30 counter name "new6drop" drop
		ct state untracked udp dport 9999 counter name "untracked" drop
	}
}
NFT
# tcp_try NS HOST PORT: a connection (IPv4 or IPv6) succeeds within 2.5 s
tcp_try() {
	ip netns exec "$1" python3 -c '
import socket, sys
socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=2.5)
' "$2" "$3" 2>/dev/null
}
counter() { ip netns exec srv nft -j list counter inet nd "$1" | jq '.nftables[] | .counter? // empty | .packets'; }

"$ND_CTL" stream --netns srv --json >/tmp/ct.json 2>/tmp/ct.err &
pid=$!
nd_wait_capturing 1
tcp_try c1 10.0.0.3 8080 && fail "a new DNAT'ed connection got through"
tcp_try c1 fd00::3 8080 && fail "a new DNAT'ed IPv6 connection got through"
udp c1 10.0.0.3 9999 4 >/dev/null
sleep 0.5
new=$(counter newdrop) new6=$(counter new6drop) untracked=$(counter untracked)
nd_stop $pid
assert_ge "$new" 1 "the new connection's SYNs dropped (rule counter)"
assert_ge "$new6" 1 "the IPv6 SYNs dropped (rule counter)"
assert_eq "$untracked" 4 "the notrack'ed datagrams dropped (rule counter)"

# The records whose conntrack entry reads as the rule matched it.
ctsel() { jq -c "select(.ct != null and $1)" /tmp/ct.json | wc -l; }
assert_eq "$(ctsel '.ct.ctinfo == "new" and .ct.state == "SYN_SENT" and .ct.zone == 7 and .ct.mark == 42 and
	.ct.nat == "dnat" and .ct.orig.src == "10.0.1.2" and .ct.orig.dst == "10.0.0.3" and .ct.orig.dport == 8080 and
	.ct.reply.src == "10.0.0.30" and .ct.reply.sport == 80 and .ct.reply.dst == "10.0.1.2" and
	.ct.reply.dport == .ct.orig.sport and .dst == "10.0.0.30" and .dport == 80')" "$new" \
	"records with the DNAT'ed entry (zone 7, mark 0x2a, both tuples) = the rule's counter"
assert_eq "$(ctsel '.ct.family == "ipv6" and .ct.nat == "dnat" and .ct.orig.dst == "fd00::3" and .ct.orig.dport == 8080 and
	.ct.reply.src == "fd00::30" and .ct.reply.sport == 80')" "$new6" \
	"IPv6 records with both tuples = the rule's counter"
assert_eq "$(ctsel '.ct.untracked and .ct.ctinfo == "untracked" and .dport == 9999')" "$untracked" \
	"untracked records = the notrack rule's counter"

# An established connection through the DNAT, then its data dropped: the
# entry is in the table, and conntrack -L lists what the records say.
ip netns exec srv nft flush chain inet nd filter_in || fail "flushing the drop rules"
ip netns exec c1 python3 - <<'PY' &
import os, socket, time
s = socket.create_connection(("10.0.0.3", 8080), timeout=5)
open("/tmp/est.port", "w").write(str(s.getsockname()[1]))
for _ in range(600):
	if os.path.exists("/tmp/est.go"):
		break
	time.sleep(0.1)
s.settimeout(1)
for _ in range(3):
	try:
		s.send(b"x" * 100)
	except OSError:
		pass
	time.sleep(0.6)
time.sleep(1)
PY
client=$!
for _ in $(seq 1 50); do [ -s /tmp/est.port ] && break; sleep 0.1; done
[ -s /tmp/est.port ] || fail "the established connection through the DNAT"
port=$(cat /tmp/est.port)
ip netns exec srv nft add rule inet nd filter_in ct state established ct zone 7 tcp dport 80 tcp sport "$port" counter name "estdrop" drop ||
	fail "the established-drop rule"
"$ND_CTL" stream --netns srv --port "$port" >/tmp/est.txt 2>/dev/null &
spid=$!
"$ND_CTL" stream --netns srv --port "$port" --json >/tmp/est.json 2>/tmp/est.err &
pid=$!
nd_wait_capturing 2
# The table as ctnetlink has it, while the connection lives.
ip netns exec srv conntrack -L -p tcp --orig-port-src "$port" -w 7 2>/dev/null >/tmp/ct-table.txt
touch /tmp/est.go
wait $client
sleep 1
est=$(counter estdrop)
nd_stop $pid
nd_stop $spid
assert_ge "$est" 1 "the established connection's data dropped (rule counter)"
grep -q "ESTABLISHED src=10.0.1.2 dst=10.0.0.3 sport=$port dport=8080 src=10.0.0.30 dst=10.0.1.2 sport=80 dport=$port .*mark=42 zone=7" \
	/tmp/ct-table.txt || { cat /tmp/ct-table.txt; fail "conntrack -L lists the DNAT'ed entry, mark 42, zone 7"; }
# The client's close (FIN) is dropped too: its entry's TCP state has
# moved on by then.
assert_ge "$(jq -c 'select(.ct.state == "ESTABLISHED")' /tmp/est.json | wc -l)" 1 \
	"data dropped with the entry ESTABLISHED"
assert_eq "$(jq -c "select(.ct.ctinfo == \"established\" and .ct.zone == 7 and .ct.mark == 42 and
	.ct.orig.sport == $port and .ct.orig.dst == \"10.0.0.3\" and .ct.orig.dport == 8080 and .ct.reply.src == \"10.0.0.30\" and
	.ct.reply.dport == $port and (.ct.status | test(\"confirmed\")) and (.ct.status | test(\"seen-reply\")))" /tmp/est.json | wc -l)" \
	"$est" "established records that read as conntrack -L's entry = the rule's counter"
grep -qF "ct established ESTABLISHED zone 7 mark 0x2a orig tcp 10.0.1.2:$port>10.0.0.3:8080 reply tcp 10.0.0.30:80>10.0.1.2:$port dnat" /tmp/est.txt ||
	fail "the text line shows both tuples"

# Packets without conntrack carry no entry: the client's own namespace
# has no conntrack rules (a closed UDP port there).
"$ND_CTL" stream --netns c1 --port 7777 --json >/tmp/noct.json 2>/dev/null &
pid=$!
nd_wait_capturing 1
before=$(snmp c1 Udp NoPorts)
udp c1 127.0.0.1 7777 3 >/dev/null
sleep 0.3
nd_stop $pid
assert_eq "$(($(snmp c1 Udp NoPorts) - before))" 3 "3 datagrams to a closed port (UdpNoPorts)"
assert_eq "$(jq -c 'select(.ct == null)' /tmp/noct.json | wc -l)" 3 "records without conntrack carry no ct"

# conntrack=0 (a module parameter): records carry no entry, even for a
# packet that has one.  Notrack'ed datagrams dropped by a rule again
# (UDP forgets a packet's entry before its closed-port drop), first with
# the default, then with the module loaded again with conntrack=0; the
# rule's counter is the kernel's count.
ip netns exec srv nft add rule inet nd filter_in ct state untracked udp dport 9999 counter name "untracked" drop ||
	fail "the untracked drop rule"
untracked_case() {
	local out=$1 before
	"$ND_CTL" stream --netns srv --port 9999 --json >"$out" 2>/dev/null &
	pid=$!
	nd_wait_capturing 1
	before=$(counter untracked)
	udp c1 10.0.0.3 9999 3 >/dev/null
	sleep 0.3
	nd_stop $pid
	assert_eq "$(($(counter untracked) - before))" 3 "$out: 3 notrack'ed datagrams dropped (rule counter)"
	assert_eq "$(json_count "$out" dport=9999)" 3 "$out: each recorded"
}
untracked_case /tmp/ct-on.json
assert_eq "$(json_count /tmp/ct-on.json ct.untracked=true)" 3 \
	"with conntrack on (the default) each carries its untracked entry"
rmmod netdrop || fail "rmmod netdrop"
nd_load conntrack=0
assert_eq "$(cat /sys/module/netdrop/parameters/conntrack)" N "the module's conntrack is off"
untracked_case /tmp/ct-off.json
assert_eq "$(json_count /tmp/ct-off.json ct=null)" 3 \
	"with conntrack=0 none carries its entry"
