#!/usr/bin/env bash
# Runs tp end to end on the real flights-3m shards (10 gzip CSV shards, 3,000,000 rows):
# a temporal split on `date`, `delay` as the (integer, so unmapped) label, no dedup.
# Usage: examples/flights.sh [DATA_DIR [OUTPUT_DIR]]
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
data=${1:-"$repo/../shared/data/flights-3m"}
out=${2:-"${TMPDIR:-/tmp}/tp-flights"}

if [ ! -d "$data" ]; then
    echo "flights.sh: data directory not found: $data" >&2
    echo "flights.sh: pass the flights-3m directory as the first argument" >&2
    exit 1
fi

if [ ! -x "$repo/bin/tp-run" ]; then
    echo "flights.sh: $repo/bin/tp-run not found: run make first" >&2
    exit 1
fi

"$repo/bin/tp-run" --force --split temporal:date --label delay --no-dedup "$data" "$out"

echo
echo "== $out/signature/signature"
head -3 "$out/signature/signature"
echo "== $out/metadata/metadata"
head -3 "$out/metadata/metadata"
