#!/usr/bin/env python3
"""Fails (exit 1) when a kernel log holds a report the tests must not cause.

Usage: dmesg_check.py LOG [LOG...]   (a missing LOG is skipped)
       dmesg_check.py --boot-only LOG [LOG...]
Prints each offending line with its file.  Imported by the runner's tests.

--boot-only exits 0 only when there are reports and every one of them came
before TESTS_START (written to the kernel log by the guest's init just
before the tests run): the kernel failed on its own, while booting, and
the runner boots again once instead of blaming the tests.
"""
import re
import sys

# Each pattern is a report the kernel prints when something went wrong.
# Lower-case banners such as "kasan: KernelAddressSanitizer initialized" or
# "kmemleak: Kernel memory leak detector initialized" are not reports.
REPORT_PATTERNS = [
    r"\bBUG: ",                        # BUG: KASAN, BUG: sleeping function..., BUG: unable to handle
    r"kernel BUG at ",
    r"\bWARNING: ",                    # WARN(), lockdep, suspicious RCU usage
    r"\bOops\b",
    r"general protection fault",
    r"Kernel panic",
    r"\bKASAN: ",
    r"UBSAN: ",
    r"possible circular locking dependency",
    r"possible recursive locking",
    r"inconsistent lock state",
    r"unreferenced object 0x",         # kmemleak
    r"kmemleak: \d+ new suspected memory leaks",
    r"INFO: task .* blocked for more than",
    r"INFO: rcu_\w+ (self-)?detected stall",
    r"rcu: INFO: rcu_\w+ (self-)?detected stall",
    r"soft lockup",
    r"hard LOCKUP",
    r"list_(add|del) corruption",
    r"refcount_t: ",
]
_REPORT = re.compile("|".join(f"(?:{p})" for p in REPORT_PATTERNS))


TESTS_START = "netdrop-guest: tests start"


def find_reports(lines):
    """Returns the lines that are kernel reports."""
    return [line for line in lines if _REPORT.search(line)]


def boot_only(lines):
    """True when there are reports and all precede TESTS_START."""
    seen_start = False
    before = after = 0
    for line in lines:
        if TESTS_START in line:
            seen_start = True
            continue
        if _REPORT.search(line):
            if seen_start:
                after += 1
            else:
                before += 1
    return seen_start and before > 0 and after == 0


def main(paths):
    bad = False
    seen = set()
    for path in paths:
        try:
            with open(path, errors="replace") as f:
                lines = f.read().splitlines()
        except FileNotFoundError:
            continue
        for line in find_reports(lines):
            key = re.sub(r"^\[[ \d.]+\] ", "", line)
            if key in seen:
                continue
            seen.add(key)
            print(f"kernel report in {path}: {line.strip()}")
            bad = True
    return 1 if bad else 0


def main_boot_only(paths):
    for path in paths:
        try:
            with open(path, errors="replace") as f:
                if boot_only(f.read().splitlines()):
                    return 0
        except FileNotFoundError:
            continue
    return 1


if __name__ == "__main__":
    if sys.argv[1:2] == ["--boot-only"]:
        sys.exit(main_boot_only(sys.argv[2:]))
    sys.exit(main(sys.argv[1:]))
