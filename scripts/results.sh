#!/bin/sh
# Sourced by suite scripts: results_init SUITE empties
# build/results/SUITE.txt and sets $results; result PASS|FAIL NAME appends
# "PASS SUITE/NAME" (and says a failure on stderr).
results_init() {
	suite=$1
	results="$top/build/results/$suite.txt"
	mkdir -p "$(dirname "$results")"
	: >"$results"
}

result() {
	echo "$1 $suite/$2" >>"$results"
	[ "$1" = PASS ] || echo "$suite: FAIL $2" >&2
}
