#!/bin/bash
# needs: smp (tasks migrate between CPUs while their drops are recorded)
# Drops in task context while softirq drops run (issue 15): on 7.x the
# kfree_skb tracepoint calls probes preemptibly, so a probe can be
# preempted and its task moved to another CPU.  Twice as many unpinned
# workers as CPUs close unix datagram pairs and UDP sockets with unread
# data and TCP sockets with unread data (active resets), while a flood
# from another namespace drops at a closed port in softirq context.  The
# counts are exact: what the workers sent and left unread (their own
# count) against the records, and the flood against the server's
# UdpNoPorts; nothing lost, nothing twice, each record from its worker.
. "$ND_TOP/tests/e2e/lib.sh"
secs=${ND_TASK_SECONDS:-10}
assert_ge "$(nproc)" 2 "CPUs online (tasks must be able to migrate)"
workers=$((2 * $(nproc)))
nd_load
mk_server
mk_client c8 10.0.2.8
ip netns add td
ip -n td link set lo up
td_ns=$(stat -L -c %i /run/netns/td)
srv_ns=$(stat -L -c %i /run/netns/srv)

"$ND_CTL" stream --events drop,reset --netns td --json --ring-kb 4096 >/tmp/td.json 2>/tmp/td.err &
tdpid=$!
# UDP datagrams purged with their socket carry no namespace (the
# tracepoint gives no socket, skb->dev holds UDP's dev_scratch, and
# skb->sk was stolen on receive): a session by port for those.
"$ND_CTL" stream --proto udp --dport "30000-$((30000 + workers - 1))" --json --ring-kb 4096 \
	>/tmp/tdu.json 2>/tmp/tdu.err &
tdupid=$!
"$ND_CTL" stream --netns srv --dport 7450 --json --ring-kb 4096 >/tmp/fl.json 2>/tmp/fl.err &
flpid=$!
nd_wait_capturing 3
before=$(snmp srv Udp NoPorts)
# The softirq side: a flood to a closed port, over the bridge.
(while :; do udp c8 10.0.0.3 7450 200 >/dev/null; done) &
flood=$!
ip netns exec td "$ND_TOP/build/tests/e2e/taskdrop" "$secs" "$workers" 30000 >/tmp/td.out
rc=$?
kill $flood
wait $flood 2>/dev/null
sleep 2
after=$(snmp srv Udp NoPorts)
nd_stop $tdpid
nd_stop $tdupid
nd_stop $flpid
cat /tmp/td.out /tmp/td.err /tmp/tdu.err /tmp/fl.err
assert_eq "$rc" 0 "every worker ran to the end"
unix=$(sed -n 's/^unix //p' /tmp/td.out)
udp=$(sed -n 's/^udp //p' /tmp/td.out)
tcp=$(sed -n 's/^tcp //p' /tmp/td.out)
assert_ge "$unix" 1 "unix datagrams left unread"
for f in td tdu; do
	lost=$(sed -n 's/.* \([0-9]*\) lost.*/\1/p' /tmp/$f.err)
	assert_eq "$lost" 0 "nothing lost (4 MiB rings, a reader): $f"
done

note "task context: each worker's drops, exactly"
q() { jq -s "$1" /tmp/td.json; }
pids=$(sed -n 's/^workers //p' /tmp/td.out | tr ' ' ',')
got_unix=$(q "[.[] | select(.type == \"drop\" and .proto == \"\" and .comm == \"taskdrop\" and (.pid | IN($pids)))] | length")
assert_eq "$got_unix" "$unix" "unix datagrams closed unread, each recorded once from its worker"
got_udp=$(jq -s "[.[] | select(.type == \"drop\" and .proto == \"udp\" and .dst == \"127.0.0.1\")] | length" /tmp/tdu.json)
assert_eq "$got_udp" "$udp" "UDP datagrams closed unread (or late at the closed port), each recorded once"
got_tcp=$(q "[.[] | select(.type == \"reset\" and .kind == \"active\" and .sport >= 30100 and .sport < $((30100 + workers)) and (.facts | index(\"unread-data\")))] | length")
assert_eq "$got_tcp" "$tcp" "TCP closed with unread data: one active reset each"
assert_eq "$(q "[.[] | select(.netns != $td_ns)] | length")" 0 "every record is from the workers' namespace"

note "softirq context: the flood, against UdpNoPorts"
assert_ge "$((after - before))" 1 "the flood reached the closed port"
assert_eq "$(json_count /tmp/fl.json dport=7450 netns=$srv_ns)" "$((after - before))" \
	"flood drops recorded = the server's UdpNoPorts delta"
lost=$(sed -n 's/.* \([0-9]*\) lost.*/\1/p' /tmp/fl.err)
assert_eq "$lost" 0 "nothing lost from the flood"
