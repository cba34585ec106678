#!/bin/bash
# Containers (issue 7): a session opened by root of a container (its own
# user and network namespaces, CAP_NET_ADMIN there but not in the initial
# namespace) sees its own namespace's drops only: no others, no kernel
# addresses, no other namespace's hooks or sessions.  Root of the initial
# namespace sees every namespace.  A container has limits of its own
# (sessions per namespace), cannot install the host-wide hook and reset
# probes, and sees no host pids or commands (issue 14).
. "$ND_TOP/tests/e2e/lib.sh"
nd_load
chmod 0666 /dev/netdrop	# the container's root is uid 65534 outside
# ... and may not reach the tree (a clone in root's home, mode 0700 on
# Debian): it runs copies it can reach.
rm -rf /tmp/nd42 && mkdir -m 0755 /tmp/nd42 || fail "mkdir /tmp/nd42"
install -m 0755 "$ND_CTL" /tmp/nd42/netdropctl && install -m 0755 "$ND_TOP/build/tests/e2e/udpsend" /tmp/nd42/ ||
	fail "copies for the container"
ND_CTL=/tmp/nd42/netdropctl
send=/tmp/nd42/udpsend

cat >/tmp/inner.sh <<EOS
ip link set lo up
# A hook of the container's own, so that dump-hooks has something to scope.
nft add table ip ctr42 && nft add chain ip ctr42 in '{ type filter hook input priority 0; }'
echo \$? >/tmp/inner-nft.rc
readlink /proc/self/ns/net >/tmp/inner.ns
"$ND_CTL" stream --dport 7401 --json >/tmp/inner.json 2>/tmp/inner.err &
pid=\$!
while [ ! -e /tmp/go ]; do sleep 0.1; done
"$send" 127.0.0.1 7401 5 >/dev/null
touch /tmp/sent
while [ ! -e /tmp/go2 ]; do sleep 0.1; done
sleep 1
# Its own limit: the stream and 3 more sessions, not a 5th.
exec 5<>/dev/netdrop 6<>/dev/netdrop 7<>/dev/netdrop
( exec 8<>/dev/netdrop ) 2>/tmp/inner-limit.err
echo \$? >/tmp/inner-limit.rc
touch /tmp/limit
while [ ! -e /tmp/go3 ]; do sleep 0.1; done
exec 5<&- 6<&- 7<&-
"$ND_CTL" stream --events reset --count 1 >/tmp/inner-resets.out 2>&1
echo \$? >/tmp/inner-resets.rc
"$ND_CTL" status --json >/tmp/inner-status.json 2>&1
"$ND_CTL" stream --netns other --count 1 >/tmp/inner-other.out 2>&1
echo \$? >/tmp/inner-other.rc
"$ND_CTL" dump-hooks --json >/tmp/inner-hooks.json 2>&1
echo \$? >/tmp/inner-hooks.rc
kill -INT \$pid
wait \$pid
EOS
rm -f /tmp/go /tmp/go2 /tmp/go3 /tmp/sent /tmp/limit
# And one of the initial namespace's, which the container must not see.
nft add table ip host42 && nft add chain ip host42 in '{ type filter hook input priority 0; }' ||
	fail "nft: the initial namespace's chain"
ip netns add other	# a namespace the container can name but not watch
"$ND_CTL" stream --dport 7401 --json >/tmp/outer.json 2>/dev/null &
outer=$!
setpriv --reuid=65534 --regid=65534 --clear-groups \
	unshare --user --map-root-user --net --pid --fork --mount --mount-proc bash /tmp/inner.sh &
inner=$!
nd_wait_capturing 2
"$send" 127.0.0.1 7401 7 >/dev/null	# the initial namespace
touch /tmp/go
while [ ! -e /tmp/sent ]; do sleep 0.1; done
# A host process in the container's network namespace: its drops are the
# container's, its pid and command are not.
nsenter -t "$(pgrep -P $inner | head -n 1)" -n "$send" 127.0.0.1 7401 3 >/dev/null || fail "nsenter"
touch /tmp/go2
while [ ! -e /tmp/limit ]; do sleep 0.1; done
exec 9<>/dev/netdrop || fail "the host opens a session while the container is at its limit"
exec 9<&-
echo "ok: the host is not limited by the container's sessions"
"$ND_CTL" dump-hooks --all-netns --json >/tmp/outer-hooks.json 2>&1 || fail "dump-hooks --all-netns"
touch /tmp/go3
wait $inner
nd_stop $outer
cat /tmp/inner.err
inner_ns=$(sed 's/.*\[\([0-9]*\)\]/\1/' /tmp/inner.ns)
init_ns=$(readlink /proc/self/ns/net | sed 's/.*\[\([0-9]*\)\]/\1/')
echo "container netns $inner_ns, initial $init_ns"

assert_eq "$(json_count /tmp/inner.json)" 8 "the container saw its 5 + 3 drops and nothing else"
assert_eq "$(json_count /tmp/inner.json netns="$inner_ns")" 8 "all in its own namespace"
assert_eq "$(json_count /tmp/inner.json location=0x0)" 8 "without CAP_SYSLOG in the initial namespace: no addresses"
assert_eq "$(jq -c 'select(.pid != 0 and .comm == "udpsend")' /tmp/inner.json | wc -l)" 5 \
	"its own sender: a pid of its pid namespace, and the command"
assert_eq "$(jq -c 'select(.pid == 0 and .comm == "")' /tmp/inner.json | wc -l)" 3 \
	"the host's sender: no pid, no command"
assert_eq "$(json_count /tmp/outer.json)" 15 "root of the initial namespace saw both namespaces"
assert_eq "$(json_count /tmp/outer.json netns="$inner_ns")" 8 "... the container's 8"
assert_eq "$(json_count /tmp/outer.json netns="$init_ns")" 7 "... and its own 7"
assert_eq "$(jq '.sessions | length' /tmp/inner-status.json)" 2 \
	"status in the container lists its namespace's sessions only (stream + status, not the outer stream)"
assert_eq "$(cat /tmp/inner-other.rc)" 1 "asking for another namespace's drops is refused"
assert_contains /tmp/inner-other.out "not permitted" "and says why"
assert_eq "$(cat /tmp/inner-hooks.rc)" 0 "dump-hooks of its own namespace works"
assert_eq "$(cat /tmp/inner-nft.rc)" 0 "the container made its own nft chain"
assert_eq "$(json_count /tmp/inner-hooks.json table=ctr42 chain=in netns="$inner_ns")" 1 \
	"dump-hooks in the container lists its own chain"
assert_eq "$(jq -s "map(select(.netns != $inner_ns)) | length" /tmp/inner-hooks.json)" 0 \
	"and lists no other namespace's hooks"
assert_eq "$(json_count /tmp/inner-hooks.json table=host42)" 0 "(not the initial namespace's chain)"
# Both chains exist: root of the initial namespace sees them, each in its
# own namespace.
assert_eq "$(json_count /tmp/outer-hooks.json table=host42 chain=in netns="$init_ns")" 1 \
	"dump-hooks --all-netns (initial namespace's root): the initial namespace's chain"
assert_eq "$(json_count /tmp/outer-hooks.json table=ctr42 chain=in netns="$inner_ns")" 1 \
	"... and the container's, in the container's namespace"
nft delete table ip host42
assert_contains /tmp/inner.err "hook attribution needs probes for the whole host" \
	"the container's stream runs without hook attribution, and says so"
assert_eq "$(cat /tmp/inner-limit.rc)" 1 "a 5th session in the container is refused"
assert_contains /tmp/inner-limit.err "busy" "(device busy)"
assert_eq "$(cat /tmp/inner-resets.rc)" 1 "the container cannot install the reset probes"
cat /tmp/inner-resets.out
assert_contains /tmp/inner-resets.out "scoped_probes" "and is told why"

note "without CAP_NET_ADMIN anywhere: refused, even with its own user namespace but the initial network namespace"
setpriv --reuid=65534 --regid=65534 --clear-groups unshare --user --map-root-user \
	"$ND_CTL" status >/tmp/o 2>&1
assert_eq "$?" 1 "user namespace alone: refused"
assert_contains /tmp/o "CAP_NET_ADMIN" "says why"
chmod 0600 /dev/netdrop
