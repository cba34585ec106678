#!/bin/bash
# status/reasons, errors users hit, unload rules, and access control.
. "$ND_TOP/tests/e2e/lib.sh"

note "module not loaded"
"$ND_CTL" stream >/tmp/o 2>&1
assert_eq "$?" 1 "exit status without the module"
assert_contains /tmp/o "not loaded" "says the module is not loaded"
assert_contains /tmp/o "insmod" "says how to load it"

nd_load
"$ND_CTL" status >/tmp/status || fail "status"
cat /tmp/status
# The kernel's own event format says which prototype the probe must have.
fmt=/sys/kernel/tracing/events/skb/kfree_skb/format
want=2
grep -q 'field:.* reason;' $fmt && want=3
grep -q 'field:.* rx_sk;' $fmt && want=4
assert_contains /tmp/status "with $want arguments" "tracepoint prototype chosen by the compile probe"
"$ND_CTL" reasons >/tmp/reasons || fail "reasons"
if [ $want -ge 3 ]; then
	assert_contains /tmp/reasons " NO_SOCKET$" "reason names come from the kernel"
	assert_contains /tmp/reasons " NETFILTER_DROP$" "NETFILTER_DROP is known"
else
	assert_eq "$(wc -l </tmp/reasons)" 1 "no drop reasons: one line"
	assert_contains /tmp/reasons "no drop reasons" "reasons says this kernel has none"
	"$ND_CTL" stream --reason NO_SOCKET >/tmp/o 2>&1
	assert_eq "$?" 2 "--reason without drop reasons exits 2"
	assert_eq "$(wc -l </tmp/o)" 1 "--reason without drop reasons: one line"
	assert_contains /tmp/o "no drop reasons" "--reason says why"
	"$ND_CTL" summary --by reason --duration 1 >/tmp/o 2>&1
	assert_eq "$?" 2 "summary --by reason without drop reasons exits 2"
	assert_contains /tmp/o "no drop reasons" "summary --by reason says why"
fi

note "bad input: exit 2, one line naming the value"
if nd_has_reasons; then
	"$ND_CTL" stream --reason NO_SUCH_REASON >/tmp/o 2>&1
	assert_eq "$?" 2 "unknown reason exits 2"
	assert_contains /tmp/o "NO_SUCH_REASON" "names the bad reason"
fi
"$ND_CTL" stream --netns /nonexistent >/tmp/o 2>&1
assert_eq "$?" 2 "bad netns exits 2"
"$ND_CTL" stream --func no_such_function_xyz >/tmp/o 2>&1
assert_eq "$?" 2 "unknown function exits 2"

note "cannot unload while a session is open"
"$ND_CTL" stream >/dev/null 2>&1 &
pid=$!
nd_wait_capturing 1
rmmod netdrop 2>/dev/null && fail "rmmod succeeded with a session open"
echo "ok: rmmod refused while in use"
nd_stop $pid
nd_unload
echo "ok: unloaded after the last session closed"

note "non-root cannot open the device"
nd_load
setpriv --reuid=65534 --regid=65534 --clear-groups "$ND_CTL" status >/tmp/o 2>&1
assert_eq "$?" 1 "nobody: exit 1"
assert_contains /tmp/o "needs root or CAP_NET_ADMIN" "nobody: says why"
chmod 0666 /dev/netdrop
setpriv --reuid=65534 --regid=65534 --clear-groups "$ND_CTL" status >/tmp/o 2>&1
assert_eq "$?" 1 "mode 0666 but no CAP_NET_ADMIN: still refused"
chmod 0600 /dev/netdrop

note "without CAP_SYSLOG (cannot read kallsyms addresses): no kernel addresses"
setpriv --bounding-set=-syslog "$ND_CTL" stream --stack >/tmp/o 2>&1
assert_eq "$?" 1 "--stack refused without CAP_SYSLOG"
assert_contains /tmp/o "Operation not permitted" "says why"
setpriv --bounding-set=-syslog "$ND_CTL" stream --dport 7777 --json >/tmp/na.json 2>/dev/null &
pid=$!
"$ND_CTL" stream --dport 7777 --json >/tmp/a.json 2>/dev/null &
pid2=$!
nd_wait_capturing 2
"$ND_TOP/build/tests/e2e/udpsend" 127.0.0.1 7777 2 >/dev/null
sleep 0.5
nd_stop $pid
nd_stop $pid2
assert_eq "$(json_count /tmp/na.json location=0x0 reason=$(R NO_SOCKET))" 2 "records carry no address"
assert_eq "$(json_count /tmp/a.json function=$(udp4_fn))" 2 "with CAP_SYSLOG they do"

note "a closed pipe ends netdropctl quietly"
"$ND_CTL" stream --dport 7778 --json 2>/tmp/pipe.err | head -n 1 >/tmp/head.out &
nd_wait_capturing 1
# Drops keep coming until netdropctl writes into the closed pipe: on a slow
# guest the first ones can all be written before head exits.
for i in $(seq 1 60); do
	"$ND_TOP/build/tests/e2e/udpsend" 127.0.0.1 7778 1 >/dev/null
	pgrep -f 'stream --dport 7778' >/dev/null || break
	sleep 0.5
done
pgrep -f 'stream --dport 7778' >/dev/null && fail "netdropctl still running 30 s after head closed the pipe"
wait
assert_eq "$(wc -l </tmp/head.out)" 1 "head got its line"
assert_eq "$(wc -c </tmp/pipe.err)" 0 "no error on the closed pipe"
