#!/bin/bash
# summary's per-location counts for a known workload equal what dropwatch
# (drop_monitor) reports for the same workload in the same guest run.
# needs: drop_monitor (Debian kernels; the test kernel has none)
. "$ND_TOP/tests/e2e/lib.sh"
modprobe drop_monitor 2>/dev/null || [ -d /sys/module/drop_monitor ] ||
	fail "drop_monitor is not available on $ND_KVER"
nd_load
mk_server
mk_client c8 10.0.2.8

"$ND_CTL" summary --interval 1 --by location >/tmp/sum.txt 2>/tmp/sum.err &
sp=$!
# dropwatch reads commands from stdin; SIGINT stops monitoring and returns
# to its prompt, where "exit" (or end of input) ends it.
rm -f /tmp/dw.stop
(echo start; while [ ! -e /tmp/dw.stop ]; do sleep 0.2; done; echo exit) |
	dropwatch -l kas >/tmp/dw.txt 2>&1 &
dp=$!
nd_wait_capturing 1
sleep 2
udp c8 10.0.0.3 7500 25 >/dev/null
sleep 3
nd_stop $sp
kill -INT $dp
touch /tmp/dw.stop
wait $dp
cat /tmp/dw.txt | grep -v '^$' | head -20
grep total -A5 /tmp/sum.txt

dw=$(awk '/drops at __udp4_lib_rcv/ {n += $1} END {print n + 0}' /tmp/dw.txt)
nd=$(awk '/drops \(total\)/ {t = 1; next} t && /drops at __udp4_lib_rcv/ {n += $1} END {print n + 0}' /tmp/sum.txt)
assert_eq "$dw" 25 "dropwatch saw the 25 datagrams at __udp4_lib_rcv"
assert_eq "$nd" "$dw" "summary total at __udp4_lib_rcv equals dropwatch"
# dropwatch prints offsets without 0x; the location must be the same one.
dwloc=$(awk '/drops at __udp4_lib_rcv/ {print $4; exit}' /tmp/dw.txt)
assert_contains /tmp/sum.txt "drops at __udp4_lib_rcv+0x${dwloc#__udp4_lib_rcv+} (NO_SOCKET)" "same location, with the reason"
assert_contains /tmp/sum.err "25 drops shown\|drops shown" "totals printed on exit"
