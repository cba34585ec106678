#!/usr/bin/env python3
"""Sends UDP datagrams: udpsend.py DST PORT COUNT [--sport N] [--size N]."""
import argparse
import socket

p = argparse.ArgumentParser()
p.add_argument("dst")
p.add_argument("port", type=int)
p.add_argument("count", type=int)
p.add_argument("--sport", type=int, default=0)
p.add_argument("--size", type=int, default=16)
a = p.parse_args()
family = socket.AF_INET6 if ":" in a.dst else socket.AF_INET
s = socket.socket(family, socket.SOCK_DGRAM)
if a.sport:
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("::" if family == socket.AF_INET6 else "0.0.0.0", a.sport))
payload = b"x" * a.size
sent = 0
for _ in range(a.count):
    try:
        s.sendto(payload, (a.dst, a.port))
        sent += 1
    except (ConnectionRefusedError, OSError):
        # ICMP port unreachable from an earlier datagram: send again.
        s.sendto(payload, (a.dst, a.port))
        sent += 1
print(sent)
