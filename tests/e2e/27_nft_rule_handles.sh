#!/bin/bash
# timeout: 600 (two netdropctl sessions; 5.10 under TCG is slow)
# Which nf_tables rule dropped a packet, named by the kernel (issue 17,
# item 3.2): netdrop.ko's probe on the drop verdict (kmod/nd_nftrule.c)
# gives each drop record its rule's handle, with no counter and no nftrace
# in the ruleset.  The firewall table "fw" has no counter at all: two drop
# rules in its base chain (IPv4 and IPv6), one in a chain it jumps to, and
# an iptables-nft rule in another table, one in an inet ingress chain; a
# rule added and deleted before.  The source of truth is a table
# netdrop does not touch: "audit", at an earlier priority, counts each
# port's datagrams.  For each rule, the records naming its handle (as
# `nft -a` lists it) = audit's counter; explain gives one firewall finding
# per rule, ranked, with that count and handle; the ruleset is the same
# before and after.
. "$ND_TOP/tests/e2e/lib.sh"
nd_load
mk_server
mk_client c7 10.0.2.7 fd00::7
mk_client c8 10.0.2.8
modprobe -q nf_tables 2>/dev/null || true
ip netns exec srv nft -f - <<'NFT' || fail "nft ruleset"
table inet audit {
	chain in {
		type filter hook input priority -10;
		udp dport 5001 counter
		udp dport 5002 counter
		udp dport 5003 counter
		udp dport 5004 counter
	}
}
table inet fw {
	chain sub {
		udp dport 5003 drop
	}
	chain in {
		type filter hook input priority 0;
		udp dport 5001 drop
		meta nfproto ipv6 udp dport 5002 drop
		ip saddr 10.0.2.8 jump sub
	}
	chain ing {
		type filter hook ingress device eth0 priority 0;
		udp dport 5005 drop
	}
}
table netdev audit2 {
	chain ing {
		type filter hook ingress device eth0 priority -10;
		udp dport 5005 counter
	}
}
NFT
ip netns exec srv iptables -A INPUT -p udp --dport 5004 -j DROP || fail "iptables"
ip netns exec srv iptables -V | grep -q nf_tables || fail "iptables is not iptables-nft: $(ip netns exec srv iptables -V)"

handle() { # TABLE-SPEC PATTERN: the handle nft -a gives the rule matching PATTERN
	ip netns exec srv nft -a list table $1 | sed -n "s/.*$2.* # handle \([0-9]*\)$/\1/p"
}
h1=$(handle "inet fw" 'udp dport 5001 drop')
h2=$(handle "inet fw" 'udp dport 5002 drop')
h3=$(handle "inet fw" 'udp dport 5003 drop')
h4=$(handle "ip filter" 'udp dport 5004.* drop')
h5=$(handle "inet fw" 'udp dport 5005 drop')
for h in "$h1" "$h2" "$h3" "$h4" "$h5"; do
	case $h in '' | *[!0-9]*) ip netns exec srv nft -a list ruleset; fail "nft -a: a rule without a handle ($h1 $h2 $h3 $h4)" ;; esac
done
echo "handles: fw 5001=$h1 5002=$h2 sub 5003=$h3 ingress 5005=$h5, ip filter 5004=$h4"
# A rule added and deleted: before 5.17 the other generation's rule array
# keeps pointing at it after it is freed, and the probe must not read it.
ip netns exec srv nft add rule inet fw in udp dport 5009 drop || fail "nft add rule"
h9=$(handle "inet fw" 'udp dport 5009 drop')
ip netns exec srv nft delete rule inet fw in handle "$h9" || fail "nft delete rule"
udp c7 10.0.0.3 9999 1 >/dev/null # neighbours resolved before the window
udp c7 fd00::3 9999 1 >/dev/null
ip netns exec srv nft list table inet fw >/tmp/fw.before
ip netns exec srv nft list tables >/tmp/tables.before

"$ND_CTL" stream --netns srv --json >/tmp/rules.json 2>/tmp/stream.err &
st=$!
"$ND_CTL" explain --netns srv --duration 120 --json >/tmp/explain.json 2>/tmp/explain.err &
ex=$!
nd_wait_capturing 2
udp c7 10.0.0.3 5001 3 >/dev/null
udp c7 fd00::3 5002 6 >/dev/null
udp c7 10.0.0.3 5002 2 >/dev/null # IPv4 to 5002: no rule drops it, nothing listens
udp c8 10.0.0.3 5003 9 >/dev/null
udp c7 10.0.0.3 5003 2 >/dev/null # not 10.0.2.8: no jump, nothing listens
udp c8 10.0.0.3 5004 4 >/dev/null
udp c7 10.0.0.3 5005 5 >/dev/null # the inet ingress chain
sleep 1
kill -INT $ex
wait $ex || { cat /tmp/explain.err; fail "explain --json"; }
nd_stop $st
cat /tmp/explain.json

counter() { # PORT: the audit table's count of datagrams to PORT
	ip netns exec srv nft list chain inet audit in | sed -n "s/.*udp dport $1 counter packets \([0-9]*\) .*/\1/p"
}
c1=$(counter 5001)
c2=$(counter 5002)
c3=$(counter 5003)
c4=$(counter 5004)
c5=$(ip netns exec srv nft list chain netdev audit2 ing | sed -n "s/.*udp dport 5005 counter packets \([0-9]*\) .*/\1/p")
assert_eq "$c1 $c2 $c3 $c4 $c5" "3 8 11 4 5" "audit's counters (the datagrams each port got)"

assert_eq "$(json_count /tmp/rules.json hook.rule="$h1")" "$c1" "records naming 5001's rule = its audit counter"
assert_eq "$(json_count /tmp/rules.json hook.rule="$h2")" 6 "records naming the IPv6 rule = the 6 IPv6 datagrams"
assert_eq "$(json_count /tmp/rules.json hook.rule="$h2" family=ipv6)" 6 "all of them IPv6"
assert_eq "$(json_count /tmp/rules.json hook.rule="$h3" hook.chain=in)" 9 \
	"records naming the jumped-to chain's rule: the 9 from 10.0.2.8 (hook: the base chain in)"
assert_eq "$(json_count /tmp/rules.json hook.rule="$h4" hook.table=filter)" "$c4" \
	"records naming the iptables-nft rule = its audit counter"
assert_eq "$(json_count /tmp/rules.json hook.rule="$h5" hook.family=netdev hook.hook=ingress)" "$c5" \
	"records naming the inet ingress chain's rule = its audit counter (netdev ingress)"
assert_eq "$(jq -c 'select(.hook != null and .hook.type == "nftables" and .hook.rule == 0)' /tmp/rules.json | wc -l)" 0 \
	"every nf_tables drop names its rule"

f() { jq -c "select(.kind == \"firewall\" and .rule == \"$1\")" /tmp/explain.json; }
for pair in "$h1:$c1:fw:in" "$h2:6:fw:in" "$h3:9:fw:sub" "$h4:$c4:filter:INPUT" "$h5:$c5:fw:ing"; do
	IFS=: read -r h n table chain <<<"$pair"
	assert_eq "$(f "$h" | wc -l)" 1 "one firewall finding for rule $h"
	assert_eq "$(f "$h" | jq -r '"\(.count) \(.table) \(.rule_chain) \(.rule_by)"')" "$n $table $chain kernel" \
		"rule $h: its count, table and chain, named by the kernel"
done
assert_contains <(f "$h3" | jq -r .rule_text) "th dport 5003 drop" "the jumped-to rule's text"
assert_contains <(f "$h3" | jq -r '.evidence[]') "rule handle $h3 in chain sub: named by the kernel" \
	"its evidence: the jumped-to rule, in its own chain, named by the kernel"
python3 - /tmp/explain.json <<'PY' || fail "findings not ranked by count"
import json, sys
f = [json.loads(l) for l in open(sys.argv[1])]
counts = [x["count"] for x in f]
assert counts == sorted(counts, reverse=True), counts
PY

ip netns exec srv nft list table inet fw >/tmp/fw.after
ip netns exec srv nft list tables >/tmp/tables.after
assert_eq "$(diff /tmp/fw.before /tmp/fw.after && echo same)" same "table fw is unchanged"
assert_eq "$(diff /tmp/tables.before /tmp/tables.after && echo same)" same "no table was added"
assert_not_contains /tmp/fw.after "nftrace" "no nftrace in the ruleset"
echo "ok: the kernel named rules $h1 $h2 $h3 $h4 $h5"
