#!/bin/bash
# Bench self-test: this scenario must PASS (the control: a true assertion
# after loading the module, beside the two that must fail).
. "$ND_TOP/tests/e2e/lib.sh"
nd_load
assert_eq "$([ -c /dev/netdrop ] && echo yes)" yes "the module made /dev/netdrop"
