#!/usr/bin/env bash
# make demo: generate names3risk-style order shards and turn them into train/val/test
# shards with tp-run (dedup on customerId, temporal split on orderDate, label isFraud,
# the text column), then show what came out.
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
demo=${1:-$repo/out/demo}
rm -rf "$demo"
mkdir -p "$demo"
"$repo/bin/tp-gen-orders" -n 8 -r 20000 -x 6 -z -o "$demo/input"
echo "== input: $(ls "$demo/input" | wc -l) shards in $demo/input"
"$repo/bin/tp-run" --label isFraud "$demo/input" "$demo/output"
echo "== signature"
cat "$demo/output/signature/signature"
echo "== metadata"
cat "$demo/output/metadata/metadata"
echo "== first rows of $demo/output/train/part-00000.csv"
head -3 "$demo/output/train/part-00000.csv"
