#!/bin/bash
# timeout: 900 (the KASAN test kernel under TCG)
# The traffic zoo: the variety of drops a real host sees, while netdrop
# records everything.  netdrop once panicked on UDP datagrams freed unread
# (once queued, skb->dev aliases UDP's dev_scratch) because the old
# scenarios only dropped datagrams at a closed port; here every kind of skb
# the kernel frees goes through the probe: sockets closed with unread data
# (UDP v4/v6, GRO-merged UDP, error queues, TCP, unix, netlink, packet,
# raw), bridged (br_netfilter), NATed, tunnelled, VLAN-tagged and
# fragmented packets, qdisc, neighbour, forwarding and rp_filter drops, a
# device and a namespace deleted with packets in flight.  Each kind runs in
# namespaces of its own (zoo-*), so that records are attributed by their
# netns inode, every round for ND_ZOO_SECONDS (default 60, at least two
# rounds).  Meanwhile two sessions record everything, a third filters on a
# namespace that is deleted while it runs, and a loop enables and disables
# a fourth (probes come and go under traffic).  The guest's dmesg check
# fails the scenario on any kernel report.
# ND_ZOO_SKIP="kind ..." leaves kinds out (debugging only; reported).
. "$ND_TOP/tests/e2e/lib.sh"
secs=${ND_ZOO_SECONDS:-60}
skip=" ${ND_ZOO_SKIP:-} "
ZOO=$ND_TOP/build/tests/e2e/zoo
[ -x "$ZOO" ] || fail "$ZOO not built"

# step CMD...: runs CMD and says how long it took (setup is costly).
step() {
	local t=${EPOCHREALTIME/./}
	"$@"
	echo "$1: $(((${EPOCHREALTIME/./} - t) / 1000)) ms"
}
# Debian kernels have these as modules; the test kernel has them built in
# and no module tree.
load_modules() {
	local rel
	read -r rel </proc/sys/kernel/osrelease
	[ -d "/lib/modules/$rel" ] || return 0
	modprobe -qa veth dummy bridge br_netfilter nf_conntrack iptable_nat iptable_filter \
		vxlan ip_gre ipip 8021q sch_netem sch_tbf 2>/dev/null
}

# Starting a process is what costs under TCG: namespaces are set up by ip
# batches, the traffic of a round is one zoo process where possible, and
# commands enter namespaces with nsenter (ip netns exec also makes a mount
# namespace and remounts /sys).
nx() {
	local ns=$1
	shift
	nsenter --net="/run/netns/zoo-$ns" "$@"
}
# ipb [NS]: ip commands from stdin, in zoo-NS or in the initial namespace.
# Fed by redirections, not pipes: fail must run in this shell.
ipb() {
	ip ${1:+-n "zoo-$1"} -b - || fail "ip batch ${1:-}"
}
# q NS COMMAND ARGS: queue a zoo command; flush runs the queue in one process.
batch=()
q() {
	local ns=$1
	shift
	batch+=(-n "zoo-$ns" "$@" +)
}
flush() {
	[ ${#batch[@]} = 0 ] && return
	"$ZOO" "${batch[@]}" || fail "zoo ${batch[*]}"
	batch=()
}
skipped() {
	case $skip in *" $1 "*) return 0 ;; esac
	return 1
}

# --- setup.  Every namespace exists before the sessions start and none but
# zoo-gone is deleted: records are attributed by inode, and a new namespace
# could reuse a freed inode.  The kinds that drop at their receiver share
# one sender, zoo-cli.
all_ns="udp recverr tcp unix nl pkt closed backlog raw br brb brc tun2 frag2 gro2 qd2
	neigh rtr rp del gone cli"
mac=02:00:00:00:44:02 # nobody's

# Namespaces and the devices that ip can place from here: one process.
setup_links() {
	local ns
	{
		for ns in $all_ns; do
			echo "netns add zoo-$ns"
		done
		cat <<-EOF
			link add br0 netns zoo-br type bridge
			link add zb0 netns zoo-cli type veth peer name pa netns zoo-br
			link add eth0 netns zoo-brb type veth peer name pb netns zoo-br
			link add zc0 netns zoo-br type veth peer name eth0 netns zoo-brc
			link add zt0 netns zoo-cli type veth peer name zt1 netns zoo-tun2
			link add zf0 netns zoo-cli type veth peer name zf1 netns zoo-frag2
			link add zg0 netns zoo-cli type veth peer name zg1 netns zoo-gro2
			link add zq0 netns zoo-cli type veth peer name zq1 netns zoo-qd2
			link add zq2 netns zoo-cli type veth peer name zq3 netns zoo-qd2
			link add zn0 netns zoo-neigh type veth peer name zn1 netns zoo-neigh
			link add zr0 netns zoo-cli type veth peer name zr1 netns zoo-rtr
			link add zr2 netns zoo-rtr type dummy
			link add zp0 netns zoo-cli type veth peer name zp1 netns zoo-rp
			link add zpd netns zoo-rp type dummy
			link add zw0 netns zoo-cli type veth peer name zw1 netns zoo-gone
			link add zx0 netns zoo-gone type veth peer name zx1 netns zoo-gone
			link add zy0 netns zoo-gone type veth peer name zy1 netns zoo-gone
		EOF
	} >/tmp/zoo-links
	ipb </tmp/zoo-links
	# Tunnels are made where their underlay is.
	ipb cli < <(tunnels zt0 1 2)
	ipb tun2 < <(tunnels zt1 2 1)
}

# tunnels DEV A B: vxlan, gre, ipip from 10.44.8.A to .B, and a VLAN on DEV
tunnels() {
	echo "link add zvx type vxlan id 44 local 10.44.8.$2 remote 10.44.8.$3 dstport 4789"
	echo "link add zgre type gre local 10.44.8.$2 remote 10.44.8.$3"
	echo "link add zipip type ipip local 10.44.8.$2 remote 10.44.8.$3"
	echo "link add link $1 name zvlan type vlan id 100"
}

# tunnel_addrs NS DEV A: the underlay and tunnel addresses .A
tunnel_addrs() {
	local d i=9
	q "$1" addr "$2" "10.44.8.$3/24"
	for d in zvx zgre zipip zvlan; do
		q "$1" addr $d "10.44.$i.$3/24"
		i=$((i + 1))
	done
}

# Addresses, routes, bridge ports, neighbours, sysctls: one zoo process.
setup_net() {
	local ns
	for ns in $all_ns; do
		q "$ns" up lo
	done
	# Bridge with br_netfilter (bridged packets see iptables FORWARD), and
	# routing out of zc0 with MASQUERADE; brc's ports are closed.
	q br addr br0 10.44.6.254/24
	q br master pa br0
	q br master pb br0
	q br addr zc0 10.44.7.1/24
	q br sysctl net.ipv4.ip_forward=1 net.bridge.bridge-nf-call-iptables=1
	q brb addr eth0 10.44.6.2/24
	q brc addr eth0 10.44.7.2/24
	q cli addr zb0 10.44.6.1/24
	q cli route 10.44.7.0/24 via 10.44.6.254
	# vxlan, gre, ipip and a VLAN over one veth.
	tunnel_addrs cli zt0 1
	tunnel_addrs tun2 zt1 2
	# Fragments: reassembly gives up after 1 s.
	q cli addr zf0 10.44.13.1/24
	q frag2 addr zf1 10.44.13.2/24
	q frag2 sysctl net.ipv4.ipfrag_time=1
	# GRO on the receiving veth (NAPI, no XDP needed; veth takes that path
	# only for packets from a peer without TSO).
	q cli addr zg0 10.44.14.1/24
	q cli ethtool zg0 tso off
	q gro2 addr zg1 10.44.14.2/24
	q gro2 ethtool zg1 gro on
	q cli addr zq0 10.44.17.1/24
	q cli addr zq2 10.44.18.1/24
	q qd2 addr zq1 10.44.17.2/24
	q qd2 addr zq3 10.44.18.2/24
	# An unresolved neighbour: the peer has no address, nobody answers ARP.
	q neigh addr zn0 10.44.19.1/24
	q neigh up zn1
	q neigh sysctl net.ipv4.neigh.zn0.unres_qlen_bytes=2000 net.ipv4.neigh.zn0.retrans_time_ms=200
	# A router: TTL 1 and hop limit 1 expire there (before its dummy),
	# 10.44.98.0/24 is unreachable.
	q cli addr zr0 10.44.20.1/24 fd44:20::1/64
	q cli route 10.44.21.0/24 via 10.44.20.254
	q cli route 10.44.98.0/24 via 10.44.20.254
	q cli route fd44:21::/64 via fd44:20::254
	q rtr addr zr1 10.44.20.254/24 fd44:20::254/64
	q rtr addr zr2 10.44.21.254/24 fd44:21::254/64
	q rtr route 10.44.98.0/24 unreachable
	q rtr sysctl net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
	# Strict rp_filter in rp: 10.44.16.0/24 routes back through a dummy.
	# ARP from 10.44.15.1, not from the spoofed source (rp_filter would
	# ignore the request).
	q cli addr zp0 10.44.15.1/24 10.44.16.5/32
	q cli sysctl net.ipv4.conf.zp0.arp_announce=2
	q rp addr zp1 10.44.15.2/24
	q rp addr zpd 10.44.16.1/24
	q rp sysctl net.ipv4.conf.all.rp_filter=1 net.ipv4.conf.zp1.rp_filter=1
	# zoo-gone: nobody has the neighbours' MAC, packets wait in netem.  It
	# forwards cli's packets to zy0, where they wait until it dies.
	q cli addr zw0 10.44.25.1/24
	q cli route 10.44.24.0/24 via 10.44.25.2
	q gone addr zw1 10.44.25.2/24
	q gone addr zx0 10.44.23.1/24
	q gone addr zy0 10.44.24.1/24
	q gone up zx1
	q gone up zy1
	q gone neigh zx0 10.44.23.2 $mac
	q gone neigh zy0 10.44.24.2 $mac
	q gone sysctl net.ipv4.ip_forward=1
	flush
}

setup_filters() {
	nx br iptables-restore <<-EOF || fail "iptables (FORWARD DROP, MASQUERADE, DNAT)"
		*filter
		-A FORWARD -p udp --dport 9 -j DROP
		COMMIT
		*nat
		-A POSTROUTING -o zc0 -j MASQUERADE
		-A PREROUTING -d 10.44.6.254 -p udp --dport 5000 -j DNAT --to-destination 10.44.7.2:5001
		-A PREROUTING -d 10.44.6.254 -p tcp --dport 5000 -j DNAT --to-destination 10.44.7.2:5001
		COMMIT
	EOF
	# Qdiscs: netem loses half, tbf overflows its tiny limit.  Packets sent
	# one by one reach GRO one by one: netem slots release them in bursts.
	tc -n zoo-cli -b - <<-EOF || fail "netem loss, tbf, netem slot"
		qdisc add dev zq0 root netem loss 50%
		qdisc add dev zq2 root tbf rate 100kbit burst 2k limit 3000
		qdisc add dev zg0 root netem slot 20ms 20ms
	EOF
	# The final ACKs of a second wave of handshakes must find the accept
	# queue full: delay every packet so that all its SYNs arrive first.
	tc -n zoo-backlog qdisc add dev lo root netem delay 50ms || fail "netem on lo"
	tc -n zoo-gone -b - <<-EOF || fail "netem on zx0, zy0"
		qdisc add dev zx0 root netem delay 1s
		qdisc add dev zy0 root netem delay 30s
	EOF
}

# --- the kinds: one pass each, every round.  q queues zoo commands.
kind_udp_unread() {
	q udp udp-self 127.0.0.1 4401 20
	q udp udp-self ::1 4402 20
	# GRO-merged and GSO datagrams (veth) freed unread.
	q gro2 gro 10.44.14.2 7000 zoo-cli 50 1000
}

kind_recverr() {
	q recverr recverr 127.0.0.1 9 10
	q recverr recverr ::1 9 10
}

kind_tcp() {
	q tcp tcp-unread 127.0.0.1 2
	q tcp tcp-unread ::1 1
	q tcp tcp-linger0 127.0.0.1 2
	q tcp tcp-linger0 ::1 1
}

kind_unix() {
	q unix unix 3
}

kind_netlink() {
	q nl netlink 20
}

kind_packet() {
	q pkt packet lo 127.0.0.1 9 30
}

kind_bridge() {
	q cli send 10.44.6.2 9 20        # bridged, iptables FORWARD DROP
	q cli send 10.44.6.2 10 20       # bridged, closed port
	q cli send 10.44.7.2 11 20       # routed, masqueraded, closed port
	q cli send 10.44.6.254 5000 20   # DNAT to a closed port
	q cli tcp-closed 10.44.6.254 5000 2
}

kind_tunnels() {
	local a
	for a in 10.44.9.2 10.44.10.2 10.44.11.2 10.44.12.2; do
		q cli send $a 9 15
	done
}

kind_frag() {
	q cli frag 10.44.13.1 10.44.13.2 10
}

kind_gro() {
	q cli send 10.44.14.2 9 50 --size 1000
}

kind_qdisc() {
	q cli send 10.44.17.2 9 50
	q cli send 10.44.18.2 9 50 --size 1000
}

kind_neigh() {
	q neigh send 10.44.19.99 9 30 --size 500
}

kind_forward() {
	q cli send 10.44.21.2 9 10 --ttl 1
	q cli send fd44:21::2 9 10 --ttl 1
	q cli send 10.44.98.1 9 10
	q cli ping 10.44.98.1 10
}

kind_rpfilter() {
	q cli send 10.44.15.2 9 10 --src 10.44.16.5
}

# A veth deleted while 50 packets wait in netem on it (2 s delay: sending
# them takes long on the KASAN kernel; a static neighbour, so that they
# queue at once; zoo cut deletes it).
kind_ifdel() {
	ip link add zd0 netns zoo-del type veth peer name zd1 netns zoo-del || fail "veth zd0"
	tc -n zoo-del qdisc add dev zd0 root netem delay 2s || fail "netem on zd0"
	q del addr zd0 10.44.22.1/24
	q del up zd1
	q del neigh zd0 10.44.22.2 $mac
	q del cut zd0 10.44.22.2 9 50
}

kind_closed() {
	q closed send 127.0.0.1 9 10
	q closed send ::1 9 10
	q closed tcp-closed 127.0.0.1 9 3
	q closed tcp-closed ::1 9 3
}

kind_backlog() {
	q backlog backlog 127.0.0.1 8 600
}

kind_raw() {
	q raw raw 127.0.0.1 10
	q raw raw ::1 10
}

# zoo-gone is deleted with traffic in it: a UDP socket dies unread, a
# closed port, then a sender that holds the namespace (through an inherited
# descriptor, since its name is gone) for 8 s, whose packets are dropped
# there 1 s later (netem) while the session filtering on it runs.  Packets
# from cli that zoo-gone forwards wait in netem on zy0 (30 s) when it
# dies; its own packets could not: they hold their socket, which holds the
# namespace.
kind_gone() {
	local nsfd now
	flush
	skipped udp-unread || q gone udp-self 127.0.0.1 4423 20
	q gone send 127.0.0.1 9 50
	q cli send 10.44.24.2 9 50
	flush
	exec {nsfd}</run/netns/zoo-gone
	"$ZOO" -n "/proc/self/fd/$nsfd" send 10.44.23.2 9 10000 --ms 8000 --gap 2000 &
	gone_pid=$!
	ip netns delete zoo-gone || fail "delete netns zoo-gone"
	now=$EPOCHREALTIME
	TZ=UTC printf -v gone_at '%(%Y-%m-%dT%H:%M:%S)T.%s000Z' "${now%.*}" "${now#*.}"
	exec {nsfd}<&-
}

kinds="udp_unread recverr tcp unix netlink packet bridge tunnels frag gro qdisc neigh forward rpfilter ifdel closed backlog raw"

t=$SECONDS
step load_modules
step setup_links
step setup_net
step setup_filters
declare -A ino
while read -r f i; do
	ino[${f#/run/netns/zoo-}]=$i
done < <(stat -L -c '%n %i' /run/netns/zoo-*)
echo "setup: $((SECONDS - t)) s"

nd_load
# Session A records everything (big rings: the zoo is loud), B too.
"$ND_CTL" stream --json --stack --snaplen 128 --events drop,reset --ring-kb 4096 \
	>/tmp/zoo-a.json 2>/tmp/zoo-a.err &
sess_a=$!
"$ND_CTL" stream --json >/tmp/zoo-b.json 2>/tmp/zoo-b.err &
sess_b=$!
"$ND_CTL" stream --json --netns zoo-gone >/tmp/zoo-gone.json 2>/tmp/zoo-gone.err &
sess_gone=$!
# Session C counts in the kernel (issue 18), with hook attribution: the
# aggregation path under every kind of skb.
"$ND_CTL" summary --hooks --by hook --interval 3600 --json >/tmp/zoo-c.json 2>/tmp/zoo-c.err &
sess_c=$!
nd_wait_capturing 4
# Probes register and unregister under traffic: a session comes and goes,
# until /tmp/zoo.run is removed (also when this script fails).
touch /tmp/zoo.run
trap 'rm -f /tmp/zoo.run' EXIT
(
	n=0
	while [ -e /tmp/zoo.run ]; do
		out=$("$ND_CTL" stream --duration 1 2>&1 >/dev/null) || echo "session $n: $out" >>/tmp/zoo-loop.err
		n=$((n + 1))
	done
	echo "$n" >/tmp/zoo-loop.n
) &
loop=$!

start=$SECONDS
round=0
gone_pid=
while [ $round -lt 2 ] || [ $((SECONDS - start)) -lt "$secs" ]; do
	round=$((round + 1))
	t=$SECONDS
	[ $round = 1 ] && kind_gone
	for k in $kinds; do
		skipped "${k//_/-}" || "kind_$k"
	done
	flush
	[ -n "$gone_pid" ] && { wait "$gone_pid" || fail "traffic in zoo-gone"; gone_pid=; }
	echo "round $round: $((SECONDS - t)) s"
done
# Reassembly timeouts and neighbour failures of the last round.
sleep 2
rm -f /tmp/zoo.run
t=$SECONDS
wait $loop
kill -0 $sess_gone 2>/dev/null || fail "the session on the deleted namespace died"
nd_stop $sess_gone
rc_gone=$?
nd_stop $sess_b
nd_stop $sess_c
rc_c=$?
nd_stop $sess_a
rc_a=$?
echo "sessions stopped in $((SECONDS - t)) s"
echo "traffic: $round rounds in $((SECONDS - start)) s; enable/disable loop: $(cat /tmp/zoo-loop.n) sessions"
cat /tmp/zoo-a.err /tmp/zoo-gone.err
# Checks collect their failures, so that the table below is always printed.
problems=
check() {
	local msg=$1
	shift
	if "$@"; then
		echo "ok: $msg"
	else
		echo "NOT OK: $msg"
		problems="$problems; $msg"
	fi
}
[ -s /tmp/zoo-loop.err ] && cat /tmp/zoo-loop.err
check "every enable/disable session succeeded" [ ! -s /tmp/zoo-loop.err ]
check "session A exited with status 0 ($rc_a)" [ "$rc_a" = 0 ]
check "the session on the deleted namespace exited with status 0 ($rc_gone)" [ "$rc_gone" = 0 ]
n=$(wc -l </tmp/zoo-b.json)
check "session B recorded drops ($n)" [ "$n" -ge 1 ]
cat /tmp/zoo-c.err
check "session C (counting in the kernel) exited with status 0 ($rc_c)" [ "$rc_c" = 0 ]
c_total=$(tail -n 1 /tmp/zoo-c.json | jq -r 'select(.type == "total") | .total')
check "session C counted drops (${c_total:-none})" [ "${c_total:-0}" -ge 1 ]
check "session C lost nothing (its table held every key)" grep -q ' 0 lost (no free slot' /tmp/zoo-c.err
# RFC 3339 with nanoseconds, both: the strings compare like the times.
jq -rs --arg t "$gone_at" '(map(.ts) | max), ([.[] | select(.ts > $t) | "\(.function)/\(.reason)"] |
	"\(length)", (group_by(.) | map("\(length) \(.[0])") | sort_by(-(split(" ")[0] | tonumber)) | .[:5][]))' \
	/tmp/zoo-gone.json >/tmp/zoo-gone.after || fail "the session on zoo-gone wrote bad JSON"
{ read -r last; read -r n; } </tmp/zoo-gone.after
echo "zoo-gone deleted at $gone_at; the session on it: $(wc -l </tmp/zoo-gone.json) records, the last at $last"
check "the session on zoo-gone recorded drops after the namespace was deleted ($n)" [ "$n" -ge 1 ]
tail -n +3 /tmp/zoo-gone.after

# One pass over A's records: type netns function ifname family proto dst
# dport reason facts src sport len.
jq -r '[.type, (.netns | tostring), .function, (.ifname // ""), (.family // ""),
	(.proto // ""), (.dst // ""), (.dport // "" | tostring), (.reason // ""),
	((.facts // []) | join(",")), (.src // ""), (.sport // "" | tostring), .len] | @tsv' \
	/tmp/zoo-a.json >/tmp/zoo-a.tsv || fail "session A wrote bad JSON"
echo "t=$SECONDS s"

# row NAME NS[|NS...] [AWK-CONDITION [TYPE]]: A's records of TYPE (drop)
# in those namespaces that match, with their top functions and reasons;
# a kind without any fails.  NS "none" is netns 0: a drop with neither a
# device nor a socket (UDP datagrams freed unread).  Rows become one awk
# program: one pass, one process.
ino[none]=0
rows=0
prog=
row() {
	local cond ns
	if skipped "$1"; then
		printf '%-12s skipped (ND_ZOO_SKIP)\n' "$1:"
		return
	fi
	cond="\$1 == \"${4:-drop}\" && (0"
	for ns in ${2//|/ }; do
		cond="$cond || \$2 == ${ino[$ns]}"
	done
	# shellcheck disable=SC2016 # awk, not shell
	add_row "$1" "$cond) && (${3:-1})" '$3 "/" $9' 5 1 "${4:-drop}s"
}
# add_row NAME CONDITION KEY TOP REQUIRED UNIT
add_row() {
	rows=$((rows + 1))
	prog+="BEGIN { name[$rows] = \"$1\"; top[$rows] = $4; need[$rows] = $5; unit[$rows] = \"$6\" }
$2 { n[$rows]++; t[$rows, $3]++ }
"
}
# The table, with each row's most frequent keys; the kinds without a
# record go to /tmp/zoo-missing.
table='
END {
	for (i = 1; i <= rows; i++) {
		line = ""
		for (k = 0; k < top[i]; k++) {
			best = ""
			bn = 0
			for (key in t) {
				split(key, p, SUBSEP)
				if (p[1] == i && t[key] > bn && !(key in used)) {
					best = key
					bn = t[key]
				}
			}
			if (best == "")
				break
			used[best] = 1
			split(best, p, SUBSEP)
			line = line (line == "" ? "" : ", ") p[2] " " bn
		}
		printf "%-12s %6d %s (%s)\n", name[i] ":", n[i], unit[i], line
		if (need[i] && !n[i])
			missing = missing " " name[i]
	}
	print missing >"/tmp/zoo-missing"
	printf "session A: %d records\n", NR
}'
note "records per kind"
# The conditions are awk, not shell: single quotes on purpose.
# shellcheck disable=SC2016
{
	row udp-unread 'udp|none' '$8 == 4401 || $8 == 4402'
	row gro-unread 'gro2|none' '$8 == 7000'
	row gro-merged 'gro2|none' '$8 == 7000 && $13 > 2000'
	row recverr recverr '$3 !~ /_rcv$/'
	row tcp tcp '$6 == "tcp"'
	row linger0 tcp '$10 ~ /linger-0/' reset
	row unix unix
	row netlink nl
	row packet pkt '$3 !~ /_rcv$/ || $3 == "packet_rcv"'
	row bridge-nf br '$9 == "NETFILTER_DROP"'
	row bridge brb '$6 == "udp"'
	row nat brc '$6 == "udp" || $6 == "tcp"'
	row vxlan tun2 '$4 == "zvx"'
	row gre tun2 '$4 == "zgre"'
	row ipip tun2 '$4 == "zipip"'
	row vlan tun2 '$4 == "zvlan"'
	row frag frag2 '$6 == "udp"'
	row gro gro2 '$8 == 9'
	row netem cli '$4 == "zq0"'
	row tbf cli '$4 == "zq2"'
	row neigh neigh '$7 == "10.44.19.99"'
	row ttl rtr '$7 == "10.44.21.2" || $7 == "fd44:21::2"'
	row unreach rtr '$7 == "10.44.98.1"'
	row rpfilter rp '$11 == "10.44.16.5"'
	row ifdel del '$7 == "10.44.22.2" && $9 != "OTHERHOST"'
	row gone gone '$7 == "10.44.23.2"'
	row gone-exit 'gone|none' '$7 == "10.44.24.2"'
	row closed-udp closed '$6 == "udp"'
	row closed-tcp closed '$6 == "tcp"'
	row backlog backlog '$9 != "NO_SOCKET"'
	row raw raw
	# What no namespace claims, so that the expectations can be adjusted.
	known="\$2 == 0"
	for ns in "${!ino[@]}"; do
		[ "$ns" = none ] || known="$known || \$2 == ${ino[$ns]}"
	done
	add_row "netns-0" '$1 == "drop" && $2 == 0' '$3 "/" $9 " " $5 " " $6 " " $7' 8 0 drops
	add_row "elsewhere" "\$1 == \"drop\" && !($known)" '$2 " " $3 "/" $9' 8 0 drops
}
awk -F'\t' -v rows=$rows "$prog$table" /tmp/zoo-a.tsv || fail "awk"
echo "t=$SECONDS s"
read -r missing </tmp/zoo-missing
check "every kind left records${missing:+ (not:$missing)}" [ -z "$missing" ]
[ -z "$problems" ] || fail "${problems#; }"
