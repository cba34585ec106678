#!/bin/bash
# summary's per-location counts for a known workload equal what dropwatch
# (drop_monitor) reports for the same workload in the same guest run.
# Uses drop_monitor (dropwatch): Debian kernels and the test kernel have it.
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

fn=$(udp4_fn)
dw=$(awk -v at="drops at $fn+" 'index($0, at) {n += $1} END {print n + 0}' /tmp/dw.txt)
nd=$(awk -v at="drops at $fn+" '/drops \(total\)/ {t = 1; next} t && index($0, at) {n += $1} END {print n + 0}' /tmp/sum.txt)
assert_eq "$dw" 25 "dropwatch saw the 25 datagrams at $fn"
assert_eq "$nd" "$dw" "summary total at $fn equals dropwatch"
# dropwatch prints offsets without 0x; the location must be the same one.
dwloc=$(awk -v at="drops at $fn+" 'index($0, at) {print $4; exit}' /tmp/dw.txt)
assert_contains /tmp/sum.txt "drops at $fn+0x${dwloc#"$fn"+} ($(R_text NO_SOCKET))" "same location, with the reason"
# The total counts every drop in the window (the guest's own traffic too),
# so at least the 25.
# summary counts in the kernel (issue 18): its totals line says so.
shown=$(sed -n 's/.*\b\([0-9][0-9]*\) drops counted in the kernel.*/\1/p' /tmp/sum.err)
assert_ge "${shown:-0}" 25 "totals printed on exit (counted in the kernel), the 25 datagrams included"
