#!/usr/bin/env bats
# Parquet output (tp-write -f parquet, tp-run -f parquet) read back by an independent
# reader, DuckDB's Node.js client: the same values as tp's CSV output of the same run,
# the types of the metadata, nulls for missing values, every codec, row groups, and
# -j 1 = -j 2 byte for byte. DuckDB is installed once, under build/duckdb, by
# tests/duckdb/install.sh; without it the tests that need it are skipped with a message.

load helper

# need_duck: DuckDB's Node.js client (helper.bash), or skip the test, visibly.
need_duck() {
	duck_require
}

# duckq SQL...: the rows of each statement as CSV, no header (NULL is \N).
duckq() {
	duck --rows "$@"
}

# The missing values of tp (value.h, tp_is_missing), as DuckDB's nullstr list.
NULLS="['', 'NA', 'N/A', 'n/a', 'NaN', 'nan', '-NaN', '-nan', 'NULL', 'null', 'None', '<NA>', '#N/A', '#NA', '#N/A N/A', '1.#IND', '-1.#IND', '1.#QNAN', '-1.#QNAN']"

# duck_type TYPE: the DuckDB type of a metadata type.
duck_type() {
	case $1 in int64) echo BIGINT ;; float64) echo DOUBLE ;; bool) echo BOOLEAN ;; object) echo VARCHAR ;; esac
}

# same_as_csv CSVGLOB PQGLOB: DuckDB reads the CSV files with the Parquet files' column
# types and tp's missing values as nulls; the two multisets of rows are equal (EXCEPT
# ALL both ways is empty, and the counts agree). Prints the row count.
same_as_csv() {
	local cols
	cols=$(duckq "DESCRIBE SELECT * FROM read_parquet('$2')" |
		awk -F, '{ printf "%s'\''%s'\'': '\''%s'\''", (NR > 1 ? ", " : ""), $1, $2 }')
	local c="read_csv('$1', header = true, auto_detect = false, delim = ',', quote = '\"', escape = '\"', columns = {$cols}, nullstr = $NULLS)"
	local p="read_parquet('$2')"
	run duckq "SELECT count(*) FROM (SELECT * FROM $c EXCEPT ALL SELECT * FROM $p)" \
		"SELECT count(*) FROM (SELECT * FROM $p EXCEPT ALL SELECT * FROM $c)" \
		"SELECT count(*) FROM $c" "SELECT count(*) FROM $p"
	[ "$status" -eq 0 ] || flunk "duckdb: $output"
	[ "${lines[0]}" = 0 ] && [ "${lines[1]}" = 0 ] || flunk "$1 and $2 differ: ${lines[0]} rows only in the CSV, ${lines[1]} only in the Parquet"
	[ "${lines[2]}" = "${lines[3]}" ] || flunk "row counts differ: ${lines[2]} in the CSV, ${lines[3]} in the Parquet"
	echo "${lines[2]}"
}

@test "parquet: DuckDB reads tp-run's Parquet as the CSV of the same run, with the metadata's types" {
	need_duck
	gen_orders in -n 3 -r 400 -x 6
	tp-run -q -j 2 in c
	tp-run -q -j 2 -f parquet in p
	expect_same_tree c/metadata p/metadata
	local total=0 s n
	for s in train val test; do
		n=$(same_as_csv "c/$s/*.csv" "p/$s/*.parquet")
		[ "$n" -gt 0 ] || flunk "no $s rows"
		total=$((total + n))
		expect_eq "$(find p/$s -name '*.parquet' | wc -l)" "$(find c/$s -name '*.csv' | wc -l)" "$s files"
	done
	expect_eq "$total" "$(awk '/^rows written/ { print $3 }' p/_tp/report.txt)" "rows"
	# the types: metadata int64 float64 bool object are BIGINT DOUBLE BOOLEAN VARCHAR
	duckq "DESCRIBE SELECT * FROM 'p/train/part-00000.parquet'" | cut -d, -f1,2 >types
	tail -n +2 p/metadata/metadata | while IFS=, read -r name cat type; do
		printf '%s,%s\n' "$name" "$(duck_type "$type")"
	done | expect_file types
	grep -q ',BIGINT$' types && grep -q ',DOUBLE$' types && grep -q ',BOOLEAN$' types ||
		flunk "not every type is there: $(cat types)"
	# missing values are nulls (NA and empty in the generated data)
	run duckq "SELECT count(*) FILTER (WHERE customerName IS NULL), count(*) FILTER (WHERE orderAmount IS NULL), count(*) FILTER (WHERE isFraud IS NULL) FROM 'p/*/*.parquet'"
	[[ $output =~ ^[1-9][0-9]*,[1-9][0-9]*,[1-9][0-9]*$ ]] || flunk "expected nulls in every column kind: $output"
	# the footer: created_by, tp's key/value metadata (the metadata file's text)
	expect_eq "$(duckq "SELECT created_by FROM parquet_file_metadata('p/train/part-00000.parquet')")" "tp version 0.1.0"
	duckq "SELECT decode(value) FROM parquet_kv_metadata('p/train/part-00000.parquet') WHERE key = 'tp.metadata'" >kv
	[ "$(cat kv)" = "\"$(cat p/metadata/metadata)"$'\n'"\"" ] || flunk "tp.metadata: $(cat kv)"
	duckq "SELECT decode(value) FROM parquet_kv_metadata('p/train/part-00000.parquet') WHERE key = 'tp.signature'" >kv
	expect_eq "$(cat kv)" "\"$(cat p/signature/signature)"$'\n'"\"" "tp.signature"
}

@test "parquet: -j 1 and -j 2 give byte-identical Parquet files, for every codec" {
	gen_orders in -n 4 -r 300
	local z
	for z in snappy zstd gzip none; do
		tp-run -q -j 1 -f parquet --compression $z in a-$z
		tp-run -q -j 2 -f parquet --compression $z in b-$z
		expect_same_tree a-$z b-$z _tp
		[ "$(find a-$z -name '*.parquet' | wc -l)" -ge 3 ] || flunk "no Parquet files"
	done
	# the codecs give different files
	! cmp -s a-snappy/train/part-00000.parquet a-zstd/train/part-00000.parquet
	! cmp -s a-none/train/part-00000.parquet a-gzip/train/part-00000.parquet
}

@test "parquet: every codec reads back in DuckDB as the same rows; OUTPUT_FORMAT=parquet in any case" {
	need_duck
	gen_orders in -n 2 -r 300 -x 4
	tp-run -q -f csv in c
	local z want
	for z in snappy zstd gzip none; do
		OUTPUT_FORMAT=PARQUET tp-run -q --compression ${z^^} in p-$z
		want=${z^^}
		[ "$z" = none ] && want=UNCOMPRESSED
		expect_eq "$(duckq "SELECT DISTINCT compression FROM parquet_metadata('p-$z/*/*.parquet')")" "$want" "codec"
		for s in train val test; do same_as_csv "c/$s/*.csv" "p-$z/$s/*.parquet" >/dev/null; done
	done
	# the default is snappy
	tp-run -q -f parquet in d
	expect_same_tree d p-snappy _tp
}

@test "parquet: --row-group-size bounds the rows of a row group; the values stay the same" {
	need_duck
	gen_orders in -n 1 -r 1000
	tp-run -q -f csv in c
	tp-run -q -f parquet --row-group-size 64 in p
	run duckq "SELECT count(DISTINCT row_group_id), max(row_group_num_rows) FROM parquet_metadata('p/train/part-00000.parquet')"
	n=$(body c/train/part-00000.csv | wc -l)
	expect_eq "$output" "$(((n + 63) / 64)),64" "row groups, rows"
	same_as_csv "c/train/*.csv" "p/train/*.parquet" >/dev/null
}

# ctx_stream: a small context (int64, float64, bool, object) and its tp-split stream.
ctx_stream() {
	cat >part-00000.csv <<'EOF'
id,x,ok,name,when
1,1.5,true,plain,2024-01-01
2,,false,"with, comma",2024-01-02
3,-0,TRUE,"say ""hi""",2024-01-03
4,1e308,NA,"two
lines",2024-01-04
,-2.25,False,é ü 漢字,2024-01-05
-9223372036854775808,inf,true,NA,2024-01-06
9223372036854775807,0,true,,2024-01-07
EOF
	tp-scan -o s.sum part-00000.csv
	tp-context -q -c ctx -d meta s.sum
	tp-transform -c ctx part-00000.csv | tp-split -c ctx >sp.csv
}

@test "parquet: tp-write on a small context: values, nulls and types as DuckDB reads them" {
	need_duck
	ctx_stream
	tp-write -c ctx -f parquet out sp.csv
	tp-write -c ctx -f csv outc sp.csv
	cat meta/metadata/metadata >&2
	duckq "DESCRIBE SELECT * FROM read_parquet('out/*/*.parquet')" | cut -d, -f1,2 >types
	printf '%s\n' id,BIGINT x,DOUBLE ok,BOOLEAN name,VARCHAR when,VARCHAR | expect_file types
	# (as DuckDB's text: JavaScript numbers would lose -0)
	duckq "SELECT COLUMNS(*)::VARCHAR FROM read_parquet('out/*/*.parquet') ORDER BY id NULLS FIRST" >rows
	cat >want <<'EOF'
\N,-2.25,false,é ü 漢字,2024-01-05
-9223372036854775808,inf,true,\N,2024-01-06
1,1.5,true,plain,2024-01-01
2,\N,false,"with, comma",2024-01-02
3,-0.0,true,"say ""hi""",2024-01-03
4,1e+308,\N,"two
lines",2024-01-04
9223372036854775807,0.0,true,\N,2024-01-07
EOF
	expect_file rows <want
	for s in $(ls out); do same_as_csv "outc/$s/*.csv" "out/$s/*.parquet" >/dev/null; done
	# statistics: a zero min is written -0.0, a zero max +0.0 (parquet.thrift, ColumnOrder);
	# strings in byte order ('p' < 0xC3); null counts
	q() { duckq "SELECT path_in_schema, stats_min_value, stats_max_value, stats_null_count FROM parquet_metadata('out/$1/part-00000.parquet') ORDER BY column_id"; }
	q val >stats
	printf '%s\n' id,3,3,0 x,-0.0,0.0,0 ok,true,true,0 'name,"say ""hi""","say ""hi""",0' \
		when,2024-01-03,2024-01-03,0 | expect_file stats
	q test | grep '^x,' >stats
	echo 'x,-0.0,1e+308,0' | expect_file stats
	q train | grep -E '^(id|name|ok),' >stats
	printf '%s\n' id,-9223372036854775808,2,1 ok,false,true,0 'name,plain,é ü 漢字,1' | expect_file stats
}

@test "parquet: tp-run's Parquet options: bad values are usage errors naming the option, before any work" {
	gen_orders in -n 1 -r 10
	expect_usage_err "^tp-run: --format: expected csv, tsv, csv.gz, tsv.gz or parquet: 'orc'$" tp-run -f orc in out
	OUTPUT_FORMAT=x run --separate-stderr tp-run in out
	expect_status 2
	[[ ${stderr_lines[0]} == "tp-run: OUTPUT_FORMAT: expected csv, tsv, csv.gz, tsv.gz or parquet: 'x'" ]] || flunk "$stderr"
	expect_usage_err "^tp-run: --compression: expected snappy, zstd, gzip or none: 'lzo'$" \
		tp-run -f parquet --compression lzo in out
	local v
	for v in 0 -5 x 2147483648 99999999999; do
		expect_usage_err "^tp-run: --row-group-size: not an integer in \[1, 2147483647\]: '$v'$" \
			tp-run -f parquet --row-group-size "$v" in out
	done
	expect_usage_err "^tp-run: --compression: only with -f parquet$" tp-run --compression zstd in out
	expect_usage_err "^tp-run: --row-group-size: only with -f parquet$" tp-run -f csv.gz --row-group-size 9 in out
	expect_no_file out
}

@test "parquet: tp-run --resume in another format or codec replaces what it names, nothing else" {
	gen_orders in -n 2 -r 200
	tp-run -q in out
	[ -f out/train/part-00000.csv ]
	touch out/train/notes.parquet out/train/part-00000.parquet.bak out/train/mine.csv
	tp-run -q --resume -f parquet in out
	expect_eq "$(cd out/train && ls | tr '\n' ' ')" \
		"mine.csv notes.parquet part-00000.parquet part-00000.parquet.bak part-00001.parquet "
	cp -r out snap
	# another codec: pass 2 is done again (the completion record names it)
	tp-run -q --resume -f parquet --compression zstd in out
	! cmp -s out/train/part-00000.parquet snap/train/part-00000.parquet
	tp-run -q -f parquet --compression zstd in z
	cmp out/train/part-00000.parquet z/train/part-00000.parquet
	# and back to csv: the Parquet files go
	tp-run -q --resume in out
	expect_eq "$(cd out/train && ls | tr '\n' ' ')" \
		"mine.csv notes.parquet part-00000.csv part-00000.parquet.bak part-00001.csv "
}

@test "parquet: round trip: the demo's orders written as Parquet by tp-run and read back by tp-run give the CSV of the run on the CSV input, byte for byte" {
	tp-gen-orders -n 8 -r 20000 -x 6 -z -o in >/dev/null # as make demo
	tp-run -q --label isFraud in csv
	tp-run -q -j 2 -f parquet --label isFraud in pq
	local s
	for s in train val test; do
		ls pq/$s/part-*.parquet >/dev/null
		# a job without split, dedup or label writes every row as it reads it
		tp-run -q -j 2 --job-type validation --no-dedup pq/$s back-$s
		diff -r csv/$s back-$s/validation
		cmp csv/metadata/metadata back-$s/metadata/metadata
		cmp csv/signature/signature back-$s/signature/signature
	done
	# the missing values spelled NA in the input are empty in both outputs
	grep -q ',NA,' <(zcat in/*.csv.gz)
	! grep -q ',NA,' csv/train/part-00000.csv
}

@test "parquet: the Parquet files of one tp-write share one 64 MiB bound on buffered values (a wide shard)" {
	tp-gen-orders -n 1 -r 25000 -x 800 -o in >/dev/null # 124 MB of CSV, 816 columns
	tp-scan -q -l isFraud -o s in/part-00000.csv
	tp-context -q -c ctx s
	tp-transform -c ctx -n 0 in/part-00000.csv | tp-split -c ctx -n 0 >split.csv
	/usr/bin/time -f '%M' -o rss tp-write -c ctx -f parquet -n 0 out split.csv
	# 64 MiB of values, one chunk being encoded, the libraries: well under the 124 MB read
	# (not under AddressSanitizer or valgrind, whose own memory is counted)
	if [ "${TP_SANITIZE:-0}" != 1 ] && [ "${TP_VALGRIND:-0}" != 1 ]; then
		[ "$(cat rss)" -lt 130000 ] || flunk "tp-write peaked at $(cat rss) KiB"
	fi
	# every split file still reads back as tp's CSV output of the same rows
	tp-write -c ctx -n 0 csv split.csv
	local s
	for s in train val test; do
		tp-scan --rows got.csv -o /dev/null out/$s/part-00000.parquet
		cmp got.csv csv/$s/part-00000.csv
	done
}

@test "parquet: --explode's child tables: DuckDB reads the CSV run's rows, with the child metadata's types and footer" {
	need_duck
	tp-gen-json -n 3 -r 300 -z -o in
	local opts=(--no-dedup --split random --explode items --id id) s n
	tp-run -q "${opts[@]}" in c
	tp-run -q "${opts[@]}" -f parquet in p
	for s in train val test; do
		n=$(same_as_csv "c/items/$s/*.csv" "p/items/$s/*.parquet")
		[ "$n" -gt 0 ] || flunk "no items/$s rows"
	done
	# _parent a string (the --id column is int64), _index int64, the elements' columns
	# as the child metadata types them
	duckq "DESCRIBE SELECT * FROM 'p/items/train/part-00000.parquet'" | cut -d, -f1,2 >types
	tail -n +2 p/items/metadata/metadata | while IFS=, read -r name cat type; do
		printf '%s,%s\n' "$name" "$(duck_type "$type")"
	done | expect_file types
	expect_eq "$(head -n 3 types | tr '\n' ' ')" "_parent,VARCHAR _index,BIGINT sku,VARCHAR " "child types"
	duckq "SELECT decode(value) FROM parquet_kv_metadata('p/items/val/part-00001.parquet') WHERE key = 'tp.metadata'" >kv
	expect_eq "$(cat kv)" "\"$(cat p/items/metadata/metadata)"$'\n'"\"" "tp.metadata"
	duckq "SELECT decode(value) FROM parquet_kv_metadata('p/items/val/part-00001.parquet') WHERE key = 'tp.signature'" >kv
	expect_eq "$(cat kv)" "\"$(cat p/items/signature/signature)"$'\n'"\"" "tp.signature"
	# the main table's footer leaves the array out, as its signature does
	duckq "SELECT decode(value) FROM parquet_kv_metadata('p/train/part-00000.parquet') WHERE key = 'tp.signature'" >kv
	expect_eq "$(cat kv)" "\"$(cat p/signature/signature)"$'\n'"\"" "main tp.signature"
	expect_same_tree c/metadata p/metadata
}

@test "parquet: a directory may mix CSV and Parquet shards with the same columns: the same output as all CSV" {
	need_duck
	tp-gen-orders -n 3 -r 500 -x 4 -o in >/dev/null
	mkdir mixed
	cp in/part-00000.csv in/part-00002.csv mixed/
	# shard 1 as the upstream job writes it: every column a STRING, as Spark would
	duckq "COPY (SELECT * FROM read_csv('in/part-00001.csv', all_varchar = true)) TO 'mixed/part-00001.parquet' (FORMAT parquet)" >/dev/null
	tp-run -q --label isFraud in csv
	tp-run -q --label isFraud mixed mix
	diff -r -x _tp csv mix
	# columns that do not agree are an error naming the shard
	duckq "COPY (SELECT customerId, orderDate FROM read_csv('in/part-00001.csv', all_varchar = true)) TO 'mixed/part-00003.parquet' (FORMAT parquet)" >/dev/null
	run -1 tp-run -q --label isFraud mixed bad
	[[ "$output" == *part-00003.parquet* ]] || flunk "$output"
}
