#!/bin/bash
# Runs a command inside a QEMU (TCG) guest booted from an installed Debian
# kernel or from the netdrop test kernel, with the host's / as read-only root.
#
#   vm-run.sh [-k KVER|test] [-t SECONDS] [-i SECONDS] [-o OUTDIR]
#             [-c CPUS] [-m MB] [-a "kernel args"] -- COMMAND [ARGS...]
#
# -t bounds the whole run; -i (0: off) stops a guest whose console has
# printed nothing for that long: a hung kernel fails in minutes, not at the
# end of a budget made for every scenario of the guest.
#
# The command runs in the current directory (as seen by the host) with
# OUTDIR mounted writable at /tmp/results.  OUTDIR receives console.log,
# dmesg, output.log and rc.  Exit status: the command's own if non-zero;
# 124 on timeout; 125 if the guest died without reporting; 3 if the guest's
# kernel log holds a BUG/WARNING/Oops/KASAN/lockdep/kmemleak report.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
. "$here/matrix.sh"

kver=$NETDROP_DEFAULT_KVER
timeout=600
idle=0
out=
cpus=${ND_GUEST_CPUS:-2}
# One TCG thread for all vCPUs (ND_TCG_THREAD=multi for one per vCPU).
# Multi-threaded TCG does not keep cross-modifying code coherent enough for
# the kernel's text_poke_bp(): toggling a tracepoint while another vCPU
# runs through it ends in "Oops: int3" (6.12) or an RCU stall (6.1), with
# or without netdrop (scripts/repro-mttcg-textpoke.sh).  Single-threaded, a
# guest of N vCPUs uses one host core, so guests can run side by side.
mem=
append=
while getopts "k:t:i:o:c:m:a:" opt; do
	case $opt in
	k) kver=$OPTARG ;;
	t) timeout=$OPTARG ;;
	i) idle=$OPTARG ;;
	o) out=$OPTARG ;;
	c) cpus=$OPTARG ;;
	m) mem=$OPTARG ;;
	a) append=$OPTARG ;;
	*) echo "vm-run: bad option" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ "${1:-}" = "--" ] && shift
[ $# -gt 0 ] || { echo "vm-run: no command given" >&2; exit 2; }

[ -n "$out" ] || out=$(mktemp -d /tmp/netdrop-vm.XXXXXX)
mkdir -p "$out"
out=$(cd "$out" && pwd)
rm -f "$out/rc" "$out/dmesg" "$out/output.log" "$out/console.log"
printf '%q ' "$@" >"$out/cmd.sh"
echo >>"$out/cmd.sh"
pwd >"$out/cwd"

cache="${NETDROP_CACHE:-$HOME/.cache/netdrop}"
mkdir -p "$cache"
cmdline="console=ttyS0 panic=-1 net.ifnames=0 mitigations=off"
if netdrop_is_testkernel "$kver"; then
	tk=$("$here/build-testkernel.sh" "$kver")
	kernel="$tk/arch/x86/boot/bzImage"
	initrd=()
	cmdline="$cmdline root=hostroot rootfstype=9p ro"
	cmdline="$cmdline rootflags=trans=virtio,version=9p2000.L,msize=512000,cache=loose"
	cmdline="$cmdline init=$here/guest-init.sh"
	# ACPI enumerates the CPUs; its PCI interrupt routing (_PRT) times
	# out in the AML interpreter under TCG + KASAN: legacy routing.
	cmdline="$cmdline acpi=noirq"
	mem=${mem:-3072}
else
	# A host kernel, or one unpacked from another suite by
	# suite-chroot.sh (its modules are bind-mounted over /lib/modules in
	# the guest by guest-init.sh).
	modroot=/
	kernel=/boot/vmlinuz-$kver
	if [ ! -r "$kernel" ] && [ -f "$cache/kernels/$kver/.netdrop-ready" ]; then
		modroot=$cache/kernels/$kver
		kernel=$modroot/vmlinuz
		cmdline="$cmdline netdrop.modroot=$modroot"
	fi
	[ -r "$kernel" ] || { echo "vm-run: kernel $kver is not installed ($kernel)" >&2; exit 2; }
	initramfs="$cache/initramfs-$kver-$(sha256sum "$here/mkinitramfs.sh" | cut -c1-8).cpio.gz"
	[ -f "$initramfs" ] || "$here/mkinitramfs.sh" "$kver" "$initramfs" "$modroot"
	initrd=(-initrd "$initramfs")
	cmdline="$cmdline netdrop.init=$here/guest-init.sh"
	mem=${mem:-2048}
fi
cmdline="$cmdline $append"

# watch_idle PID: kills the guest when the console stays silent for
# $idle seconds; exits when the guest does.
watch_idle() {
	local last=-1 size quiet=0
	while kill -0 "$1" 2>/dev/null; do
		sleep 10
		size=$(stat -c %s "$out/console.log" 2>/dev/null || echo 0)
		if [ "$size" = "$last" ]; then
			quiet=$((quiet + 10))
		else
			quiet=0
			last=$size
		fi
		if [ "$quiet" -ge "$idle" ]; then
			echo "vm-run: the guest's console was silent for ${quiet}s: stopping it" >&2
			touch "$out/idle"
			# timeout(1) passes TERM on to QEMU; KILL if it stays.
			kill -TERM "$1" 2>/dev/null
			sleep 10
			pkill -KILL -P "$1" 2>/dev/null
			return
		fi
	done
}

run_guest() {
	local qpid wpid=
	rm -f "$out/rc" "$out/dmesg" "$out/output.log" "$out/console.log" "$out/idle"
	status=0
	timeout --foreground -k 10 "$timeout" \
		qemu-system-x86_64 -accel "tcg,thread=${ND_TCG_THREAD:-single}" -cpu "${ND_QEMU_CPU:-max}" -smp "$cpus" -m "$mem" \
		-nodefaults -display none -no-reboot \
		-serial "file:$out/console.log" \
		-kernel "$kernel" "${initrd[@]}" -append "$cmdline" \
		-fsdev local,id=hostroot,path=/,security_model=none,readonly=on,multidevs=remap \
		-device virtio-9p-pci,fsdev=hostroot,mount_tag=hostroot \
		-fsdev local,id=results,path="$out",security_model=none,multidevs=remap \
		-device virtio-9p-pci,fsdev=results,mount_tag=results \
		-device virtio-rng-pci &
	qpid=$!
	if [ "$idle" -gt 0 ]; then
		watch_idle "$qpid" &
		wpid=$!
	fi
	wait "$qpid" || status=$?
	[ -z "$wpid" ] || { kill "$wpid" 2>/dev/null; wait "$wpid" 2>/dev/null; } || true
	[ -f "$out/idle" ] && status=124
	return 0
}

run_guest
# A kernel that reports a bug while booting, before any test ran, failed on
# its own (seen once: an early-boot KASAN report in the test kernel under
# TCG).  Boot once more; a second such boot fails the run like any report.
if [ -f "$out/rc" ] && python3 "$here/dmesg_check.py" --boot-only "$out/dmesg"; then
	echo "vm-run: the kernel reported a bug while booting, before the tests: booting again" >&2
	mkdir -p "$out/first-boot"
	cp "$out/console.log" "$out/dmesg" "$out/first-boot/" 2>/dev/null
	run_guest
fi

if [ "$status" = 124 ] || [ "$status" = 137 ]; then
	if [ -f "$out/idle" ]; then
		echo "vm-run: guest hung: its console was silent for ${idle}s (log: $out/console.log)" >&2
	else
		echo "vm-run: guest timed out after ${timeout}s (log: $out/console.log)" >&2
	fi
	tail -n 15 "$out/console.log" >&2 || true
	python3 "$here/dmesg_check.py" "$out/console.log" >&2 || true
	exit 124
fi
if [ ! -f "$out/rc" ]; then
	echo "vm-run: guest died without reporting (log: $out/console.log)" >&2
	tail -n 30 "$out/console.log" >&2 || true
	exit 125
fi
rc=$(cat "$out/rc")
if ! python3 "$here/dmesg_check.py" "$out/dmesg" "$out/console.log" >&2; then
	[ "$rc" != 0 ] || rc=3
fi
exit "$rc"
