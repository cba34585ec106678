#!/bin/bash
# Builds a small busybox initramfs for a Debian kernel: it loads the virtio
# and 9p modules of that kernel, mounts the host's / (9p tag "hostroot")
# read-only and switch_roots into scripts/guest-init.sh.
# Usage: mkinitramfs.sh KVER OUTPUT.cpio.gz [ROOT]
# ROOT holds lib/modules/KVER (default /: the host's installed kernels).
set -euo pipefail
kver=$1
output=$2
root=${3:-/}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

mkdir -p "$work"/{bin,dev,proc,sys,newroot,lib/modules}
cp /bin/busybox "$work/bin/busybox"
for applet in sh mount mkdir insmod switch_root cat echo sleep poweroff reboot; do
	ln -s busybox "$work/bin/$applet"
done

# Resolve the module dependency chain on the host, in load order.
: >"$work/modules.order"
for m in virtio_pci 9pnet_virtio 9p; do
	modprobe -d "$root" -S "$kver" --show-depends "$m" 2>/dev/null |
		awk '$1 == "insmod" {print $2}'
done | awk '!seen[$0]++' | while read -r path; do
	name=$(basename "$path")
	case "$name" in
	*.ko.xz) xz -dc "$path" >"$work/lib/modules/${name%.xz}"; name=${name%.xz} ;;
	*.ko.zst) zstd -qdc "$path" >"$work/lib/modules/${name%.zst}"; name=${name%.zst} ;;
	*) cp "$path" "$work/lib/modules/$name" ;;
	esac
	echo "$name" >>"$work/modules.order"
done

cat >"$work/init" <<'INIT'
#!/bin/sh
mount -t proc proc /proc
mount -t devtmpfs dev /dev
for m in $(cat /modules.order); do
	insmod /lib/modules/$m 2>/dev/null
done
init=$(sed -n 's/.*netdrop.init=\([^ ]*\).*/\1/p' /proc/cmdline)
if ! mount -t 9p -o ro,trans=virtio,version=9p2000.L,msize=512000,cache=loose hostroot /newroot; then
	echo "initramfs: cannot mount the host root over 9p" >&2
	reboot -f
fi
umount /dev
umount /proc
exec switch_root /newroot "$init"
INIT
chmod +x "$work/init"
(cd "$work" && find . | cpio -o -H newc --quiet | gzip -1) >"$output"
