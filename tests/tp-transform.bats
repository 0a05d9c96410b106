#!/usr/bin/env bats
# tp-transform: apply the context to one shard (pass 2, first stage).

load helper

# context DIR [tp-context options] -- [tp-scan options] -- SHARD...
context() {
	local dir=$1 copts=() sopts=() f i=0
	shift
	while [ "$1" != -- ]; do copts+=("$1"); shift; done
	shift
	while [ "$1" != -- ]; do sopts+=("$1"); shift; done
	shift
	for f; do
		tp-scan "${sopts[@]}" -o "s$i.sum" "$f"
		i=$((i + 1))
	done
	tp-context -q -c "$dir" "${copts[@]}" s*.sum
}

@test "tp-transform: dedup keeps one row per key; drops; label mapped; golden output" {
	cat >part-00000.csv <<'EOF'
customerId,orderDate,isFraud,v
B,2024-01-05,false,s0r0
A,2024-01-01,true,s0r1
C,2024-01-03,false,s0r2
C,2024-01-03,true,s0r3
D,2024-01-01,,s0r4
,2024-01-01,false,s0r5
E,2024-01-09,false,s0r6
EOF
	cat >part-00001.csv <<'EOF'
customerId,orderDate,isFraud,v
A,2024-01-01,false,s1r0
B,2024-01-04,true,s1r1
D,2024-01-02,true,s1r2
E,,true,s1r3
F,2024-01-07,true,s1r4
EOF
	context ctx -- -l isFraud -- part-00000.csv part-00001.csv
	tp-transform -c ctx part-00000.csv >t0
	tp-transform -c ctx part-00001.csv >t1
	# A: tie on time -> shard 0; B: shard 1 earlier; C: tie in shard -> first row;
	# D: shard 0 row has no label; E: shard 1 row has no time
	expect_file t0 <<'EOF'
customerId,orderDate,isFraud,v
A,2024-01-01,1,s0r1
C,2024-01-03,0,s0r2
E,2024-01-09,0,s0r6
EOF
	expect_file t1 <<'EOF'
customerId,orderDate,isFraud,v
B,2024-01-04,1,s1r1
D,2024-01-02,1,s1r2
F,2024-01-07,1,s1r4
EOF
}

@test "tp-transform: one label mapping for all shards, even for a shard lacking a class" {
	printf 'orderDate,y\n2024-01-01,b\n2024-01-02,a\n2024-01-03,b\n' >part-00000.csv
	printf 'orderDate,y\n2024-01-04,B\n2024-01-05,NA\n2024-01-06,a\n' >part-00001.csv
	printf 'orderDate,y\n2024-01-07,b\n' >part-00002.csv
	context ctx -- -l y -- part-0000{0,1,2}.csv
	printf 'orderDate,y\n2024-01-01,2\n2024-01-02,1\n2024-01-03,2\n' >e0
	printf 'orderDate,y\n2024-01-04,0\n2024-01-06,1\n' >e1
	printf 'orderDate,y\n2024-01-07,2\n' >e2
	for i in 0 1 2; do
		tp-transform -c ctx part-0000$i.csv >t$i
		cmp e$i t$i
	done
}

@test "tp-transform: boolean labels map false=0 true=1; integer labels kept" {
	printf 'orderDate,isFraud,n\n2024-01-01,true,5\n2024-01-02,false,-2\n2024-01-03,,0\n' >part-00000.csv
	context ctx -- -l isFraud -- part-00000.csv
	tp-transform -c ctx part-00000.csv >t
	printf 'orderDate,isFraud,n\n2024-01-01,1,5\n2024-01-02,0,-2\n' | expect_file t
	rm -rf ctx s*.sum
	context ctx -- -l n -- part-00000.csv
	tp-transform -c ctx part-00000.csv >t
	printf 'orderDate,isFraud,n\n2024-01-01,true,5\n2024-01-02,false,-2\n2024-01-03,,0\n' | expect_file t
}

@test "tp-transform: names3risk text column with [MISSING], --concat, __DOT__ header" {
	cat >part-00000.csv <<'EOF'
customerId,orderDate,emailAddress,billingAddressName,customerName,paymentAccountHolderName,isFraud,a__DOT__b
1,2024-01-01,a@x.com,Ann Lee,Ann,"Lee, Ann",false,7
2,2024-01-02,,NA,Bob,Bob,true,
3,2024-01-03,c@x.com,"Say ""hi""",NULL,Cy,false,9
EOF
	context ctx --concat 'k=a__DOT__b,customerId' --concat 'k2=a.b,orderDate' -- -l isFraud -- part-00000.csv
	tp-transform -c ctx part-00000.csv >t
	expect_file t <<'EOF'
customerId,orderDate,emailAddress,billingAddressName,customerName,paymentAccountHolderName,isFraud,a.b,text,k,k2
1,2024-01-01,a@x.com,Ann Lee,Ann,"Lee, Ann",0,7,"a@x.com|Ann Lee|Ann|Lee, Ann",7|1,7|2024-01-01
2,2024-01-02,,,Bob,Bob,1,,[MISSING]|[MISSING]|Bob|Bob,[MISSING]|2,[MISSING]|2024-01-02
3,2024-01-03,c@x.com,"Say ""hi""",,Cy,0,9,"c@x.com|Say ""hi""|[MISSING]|Cy",9|3,9|2024-01-03
EOF
}

@test "tp-transform: no text column unless all four names3risk columns exist" {
	printf 'orderDate,emailAddress,customerName,billingAddressName\n2024-01-01,a,b,c\n' >part-00000.csv
	context ctx -- -- part-00000.csv
	tp-transform -c ctx part-00000.csv >t
	printf 'orderDate,emailAddress,customerName,billingAddressName\n2024-01-01,a,b,c\n' | expect_file t
}

@test "tp-transform: RFC 4180 round trip: commas, quotes, newlines; minimal quoting out" {
	printf '%s\r\n' 'id,orderDate,"n,1","n""2"' >part-00000.csv
	cat >>part-00000.csv <<'EOF'
1,2024-01-01,"a,b","say ""hi"""
2,2024-01-02,"two
lines","plain"
3,2024-01-03,"",""""
4,2024-01-04,"x, ""y""
z",tab	in
EOF
	context ctx -- -- part-00000.csv
	tp-transform -c ctx part-00000.csv >t
	expect_file t <<'EOF'
id,orderDate,"n,1","n""2"
1,2024-01-01,"a,b","say ""hi"""
2,2024-01-02,"two
lines",plain
3,2024-01-03,,""""
4,2024-01-04,"x, ""y""
z",tab	in
EOF
	# and the output reads back to itself
	mkdir again
	cp t again/part-00000.csv
	(cd again && context ctx -- -- part-00000.csv && tp-transform -c ctx part-00000.csv >t)
	cmp t again/t
}

@test "tp-transform: the rows dedup drops are passed over unread on a clean shard, with the same output" {
	# quoted fields with newlines, doubled quotes and commas, CRLF, blank lines, and
	# lines across the reader's 256 KiB chunks, in kept and in dropped rows alike
	awk 'BEGIN {
		srand(7)
		print "k,d,t"
		for (i = 0; i < 40000; i++) {
			t = "plain" i
			r = rand()
			if (r < 0.1) t = "\"two\nlines, " i "\""
			else if (r < 0.15) t = "\"say \"\"hi\"\"\r\nthen " i "\""
			else if (r < 0.2) t = "\"\""
			else if (r < 0.25) t = "\"three\nmiddle,line\nlines\""
			eol = rand() < 0.2 ? "\r\n" : "\n"
			printf "K%d,2024-01-%02d,%s%s", int(rand() * 3000), 1 + int(rand() * 28), t, eol
			if (rand() < 0.01) printf "\n"
		}
	}' >part-00000.csv
	# the same rows and a ragged one: a shard with a bad row is read whole
	{ cat part-00000.csv; printf 'ragged\n'; } >part-00001.csv
	tp-scan --dedup k --on-bad-row skip -o s0.sum part-00000.csv
	tp-context -q -c c0 s0.sum
	tp-scan --dedup k --on-bad-row skip -o s1.sum part-00001.csv
	tp-context -q -c c1 s1.sum
	expect_eq "$(ctx_field c0 shard bad)" 0 "bad rows of the clean shard"
	expect_eq "$(ctx_field c1 shard bad)" 1 "bad rows of the other"
	tp-transform -c c0 part-00000.csv >clean.csv
	tp-transform -c c1 --on-bad-row skip part-00001.csv >whole.csv
	cmp clean.csv whole.csv || flunk "passing over the dropped rows changed the output"
	# one row per key, each with its text whole
	python3 -c 'import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))[1:]
keys = {r[0] for r in csv.reader(open(sys.argv[2], newline="")) if r and r[0] != "k"}
assert len(rows) == len(keys) == len({r[0] for r in rows}), (len(rows), len(keys))
assert all(len(r) == 3 for r in rows)' clean.csv part-00000.csv
}

@test "tp-transform: CRLF input and a BOM give LF output without the BOM" {
	printf 'id,orderDate,v\n1,2024-01-01,"a\nb"\n2,2024-01-02,c\n' >lf.csv
	{ printf '\357\273\277'; printf 'id,orderDate,v\r\n1,2024-01-01,"a\nb"\r\n2,2024-01-02,c\r\n'; } >part-00000.csv
	context ctx -- -- part-00000.csv
	tp-transform -c ctx part-00000.csv >t
	cmp lf.csv t
}

@test "tp-transform: headerless shards (-s in pass 1) get the header of the signature" {
	echo 'customerId,orderDate,v__DOT__x' >sig
	printf 'a,2024-01-01,1\nb,2024-01-02,2\na,2023-12-31,3\n' >part-00001.csv
	context ctx -- -s sig -- part-00001.csv
	tp-transform -c ctx part-00001.csv >t
	printf 'customerId,orderDate,v.x\nb,2024-01-02,2\na,2023-12-31,3\n' | expect_file t
	tp-transform -c ctx -s sig part-00001.csv >t2
	cmp t t2
}

@test "tp-transform: gzip by magic bytes, from a file without .gz or from stdin with -n" {
	printf 'customerId,orderDate\na,2024-01-01\nb,2024-01-02\na,2024-01-03\n' >plain.csv
	gzip -c plain.csv >part-00004.csv
	context ctx -- -- part-00004.csv
	printf 'customerId,orderDate\na,2024-01-01\nb,2024-01-02\n' >want
	tp-transform -c ctx part-00004.csv >t1
	tp-transform -c ctx -n 4 <part-00004.csv >t2
	cmp want t1
	cmp want t2
}

@test "tp-transform: TSV input (--tsv in both passes) gives CSV" {
	printf 'id\torderDate\tv\n1\t2024-01-01\ta,b\n2\t2024-01-02\t"q""x"\n' >part-00000.txt
	context ctx -- --tsv -- part-00000.txt
	tp-transform -c ctx --tsv part-00000.txt >t
	printf 'id,orderDate,v\n1,2024-01-01,"a,b"\n2,2024-01-02,"q""x"\n' | expect_file t
}

@test "tp-transform: a shard changed between the passes is an error" {
	printf 'id,orderDate,note\n1,2024-01-01,a\n2,2024-01-02,b\n' >part-00000.csv
	context ctx -- -- part-00000.csv
	printf 'id,orderDate,note\n1,2024-01-01,a\n' >fewer.csv
	run --separate-stderr tp-transform -c ctx -n 0 fewer.csv
	expect_status 1
	expect_eq "$stderr" "tp-transform: fewer.csv: changed since pass 1 (size 48 -> 33 bytes, CRC-32 9c1d825f -> 2ec54298)"
	printf 'id,orderDate,nope\n1,2024-01-01,a\n2,2024-01-02,b\n' >renamed.csv
	expect_err 1 "tp-transform: renamed.csv:1: column 3 is 'nope', but 'note' in pass 1" \
		tp-transform -c ctx -n 0 renamed.csv
	printf 'id,orderDate\n1,2024-01-01\n2,2024-01-02\n' >narrow.csv
	expect_err 1 "tp-transform: narrow.csv:1: 2 columns, but 3 in pass 1" tp-transform -c ctx -n 0 narrow.csv
}

@test "tp-transform: a shard changed between the passes with the same rows and size is an error (plain, gzip, stdin)" {
	printf 'id,orderDate,note\n1,2024-01-01,a\n2,2024-01-02,b\n' >part-00000.csv
	printf 'id,orderDate,note\n1,2024-01-01,a\n2,2024-01-03,b\n' >changed.csv # one digit
	context ctx -- -- part-00000.csv
	tp-transform -c ctx part-00000.csv >unchanged
	tail -n +2 part-00000.csv | cmp - <(tail -n +2 unchanged)
	run --separate-stderr tp-transform -c ctx -n 0 changed.csv
	expect_status 1
	expect_eq "$stderr" "tp-transform: changed.csv: changed since pass 1 (size 48 -> 48 bytes, CRC-32 9c1d825f -> 24a1e53a)"
	expect_eq "$output" "" "stdout"
	# gzip: the compressed bytes are checked (the same length here, one byte differs)
	gzip -n -c part-00000.csv >part-00001.csv.gz
	gzip -n -c changed.csv >changed.csv.gz
	context ctxz -- -- part-00001.csv.gz
	tp-transform -c ctxz part-00001.csv.gz | cmp - unchanged
	run --separate-stderr tp-transform -c ctxz -n 1 changed.csv.gz
	expect_status 1
	[[ $stderr =~ ^tp-transform:\ changed\.csv\.gz:\ changed\ since\ pass\ 1\ \(size\ [0-9]+\ -\>\ [0-9]+\ bytes,\ CRC-32\ [0-9a-f]{8}\ -\>\ [0-9a-f]{8}\)$ ]] ||
		flunk "gzip: $stderr"
	# standard input in both passes
	tp-scan -n 2 <part-00000.csv >s.sum
	tp-context -q -c ctxs s.sum
	tp-transform -c ctxs -n 2 <part-00000.csv | cmp - unchanged
	run --separate-stderr tp-transform -c ctxs -n 2 - <changed.csv
	expect_status 1
	expect_eq "$stderr" "tp-transform: -: changed since pass 1 (size 48 -> 48 bytes, CRC-32 9c1d825f -> 24a1e53a)"
	gzip -n -c changed.csv | tp-scan -n 2 >sz.sum
	tp-context -q -c ctxsz sz.sum
	gzip -n -c changed.csv | tp-transform -c ctxsz -n 2 >/dev/null
	run --separate-stderr tp-transform -c ctxsz -n 2 <changed.csv
	expect_status 1
	[[ $stderr == "tp-transform: -: changed since pass 1 (size "*" -> 48 bytes, CRC-32 "*" -> 24a1e53a)" ]] ||
		flunk "gzip in pass 1, plain in pass 2: $stderr"
}

@test "tp-transform: a label value unknown to pass 1 is an error" {
	printf 'orderDate,y\n2024-01-01,a\n2024-01-02,b\n' >part-00000.csv
	context ctx -- -l y -- part-00000.csv
	printf 'orderDate,y\n2024-01-01,a\n2024-01-02,c\n' >changed.csv
	run --separate-stderr tp-transform -c ctx -n 0 changed.csv
	expect_status 1
	expect_eq "$stderr" "tp-transform: changed.csv:3: column 'y': label value 'c' is not in the vocabulary of pass 1"
}

@test "tp-transform: a missing context is an error" {
	printf 'id,orderDate\n1,2024-01-01\n' >part-00000.csv
	expect_err 1 "tp-transform: nowhere/context: cannot open: No such file or directory" \
		tp-transform -c nowhere part-00000.csv
}
