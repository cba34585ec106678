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


here = os.path.dirname(os.path.abspath(__file__))
suite = unittest.defaultTestLoader.discover(here, pattern="test_*.py")
runner = unittest.TextTestRunner(resultclass=LineResult, verbosity=1)
result = runner.run(suite)
out = sys.argv[1] if len(sys.argv) > 1 else None
text = "\n".join(result.lines) + "\n"
if out:
    with open(out, "w") as f:
        f.write(text)
else:
    print(text, end="")
sys.exit(0 if result.wasSuccessful() else 1)
