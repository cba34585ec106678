#!/bin/bash
# An nftables drop is attributed to its table and chain, including on
# 6.12 where nft_do_chain frees the skb itself; two chains at the same
# hook, only one of which drops.
. "$ND_TOP/tests/e2e/lib.sh"
nd_load
mk_server
mk_client c9 10.0.2.9
ip netns exec srv nft -f - <<'NFT' || fail "nft ruleset"
table inet audit {
	chain in { type filter hook input priority 0; counter; }
}
table inet guard {
	chain in { type filter hook input priority 0; ip saddr 10.0.2.9 udp dport 5000 drop; }
}
NFT
"$ND_CTL" stream --src 10.0.2.9 --json >/tmp/nft.json 2>/dev/null &
pid=$!
nd_wait_capturing 1
udp c9 10.0.0.3 5000 4 >/dev/null
sleep 0.5
nd_stop $pid
cat /tmp/nft.json
assert_eq "$(nf_drops /tmp/nft.json)" 4 "4 datagrams dropped by netfilter"
python3 "$ND_TOOLS/jsoncheck.py" hook /tmp/nft.json type=nftables table=guard chain=in hook=local-in \
	|| fail "attributed to inet guard/in"
echo "ok: attributed to nft table guard chain in"
