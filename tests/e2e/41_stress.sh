#!/bin/bash
# needs: smp (the fuzzer closes fds from a second thread; the storm runs on every CPU)
# timeout: 1200 (the KASAN test kernel under TCG)
# Stress (issue 7): a drop storm (one UDP flooder per CPU at a closed port)
# while 4 workers open sessions, pick 8 KiB or 64 KiB rings, filter on
# ports of their own, enable, start readers that get SIGKILLed mid-read,
# switch filters while enabled, disable and close, for ND_STRESS_SECONDS
# (default 20); a fifth session records everything on 8 KiB rings.  Each
# worker checks, every iteration, that recorded + lost equals the
# datagrams it sent to the ports it filtered while enabled (exact: nothing
# else sends there), and the fifth that seen = filtered + recorded + lost.
# Then the module is loaded, used and unloaded ND_RELOAD_TIMES times
# (default 20; make stress: 100) under the storm.  The guest's dmesg check
# fails the scenario on any kernel report.
. "$ND_TOP/tests/e2e/lib.sh"
secs=${ND_STRESS_SECONDS:-20}
times=${ND_RELOAD_TIMES:-20}
nd_load
assert_ge "$(nproc)" 2 "CPUs online (a 1-CPU guest would race nothing)"
"$ND_TOP/build/tests/e2e/ndstress" churn "$secs" 4 >/tmp/churn.out 2>&1
rc=$?
cat /tmp/churn.out
assert_eq "$rc" 0 "every session's recorded + lost equalled its matching drops"
assert_eq "$(grep -c '^worker .* sessions' /tmp/churn.out)" 4 "4 workers reported"
killed=$(sed -n 's/.* \([0-9]*\) readers killed.*/\1/p' /tmp/churn.out | awk '{s += $1} END {print s + 0}')
assert_ge "$killed" 1 "readers were SIGKILLed mid-read"
lost=$(sed -n 's/.*(\([0-9]*\) lost).*/\1/p' /tmp/churn.out | awk '{s += $1} END {print s + 0}')
echo "records lost on purpose-small rings: $lost"

"$ND_CTL" status --json >/tmp/status.json || fail "status"
assert_eq "$(jq '.nr_sessions' /tmp/status.json)" 1 "no session outlived its worker"
nd_unload

note "load, capture, unload $times times under the storm"
"$ND_TOP/build/tests/e2e/ndstress" reload "$times" "$ND_MODDIR/netdrop.ko" >/tmp/reload.out 2>&1
rc=$?
cat /tmp/reload.out
assert_eq "$rc" 0 "every cycle captured exactly its 20 drops and unloaded"
lsmod | grep -q '^netdrop ' && fail "module left loaded"
echo "ok: module unloaded at the end"
