#!/bin/bash
# Hook attribution keeps up with hooks registered after capture started:
# the security module is loaded while stream runs, then unloaded and
# loaded again.
. "$ND_TOP/tests/e2e/lib.sh"
nd_load
mk_scenario1
"$ND_CTL" stream --src 10.0.2.8 --json >/tmp/s.json 2>/dev/null &
pid=$!
nd_wait_capturing 1
nd_load_fixture block_src=10.0.2.8
sleep 2
ip netns exec c8 ping -c 2 -i 0.3 -W 1 10.0.0.3 >/dev/null && fail "10.0.2.8 pings"
rmmod resguard_linux || fail "rmmod fixture"
ip netns exec c8 ping -c 1 -W 2 10.0.0.3 >/dev/null || fail "10.0.2.8 cannot ping without the module"
nd_load_fixture block_src=10.0.2.8
sleep 2
ip netns exec c8 ping -c 1 -W 1 10.0.0.3 >/dev/null && fail "10.0.2.8 pings"
sleep 0.5
nd_stop $pid
assert_eq "$(nf_drops /tmp/s.json)" 3 "3 echo requests dropped"
python3 "$ND_TOOLS/jsoncheck.py" hook /tmp/s.json function=net_hook_in_v4 module=resguard_linux ||
	fail "each one attributed, across module load, unload and reload"
echo "ok: attributed to net_hook_in_v4 [resguard_linux] across load, unload and reload"
