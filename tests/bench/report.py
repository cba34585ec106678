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
    ("netdrop", "netdrop session recording everything (record -o)"),
    ("netdrop-stack", "the same with --stack"),
    ("netdrop-reject", "netdrop, kernel filter rejects everything"),
    ("netdrop-2", "two netdrop sessions recording everything"),
    ("drop_monitor", "drop_monitor (dropwatch summary mode)"),
    ("ftrace", "ftrace skb:kfree_skb with a trace_pipe reader"),
    ("ftrace-reject", "ftrace with a filter rejecting everything"),
    ("perf", "perf record -e skb:kfree_skb"),
    ("bpftrace", "bpftrace counting by location"),
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
    lines += ["| tracer | overhead ns/drop (median) | spread (min..max) | / ftrace's overhead |",
              "|---|---|---|---|"]
    for key, label in TRACERS:
        rows = costs.get(key)
        if not rows:
            why = "did not attach within 120 s" if key in res["not_attached"] else "not measured"
            lines.append(f"| {label} | {why} | | |")
            continue
        oh = [r["overhead"] for r in rows]
        med = statistics.median(oh)
        ratio = f"{med / ftrace_oh:.2f}" if ftrace_oh and ftrace_oh > 0 else "-"
        lines.append(f"| {label} | {med:.0f} | {min(oh):.0f}..{max(oh):.0f} | {ratio} |")
    lines.append("")
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
