#!/usr/bin/env bash
# Seed inputs for the fuzz targets, written to DIR/TARGET (make fuzz-corpus merges them
# into tests/fuzz/corpus/TARGET): tests/fuzz/sample.csv, and what the tools make of it,
# under option bytes that reach each split mode, bad-row policy and format, and gzip
# files (valid, truncated, two members, trailing junk, a bad checksum) for the reader
# and tp-scan, Parquet files and tp streams for the reader, tp streams for tp-split and
# tp-write. The option bytes are described at the
# top of each target's source.
# Needs bin/ and build/fuzz/ctx (tests/fuzz/contexts.sh).
set -eu
dir=${1:-build/fuzz/seeds}
ctx=${2:-build/fuzz/ctx}
sample=tests/fuzz/sample.csv
tmp=$dir/tmp
rm -rf "$dir" && mkdir -p "$dir/reader" "$dir/scan" "$dir/transform" "$dir/split" "$dir/write" "$tmp"

# seed TARGET NAME HEXBYTES FILE: the option bytes, then the file
seed() {
	{ printf "$(printf '%s' "$3" | sed 's/../\\x&/g')" && cat "$4"; } >"$dir/$1/$2"
}

tr , '\t' <"$sample" >"$tmp/sample.tsv"
tail -n +2 "$sample" >"$tmp/rows.csv"
gzip -9nc "$sample" >"$tmp/gz"
head -c 150 "$tmp/gz" >"$tmp/gz-cut"
head -n 6 "$sample" | gzip -nc >"$tmp/gz-2" && tail -n +7 "$sample" | gzip -nc >>"$tmp/gz-2"
{ cat "$tmp/gz" && echo 'junk,after,the,member'; } >"$tmp/gz-junk"
{ head -c $(($(wc -c <"$tmp/gz") - 8)) "$tmp/gz" && printf '\0\0\0\0\0\0\0\0'; } >"$tmp/gz-crc"
printf '' | gzip -nc >"$tmp/gz-empty"
gzip -nc "$tmp/sample.tsv" >"$tmp/gz-tsv"

# reader: byte 0 = TSV, policy, gzip mode; byte 1 = where to cut
for o in 00 02 04 06 08 0a 10 12 18 1a; do
	seed reader "plain-$o" "${o}80" "$sample"
done
seed reader tsv 0180 "$tmp/sample.tsv"
seed reader tsv-gz-2 1140 "$tmp/sample.tsv"
for g in gz gz-cut gz-2 gz-junk gz-crc gz-empty; do
	seed reader "$g" 0200 "$tmp/$g"
done
seed reader gz-tsv 0300 "$tmp/gz-tsv"
# JSON (json.h): JSON Lines, a document array (pretty-printed and on one line), one
# record, --records-like nesting, bad lines under each policy, gzip and truncated gzip
json=tests/fuzz/sample.jsonl
{ printf '[\n' && sed '/^$/d; $!s/$/,/' "$json" && printf ']\n'; } >"$tmp/doc.json"
{ printf '{"type": "X", "features": ' && tr -d '\n' <"$tmp/doc.json" && printf '}'; } >"$tmp/one.json"
{ head -n 2 "$json" && printf '{"a": 1,, }\n[1, 2]\n"s"\n{"a": \n' && tail -n 2 "$json"; } >"$tmp/bad.jsonl"
gzip -9nc "$json" >"$tmp/gz-json"
for o in 00 02 04 08 10 18; do
	seed reader "json-$o" "${o}80" "$json"
	seed reader "json-bad-$o" "${o}80" "$tmp/bad.jsonl"
done
seed reader json-doc 0080 "$tmp/doc.json"
seed reader json-doc-cut 1880 "$tmp/doc.json"
seed reader json-one 0080 "$tmp/one.json"
seed reader gz-json 0200 "$tmp/gz-json"

# Parquet: the Apache test corpus files up to 64 KiB (when ../shared is there) and the
# hand-written hostile files of tests/fuzz/hostile.py, as given under the fail policy;
# a few also gzipped in one member (read through the unlinked copy) and under skip
pq=${PARQUET_TESTING:-../shared/data/parquet-testing}
python3 tests/fuzz/hostile.py "$tmp/hostile" >/dev/null
for f in "$pq"/*.parquet "$pq"/bad_data/*.parquet "$tmp"/hostile/*.parquet; do
	[ -f "$f" ] && [ "$(stat -c %s "$f")" -le 65536 ] || continue
	seed reader "pq-${f##*/}" 0000 "$f"
done
for f in alltypes_plain nested_lists.snappy nullable.impala; do
	[ -f "$pq/$f.parquet" ] || continue
	seed reader "pq-gz-$f" 0800 "$pq/$f.parquet"
	seed reader "pq-skip-$f" 0600 "$pq/$f.parquet"
done

# scan: byte 0 = split mode, label, dedup, policy; byte 1 = tsv, distinct, -s, gzip, -n
for a in 00 08 09 0a 0b 0c 0d 0e 0f 18 28 38 48 88 c8 4b 8c; do
	seed scan "s-$a" "${a}02" "$sample"
done
# scan on JSON Lines: label, dedup on customerId, skip; a label no record has (absent)
for a in 00 08 28 48; do
	seed scan "json-$a" "${a}00" "$json"
done
seed scan tsv 4801 "$tmp/sample.tsv"
seed scan headerless 4806 "$tmp/rows.csv"
seed scan gzip-here 4b18 "$sample"
for g in gz gz-cut gz-2 gz-junk gz-crc gz-empty; do
	seed scan "$g" 4802 "$tmp/$g"
done
seed scan gz-tsv 8b03 "$tmp/gz-tsv"

# transform: byte 0 = context, policy, tsv, -s, -n 1; split: its output, byte 0 =
# context, policy, audit, shard; write: tp-split's output, byte 0 = format, policy,
# -c, -r, -n 7, -q, byte 1 = Parquet, its codec, small row groups
for n in 0 1 2 3 4 5 6 7; do
	for p in 0 8 16 24 128; do
		seed transform "t-$n-$p" "$(printf %02x $((n + p)))" "$sample"
	done
	seed transform "tsv-$n" "$(printf %02x $((n + 32)))" "$tmp/sample.tsv"
	seed transform "headerless-$n" "$(printf %02x $((n + 64)))" "$tmp/rows.csv"
	bin/tp-transform -c "$ctx/$n" -n 0 "$sample" >"$tmp/x-$n.csv"
	for p in 0 8 24 32 40 64 128; do
		seed split "s-$n-$p" "$(printf %02x $((n + p)))" "$tmp/x-$n.csv"
	done
	bin/tp-split -c "$ctx/$n" -n 0 "$tmp/x-$n.csv" >"$tmp/y-$n.csv"
	for p in 0 1 2 3 4 8 12 32 64 128; do
		seed write "w-$n-$p" "$(printf %02x00 "$p")" "$tmp/y-$n.csv"
	done
	for q in 1 3 5 7 9 15; do
		seed write "wpq-$n-$q" "$(printf 20%02x "$q")" "$tmp/y-$n.csv"
	done
	# the same through the tp stream (tp-transform --stream, tp-formats(5))
	bin/tp-transform -c "$ctx/$n" -n 0 --stream "$sample" >"$tmp/x-$n.tps"
	for p in 0 8 24 64; do
		seed split "st-$n-$p" "$(printf %02x $((n + p)))" "$tmp/x-$n.tps"
	done
	bin/tp-split -c "$ctx/$n" -n 0 "$tmp/x-$n.tps" >"$tmp/y-$n.tps"
	for p in 0 1 2 8 32; do
		seed write "wst-$n-$p" "$(printf %02x00 "$p")" "$tmp/y-$n.tps"
	done
	seed write "wstpq-$n" 2003 "$tmp/y-$n.tps"
	seed reader "stream-$n" 0080 "$tmp/y-$n.tps"
	seed reader "stream-skip-$n" 0280 "$tmp/y-$n.tps"
done
seed write w-ctx 1000 "$tmp/y-1.csv"
seed write w-ctx-report 3300 "$tmp/y-1.csv"
rm -rf "$tmp"
