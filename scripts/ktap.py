#!/usr/bin/env python3
"""Counts KUnit results in a kernel log (KTAP, as KUnit prints it to dmesg).

Usage: ktap.py LOG [SUITE...]   prints one line per test case ("PASS
suite.case", "FAIL suite.case" or "SKIP suite.case") and ends with "N
passed, M failed, K skipped".  Exit 1 if any case failed or was skipped, a
suite's results do not match its "1..N" plan, a suite never finished (the
module crashed mid-run, or the guest died before KTAP ended), a SUITE named
on the command line never ran, or no suite ran at all.
"""
import re
import sys

_TS = re.compile(r"^\[\s*\d+\.\d+\]\s?")
_SUBTEST = re.compile(r"^(\s*)# Subtest: (\S+)")
_PLAN = re.compile(r"^(\s*)1\.\.(\d+)\s*$")
_RESULT = re.compile(r"^(\s*)(not ok|ok) (\d+) ([^#]*?)\s*(#\s*(\S+).*)?$")


def parse(lines):
    """Returns a list of (name, status) for every test case in the log,
    status being "PASS", "FAIL" or "SKIP"."""
    results = []
    open_suites = []  # [indent, name, first result index, plan, count]
    for raw in lines:
        line = _TS.sub("", raw.rstrip("\n"))
        m = _SUBTEST.match(line)
        if m:
            open_suites.append([len(m.group(1)), m.group(2), len(results), None, 0])
            continue
        m = _PLAN.match(line)
        if m:
            if open_suites and open_suites[-1][3] is None and len(m.group(1)) >= open_suites[-1][0]:
                open_suites[-1][3] = int(m.group(2))
            continue
        m = _RESULT.match(line)
        if not m:
            continue
        indent, status, name = len(m.group(1)), m.group(2), m.group(4)
        directive = (m.group(6) or "").upper()
        passed = status == "ok"
        if open_suites and open_suites[-1][1] == name and indent < open_suites[-1][0]:
            # The suite's own result line closes it.
            _, suite, first, plan, count = open_suites.pop()
            inner = results[first:]
            if plan is not None and count != plan:
                results.append((f"{suite}.(plan 1..{plan}, {count} results)", "FAIL"))
            if not inner:
                results.append((suite, "PASS" if passed else "FAIL"))
            elif not passed and all(st != "FAIL" for _, st in inner):
                # The suite failed outside its cases (init or exit).
                results.append((suite + ".(suite)", "FAIL"))
            continue
        suite = open_suites[-1][1] if open_suites else "?"
        if open_suites:
            open_suites[-1][4] += 1
        if directive == "SKIP":
            results.append((f"{suite}.{name}", "SKIP"))
        else:
            results.append((f"{suite}.{name}", "PASS" if passed else "FAIL"))
    for _, suite, _, _, _ in open_suites:
        results.append((suite + ".(did not finish)", "FAIL"))
    return results


def suites_seen(results):
    return {name.split(".", 1)[0] for name, _ in results}


def main(path, expected=()):
    with open(path, errors="replace") as f:
        results = parse(f.readlines())
    seen = suites_seen(results)
    for suite in expected:
        if suite not in seen:
            results.append((suite + ".(never ran)", "FAIL"))
    if not results:
        results.append(("kunit.(no suite ran)", "FAIL"))
    counts = {st: sum(1 for _, s in results if s == st) for st in ("PASS", "FAIL", "SKIP")}
    for name, st in results:
        print(f"{st} {name}")
    print(f"{counts['PASS']} passed, {counts['FAIL']} failed, {counts['SKIP']} skipped")
    return 1 if counts["FAIL"] or counts["SKIP"] else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], sys.argv[2:]))
