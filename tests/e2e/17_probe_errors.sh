#!/bin/bash
# Errors are not swallowed (issue 14): when the reset kprobes or hook
# attribution cannot start (module parameter fault_inject, tests only),
# ENABLE fails and leaves nothing enabled, SET_FILTER on an enabled session
# fails and keeps the old filter, and netdropctl says why and exits 1.
. "$ND_TOP/tests/e2e/lib.sh"
chk=$ND_TOP/build/tests/e2e/ndcheck
nd_load
param=/sys/module/netdrop/parameters/fault_inject
[ -w $param ] || fail "no $param"

note "the reset kprobes cannot be registered"
echo 1 >$param
"$chk" enable 3 0 >/tmp/o || fail "ndcheck"
cat /tmp/o
assert_contains /tmp/o "enable: ENOENT" "ENABLE for drops and resets fails"
assert_contains /tmp/o "enabled: 0" "and leaves no session enabled"
"$chk" refilter 3 0 >/tmp/o || fail "ndcheck"
cat /tmp/o
assert_contains /tmp/o "set_filter: ENOENT" "asking an enabled session for resets fails"
assert_contains /tmp/o "events: 1 options: 0 enabled: 1" "the session keeps its drops-only filter, enabled"
"$ND_CTL" stream --events reset --count 1 >/tmp/o 2>&1
assert_eq "$?" 1 "stream --events reset exits 1"
cat /tmp/o
assert_contains /tmp/o "could be probed" "and says the reset functions could not be probed"
[ "$(wc -l </tmp/o)" = 1 ] || fail "one line of error, not $(wc -l </tmp/o)"

note "hook attribution cannot start"
echo 2 >$param
"$chk" enable 1 2 >/tmp/o || fail "ndcheck"
cat /tmp/o
assert_contains /tmp/o "enable: EIO" "ENABLE with hook attribution fails"
assert_contains /tmp/o "enabled: 0" "and leaves no session enabled"
"$chk" refilter 1 2 >/tmp/o || fail "ndcheck"
cat /tmp/o
assert_contains /tmp/o "set_filter: EIO" "asking an enabled session for hooks fails"
assert_contains /tmp/o "events: 1 options: 0 enabled: 1" "the session keeps its filter"
"$ND_CTL" stream --count 1 >/tmp/o 2>&1
assert_eq "$?" 1 "stream (hooks by default) exits 1"
assert_contains /tmp/o "hook attribution could not start" "and says why"

note "no faults: both work, and nothing was left registered"
echo 0 >$param
"$chk" enable 3 2 >/tmp/o || fail "ndcheck"
cat /tmp/o
assert_contains /tmp/o "enable: ok" "ENABLE with resets and hooks works"
"$ND_CTL" status --json >/tmp/s.json || fail "status"
assert_eq "$(jq '.nr_enabled' /tmp/s.json)" 0 "no session left enabled"
nd_unload
