#!/bin/bash
# needs: smp (the fuzzer closes fds from a second thread; the storm runs on every CPU)
# timeout: 1200 (the KASAN test kernel under TCG)
# Hostile input for /dev/netdrop (issue 7): ND_FUZZ_CALLS (default 100000)
# random ioctls (numbers, sizes, NULL/kernel/unmapped/straddling pointers,
# random requests), mmaps (wrong offsets and sizes, PROT_WRITE on data and
# control pages), absurd consumer positions, enable/disable, poll,
# read/write, and fds closed under the other thread, while a child floods a
# closed port.  The guest's dmesg check fails the scenario on any kernel
# report; devfuzz itself fails if a data or control page ever maps writable.
. "$ND_TOP/tests/e2e/lib.sh"
calls=${ND_FUZZ_CALLS:-100000}
calls=${calls:-100000}
nd_load
assert_ge "$(nproc)" 2 "CPUs online (a 1-CPU guest would race nothing)"
note "GET_SESSIONS with rows shorter than nr_cpu_ids: nothing written past them"
"$ND_TOP/build/tests/e2e/ndcheck" stride >/tmp/stride.out
rc=$?
cat /tmp/stride.out
assert_eq "$rc" 0 "the caller's row length is the stride"
seed=$(date +%s)
echo "seed $seed"
"$ND_TOP/build/tests/e2e/devfuzz" "$calls" "$seed" >/tmp/fuzz.out 2>&1
rc=$?
cat /tmp/fuzz.out
assert_eq "$rc" 0 "devfuzz ran to the end with every invariant holding"
done=$(sed -n 's/^calls //p' /tmp/fuzz.out)
assert_ge "$done" "$calls" "calls made"
assert_contains /tmp/fuzz.out "errno Inappropriate ioctl for device" "unknown ioctls were refused"
assert_contains /tmp/fuzz.out "errno Bad address" "bad pointers were refused"
assert_contains /tmp/fuzz.out "errno Invalid argument" "bad arguments were refused"

note "every session the fuzzer opened is gone"
"$ND_CTL" status --json >/tmp/status.json || fail "status"
assert_eq "$(jq '.nr_sessions' /tmp/status.json)" 1 "only status's own session is open"
assert_eq "$(jq '.nr_enabled' /tmp/status.json)" 0 "nothing is capturing"
nd_unload
echo "ok: module unloads after the fuzzer"
