#!/usr/bin/env python3
"""The kernel's own counters, read directly: how much one moved between two
snapshots of /proc/net/snmp + /proc/net/netstat (cat'ed into one file).

  snmpdelta.py BEFORE AFTER NAME...   prints each NAME's delta, one a line
  snmpdelta.py --moved BEFORE AFTER   prints "NAME DELTA" for every counter
                                      that moved (what a case touched)

NAME is the table's prefix and the column, as nstat spells it: IpInReceives,
TcpOutRsts, UdpNoPorts, TcpExtTCPAbortOnClose; a /proc/net/snmp6 line
("Udp6NoPorts 3") is read as it is, when that file is cat'ed in too.  A NAME missing from either snapshot is an error
(exit 2), never a zero.
"""
import sys


def load(path):
    counters = {}
    with open(path) as f:
        lines = [line.split() for line in f if line.strip()]
    i = 0
    while i < len(lines):
        head = lines[i]
        values = lines[i + 1] if i + 1 < len(lines) else []
        if head[0].endswith(":") and values and values[0] == head[0] and \
                all(v.lstrip("-").isdigit() for v in values[1:]):
            prefix = head[0][:-1]
            for name, value in zip(head[1:], lines[i + 1][1:]):
                counters[prefix + name] = int(value)
            i += 2
            continue
        if len(head) == 2 and head[1].lstrip("-").isdigit():
            # /proc/net/snmp6 style: "Udp6NoPorts 3"
            counters[head[0]] = int(head[1])
        i += 1
    return counters


def main(argv):
    if argv[1:2] == ["--moved"]:
        before, after = load(argv[2]), load(argv[3])
        for name in sorted(after):
            if name in before and after[name] != before[name]:
                print(name, after[name] - before[name])
        return 0
    before, after = load(argv[1]), load(argv[2])
    for name in argv[3:]:
        if name not in before or name not in after:
            print(f"snmpdelta: no counter {name} in {argv[1] if name not in before else argv[2]}", file=sys.stderr)
            return 2
        print(after[name] - before[name])
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
