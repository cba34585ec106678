#!/bin/bash
# A BPF netfilter program (BPF_PROG_TYPE_NETFILTER, 6.4+) linked to ipv4
# local-in through a BPF link: dump-hooks lists it as a bpf hook, and every
# packet it drops is recorded naming that hook, as many as the kernel's own
# run_cnt of the program says it ran on.  Where the module's compile probe
# found no BPF netfilter hooks, the kernel must have no BPF netfilter links.
. "$ND_TOP/tests/e2e/lib.sh"
nd_load
mk_server
mk_client c7 10.0.2.7
udp c7 10.0.0.3 9999 1 >/dev/null	# neighbours resolved before the link
if [ "$(modinfo -F bpf_hooks "$ND_MODDIR/netdrop.ko")" = yes ]; then
	sysctl -qw kernel.bpf_stats_enabled=1 || fail "kernel.bpf_stats_enabled"
	rm -f /tmp/bpf.ready
	ip netns exec srv "$ND_TOP/build/tests/e2e/bpfnf" ipv4 local-in -7 drop /tmp/bpf.ready >/tmp/bpf.out 2>&1 &
	bp=$!
	for _ in $(seq 100); do
		[ -e /tmp/bpf.ready ] || ! kill -0 $bp 2>/dev/null && break
		sleep 0.1
	done
	[ -e /tmp/bpf.ready ] || { cat /tmp/bpf.out; fail "bpfnf: no BPF netfilter link"; }
	"$ND_CTL" dump-hooks --netns srv --hook local-in --json >/tmp/h-bpf.json || fail "dump-hooks"
	assert_eq "$(json_count /tmp/h-bpf.json family=ipv4 hook=local-in type=bpf priority=-7)" 1 \
		"dump-hooks: the BPF program's hook, priority -7"
	"$ND_CTL" stream --netns srv --dport 7630 --json >/tmp/bpf.json 2>/dev/null &
	pb=$!
	nd_wait_capturing 1
	udp c7 10.0.0.3 7630 6 >/dev/null
	sleep 1
	nd_stop $pb
	kill -INT $bp
	wait $bp || { cat /tmp/bpf.out; fail "bpfnf"; }
	cat /tmp/bpf.out
	sysctl -qw kernel.bpf_stats_enabled=0
	run=$(sed -n 's/^run_cnt //p' /tmp/bpf.out)
	assert_eq "$run" 6 "the BPF program ran on the 6 datagrams (its run_cnt)"
	assert_eq "$(json_count /tmp/bpf.json dport=7630)" "$run" "netdrop: a drop for every packet the program ran on"
	python3 "$ND_TOOLS/jsoncheck.py" hook /tmp/bpf.json family=ipv4 hook=local-in priority=-7 type=bpf ||
		fail "every drop names the BPF program's hook"
	echo "ok: every drop names the BPF hook (ipv4 local-in, priority -7)"
else
	# The module's compile probe said no: the kernel must have no BPF
	# netfilter links either, or the probe misled.
	grep -q ' bpf_nf_link_attach$' /proc/kallsyms &&
		fail "$ND_KVER has BPF netfilter links (bpf_nf_link_attach) but the module was built without them"
	echo "ok: $ND_KVER has no BPF netfilter links (the module's probe and kallsyms agree)"
fi
