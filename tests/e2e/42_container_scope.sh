#!/bin/bash
# Containers (issue 7): a session opened by root of a container (its own
# user and network namespaces, CAP_NET_ADMIN there but not in the initial
# namespace) sees its own namespace's drops only: no others, no kernel
# addresses, no other namespace's hooks or sessions.  Root of the initial
# namespace sees every namespace.
. "$ND_TOP/tests/e2e/lib.sh"
send=$ND_TOP/build/tests/e2e/udpsend
nd_load
chmod 0666 /dev/netdrop	# the container's root is uid 65534 outside

cat >/tmp/inner.sh <<EOS
ip link set lo up
readlink /proc/self/ns/net >/tmp/inner.ns
"$ND_CTL" stream --dport 7401 --json >/tmp/inner.json 2>/tmp/inner.err &
pid=\$!
while [ ! -e /tmp/go ]; do sleep 0.1; done
"$send" 127.0.0.1 7401 5 >/dev/null
sleep 1
"$ND_CTL" status --json >/tmp/inner-status.json 2>&1
"$ND_CTL" stream --netns other --count 1 >/tmp/inner-other.out 2>&1
echo \$? >/tmp/inner-other.rc
"$ND_CTL" dump-hooks --json >/tmp/inner-hooks.json 2>&1
echo \$? >/tmp/inner-hooks.rc
kill -INT \$pid
wait \$pid
EOS
rm -f /tmp/go
ip netns add other	# a namespace the container can name but not watch
"$ND_CTL" stream --dport 7401 --json >/tmp/outer.json 2>/dev/null &
outer=$!
setpriv --reuid=65534 --regid=65534 --clear-groups \
	unshare --user --map-root-user --net bash /tmp/inner.sh &
inner=$!
nd_wait_capturing 2
"$send" 127.0.0.1 7401 7 >/dev/null	# the initial namespace
touch /tmp/go
wait $inner
nd_stop $outer
cat /tmp/inner.err
inner_ns=$(sed 's/.*\[\([0-9]*\)\]/\1/' /tmp/inner.ns)
init_ns=$(readlink /proc/self/ns/net | sed 's/.*\[\([0-9]*\)\]/\1/')
echo "container netns $inner_ns, initial $init_ns"

assert_eq "$(json_count /tmp/inner.json)" 5 "the container saw its 5 drops and nothing else"
assert_eq "$(json_count /tmp/inner.json netns="$inner_ns")" 5 "all in its own namespace"
assert_eq "$(json_count /tmp/inner.json location=0x0)" 5 "without CAP_SYSLOG in the initial namespace: no addresses"
assert_eq "$(json_count /tmp/outer.json)" 12 "root of the initial namespace saw both namespaces"
assert_eq "$(json_count /tmp/outer.json netns="$inner_ns")" 5 "... the container's 5"
assert_eq "$(json_count /tmp/outer.json netns="$init_ns")" 7 "... and its own 7"
assert_eq "$(jq '.sessions | length' /tmp/inner-status.json)" 2 \
	"status in the container lists its namespace's sessions only (stream + status, not the outer stream)"
assert_eq "$(cat /tmp/inner-other.rc)" 1 "asking for another namespace's drops is refused"
assert_contains /tmp/inner-other.out "not permitted" "and says why"
assert_eq "$(cat /tmp/inner-hooks.rc)" 0 "dump-hooks of its own namespace works"

note "without CAP_NET_ADMIN anywhere: refused, even with its own user namespace but the initial network namespace"
setpriv --reuid=65534 --regid=65534 --clear-groups unshare --user --map-root-user \
	"$ND_CTL" status >/tmp/o 2>&1
assert_eq "$?" 1 "user namespace alone: refused"
assert_contains /tmp/o "CAP_NET_ADMIN" "says why"
chmod 0600 /dev/netdrop
