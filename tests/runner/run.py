#!/usr/bin/env python3
"""Runs the bench's own tests; prints PASS/FAIL lines for make check."""
import os
import sys
import unittest


class LineResult(unittest.TextTestResult):
    def __init__(self, *a, **k):
        super().__init__(*a, **k)
        self.lines = []

    def addSuccess(self, test):
        super().addSuccess(test)
        self.lines.append(f"PASS runner/{test.id()}")

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self.lines.append(f"FAIL runner/{test.id()}")

    def addError(self, test, err):
        super().addError(test, err)
        self.lines.append(f"FAIL runner/{test.id()}")

    def addSubTest(self, test, subtest, err):
        # A failing subTest is not reported through addFailure: without
        # this, a test whose every case is a subTest would print nothing.
        super().addSubTest(test, subtest, err)
        if err is not None:
            self.lines.append(f"FAIL runner/{subtest.id()}")

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        self.lines.append(f"SKIP runner/{test.id()} ({reason})")

    def addExpectedFailure(self, test, err):
        super().addExpectedFailure(test, err)
        self.lines.append(f"FAIL runner/{test.id()} (expected failure: none may be expected)")

    def addUnexpectedSuccess(self, test):
        super().addUnexpectedSuccess(test)
        self.lines.append(f"FAIL runner/{test.id()} (unexpected success)")


here = os.path.dirname(os.path.abspath(__file__))
suite = unittest.defaultTestLoader.discover(here, pattern="test_*.py")
runner = unittest.TextTestRunner(resultclass=LineResult, verbosity=1)
result = runner.run(suite)
out = sys.argv[1] if len(sys.argv) > 1 else None
if not result.lines:
    result.lines.append("FAIL runner/(no test ran)")
text = "\n".join(result.lines) + "\n"
if out:
    with open(out, "w") as f:
        f.write(text)
else:
    print(text, end="")
sys.exit(0 if result.wasSuccessful() and not result.skipped else 1)
