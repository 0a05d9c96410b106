#!/bin/sh
# Install DuckDB's Node.js client (pinned) under build/duckdb, once; the tests and the
# benchmark that compare tp with DuckDB run tests/duckdb/duck.js with it. Exits 1 with a
# message when npm is missing or cannot install it (no network): callers then skip.
set -eu
root=$(cd "$(dirname "$0")/../.." && pwd)
dir=$root/build/duckdb
[ -d "$dir/node_modules/@duckdb/node-api" ] && exit 0
command -v npm >/dev/null 2>&1 || { echo "npm is not installed" >&2; exit 1; }
command -v node >/dev/null 2>&1 || { echo "node is not installed" >&2; exit 1; }
mkdir -p "$dir"
if ! npm install --silent --no-audit --no-fund --prefix "$dir" @duckdb/node-api@1.5.6-r.1 >"$dir/npm.log" 2>&1; then
	echo "npm install @duckdb/node-api@1.5.6-r.1 failed (see $dir/npm.log)" >&2
	exit 1
fi
