#!/bin/bash
# A tiny ring under a flood: recorded + lost = drops generated, checked
# against the kernel's own UdpNoPorts counter and the packets sent; the
# sequence numbers missing from what the reader got are exactly the lost
# records (ABI contract).
. "$ND_TOP/tests/e2e/lib.sh"
nd_load
mk_server
mk_client c8 10.0.2.8

before=$(snmp srv Udp NoPorts)
# SIGSTOP the reader so the 8 KiB rings fill up and overflow.
"$ND_CTL" stream --dport 7100 --ring-kb 8 --json >/tmp/flood.json 2>/tmp/flood.err &
pid=$!
nd_wait_capturing 1
kill -STOP $pid
sent=$(udp c8 10.0.0.3 7100 3000)
sleep 1
# While the reader is stopped, status lists its session: ring size and
# the records it lost on each CPU.
"$ND_CTL" status --json >/tmp/status.json || fail "status --json"
"$ND_CTL" status
kill -CONT $pid
# The reader has drained its rings once it has written every record the
# kernel had recorded for it (it flushes after each poll, and advances the
# consumer position before).  On a loaded single-CPU guest this can take
# well over a second.
held=$(jq -r '.sessions[] | select(.self | not) | .recorded' /tmp/status.json)
for i in $(seq 1 300); do
	[ "$(json_count /tmp/flood.json)" -ge "$held" ] && break
	sleep 0.1
done
assert_eq "$(json_count /tmp/flood.json)" "$held" "the resumed reader drained what its rings held"
# One more datagram from each CPU, recorded now that the ring is drained:
# each CPU's last number then bounds all it was asked to hold.
ncpu=$(nproc)
for cpu in $(seq 0 $((ncpu - 1))); do
	ip netns exec c8 taskset -c "$cpu" "$ND_TOP/build/tests/e2e/udpsend" 10.0.0.3 7100 1 >/dev/null
done
sleep 1
nd_stop $pid
after=$(snmp srv Udp NoPorts)
cat /tmp/flood.err
recorded=$(sed -n 's/.* \([0-9]*\) recorded.*/\1/p' /tmp/flood.err)
lost=$(sed -n 's/.* \([0-9]*\) lost.*/\1/p' /tmp/flood.err)
shown=$(json_count /tmp/flood.json)

assert_eq "$sent" 3000 "datagrams sent"
assert_eq "$((after - before))" "$((3000 + ncpu))" "UdpNoPorts moved by the datagrams sent"
assert_eq "$((recorded + lost))" "$((3000 + ncpu))" "recorded + lost = drops"
assert_ge "$lost" 1 "a tiny ring lost records (and said so)"
assert_eq "$shown" "$recorded" "every recorded record was delivered"
gaps=$(jq -s 'group_by(.cpu) | map((max_by(.seq).seq + 1) - length) | add' /tmp/flood.json)
assert_eq "$gaps" "$lost" "sequence numbers missing = records lost"

note "status listed the stopped reader's session"
q() { jq -r "$1" /tmp/status.json; }
assert_eq "$(q '.sessions | length')" 2 "two sessions listed (the reader and status itself)"
assert_eq "$(q '[.sessions[] | select(.self)] | length')" 1 "status marks its own session"
reader='.sessions[] | select(.self | not)'
assert_eq "$(q "$reader | .pid")" "$pid" "the reader's pid"
assert_eq "$(q "$reader | .comm")" netdropctl "the reader's command"
assert_eq "$(q "$reader | .state")" capturing "the reader is capturing"
assert_eq "$(q "$reader | .ring_size")" 8192 "its ring size"
assert_eq "$(q "$reader | .lost")" "$lost" "lost, as the reader reported at exit"
assert_eq "$(q "$reader | [.lost_per_cpu[]] | add")" "$lost" "per-CPU lost counts sum to lost"
assert_eq "$(q "$reader | .recorded + .lost")" 3000 "recorded + lost while the reader was stopped"
