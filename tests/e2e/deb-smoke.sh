#!/bin/bash
# In a guest, after the .deb packages were installed on the host (whose /
# the guest mounts): modprobe finds the DKMS module, and the packaged
# netdropctl sees a drop.
set -u
modprobe netdrop || { echo "modprobe netdrop failed"; exit 1; }
modinfo -n netdrop | grep -q /updates/dkms/ || { echo "not the DKMS module: $(modinfo -n netdrop)"; exit 1; }
/usr/bin/netdropctl stream --dport 7799 --json >/tmp/s.json 2>/dev/null &
pid=$!
for i in $(seq 50); do /usr/bin/netdropctl status | grep -q '1 capturing' && break; sleep 0.1; done
echo x >/dev/udp/127.0.0.1/7799
sleep 0.5
kill -INT $pid
wait $pid
grep -q '"dport":7799' /tmp/s.json || { echo "no drop record"; cat /tmp/s.json; exit 1; }
echo "ok: DKMS module loaded with modprobe, packaged netdropctl saw the drop"
