#!/bin/bash
# timeout: 600
# The flight recorder (issue 18 item 5): record --ring S keeps the last S
# seconds of full records in memory and writes them to a file when a
# trigger fires.  A match trigger writes exactly the drops of the window
# (the ones older than S seconds are gone), each against UdpNoPorts; a
# counter trigger fires on UdpNoPorts jumping; SIGUSR1 writes at once; a
# memory budget smaller than the window's records says how many it lost,
# and what it holds plus what it lost is every drop (UdpNoPorts).
. "$ND_TOP/tests/e2e/lib.sh"
nd_load
mk_server
mk_client c8 10.0.2.8
mk_client c7 10.0.2.7
udp c8 10.0.0.3 9999 1 >/dev/null	# neighbours resolved first
udp c7 10.0.0.3 9999 1 >/dev/null
mkdir -p /tmp/fr /tmp/fc /tmp/fm
files() { ls "$1"/netdrop-flight-*.ndr 2>/dev/null | wc -l; }
wait_files() {
	local i
	for i in $(seq 1 100); do [ "$(files "$1")" -ge "$2" ] && return 0; sleep 0.1; done
	fail "no $2 flight file(s) in $1 after 10 s"
}

# Bad values: one line, exit 2.
"$ND_CTL" record --ring 5 -o /nonexistent >/dev/null 2>/tmp/b1.err
assert_eq "$?" 2 "--ring with -o not a directory exits 2"
"$ND_CTL" record --ring 5 --trigger colour=red -o /tmp/fr >/dev/null 2>/tmp/b2.err
assert_eq "$?" 2 "a bad --trigger exits 2"
assert_contains /tmp/b2.err "bad --trigger 'colour=red'" "... naming it"
"$ND_CTL" record --trigger reset -o /tmp/x.ndr >/dev/null 2>/tmp/b3.err
assert_eq "$?" 2 "--trigger without --ring exits 2"

# 1. A match trigger: the window's drops, and only those.
# UDP only: the guest's own IPv6 traffic (MLD, router solicitations) drops
# in srv too, and would be in the window.
"$ND_CTL" record --ring 4 --netns srv --proto udp --snaplen 64 --trigger 'src=10.0.2.7&dport=9300' -o /tmp/fr 2>/tmp/fr.err &
fr=$!
nd_wait_capturing 1
udp c8 10.0.0.3 9998 4 >/dev/null	# older than the window when it fires
sleep 6
kstat_snap srv /tmp/w.before
udp c8 10.0.0.3 9999 10 >/dev/null
udp c7 10.0.0.3 9300 1 >/dev/null	# the trigger
wait_files /tmp/fr 1
kstat_snap srv /tmp/w.after
f1=$(ls /tmp/fr/netdrop-flight-*.ndr)
"$ND_CTL" report "$f1" --json >/tmp/f1.json 2>/tmp/f1.err || fail "report of the flight file"
cat /tmp/f1.err
window=$(kstat_delta /tmp/w.before /tmp/w.after UdpNoPorts)
assert_eq "$window" 11 "UdpNoPorts: 10 and the trigger's 1"
assert_eq "$(json_count /tmp/f1.json)" "$window" "the file holds the window's drops (= UdpNoPorts)"
assert_eq "$(json_count /tmp/f1.json src=10.0.2.8 dport=9999)" 10 "... the 10 before the trigger"
assert_eq "$(json_count /tmp/f1.json src=10.0.2.7 dport=9300)" 1 "... and the trigger's own"
assert_eq "$(json_count /tmp/f1.json dport=9998)" 0 "nothing older than the window"
assert_contains /tmp/f1.err "flight recorder: trigger src=10.0.2.7&dport=9300; the last 4 s: 11 records, 0 lost" \
	"report says the trigger, the window and its loss"
# SIGUSR1 writes at once, whatever the holdoff.
kill -USR1 $fr
wait_files /tmp/fr 2
nd_stop $fr
assert_contains /tmp/fr.err "SIGUSR1 fired" "SIGUSR1 wrote a file"

# 2. A counter trigger, read in the server's namespace.
"$ND_CTL" record --ring 10 --netns srv --proto udp --trigger counter=UdpNoPorts+20/3 -o /tmp/fc 2>/tmp/fc.err &
fc=$!
nd_wait_capturing 1
sleep 1
udp c8 10.0.0.3 9999 5 >/dev/null
sleep 1.5
assert_eq "$(files /tmp/fc)" 0 "5 drops do not fire counter=UdpNoPorts+20/3"
udp c8 10.0.0.3 9999 25 >/dev/null
wait_files /tmp/fc 1
nd_stop $fc
"$ND_CTL" report /tmp/fc/netdrop-flight-*.ndr --json >/tmp/fc.json 2>/dev/null
assert_ge "$(json_count /tmp/fc.json dport=9999)" 25 "the counter's file holds the jump's drops"

# 3. A memory budget smaller than the window: what it holds plus what it
# lost is every drop of the window.
"$ND_CTL" record --ring 60 --ring-mb 1 --netns srv --proto udp --snaplen 256 -o /tmp/fm 2>/tmp/fm.err &
fm=$!
nd_wait_capturing 1
kstat_snap srv /tmp/m.before
udp c8 10.0.0.3 9999 3000 --size 400 >/dev/null
sleep 1
kstat_snap srv /tmp/m.after
kill -USR1 $fm
wait_files /tmp/fm 1
nd_stop $fm
"$ND_CTL" report /tmp/fm/netdrop-flight-*.ndr --json >/tmp/fm.json 2>/tmp/fm2.err
cat /tmp/fm2.err
held=$(json_count /tmp/fm.json)
lost=$(sed -n 's/.* records, \([0-9]*\) lost in the window.*/\1/p' /tmp/fm2.err)
sent=$(kstat_delta /tmp/m.before /tmp/m.after UdpNoPorts)
assert_eq "$sent" 3000 "UdpNoPorts: 3000"
assert_ge "${lost:-0}" 1 "the 1 MiB budget lost some of the window"
assert_eq "$((held + ${lost:-0}))" "$sent" "held + lost in the window = UdpNoPorts ($held + ${lost:-?})"
