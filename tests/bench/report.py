#!/usr/bin/env python3
"""Turns make bench's raw results into tables (markdown) and JSON.

  report.py BENCH_DIR     reads userspace.json and kernel-*.raw, writes
                          kernel-*.json, prints the tables
"""
import glob
import json
import os
import statistics
import sys

TRACERS = [
    ("floor", "an empty probe on skb:kfree_skb (the floor)"),
    ("netdrop-count", "netdrop counting in the kernel (summary)"),
    ("netdrop", "netdrop session recording everything (record -o)"),
    ("netdrop-stack", "the same with --stack"),
    ("netdrop-reject", "netdrop, an address filter rejects everything"),
    ("netdrop-reject-pre", "netdrop, a netns filter rejects everything (before decoding)"),
    ("netdrop-2", "two netdrop sessions recording everything"),
    ("drop_monitor", "drop_monitor (dropwatch summary mode)"),
    ("ftrace", "ftrace skb:kfree_skb with a trace_pipe reader"),
    ("ftrace-reject", "ftrace with a filter rejecting everything"),
    ("perf", "perf record -e skb:kfree_skb"),
    ("bpftrace", "bpftrace counting by location"),
    ("pwru", "pwru 1.0.5 on the drop function (--filter-func), events to a file"),
]


def kernel_results(raw_path):
    costs, storms, info, missing = {}, [], "", []
    with open(raw_path) as f:
        for line in f:
            p = line.split()
            if not p:
                continue
            if p[0] == "kernel":
                info = line.strip()
            elif p[0] == "cost":
                _, name, _, v, b1, b2 = p
                v, b1, b2 = float(v), float(b1), float(b2)
                base = (b1 + b2) / 2
                costs.setdefault(name, []).append({"ns": v, "baseline": base, "overhead": v - base})
            elif p[0] == "storm":
                _, name, drops, ms, rec, lost, shown = p
                storms.append({"config": name, "drops": int(drops), "ms": int(ms), "recorded": int(rec),
                               "lost": int(lost), "delivered": int(shown)})
            elif p[0] == "tracer":
                missing.append(p[1])
    return {"info": info, "costs": costs, "storms": storms, "not_attached": missing}


def kernel_table(name, res):
    lines = [f"### Kernel {name}", "", f"`{res['info']}`", ""]
    costs = res["costs"]
    baselines = [r["baseline"] for rows in costs.values() for r in rows]
    if baselines:
        lines.append(f"Baseline (nothing attached): {statistics.median(baselines):.0f} ns per alloc+free "
                     f"(min {min(baselines):.0f}, max {max(baselines):.0f} over {len(baselines)} measurements)")
        lines.append("")
    ftrace = costs.get("ftrace")
    ftrace_oh = statistics.median([r["overhead"] for r in ftrace]) if ftrace else None
    floor = costs.get("floor")
    floor_oh = statistics.median([r["overhead"] for r in floor]) if floor else None
    lines += ["| tracer | overhead ns/drop (median) | spread (min..max) | / ftrace's overhead | / the floor |",
              "|---|---|---|---|---|"]
    for key, label in TRACERS:
        rows = costs.get(key)
        if not rows:
            why = "did not attach within 120 s" if key in res["not_attached"] else "not measured"
            lines.append(f"| {label} | {why} | | | |")
            continue
        oh = [r["overhead"] for r in rows]
        med = statistics.median(oh)
        ratio = f"{med / ftrace_oh:.2f}" if ftrace_oh and ftrace_oh > 0 else "-"
        fl = f"{med / floor_oh:.1f}x" if floor_oh and floor_oh > 0 else "-"
        lines.append(f"| {label} | {med:.0f} | {min(oh):.0f}..{max(oh):.0f} | {ratio} | {fl} |")
    lines.append("")
    lines += target_lines(costs)
    if res["storms"]:
        lines += ["pktgen storm (64-byte UDP to a closed port, netns to netns over veth):", "",
                  "| config | drops | drops/s | recorded | lost | delivered | recorded + lost = drops |",
                  "|---|---|---|---|---|---|---|"]
        for s in res["storms"]:
            rate = s["drops"] * 1000 / s["ms"] if s["ms"] else 0
            check = "-" if s["config"] == "none" else ("yes" if s["recorded"] + s["lost"] == s["drops"] else "NO")
            lines.append(f"| {s['config']} | {s['drops']} | {rate:.0f} | {s['recorded']} | {s['lost']} | "
                         f"{s['delivered']} | {check} |")
        zero = [s for s in res["storms"] if s["config"] != "none" and s["lost"] == 0]
        if zero:
            lines.append("")
            lines.append(f"Smallest ring without loss at this rate: {zero[0]['config'].split('-')[1]} KiB per CPU.")
        lines.append("")
    return lines


# Issue 18's targets: netdrop's overhead against a peer's, one guest run.
TARGETS = [
    ("netdrop-count", "drop_monitor", "counting in the kernel vs drop_monitor's summary mode"),
    ("netdrop-reject-pre", "ftrace-reject", "a netns filter rejecting vs ftrace's filter rejecting"),
    ("netdrop-reject", "drop_monitor", "an address filter rejecting vs drop_monitor's summary mode"),
    ("netdrop", "ftrace", "recording everything vs ftrace with a trace_pipe reader"),
    ("netdrop", "perf", "recording everything vs perf record"),
    ("netdrop", "pwru", "recording everything vs pwru on the drop function"),
    ("netdrop-count", "floor", "counting in the kernel vs the floor (target: within 2x)"),
]


def target_lines(costs):
    def med(name):
        rows = costs.get(name)
        return statistics.median([r["overhead"] for r in rows]) if rows else None

    out = ["| target | netdrop ns | peer ns | ratio | met |", "|---|---|---|---|---|"]
    for ours, peer, label in TARGETS:
        a, b = med(ours), med(peer)
        if a is None or b is None or b <= 0:
            out.append(f"| {label} | - | - | - | not measured |")
            continue
        limit = 2.0 if peer == "floor" else 1.0
        out.append(f"| {label} | {a:.0f} | {b:.0f} | {a / b:.2f} | {'yes' if a / b <= limit else 'no'} |")
    return out + [""]


def userspace_table(path):
    with open(path) as f:
        data = json.load(f)
    rates = {}
    for b in data["benchmarks"]:
        if b.get("aggregate_name") != "median":
            continue
        rates[b["run_name"].replace("BM_", "")] = b["items_per_second"]
    lines = ["### User space (this host, one core, Google Benchmark, median of 3)", "",
             "| what | records/s | / memcpy of the same bytes |", "|---|---|---|"]
    memcpy = rates.get("Memcpy")
    for name, rate in rates.items():
        ratio = f"{rate / memcpy:.0%}" if memcpy else "-"
        lines.append(f"| {name} | {rate / 1e6:.2f} M | {ratio} |")
    lines.append("")
    return lines, rates


def main():
    d = sys.argv[1]
    out = ["## Performance (make bench)", ""]
    up = os.path.join(d, "userspace.json")
    if os.path.exists(up):
        lines, _ = userspace_table(up)
        out += lines
    for raw in sorted(glob.glob(os.path.join(d, "kernel-*.raw"))):
        name = os.path.basename(raw)[len("kernel-"):-len(".raw")]
        res = kernel_results(raw)
        with open(os.path.join(d, f"kernel-{name}.json"), "w") as f:
            json.dump(res, f, indent=1)
        out += kernel_table(name, res)
    print("\n".join(out))


if __name__ == "__main__":
    main()
