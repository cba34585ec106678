#!/bin/bash
# Reproducer for the QEMU multi-threaded TCG problem described in
# vm-run.sh; runs in a guest, needs no netdrop.  One UDP flooder per CPU
# runs through the skb:kfree_skb tracepoint while ftrace enables and
# disables it 300 times.
#   ND_TCG_THREAD=multi ND_GUEST_CPUS=2 scripts/vm-run.sh -k 6.12.117+deb12-amd64 \
#       -- bash scripts/repro-mttcg-textpoke.sh     # Oops: int3 (6.1: RCU stall)
#   ND_GUEST_CPUS=2 scripts/vm-run.sh -k ... -- bash scripts/repro-mttcg-textpoke.sh
#                                                   # single-threaded: no report
top=$(cd "$(dirname "$0")/.." && pwd)
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
for c in $(seq 0 $(($(nproc) - 1))); do
	taskset -c "$c" "$top/build/tests/e2e/udpsend" 127.0.0.1 9 100000000 >/dev/null 2>&1 &
done
sleep 1
for i in $(seq 1 300); do
	echo 1 >/sys/kernel/tracing/events/skb/kfree_skb/enable
	echo 0 >/sys/kernel/tracing/events/skb/kfree_skb/enable
done
echo "toggled 300 times"
