#!/usr/bin/env bats
# tp-scan: one shard -> partial summary (pass 1).

load helper

orders() { # a small shard with every drop cause and a duplicate key
	cat >"$1" <<'EOF'
customerId,orderDate,amount,isFraud,note
c1,2024-03-01 10:00:00,12.5,false,"a,b"
c2,2024-03-01T10:00:00Z,7,true,plain
c1,2024-02-29,NA,false,
c3,,3,false,x
,2024-03-02,4,true,y
c4,2024-03-03,5,,z
EOF
}

@test "tp-scan: golden summary (stats over all rows, drops, labels, earliest row per key)" {
	orders part-00007.csv
	tp-scan -l isFraud part-00007.csv >got
	# amount: 12.5 7 3 4 5 -> mean 6.3, m2 = 6.2^2+0.7^2+3.3^2+2.3^2+1.3^2 = 56.8
	# c1: row 2 (2024-02-29) is earlier than row 0; c3 no time, '' no key, c4 no label
	printf '%s\n' 'tp-summary	2' 'shard	7' 'header	1' 'source	part-00007.csv' \
		'rows	6	1	1	1	0' 'input	196	3e0abca0' 'label	isFraud' 'dedup	customerId' 'temporal	orderDate' 'split	temporal' \
		'col	customerId' 'stat	5	1	0	0	0	0	0	0	0	0	0	0' \
		'col	orderDate' 'stat	5	1	0	0	0	0	0	0	0	0	0	0' \
		'col	amount' 'stat	5	1	4	5	0	0	3	7	3	12.5	6.2999999999999998	56.799999999999997' \
		'col	isFraud' 'stat	5	1	0	0	5	2	0	0	0	0	0	0' \
		'col	note' 'stat	5	1	0	0	0	0	0	0	0	0	0	0' \
		'lv	false' 'lv	true' \
		'k	1709164800000000	2	false	c1' 'k	1709287200000000	1	true	c2' 'end' | expect_file got
}

@test "tp-scan: -o FILE writes the same bytes as stdout, and no temporary file stays" {
	orders part-00007.csv
	tp-scan -l isFraud part-00007.csv >stdout.sum
	tp-scan -l isFraud -o out.sum part-00007.csv
	cmp stdout.sum out.sum
	expect_eq "$(ls -A | sort | tr '\n' ' ')" "out.sum part-00007.csv stdout.sum " "directory"
}

@test "tp-scan: shard number from part-NNNNN, from -n, else 0" {
	printf 'a\n1\n' >part-00042.csv.gz.csv
	cp part-00042.csv.gz.csv other.csv
	expect_eq "$(tp-scan part-00042.csv.gz.csv | sed -n 2p)" "shard	42"
	expect_eq "$(tp-scan -n 9 part-00042.csv.gz.csv | sed -n 2p)" "shard	9"
	expect_eq "$(tp-scan other.csv | sed -n 2p)" "shard	0"
	expect_eq "$(tp-scan --shard 123 <other.csv | sed -n 2p)" "shard	123"
}

@test "tp-scan: every pandas missing token (and the empty field) is missing; look-alikes are not" {
	{
		echo v
		for t in "" NA N/A n/a NaN nan -NaN -nan NULL null None "<NA>" "#N/A" "#NA" \
			"#N/A N/A" 1.#IND -1.#IND 1.#QNAN -1.#QNAN; do
			printf '"%s"\n' "$t"
		done
		for t in na Na NONE nil " NA" "NA " "N A" - 0; do printf '"%s"\n' "$t"; done
	} >m.csv
	run tp-scan --no-dedup --split none m.csv
	expect_status 0
	# 9 values, 19 missing; only "0" is an integer
	[[ $output == *$'\nstat\t9\t19\t1\t1\t0\t0\t0\t0\t0\t0\t0\t0\n'* ]] || flunk "$output"
}

@test "tp-scan: all temporal formats of one instant give one time value" {
	# 2024-01-02 03:04:05 UTC = 1704164645 s
	cat >t.csv <<'EOF'
orderDate
2024-01-02 03:04:05
2024-01-02T03:04:05
2024-01-02T03:04:05Z
2024-01-02T05:04:05+02:00
2024-01-01T22:04:05-05:00
2024-01-02T04:04:05+0100
2024/01/02 03:04:05
1704164645
1704164645000
2024-01-02
2024/01/02
2024-01-02 03:04:05.250
2024-01-02T03:04:05.25Z
EOF
	run tp-scan --no-dedup t.csv
	expect_status 0
	expect_eq "$(printf '%s\n' "${lines[@]}" | grep '^t	')" \
		"$(printf 't\t1704153600000000\t2\nt\t1704164645000000\t9\nt\t1704164645250000\t2')" "t records"
}

@test "tp-scan: epoch seconds and milliseconds, ordered numerically" {
	{ echo orderDate; printf '%s\n' 86400 86400000 0 1000 -86400; } >e.csv
	run tp-scan e.csv
	expect_status 0
	# integers below 1e11 are seconds (86400000 s = 1000 days), larger ones milliseconds
	expect_eq "$(printf '%s\n' "${lines[@]}" | sum_field - t time | tr '\n' ' ')" \
		"-86400000000 0 1000000000 86400000000 86400000000000 "
	{ echo orderDate; printf '%s\n' 1700000000000 1700000000; } >ms.csv
	expect_eq "$(tp-scan ms.csv | grep '^t	')" "t	1700000000000000	2"
}

@test "tp-scan: gzip detected by magic bytes, with or without .gz, and on stdin" {
	orders part-00003.csv
	gzip -c part-00003.csv >part-00003.gz.data
	gzip -c part-00003.csv >part-00003.csv.gz
	# the same summary but for the source and the input record (of the bytes read)
	tp-scan -l isFraud part-00003.csv | grep -v '^source\|^input' >plain
	tp-scan -l isFraud part-00003.gz.data | grep -v '^source\|^input' >nogz
	tp-scan -l isFraud part-00003.csv.gz | grep -v '^source\|^input' >gz
	tp-scan -l isFraud -n 3 <part-00003.csv.gz | grep -v '^source\|^input' >stdin
	cmp plain nogz
	cmp plain gz
	cmp plain stdin
	grep -q '^rows	6	1	1	1	0$' plain
}

@test "tp-scan: the input record: size and CRC-32 of the bytes read (gzip: as compressed), file or stdin" {
	orders part-00003.csv
	gzip -n -c part-00003.csv >part-00003.csv.gz
	: >part-00004.csv
	# the CRC-32 of gzip's trailer (little-endian) is the one of zlib, over the file's bytes
	crc() { gzip -n -c "$1" | tail -c 8 | od -An -tx4 -N4 | tr -d ' \n'; }
	expect_eq "$(crc part-00003.csv)" "3e0abca0" "CRC-32 of the shard"
	for f in part-00003.csv part-00003.csv.gz part-00004.csv; do
		want="input	$(stat -c %s "$f")	$(crc "$f")"
		expect_eq "$(tp-scan "$f" | grep '^input')" "$want" "$f"
		expect_eq "$(tp-scan -n 3 <"$f" | grep '^input')" "$want" "$f on stdin"
		expect_eq "$(cat "$f" | tp-scan -n 3 | grep '^input')" "$want" "$f from a pipe"
	done
	expect_eq "$(tp-scan part-00004.csv | grep '^input')" "input	0	00000000" "0-byte shard"
}

@test "tp-scan: CRLF line ends and a UTF-8 BOM read like LF input" {
	orders lf.csv
	{ printf '\357\273\277'; sed 's/$/\r/' lf.csv; } >crlf.csv
	tp-scan -l isFraud -n 0 lf.csv | grep -v '^source\|^input' >a
	tp-scan -l isFraud -n 0 crlf.csv | grep -v '^source\|^input' >b
	cmp a b
	grep -q '^col	customerId$' b
}

@test "tp-scan: quoted fields with embedded newlines count as one row each" {
	printf 'a,b\n1,"x\ny"\n2,"say ""hi"", ok"\n3,"\r\n"\n' >q.csv
	run tp-scan q.csv
	expect_status 0
	expect_eq "${lines[4]}" "rows	3	0	0	0	0"
}

@test "tp-scan: headerless shard with -s signature" {
	echo 'customerId,orderDate,v__DOT__x' >sig
	printf 'a,2024-01-01,1\nb,2024-01-02,2\na,2023-12-31,3\n' >part-00001.csv
	run tp-scan -s sig part-00001.csv
	expect_status 0
	expect_eq "${lines[2]}" "header	0"
	expect_eq "${lines[4]}" "rows	3	0	0	0	0"
	expect_eq "$(printf '%s\n' "${lines[@]}" | grep -c '^col	')" 3
	expect_eq "$(printf '%s\n' "${lines[@]}" | grep '^k	' | tr '\n' ' ')" \
		"k	1703980800000000	2		a k	1704153600000000	1		b "
}

@test "tp-scan: TSV by extension (.tsv, .tsv.gz) or --tsv" {
	printf 'a\tb,c\n1\t2,3\n' >part-00000.tsv
	gzip -c part-00000.tsv >part-00001.tsv.gz
	cp part-00000.tsv part-00002.txt
	for f in part-00000.tsv part-00001.tsv.gz; do
		expect_eq "$(tp-scan --split none "$f" | grep '^col' | tr '\n' ' ')" "col	a col	b,c "
	done
	expect_eq "$(tp-scan --tsv --split none part-00002.txt | grep '^col' | tr '\n' ' ')" "col	a col	b,c "
	expect_eq "$(tp-scan --split none part-00002.txt | grep '^col' | tr '\n' ' ')" 'col	a\tb col	c '
}

@test "tp-scan: 0-byte and header-only shards hold zero rows" {
	: >part-00000.csv
	printf 'customerId,orderDate\n' >part-00001.csv
	run tp-scan part-00000.csv
	expect_status 0
	expect_eq "${lines[4]}" "rows	0	0	0	0	0"
	run tp-scan part-00001.csv
	expect_status 0
	expect_eq "${lines[4]}" "rows	0	0	0	0	0"
	expect_eq "${lines[-1]}" "end"
}

@test "tp-scan: dedup default on customerId, --dedup COL, --no-dedup; --split none/temporal:COL" {
	printf 'customerId,k,orderDate,when\nA,x,2024-01-02,2020-01-01\nA,y,2024-01-01,2020-01-02\n' >s.csv
	run tp-scan s.csv
	grep -qx 'dedup	customerId' <<<"$output"
	grep -qx 'temporal	orderDate' <<<"$output"
	grep -qx 'split	temporal' <<<"$output"
	grep -qx 'k	1704067200000000	1		A' <<<"$output"
	run tp-scan --dedup k --split temporal:when s.csv
	grep -qx 'dedup	k' <<<"$output"
	grep -qx 'temporal	when' <<<"$output"
	grep -qx 'k	1577836800000000	0		x' <<<"$output"
	run tp-scan --no-dedup s.csv
	[[ $output != *dedup* ]] || flunk "$output"
	grep -qx 't	1704067200000000	1' <<<"$output"
	run tp-scan --no-dedup --split none s.csv
	[[ $output != *temporal* && $output != *$'\nt\t'* ]] || flunk "$output"
	grep -qx 'split	none' <<<"$output"
}

@test "tp-scan: time ties within a shard keep the first row of a key" {
	printf 'customerId,orderDate,isFraud\nA,2024-01-01,\nA,2024-01-02,true\nA,2024-01-02,false\nA,2024-01-03,false\n' >s.csv
	run tp-scan -l isFraud s.csv
	expect_status 0
	# row 0 has no label: the earliest labelled row, first of the tie, is row 1
	grep -qx 'k	1704153600000000	1	true	A' <<<"$output" || flunk "$output"
	grep -qx 'rows	4	1	0	0	0' <<<"$output" || flunk "$output"
}

@test "tp-scan: split records: default random without a temporal column, group/hash column, rows per class" {
	printf 'id,g,y\n1,a,b\n2,a,\n3,b,a\n4,c,b\n5,c,b\n' >s.csv
	run tp-scan -l y s.csv
	expect_status 0
	grep -qx 'split	random' <<<"$output" || flunk "$output"
	[[ $output != *splitcol* && $output != *$'\nt\t'* ]] || flunk "$output"
	# stratified, no dedup: rows per label value (the missing label is dropped)
	tp-scan -l y --split stratified s.csv >st
	expect_eq "$(grep -E '^(split|sc)	' st | tr '\n' ' ')" "split	stratified sc	1	a sc	3	b "
	for m in group hash; do
		tp-scan --split $m:g s.csv >$m
		expect_eq "$(grep -E '^(split|splitcol)	' $m | tr '\n' ' ')" "split	$m splitcol	g "
	done
	# a temporal column present: temporal is the default, the first in header order
	printf 'transactionDate,orderDate\n2024-01-02,2024-01-01\n' >t.csv
	expect_eq "$(tp-scan t.csv | grep -E '^(split|temporal)	' | tr '\n' ' ')" "temporal	transactionDate split	temporal "
}

@test "tp-scan: 100,000 columns: a duplicate name at the end is named; without one, quickly through every stage" {
	[ "${TP_VALGRIND:-0}" != 1 ] || skip "SKIP: 100,000 columns are too slow under valgrind"
	# header c0..c99999 and one row; the bounds are generous (a quadratic check took
	# about 17 s per tool), they only catch the quadratic time
	awk 'BEGIN { for (i = 0; i < 100000; i++) printf "%sc%d", i ? "," : "", i; print ",c99998" }' >dup.csv
	expect_err 1 "tp-scan: dup.csv:1: duplicate column name 'c99998'" timeout 20 tp-scan dup.csv
	awk 'BEGIN {
		for (i = 0; i < 100000; i++) printf "%sc%d", i ? "," : "", i; print ""
		for (i = 0; i < 100000; i++) printf "%s%d", i ? "," : "", i; print ""
	}' >part-00000.csv
	timeout 20 tp-scan -o s.sum part-00000.csv
	expect_eq "$(grep -c '^col	' s.sum)" 100000 "columns in the summary"
	timeout 20 tp-context -q -c ctx -d out s.sum
	timeout 20 tp-transform -c ctx part-00000.csv >t.csv
	timeout 20 tp-split -c ctx t.csv >sp.csv
	timeout 20 tp-write -c ctx -n 0 out sp.csv
	cmp part-00000.csv out/test/part-00000.csv # 1 row: n_train = floor(0.7) = 0, the row is test
}

@test "tp-scan: the label cannot be the temporal column: given, a usage error; by default, not taken as time" {
	printf 'id,orderDate,transactionDate,when\n1,2024-01-01,2024-02-01,2020-01-01\n' >s.csv
	expect_usage_err "^tp-scan: --label 'when' is also the temporal split column \(--split temporal:when\): choose another split$" \
		tp-scan -l when --split temporal:when s.csv
	expect_usage_err "^tp-scan: --label 'when' is also the temporal split column" \
		tp-scan --split temporal:when --label when s.csv
	# the default temporal column is never the label: the next one in header order, else
	# none (random)
	expect_eq "$(tp-scan -l orderDate s.csv | grep -E '^(label|temporal|split)	' | tr '\n' ' ')" \
		"label	orderDate temporal	transactionDate split	temporal " "label orderDate"
	printf 'id,orderDate\n1,2024-01-01\n' >o.csv
	expect_eq "$(tp-scan -l orderDate o.csv | grep -E '^(label|temporal|split)	' | tr '\n' ' ')" \
		"label	orderDate split	random " "label orderDate, no other temporal column"
}

@test "tp-scan: a column named tp:split (tp-split's routing column) is refused in pass 1" {
	printf 'id,tp:split,orderDate\n1,x,2024-01-01\n' >part-00004.csv
	expect_err 1 "tp-scan: part-00004.csv:1: column 'tp:split': the name is reserved (the split column of tp-split's output)" \
		tp-scan -o s.sum part-00004.csv
	expect_no_file s.sum
	# a headerless shard: the signature names it
	printf 'id,tp:split\n' >sig
	printf '1,x\n' >h.csv
	expect_err 1 "tp-scan: sig: column 'tp:split': the name is reserved (the split column of tp-split's output)" \
		tp-scan -s sig h.csv
}

@test "tp-scan: a leap second (23:59:60) is a time: the instant of the next second, in both passes" {
	printf 'id,orderDate\n1,2016-12-31 23:59:59\n2,2016-12-31 23:59:60\n3,2017-01-01T00:00:00Z\n4,2016-12-31T23:59:60.5Z\n5,2016-12-31 23:59:61\n' >part-00000.csv
	expect_err 1 "tp-scan: part-00000.csv:6: column 'orderDate': not a date or time: '2016-12-31 23:59:61'" \
		tp-scan --no-dedup part-00000.csv
	sed -i '$d' part-00000.csv
	# 2017-01-01 00:00:00 UTC = 1483228800 s: rows 2 and 3 are one instant
	expect_eq "$(tp-scan --no-dedup part-00000.csv | grep '^t	' | tr '\n' ' ')" \
		"t	1483228799000000	1 t	1483228800000000	2 t	1483228800500000	1 " "t records"
	tp-scan --no-dedup -o s.sum part-00000.csv
	tp-context -q -c ctx s.sum
	tp-transform -c ctx part-00000.csv | tp-split -c ctx | cut -d, -f1,2 >sp
	# equal times share a split: row 2 (23:59:60) goes where row 3 (00:00:00) goes
	expect_eq "$(grep -E ',(2|3)$' sp | cut -d, -f1 | sort -u | wc -l)" 1 "splits of rows 2 and 3"
}

@test "tp-scan --rows: the rows as read, header first, as CSV; bad rows left out; a write error is exit 1" {
	printf 'a,b\n1,"x,y"\n2\n3,z\n' >part-00000.csv
	run -0 tp-scan --on-bad-row skip --rows rows.csv -o /dev/null part-00000.csv
	printf '%s\n' 'a,b' '1,"x,y"' '3,z' | expect_file rows.csv
	run -0 tp-scan --on-bad-row skip --rows - -o /dev/null part-00000.csv
	expect_eq "$output" $'a,b\n1,"x,y"\n3,z'
	run -1 tp-scan --on-bad-row skip --rows /dev/full -o /dev/null part-00000.csv
	[[ "$output" == "tp-scan: /dev/full: "* ]]
	run -1 tp-scan --on-bad-row skip --rows no/such/dir/rows.csv -o /dev/null part-00000.csv
	[ ! -e rows.csv.tmp ]
}
