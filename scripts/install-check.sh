#!/bin/bash
# make install into a DESTDIR (PREFIX /usr, as a package would), then make
# uninstall: every file lands where it should and works, and nothing is
# left behind.  PASS/FAIL lines to build/results/install.txt.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(dirname "$here")
. "$here/results.sh"
results_init install
dest=$(mktemp -d)
trap 'rm -rf "$dest"' EXIT
check() { local name=$1; shift; if "$@" >>"$top/build/results/install.log" 2>&1; then result PASS "$name"; else result FAIL "$name"; fi; }
: >"$top/build/results/install.log"
check make-install make -C "$top" install DESTDIR="$dest" PREFIX=/usr
check binary "$dest/usr/bin/netdropctl" --version
check binary-version sh -c "'$dest/usr/bin/netdropctl' --version | grep -q \"netdropctl $(cat "$top/VERSION")\""
check man-page sh -c "gzip -t '$dest/usr/share/man/man8/netdropctl.8.gz' && zcat '$dest/usr/share/man/man8/netdropctl.8.gz' | grep -q '^\.TH NETDROPCTL'"
check completion bash -n "$dest/usr/share/bash-completion/completions/netdropctl"
check udev-rule grep -q 'KERNEL=="netdrop"' "$dest/etc/udev/rules.d/60-netdrop.rules"
check modules-load-example test -s "$dest/usr/share/doc/netdrop/modules-load.d/netdrop.conf"
check systemd-unit grep -q '^ExecStart=/usr/bin/netdropctl service --config /etc/netdrop/netdrop.conf$' \
	"$dest/lib/systemd/system/netdrop.service"
# systemd's own checker, where the machine has it (not every CI host runs
# systemd; the unit's syntax is checked wherever systemd-analyze exists).
if command -v systemd-analyze >/dev/null; then
	check systemd-analyze-verify sh -c "systemd-analyze verify '$dest/lib/systemd/system/netdrop.service' 2>&1 |
		grep -v -e 'netdropctl' -e 'Command .* is not executable' -e 'No such file' | grep . && exit 1 || exit 0"
fi
check service-conf "$dest/usr/bin/netdropctl" service --config "$dest/etc/netdrop/netdrop.conf" --check
check make-uninstall make -C "$top" uninstall DESTDIR="$dest" PREFIX=/usr
check nothing-left sh -c "[ -z \"\$(find '$dest' -type f)\" ]"
! grep -q '^FAIL' "$top/build/results/install.txt"
