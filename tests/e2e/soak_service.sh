#!/bin/bash
# timeout: 1500
# The service under load (issue 18 item 7): netdropctl service with the
# exporter and an armed flight recorder runs for ND_SOAK_SECONDS (600 for
# make soak; make check runs a short one) under bursts of drops, /metrics
# scraped about every second beside them (each scrape must answer).  After
# every burst the exporter's count equals UdpNoPorts exactly; the
# service's memory (the RSS of its processes) and
# the kernel's slab are sampled every 10 s and printed, and must not grow
# after the first minute beyond a bound (the flight recorder's window fills
# during it).  Runs with 2 vCPUs.
. "$ND_TOP/tests/e2e/lib.sh"
secs=${ND_SOAK_SECONDS:-600}
[ "$(nproc)" -ge 2 ] || fail "the soak needs 2 vCPUs (nproc is $(nproc))"
nd_load
mk_server
mk_client c8 10.0.2.8
udp c8 10.0.0.3 9999 1 >/dev/null
mkdir -p /tmp/soak/flight
cat >/tmp/soak/netdrop.conf <<'EOF'
exporter = on
exporter.listen = 127.0.0.1:9597
flight = on
flight.ring = 20
flight.dir = /tmp/soak/flight
flight.snaplen = 64
flight.trigger = counter=UdpInErrors+1000000/1
EOF
"$ND_CTL" service --config /tmp/soak/netdrop.conf 2>/tmp/soak/svc.err &
svc=$!
nd_wait_capturing 3
srv_ns=$(stat -L -c %i /run/netns/srv)
fn=$(udp4_fn)
metric() {
	curl -sf http://127.0.0.1:9597/metrics |
		awk -v fn="$fn" -v ns="$srv_ns" \
			'/^netdrop_drops_total\{/ && index($0, "function=\"" fn "\"") && index($0, "netns=\"" ns "\"") {n += $NF} END {print n + 0}'
}
rss() {
	local p t=0
	for p in $svc $(pgrep -P $svc); do
		t=$((t + $(awk '/^VmRSS:/ {print $2}' /proc/$p/status 2>/dev/null || echo 0)))
	done
	echo $t
}
slab() { awk '/^Slab:/ {print $2}' /proc/meminfo; }
# Scrapes every second, beside the bursts; each must answer.
(while [ ! -e /tmp/soak/stop ]; do
	curl -sf -o /dev/null http://127.0.0.1:9597/metrics && echo ok || echo fail
	sleep 1
done) >/tmp/soak/scrapes &
scraper=$!
base=$(snmp srv Udp NoPorts)
start=$(date +%s)
bursts=0 exact=0 sent_total=0 next_sample=0
: >/tmp/soak/mem
while [ $(($(date +%s) - start)) -lt "$secs" ]; do
	udp c8 10.0.0.3 9999 20000 >/dev/null
	sent_total=$((sent_total + 20000))
	sleep 0.5
	bursts=$((bursts + 1))
	want=$(($(snmp srv Udp NoPorts) - base))
	got=$(metric)
	[ "$got" = "$want" ] && exact=$((exact + 1)) || echo "burst $bursts: exporter $got, UdpNoPorts $want"
	t=$(($(date +%s) - start))
	if [ "$t" -ge "$next_sample" ]; then
		echo "$t $(rss) $(slab)" >>/tmp/soak/mem
		next_sample=$((t + 10))
	fi
done
touch /tmp/soak/stop
wait $scraper
want=$(($(snmp srv Udp NoPorts) - base))
echo "soak: $secs s, $bursts bursts, $want drops, exporter exact after $exact of them"
echo "soak: memory (s, service RSS KiB, kernel slab KiB):"
cat /tmp/soak/mem
scrapes=$(wc -l </tmp/soak/scrapes)
failed=$(grep -c fail /tmp/soak/scrapes)
echo "soak: $scrapes scrapes, $failed failed"
assert_eq "$want" "$sent_total" "UdpNoPorts = every datagram sent"
assert_eq "$exact" "$bursts" "after every burst the exporter's count = UdpNoPorts"
assert_eq "$failed" 0 "every scrape answered"
# How many scrapes fit in the run depends on the host (a debug RT kernel
# under TCG on a loaded CI machine managed 25 in 60 s): the count is
# printed, and only that the scraper ran beside the bursts is asserted.
assert_ge "$scrapes" 2 "the scraper ran beside the bursts"
# Flat: after the first minute (or half the run), RSS and slab grow by no
# more than 10% plus 8 MiB.
python3 - /tmp/soak/mem "$secs" <<'PY' || fail "memory grew"
import sys
rows = [tuple(map(int, l.split())) for l in open(sys.argv[1]) if l.strip()]
warm = min(60, int(sys.argv[2]) // 2)
after = [r for r in rows if r[0] >= warm]
assert len(after) >= 2, rows
for i, name in ((1, "service RSS"), (2, "kernel slab")):
    first, peak = after[0][i], max(r[i] for r in after)
    print(f"{name}: {first} KiB at {after[0][0]} s, peak {peak} KiB after, last {after[-1][i]} KiB")
    assert peak <= first * 1.10 + 8192, (name, first, peak)
PY
pass_note=$(grep -c "" /tmp/soak/svc.err)
kill -TERM $svc
wait $svc
assert_eq "$?" 0 "the service ends cleanly"
assert_eq "$(ls /tmp/soak/flight | wc -l)" 0 "the flight recorder stayed armed (its trigger never fired)"
assert_not_contains /tmp/soak/svc.err "ended" "no component ended during the soak ($pass_note lines of service log)"
