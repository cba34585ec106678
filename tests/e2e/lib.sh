# Helpers for e2e scenarios.  Sourced inside the guest by each scenario.
# Environment (set by run-in-guest.sh): ND_TOP, ND_KVER, ND_MODDIR.
set -u
ND_CTL=${ND_CTL:-$ND_TOP/build/userspace/netdropctl}
ND_TOOLS=$ND_TOP/tests/e2e/tools
export PYTHONDONTWRITEBYTECODE=1

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

note() {
	echo "--- $*"
}

assert_eq() {
	[ "$1" = "$2" ] || fail "$3: expected '$2', got '$1'"
	echo "ok: $3 ($1)"
}

assert_ge() {
	[ "$1" -ge "$2" ] || fail "$3: expected >= $2, got $1"
	echo "ok: $3 ($1 >= $2)"
}

assert_contains() {
	grep -q -- "$2" "$1" || { cat "$1" >&2; fail "$3: '$2' not found in $1"; }
	echo "ok: $3"
}

assert_not_contains() {
	! grep -q -- "$2" "$1" || { cat "$1" >&2; fail "$3: '$2' found in $1"; }
	echo "ok: $3"
}

# Whether this kernel's kfree_skb tracepoint has drop reasons (5.10's has
# two arguments and none).  Decided by the module's compile probe.
# (Read once per scenario: R calls it for every reason it names.)
ND_TP_NARGS=$(modinfo -F tp_nargs "$ND_MODDIR/netdrop.ko" 2>/dev/null)
nd_has_reasons() {
	[ "${ND_TP_NARGS:-0}" -ge 3 ]
}

# A drop reason as records carry it: NAME, or "" where the kernel has no
# drop reasons.  json_count F reason=$(R NO_SOCKET)
R() {
	nd_has_reasons && echo "$1"
	return 0
}

# The same in text output, where a missing reason is "-".
R_text() {
	nd_has_reasons && echo "$1" || echo -
}

# nf_drops FILE: records of packets netfilter dropped: reason
# NETFILTER_DROP, or where the kernel has no drop reasons (5.10), dropped
# in nf_hook_slow or nf_tables' nft_do_chain (7.x drops there itself).
nf_drops() {
	if nd_has_reasons; then
		json_count "$1" reason=NETFILTER_DROP
	else
		jq -c 'select(.function == "nf_hook_slow" or .function == "nft_do_chain")' "$1" | wc -l
	fi
}

# The function UDP drops a datagram for a closed port in: __udp4_lib_rcv,
# or udp_rcv where the compiler inlined it (7.x); the same for IPv6.
# nd_kallsyms_cached NAME PATTERN FOUND OTHERWISE [built-in]: FOUND if
# /proc/kallsyms has PATTERN, else OTHERWISE.  The answer is kept in /tmp
# (the guest's) for its later scenarios, since grepping /proc/kallsyms
# takes a second under TCG; OTHERWISE only for built-in code, as ipv6.ko
# may load later.
nd_kallsyms_cached() {
	local cache=/tmp/.nd-kallsyms-$1 pattern=$2 found=$3 otherwise=$4
	if [ -s "$cache" ]; then
		echo "$(<"$cache")"
	elif grep -q "$pattern" /proc/kallsyms; then
		echo "$found" | tee "$cache"
	elif [ "${5:-}" = built-in ]; then
		echo "$otherwise" | tee "$cache"
	else
		echo "$otherwise"
	fi
}

udp4_fn() {
	nd_kallsyms_cached udp4 ' __udp4_lib_rcv$' __udp4_lib_rcv udp_rcv built-in
}

udp6_fn() {
	nd_kallsyms_cached udp6 ' __udp6_lib_rcv\( \[ipv6\]\)\?$' __udp6_lib_rcv udpv6_rcv
}

nd_load() {
	lsmod | grep -q '^netdrop ' && return 0
	insmod "$ND_MODDIR/netdrop.ko" "$@" || fail "insmod netdrop.ko"
	[ -c /dev/netdrop ] || fail "/dev/netdrop missing after insmod"
}

nd_unload() {
	lsmod | grep -q '^netdrop ' || return 0
	rmmod netdrop || fail "rmmod netdrop"
}

# Waits until N sessions capture (a stream started in the background is
# ready once it enabled its session).
# (One program started per try, none for the loop or the parse: starting
# a program is what guests spend their time on, a second each on 5.10.)
nd_wait_capturing() {
	local want=$1 i st re='([0-9]+) capturing'
	for ((i = 0; i < 100; i++)); do
		st=$("$ND_CTL" status 2>/dev/null)
		[[ $st =~ $re ]] && [ "${BASH_REMATCH[1]}" -ge "$want" ] && return 0
		sleep 0.1
	done
	fail "no $want capturing sessions after 100 tries"
}

# Stops a background netdropctl with SIGINT and waits for it.
nd_stop() {
	kill -INT "$1" 2>/dev/null
	wait "$1"
}

# A server namespace "srv" (10.0.0.3/24, fd00::3/64) reached from client
# namespaces through one bridge namespace "br".  Clients: mk_client NAME IP [IP6]
mk_server() {
	ip netns add br
	ip -n br link add br0 type bridge
	ip -n br link set br0 up
	ip netns add srv
	ip link add eth0 netns srv type veth peer name p-srv netns br
	ip -n br link set p-srv master br0 up
	ip -n srv addr add 10.0.0.3/16 dev eth0
	ip -n srv addr add fd00::3/64 dev eth0 nodad
	ip -n srv link set eth0 up
	ip -n srv link set lo up
}

mk_client() {
	local name=$1 addr=$2 addr6=${3:-}
	ip netns add "$name"
	ip link add eth0 netns "$name" type veth peer name "p-$name" netns br
	ip -n br link set "p-$name" master br0 up
	ip -n "$name" addr add "$addr/16" dev eth0
	[ -n "$addr6" ] && ip -n "$name" addr add "$addr6/64" dev eth0 nodad
	ip -n "$name" link set eth0 up
	ip -n "$name" link set lo up
}

# udp NS DST PORT COUNT [--sport N] [--size N]
udp() {
	local ns=$1
	shift
	ip netns exec "$ns" "$ND_TOP/build/tests/e2e/udpsend" "$@"
}

# Counter from /proc/net/snmp in a namespace: snmp NS Udp NoPorts
snmp() {
	ip netns exec "$1" awk -v t="$2:" -v k="$3" '
		$1 == t && !hdr { for (i = 2; i <= NF; i++) col[$i] = i; hdr = 1; next }
		$1 == t && hdr { print $col[k]; exit }' /proc/net/snmp
}

# The kernel's own counters of a namespace, read directly (not through
# netdropctl): kstat_snap NS FILE, then kstat_delta BEFORE AFTER NAME, NAME
# as nstat spells it (IpInReceives, TcpExtTCPTimeouts, Udp6NoPorts).  A
# counter the kernel does not have fails the scenario, never reads as 0.
kstat_snap() {
	ip netns exec "$1" cat /proc/net/snmp /proc/net/netstat /proc/net/snmp6 >"$2"
}

kstat_delta() {
	awk -v want="$3" -f "$ND_TOOLS/kstatdelta.awk" "$1" "$2" || fail "counter $3"
}

# json_count FILE [KEY=VALUE ...]: records whose KEY (as text) is VALUE
json_count() {
	local file=$1 expr=true c
	shift
	for c in "$@"; do
		expr="$expr and ((.${c%%=*} | tostring) == \"${c#*=}\")"
	done
	# One program: jq counts (a line that is not JSON fails the count).
	jq -n "[inputs | select($expr)] | length" "$file"
}

nd_load_fixture() {
	insmod "$(dirname "$ND_MODDIR")/tests/fixtures/resguard_linux.ko" "$@" || fail "insmod resguard_linux.ko"
}

# Scenario 1's network: server 10.0.0.3, clients 10.0.2.7 and 10.0.2.8,
# iptables accepting both, a TCP service on 20202.
mk_scenario1() {
	mk_server
	mk_client c7 10.0.2.7
	mk_client c8 10.0.2.8
	ip netns exec srv iptables -A INPUT -s 10.0.2.7 -j ACCEPT || fail "iptables"
	ip netns exec srv iptables -A INPUT -s 10.0.2.8 -j ACCEPT
	ip netns exec srv sh -c 'nc -l -k -p 20202 >/dev/null 2>&1 &'
	sleep 0.3
}

# tcp_ok NS DST PORT: a TCP connection from NS succeeds
tcp_ok() {
	ip netns exec "$1" python3 -c "
import socket, sys
s = socket.socket()
s.settimeout(float(sys.argv[3]) if len(sys.argv) > 3 else 3)
s.connect((sys.argv[1], int(sys.argv[2])))
" "$2" "$3" ${4:-}
}

# The kernel's own count of the tracepoint netdrop attaches to, over a
# window: a tracefs hist trigger on skb:kfree_skb keyed by location (and
# reason where the event has one).  Where the kernel has no hist triggers
# (Debian's 5.10), the event itself is traced and counted: a total, since
# 5.10 prints the location as a hashed pointer (ND_HIST_KIND=events).
# hist_setup, then per window hist_begin and hist_end FILE (the window's
# edges in HIST_T0/HIST_T1, epoch seconds, for histcmp.py), then
# hist_teardown.
ND_TRACEFS=/sys/kernel/tracing
ND_EV=$ND_TRACEFS/events/skb/kfree_skb
hist_setup() {
	local keys=location.sym
	[ -d $ND_TRACEFS/events ] || mount -t tracefs nodev $ND_TRACEFS 2>/dev/null
	[ -e $ND_EV/enable ] || fail "$ND_KVER has no skb:kfree_skb event in tracefs"
	if [ ! -e $ND_EV/hist ]; then
		ND_HIST_KIND=events
		echo "$ND_KVER has no hist triggers: the kfree_skb events are counted from the trace buffer"
		echo 8192 >$ND_TRACEFS/buffer_size_kb || fail "trace buffer size"
		return 0
	fi
	ND_HIST_KIND=hist
	grep -q 'field:.* reason;' $ND_EV/format && keys=location.sym,reason
	ND_HIST="hist:keys=$keys:vals=hitcount:sort=hitcount:size=4096"
	echo "$ND_HIST:pause" >>$ND_EV/trigger || fail "hist trigger"
}

hist_begin() {
	if [ $ND_HIST_KIND = events ]; then
		: >$ND_TRACEFS/trace
		echo 1 >$ND_EV/enable || fail "enable skb:kfree_skb"
	else
		echo "$ND_HIST:clear" >>$ND_EV/trigger || fail "hist clear"
		echo "$ND_HIST:cont" >>$ND_EV/trigger
	fi
	HIST_T0=$EPOCHREALTIME
}

hist_end() {
	local inbuf written
	HIST_T1=$EPOCHREALTIME
	if [ $ND_HIST_KIND = hist ]; then
		echo "$ND_HIST:pause" >>$ND_EV/trigger
		cat $ND_EV/hist >"$1"
		return 0
	fi
	echo 0 >$ND_EV/enable
	cat $ND_TRACEFS/trace >"$1.trace"
	read -r inbuf written < <(sed -n 's|^# entries-in-buffer/entries-written: \([0-9]*\)/\([0-9]*\).*|\1 \2|p' "$1.trace")
	[ -n "$written" ] && [ "$inbuf" = "$written" ] || fail "the trace buffer lost events ($inbuf of $written kept)"
	echo "events $(grep -c ' kfree_skb: ' "$1.trace")" >"$1"
}

hist_teardown() {
	[ $ND_HIST_KIND = hist ] && echo "!$ND_HIST" >>$ND_EV/trigger
	return 0
}
