#!/usr/bin/env python3
"""TCP helpers for e2e scenarios.

  tcp.py serve PORT [--unread]   accept forever; --unread: wait for data,
                                 close without reading it (active RST)
  tcp.py linger0 DST PORT        connect, close with SO_LINGER {1, 0}
  tcp.py send DST PORT           connect, send 5 bytes, wait for close
  tcp.py connect DST PORT [T]    connect within T seconds (exit 1 if not)
"""
import socket
import struct
import sys
import time


def family(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def serve(port, unread):
    s = socket.socket(socket.AF_INET6)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
    s.bind(("::", port))
    s.listen(64)
    held = []
    while True:
        c, _ = s.accept()
        if unread:
            c.settimeout(5)
            try:
                c.recv(1, socket.MSG_PEEK)
            except OSError:
                pass
            time.sleep(0.2)
            c.close()
        else:
            held.append(c)


def main(argv):
    cmd = argv[1]
    if cmd == "serve":
        serve(int(argv[2]), "--unread" in argv)
        return 0
    dst, port = argv[2], int(argv[3])
    s = socket.socket(family(dst), socket.SOCK_STREAM)
    s.settimeout(float(argv[4]) if len(argv) > 4 else 3)
    try:
        s.connect((dst, port))
    except OSError as e:
        print(f"connect: {e}", file=sys.stderr)
        return 1
    if cmd == "linger0":
        time.sleep(0.2)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        s.close()
    elif cmd == "send":
        s.sendall(b"hello")
        try:
            s.recv(1)
        except OSError:
            pass
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
