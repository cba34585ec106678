#!/bin/bash
# dump-hooks against nft list hooks: where the kernel has nfnetlink_hook
# (5.14+) every hook nft shows appears in dump-hooks with the same priority
# and function (or table and chain), and the other way round.  Where it has
# not (5.10, the test kernel), nft shows nothing and dump-hooks still lists
# the hooks.
. "$ND_TOP/tests/e2e/lib.sh"
nd_load
nd_load_fixture block_src=10.9.9.9
mk_scenario1
ip netns exec srv nft add table inet t1
ip netns exec srv nft add chain inet t1 c1 '{ type filter hook input priority 10; }'
ip netns exec srv nft add chain inet t1 c2 '{ type filter hook prerouting priority -5; }'
ip netns exec srv iptables-legacy -t mangle -A PREROUTING -j ACCEPT

ip netns exec srv nft list hooks >/tmp/nfthooks.txt 2>&1
cat /tmp/nfthooks.txt
"$ND_CTL" dump-hooks --netns srv --json >/tmp/dump.json || fail "dump-hooks"
# Whether the comparison runs is the kernel's (nfnetlink_hook, 5.14+), not
# whatever nft printed.
modprobe nfnetlink_hook 2>/dev/null
if grep -q ' nfnl_hook_get\b' /proc/kallsyms; then	# loaded, or built in
	assert_ge "$(grep -c '^family' /tmp/nfthooks.txt)" 1 "nfnetlink_hook: nft list hooks lists hooks"
	python3 "$ND_TOOLS/compare_hooks.py" /tmp/nfthooks.txt /tmp/dump.json || fail "nft list hooks vs dump-hooks"
	echo "ok: every hook nft lists is in dump-hooks, and every one dump-hooks lists is in nft's"
else
	echo "$ND_KVER has no nfnetlink_hook: nft list hooks shows nothing"
	assert_eq "$(grep -c '^family' /tmp/nfthooks.txt)" 0 "nft list hooks is empty"
fi
assert_ge "$(json_count /tmp/dump.json function=net_hook_in_v4)" 1 "dump-hooks lists the fixture hook"
assert_eq "$(json_count /tmp/dump.json table=t1 chain=c2 hook=prerouting priority=-5)" 2 "inet chain on ipv4 and ipv6"
assert_ge "$(json_count /tmp/dump.json table=mangle function=iptable_mangle_hook)" 1 "legacy iptables table named"
