#!/usr/bin/env bats
# The tp stream between the stages of pass 2 (tp-transform --stream, tp-formats(5)):
# the same output as CSV between them, and a clear error on a broken stream.

load helper

# A shard whose values hold what CSV quotes and the stream escapes: commas, quotes,
# a tab, a line feed, a backslash, a CR, and missing values.
awkward() {
	printf '%s\n' 'id,orderDate,isFraud,note' \
		'a,2024-01-01,true,"x, ""y"""' \
		'b,2024-01-02,false,"tab	in"' \
		'c,2024-01-03,true,"two' 'lines"' \
		'd,2024-01-04,false,back\slash' \
		'e,2024-01-05,true,' \
		'f,2024-01-06,false,NA' \
		$'g,2024-01-07,true,"cr\rhere"' \
		'h,2024-01-08,false,plain' >part-00000.csv
	tp-scan -l isFraud -o s.sum part-00000.csv
	tp-context -q -c ctx s.sum
}

@test "stream: tp-transform --stream writes the magic line, the header and escaped rows" {
	awkward
	tp-transform -c ctx --stream part-00000.csv >t.tps
	expect_eq "$(sed -n 1p t.tps)" "$(printf 'tp-stream\t1\t4')" "first line"
	expect_eq "$(sed -n 2p t.tps)" "$(printf 'id\torderDate\tisFraud\tnote')" "header"
	# labels false/true written as their ids 0/1, one line per row
	expect_eq "$(wc -l <t.tps)" 10 "lines"
	grep -qxF "$(printf 'a\t2024-01-01\t1\tx, "y"')" t.tps || flunk "row a: $(cat -A t.tps)"
	grep -qxF "$(printf 'b\t2024-01-02\t0\ttab\\tin')" t.tps || flunk "row b: $(cat -A t.tps)"
	grep -qxF "$(printf 'c\t2024-01-03\t1\ttwo\\nlines')" t.tps || flunk "row c: $(cat -A t.tps)"
	grep -qxF "$(printf 'd\t2024-01-04\t0\tback\\\\slash')" t.tps || flunk "row d: $(cat -A t.tps)"
	grep -qxF "$(printf 'e\t2024-01-05\t1\t')" t.tps || flunk "row e: $(cat -A t.tps)"
	grep -qxF "$(printf 'f\t2024-01-06\t0\t')" t.tps || flunk "row f (NA is missing): $(cat -A t.tps)"
	grep -qxF "$(printf 'g\t2024-01-07\t1\tcr\\rhere')" t.tps || flunk "row g: $(cat -A t.tps)"
}

@test "stream: tp-split writes the form it reads; tp-write gives the same files either way" {
	awkward
	tp-transform -c ctx part-00000.csv | tp-split -c ctx >sp.csv
	tp-transform -c ctx --stream part-00000.csv | tp-split -c ctx >sp.tps
	expect_eq "$(sed -n 1p sp.tps)" "$(printf 'tp-stream\t1\t5')" "first line"
	expect_eq "$(sed -n 2p sp.tps)" "$(printf 'tp:split\tid\torderDate\tisFraud\tnote')" "header"
	expect_eq "$(head -1 sp.csv)" "tp:split,id,orderDate,isFraud,note" "CSV in, CSV out"
	for fmt in csv tsv csv.gz parquet; do
		tp-write -c ctx -f "$fmt" -n 0 "csv-$fmt" sp.csv
		tp-write -c ctx -f "$fmt" -n 0 "tps-$fmt" sp.tps
		expect_same_tree "csv-$fmt" "tps-$fmt"
	done
	# the rows themselves survive the round trip: the CSV written equals the split of CSV
	diff <(cat csv-csv/*/part-00000.csv) <(cat tps-csv/*/part-00000.csv) >&2 || flunk "differ"
}

@test "stream: tp-run's output is the same as the CSV pipeline's, by hand" {
	gen_orders in -n 3 -r 300
	tp-run -q --label isFraud in out
	mkdir -p hand/_tp/summaries
	for f in in/part-*; do tp-scan --label isFraud -o "hand/_tp/summaries/${f##*/}.sum" "$f"; done
	tp-context -q -c hand/_tp/context -d hand hand/_tp/summaries/*.sum
	for f in in/part-*; do
		n=${f##*part-}
		n=$((10#${n%%.*}))
		tp-transform -c hand/_tp/context "$f" | tp-split -c hand/_tp/context -n "$n" |
			tp-write -c hand/_tp/context -n "$n" hand
	done
	for s in train val test signature metadata; do expect_same_tree "out/$s" "hand/$s"; done
}

@test "stream: a stream cut short, a bad first line or no header is an error naming the line" {
	awkward
	tp-transform -c ctx --stream part-00000.csv | tp-split -c ctx >sp.tps
	head -c -1 sp.tps >cut.tps
	expect_err 1 "tp-write: cut.tps:10: the tp stream was cut short (its last line has no newline)" \
		tp-write -c ctx -n 0 out cut.tps
	f=$(find out -type f 2>/dev/null)
	[ -z "$f" ] || flunk "files written: $f"
	printf 'tp-stream\t1\tx\na\n' >bad.tps
	expect_err 1 "tp-split: bad.tps:1: malformed tp stream: expected tp-stream<TAB>1<TAB>NCOLS" \
		tp-split -c ctx bad.tps
	printf 'tp-stream\t1\t4\n' >nohead.tps
	expect_err 1 "tp-split: nohead.tps:2: the tp stream has no header line" tp-split -c ctx nohead.tps
	printf 'tp-stream\t1\t3\nid\torderDate\tisFraud\tnote\n' >cols.tps
	expect_err 1 "tp-split: cols.tps:2: tp stream header: expected 3 columns, found 4" \
		tp-split -c ctx cols.tps
}

@test "stream: a row with other fields, a bad escape, a NUL or bad UTF-8 is a bad row" {
	awkward
	tp-transform -c ctx --stream part-00000.csv >t.tps
	{ head -3 t.tps; printf 'x\t2024-01-01\t1\n'; tail -n +4 t.tps; } >short.tps
	expect_err 1 "tp-split: short.tps:4: expected 4 fields, found 3" tp-split -c ctx short.tps
	{ head -3 t.tps; printf 'x\t2024-01-01\t1\tbad\\q\n'; } >esc.tps
	expect_err 1 "tp-split: esc.tps:4: column 'note': malformed escape (a backslash not followed by \\\\, t, n or r)" \
		tp-split -c ctx esc.tps
	{ head -3 t.tps; printf 'x\t2024-01-01\t1\tn\0ul\n'; } >nul.tps
	expect_err 1 "tp-split: nul.tps:4: NUL byte in value" tp-split -c ctx nul.tps
	{ head -3 t.tps; printf 'x\t2024-01-01\t1\t\xff\n'; } >utf.tps
	expect_err 1 "tp-split: utf.tps:4: column 'note': invalid UTF-8 in value" tp-split -c ctx utf.tps
	# under skip: counted and dropped, the other rows go on
	tp-split -c ctx --on-bad-row skip short.tps >ok.tps 2>err
	expect_eq "$(($(wc -l <ok.tps) - 2))" 8 "rows through"
}
