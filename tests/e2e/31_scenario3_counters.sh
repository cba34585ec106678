#!/bin/bash
# Scenario 3 by counters: an iptables DROP on INPUT and one on OUTPUT look
# alike from the client; in the server's namespace different counters move
# (OUTPUT: SYN-ACK retransmissions and a SYN_RECV socket), and the drop
# records name the hook point.
# Uses socket diag (ss): Debian kernels and the test kernel have it.
. "$ND_TOP/tests/e2e/lib.sh"
nd_load
mk_server
mk_client c2 10.0.17.2
ip netns exec srv python3 "$ND_TOOLS/tcp.py" serve 3306 &
sleep 1

run_case() {
	local name=$1
	shift
	ip netns exec srv iptables "$@" || fail "$name: rule"
	# The window spans the stream's start (seconds on a loaded host) and
	# the 3.5 s connect.
	kstat_snap srv "/tmp/$name.before"
	"$ND_CTL" counters --netns srv --interval 10 --count 1 --json >"/tmp/$name.counters" &
	local cp=$!
	"$ND_CTL" stream --host 10.0.17.2 --port 3306 --json >"/tmp/$name.json" 2>/dev/null &
	local sp=$!
	nd_wait_capturing 1
	ip netns exec c2 python3 "$ND_TOOLS/tcp.py" connect 10.0.0.3 3306 3.5 && fail "$name: connected"
	ip netns exec srv ss -tan state syn-recv >"/tmp/$name.ss"
	wait $cp
	kstat_snap srv "/tmp/$name.after"
	nd_stop $sp
	ip netns exec srv iptables -F
	sleep 4   # let SYN_RECV sockets expire between cases
}
moved() { python3 - "$1" "$2" <<'PY'
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
print(sum(r["delta"] for r in recs if r["counter"] == sys.argv[2]))
PY
}

run_case input -A INPUT -p tcp --dport 3306 -j DROP
run_case output -A OUTPUT -p tcp --sport 3306 -j DROP

for c in input output; do
	echo "$c: counters that moved in the server's namespace:"
	jq -r '"  \(.counter) \(.delta)"' /tmp/$c.counters | grep -v softnet
done
# netdropctl's deltas are the kernel's own, read directly around the same
# window (nothing else runs in the server's namespace).  What the client
# sends stops after its 3.5 s connect, well inside the window: equal.  The
# server's SYN-ACK retransmissions go on near the window's end: the direct
# window, a little wider, sees at least as many.
for c in input output; do
	for k in IpInReceives IpInDelivers TcpInSegs; do
		assert_eq "$(moved /tmp/$c.counters $k)" "$(kstat_delta /tmp/$c.before /tmp/$c.after $k)" \
			"$c: netdropctl counters' $k delta equals /proc/net's"
	done
done
for k in TcpOutSegs TcpExtTCPTimeouts; do
	assert_ge "$(kstat_delta /tmp/output.before /tmp/output.after $k)" "$(moved /tmp/output.counters $k)" \
		"output: /proc/net's $k delta, over a wider window, at least netdropctl's"
done
assert_ge "$(moved /tmp/input.counters IpInReceives)" 1 "INPUT: the SYNs reached IP"
assert_eq "$(moved /tmp/input.counters IpInDelivers)" 0 "INPUT: ... but were never delivered"
assert_eq "$(moved /tmp/input.counters TcpInSegs)" 0 "INPUT: TCP never saw them"
assert_ge "$(moved /tmp/output.counters TcpInSegs)" 1 "OUTPUT: TCP received the SYNs"
assert_ge "$(moved /tmp/output.counters TcpOutSegs)" 1 "OUTPUT: TCP sent SYN-ACKs"
assert_ge "$(moved /tmp/output.counters TcpExtTCPTimeouts)" 1 "OUTPUT: and retransmitted them on timeout"
only_out=$(comm -13 <(jq -r .counter /tmp/input.counters | sort) <(jq -r .counter /tmp/output.counters | sort) | grep -v -e softnet -e '^dev\.' | tr '\n' ' ')
[ -n "$only_out" ] || fail "no counter moves only in the OUTPUT case"
echo "ok: counters moving only in the OUTPUT case: $only_out"
assert_eq "$(grep -c 10.0.17.2 /tmp/input.ss)" 0 "INPUT: no SYN_RECV socket"
assert_ge "$(grep -c 10.0.17.2 /tmp/output.ss)" 1 "OUTPUT: a SYN_RECV socket exists"
python3 "$ND_TOOLS/jsoncheck.py" hook /tmp/input.json hook=local-in || fail "INPUT drops at local-in"
python3 "$ND_TOOLS/jsoncheck.py" hook /tmp/output.json hook=local-out || fail "OUTPUT drops at local-out"
echo "ok: drop records name local-in vs local-out"
