#!/bin/bash
# make demo: scenario 1 of the incident write-ups, in a QEMU guest running
# Debian's own kernel (this machine cannot load modules).
#
# Server 10.0.0.3, clients 10.0.2.7 and 10.0.2.8; iptables accepts both; an
# out-of-tree "security" module (tests/fixtures/resguard_linux.c) silently
# drops 10.0.2.8 at NF_INET_LOCAL_IN.  Shows what netdropctl dump-hooks
# and netdropctl stream --src 10.0.2.8 print.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
. "$here/matrix.sh"
kver=${KVER_DEMO:-$NETDROP_DEFAULT_KVER}
moddir=$("$here/build-kmod.sh" "$kver")
out="$top/build/demo"
rm -rf "$out"
mkdir -p "$out"
cat >"$out/demo-guest.sh" <<'GUEST'
. "$ND_TOP/tests/e2e/lib.sh"
exec 2>&1
say() { printf '\n\033[1m$ %s\033[0m\n' "$*"; }
nd_load
nd_load_fixture block_src=10.0.2.8
mk_scenario1
say "ip netns exec srv iptables -S INPUT"
ip netns exec srv iptables -S INPUT
say "ip netns exec c7 ping -c1 10.0.0.3; ip netns exec c8 ping -c1 10.0.0.3"
ip netns exec c7 ping -c1 -W1 10.0.0.3 | grep -E 'transmitted'
ip netns exec c8 ping -c1 -W1 10.0.0.3 | grep -E 'transmitted' || true
say "netdropctl dump-hooks --netns srv --hook local-in"
"$ND_CTL" dump-hooks --netns srv --hook local-in
say "netdropctl stream --src 10.0.2.8     (while 10.0.2.8 pings and connects to :20202)"
"$ND_CTL" stream --src 10.0.2.8 &
pid=$!
nd_wait_capturing 1
ip netns exec c8 ping -c2 -i0.3 -W1 10.0.0.3 >/dev/null || true
tcp_ok c8 10.0.0.3 20202 2 2>/dev/null || true
sleep 0.5
nd_stop $pid
GUEST
echo "demo: booting $kver under QEMU (TCG); this takes about a minute" >&2
"$here/vm-run.sh" -k "$kver" -t 300 -o "$out" -- \
	env ND_TOP="$top" ND_KVER="$kver" ND_MODDIR="$moddir" bash "$out/demo-guest.sh" || {
	rc=$?
	cat "$out/output.log"
	echo "demo: guest failed (status $rc, log $out/console.log)" >&2
	exit $rc
}
cat "$out/output.log"
