#!/usr/bin/env bats
# tp-run: the driver (both passes under GNU parallel, report).

load helper

# The orders of tp-context.bats in in/: 12 rows, 1 without label, 1 without time, 1
# without key, 3 duplicates; kept A C E (shard 0), B D F (shard 1).
two_shards() {
	mkdir -p in
	cat >in/part-00000.csv <<'EOF'
customerId,orderDate,isFraud,v
B,2024-01-05,false,s0r0
A,2024-01-01,true,s0r1
C,2024-01-03,false,s0r2
C,2024-01-03,true,s0r3
D,2024-01-01,,s0r4
,2024-01-01,false,s0r5
E,2024-01-09,false,s0r6
EOF
	cat >in/part-00001.csv <<'EOF'
customerId,orderDate,isFraud,v
A,2024-01-01,false,s1r0
B,2024-01-04,true,s1r1
D,2024-01-02,true,s1r2
E,,true,s1r3
F,2024-01-07,true,s1r4
EOF
}

size() { stat -c %s "$@" | awk '{ s += $1 } END { print s + 0 }'; }

@test "tp-run: small run, every output file exact" {
	two_shards
	tp-run -q -j 2 -l isFraud in out
	# n=6: train < 01-07 (A C B D), val [01-07, 01-09) (F), test >= 01-09 (E)
	printf 'customerId,orderDate,isFraud,v\nA,2024-01-01,1,s0r1\nC,2024-01-03,0,s0r2\n' |
		expect_file out/train/part-00000.csv
	printf 'customerId,orderDate,isFraud,v\nB,2024-01-04,1,s1r1\nD,2024-01-02,1,s1r2\n' |
		expect_file out/train/part-00001.csv
	printf 'customerId,orderDate,isFraud,v\nF,2024-01-07,1,s1r4\n' | expect_file out/val/part-00001.csv
	printf 'customerId,orderDate,isFraud,v\nE,2024-01-09,0,s0r6\n' | expect_file out/test/part-00000.csv
	printf 'customerId,orderDate,isFraud,v\n' | expect_file out/signature/signature
	printf 'varname,iscategory,datatype\ncustomerId,true,object\norderDate,true,object\nisFraud,false,int64\nv,true,object\n' |
		expect_file out/metadata/metadata
	expect_eq "$(cd out && find . -path ./_tp -prune -o -type f -print | sort | tr '\n' ' ')" \
		"./metadata/metadata ./signature/signature ./test/part-00000.csv ./train/part-00000.csv ./train/part-00001.csv ./val/part-00001.csv "
}

@test "tp-run: the report: shards, rows read, drops by cause, rows/files/bytes per split" {
	two_shards
	: >in/_SUCCESS
	run --separate-stderr tp-run -j 1 -l isFraud in out
	expect_status 0
	expect_eq "$stderr" ""
	expect_eq "$output" "$(cat out/_tp/report.txt)" "stdout vs report.txt"
	{
		printf 'version           tp %s\n' "$(sed -n 's/^#define TP_VERSION "\(.*\)"$/\1/p' "$BATS_TEST_DIRNAME/../lib/version.h")"
		printf 'shards            2\n'
		printf 'skipped           1 (names starting with _ or .)\n'
		printf 'jobs              1\n'
		printf 'rows read         12\n'
		printf 'dropped           1 missing label, 1 missing time, 1 missing key, 3 duplicate\n'
		printf 'rows written      6\n'
		printf '%-12s %12s %6s %14s\n' split rows files bytes
		printf '%-12s %12d %6d %14d\n' train 4 2 "$(size out/train/*)"
		printf '%-12s %12d %6d %14d\n' val 1 1 "$(size out/val/*)"
		printf '%-12s %12d %6d %14d\n' test 1 1 "$(size out/test/*)"
		printf 'output bytes      %d\n' "$(size out/{train,val,test}/*)"
		printf 'input bytes       %d\n' "$(size in/*)"
	} >want
	head -n 13 out/_tp/report.txt | expect_file want
	[[ ${lines[13]} =~ ^time\ +[0-9]+\.[0-9][0-9]\ s$ ]] || flunk "time line: ${lines[13]}"
	[[ ${lines[14]} =~ ^throughput\ +[0-9.]+\ MB/s,\ [0-9]+\ rows/s$ ]] || flunk "throughput line: ${lines[14]}"
	# the audit: kept A 01-01 1, D 01-02 1, C 01-03 0, B 01-04 1 (train), F 01-07 1 (val),
	# E 01-09 0 (test); no customerId in two splits
	tail -n +16 out/_tp/report.txt >audit
	expect_file audit <<'EOF'
audit
train                   4 rows, 2024-01-01 00:00:00 .. 2024-01-04 00:00:00
             labels 0: 1, 1: 3
val                     1 rows, 2024-01-07 00:00:00 .. 2024-01-07 00:00:00
             labels 1: 1
test                    1 rows, 2024-01-09 00:00:00 .. 2024-01-09 00:00:00
             labels 0: 1
in >1 split       customerId: 0 values
EOF
	expect_eq "${#lines[@]}" 23 "report lines"
}

@test "tp-run: -q prints nothing" {
	two_shards
	run --separate-stderr tp-run -q -l isFraud in out
	expect_status 0
	expect_eq "$output$stderr" ""
	[ -s out/_tp/report.txt ]
}

@test "tp-run: refuses an earlier run's output without --force; --force replaces it" {
	two_shards
	tp-run -q -l isFraud in out
	run --separate-stderr tp-run -q -l isFraud in out
	expect_status 1
	expect_eq "$output" ""
	[[ $stderr =~ ^tp-run:\ out:\ holds\ the\ output\ of\ an\ earlier\ run\ \(out/[a-z_]+\)\;\ use\ --force\ to\ replace\ it\ or\ --resume\ to\ finish\ it$ ]] ||
		flunk "$stderr"
	echo stale >out/val/part-00009.csv
	echo mine >out/keep.txt
	tp-run -q --force --job-type validation -l isFraud in out
	expect_no_file out/val out/train out/test
	[ -f out/validation/part-00000.csv ]
	expect_eq "$(cat out/keep.txt)" mine "a file tp did not write"
}

@test "tp-run: environment LABEL_FIELD TRAIN_RATIO TEST_VAL_RATIO OUTPUT_FORMAT MAX_WORKERS" {
	two_shards
	tp-run -q -l isFraud --train-ratio 0.5 --test-val-ratio 0 -f csv.gz -j 1 in a
	LABEL_FIELD=isFraud TRAIN_RATIO=0.5 TEST_VAL_RATIO=0 OUTPUT_FORMAT=CSV.GZ MAX_WORKERS=1 \
		tp-run -q in b
	expect_same_tree a b report.txt
	# n=6, r=0.5, q=0: train 3, val 3, test 0 (no test files)
	expect_eq "$(ctx_rec a/_tp/context rows)" "rows	6	3	3	0"
	expect_eq "$(ls a | tr '\n' ' ')" "_tp metadata signature train val "
	[ -f a/train/part-00000.csv.gz ]
	# options win over the environment
	TRAIN_RATIO=0.1 OUTPUT_FORMAT=tsv LABEL_FIELD=nope \
		tp-run -q -l isFraud --train-ratio 0.5 --test-val-ratio 0 -f csv.gz in c
	expect_same_tree a c report.txt
}

@test "tp-run: formats: .gz outputs decompress to the csv/tsv outputs" {
	two_shards
	for f in csv tsv csv.gz tsv.gz; do tp-run -q -l isFraud -f $f in out-$f; done
	for e in csv tsv; do
		for p in out-$e/{train,val,test}/*.$e; do
			q=out-$e.gz/${p#out-$e/}.gz
			gzip -dc "$q" | cmp - "$p"
		done
		expect_eq "$(cd out-$e && ls {train,val,test}/*.$e | wc -l)" 4
		expect_eq "$(cd out-$e.gz && ls {train,val,test}/*.$e.gz | wc -l)" 4
	done
	tr '\t' , <out-tsv/train/part-00000.tsv | cmp - out-csv/train/part-00000.csv
}

@test "tp-run: job types write one folder named after the job" {
	two_shards
	for j in validation testing calibration; do
		tp-run -q -l isFraud --job-type $j in out-$j
		expect_eq "$(ls out-$j | tr '\n' ' ')" "$(printf '%s\n' _tp $j metadata signature | sort | tr '\n' ' ')"
		expect_eq "$(body out-$j/$j/* | cut -d, -f4 | sort | tr '\n' ' ')" "s0r1 s0r2 s0r6 s1r1 s1r2 s1r4 "
	done
}

@test "tp-run: --concat and the names3risk text column" {
	mkdir in
	cat >in/part-00000.csv <<'EOF'
customerId,orderDate,emailAddress,billingAddressName,customerName,paymentAccountHolderName,isFraud,zip
1,2024-01-01,a@x.com,Ann,Ann,"Lee, Ann",false,123
2,2024-01-02,,NA,Bob,Bob,true,
EOF
	tp-run -q -l isFraud --train-ratio 1 --concat route=customerId,zip --concat z2=zip in out
	printf '%s\n' 'customerId,orderDate,emailAddress,billingAddressName,customerName,paymentAccountHolderName,isFraud,zip,text,route,z2' \
		'1,2024-01-01,a@x.com,Ann,Ann,"Lee, Ann",0,123,"a@x.com|Ann|Ann|Lee, Ann",1|123,123' \
		'2,2024-01-02,,,Bob,Bob,1,,[MISSING]|[MISSING]|Bob|Bob,2|[MISSING],[MISSING]' |
		expect_file out/train/part-00000.csv
	expect_eq "$(tail -n 3 out/metadata/metadata | tr '\n' ' ')" "text,true,object route,true,object z2,true,object "
}

@test "tp-run: tp's own output read again keeps its text column; missing values are written empty" {
	mkdir in
	cat >in/part-00000.csv <<'EOF'
customerId,orderDate,emailAddress,billingAddressName,customerName,paymentAccountHolderName,isFraud
1,2024-01-01,a@x.com,Ann,Ann,"Lee, Ann",false
2,2024-01-02,,NA,Bob,null,true
EOF
	tp-run -q -l isFraud --train-ratio 1 in out
	tp-run -q --job-type validation --no-dedup out/train again
	cmp out/train/part-00000.csv again/validation/part-00000.csv
	expect_eq "$(sed -n 3p out/train/part-00000.csv)" '2,2024-01-02,,,Bob,,1,[MISSING]|[MISSING]|Bob|[MISSING]'
	expect_eq "$(head -1 again/signature/signature)" "$(head -1 out/signature/signature)"
}

@test "tp-run: headerless gzip shards without .gz names, with -s" {
	mkdir in
	echo 'customerId,orderDate,v__DOT__x' >sig
	printf 'a,2024-01-01,1\nb,2024-01-02,2\nc,2024-01-03,3\n' | gzip >in/part-00000.csv
	printf 'd,2024-01-04,4\n' >in/part-00001.csv
	tp-run -q -j 2 -s sig in out
	printf 'customerId,orderDate,v.x\na,2024-01-01,1\nb,2024-01-02,2\n' | expect_file out/train/part-00000.csv
	printf 'customerId,orderDate,v.x\nc,2024-01-03,3\n' | expect_file out/val/part-00000.csv
	printf 'customerId,orderDate,v.x\nd,2024-01-04,4\n' | expect_file out/test/part-00001.csv
}

@test "tp-run: TSV input by extension or --tsv, CSV output by default" {
	mkdir in in2
	printf 'id\torderDate\tv\n1\t2024-01-01\ta,b\n2\t2024-01-02\tc\n' >in/part-00000.tsv
	cp in/part-00000.tsv in2/part-00000.txt
	tp-run -q in out
	tp-run -q --tsv in2 out2
	printf 'id,orderDate,v\n1,2024-01-01,"a,b"\n' | expect_file out/train/part-00000.csv
	expect_same_tree out/train out2/train
	expect_same_tree out/test out2/test
}

@test "tp-run: CRLF and BOM shards give the same output as LF shards" {
	two_shards
	mkdir in2
	for f in in/*.csv; do { printf '\357\273\277'; sed 's/$/\r/' "$f"; } >in2/${f#in/}; done
	tp-run -q -l isFraud in out
	tp-run -q -l isFraud in2 out2
	expect_same_tree out out2 _tp
}

@test "tp-run: shard numbers from part-NNNNN names, else sorted order; _* and .* skipped" {
	mkdir -p in/_sub
	printf 'id,orderDate\n1,2024-01-01\n' >in/x.csv
	printf 'id,orderDate\n2,2024-01-02\n' >in/a.csv
	printf 'id,orderDate\nbad\n' >in/.hidden.csv
	printf 'id,orderDate\nbad\n' >in/_SUCCESS
	printf 'id,orderDate\nbad\n' >in/_sub/part-00000.csv
	tp-run -q in out
	expect_eq "$(ctx_field out/_tp/context shard shard source | tr '\t\n' ': ')" "0:in/a.csv 1:in/x.csv "
	[ -f out/train/part-00001.csv ]
	[ -f out/test/part-00000.csv ]
	mkdir in2
	printf 'id,orderDate\n1,2024-01-01\n' >in2/part-00017.csv.gz
	printf 'id,orderDate\n2,2024-01-02\n' >in2/part-00003.csv
	tp-run -q in2 out2
	[ -f out2/train/part-00017.csv ]
	[ -f out2/test/part-00003.csv ]
}

@test "tp-run: paths with spaces" {
	mkdir "my in"
	printf 'id,orderDate\n1,2024-01-01\n2,2024-01-02\n' >"my in/part-00000.csv"
	printf 'id,orderDate\n3,2024-01-03\n' >"my in/part-00001 copy.csv"
	tp-run -q -j 2 "my in" "my out"
	[ -f "my out/train/part-00000.csv" ]
	[ -f "my out/test/part-00001.csv" ]
}

@test "tp-run: --split temporal:COL, --dedup COL, --no-dedup" {
	mkdir in
	printf 'customerId,k,orderDate,t\nA,x,2024-01-05,2020-01-01\nA,x,2024-01-01,2020-01-02\nB,y,2024-01-02,2020-01-03\nC,y,2024-01-03,2020-01-04\n' >in/part-00000.csv
	tp-run -q in def
	expect_eq "$(ctx_field def/_tp/context rows rows)" 3 "default: dedup on customerId"
	tp-run -q --no-dedup in nod
	expect_eq "$(ctx_field nod/_tp/context rows rows)" 4
	tp-run -q --dedup k --split temporal:t --train-ratio 0.5 --test-val-ratio 1 in k
	# k: x -> row 0 (2020-01-01), y -> row 2 (2020-01-03); train = x row, test = y row
	printf 'customerId,k,orderDate,t\nA,x,2024-01-05,2020-01-01\n' | expect_file k/train/part-00000.csv
	printf 'customerId,k,orderDate,t\nB,y,2024-01-02,2020-01-03\n' | expect_file k/test/part-00000.csv
}

@test "tp-run: a bad shard fails the run and leaves no output file" {
	two_shards
	printf 'customerId,orderDate,isFraud,v\nZ,2024-01-01,true\n' >in/part-00002.csv
	run --separate-stderr tp-run -q -j 2 -l isFraud in out
	expect_status 1
	[[ $stderr == *"tp-scan: in/part-00002.csv:2: expected 4 fields, found 3"* ]] || flunk "$stderr"
	[[ ${stderr_lines[-1]} == "tp-run: pass 1 failed" ]] || flunk "$stderr"
	# GNU parallel names the failed job in one line: the job function, shard number, file
	printf '%s\n' "${stderr_lines[@]}" | grep -qx "tp_pass1 '00002:in/part-00002.csv'" || flunk "$stderr"
	[[ $stderr != *pipefail* ]] || flunk "the job's script is printed: $stderr"
	expect_eq "$(find out -path out/_tp -prune -o -type f -print | wc -l)" 0 "files written"
}

@test "tp-run: a missing input directory or no shards is an error" {
	expect_err 1 "tp-run: nope: not a directory" tp-run nope out
	mkdir empty
	expect_err 1 "tp-run: empty: no shards" tp-run empty out
}

@test "tp-run: dedup without a temporal column keeps the first row by (shard, row)" {
	mkdir in
	printf 'customerId,v\nA,s0r0\nB,s0r1\nA,s0r2\n' >in/part-00000.csv
	printf 'customerId,v\nB,s1r0\nC,s1r1\nA,s1r2\n' >in/part-00001.csv
	tp-run -q -j 2 --job-type testing in out
	printf 'customerId,v\nA,s0r0\nB,s0r1\n' | expect_file out/testing/part-00000.csv
	printf 'customerId,v\nC,s1r1\n' | expect_file out/testing/part-00001.csv
	expect_eq "$(ctx_field out/_tp/context shard drop_dup | tr '\n' ' ')" "1 2 " "duplicates dropped per shard"
}

@test "tp-run: progress: on a terminal a line per pass with its final state; not with stderr to a file, nor with -q; --progress log on stdout" {
	command -v script >/dev/null || skip "SKIP: script(1) is not installed"
	tp-gen-orders -n 4 -r 2000 -o in >/dev/null
	# a pseudo-terminal: the line is redrawn (\r) and its final state stays
	script -qec "tp-run -l isFraud in tty >/dev/null" /dev/null >typescript
	tr '\r' '\n' <typescript | sed 's/\x1b\[K//g' >lines
	grep -qE '^pass 1: 4/4 shards, 8000 rows, [0-9.]+ MB/s, [0-9.]+ s$' lines || flunk "pass 1:" "$(cat -v typescript)"
	grep -qE '^pass 2: 4/4 shards, [0-9]+ rows, [0-9.]+ MB/s, [0-9.]+ s$' lines || flunk "pass 2:" "$(cat -v typescript)"
	# the rows of pass 2's line are those written
	n=$(awk '/^rows written/ { print $3 }' tty/_tp/report.txt)
	grep -q "^pass 2: 4/4 shards, $n rows" lines || flunk "pass 2 rows: $(grep '^pass 2' lines)"
	# not a terminal: nothing on stderr
	tp-run -l isFraud in file >/dev/null 2>err
	expect_eq "$(cat err)" "" "stderr to a file"
	# -q on a terminal: no progress either
	script -qec "tp-run -q -l isFraud in quiet" /dev/null >typescript
	expect_eq "$(tr -d '\r\n' <typescript)" "" "-q on a terminal"
	# --progress log: one line per pass on stdout, also with -q
	tp-run -q --progress log -l isFraud in log >out
	expect_eq "$(cut -d: -f1 out | tr '\n' ' ')" "pass 1 pass 2 " "log lines"
	run tp-run --progress sometimes -l isFraud in bad
	expect_status 2
	expect_eq "${lines[0]}" "tp-run: --progress: expected auto, bar, log or none: 'sometimes'"
}

@test "tp-run: --joblog FILE keeps GNU parallel's job log of every pass" {
	tp-gen-orders -n 3 -r 500 -o in >/dev/null
	tp-run -q --joblog jobs.log -l isFraud in out
	# a header, then one line per job (tab-separated, Exitval in column 7), all 0
	[ "$(head -1 jobs.log | cut -f1)" = Seq ] || flunk "$(head -3 jobs.log)"
	awk -F'\t' '$1 != "Seq"' jobs.log >jobs
	# pass 2 runs a job per shard: at least 3 lines; every job succeeded
	[ "$(wc -l <jobs)" -ge 4 ] || flunk "jobs: $(cat jobs.log)"
	expect_eq "$(cut -f7 jobs | sort -u)" 0 "exit values"
	grep -q 'tp_pass2' jobs || flunk "no pass 2 job: $(cat jobs.log)"
	# a second run starts the log anew; an unwritable one is an error before any work
	tp-run -q --force --joblog jobs.log -l isFraud in out
	expect_eq "$(grep -c '^Seq' jobs.log)" 1 "headers"
	run tp-run -q --joblog /nonexistent/dir/log -l isFraud in out2
	expect_status 1
	expect_eq "$output" "tp-run: /nonexistent/dir/log: cannot write the job log"
}
