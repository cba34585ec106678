#!/usr/bin/env python3
"""netdrop's records against the kernel's own count of the same tracepoint:
a tracefs hist trigger on skb:kfree_skb (keys location.sym and, where the
event has it, reason) over the same window.

  histcmp.py HIST JSON FROM TO NETNS...

Compares, for every (function, reason) that a netdrop record from one of
the NETNS inodes has, netdrop's count of that pair (every namespace) with
the hist's.  Only netdrop's records stamped inside FROM..TO (epoch seconds,
taken just after the hist was resumed and just before it was paused) count,
so that drops of the guest's own between the two windows' edges (IPv6
multicast, say) fall out of both.  Prints one line a pair, then
"records N": netdrop's drop records from the NETNS inodes in the window,
and "records-icmpv6 N", how many of them are ICMPv6 (proto icmp6).
Where the kernel has no hist triggers, HIST holds "events N", the count of
skb:kfree_skb events traced over the window: then netdrop's drop records
of the window, every namespace, are compared with that total.
Exit 1 on any difference, or when no pair was compared.
"""
import datetime
import json
import re
import sys

_ENTRY = re.compile(r"\{\s*location:\s*\[[0-9a-f]+\]\s+([^\s,\]]+)(?:\s+\[[^\]]+\])?\s*"
                    r"(?:,\s*reason:\s*(\S+?))?\s*\}\s*hitcount:\s*(\d+)")


def hist_counts(path):
    counts = {}
    with open(path) as f:
        for line in f:
            m = _ENTRY.search(line)
            if m:
                key = (m.group(1), m.group(2) or "")
                counts[key] = counts.get(key, 0) + int(m.group(3))
    return counts


def epoch(ts):
    """RFC 3339 with nanoseconds and Z -> epoch seconds."""
    day, frac = ts.rstrip("Z").split(".") if "." in ts else (ts.rstrip("Z"), "0")
    t = datetime.datetime.fromisoformat(day).replace(tzinfo=datetime.timezone.utc)
    return t.timestamp() + float("0." + frac)


def event_total(path):
    with open(path) as f:
        for line in f:
            if line.startswith("events "):
                return int(line.split()[1])
    return None


def main(argv):
    hist = hist_counts(argv[1])
    total = event_total(argv[1])
    t0, t1 = float(argv[3]), float(argv[4])
    netns = {int(n) for n in argv[5:]}
    with open(argv[2]) as f:
        recs = [json.loads(line) for line in f if line.strip()]
    recs = [r for r in recs if t0 <= epoch(r["ts"]) <= t1]
    has_reason = any(r for (_, r) in hist)
    nd, ours, mine, mine_icmp6 = {}, set(), 0, 0
    names = {}
    for r in recs:
        if r.get("type", "drop") != "drop":
            continue
        reason = str(r.get("reason_value", "")) if has_reason else ""
        key = (r["function"], reason)
        names[key] = r.get("reason", "")
        nd[key] = nd.get(key, 0) + 1
        if r.get("netns") in netns:
            ours.add(key)
            mine += 1
            mine_icmp6 += r.get("proto") == "icmp6"
    print(f"records {mine}")
    print(f"records-icmpv6 {mine_icmp6}")
    if not mine:
        print("histcmp: no netdrop record from the scenario's namespaces")
        return 1
    if total is not None:
        drops = sum(nd.values())
        ok = drops == total
        print(f"{'ok' if ok else 'MISMATCH'}: every drop of the window: netdrop {drops}, tracefs events {total}")
        return 0 if ok else 1
    bad = 0
    for key in sorted(ours):
        h = hist.get(key, 0)
        # A hist key may print the reason by name (newer kernels).
        if h == 0 and names.get(key):
            h = hist.get((key[0], names[key]), 0)
        ok = h == nd[key]
        bad += not ok
        print(f"{'ok' if ok else 'MISMATCH'}: {key[0]} {names.get(key) or key[1] or '-'}: "
              f"netdrop {nd[key]}, tracefs {h}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
