#!/bin/bash
# Scenario 3: the same TCP service dropped on INPUT or on OUTPUT looks the
# same from the client.  The drop records say which hook point, which
# table, and (nft backend) which chain; legacy iptables names its table.
. "$ND_TOP/tests/e2e/lib.sh"
nd_load
mk_server
mk_client c2 172.17.0.2
ip -n srv addr add 172.17.0.1/16 dev eth0
ip netns exec srv sh -c 'nc -l -k -p 3306 >/dev/null 2>&1 &'
sleep 0.3

# run_case NAME IPTABLES ARGS...: rule, one failed connect, records
run_case() {
	local name=$1
	shift
	ip netns exec srv "$@" || fail "$name: rule"
	"$ND_CTL" stream --host 172.17.0.2 --port 3306 --json >"/tmp/$name.json" 2>/dev/null &
	local pid=$!
	nd_wait_capturing 1
	tcp_ok c2 172.17.0.1 3306 2.5 && fail "$name: connection succeeded"
	sleep 0.3
	nd_stop $pid
	ip netns exec srv iptables -F
	ip netns exec srv iptables-legacy -F 2>/dev/null
	assert_ge "$(nf_drops "/tmp/$name.json")" 1 "$name: drops recorded"
}

run_case input iptables -A INPUT -p tcp --dport 3306 -s 172.17.0.2 -j DROP
python3 "$ND_TOOLS/jsoncheck.py" hook /tmp/input.json hook=local-in family=ipv4 type=nftables table=filter chain=INPUT \
	|| fail "INPUT: hook local-in, nft table filter chain INPUT"
echo "ok: INPUT drop attributed to local-in, filter/INPUT"
assert_eq "$(json_count /tmp/input.json tcp_flags=S src=172.17.0.2)" "$(json_count /tmp/input.json)" \
	"INPUT: the client's SYNs are dropped"

run_case output iptables -A OUTPUT -p tcp --sport 3306 -d 172.17.0.2 -j DROP
python3 "$ND_TOOLS/jsoncheck.py" hook /tmp/output.json hook=local-out family=ipv4 type=nftables table=filter chain=OUTPUT \
	|| fail "OUTPUT: hook local-out, nft table filter chain OUTPUT"
echo "ok: OUTPUT drop attributed to local-out, filter/OUTPUT"
assert_ge "$(json_count /tmp/output.json src=172.17.0.1 sport=3306)" 1 "OUTPUT: the server's SYN-ACKs are dropped"

# Legacy x_tables is optional from 7.x (CONFIG_IP_NF_IPTABLES_LEGACY;
# Debian's 7.2 RT kernel has none): said, not counted, where it is absent.
if ! modprobe -q ip_tables 2>/dev/null && ! grep -q '^ip_tables ' /proc/modules; then
	echo "not run here: legacy iptables (this kernel has no ip_tables module)"
	exit 0
fi
run_case legacy iptables-legacy -A INPUT -p tcp --dport 3306 -j DROP
python3 "$ND_TOOLS/jsoncheck.py" hook /tmp/legacy.json hook=local-in table=filter chain= \
	|| fail "legacy iptables: local-in, table filter"
echo "ok: legacy iptables drop attributed to table filter"
