#!/usr/bin/env bats
# Parquet input: the Apache Parquet test corpus, values as text, types from the schema,
# bad files, gzip and pipes, and the flights job on Polars' Parquet.

load helper

PQ=$TP_ROOT/../shared/data/parquet-testing
FLIGHTS_PQ=$TP_ROOT/../shared/data/flights-3m-parquet
FLIGHTS_CSV=$TP_ROOT/../shared/data/flights-3m

need_corpus() {
	[ -d "$PQ" ] || skip "../shared/data/parquet-testing is not there"
}

# rows FILE: the rows tp reads from FILE, as CSV.
rows() {
	tp-scan --rows - -o /dev/null "$@"
}

# Every file of the corpus with a flat or nested schema, and its row count (as DuckDB
# counts them).
corpus_counts() {
	cat <<'EOF'
alltypes_dictionary 2
alltypes_plain 8
alltypes_plain.snappy 2
alltypes_tiny_pages 7300
alltypes_tiny_pages_plain 7300
binary 12
binary_truncated_min_max 12
byte_array_decimal 24
byte_stream_split.zstd 300
column_chunk_key_value_metadata 0
data_index_bloom_encoding_stats 14
datapage_v1-snappy-compressed-checksum 5120
datapage_v2.snappy 5
datapage_v2_empty_datapage.snappy 1
delta_binary_packed 200
delta_encoding_optional_column 100
delta_length_byte_array 1000
dict-page-offset-zero 39
fixed_length_decimal 24
fixed_length_decimal_legacy 24
float16_nonzeros_and_nans 8
hadoop_lz4_compressed 4
int32_decimal 24
int32_with_null_pages 1000
int64_decimal 24
list_columns 3
lz4_raw_compressed 4
map_no_value 3
nan_in_stats 2
nested_lists.snappy 3
nested_maps.snappy 6
null_list 1
nullable.impala 7
nulls.snappy 8
page_v2_empty_compressed 10
rle-dict-snappy-checksum 1000
rle_boolean_encoding 68
single_nan 1
unknown-logical-type 3
EOF
}

@test "parquet: every file of the corpus is read, with its row count" {
	need_corpus
	local f n got
	[ "$(corpus_counts | wc -l)" -eq "$(ls "$PQ"/*.parquet | grep -vc corrupt-checksum)" ]
	while read -r f n; do
		run -0 tp-scan -o sum "$PQ/$f.parquet"
		got=$(sum_field sum rows rows)
		expect_eq "$got" "$n" "$f: rows"
		run -0 rows "$PQ/$f.parquet"
		expect_eq "$(printf '%s\n' "$output" | python3 -c 'import csv,sys; print(sum(1 for _ in csv.reader(sys.stdin)) - 1)')" \
			"$n" "$f: CSV records"
	done < <(corpus_counts)
}

@test "parquet: the files that come with *_expect.csv give exactly the expected values" {
	need_corpus
	local e
	for e in "$PQ"/*_expect.csv; do
		rows "${e%_expect.csv}.parquet" >got.csv
		python3 - "$e" got.csv <<'EOF'
import csv, sys
want = list(csv.reader(open(sys.argv[1], newline='')))
got = list(csv.reader(open(sys.argv[2], newline='')))
assert [c.strip() for c in want[0]] == got[0], (want[0], got[0])
assert len(want) == len(got), (len(want), len(got))
for i, (w, g) in enumerate(zip(want[1:], got[1:]), 1):
    assert w == g, (sys.argv[1], i, w, g)
EOF
	done
}

@test "parquet: values as text (integers, shortest floats, booleans, INT96, decimals, binary)" {
	need_corpus
	run -0 rows "$PQ/alltypes_plain.parquet"
	expect_eq "${lines[0]}" "id,bool_col,tinyint_col,smallint_col,int_col,bigint_col,float_col,double_col,date_string_col,string_col,timestamp_col"
	expect_eq "${lines[2]}" "5,false,1,1,1,10,1.1,10.1,03/01/09,1,2009-03-01 00:01:00"
	run -0 rows "$PQ/alltypes_tiny_pages.parquet"
	expect_eq "${lines[9]}" "130,true,0,0,0,0,0,0,01/14/09,0,2009-01-14 01:10:05.85,2009,1"
	run -0 rows "$PQ/int32_decimal.parquet"
	expect_eq "${lines[1]}" "1.00"
	expect_eq "${lines[24]}" "24.00"
	run -0 rows "$PQ/fixed_length_decimal_legacy.parquet"
	expect_eq "${lines[3]}" "3.00"
	run -0 rows "$PQ/float16_nonzeros_and_nans.parquet"
	expect_eq "$(printf '%s,' "${lines[@]}")" 'x,"",1,-2,NaN,0,-1,-0,2,'
	run -0 rows "$PQ/nan_in_stats.parquet"
	expect_eq "$(printf '%s,' "${lines[@]}")" 'x,1,NaN,'
	# BYTE_ARRAY without a text annotation: control bytes and bytes that are not UTF-8 as \xHH
	run -0 rows "$PQ/binary.parquet"
	expect_eq "${lines[1]}" '\x00'
	expect_eq "${lines[11]}" '\x0a'
	run -0 rows "$PQ/binary_truncated_min_max.parquet"
	expect_eq "${lines[12]}" 'Kevin Bacon,Kevin Bacon,🚀Kevin Bacon,\xff\xff\x01\x02,Ke,Ke'
	run -0 rows "$PQ/byte_stream_split.zstd.parquet"
	expect_eq "${lines[1]}" "1.7640524,-1.3065268517353166"
}

@test "parquet: LIST and MAP columns hold compact JSON, STRUCT leaves are columns a.b" {
	need_corpus
	rows "$PQ/list_columns.parquet" >got.csv
	expect_file got.csv <<'EOF'
int64_list,utf8_list
"[1,2,3]","[""abc"",""efg"",""hij""]"
"[null,1]",
[4],"[""efg"",null,""hij"",""xyz""]"
EOF
	run -0 rows "$PQ/nested_maps.snappy.parquet"
	expect_eq "${lines[1]}" '"{""a"":{""1"":true,""2"":false}}",1,1'
	expect_eq "${lines[3]}" '"{""c"":null}",1,1'
	expect_eq "${lines[4]}" '"{""d"":{}}",1,1'
	run -0 rows "$PQ/nested_lists.snappy.parquet"
	expect_eq "${lines[1]}" '"[[[""a"",""b""],[""c""]],[null,[""d""]]]",1'
	run -0 rows "$PQ/null_list.parquet"
	expect_eq "${lines[1]}" "[]"
	rows "$PQ/nullable.impala.parquet" >got.csv
	expect_file got.csv <<'EOF'
id,int_array,int_array_Array,int_map,int_Map_Array,nested_struct
1,"[1,2,3]","[[1,2],[3,4]]","{""k1"":1,""k2"":100}","[{""k1"":1}]","{""A"":1,""b"":[1],""C"":{""d"":[[{""E"":10,""F"":""aaa""},{""E"":-10,""F"":""bbb""}],[{""E"":11,""F"":""c""}]]},""g"":{""foo"":{""H"":{""i"":[1.1]}}}}"
2,"[null,1,2,null,3,null]","[[null,1,2,null],[3,null,4],[],null]","{""k1"":2,""k2"":null}","[{""k3"":null,""k1"":1},null,{}]","{""A"":null,""b"":[null],""C"":{""d"":[[{""E"":null,""F"":null},{""E"":10,""F"":""aaa""},{""E"":null,""F"":null},{""E"":-10,""F"":""bbb""},{""E"":null,""F"":null}],[{""E"":11,""F"":""c""},null],[],null]},""g"":{""g1"":{""H"":{""i"":[2.2,null]}},""g2"":{""H"":{""i"":[]}},""g3"":null,""g4"":{""H"":{""i"":null}},""g5"":{""H"":null}}}"
3,[],[null],{},"[null,null]","{""A"":null,""b"":null,""C"":{""d"":[]},""g"":{}}"
4,,[],{},[],"{""A"":null,""b"":null,""C"":{""d"":null},""g"":null}"
5,,,{},,"{""A"":null,""b"":null,""C"":null,""g"":{""foo"":{""H"":{""i"":[2.2,3.3]}}}}"
6,,,,,
7,,"[null,[5,6]]","{""k1"":null,""k3"":null}",,"{""A"":7,""b"":[2,3,null],""C"":{""d"":[[],[null],null]},""g"":null}"
EOF
	# a STRUCT whose leaf is null in every row: one column b_struct.b_c_int, all missing
	run -0 rows "$PQ/nulls.snappy.parquet"
	expect_eq "${lines[0]}" "b_struct.b_c_int"
	expect_eq "${lines[1]}" '""'
}

@test "parquet: the same values as DuckDB reads from every flat file of the corpus" {
	need_corpus
	duck_require
	local f n
	while read -r f n; do
		case $f in list_columns | map_no_value | nested_* | null_list | nullable.impala | nulls.snappy | hadoop_lz4_compressed | datapage_v2.snappy) continue ;; esac
		duck "SELECT * FROM read_parquet('$PQ/$f.parquet')" >duck.csv
		rows "$PQ/$f.parquet" >tp.csv
		# DuckDB writes 1.0 where tp writes the shortest form 1, nan for NaN, \x0A for
		# \x0a and nothing for a lone null: compare values, not spellings
		python3 - "$f" <<'EOF'
import csv, math, struct, sys
def f32(x):
    try:
        return struct.unpack('f', struct.pack('f', x))[0]
    except OverflowError:
        return x
def norm(v):
    if v in ('', '""'):
        return ''
    try:
        x = float(v)
        return 'nan' if math.isnan(x) else repr(x)
    except ValueError:
        return v.lower() if v.startswith('\\x') else v
d = [[norm(v) for v in r] for r in csv.reader(open('duck.csv', newline=''))]
t = [[norm(v) for v in r] for r in csv.reader(open('tp.csv', newline=''))]
d = [r if r else [''] for r in d]
assert d[0] == t[0], (sys.argv[1], d[0], t[0])
assert len(d) == len(t), (sys.argv[1], len(d), len(t))
# DuckDB's client widens a FLOAT to a double (1.100000023841858): equal at float precision
def same(a, b):
    if a == b:
        return True
    try:
        return f32(float(a)) == f32(float(b))
    except ValueError:
        return False
for i, (a, b) in enumerate(zip(d, t)):
    assert len(a) == len(b) and all(same(x, y) for x, y in zip(a, b)), (sys.argv[1], i, a, b)
EOF
	done < <(corpus_counts)
}

@test "parquet: types in the context come from the schema, strings are inferred from their values" {
	need_corpus
	mkdir in
	cp "$PQ/alltypes_plain.parquet" in/part-00000.parquet
	run -0 tp-run -q --split random --no-dedup in out
	# float_col and double_col hold whole numbers only in some rows: float64 from the
	# schema; string_col is BYTE_ARRAY holding "0" and "1": int64 from its values;
	# the INT96 timestamps are text (object), bool_col is BOOLEAN
	expect_file out/metadata/metadata <<'EOF'
varname,iscategory,datatype
id,false,int64
bool_col,false,bool
tinyint_col,false,int64
smallint_col,false,int64
int_col,false,int64
bigint_col,false,int64
float_col,false,float64
double_col,false,float64
date_string_col,true,object
string_col,false,int64
timestamp_col,true,object
EOF
	# a DOUBLE column whose values are all whole numbers is still float64
	mkdir in2
	cp "$PQ/lz4_raw_compressed.parquet" in2/part-00000.parquet
	run -0 tp-run -q --split random --no-dedup in2 out2
	grep -qx 'v11,false,float64' out2/metadata/metadata
}

@test "parquet: found by its magic bytes whatever its name, also gzipped, also from a pipe" {
	need_corpus
	rows "$PQ/alltypes_plain.parquet" >want.csv
	cp "$PQ/alltypes_plain.parquet" part-00003.csv
	rows part-00003.csv >got.csv
	cmp want.csv got.csv
	gzip -c "$PQ/alltypes_plain.parquet" >part-00004.parquet.gz
	rows part-00004.parquet.gz >got.csv
	cmp want.csv got.csv
	rows - <"$PQ/alltypes_plain.parquet" >got.csv
	cmp want.csv got.csv
	cat "$PQ/alltypes_plain.parquet" | rows - >got.csv
	cmp want.csv got.csv
	# Spark's names give the shard number: part-00042-<uuid>-c000.snappy.parquet is 42
	cp "$PQ/alltypes_plain.parquet" part-00042-5f2c1a3e-0b1d-4c6e-9b0a-1d2e3f4a5b6c-c000.snappy.parquet
	run -0 tp-scan part-00042-5f2c1a3e-0b1d-4c6e-9b0a-1d2e3f4a5b6c-c000.snappy.parquet
	[[ "$output" == *$'\nshard\t42\n'* ]]
	# pass 2 checks that it reads the bytes pass 1 read: size and CRC of the file
	run -0 tp-scan part-00004.parquet.gz
	[[ "$output" == *$'\ninput\t'"$(stat -c %s part-00004.parquet.gz)"$'\t'* ]]
}

@test "parquet: a signature gives the names of a Parquet shard's columns, and must match their number" {
	need_corpus
	printf 'a,b\n' >sig
	run -1 tp-scan -s sig -o /dev/null "$PQ/lz4_raw_compressed.parquet"
	expect_eq "$output" "tp-scan: $PQ/lz4_raw_compressed.parquet: the Parquet schema has 3 columns, the signature 2"
	printf 'a,b,c\n' >sig
	run -0 tp-scan --rows - -o /dev/null -s sig "$PQ/lz4_raw_compressed.parquet"
	expect_eq "${lines[0]}" "a,b,c"
	# the header once (it was delivered twice, and leaked, with a signature)
	expect_eq "${#lines[@]}" 5
}

@test "parquet: every file of bad_data/ and a bad page CRC are data errors with a message, never a crash" {
	need_corpus
	local f
	for f in "$PQ"/bad_data/*.parquet "$PQ/datapage_v1-corrupt-checksum.parquet"; do
		run -1 --separate-stderr tp-scan -o sum "$f"
		expect_eq "$output" "" "stdout for $f"
		[[ "$stderr" == "tp-scan: $f: "* ]] || flunk "$f: $stderr"
		[ ! -s sum ]
	done
	run -1 tp-scan -o /dev/null "$PQ/datapage_v1-corrupt-checksum.parquet"
	[[ "$output" == *"column 'a': page CRC mismatch (page says bbce3b9d, data has 0f4f6d0a)" ]]
	run -1 tp-scan -o /dev/null "$PQ/bad_data/PARQUET-1481.parquet"
	[[ "$output" == *"footer: unknown physical type -7"* ]] || [[ "$output" == *"physical type"* ]]
	run -1 tp-scan -o /dev/null "$PQ/bad_data/ARROW-RS-GH-6229-DICTHEADER.parquet"
	run -1 tp-scan -o /dev/null "$PQ/bad_data/ARROW-GH-41321.parquet"
	[[ "$output" == *"column 'int64': "* ]]
}

@test "parquet: a file cut or damaged anywhere is exit 1 with a message, never a crash or a hang" {
	need_corpus
	local f=$PQ/alltypes_dictionary.parquet size i
	size=$(stat -c %s "$f")
	for ((i = 0; i < size; i += 7)); do
		head -c "$i" "$f" >cut.parquet
		printf 'PAR1' >>cut.parquet # the magic at both ends, so it is read as Parquet
		run timeout 10 tp-scan -o /dev/null cut.parquet
		[ "$status" -eq 1 ] || [ "$status" -eq 0 ] || flunk "cut at $i: status $status: $output"
	done
	# bytes flipped in the footer and in the pages
	for ((i = 4; i < size - 8; i += 13)); do
		python3 -c 'import sys; b=bytearray(open(sys.argv[1],"rb").read()); b[int(sys.argv[2])]^=0xff; open("bad.parquet","wb").write(b)' "$f" "$i"
		run timeout 10 tp-scan -o /dev/null bad.parquet
		[ "$status" -eq 1 ] || [ "$status" -eq 0 ] || flunk "byte $i flipped: status $status: $output"
	done
	head -c 100 "$f" >short.parquet
	run -1 tp-scan -o /dev/null short.parquet
}

@test "parquet: flights as Polars' Parquet through tp-run give the same splits and rows as the CSV shards" {
	[ -d "$FLIGHTS_PQ" ] && [ -d "$FLIGHTS_CSV" ] || skip "../shared/data/flights-3m* is not there"
	run -0 tp-run -q -j 2 --split temporal:date --label delay --no-dedup "$FLIGHTS_PQ" pq
	run -0 tp-run -q -j 2 --split temporal:date --label delay --no-dedup "$FLIGHTS_CSV" csv
	cmp pq/metadata/metadata csv/metadata/metadata
	cmp pq/signature/signature csv/signature/signature
	local s
	for s in train val test; do
		tail -q -n +2 pq/$s/*.csv | sort >pq.$s
		tail -q -n +2 csv/$s/*.csv | sort >csv.$s
		cmp pq.$s csv.$s
	done
	[ "$(wc -l <pq.train)" -gt 1000000 ]
	# the cutoffs: the same temporal boundaries in both contexts
	expect_eq "$(grep -E '^(cutoff|rows)\s' pq/_tp/context/context)" "$(grep -E '^(cutoff|rows)\s' csv/_tp/context/context)"
	grep -q '^cutoff' pq/_tp/context/context
}

@test "parquet: files DuckDB writes (each codec, dictionary on and off, pages v1 and v2) give the rows of DuckDB's CSV export" {
	duck_require
	local o n=0 f
	duck "CREATE TABLE t AS SELECT i AS id,
		CASE WHEN i % 7 = 0 THEN NULL ELSE 'name, \"' || (i % 13) || '\"' END AS s,
		CASE WHEN i % 11 = 0 THEN NULL ELSE i * 1.25 END AS d, (i % 3 = 0) AS b,
		DATE '1969-12-25' + (i % 400)::INTEGER AS dt,
		TIMESTAMP '2024-01-01 00:00:00' + to_microseconds(i * 1234567) AS ts,
		(i * 3.17 - 900)::DECIMAL(12,2) AS dec, (i * 1.5)::FLOAT AS f, (i % 100)::TINYINT AS ti,
		NULL::INTEGER AS n FROM range(5000) r(i)" \
		"COPY t TO 'want.csv' (HEADER, NULLSTR '')" \
		"COPY t TO 'snappy.parquet' (FORMAT parquet, COMPRESSION snappy, ROW_GROUP_SIZE 2048)" \
		"COPY t TO 'zstd.parquet' (FORMAT parquet, COMPRESSION zstd)" \
		"COPY t TO 'gzip.parquet' (FORMAT parquet, COMPRESSION gzip)" \
		"COPY t TO 'none.parquet' (FORMAT parquet, COMPRESSION uncompressed)" \
		"COPY t TO 'v2.parquet' (FORMAT parquet, PARQUET_VERSION v2)" \
		"COPY t TO 'v2-nodict.parquet' (FORMAT parquet, PARQUET_VERSION v2, DICTIONARY_SIZE_LIMIT 1)" \
		"COPY t TO 'nodict.parquet' (FORMAT parquet, DICTIONARY_SIZE_LIMIT 1)" \
		"SELECT 1" >/dev/null
	# what the files hold: the encodings and codecs this test is about
	duck "SELECT DISTINCT compression FROM parquet_metadata('*.parquet') ORDER BY 1" >codecs
	expect_eq "$(tail -n +2 codecs | tr '\n' ' ')" "GZIP SNAPPY UNCOMPRESSED ZSTD "
	duck "SELECT DISTINCT unnest(string_split(encodings, ',')) AS e FROM parquet_metadata('*.parquet') ORDER BY 1" >encodings
	for o in PLAIN RLE_DICTIONARY DELTA_BINARY_PACKED BYTE_STREAM_SPLIT; do
		grep -q "$o" encodings || flunk "no $o in the files: $(cat encodings)"
	done
	for f in *.parquet; do
		rows "$f" >"$f.csv"
		python3 - "$f" <<'PY'
import csv, math, sys
def norm(v):
    try:
        x = float(v)
        return 'nan' if math.isnan(x) else repr(x)
    except ValueError:
        return v
want = [[norm(v) for v in r] for r in csv.reader(open('want.csv', newline=''))]
got = [[norm(v) for v in r] for r in csv.reader(open(sys.argv[1] + '.csv', newline=''))]
assert len(want) == len(got) == 5001, (sys.argv[1], len(want), len(got))
for i, (w, g) in enumerate(zip(want, got)):
    assert w == g, (sys.argv[1], i, w, g)
PY
		n=$((n + 1))
	done
	[ "$n" -eq 7 ]
	# the text itself, not only the value: dates, timestamps, decimals, floats, booleans
	expect_eq "$(sed -n 2p snappy.parquet.csv)" '0,,,true,1969-12-25,2024-01-01 00:00:00,-900.00,0,0,'
	expect_eq "$(sed -n 3p v2-nodict.parquet.csv)" '1,"name, ""1""",1.25,false,1969-12-26,2024-01-01 00:00:01.234567,-896.83,1.5,1,'
}

# Files written by hand (tests/fuzz/hostile.py) whose counts, lengths and offsets claim
# far more than the file holds; each must be refused with its message, quickly, and
# (outside the sanitizers and valgrind, which add their own memory) in under 200 MB.
@test "parquet: hostile counts, lengths, offsets and schemas are exit 1 with a message, in bounded time and memory" {
	python3 "$TP_ROOT/tests/fuzz/hostile.py" hq >/dev/null
	local name want rss
	while IFS='|' read -r name want; do
		run timeout 20 /usr/bin/time -f %M -o rss tp-scan -o /dev/null "hq/$name.parquet"
		[ "$status" -eq 1 ] || flunk "$name: status $status: $output"
		[[ "${lines[0]}" == "tp-scan: hq/$name.parquet: $want" ]] || flunk "$name: ${lines[0]}"
		rss=$(tail -1 rss)
		if [ "${TP_SANITIZE:-0}" != 1 ] && [ "${TP_VALGRIND:-0}" != 1 ]; then
			[ "$rss" -lt 200000 ] || flunk "$name: $rss KB"
		fi
	done <<'EOF2'
nulls-2g|column 'x': page with a bad value count
nulls-16m-x13|column 'c4': pages claim more values than tp holds at once (128 MiB of levels and decoded values over all columns)
dict-1g|column 's': PLAIN data ends early
dict-int-1g|column 'i': dictionary page ends early
list-rep1|column 'l.list.element': a row starts with a repetition level above 0
children-past-end|footer: schema element with a bad number of children
nested-200|column 'g100': schema nested more than 100 levels deep
nested-required-100k|column 'g': schema nested more than 100 levels deep
flba-2g|column 'f': FIXED_LEN_BYTE_ARRAY of length 2147483647
chunk-into-footer|column 'x': column chunk at offset 4 of 61 bytes is outside the data (4 to 25)
page-csize-2g|column 'x': page runs past the end of the column chunk
rows-4e18|column 'x': row group 0 ends after 1 of its 4611686018427387904 rows
delta-bytes-4g|column 's': pages claim more values than tp holds at once (128 MiB of levels and decoded values over all columns)
EOF2
	[ "$(ls hq | wc -l)" -eq 13 ]
}

@test "parquet: DuckDB's TIME, UUID, unsigned, TIMESTAMP_MS/NS, BLOB, STRUCT, LIST and MAP columns as text" {
	duck_require
	duck "COPY (SELECT * FROM (VALUES
		(TIME '12:34:56.789', UUID '123e4567-e89b-12d3-a456-426614174000', 255::UTINYINT,
		 18446744073709551615::UBIGINT, TIMESTAMP_MS '2024-02-29 23:59:59.123',
		 TIMESTAMP_NS '1969-12-31 23:59:59.000000001', '\x00\xffab'::BLOB,
		 {'a': 1, 'b': {'c': 'x'}}, [1, NULL, 3], MAP {'k': 1.5, 'l': NULL}, -12.5::DECIMAL(5,1), 2.5::FLOAT),
		(NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, [], NULL, NULL, NULL))
		t(tm, u, ut, ub, tms, tns, bl, st, li, mp, de, fl)) TO 'types.parquet' (FORMAT parquet)" >/dev/null
	rows types.parquet >got.csv
	expect_file got.csv <<'CSV'
tm,u,ut,ub,tms,tns,bl,st.a,st.b.c,li,mp,de,fl
12:34:56.789,123e4567-e89b-12d3-a456-426614174000,255,18446744073709551615,2024-02-29 23:59:59.123,1969-12-31 23:59:59.000000001,\x00\xffab,1,x,"[1,null,3]","{""k"":1.5,""l"":null}",-12.5,2.5
,,,,,,,,,[],,,
CSV
	# the schema's types: unsigned and DECIMAL(5,1) and FLOAT, not the values, decide
	mkdir in && cp types.parquet in/part-00000.parquet
	tp-run -q --split random --no-dedup in out
	expect_eq "$(grep -E '^(ut|ub|de|fl|tm),' out/metadata/metadata | tr '\n' ' ')" \
		"tm,true,object ut,false,int64 ub,false,float64 de,false,float64 fl,false,float64 "
}

@test "parquet: a CSV whose first line begins with PAR1 is read as CSV (Parquet is PAR1 then a thrift struct)" {
	printf 'PAR1x,b\n1,2\n' >p.csv
	tp-scan -o s.sum p.csv
	expect_eq "$(awk -F'\t' '$1 == "col" { print $2 }' s.sum | tr '\n' ' ')" "PAR1x b " "columns"
	# and tp-write's file of such a column reads back
	printf 'tp:split,PAR1x,b\ntrain,1,2\n' | tp-write -f csv out
	tp-scan -o s2.sum out/train/part-00000.csv
}
