#!/bin/bash
# Installs everything netdrop needs to build and test.  Idempotent: a warm
# machine with everything present returns in about a second.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export DEBIAN_FRONTEND=noninteractive

packages=(
	build-essential cmake ninja-build pkg-config clang clang-format clang-tidy
	libclang-rt-14-dev
	libfmt-dev libboost-program-options-dev libgtest-dev libgmock-dev
	libmnl-dev libnftnl-dev libcpp-httplib-dev
	googletest libbenchmark-dev
	qemu-system-x86 busybox-static cpio kmod iproute2 iptables nftables
	dropwatch tshark dkms debhelper dpkg-dev fakeroot
	linux-source-6.1 bc flex bison libelf-dev libssl-dev dwarves rsync
	python3 jq xz-utils ethtool netcat-openbsd socat tcpdump iputils-ping
	linux-perf bpftrace prometheus prometheus-node-exporter curl conntrack
)

packages+=(mmdebstrap)

# The host's own kernels of the matrix (suite bookworm); the others come
# from suite chroots, made below.
NETDROP_RESOLVE=newest
. "$here/matrix.sh"
# On a fresh machine apt's lists may be empty or stale: a kernel that does
# not resolve gets one apt-get update and another try, never a smaller
# matrix (the check at the end fails on what is still missing).
case " $NETDROP_MATRIX $NETDROP_RT_KVERS " in
*" missing-"*)
	apt-get update -qq || true
	unset NETDROP_MATRIX NETDROP_RT_KVERS
	. "$here/matrix.sh"
	;;
esac
host_kernels=
for k in $NETDROP_MATRIX $NETDROP_RT_KVERS; do
	[ "$(netdrop_suite_of "$k")" = bookworm ] || continue
	host_kernels="$host_kernels $k"
	packages+=("linux-image-$k-unsigned" "linux-headers-$k")
done

missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing+=("$p")
done

if [ ${#missing[@]} -gt 0 ]; then
	echo "install-deps: installing ${missing[*]}"
	# tshark asks whether non-root users may capture; answer once.
	echo "wireshark-common wireshark-common/install-setuid boolean false" |
		debconf-set-selections
	apt-get update -qq || true
	# prometheus and node_exporter are installed for the guests to run:
	# no daemon of theirs is started on this machine (policy-rc.d 101).
	policy=
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		policy=/usr/sbin/policy-rc.d
		printf '#!/bin/sh\nexit 101\n' >"$policy"
		chmod 0755 "$policy"
		trap 'rm -f "$policy"' EXIT
	fi
	apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
	[ -z "$policy" ] || { rm -f "$policy"; trap - EXIT; }
fi

# The kernel images are installed for their files only; we never boot the host
# with them.  Make sure the module trees are complete (depmod output present).
for k in $host_kernels; do
	[ -e "/lib/modules/$k/modules.dep" ] || depmod "$k"
done

# One chroot per other suite, side by side (mostly downloads).
pids=()
for suite in $(netdrop_chroot_suites); do
	"$here/suite-chroot.sh" "$suite" >/dev/null &
	pids+=($!)
done
for p in "${pids[@]}"; do
	wait "$p" || { echo "install-deps: a suite chroot failed" >&2; exit 1; }
done
unset NETDROP_MATRIX NETDROP_RT_KVERS
. "$here/matrix.sh"
case " $NETDROP_MATRIX $NETDROP_RT_KVERS " in
*" missing-"*) echo "install-deps: kernels missing from the matrix: $NETDROP_MATRIX $NETDROP_RT_KVERS" >&2; exit 1 ;;
esac

src=$(ls -d /usr/src/linux-source-6.1.tar.* 2>/dev/null | head -n 1)
[ -n "$src" ] || { echo "install-deps: linux-source-6.1 tarball missing" >&2; exit 1; }
echo "install-deps: ok (matrix: $NETDROP_MATRIX; PREEMPT_RT: $NETDROP_RT_KVERS)"
