#!/usr/bin/env bash
# Build the prebuilt contexts of the fuzz targets from tests/fuzz/sample.csv, one per
# split mode and label/dedup choice: build/fuzz/ctx/N for N = 0..7. The transform and
# split targets pick one by the low three bits of their first input byte, so each line
# here is reachable; the C side reads what it needs from the context itself.
set -eu
out=${1:-build/fuzz/ctx}
sample=tests/fuzz/sample.csv
ctx() { # N "tp-scan options" "tp-context options"
	rm -rf "$out/$1" && mkdir -p "$out/$1"
	# shellcheck disable=SC2086 # the options are word lists
	bin/tp-scan $2 -n 0 -o "$out/$1.sum" "$sample"
	# shellcheck disable=SC2086
	bin/tp-context -q -c "$out/$1" $3 "$out/$1.sum"
	rm -f "$out/$1.sum"
}
ctx 0 "-l label" "" # the default: temporal on orderDate, dedup on customerId
ctx 1 "-l label --no-dedup --split random" "--seed 7"
ctx 2 "-l label --no-dedup --split stratified" ""
ctx 3 "-l label --split stratified" "--train-ratio 0.5"
ctx 4 "-l label --no-dedup --split group:customerId" ""
ctx 5 "--no-dedup --split hash:label" "--seed 12345 --train-ratio 0.6 --test-val-ratio 0.3"
ctx 6 "--no-dedup --split temporal:orderDate" "--concat ids=customerId,v.x"
ctx 7 "-l label --split none" "--job-type validation"
