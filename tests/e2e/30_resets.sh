#!/bin/bash
# Who sent that RST: active resets (SO_LINGER {1,0}; close with unread
# data) and passive ones (no socket), with 5-tuple, state, facts and comm;
# a 5-tuple filter passes exactly its resets, in the kernel; explain
# gives each side's resets by cause.
. "$ND_TOP/tests/e2e/lib.sh"
nd_load
mk_server
mk_client c8 10.0.2.8
tcp() {
	local ns=$1
	shift
	ip netns exec "$ns" python3 "$ND_TOOLS/tcp.py" "$@"
}
ip netns exec srv python3 "$ND_TOOLS/tcp.py" serve 20300 &
ip netns exec srv python3 "$ND_TOOLS/tcp.py" serve 20301 --unread &
unread_pid=$!
sleep 1

"$ND_CTL" stream --events reset --json >/tmp/rst.json 2>/tmp/rst.err &
all=$!
"$ND_CTL" stream --events reset --sport 20399 --json >/tmp/rst399.json 2>/tmp/rst399.err &
one=$!
"$ND_CTL" stream --events drop,reset --host 10.0.2.8 >/tmp/both.txt 2>/dev/null &
both=$!
# explain (issue 17, scenario 4): the resets of each side by cause.
"$ND_CTL" explain --netns srv --duration 120 --json >/tmp/ex-srv.json 2>/tmp/ex-srv.err &
exs=$!
"$ND_CTL" explain --netns c8 --duration 120 --json >/tmp/ex-c8.json 2>/tmp/ex-c8.err &
exc=$!
"$ND_CTL" explain --netns srv --duration 120 >/tmp/ex-srv.txt 2>&1 &
ext=$!
nd_wait_capturing 6
kstat_snap srv /tmp/srv.before
kstat_snap c8 /tmp/c8.before

tcp c8 linger0 10.0.0.3 20300 || fail "linger0 client"
tcp c8 send 10.0.0.3 20301 || fail "unread client"
tcp c8 connect 10.0.0.3 20398 2 && fail "closed port 20398 accepted"
tcp c8 connect 10.0.0.3 20399 2 && fail "closed port 20399 accepted"
sleep 1
kstat_snap srv /tmp/srv.after
kstat_snap c8 /tmp/c8.after
nd_stop $all
nd_stop $one
nd_stop $both
kill -INT $exs $exc $ext
wait $ext || { cat /tmp/ex-srv.txt; fail "explain --netns srv (text)"; }
wait $exs || { cat /tmp/ex-srv.err; fail "explain --netns srv"; }
wait $exc || { cat /tmp/ex-c8.err; fail "explain --netns c8"; }
cat /tmp/rst.json
cat /tmp/both.txt

assert_eq "$(json_count /tmp/rst.json kind=active state=ESTABLISHED comm=python3 src=10.0.2.8 dst=10.0.0.3 dport=20300)" 1 \
	"SO_LINGER {1,0}: active reset from the client, ESTABLISHED"
python3 - /tmp/rst.json <<'PY' || fail "linger-0 and unread-data facts, IPv4 for a dual-stack socket"
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1])]
linger = [r for r in recs if r["kind"] == "active" and r["dport"] == 20300]
assert linger and "linger-0" in linger[0]["facts"], linger
unread = [r for r in recs if r["kind"] == "active" and r["sport"] == 20301]
assert unread and "unread-data" in unread[0]["facts"] and unread[0]["unread"] == 5, unread
assert unread[0]["src"] == "10.0.0.3" and unread[0]["comm"] == "python3", unread
PY
echo "ok: facts say linger-0 (client) and unread-data, 5 bytes (server)"
# The orphan count: a number in active resets where the kernel exports
# tcp_orphan_count, and null (unknown), never 0, where it does not (7.x):
# what the module's compile probe chose, seen by modinfo.  Passive resets
# carry none (null).
assert_eq "$(jq -c 'select(.kind == "passive" and .orphans != null)' /tmp/rst.json | wc -l)" 0 \
	"passive resets: no orphan count (null)"
if [ "$(modinfo -F orphan_count "$ND_MODDIR/netdrop.ko")" = yes ]; then
	assert_eq "$(jq -c 'select(.kind == "active" and ((.orphans | type) != "number" or .orphans < 0))' /tmp/rst.json | wc -l)" \
		0 "active resets carry the orphan count, a number"
else
	assert_eq "$(jq -c 'select(.kind == "active" and .orphans == null)' /tmp/rst.json | wc -l)" \
		"$(json_count /tmp/rst.json kind=active)" \
		"no tcp_orphan_count export: every active reset says orphans unknown (null)"
fi
assert_eq "$(json_count /tmp/rst.json kind=passive state=none src=10.0.0.3 sport=20399 dst=10.0.2.8)" 1 \
	"closed port: passive reset, no socket, the RST's own tuple"
python3 "$ND_TOOLS/jsoncheck.py" all /tmp/rst399.json kind=passive sport=20399 || fail "--sport 20399 passes only its reset"
assert_eq "$(json_count /tmp/rst399.json)" 1 "5-tuple filter: exactly one reset"
assert_contains /tmp/rst399.err "\(^\|[^0-9]\)1 recorded" "the kernel did the filtering: 1 recorded"
assert_contains /tmp/both.txt "RESET passive tcp 10.0.0.3:20398 > 10.0.2.8:[0-9]* state none.*no-socket" "one timeline shows resets"

# Against the kernel's own counters over the same window: every RST sent,
# in the namespace that sent it, and the two causes of active resets.
d() { kstat_delta "/tmp/$1.before" "/tmp/$1.after" "$2"; }
assert_eq "$(json_count /tmp/rst.json src=10.0.0.3)" "$(d srv TcpOutRsts)" "server: resets recorded = TcpOutRsts"
assert_eq "$(json_count /tmp/rst.json src=10.0.2.8)" "$(d c8 TcpOutRsts)" "client: resets recorded = TcpOutRsts"
assert_eq "$(jq -c 'select(.kind == "active" and (.facts | index("linger-0")))' /tmp/rst.json | wc -l)" \
	"$(d c8 TcpExtTCPAbortOnData)" "linger-0 resets = the client's TCPAbortOnData"
assert_eq "$(jq -c 'select(.kind == "active" and (.facts | index("unread-data")))' /tmp/rst.json | wc -l)" \
	"$(d srv TcpExtTCPAbortOnClose)" "unread-data resets = the server's TCPAbortOnClose"
assert_eq "$(d srv TcpOutRsts)" 3 "the server sent 3 RSTs (unread data, two closed ports)"

# explain: each side's resets, one finding per cause, naming the process
# for active ones; counts against the same counters.
cat /tmp/ex-srv.json /tmp/ex-c8.json /tmp/ex-srv.txt
assert_contains /tmp/ex-srv.txt "active TCP resets: the application closed with unread data" "text: the active resets' cause, in words"
r() { jq -c "select(.kind == \"reset\" and .reset_kind == \"$2\")" "/tmp/ex-$1.json"; }
assert_eq "$(jq -s '[.[] | select(.kind == "reset") | .count] | add // 0' /tmp/ex-srv.json)" "$(d srv TcpOutRsts)" \
	"explain srv: its reset findings add up to the server's TcpOutRsts"
assert_eq "$(r srv active | jq -r '"\(.count) \(.cause) \(.comm)"')" \
	"$(d srv TcpExtTCPAbortOnClose) the application closed with unread data python3" \
	"explain srv: the unread-data reset, = TCPAbortOnClose, sent by python3"
assert_eq "$(r srv passive | jq -r '"\(.count) \(.cause)"')" \
	"$(($(d srv TcpOutRsts) - $(d srv TcpExtTCPAbortOnClose))) nothing listens: the segment found no socket" \
	"explain srv: the closed ports' resets, = TcpOutRsts - TCPAbortOnClose"
assert_eq "$(r srv active | jq -r .where | grep -o 'sent by [^,]*')" "sent by python3 (pid $unread_pid)" \
	"explain srv: names the process that closed with unread data, and its pid"
assert_eq "$(r c8 active | jq -r '"\(.count) \(.cause) \(.comm)"')" \
	"$(d c8 TcpExtTCPAbortOnData) the application closed with SO_LINGER {1, 0} python3" \
	"explain c8: the linger-0 reset, = the client's TCPAbortOnData, sent by python3"
assert_eq "$(jq -s '[.[] | select(.kind == "reset") | .count] | add // 0' /tmp/ex-c8.json)" "$(d c8 TcpOutRsts)" \
	"explain c8: its reset findings add up to the client's TcpOutRsts"
