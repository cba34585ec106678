#!/bin/bash
# Scenario 3: the same TCP service dropped on INPUT or on OUTPUT looks the
# same from the client.  The drop records say which hook point, which
# table, and (nft backend) which chain; legacy iptables names its table
# (and explain its built-in chain).
# explain, over the same window, reads the two cases differently: a
# firewall finding on the input path with no SYN_RECV socket, or on the
# output path with the SYN_RECV sockets ss lists then; its count equals the
# iptables rule's own packet counter, and it names that rule's handle.
. "$ND_TOP/tests/e2e/lib.sh"
nd_load
mk_server
mk_client c2 172.17.0.2
ip -n srv addr add 172.17.0.1/16 dev eth0
ip netns exec srv sh -c 'nc -l -k -p 3306 >/dev/null 2>&1 &'
sleep 0.3
assert_eq "$(ip netns exec srv ss -Htln 'sport = :3306' | wc -l)" 1 "the service listens on 3306 (ss)"

# rule_counter NAME: the packets of the DROP rule in chain NAME (upper case).
rule_counter() {
	if [ "$1" = legacy ]; then
		ip netns exec srv iptables-legacy -L INPUT -v -x -n
	else
		ip netns exec srv iptables -L "${1^^}" -v -x -n
	fi | awk '$3 == "DROP" {print $1; exit}'
}

# run_case NAME IPTABLES ARGS...: rule, one failed connect, records
run_case() {
	local name=$1
	shift
	ip netns exec srv "$@" || fail "$name: rule"
	"$ND_CTL" stream --host 172.17.0.2 --port 3306 --json >"/tmp/$name.json" 2>/dev/null &
	local pid=$!
	"$ND_CTL" explain --netns srv --host 172.17.0.2 --port 3306 --duration 120 --json \
		>"/tmp/$name.explain" 2>"/tmp/$name.explain.err" &
	local ex=$!
	nd_wait_capturing 2
	tcp_ok c2 172.17.0.1 3306 2.5 && fail "$name: connection succeeded"
	sleep 0.3
	# explain reads the sockets at the window's end: the output case's
	# half-open connection is still there (SYN_RECV, its SYN-ACKs dropped).
	# The rule's counter on both sides of the window's end: the server may
	# retransmit a SYN-ACK right then.
	rule_pkts=$(rule_counter "$name")
	synrecv=$(ip netns exec srv ss -Htn state syn-recv | wc -l)
	kill -INT $ex
	wait $ex || { cat "/tmp/$name.explain.err"; fail "$name: explain"; }
	rule_pkts_after=$(rule_counter "$name")
	nd_stop $pid
	rule_handle=$(ip netns exec srv nft -a list chain ip filter "${name^^}" 2>/dev/null |
		sed -n 's/.* drop # handle \([0-9]*\)$/\1/p' | head -n 1)
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

# explain_case NAME PATH SYN_RECV: the firewall finding of the window.
explain_case() {
	local f
	f=$(jq -c 'select(.kind == "firewall")' "/tmp/$1.explain")
	assert_eq "$(echo "$f" | grep -c .)" 1 "$1: explain has one firewall finding"
	assert_eq "$(head -n 1 "/tmp/$1.explain" | jq -r .kind)" firewall "$1: it is the top finding"
	if [ "$rule_pkts" = "$rule_pkts_after" ]; then
		assert_eq "$(echo "$f" | jq .count)" "$rule_pkts" "$1: its count = the iptables rule's packet counter"
	else
		# A retransmit crossed the window's end: between the two readings.
		assert_ge "$(echo "$f" | jq .count)" "$rule_pkts" "$1: its count >= the rule's counter before the end"
		assert_ge "$rule_pkts_after" "$(echo "$f" | jq .count)" "$1: and <= the rule's counter after it"
	fi
	assert_eq "$(echo "$f" | jq -r '"\(.path) \(.table) \(.chain) \(.syn_recv)"')" "$2 filter ${1^^} $3" \
		"$1: the $2 path, table filter, chain ${1^^}, SYN_RECV sockets $3"
	[ -n "$rule_handle" ] || fail "$1: nft -a lists no handle for the iptables-nft rule"
	assert_eq "$(echo "$f" | jq -r .rule)" "$rule_handle" "$1: it names the rule's handle (as nft -a lists it)"
	assert_contains <(echo "$f" | jq -r .rule_text) "drop" "$1: and the rule's text"
}
explain_case input input 0
assert_eq "$synrecv" 0 "input: ss lists no SYN_RECV socket in srv"

run_case output iptables -A OUTPUT -p tcp --sport 3306 -d 172.17.0.2 -j DROP
python3 "$ND_TOOLS/jsoncheck.py" hook /tmp/output.json hook=local-out family=ipv4 type=nftables table=filter chain=OUTPUT \
	|| fail "OUTPUT: hook local-out, nft table filter chain OUTPUT"
echo "ok: OUTPUT drop attributed to local-out, filter/OUTPUT"
assert_ge "$(json_count /tmp/output.json src=172.17.0.1 sport=3306)" 1 "OUTPUT: the server's SYN-ACKs are dropped"
echo "the OUTPUT drops' TCP flags: $(jq -r .tcp_flags /tmp/output.json | sort | uniq -c | tr -s ' \n' ' ')"
# The server's half-open connection, as ss lists it at the window's end.
explain_case output output "$synrecv"

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
# explain: iptables-legacy rules are not read, but the table and the
# built-in chain its hook enters are named; the count is the rule's.
f=$(jq -c 'select(.kind == "firewall")' /tmp/legacy.explain)
assert_eq "$(echo "$f" | grep -c .)" 1 "legacy: explain has one firewall finding"
assert_eq "$(echo "$f" | jq -r '"\(.firewall) \(.table) \(.chain) \(.path) [\(.rule)]"')" "iptables filter INPUT input []" \
	"legacy: iptables, table filter, chain INPUT, the input path, no rule handle"
assert_ge "$(echo "$f" | jq .count)" "$rule_pkts" "legacy: its count >= the rule's counter before the window's end"
assert_ge "$rule_pkts_after" "$(echo "$f" | jq .count)" "legacy: and <= the rule's counter after it"
