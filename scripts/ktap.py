#!/usr/bin/env python3
"""Counts KUnit results in a kernel log (KTAP, as KUnit prints it to dmesg).

Usage: ktap.py LOG   prints one line per test case ("PASS suite.case" or
"FAIL suite.case") and ends with "N passed, M failed".  Exit 1 if any case
failed, a suite never finished (the module crashed mid-run), or no suite
ran at all.
"""
import re
import sys

_TS = re.compile(r"^\[\s*\d+\.\d+\]\s?")
_SUBTEST = re.compile(r"^(\s*)# Subtest: (\S+)")
_RESULT = re.compile(r"^(\s*)(not ok|ok) (\d+) ([^#]*?)\s*(#\s*(\S+).*)?$")


def parse(lines):
    """Returns a list of (name, passed) for every test case in the log."""
    results = []
    open_suites = []  # (indent, name)
    for raw in lines:
        line = _TS.sub("", raw.rstrip("\n"))
        m = _SUBTEST.match(line)
        if m:
            open_suites.append((len(m.group(1)), m.group(2), len(results)))
            continue
        m = _RESULT.match(line)
        if not m:
            continue
        indent, status, name = len(m.group(1)), m.group(2), m.group(4)
        directive = (m.group(6) or "").upper()
        passed = status == "ok"
        if open_suites and open_suites[-1][1] == name and indent < open_suites[-1][0]:
            # The suite's own result line closes it.
            _, suite, first = open_suites.pop()
            inner = results[first:]
            if not inner:
                results.append((suite, passed))
            elif not passed and all(ok for _, ok in inner):
                # The suite failed outside its cases (init or exit).
                results.append((suite + ".(suite)", False))
            continue
        if directive == "SKIP":
            continue
        suite = open_suites[-1][1] if open_suites else "?"
        results.append((f"{suite}.{name}", passed))
    for _, suite, _ in open_suites:
        results.append((suite + ".(did not finish)", False))
    return results


def main(path):
    with open(path, errors="replace") as f:
        results = parse(f.readlines())
    passed = sum(1 for _, ok in results if ok)
    failed = len(results) - passed
    for name, ok in results:
        print(("PASS " if ok else "FAIL ") + name)
    if not results:
        print("FAIL kunit.(no suite ran)")
        failed = 1
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
