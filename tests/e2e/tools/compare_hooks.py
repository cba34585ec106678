#!/usr/bin/env python3
"""Compares `nft list hooks` with dump-hooks --json, both ways: every hook
nft prints is in dump-hooks (same family, hook, priority, and function or
table and chain), and every hook dump-hooks lists of a family nft prints
without a device (ip, ip6, inet as ip and ip6, arp, bridge) is in nft's.

usage: compare_hooks.py NFT_OUTPUT DUMP_JSON
"""
import json
import re
import sys

FAMILY = {"ip": "ipv4", "ip6": "ipv6", "arp": "arp", "bridge": "bridge", "netdev": "netdev"}
HOOK = {"input": "local-in", "output": "local-out", "prerouting": "prerouting",
        "forward": "forward", "postrouting": "postrouting", "ingress": "ingress", "egress": "egress",
        "in": "in", "out": "out"}


def nft_hooks(text):
    family = hook = None
    for line in text.splitlines():
        line = line.strip()
        m = re.match(r"family (\S+) \{", line)
        if m:
            family = FAMILY.get(m.group(1), m.group(1))
            continue
        m = re.match(r"hook (\S+)(?: device (\S+))? \{", line)
        if m:
            hook = HOOK.get(m.group(1), m.group(1))
            continue
        m = re.match(r"([+-]?\d+) (.*)$", line)
        if not m or family is None:
            continue
        prio, what = int(m.group(1)), m.group(2)
        c = re.match(r"chain (\S+) (\S+) (\S+)", what)
        if c:
            yield {"family": family, "hook": hook, "priority": prio, "table": c.group(2), "chain": c.group(3)}
        else:
            yield {"family": family, "hook": hook, "priority": prio, "function": what.split()[0]}


def same(w, h):
    """Whether dump-hooks record h is nft's hook w."""
    return all(h.get(k) == v for k, v in w.items())


def main(nft_path, dump_path):
    with open(nft_path) as f:
        want = list(nft_hooks(f.read()))
    with open(dump_path) as f:
        have = [json.loads(line) for line in f if line.strip()]
    missing = [w for w in want if not any(same(w, h) for h in have)]
    for m in missing:
        print("missing from dump-hooks:", m)
    listed = {"ipv4", "ipv6", "arp", "bridge"}
    extra = [h for h in have if h.get("family") in listed and not any(same(w, h) for w in want)]
    for e in extra:
        print("missing from nft list hooks:", {k: e.get(k) for k in ("family", "hook", "priority", "function", "table", "chain")})
    print(f"{len(want)} hooks from nft, {len(missing)} missing; "
          f"{sum(1 for h in have if h.get('family') in listed)} from dump-hooks, {len(extra)} missing")
    return 1 if missing or extra or not want else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2]))
