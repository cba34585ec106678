#!/usr/bin/env python3
"""Packets the receiver drops for a known reason, for e2e scenarios.

  dropkinds.py noproto DST N            N IPv4 packets of protocol 253
  dropkinds.py badcsum DST PORT N       N UDP datagrams with a wrong checksum
  dropkinds.py from SRC DST PORT N      N UDP datagrams sent from SRC (an
                                        address the receiver has no route to:
                                        rp_filter drops them)
  dropkinds.py send DST PORT N          N UDP datagrams, one sendto each
                                        (its error ignored: an output rule
                                        that drops them makes it fail)
  dropkinds.py fullbuf ADDR PORT FILE   binds a UDP socket with the smallest
                                        receive buffer, touches FILE, never
                                        reads; exits on SIGTERM
"""
import signal
import socket
import struct
import sys
import time


def noproto(dst, n):
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, 253)
    for _ in range(n):
        s.sendto(b"netdrop unknown protocol", (dst, 0))


def badcsum(dst, port, n):
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_UDP)
    payload = b"netdrop bad checksum"
    for i in range(n):
        # A nonzero checksum that cannot be right for this header and data.
        hdr = struct.pack("!HHHH", 40000 + i, port, 8 + len(payload), 0x1234)
        s.sendto(hdr + payload, (dst, 0))


def send_from(src, dst, port, n):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind((src, 0))
    for _ in range(n):
        s.sendto(b"netdrop rp_filter", (dst, port))


def send(dst, port, n):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    for _ in range(n):
        try:
            s.sendto(b"netdrop output", (dst, port))
        except OSError:
            pass


def fullbuf(addr, port, ready):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1)
    s.bind((addr, port))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    with open(ready, "w"):
        pass
    while True:
        time.sleep(3600)


def main(argv):
    cmd = argv[1]
    if cmd == "noproto":
        noproto(argv[2], int(argv[3]))
    elif cmd == "badcsum":
        badcsum(argv[2], int(argv[3]), int(argv[4]))
    elif cmd == "from":
        send_from(argv[2], argv[3], int(argv[4]), int(argv[5]))
    elif cmd == "send":
        send(argv[2], int(argv[3]), int(argv[4]))
    elif cmd == "fullbuf":
        fullbuf(argv[2], int(argv[3]), argv[4])
    else:
        print(f"dropkinds.py: unknown command {cmd}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
