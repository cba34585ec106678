#!/bin/bash
# timeout: 600 (four netdropctl sessions and three clients; 5.10 under TCG is slow)
# netdropctl explain (issue 17) over a window with three causes at once:
# scenario 1's third-party hook drops everything from 10.0.2.8, a socket
# that never reads fills its receive buffer from 10.0.2.7, and 10.0.2.7
# also sends to a port nothing listens on.  The findings come ranked by
# count, each of the right kind, naming the right hook, socket (with its
# owner) and port, with counts equal to the kernel's own counters over the
# same window: UdpRcvbufErrors and UdpNoPorts in the server, UdpOutDatagrams
# in the blocked client.  A fourth: an nft rule drops 10.0.2.7's datagrams
# to 9300; explain names its table, chain, handle and text, the handle and
# count as nft itself lists them.  A recording of the same window
# (record --netns srv) explained later gives the same findings, and its
# hook inventory names the nft chain that ran before the third-party hook.
. "$ND_TOP/tests/e2e/lib.sh"
nd_load
nd_load_fixture block_src=10.0.2.8
mk_server
mk_client c7 10.0.2.7
mk_client c8 10.0.2.8
dk() { local ns=$1; shift; ip netns exec "$ns" python3 "$ND_TOOLS/dropkinds.py" "$@"; }
rm -f /tmp/full.ready
dk srv fullbuf 0.0.0.0 9006 /tmp/full.ready &
while [ ! -e /tmp/full.ready ]; do sleep 0.1; done
full=$(pgrep -f "dropkinds.py fullbuf 0.0.0.0 9006") || fail "the reader's pid"
udp c7 10.0.0.3 9999 1 >/dev/null	# neighbours resolved before the window
# Where nf_tables is a module (5.10), nft alone could not open its netlink
# socket in the guest ("Protocol not supported"): iptables loads what it
# needs itself, nft does not.
modprobe -q nf_tables 2>/dev/null || true
ip netns exec srv nft add table ip t49 &&
	ip netns exec srv nft add chain ip t49 in '{ type filter hook input priority 0; }' &&
	ip netns exec srv nft add rule ip t49 in udp dport 9301 counter accept &&
	ip netns exec srv nft add rule ip t49 in udp dport 9300 counter drop || fail "nft"
handle=$(ip netns exec srv nft -a list chain ip t49 in | sed -n 's/.*dport 9300 .*# handle \([0-9]*\)$/\1/p')
[ -n "$handle" ] || fail "nft -a: no handle for the drop rule"

"$ND_CTL" explain --netns srv --duration 120 --json >/tmp/explain.json 2>/tmp/explain.err &
ex=$!
"$ND_CTL" explain --netns srv --duration 120 >/tmp/explain.txt 2>&1 &
ext=$!
"$ND_CTL" record --netns srv --duration 120 -o /tmp/window.ndr 2>/tmp/record.err &
rec=$!
nd_wait_capturing 3
kstat_snap srv /tmp/srv.before
kstat_snap c8 /tmp/c8.before
udp c8 10.0.0.3 9100 12 >/dev/null                 # the third-party hook
udp c7 10.0.0.3 9006 40 --size 1000 >/dev/null     # the full receive buffer
udp c7 10.0.0.3 9200 5 >/dev/null                  # nothing listens
udp c7 10.0.0.3 9300 3 >/dev/null                  # the nft rule
sleep 1
kstat_snap srv /tmp/srv.after
kstat_snap c8 /tmp/c8.after
# Ctrl-C ends the window (the 120 s are a bound, never reached).
kill -INT $ex $ext $rec
wait $ex || { cat /tmp/explain.err; fail "explain --json"; }
wait $rec || { cat /tmp/record.err; fail "record"; }
wait $ext || { cat /tmp/explain.txt; fail "explain"; }
cat /tmp/explain.txt
kill "$full"

rcvbuf=$(kstat_delta /tmp/srv.before /tmp/srv.after UdpRcvbufErrors)
noports=$(kstat_delta /tmp/srv.before /tmp/srv.after UdpNoPorts)
sent8=$(kstat_delta /tmp/c8.before /tmp/c8.after UdpOutDatagrams)
assert_eq "$noports" 5 "UdpNoPorts: the 5 to 9200"
assert_eq "$sent8" 12 "10.0.2.8 sent 12 (its UdpOutDatagrams)"
assert_ge "$rcvbuf" 1 "UdpRcvbufErrors: the buffer overflowed"
f() { jq -c "select(.kind == \"$1\")" /tmp/explain.json; }
assert_eq "$(f socket-buffer-full | wc -l)" 1 "one socket-buffer-full finding"
assert_eq "$(f socket-buffer-full | jq .count)" "$rcvbuf" "its count = UdpRcvbufErrors"
assert_eq "$(f socket-buffer-full | jq -r '"\(.proto) \(.port) \(.owner) \(.pid)"')" "udp 9006 python3 $full" \
	"it names the socket: udp 9006, owned by the reader (python3, pid $full)"
assert_eq "$(f third-party-hook | wc -l)" 1 "one third-party-hook finding"
assert_eq "$(f third-party-hook | jq .count)" "$sent8" "its count = what 10.0.2.8 sent"
assert_eq "$(f third-party-hook | jq -r '"\(.hook_function) \(.hook_module) \(.family) \(.hook) \(.priority)"')" \
	"net_hook_in_v4 resguard_linux ipv4 local-in 1" "it names the hook"
assert_eq "$(f no-socket | wc -l)" 1 "one no-socket finding"
assert_eq "$(f no-socket | jq .count)" "$noports" "its count = UdpNoPorts"
assert_eq "$(f no-socket | jq -r .what)" "nothing listens on udp 10.0.0.3:9200" "it says what does not listen"
nftc=$(ip netns exec srv nft list chain ip t49 in | sed -n 's/.*dport 9300 counter packets \([0-9]*\) .*/\1/p')
assert_eq "$nftc" 3 "the nft rule's own counter"
assert_eq "$(f firewall | wc -l)" 1 "one firewall finding"
assert_eq "$(f firewall | jq .count)" "$nftc" "its count = the rule's counter"
assert_eq "$(f firewall | jq -r '"\(.firewall) \(.table) \(.chain) \(.rule)"')" "nftables t49 in $handle" \
	"it names the table, chain and rule handle (as nft -a lists it)"
assert_contains <(f firewall | jq -r .rule_text) "th dport 9300 counter packets 3 bytes [0-9]* drop" "and the rule's text"
# Ranked by count, biggest first; the biggest of the three on top.
python3 - /tmp/explain.json <<'PY' || fail "findings not ranked by count"
import json, sys
f = [json.loads(l) for l in open(sys.argv[1])]
counts = [x["count"] for x in f]
assert counts == sorted(counts, reverse=True), counts
assert [x["rank"] for x in f] == list(range(1, len(f) + 1))
PY
top=$( (echo "socket-buffer-full $rcvbuf"; echo "third-party-hook $sent8"; echo "no-socket $noports") | sort -k2 -rn | head -n 1 | cut -d' ' -f1)
assert_eq "$(head -n 1 /tmp/explain.json | jq -r .kind)" "$top" "the top finding is the biggest cause ($top)"
assert_contains /tmp/explain.txt "a netfilter hook of the third-party module resguard_linux dropped these packets" \
	"text: the hook, in words"
assert_contains /tmp/explain.txt "nothing listens on udp 10.0.0.3:9200" "text: the closed port, in words"
assert_contains /tmp/explain.txt "iptables and nft did not drop these packets" "text: the firewall is cleared"

# The recording, explained after the fact: the same findings, in the same
# order, with the same counts and names.
"$ND_CTL" explain /tmp/window.ndr --json >/tmp/explain-file.json || fail "explain FILE --json"
"$ND_CTL" explain /tmp/window.ndr >/tmp/explain-file.txt || fail "explain FILE"
keys='[.kind, .count, .hook_function, .port, .owner, .table, .rule, .rule_text]'
assert_eq "$(jq -c "$keys" /tmp/explain-file.json)" "$(jq -c "$keys" /tmp/explain.json)" \
	"explain FILE: the live window's findings, counts, sockets and rules"
assert_contains /tmp/explain-file.txt "nft t49 in, priority 0, runs before it: passed them" \
	"explain FILE: the recorded hook inventory names the nft chain beside the third-party hook"
"$ND_CTL" explain /tmp/window.ndr --duration 5 >/tmp/bad.out 2>&1 && fail "explain FILE --duration accepted"
assert_eq "$(wc -l </tmp/bad.out)" 1 "explain FILE --duration: a one-line error"

# The drivers' own statistics that explain reads (ethtool's ioctl): the
# srv veth's, as netdropctl counters shows them, equal ethtool -S's.
"$ND_CTL" counters --netns srv --all --json | jq -r 'select(.counter | startswith("ethtool.eth0.")) |
	"\(.counter | ltrimstr("ethtool.eth0.")) \(.value)"' | sort >/tmp/nd-ethtool.txt
ip netns exec srv ethtool -S eth0 | sed -n 's/^ *\([^:]*\): \([0-9]*\)$/\1 \2/p' | sort >/tmp/ethtool.txt
assert_ge "$(wc -l </tmp/ethtool.txt)" 1 "ethtool -S eth0 lists the veth's statistics"
assert_eq "$(cat /tmp/nd-ethtool.txt)" "$(cat /tmp/ethtool.txt)" "counters: ethtool.eth0.* = ethtool -S eth0"
