#!/usr/bin/env bats
# tp-split: prefix each row with its split (pass 2, second stage).

load helper

# ctx_for SHARD [tp-scan options] [-- tp-context options]: context in ./ctx.
ctx_for() {
	local f=$1 sopts=()
	shift
	while [ $# -gt 0 ] && [ "$1" != -- ]; do sopts+=("$1"); shift; done
	[ $# -eq 0 ] || shift
	tp-scan "${sopts[@]}" -o s.sum "$f"
	tp-context -q -c ctx "$@" s.sum
}

@test "tp-split: temporal rule of SPEC 7 with ties at the train cutoff" {
	# rows out of time order; sorted: 01 02 03 04 05 06 07 07 08 09 (n=10)
	# train_cutoff = t[7] = 01-07, test_cutoff = t[7 + 1] = 01-08:
	# train t < 01-07 (6 rows), val 01-07 <= t < 01-08 (both 01-07 rows), test t >= 01-08
	cat >part-00000.csv <<'EOF'
id,orderDate
a,2024-01-07
b,2024-01-01
c,2024-01-09
d,2024-01-03
e,2024-01-07
f,2024-01-02
g,2024-01-08
h,2024-01-06
i,2024-01-04
j,2024-01-05
EOF
	ctx_for part-00000.csv
	tp-transform -c ctx part-00000.csv | tp-split -c ctx >got
	expect_file got <<'EOF'
tp:split,id,orderDate
val,a,2024-01-07
train,b,2024-01-01
test,c,2024-01-09
train,d,2024-01-03
val,e,2024-01-07
train,f,2024-01-02
test,g,2024-01-08
train,h,2024-01-06
train,i,2024-01-04
train,j,2024-01-05
EOF
}

@test "tp-split: rows equal at the test cutoff all go to test" {
	# n=8, r=0.5, q=0.5: train_cutoff = t[4], hold 4, test 2, val 2 -> test_cutoff = t[6]
	# sorted 1 2 3 4 5 6 6 6: train 1-4, val 5 (one row, the ties of 6 all test)
	{ echo id,orderDate; for d in 6 1 6 2 5 3 6 4; do echo "r$d,2024-02-0$d"; done; } >part-00000.csv
	ctx_for part-00000.csv -- --train-ratio 0.5
	tp-transform -c ctx part-00000.csv | tp-split -c ctx | cut -d, -f1 | tr '\n' ' ' >got
	expect_eq "$(cat got)" "tp:split test train test train val train test train "
	expect_eq "$(ctx_rec ctx rows)" "rows	8	4	1	3"
}

@test "tp-split: ISO dates, T/Z/offsets, YYYY/MM/DD, epoch s and ms compare as instants" {
	# UTC: a 00:00, b 01:00, c 01:00, d 03:00, e 03:00, f 05:00, g 07:00, h 06:00,
	# i 00:00 (date only), j 09:00. Sorted: 00 00 01 01 03 03 05 06 07 09;
	# train_cutoff = t[7] = 06:00, test_cutoff = t[8] = 07:00.
	cat >part-00000.csv <<'EOF'
id,when__DOT__utc,v
0,2024-01-01T00:00:00Z,a
1,2024-01-01 02:00:00+01:00,b
2,1704070800,c
3,2024/01/01 03:00:00,d
4,1704078000000,e
5,2024-01-01T05:00:00,f
6,2024-01-01T08:00:00+01:00,g
7,2024-01-01 06:00:00.000,h
8,2024-01-01,i
9,2024-01-01T09:00:00-00:00,j
EOF
	ctx_for part-00000.csv --split temporal:when__DOT__utc
	tp-transform -c ctx part-00000.csv | tp-split -c ctx >got
	expect_file got <<'EOF'
tp:split,id,when.utc,v
train,0,2024-01-01T00:00:00Z,a
train,1,2024-01-01 02:00:00+01:00,b
train,2,1704070800,c
train,3,2024/01/01 03:00:00,d
train,4,1704078000000,e
train,5,2024-01-01T05:00:00,f
test,6,2024-01-01T08:00:00+01:00,g
val,7,2024-01-01 06:00:00.000,h
train,8,2024-01-01,i
test,9,2024-01-01T09:00:00-00:00,j
EOF
}

@test "tp-split: job types validation, testing, calibration put every row in one split" {
	printf 'id,orderDate,y\n1,2024-01-01,a\n2,2024-01-02,b\n3,2024-01-03,\n' >part-00000.csv
	for j in validation testing calibration; do
		rm -rf ctx
		ctx_for part-00000.csv -l y -- --job-type $j
		tp-transform -c ctx part-00000.csv | tp-split -c ctx >got
		printf 'tp:split,id,orderDate,y\n%s,1,2024-01-01,0\n%s,2,2024-01-02,1\n' $j $j | expect_file got
	done
}

@test "tp-split: quoting passes through; header names are quoted when needed" {
	printf '%s\n' 'id,"order,date",v' '1,2024-01-01,"a,""b"""' '2,2024-01-02,"x' 'y"' >part-00000.csv
	ctx_for part-00000.csv --split 'temporal:order,date' -- --train-ratio 0.5 --test-val-ratio 1
	tp-transform -c ctx part-00000.csv | tp-split -c ctx >got
	printf '%s\n' 'tp:split,id,"order,date",v' 'train,1,2024-01-01,"a,""b"""' 'test,2,2024-01-02,"x' 'y"' |
		expect_file got
}

@test "tp-split: reads a file argument or stdin alike" {
	printf 'id,orderDate\n1,2024-01-01\n2,2024-01-02\n' >part-00000.csv
	ctx_for part-00000.csv
	tp-transform -c ctx part-00000.csv >t.csv
	tp-split -c ctx t.csv >a
	tp-split -c ctx <t.csv >b
	cmp a b
	expect_eq "$(cut -d, -f1 a | tr '\n' ' ')" "tp:split train test "
}

@test "tp-split: a bad temporal value in its input is an error with line and column" {
	printf 'id,orderDate\n1,2024-01-01\n2,2024-01-02\n' >part-00000.csv
	ctx_for part-00000.csv
	# the bad row starts on line 4: a quoted newline in row 1 counts as a line
	printf 'id,orderDate,v\n1,2024-01-01,"a\nb"\n2,yesterday,c\n' >bad.csv
	expect_err 1 "tp-split: bad.csv:4: column 'orderDate': not a date or time: 'yesterday'" tp-split -c ctx bad.csv
	printf 'id,when\n1,2024-01-01\n' >nocol.csv
	expect_err 1 "tp-split: nocol.csv:1: temporal column 'orderDate' not found" tp-split -c ctx nocol.csv
}
