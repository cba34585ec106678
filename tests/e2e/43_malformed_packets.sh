#!/bin/bash
# Malformed packets (issue 7): frames no stack would send, injected with a
# packet socket into a veth whose peer lives in netns rx: truncated and
# lying IPv4/IPv6 headers, bogus IHL, garbage options, overlapping tiny
# fragments, bad UDP length and TCP data offset, a chain of 24 IPv6
# extension headers, an extension header longer than the packet, a late
# hop-by-hop header, and random bytes.  netdrop records their drops (with
# 64 bytes of packet each) and decodes what it can; the guest's dmesg check
# (KASAN on the test kernel) proves the decoder never read out of bounds.
. "$ND_TOP/tests/e2e/lib.sh"
rounds=50
nd_load
ip netns add rx
ip link add v0 type veth peer name v1 netns rx || fail "veth"
ip link set v0 up
ip -n rx link set lo up
ip -n rx link set v1 up
ip -n rx addr add 10.9.0.2/24 dev v1
ip -n rx addr add fd00::2/64 dev v1 nodad
mac=$(ip -n rx -j link show v1 | jq -r '.[0].address')

"$ND_CTL" stream --netns rx --snaplen 64 --json >/tmp/bad.json 2>/tmp/bad.err &
pid=$!
nd_wait_capturing 1
seed=$(date +%s)
echo "seed $seed"
# badpkt's own status counts (a pipe into tee would hide it).
"$ND_TOP/build/tests/e2e/badpkt" v0 "$mac" $rounds "$seed" >/tmp/sent || { cat /tmp/sent; fail "badpkt"; }
cat /tmp/sent
sleep 2
nd_stop $pid
cat /tmp/bad.err
python3 "$ND_TOOLS/jsoncheck.py" count /tmp/bad.json >/dev/null || fail "a record is not valid JSON"
total=$(json_count /tmp/bad.json)
echo "records: $total"
jq -r '"\(.reason) \(.function) \(.family) \(.proto)"' /tmp/bad.json | sort | uniq -c | sort -rn

# 14 of the 15 kinds are dropped when they arrive (the first tiny fragment
# waits in the reassembly queue until the overlapping second one drops it;
# garbage with an unknown ethertype is dropped too).
assert_ge "$total" $((rounds * 13)) "the malformed frames were recorded"
assert_eq "$(json_count /tmp/bad.json ifname=v1)" "$total" "every record is from the receiving device"
if nd_has_reasons; then
	reasons=$(jq -r .reason /tmp/bad.json | sort -u | wc -l)
	assert_ge "$reasons" 5 "distinct drop reasons"
else
	assert_eq "$(json_count /tmp/bad.json reason=)" "$total" "no drop reasons: every record's reason is empty"
	places=$(jq -r .function /tmp/bad.json | sort -u | wc -l)
	assert_ge "$places" 4 "distinct drop locations"
fi
assert_ge "$(json_count /tmp/bad.json family=ipv4 proto=udp dport=7402)" "$rounds" \
	"IPv4/UDP behind bad lengths decoded to the port"
assert_ge "$(json_count /tmp/bad.json family=ipv6)" "$((rounds * 3))" "IPv6 drops decoded as IPv6"
# UDP finds no socket there; 7.x stops at its extension header limit
# first (IPV6_TOO_MANY_EXTHDRS).  Either way the decoder reached the port.
if nd_has_reasons; then
	behind=$(jq -c 'select(.family == "ipv6" and .proto == "udp" and .dport == 7402 and
		(.reason == "NO_SOCKET" or .reason == "IPV6_TOO_MANY_EXTHDRS"))' /tmp/bad.json | wc -l)
else
	behind=$(json_count /tmp/bad.json family=ipv6 proto=udp dport=7402 function="$(udp6_fn)")
fi
assert_eq "$behind" "$rounds" \
	"the port behind 24 IPv6 extension headers"
bad_len=$(jq -c 'select(.len > 1514 or .len < 0)' /tmp/bad.json | wc -l)
assert_eq "$bad_len" 0 "no record claims more bytes than a frame holds"
