#!/bin/bash
# Proves each compile probe of kmod/conftest/ compiles on the kernels where
# its feature exists, and not where it does not: what build-kmod.sh's
# probe module (tests/conftest) reported against what the kernel's own
# headers declare (grep).  A probe that can never compile would make the
# build fall back without a word; this fails instead.
#   conftest-check.sh KVER...   PASS/FAIL lines to build/results/conftest.txt
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
. "$here/matrix.sh"
. "$here/results.sh"
results_init conftest

# has FILE PATTERN: the header declares it (extended regex).
has() { [ -f "$inc/$1" ] && grep -Eq -- "$2" "$inc/$1"; }

expect() {
	case $1 in
	kfree_skb_4c) has trace/events/skb.h 'const struct sock \*rx_sk' ;;
	kfree_skb_4) has trace/events/skb.h 'struct sock \*rx_sk' && ! has trace/events/skb.h 'const struct sock \*rx_sk' ;;
	kfree_skb_3) has trace/events/skb.h 'enum skb_drop_reason reason' && ! has trace/events/skb.h 'rx_sk' ;;
	kfree_skb_2) ! has trace/events/skb.h 'skb_drop_reason' ;;
	kfree_skb_reason) has linux/skbuff.h 'kfree_skb_reason\(' ;;
	drop_reasons) has net/dropreason.h 'const drop_reasons\[\]' ;;
	drop_reasons_by_subsys) has net/dropreason.h 'drop_reasons_by_subsys\[' ;;
	nf_hook_op_bpf) has linux/netfilter.h 'NF_HOOK_OP_BPF' ;;
	nf_hook_ops_type) has linux/netfilter.h 'hook_ops_type' ;;
	get_kretprobe) has linux/kprobes.h 'struct kretprobe \*get_kretprobe\(' ;;
	rst_reason) [ -f "$inc/net/rstreason.h" ] ;;
	vm_flags_set) has linux/mm.h 'void vm_flags_set\(' ;;
	nft_rule_blob) has net/netfilter/nf_tables.h 'blob_gen_0' ;;
	nft_rule_array) has net/netfilter/nf_tables.h 'rules_gen_0' && has net/netns/nftables.h 'gencursor' ;;
	# Every matrix kernel has CONFIG_NF_CONNTRACK (the probe #errors
	# without it): a kernel without would fail here, loudly.
	nf_conntrack) has net/netfilter/nf_conntrack.h 'nf_ct_get\(' &&
		has net/netfilter/nf_conntrack.h 'tuplehash\[IP_CT_DIR_MAX\]' &&
		has net/netfilter/nf_conntrack_tuple.h 'u_int8_t protonum' ;;
	tcp_orphan_count) has net/tcp.h 'DECLARE_PER_CPU\(unsigned int, tcp_orphan_count\)' ;;
	*) return 2 ;;
	esac
}

for k in "$@"; do
	log=$top/build/kmod/$k/build.log
	inc=$(netdrop_kernel_include "$k" "$log")
	if [ -z "$inc" ]; then
		result FAIL "$k/probes-reported (no probe report in $log)"
		continue
	fi
	n=0
	while read -r _ name got; do
		n=$((n + 1))
		expect "$name"
		case $? in
		0) want=y ;;
		1) want=n ;;
		*) result FAIL "$k/$name (no expectation for this probe in conftest-check.sh)"; continue ;;
		esac
		[ "$got" = "$want" ] && result PASS "$k/$name" ||
			result FAIL "$k/$name (compiled: $got, the headers say: $want)"
	done < <(grep '^nd-probe ' "$log")
	[ "$n" -ge 13 ] && result PASS "$k/every-probe-reported" || result FAIL "$k/every-probe-reported ($n)"
done
! grep -q '^FAIL' "$results"
