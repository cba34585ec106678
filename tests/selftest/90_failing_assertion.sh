#!/bin/bash
# Bench self-test: this scenario must FAIL (a false assertion).
. "$ND_TOP/tests/e2e/lib.sh"
assert_eq "1" "2" "a deliberately false assertion"
