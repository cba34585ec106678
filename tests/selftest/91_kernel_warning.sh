#!/bin/bash
# Bench self-test: this scenario must FAIL (the kernel WARNs), although
# every assertion in it holds.
. "$ND_TOP/tests/e2e/lib.sh"
insmod "$(dirname "$ND_MODDIR")/tests/fixtures/nd_warn.ko" || fail "insmod nd_warn.ko"
echo "ok: module loaded"
