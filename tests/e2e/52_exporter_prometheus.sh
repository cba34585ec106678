#!/bin/bash
# timeout: 600 (Prometheus and node_exporter start slowly under TCG)
# netdropctl exporter (issue 18 items 3 and 4): a real Prometheus (Debian's
# package) scrapes the exporter's /metrics and node_exporter's textfile
# collector (the exporter's --textfile) every second.  Over one window of
# UDP to a closed port and TCP to a closed port, what Prometheus's HTTP API
# answers equals the server's own counters over the same window: the drops
# at the UDP receive function = UdpNoPorts, the passive resets =
# TcpOutRsts, through both paths.  Nothing is lost.  --top bounds the
# series; bad options are one-line errors.
. "$ND_TOP/tests/e2e/lib.sh"
command -v prometheus >/dev/null || fail "no prometheus (scripts/install-deps.sh installs it)"
command -v prometheus-node-exporter >/dev/null || fail "no prometheus-node-exporter"
nd_load
ip link set lo up
mk_server
mk_client c8 10.0.2.8
udp c8 10.0.0.3 9999 1 >/dev/null	# neighbours resolved before the exporter
srv_ns=$(stat -L -c %i /run/netns/srv)

# Bad options first: one line, exit 2; a port in use: exit 1.
"$ND_CTL" exporter >/dev/null 2>/tmp/e1.err
assert_eq "$?" 2 "exporter without --listen or --textfile exits 2"
assert_eq "$(wc -l </tmp/e1.err)" 1 "... with a one-line error"
"$ND_CTL" exporter --listen nonsense >/dev/null 2>/tmp/e2.err
assert_eq "$?" 2 "a bad --listen exits 2"
assert_contains /tmp/e2.err "bad --listen 'nonsense'" "... naming the value"
"$ND_CTL" exporter --textfile /nonexistent >/dev/null 2>/tmp/e3.err
assert_eq "$?" 2 "a --textfile that is not a writable directory exits 2"

mkdir -p /tmp/tf /tmp/prom
"$ND_CTL" exporter --listen 127.0.0.1:9597 --textfile /tmp/tf --interval 1 2>/tmp/exp.err &
exp=$!
nd_wait_capturing 2
"$ND_CTL" exporter --listen 127.0.0.1:9597 --duration 1 >/dev/null 2>/tmp/e4.err
assert_eq "$?" 1 "a port in use exits 1"
assert_contains /tmp/e4.err "cannot listen on 127.0.0.1:9597" "... and says where"
curl -sf http://127.0.0.1:9597/metrics >/tmp/m0.txt || fail "GET /metrics"
for f in netdrop_drops_total netdrop_resets_total netdrop_lost_total netdrop_hooks netdrop_kernel_counter_total; do
	assert_contains /tmp/m0.txt "^# TYPE $f " "/metrics has $f"
done
for _ in $(seq 1 50); do [ -s /tmp/tf/netdrop.prom ] && break; sleep 0.1; done
assert_contains /tmp/tf/netdrop.prom "^# TYPE netdrop_drops_total counter" "the textfile has the same families"

prometheus-node-exporter --web.listen-address=127.0.0.1:9100 --collector.disable-defaults \
	--collector.textfile --collector.textfile.directory=/tmp/tf >/tmp/ne.log 2>&1 &
ne=$!
cat >/tmp/prom.yml <<'YML'
global:
  scrape_interval: 1s
  evaluation_interval: 1s
scrape_configs:
  - job_name: netdrop
    static_configs: [{targets: ['127.0.0.1:9597']}]
  - job_name: node
    static_configs: [{targets: ['127.0.0.1:9100']}]
YML
prometheus --config.file=/tmp/prom.yml --storage.tsdb.path=/tmp/prom --web.listen-address=127.0.0.1:9090 \
	>/tmp/prom.log 2>&1 &
prom=$!
q() { curl -sf --get http://127.0.0.1:9090/api/v1/query --data-urlencode "query=$1" | jq -r '.data.result[0].value[1] // "none"'; }
# Both targets up, each scraped after time T (epoch seconds).
scraped_after() {
	local t=$1 i
	for i in $(seq 1 600); do
		a=$(q "min(timestamp(up{job=\"netdrop\"} == 1))")
		b=$(q "min(timestamp(up{job=\"node\"} == 1))")
		if [ "$a" != none ] && [ "$b" != none ] &&
			awk -v a="$a" -v b="$b" -v t="$t" 'BEGIN { exit !(a > t + 1.5 && b > t + 1.5) }'; then
			return 0
		fi
		sleep 0.2
	done
	cat /tmp/prom.log | tail -n 20
	fail "Prometheus did not scrape both targets after $t"
}
fn=$(udp4_fn)
drops_q() { echo "sum(netdrop_drops_total{job=\"$1\",function=\"$fn\",netns=\"$srv_ns\"}) or vector(0)"; }
resets_q() { echo "sum(netdrop_resets_total{job=\"$1\",kind=\"passive\"}) or vector(0)"; }
scraped_after "$(date +%s.%N)"
kstat_snap srv /tmp/srv.before
for j in netdrop node; do
	eval "d0_$j=\$(q \"\$(drops_q $j)\")"
	eval "r0_$j=\$(q \"\$(resets_q $j)\")"
done
udp c8 10.0.0.3 9999 13 >/dev/null
for p in 1 2 3 4; do tcp_ok c8 10.0.0.3 9 0.5 2>/dev/null && fail "TCP to a closed port connected"; done
sleep 0.5
kstat_snap srv /tmp/srv.after
scraped_after "$(date +%s.%N)"
noports=$(kstat_delta /tmp/srv.before /tmp/srv.after UdpNoPorts)
rsts=$(kstat_delta /tmp/srv.before /tmp/srv.after TcpOutRsts)
assert_eq "$noports" 13 "UdpNoPorts: the 13 to 9999"
assert_eq "$rsts" 4 "TcpOutRsts: a reset for each of the 4 SYNs"
# shellcheck disable=SC2154
for j in netdrop node; do
	d1=$(q "$(drops_q $j)")
	r1=$(q "$(resets_q $j)")
	eval "d0=\$d0_$j r0=\$r0_$j"
	assert_eq "$((d1 - d0))" "$noports" "Prometheus ($j): netdrop_drops_total{function=$fn,netns=srv} moved by UdpNoPorts"
	assert_eq "$((r1 - r0))" "$rsts" "Prometheus ($j): netdrop_resets_total{kind=passive} moved by TcpOutRsts"
done
assert_eq "$(q 'sum(netdrop_lost_total{job="netdrop"})')" 0 "netdrop_lost_total is 0"
assert_eq "$(q 'count(netdrop_hooks{job="netdrop"}) > 0')" "$(q 'count(netdrop_hooks{job="netdrop"})')" \
	"netdrop_hooks has series"
# No label is an address or a port: the label names are the six.
curl -sf http://127.0.0.1:9597/metrics >/tmp/m1.txt
echo "series: $(grep -c '^netdrop_' /tmp/m1.txt) ($(grep -c '^netdrop_drops_total' /tmp/m1.txt) drop series)"
labels=$(grep '^netdrop_drops_total{' /tmp/m1.txt | sed 's/^[^{]*{\(.*\)}.*/\1/; s/="[^"]*"//g' | sort -u)
assert_eq "$labels" "reason,function,module,netns,device,hook" "netdrop_drops_total's labels"
kill -INT $exp
wait $exp || { cat /tmp/exp.err; fail "exporter"; }

# --top 1: one series of its own, the rest "other"; the sum is unchanged.
"$ND_CTL" exporter --listen 127.0.0.1:9598 --top 1 2>/dev/null &
exp=$!
nd_wait_capturing 2
udp c8 10.0.0.3 9999 3 >/dev/null
for p in 1 2; do tcp_ok c8 10.0.0.3 9 0.5 2>/dev/null; done
sleep 0.5
curl -sf http://127.0.0.1:9598/metrics >/tmp/m2.txt || fail "GET /metrics (--top 1)"
kill -INT $exp
wait $exp
assert_eq "$(grep -c '^netdrop_drops_total{' /tmp/m2.txt)" 2 "--top 1: one series and other"
assert_contains /tmp/m2.txt '^netdrop_drops_total{reason="other",function="other",module="other",netns="other",device="other",hook="other"} [0-9]' \
	"--top 1: the other series"
kill $prom $ne 2>/dev/null
wait $prom $ne 2>/dev/null
true
