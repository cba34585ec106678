#!/bin/sh
# PID 1 inside a test guest.  The host's / is our read-only root (9p tag
# "hostroot"); the host's results folder is 9p tag "results", mounted on
# /tmp/results.  Runs /tmp/results/cmd.sh, stores its exit status, the
# guest's dmesg, and powers off.  Never exits (PID 1 must not).
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/tmp LANG=C.UTF-8 TERM=dumb
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev 2>/dev/null
mkdir -p /dev/pts /dev/shm
# What udev would create: bash process substitution needs /dev/fd.
ln -sf /proc/self/fd /dev/fd
ln -sf /proc/self/fd/0 /dev/stdin
ln -sf /proc/self/fd/1 /dev/stdout
ln -sf /proc/self/fd/2 /dev/stderr
mount -t devpts devpts /dev/pts
mount -t tmpfs shm /dev/shm
mount -t tmpfs run /run
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
# A kernel of another suite (scripts/suite-chroot.sh): its modules, for
# modprobe, where the host has none.
modroot=$(sed -n 's/.*netdrop.modroot=\([^ ]*\).*/\1/p' /proc/cmdline)
if [ -n "$modroot" ]; then
	kver=$(uname -r)
	mount -t tmpfs modules /lib/modules
	mkdir -p "/lib/modules/$kver"
	mount --bind "$modroot/lib/modules/$kver" "/lib/modules/$kver"
fi
mkdir -p /run/results /run/netns /run/lock /run/hosttmp
mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000 results /run/results
cwd=$(cat /run/results/cwd 2>/dev/null || echo /)
# /tmp becomes a guest tmpfs.  When the work tree lives under the host's
# /tmp (a CI clone), keep that directory visible at the same path.
mount --bind /tmp /run/hosttmp
mount -t tmpfs tmp /tmp
case $cwd in
/tmp/?*)
	first=${cwd#/tmp/}
	first=${first%%/*}
	mkdir -p "/tmp/$first"
	mount --bind "/run/hosttmp/$first" "/tmp/$first"
	;;
esac
mkdir -p /tmp/results
mount --bind /run/results /tmp/results
hostname netdrop-guest
ip link set lo up
cd "$cwd"
echo "guest: $(uname -r) $(nproc) cpus, running cmd.sh" >/dev/console
echo "netdrop-guest: tests start" >/dev/kmsg
# A kernel that reported a bug while booting failed on its own: say so now
# (vm-run boots it once more) instead of running the tests first, which
# under KASAN doubled the guest's time.
dmesg >/tmp/boot.dmesg
if python3 "$(dirname "$0")/dmesg_check.py" --boot-only /tmp/boot.dmesg >/dev/console 2>&1; then
	echo "guest: the kernel reported a bug while booting: not running the tests" >/dev/console
	rc=99
else
	sh /tmp/results/cmd.sh >/tmp/results/output.log 2>&1 </dev/null
	rc=$?
fi
dmesg >/tmp/results/dmesg
echo "$rc" >/tmp/results/rc
sync
umount /tmp/results
umount /run/results
echo "guest: done, status $rc" >/dev/console
echo b >/proc/sysrq-trigger
sleep 60
