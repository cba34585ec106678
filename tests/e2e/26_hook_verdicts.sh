#!/bin/bash
# dump-hooks --verdicts: what each hook passed and dropped over a window,
# against the nft rule counters of the same packets.  Two chains at one
# hook and priority (one counts, one drops a source): each is its own hook,
# and only the dropping one drops.
. "$ND_TOP/tests/e2e/lib.sh"
nd_load
mk_server
mk_client c9 10.0.2.9
mk_client c7 10.0.2.7
ip netns exec srv nft -f - <<'NFT' || fail "nft ruleset"
table inet audit {
	chain in { type filter hook input priority 0; meta nfproto ipv4 counter; }
}
table inet guard {
	chain in { type filter hook input priority 0; ip saddr 10.0.2.9 udp dport 5000 counter drop; }
}
NFT
"$ND_CTL" dump-hooks --verdicts 1 --hook nosuch >/dev/null 2>/tmp/bad.err && fail "a bad --hook is refused"
"$ND_CTL" dump-hooks --verdicts 0 >/dev/null 2>/tmp/bad.err && fail "--verdicts 0 is refused"
assert_eq "$(wc -l </tmp/bad.err)" 1 "a bad --verdicts is a one-line error"
# The nft rule counters: the packets each chain saw, and the ones dropped.
counter() {
	ip netns exec srv nft -j list table inet "$1" |
		jq '[.nftables[] | .rule? // empty | .expr[] | select(.counter) | .counter.packets] | add'
}
# A long window, ended by SIGINT once both chains' counters have seen every
# datagram: the counts cover the traffic however slow the guest is (KASAN).
"$ND_CTL" dump-hooks --verdicts 600 --netns srv --hook local-in --json >/tmp/v.json 2>/tmp/v.err &
pid=$!
sleep 0.5
kill -0 $pid 2>/dev/null || { cat /tmp/v.err; fail "dump-hooks --verdicts ended at once"; }
nd_wait_capturing 1
udp c9 10.0.0.3 5000 5 >/dev/null
udp c7 10.0.0.3 5000 3 >/dev/null
for i in $(seq 1 100); do
	[ "$(counter guard)/$(counter audit)" = 5/3 ] && break
	sleep 0.1
done
kill -INT $pid
wait $pid || { cat /tmp/v.err; fail "dump-hooks --verdicts"; }
cat /tmp/v.json
"$ND_CTL" dump-hooks --verdicts 1 --netns srv --hook local-in >/tmp/v.txt || fail "dump-hooks --verdicts (text)"
cat /tmp/v.txt
assert_contains /tmp/v.txt "passed [0-9]* dropped [0-9]*" "the text shows each hook's verdicts"
assert_contains /tmp/v.txt "verdicts counted over 1.0 s" "the text says the window"
# Ended early, the text says the window it counted, not the one asked for.
"$ND_CTL" dump-hooks --verdicts 600 --netns srv --hook local-in >/tmp/v2.txt &
pid=$!
sleep 1.5
kill -INT $pid
wait $pid || fail "dump-hooks --verdicts ended by SIGINT"
secs=$(sed -n 's/^verdicts counted over \([0-9.]*\) s.*/\1/p' /tmp/v2.txt)
assert_eq "$(awk -v s="${secs:-600}" 'BEGIN { print (s >= 1 && s < 600) }')" 1 \
	"SIGINT ends the window: the text says what it counted ($secs s)"

audit=$(counter audit)
guard_drops=$(counter guard)
echo "nft: audit counted $audit ipv4 packets, guard dropped $guard_drops"
row() { jq -r "select(.family == \"ipv4\" and .table == \"$1\" and .chain == \"in\") | .$2" /tmp/v.json; }
assert_eq "$guard_drops" 5 "guard's drop rule dropped every datagram of 10.0.2.9"
assert_eq "$(row guard dropped)" "$guard_drops" "guard's verdicts: dropped = its drop rule's counter"
assert_eq "$(($(row guard accepted) + $(row guard dropped)))" 8 "guard's verdicts: passed + dropped = datagrams sent"
assert_eq "$(row audit accepted)" "$audit" "audit's verdicts: passed = its counter"
assert_eq "$(row audit dropped)" 0 "audit dropped nothing"
# Every other hook at ipv4 local-in dropped nothing in the window.
assert_eq "$(jq -r 'select(.family == "ipv4" and .table != "guard") | .dropped' /tmp/v.json | sort -u)" 0 \
	"no other hook dropped"
