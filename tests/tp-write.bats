#!/usr/bin/env bats
# tp-write: route tp-split's rows to OUTDIR/<split>/part-NNNNN.<ext> (pass 2, last stage).

load helper

stream() { # a tp-split stream with every quoting case
	cat >"$1" <<'EOF'
tp:split,id,"a,b",v
train,1,x,plain
test,2,"y,z","say ""hi"""
train,3,,"two
lines"
val,4,tab	here,"q"
EOF
}

@test "tp-write: routes rows, drops tp:split, header in every file, minimal quoting" {
	stream s.csv
	tp-write -n 3 out s.csv
	printf '%s\n' 'id,"a,b",v' '1,x,plain' '3,,"two' 'lines"' | expect_file out/train/part-00003.csv
	printf '%s\n' 'id,"a,b",v' '4,tab	here,q' | expect_file out/val/part-00003.csv
	printf '%s\n' 'id,"a,b",v' '2,"y,z","say ""hi"""' | expect_file out/test/part-00003.csv
	expect_eq "$(cd out && find . -type f | sort | tr '\n' ' ')" \
		"./test/part-00003.csv ./train/part-00003.csv ./val/part-00003.csv "
}

@test "tp-write: stdin, -n defaults to 0, 5-digit names and wider numbers" {
	stream s.csv
	tp-write out <s.csv
	tp-write -n 123456 out s.csv
	[ -f out/train/part-00000.csv ]
	[ -f out/train/part-123456.csv ]
	cmp out/train/part-00000.csv out/train/part-123456.csv
}

@test "tp-write: no file for a split without rows; a header-only stream writes nothing, an empty one fails" {
	printf 'tp:split,id\ntrain,1\ntrain,2\n' >only-train.csv
	tp-write -n 1 out only-train.csv
	expect_eq "$(cd out && find . -type f | tr '\n' ' ')" "./train/part-00001.csv "
	printf 'tp:split,id\n' >empty.csv
	tp-write -n 2 out2 empty.csv
	expect_eq "$(find out2 -type f 2>/dev/null | wc -l)" 0 "files written"
	# an empty stream is not even a header: tp-split always writes one, so nothing at all
	# means an earlier stage died, and that must not pass as a shard without rows
	expect_err 1 "tp-write: -:1: the first column must be 'tp:split' (the output of tp-split)" \
		tp-write -n 2 out3 </dev/null
	expect_no_file out3
}

@test "tp-write: tsv uses tabs, quotes fields with tabs, not commas" {
	stream s.csv
	tp-write -f tsv -n 3 out s.csv
	printf '%s\n' 'id	a,b	v' '1	x	plain' '3		"two' 'lines"' | expect_file out/train/part-00003.tsv
	printf '%s\n' 'id	a,b	v' '4	"tab	here"	q' | expect_file out/val/part-00003.tsv
	printf '%s\n' 'id	a,b	v' '2	y,z	"say ""hi"""' | expect_file out/test/part-00003.tsv
}

@test "tp-write: csv.gz and tsv.gz are gzip and decompress to the csv and tsv bytes" {
	stream s.csv
	for f in csv tsv csv.gz tsv.gz; do tp-write -f $f -n 3 out s.csv; done
	for s in train val test; do
		for e in csv tsv; do
			[ "$(head -c 2 out/$s/part-00003.$e.gz | od -An -tx1 | tr -d ' ')" = 1f8b ] ||
				flunk "out/$s/part-00003.$e.gz is not gzip"
			gzip -dc out/$s/part-00003.$e.gz | cmp - out/$s/part-00003.$e
		done
	done
}

@test "tp-write: -r report lines split, name, rows, bytes (bytes = file size)" {
	stream s.csv
	tp-write -r rep -n 3 out s.csv
	tp-write -f csv.gz -r repgz -n 3 out s.csv
	printf 'split\ttrain\t2\t%s\nsplit\ttest\t1\t%s\nsplit\tval\t1\t%s\n' \
		"$(stat -c %s out/train/part-00003.csv)" "$(stat -c %s out/test/part-00003.csv)" \
		"$(stat -c %s out/val/part-00003.csv)" | expect_file rep
	printf 'split\ttrain\t2\t%s\nsplit\ttest\t1\t%s\nsplit\tval\t1\t%s\n' \
		"$(stat -c %s out/train/part-00003.csv.gz)" "$(stat -c %s out/test/part-00003.csv.gz)" \
		"$(stat -c %s out/val/part-00003.csv.gz)" | expect_file repgz
}

@test "tp-write: no temporary files stay next to the outputs" {
	stream s.csv
	tp-write -f csv.gz -r rep -n 3 out s.csv
	expect_eq "$(find . -name '*tmp*' | wc -l)" 0 "temporary files"
	expect_eq "$(find out -type f | wc -l)" 3 "files"
}

@test "tp-write: -c checks the row count of the shard; incomplete input writes no file" {
	printf 'id,orderDate\n1,2024-01-01\n2,2024-01-02\n3,2024-01-03\n' >part-00000.csv
	tp-scan -o s.sum part-00000.csv
	tp-context -q -c ctx s.sum
	tp-transform -c ctx part-00000.csv | tp-split -c ctx >full.csv
	head -n 3 full.csv >part.csv
	expect_err 1 "tp-write: part.csv: 2 rows, but 3 expected for shard 0: incomplete input (did an earlier stage fail?)" \
		tp-write -c ctx -n 0 out part.csv
	expect_eq "$(find out -type f 2>/dev/null | wc -l)" 0 "files written"
	expect_err 1 "tp-write: ctx: shard 7 is not in the context" tp-write -c ctx -n 7 out full.csv
	tp-write -c ctx -n 0 out full.csv
	expect_eq "$(body out/*/part-00000.csv | wc -l)" 3
}

@test "tp-write: input that is not tp-split output is an error" {
	printf 'id,orderDate\n1,2024-01-01\n' >plain.csv
	expect_err 1 "tp-write: plain.csv:1: the first column must be 'tp:split' (the output of tp-split)" \
		tp-write out plain.csv
	printf 'tp:split,id\ntrain,1\n../x,2\n' >bad.csv
	expect_err 1 "tp-write: bad.csv:3: column 'tp:split': not a split name: '../x'" tp-write out bad.csv
	expect_eq "$(find out -type f 2>/dev/null | wc -l)" 0 "files written"
	expect_no_file x
}

# every_quoting FILE: a tp-split stream whose values need every kind of quoting: commas,
# doubled quotes, LF, CRLF and a lone CR inside a field, tabs, a lone quote, blanks, UTF-8.
every_quoting() {
	printf '%s\r\n' 'tp:split,id,"a,b",v' >"$1"
	printf '%s\n' 'train,1,x,plain' 'test,2,"y,z","say ""hi"""' 'train,3,,"two' 'lines"' \
		'val,4,tab	here,"q"' 'train,5,"""",  sp  ' >>"$1"
	printf 'test,6,"cr\r\nlf","\303\251,""\t\nall"\nval,7,"a""b",""\r\ntrain,8,"\t",",,"\ntest,9,"lone\rcr",\n' >>"$1"
}

@test "tp-write: every format reads back (python3 csv) as the input records, split by split" {
	every_quoting s.csv
	for f in csv tsv csv.gz tsv.gz; do tp-write -f $f -n 0 out s.csv; done
	# An independent reader: Python's csv module parses the input and each file written;
	# each file must hold the header and, in input order, the records of its split
	# without their tp:split value.
	python3 - s.csv out <<'EOF'
import csv, gzip, os, sys
src, out = sys.argv[1:]
with open(src, newline="", encoding="utf-8") as f:
    rows = list(csv.reader(f, strict=True))
head, want = rows[0][1:], {}
for r in rows[1:]:
    want.setdefault(r[0], []).append(r[1:])
assert sorted(want) == ["test", "train", "val"] and len(rows) == 10, rows
bad = 0
for split in sorted(os.listdir(out)):
    names = sorted(os.listdir(os.path.join(out, split)))
    exts = ["csv", "csv.gz", "tsv", "tsv.gz"]
    if split not in want or names != ["part-00000." + e for e in exts]:
        print(f"{out}/{split}: unexpected files {names}")
        bad = 1
        continue
    for ext in exts:
        path = f"{out}/{split}/part-00000.{ext}"
        op = gzip.open if ext.endswith(".gz") else open
        with op(path, "rt", newline="", encoding="utf-8") as f:
            got = list(csv.reader(f, delimiter="\t" if ext.startswith("tsv") else ",", strict=True))
        if got != [head] + want[split]:
            print(f"{path}: read back as {got!r}\n  expected {[head] + want[split]!r}")
            bad = 1
sys.exit(bad)
EOF
}

@test "tp-write: a first column whose name starts with a byte order mark is quoted, so that it reads back" {
	printf 'tp:split,\357\273\277name,b\ntrain,1,2\n' | tp-write out
	printf '"\357\273\277name",b\n1,2\n' | expect_file out/train/part-00000.csv
	tp-scan --no-dedup -o s.sum out/train/part-00000.csv
	grep -q $'\357\273\277name' s.sum || flunk "the name lost its mark: $(cat s.sum)"
}

@test "tp-write: -f in any case (CSV.GZ is csv.gz); an unknown format is a usage error" {
	printf 'tp:split,a\ntrain,1\n' | tp-write -f CSV.GZ out
	expect_eq "$(gzip -dc out/train/part-00000.csv.gz)" $'a\n1'
	expect_usage_err "^tp-write: --format: expected csv, tsv, csv.gz, tsv.gz or parquet: 'xml'$" tp-write -f xml out
}

# --- Parquet (tests/parquet-out.bats reads the files back with DuckDB) ---------------

# pq_check FILE...: each FILE is Parquet as far as its framing goes: "PAR1" at both
# ends, and a footer length that fits between them.
pq_check() {
	python3 - "$@" <<'PY'
import struct, sys
for path in sys.argv[1:]:
    b = open(path, "rb").read()
    assert b[:4] == b"PAR1" and b[-4:] == b"PAR1", path
    (n,) = struct.unpack("<I", b[-8:-4])
    assert 0 < n <= len(b) - 12, (path, n)
PY
}

# pq_ctx: a context typing id int64, x float64, ok bool, s object, and a stream of it.
pq_ctx() {
	printf 'id,x,ok,s\n1,1.5,true,a\n2,,false,NA\n3,-0,TRUE,b\n' >part-00000.csv
	tp-scan -o s.sum part-00000.csv
	tp-context -q -c ctx s.sum
	tp-transform -c ctx part-00000.csv | tp-split -c ctx >sp.csv
}

@test "tp-write: -f parquet writes OUTDIR/<split>/part-NNNNN.parquet, in any case, no temporary files" {
	stream s.csv
	tp-write -f PARQUET -n 3 -r rep out s.csv
	expect_eq "$(cd out && find . -type f | sort | tr '\n' ' ')" \
		"./test/part-00003.parquet ./train/part-00003.parquet ./val/part-00003.parquet "
	pq_check out/*/part-00003.parquet
	printf 'split\ttrain\t2\t%s\nsplit\ttest\t1\t%s\nsplit\tval\t1\t%s\n' \
		"$(stat -c %s out/train/part-00003.parquet)" "$(stat -c %s out/test/part-00003.parquet)" \
		"$(stat -c %s out/val/part-00003.parquet)" | expect_file rep
	expect_eq "$(find . -name '*tmp*' | wc -l)" 0 "temporary files"
	# the same rows and options give the same bytes
	tp-write -f parquet -n 3 out2 s.csv
	expect_same_tree out out2
}

@test "tp-write: -f parquet with -c: every option changes the file as it should, each gives the same bytes twice" {
	pq_ctx
	local z
	for z in snappy zstd gzip none SNAPPY; do
		tp-write -c ctx -f parquet --compression $z o-$z sp.csv
		tp-write -c ctx -f parquet --compression=$z o2-$z sp.csv
		expect_same_tree o-$z o2-$z
		pq_check o-$z/*/*.parquet
	done
	expect_same_tree o-snappy o-SNAPPY
	tp-write -c ctx -f parquet o-default sp.csv
	expect_same_tree o-default o-snappy
	! cmp -s o-none/train/part-00000.parquet o-zstd/train/part-00000.parquet
	tp-write -c ctx -f parquet --row-group-size 1 o-rg1 sp.csv
	tp-write -c ctx -f parquet --row-group-size 1048576 o-rgd sp.csv
	expect_same_tree o-rgd o-snappy
	# train's two rows in two groups, not one
	! cmp -s o-rg1/train/part-00000.parquet o-snappy/train/part-00000.parquet
}

@test "tp-write: bad Parquet option values are usage errors naming the option" {
	printf 'tp:split,a\ntrain,1\n' >s.csv
	expect_usage_err "^tp-write: --compression: expected snappy, zstd, gzip or none: 'lz4'$" \
		tp-write -f parquet --compression lz4 out s.csv
	expect_usage_err "^tp-write: --compression: expected snappy, zstd, gzip or none: ''$" \
		tp-write -f parquet --compression '' out s.csv
	local v
	for v in 0 -1 abc 1.5 2147483648 ''; do
		expect_usage_err "^tp-write: --row-group-size: not an integer in \[1, 2147483647\]: '$v'$" \
			tp-write -f parquet --row-group-size "$v" out s.csv
	done
	expect_usage_err "^tp-write: --compression: only with -f parquet$" tp-write --compression zstd out s.csv
	expect_usage_err "^tp-write: --row-group-size: only with -f parquet$" tp-write -f csv --row-group-size 5 out s.csv
	expect_usage_err "^tp-write: --format: expected csv, tsv, csv.gz, tsv.gz or parquet: 'parq'$" \
		tp-write -f parq out s.csv
	expect_no_file out
}

@test "tp-write: -f parquet: a value not of its column's type is a bad row (fail, skip, quarantine)" {
	pq_ctx
	sed 's/^train,2,/train,2x,/' sp.csv >bad.csv
	grep -q '2x' bad.csv
	line=$(grep -n '2x' bad.csv | cut -d: -f1)
	expect_err 1 "tp-write: bad.csv:$line: column 'id': not an int64: '2x'" \
		tp-write -c ctx -f parquet out bad.csv
	expect_no_file out/train/part-00000.parquet
	expect_eq "$(find . -name '*tmp*' | wc -l)" 0 "temporary files"
	sed 's/^train,2,,false/train,2,,maybe/' sp.csv >badb.csv
	expect_err 1 "tp-write: badb.csv:$line: column 'ok': not a bool: 'maybe'" \
		tp-write -c ctx -f parquet out badb.csv
	tp-write -c ctx -f parquet --on-bad-row skip -r rep out bad.csv
	tp-write -c ctx -f parquet --on-bad-row quarantine --rejects rej.csv out2 bad.csv
	expect_same_tree out out2
	grep -q "not an int64: '2x'" rej.csv || flunk "rejects: $(cat rej.csv)"
	# the row is not written: one row fewer in train than the good stream gives
	tp-write -c ctx -r repgood -f parquet good sp.csv
	expect_eq "$(rec_field report rep split split=train rows)" \
		"$(($(rec_field report repgood split split=train rows) - 1))" "train rows"
	# without -c every column is a string: nothing is refused
	tp-write -f parquet nctx bad.csv
	pq_check nctx/*/*.parquet
}

@test "tp-write: -f parquet with --explode: the child rows as Parquet, bytes in the report; a child value not of its type fails naming the table" {
	mkdir in
	printf '{"id": 1, "a": [1, 2]}\n{"id": 2, "a": [3]}\n' >in/part-00000.jsonl
	tp-run -q --no-dedup --split random --explode a in r
	printf 'tp:split,id,a\ntrain,1,"[1,2]\t0:0"\ntest,2,"[3]\t0:1"\n' >s.csv
	tp-write -c r/_tp/context -f parquet -r rep out s.csv
	expect_eq "$(tp-scan --rows - -o /dev/null out/a/train/part-00000.parquet)" $'_parent,_index,value\n0:0,0,1\n0:0,1,2' "train child rows"
	expect_eq "$(tp-scan --rows - -o /dev/null out/train/part-00000.parquet)" $'id\n1' "train rows"
	expect_eq "$(rec_field report rep child path=a split=test rows bytes)" "1	$(stat -c %s out/a/test/part-00000.parquet)" "child record"
	# pass 1 typed value int64 from these elements: another value is a broken input
	printf 'tp:split,id,a\ntrain,1,"[1,2]\t0:0"\ntest,2,"[""x""]\t0:1"\n' >bad.csv
	expect_err 1 "tp-write: bad.csv:3: --explode a: column 'value': not an int64: 'x'" \
		tp-write -c r/_tp/context -f parquet out2 bad.csv
	expect_eq "$(find out2 -type f | wc -l)" 0 "files left"
}

@test "tp-write: -f parquet on a full disk (/dev/full) exits 1 naming the file" {
	stream s.csv
	mkdir -p out/train
	ln -s /dev/full out/train/part-00000.parquet
	expect_err 1 "tp-write: out/train/part-00000.parquet: write error: No space left on device" \
		tp-write -f parquet out s.csv
}

# join_parts FORMAT: three shards of the stream in FORMAT, written to out/, joined.
join_parts() {
	stream s.csv
	local n
	for n in 0 1 12; do tp-write -f "$1" -n $n out s.csv; done
	tp-write -f "$1" --join "out/train/train_processed_data.$1" out/train/part-00000."$1" \
		out/train/part-00012."$1" out/train/part-00001."$1"
}

@test "tp-write --join: one header, the files' rows in the order given (csv, tsv)" {
	local e
	for e in csv tsv; do
		join_parts $e
		{
			head -1 out/train/part-00000.$e
			for n in 00000 00012 00001; do tail -n +2 out/train/part-$n.$e; done
		} >want.$e
		cmp want.$e out/train/train_processed_data.$e
		# the same names from --files0-from
		printf '%s\0' out/train/part-000{00,12,01}.$e | tp-write -f $e --join j.$e --files0-from -
		cmp want.$e j.$e
	done
	[ -z "$(find out -name '.*.tmp.*')" ] || flunk "temporary files left"
}

@test "tp-write --join: csv.gz is one gzip stream of the joined CSV; Parquet one file holding every row" {
	join_parts csv
	join_parts csv.gz
	# one gzip member: nothing follows the first stream
	python3 -c 'import sys, zlib
d = zlib.decompressobj(wbits=31)
out = d.decompress(open(sys.argv[1], "rb").read())
assert d.eof and d.unused_data == b"", "more than one gzip stream"
sys.stdout.buffer.write(out)' out/train/train_processed_data.csv.gz >joined
	cmp joined out/train/train_processed_data.csv
	# Parquet: the rows read back are those of the part files, in order, with the types
	join_parts parquet
	tp-scan --rows rows.csv -o j.sum out/train/train_processed_data.parquet
	local n
	for n in 00000 00012 00001; do tp-scan --rows r$n.csv -o /dev/null out/train/part-$n.parquet; done
	{
		cat r00000.csv
		tail -n +2 r00012.csv
		tail -n +2 r00001.csv
	} >want.csv
	cmp want.csv rows.csv
	expect_eq "$(awk -F'\t' '$1 == "rows" { print $2 }' j.sum)" 6 "rows"
}

@test "tp-write --join: files with other columns are exit 1 naming the file; -n, -r and the bad-row options are usage errors" {
	join_parts csv
	printf 'id,other\n1,2\n' >x.csv
	run tp-write --join j.csv out/train/part-00000.csv x.csv
	expect_status 1
	expect_eq "$output" "tp-write: x.csv:1: column 2 is 'other', not 'a,b' as in the first file"
	expect_no_file j.csv
	[ -z "$(find . -name '.*.tmp.*')" ] || flunk "temporary files left"
	local o
	for o in "-n 1" "-r rep" "--on-bad-row skip" "--rejects r.csv"; do
		# shellcheck disable=SC2086
		run tp-write $o --join j.csv out/train/part-00000.csv
		expect_status 2
		expect_eq "${lines[0]}" "tp-write: --join takes none of -n, -r, --on-bad-row and --rejects"
	done
	run tp-write --join j.csv
	expect_status 2
	run tp-write --join j.csv --files0-from /dev/null out/train/part-00000.csv
	expect_status 2
	run tp-write --files0-from /dev/null out
	expect_status 2
	expect_eq "${lines[0]}" "tp-write: --files0-from: only with --join"
	run tp-write --join j.csv --files0-from /dev/null
	expect_status 1
	expect_eq "$output" "tp-write: /dev/null: no part files"
}
