#!/bin/bash
# timeout: 600
# netdropctl service (issue 18 item 6), what netdrop.service runs, with a
# netdrop.conf that turns on the exporter and JSON lines to a file rotated
# by size: every drop of the window is a JSON line in the file or its
# rotations (= UdpNoPorts); a component that dies is started again; on
# SIGUSR2 the service lets go of /dev/netdrop, the module is unloaded and
# loaded again under it, and the exporter counts drops on the new module.
. "$ND_TOP/tests/e2e/lib.sh"
nd_load
mk_server
mk_client c8 10.0.2.8
udp c8 10.0.0.3 9999 1 >/dev/null	# neighbours resolved first
mkdir -p /tmp/svc
cat >/tmp/svc/bad.conf <<'EOF'
exporter = maybe
EOF
"$ND_CTL" service --config /tmp/svc/bad.conf >/dev/null 2>/tmp/svc/bad.err
assert_eq "$?" 2 "a bad netdrop.conf exits 2"
assert_contains /tmp/svc/bad.err "/tmp/svc/bad.conf:1: exporter is on or off, not 'maybe'" "... naming the line"
cat >/tmp/svc/netdrop.conf <<'EOF'
exporter = on
exporter.listen = 127.0.0.1:9597
jsonl = on
jsonl.file = /tmp/svc/drops.jsonl
jsonl.rotate_mb = 1
jsonl.keep = 3
jsonl.options = --netns srv --dport 9999 --no-hooks
EOF
"$ND_CTL" service --config /tmp/svc/netdrop.conf 2>/tmp/svc/svc.err &
svc=$!
nd_wait_capturing 3	# the exporter's two sessions and the stream's
metric() {
	curl -sf http://127.0.0.1:9597/metrics |
		awk -v fn="$(udp4_fn)" -v ns="$(stat -L -c %i /run/netns/srv)" \
			'/^netdrop_drops_total\{/ && index($0, "function=\"" fn "\"") && index($0, "netns=\"" ns "\"") {n += $NF} END {print n + 0}'
}
kstat_snap srv /tmp/svc/a.before
udp c8 10.0.0.3 9999 4000 >/dev/null
sleep 2
kstat_snap srv /tmp/svc/a.after
noports=$(kstat_delta /tmp/svc/a.before /tmp/svc/a.after UdpNoPorts)
assert_eq "$noports" 4000 "UdpNoPorts: 4000"
lines=$(cat /tmp/svc/drops.jsonl* | wc -l)
assert_eq "$lines" "$noports" "JSON lines in the file and its rotations = UdpNoPorts"
assert_ge "$(ls /tmp/svc/drops.jsonl.* 2>/dev/null | wc -l)" 1 "the file was rotated (1 MiB)"
assert_eq "$(cat /tmp/svc/drops.jsonl* | jq -r 'select(.dport == 9999) | .dport' | wc -l)" "$noports" \
	"every line is a whole JSON object"
assert_eq "$(metric)" "$noports" "the exporter counted them too"

# A component that dies is started again.
exp=$(pgrep -f "netdropctl exporter --top 100" | head -n 1)
[ -n "$exp" ] || fail "no exporter process"
kill -KILL "$exp"
for _ in $(seq 1 100); do
	new=$(pgrep -f "netdropctl exporter --top 100" | head -n 1)
	[ -n "$new" ] && [ "$new" != "$exp" ] && curl -sf http://127.0.0.1:9597/metrics >/dev/null && break
	sleep 0.1
done
assert_contains /tmp/svc/svc.err "exporter ended (signal 9); starting it again" "the service says so"
[ -n "$new" ] && [ "$new" != "$exp" ] || fail "the exporter was not started again"

# SIGUSR2: the service lets go of the device; the module is reloaded.
kill -USR2 $svc
for _ in $(seq 1 100); do
	[ "$("$ND_CTL" status --json 2>/dev/null | jq '.nr_sessions')" = 1 ] && break
	sleep 0.1
done
nd_unload
nd_load
for _ in $(seq 1 150); do curl -sf http://127.0.0.1:9597/metrics >/dev/null && break; sleep 0.1; done
assert_contains /tmp/svc/svc.err "the module is back" "the service saw the module come back"
nd_wait_capturing 3
udp c8 10.0.0.3 9999 7 >/dev/null
sleep 1
assert_eq "$(metric)" 7 "after the reload the exporter counts on the new module"
kill -TERM $svc
wait $svc
assert_eq "$?" 0 "SIGTERM ends the service cleanly"
assert_eq "$(pgrep -fc 'netdropctl (exporter|stream)')" 0 "and its components"
