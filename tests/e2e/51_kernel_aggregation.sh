#!/bin/bash
# In-kernel aggregation (issue 18 item 1): summary counts in the kernel by
# default.  Over one window of UDP to closed ports (IPv4 and IPv6), an nft
# rule's drops and traffic that is not dropped (ping, TCP), the kernel's
# counts by location, hook and device equal the server's own counters:
# UdpNoPorts, Udp6NoPorts and the rule's counter.  A port filter (decoded in
# the kernel before counting) keeps exactly the UDP.  The same window
# counted from records (--records) gives the same table, and the aggregating
# sessions write no record.
. "$ND_TOP/tests/e2e/lib.sh"
nd_load
mk_server
mk_client c8 10.0.2.8 fd00::8
mk_client c7 10.0.2.7
ip netns exec srv nft -f - <<'NFT' || fail "nft ruleset"
table ip t51 {
	chain in { type filter hook input priority 0; ip saddr 10.0.2.7 udp dport 7000 counter drop; }
}
NFT
ip netns exec srv python3 -c "
import socket, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('0.0.0.0', 6000)); s.listen(8)
while True: s.accept()[0].close()
" &
lsn=$!
udp c8 10.0.0.3 9999 1 >/dev/null	# neighbours resolved before the window
udp c8 fd00::3 9999 1 >/dev/null
udp c7 10.0.0.3 7000 1 >/dev/null
sleep 0.5

# exec: the background job is netdropctl itself, so that SIGINT reaches it.
sum() { exec "$ND_CTL" summary --netns srv --json --interval 3600 "$@"; }
# UDP only where a whole table is compared: the guest's own IPv6 traffic
# (MLD, router solicitations) drops in srv now and then, and two sessions
# stop a moment apart.
sum --by location --proto udp >/tmp/loc.json 2>/tmp/loc.err &
p1=$!
sum --by hook --hooks >/tmp/hook.json 2>/tmp/hook.err &
p2=$!
sum --by dev --port 7000-9999 >/tmp/dev.json 2>/tmp/dev.err &
p3=$!
sum --by location --proto udp --records >/tmp/rec.json 2>/tmp/rec.err &
p4=$!
nd_wait_capturing 4
kstat_snap srv /tmp/srv.before
nft_before=$(ip netns exec srv nft -j list table ip t51 | jq '[.nftables[] | .rule? // empty | .expr[] | select(.counter) | .counter.packets] | add')
udp c8 10.0.0.3 9999 20 >/dev/null
udp c8 fd00::3 9999 7 >/dev/null
udp c7 10.0.0.3 7000 6 >/dev/null
ip netns exec c8 ping -c 3 -i 0.2 -q 10.0.0.3 >/dev/null || fail "ping"
tcp_ok c8 10.0.0.3 6000 || fail "tcp to the listener"
sleep 1
kstat_snap srv /tmp/srv.after
nft_after=$(ip netns exec srv nft -j list table ip t51 | jq '[.nftables[] | .rule? // empty | .expr[] | select(.counter) | .counter.packets] | add')
"$ND_CTL" status --json >/tmp/status.json || fail "status --json"
for p in $p1 $p2 $p3 $p4; do nd_stop $p; done
kill $lsn
cat /tmp/loc.err /tmp/hook.err /tmp/dev.err /tmp/rec.err
noports=$(kstat_delta /tmp/srv.before /tmp/srv.after UdpNoPorts)
noports6=$(kstat_delta /tmp/srv.before /tmp/srv.after Udp6NoPorts)
nftc=$((nft_after - nft_before))
assert_eq "$noports" 20 "UdpNoPorts: the 20 to 9999"
assert_eq "$noports6" 7 "Udp6NoPorts: the 7 to [fd00::3]:9999"
assert_eq "$nftc" 6 "the nft rule's counter: the 6 to 7000"

# The total table of each run (its last line).
total() { tail -n 1 "$1" | jq -e 'select(.type == "total")' >/dev/null || fail "$1: no total table"; tail -n 1 "$1"; }
rows() { total "$1" | jq -r --arg re "$2" '[.rows[] | select(.key | test($re)) | .count] | add // 0'; }
assert_contains /tmp/loc.err "drops counted in the kernel" "summary counts in the kernel by default"
assert_eq "$(rows /tmp/loc.json "^$(udp4_fn)\\+")" "$noports" "kernel counts: $(udp4_fn) = UdpNoPorts"
assert_eq "$(rows /tmp/loc.json "^$(udp6_fn)\\+")" "$noports6" "kernel counts: $(udp6_fn) = Udp6NoPorts"
assert_eq "$(rows /tmp/loc.json '^(nf_hook_slow|nft_[a-z_]*)\+')" "$nftc" "kernel counts: at nf_hook_slow (or in nf_tables) = the rule's counter"
assert_eq "$(rows /tmp/hook.json '^nft_do_chain')" "$nftc" "kernel counts by hook: nft_do_chain_* = the rule's counter"
assert_eq "$(total /tmp/dev.json | jq -r '[.rows[] | select(.key == "eth0") | .count] | add')" \
	$((noports + noports6 + nftc)) "kernel counts by device, ports 7000-9999 (decoded in the kernel): eth0 = all three"
assert_eq "$(total /tmp/dev.json | jq -r '.total')" $((noports + noports6 + nftc)) \
	"the port filter kept nothing else"
assert_contains /tmp/rec.err "drops shown" "--records counts records in user space"
assert_eq "$(total /tmp/rec.json | jq -c '.rows')" "$(total /tmp/loc.json | jq -c '.rows')" \
	"the same window from records: the same table"
# Each aggregating session counted what it kept and wrote no record.
for f in /tmp/loc.err /tmp/hook.err /tmp/dev.err; do
	counted=$(sed -n 's/.* \([0-9]*\) counted, \([0-9]*\) lost.*/\1 \2/p' "$f")
	assert_eq "${counted#* }" 0 "$(basename "$f" .err): nothing lost"
	assert_eq "${counted% *}" "$(total "${f%.err}.json" | jq .total)" "$(basename "$f" .err): counted = the table's total"
done

# status says which sessions count in the kernel, each with the smallest rings.
assert_eq "$(jq -c '.sessions[] | select(.counts_in_kernel) | .ring_size' /tmp/status.json 2>/dev/null | sort -u)" 8192 \
	"status: the counting sessions have 8 KiB rings"
assert_eq "$(jq -c '.sessions[] | select(.counts_in_kernel)' /tmp/status.json 2>/dev/null | wc -l)" 3 "status: 3 sessions count in the kernel"

# Bad values: one-line errors, non-zero exits.
"$ND_CTL" summary --by src --duration 0.1 >/dev/null 2>/tmp/src.err || fail "--by src (records) failed"
assert_contains /tmp/src.err "drops shown" "--by src counts records (addresses are not kernel keys)"
