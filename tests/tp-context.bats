#!/usr/bin/env bats
# tp-context: merge partial summaries into the context, signature and metadata.

load helper

# Two shards of orders. Key A: same time in both shards -> shard 0 wins. B: shard 1 is
# earlier. C: tie inside shard 0 -> row 2. D: shard 0's row has no label -> shard 1.
# E: shard 1's row has no time -> shard 0. F: only in shard 1.
two_shards() {
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
	tp-scan -l isFraud -o s0.sum part-00000.csv
	tp-scan -l isFraud -o s1.sum part-00001.csv
}

# One shard whose orderDate column holds the given dates (one row each, no dedup).
dates_shard() { # FILE DATE...
	local f=$1
	shift
	{
		echo id,orderDate
		local i=0 d
		for d; do
			echo "$i,$d"
			i=$((i + 1))
		done
	} >"$f"
}

@test "tp-context: golden context, keep lists, summary on stderr" {
	two_shards
	run --separate-stderr tp-context -c ctx s1.sum s0.sum
	expect_status 0
	expect_eq "$output" ""
	# kept: A s0r1, C s0r2, E s0r6 | B s1r1, D s1r2, F s1r4; sorted times
	# A 01-01, D 01-02, C 01-03, B 01-04, F 01-07, E 01-09: n=6, train=floor(4.2)=4,
	# test=ceil(2*0.5)=1, val=1; train_cutoff=t[4]=01-07, test_cutoff=t[5]=01-09
	expect_eq "$stderr" "tp-context: 2 shards, 12 rows; dropped: 1 missing label, 1 missing time, 1 missing key, 3 duplicate, 0 bad; 6 rows kept
tp-context: train 4, val 1, test 1; train_cutoff 2024-01-07 00:00:00, test_cutoff 2024-01-09 00:00:00" "stderr"
	expect_file ctx/context <<'EOF'
tp-context	2
header	1
in	customerId	11	1	0	0	0	0	0	0	0	0	0	0
in	orderDate	11	1	0	0	0	0	0	0	0	0	0	0
in	isFraud	11	1	0	0	11	6	0	0	0	0	0	0
in	v	12	0	0	0	0	0	0	0	0	0	0	0
out	customerId	object
out	orderDate	object
out	isFraud	int64
out	v	object
roles	2	0	1	1	-1
vocab	false
vocab	true
job	training	temporal	0.7	0.5	42
rows	6	4	1	1
cutoff	1	1704585600000000	1	1704758400000000
shard	0	7	1	0	1	2	3	0	part-00000.csv	191	db81c19f	0
shard	1	5	0	1	0	1	3	0	part-00001.csv	137	0fb65480	3
end
EOF
	printf '1\n2\n6\n' | expect_file ctx/keep/part-00000
	printf '1\n2\n4\n' | expect_file ctx/keep/part-00001
}

@test "tp-context: -q prints nothing" {
	two_shards
	run --separate-stderr tp-context -q -c ctx s0.sum s1.sum
	expect_status 0
	expect_eq "$output$stderr" ""
}

@test "tp-context: summaries in any order give byte-identical context directories" {
	printf 'customerId,orderDate,x,y\nA,2024-01-01,0.1,1\nB,2024-01-02,0.2,2\nC,2024-01-03,1e-3,3\n' >part-00000.csv
	printf 'customerId,orderDate,x,y\nA,2024-01-01,0.7,4\nD,2024-01-02,13.25,5\n' >part-00001.csv
	printf 'customerId,orderDate,x,y\nE,2024-01-09,3.3333,-6\nB,2024-01-01,0.3,7\nF,2024-01-09,NA,8\n' >part-00002.csv
	printf 'customerId,orderDate,x,y\nG,2024-01-04,-0.01,9\nA,2024-01-01,1e10,10\n' >part-00003.csv
	for i in 0 1 2 3; do tp-scan -o s$i.sum part-0000$i.csv; done
	tp-context -q -c c1 s0.sum s1.sum s2.sum s3.sum
	tp-context -q -c c2 s3.sum s2.sum s1.sum s0.sum
	tp-context -q -c c3 s2.sum s0.sum s3.sum s1.sum
	tp-context -q -c c4 s1.sum s3.sum s0.sum s2.sum
	expect_same_tree c1 c2
	expect_same_tree c1 c3
	expect_same_tree c1 c4
	# and the merge did happen: 10 x values, 1 missing; A kept once, in shard 0
	expect_eq "$(ctx_field c1 in name=x count missing)" "9	1" "x: count, missing"
	printf '0\n2\n' | expect_file c1/keep/part-00000
	printf '1\n' | expect_file c1/keep/part-00001
}

@test "tp-context: signature and metadata (-d), __DOT__ renamed, text column appended" {
	cat >part-00000.csv <<'EOF'
customerId,orderDate,emailAddress,billingAddressName,customerName,paymentAccountHolderName,isFraud,a__DOT__b,x__DOT__y__DOT__z
1,2024-01-01,a@x.com,Ann,Ann,Ann,false,7,1.5
2,2024-01-02,,NA,Bob,Bob,true,8,true
EOF
	tp-scan -l isFraud -o s.sum part-00000.csv
	tp-context -q -c ctx -d out --concat 'k=a__DOT__b,customerId' s.sum
	expect_file out/signature/signature <<'EOF'
customerId,orderDate,emailAddress,billingAddressName,customerName,paymentAccountHolderName,isFraud,a.b,x.y.z,text,k
EOF
	expect_file out/metadata/metadata <<'EOF'
varname,iscategory,datatype
customerId,false,int64
orderDate,true,object
emailAddress,true,object
billingAddressName,true,object
customerName,true,object
paymentAccountHolderName,true,object
isFraud,false,int64
a.b,false,int64
x.y.z,true,object
text,true,object
k,true,object
EOF
}

@test "tp-context: types inferred over all rows of all shards, missing tokens ignored" {
	cat >part-00000.csv <<'EOF'
i,f,b,o,late,neg,ex,mixbool
1,1.5,true,x,1,-3,1e3,true
2,2,False,1,2,+4,2.5E-1,1
,NaN,TRUE,2.5,3,0,3,0
EOF
	cat >part-00001.csv <<'EOF'
i,f,b,o,late,neg,ex,mixbool
-7,#N/A,null,true,4.5,-0,-2,false
NULL,,FALSE,NA,,NA,N/A,
EOF
	for i in 0 1; do tp-scan --split none -o s$i.sum part-0000$i.csv; done
	tp-context -q -c ctx -d out --job-type validation s0.sum s1.sum
	# late: int64 in shard 0, a float in shard 1 -> float64 over all rows
	expect_file out/metadata/metadata <<'EOF'
varname,iscategory,datatype
i,false,int64
f,false,float64
b,false,bool
o,true,object
late,false,float64
neg,false,int64
ex,false,float64
mixbool,true,object
EOF
}

@test "tp-context: exact statistics: count, missing, min, max, mean, m2" {
	printf 'v\n1\n2\nNA\n' >part-00000.csv
	printf 'v\n-7\n""\n10\n' >part-00001.csv
	for i in 0 1; do tp-scan --split none -o s$i.sum part-0000$i.csv; done
	tp-context -q -c ctx --job-type testing s1.sum s0.sum
	# values 1 2 -7 10: mean 1.5, m2 = 0.25+0.25+72.25+72.25 = 145
	expect_eq "$(ctx_rec ctx in)" "in	v	4	2	4	4	0	0	-7	10	-7	10	1.5	145"
}

@test "tp-context: string labels map bytewise to 0..k-1, one vocabulary for all shards" {
	printf 'orderDate,y\n2024-01-01,b\n2024-01-02,a\n2024-01-03,b\n' >part-00000.csv
	printf 'orderDate,y\n2024-01-04,B\n2024-01-05,\n2024-01-06,a\n' >part-00001.csv
	printf 'orderDate,y\n2024-01-07,a\n' >part-00002.csv
	for i in 0 1 2; do tp-scan -l y -o s$i.sum part-0000$i.csv; done
	tp-context -q -c ctx s2.sum s0.sum s1.sum
	expect_eq "$(ctx_rec ctx roles)" "roles	1	-1	0	1	-1"
	expect_eq "$(ctx_field ctx vocab value | tr '\n' ' ')" "B a b "
	expect_eq "$(ctx_field ctx shard drop_label | tr '\n' ' ')" "0 1 0 " "missing label counts"
}

@test "tp-context: integer labels are kept (no vocabulary); one non-integer makes a vocabulary" {
	printf 'orderDate,y\n2024-01-01,5\n2024-01-02,-1\n2024-01-03,0\n' >part-00000.csv
	tp-scan -l y -o i.sum part-00000.csv
	tp-context -q -c ci i.sum
	expect_eq "$(ctx_rec ci roles)" "roles	1	-1	0	0	-1"
	expect_eq "$(ctx_rec ci vocab)" ""
	printf 'orderDate,y\n2024-01-04,1.0\n' >part-00001.csv
	tp-scan -l y -o f.sum part-00001.csv
	tp-context -q -c cf i.sum f.sum
	expect_eq "$(ctx_field cf vocab value | tr '\n' ' ')" "-1 0 1.0 5 "
}

@test "tp-context: temporal split with ties at the train cutoff (SPEC 7, by hand)" {
	# n=10, r=0.7: floor(7)=7 -> train_cutoff = t[7] = 01-07; hold 3, test ceil(1.5)=2,
	# val 1 -> test_cutoff = t[8] = 01-08. Both 01-07 rows are val (ties share a split):
	# train 6 (< 01-07), val 2, test 2.
	dates_shard part-00000.csv 2024-01-0{1,2,3,4,5,6,7,7,8,9}
	tp-scan -o s.sum part-00000.csv
	tp-context -q -c ctx s.sum
	expect_eq "$(ctx_rec ctx rows)" "rows	10	6	2	2"
	expect_eq "$(ctx_rec ctx cutoff)" "cutoff	1	1704585600000000	1	1704672000000000"
}

@test "tp-context: temporal split with ties across the test cutoff" {
	# n=10: train_cutoff = t[7] = 01-08 = test_cutoff = t[8]: train 7, val 0, test 3
	dates_shard part-00000.csv 2024-01-0{1,2,3,4,5,6,7,8,8,8}
	tp-scan -o s.sum part-00000.csv
	tp-context -q -c ctx s.sum
	expect_eq "$(ctx_rec ctx rows)" "rows	10	7	0	3"
	expect_eq "$(ctx_rec ctx cutoff)" "cutoff	1	1704672000000000	1	1704672000000000"
}

@test "tp-context: split counts use exact decimal ratios (no floating-point rounding)" {
	# 30 * 0.7 is 20.999... in binary floating point; exactly 21
	dates_shard part-00000.csv $(for i in $(seq 0 29); do echo $((1700000000 + i)); done)
	tp-scan -o s.sum part-00000.csv
	tp-context -q -c ctx s.sum
	expect_eq "$(ctx_rec ctx rows)" "rows	30	21	4	5"
	# n=20, r=0.5: hold 10, q=0.3: 10 * 0.3 is 3.0000000000000004 in floating point; test 3
	dates_shard part-00001.csv $(for i in $(seq 0 19); do echo $((1700000000 + i)); done)
	tp-scan -o t.sum part-00001.csv
	tp-context -q -c ctx2 --train-ratio 0.5 --test-val-ratio 0.3 t.sum
	expect_eq "$(ctx_rec ctx2 rows)" "rows	20	10	7	3"
	expect_eq "$(ctx_rec ctx2 job)" "job	training	temporal	0.5	0.3	42"
}

@test "tp-context: ratios 1 and 0" {
	dates_shard part-00000.csv 2024-01-0{1,2,3,4}
	tp-scan -o s.sum part-00000.csv
	tp-context -q -c all --train-ratio 1 s.sum
	expect_eq "$(ctx_rec all rows)" "rows	4	4	0	0"
	tp-context -q -c none --train-ratio 0 --test-val-ratio 1 s.sum
	expect_eq "$(ctx_rec none rows)" "rows	4	0	0	4"
}

@test "tp-context: job types validation, testing, calibration need no split" {
	printf 'id,y\n1,a\n2,\n3,b\n' >part-00000.csv
	# without a temporal column the scan's default mode is random; --split none is
	# accepted too, since these jobs do not split
	tp-scan -l y -o s.sum part-00000.csv
	tp-scan --split none -l y -o n.sum part-00000.csv
	for j in validation testing calibration; do
		tp-context -q -c $j --job-type $j s.sum
		expect_eq "$(ctx_field $j job job split)" "$j	random"
		expect_eq "$(ctx_field $j rows rows)" 2
		tp-context -q -c $j-none --job-type $j n.sum
		expect_eq "$(ctx_field $j-none job job split)" "$j	none"
		expect_eq "$(ctx_field $j-none rows rows)" 2
	done
}

@test "tp-context: a training job scanned with --split none fails" {
	printf 'id,y\n1,a\n' >part-00000.csv
	tp-scan --split none -l y -o s.sum part-00000.csv
	expect_err 1 "tp-context: a training job needs a split mode; the shards were scanned with --split none" \
		tp-context -q -c ctx s.sum
	expect_no_file ctx/context
	# the same through tp-run: exit 1, the message, no data folder
	mkdir in
	cp part-00000.csv in/
	run --separate-stderr tp-run -q --split none -l y in out
	expect_status 1
	[[ $stderr == *"a training job needs a split mode"* ]] || flunk "stderr: $stderr"
	expect_no_file out/train out/val out/test out/signature
}

@test "tp-context: without a temporal column a training job defaults to random" {
	printf 'id,y\n1,a\n2,b\n3,a\n' >part-00000.csv
	tp-scan -l y -o s.sum part-00000.csv
	tp-context -q -c ctx s.sum
	# n=3: train floor(2.1)=2, test ceil(1*0.5)=1, val 0
	expect_eq "$(ctx_rec ctx job)" "job	training	random	0.7	0.5	42"
	expect_eq "$(ctx_rec ctx rows)" "rows	3	2	0	1"
}

@test "tp-context: --concat errors: unknown column (exit 1), existing name (exit 1)" {
	printf 'id,orderDate,a\n1,2024-01-01,x\n' >part-00000.csv
	tp-scan -o s.sum part-00000.csv
	expect_err 1 "tp-context: --concat: no column 'zz'" tp-context -q -c ctx --concat 'n=a,zz' s.sum
	expect_err 1 "tp-context: --concat: output column 'a' exists already" tp-context -q -c ctx --concat 'a=id' s.sum
	expect_no_file ctx/context
}

@test "tp-context: malformed --concat is a usage error (exit 2)" {
	printf 'id,orderDate,a\n1,2024-01-01,x\n' >part-00000.csv
	tp-scan -o s.sum part-00000.csv
	expect_usage_err "concat" tp-context -q -c ctx --concat 'noequals' s.sum
	expect_usage_err "concat" tp-context -q -c ctx --concat '=a' s.sum
	# every malformed spec, named in the message; nothing is read or written
	local spec
	for spec in noequals =a n= 'n=a,' 'n=,a' 'n=a,,id'; do
		expect_usage_err "^tp-context: --concat: expected NAME=COL,COL,\.\.\.: '$spec'$" \
			tp-context -q -c ctx --concat "$spec" s.sum
	done
	expect_no_file ctx
	# tp-split's routing column is not a name a concat can take
	expect_usage_err "^tp-context: --concat: 'tp:split' is reserved \(the split column of tp-split's output\)$" \
		tp-context -q -c ctx --concat 'tp:split=id,a' s.sum
	expect_no_file ctx
}

@test "tp-context: two columns that become the same name after __DOT__ fail" {
	printf 'a.b,a__DOT__b,orderDate\n1,2,2024-01-01\n' >part-00000.csv
	tp-scan -o s.sum part-00000.csv
	expect_err 1 "tp-context: columns 'a.b' and 'a__DOT__b' both become 'a.b'" tp-context -q -c ctx s.sum
}

@test "tp-context: the same shard number twice fails" {
	printf 'id,orderDate\n1,2024-01-01\n' >part-00003.csv
	cp part-00003.csv part-00003-copy.csv
	tp-scan -o a.sum part-00003.csv
	tp-scan -o b.sum part-00003-copy.csv
	expect_err 1 "tp-context: part-00003-copy.csv: shard 3 appears twice (also in part-00003.csv)" tp-context -q -c ctx a.sum b.sum
}

@test "tp-context: a truncated summary fails" {
	printf 'id,orderDate\n1,2024-01-01\n' >part-00000.csv
	tp-scan -o a.sum part-00000.csv
	head -n 5 a.sum >cut.sum
	expect_err 1 "tp-context: cut.sum: truncated summary (no 'end' record)" tp-context -q -c ctx cut.sum
}

@test "tp-context: --files0-from FILE or - reads NUL-ended summary names; bad lists are errors" {
	two_shards
	mkdir "a b"
	cp s1.sum $'a b/s\n1.sum'
	tp-context -q -c ref s0.sum s1.sum
	printf 's0.sum\0a b/s\n1.sum\0' >list
	tp-context -q -c c1 --files0-from list
	printf 's0.sum\0a b/s\n1.sum\0' | tp-context -q -c c2 --files0-from -
	expect_same_tree ref c1
	expect_same_tree ref c2
	printf 's0.sum\0s1.sum' >nonul
	expect_err 1 "tp-context: nonul: name 2: not ended by a NUL byte" tp-context -q -c c3 --files0-from nonul
	printf 's0.sum\0\0' >empty
	expect_err 1 "tp-context: empty: name 2: empty" tp-context -q -c c3 --files0-from empty
	: >none
	expect_err 1 "tp-context: none: no summary files" tp-context -q -c c3 --files0-from none
	expect_err 1 "tp-context: nope: cannot open: No such file or directory" tp-context -q -c c3 --files0-from nope
	expect_usage_err "^tp-context: --files0-from: no SUMMARY operands with it: 's0.sum'$" \
		tp-context -q -c c3 --files0-from list s0.sum
}

# --- JSON metadata ---------------------------------------------------------------------

# json_shards: three shards of a shop whose columns take every type and statistic of
# the JSON metadata: repeated and missing keys, a missing time, a string label, floats
# and integers (one shard all integers), int64 extremes, booleans in any case, text
# with quotes and commas, a column with no value, every missing token, __DOT__.
json_shards() {
	python3 - <<'EOF'
import csv, random
rnd = random.Random(11)
missing = ["", "NA", "N/A", "n/a", "NaN", "nan", "-NaN", "-nan", "NULL", "null", "None",
           "<NA>", "#N/A", "#NA", "#N/A N/A", "1.#IND", "-1.#IND", "1.#QNAN", "-1.#QNAN"]
def maybe(v, p=0.1):
    return rnd.choice(missing) if rnd.random() < p else v
for s, n in enumerate([60, 45, 70]):
    with open(f"part-{s:05d}.csv", "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["customerId", "orderDate", "isFraud", "amount", "qty", "big", "flag",
                    "city", "empty", "a__DOT__b"])
        for i in range(n):
            amount = str(rnd.randint(-500, 500)) if s == 0 else \
                rnd.choice([repr(rnd.uniform(-1e4, 1e4)), "%.3e" % rnd.uniform(0, 1e6), "-0.5"])
            w.writerow([
                maybe(str(rnd.randint(1, 90)), 0.05),
                maybe("2024-%02d-%02d %02d:%02d:00" % (rnd.randint(1, 12), rnd.randint(1, 28),
                                                       rnd.randint(0, 23), rnd.randint(0, 59)), 0.03),
                maybe(rnd.choice(["no", "no", "yes", "maybe"])),
                maybe(amount),
                maybe(str(rnd.randint(-3, 40)), 0.3),
                rnd.choice(["9223372036854775807", "-9223372036854775808", "9007199254740993", "0"]),
                maybe(rnd.choice(["true", "false", "True", "FALSE", "tRuE"])),
                maybe(rnd.choice(["Paris", "Lyon", "Saint-Denis, 93", 'say "x"', "1", "ville\nneuve"])),
                rnd.choice(missing),
                str(rnd.randint(0, 3)),
            ])
EOF
}

# json_check METADATA.JSON DISTINCT(0|1) PART...: metadata.json against the values Python
# computes from the shards, by the rules of tp(7) and tp-context(1): types over all rows,
# count/missing/min/max/distinct exact, mean and std (statistics.fmean, pstdev) to a
# relative 1e-12, the
# label's vocabulary, the --concat column route=city,flag, the rows kept by the label,
# time and dedup filters (earliest orderDate per customerId, ties by shard and row).
json_check() {
	TP_V=$(sed -n 's/^#define TP_VERSION "\(.*\)"$/\1/p' "$BATS_TEST_DIRNAME/../lib/version.h") python3 - "$@" <<'EOF'
import csv, json, math, os, re, statistics, sys
path, distinct, parts = sys.argv[1], sys.argv[2] == "1", sys.argv[3:]
MISSING = {"", "NA", "N/A", "n/a", "NaN", "nan", "-NaN", "-nan", "NULL", "null", "None",
           "<NA>", "#N/A", "#NA", "#N/A N/A", "1.#IND", "-1.#IND", "1.#QNAN", "-1.#QNAN"}
def is_int(v):
    return re.fullmatch(r"[+-]?[0-9]+", v) is not None and -2**63 <= int(v) < 2**63
def is_num(v):
    return re.fullmatch(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?", v) is not None
def is_bool(v):
    return v.lower() in ("true", "false")
rows, header = [], None
for s, p in enumerate(parts):
    with open(p, newline="", encoding="utf-8") as f:
        r = list(csv.reader(f))
    header = r[0]
    rows += [(s, i, dict(zip(header, v))) for i, v in enumerate(r[1:])]
label, key, time = "isFraud", "customerId", "orderDate"
ok = lambda v: v not in MISSING
# rows written: label filter, then time, then key; earliest (time, shard, row) per key
best = {}
for s, i, r in rows:
    if ok(r[label]) and ok(r[time]) and ok(r[key]):
        k = (r[time], s, i)
        best[r[key]] = min(best.get(r[key], k), k)
vocab = sorted({r[label] for _, _, r in rows if ok(r[label])}, key=lambda v: v.encode())
want_cols = []
for c in header:
    vals = [r[c] for _, _, r in rows if ok(r[c])]
    t = ("int64" if all(map(is_int, vals)) else "float64" if all(map(is_num, vals)) else
         "bool" if all(map(is_bool, vals)) else "object")
    col = {"varname": c.replace("__DOT__", "."), "iscategory": t == "object", "datatype": t,
           "count": len(vals), "missing": len(rows) - len(vals), "min": None, "max": None,
           "mean": None, "std": None, "distinct": None}
    if c == label and not all(map(is_int, vals)):
        col.update(datatype="int64", iscategory=False, min=0, max=len(vocab) - 1,
                   distinct=len(vocab))
    elif t in ("int64", "float64") and vals:
        x = [int(v) if t == "int64" else float(v) for v in vals]
        col.update(min=min(x), max=max(x), mean=statistics.fmean(x), std=statistics.pstdev(x))
    elif t == "bool" and vals:
        x = [1.0 if v.lower() == "true" else 0.0 for v in vals]
        col.update(mean=statistics.fmean(x), std=statistics.pstdev(x))
    elif t == "object" and distinct:
        col["distinct"] = len(set(vals))
    want_cols.append(col)
want_cols.append({"varname": "route", "iscategory": True, "datatype": "object",
                  "count": len(rows), "missing": 0, "min": None, "max": None, "mean": None,
                  "std": None, "distinct": None})
want = {"tp_version": os.environ["TP_V"], "rows_read": len(rows), "rows_written": len(best),
        "statistics_over": "all rows read in pass 1", "columns": want_cols}

def strict(pairs):
    return {"__keys__": [k for k, _ in pairs], **dict(pairs)}
def bad_constant(c):
    raise ValueError(f"not JSON: {c}")
with open(path, encoding="utf-8") as f:
    got = json.load(f, object_pairs_hook=strict, parse_constant=bad_constant)
errors = []
def same(a, b, where):
    if isinstance(b, dict):
        if not isinstance(a, dict) or a.pop("__keys__") != list(b):
            errors.append(f"{where}: members {a.get('__keys__', a) if isinstance(a, dict) else a!r}, expected {list(b)}")
            return
        for k in b:
            same(a[k], b[k], f"{where}.{k}")
    elif isinstance(b, list):
        if not isinstance(a, list) or len(a) != len(b):
            errors.append(f"{where}: {a!r}, expected {len(b)} items")
            return
        for j, (x, y) in enumerate(zip(a, b)):
            same(x, y, f"{where}[{j}]")
    elif where.endswith((".mean", ".std")) and b is not None and type(a) is float:
        # tp's one-pass (Welford) moments may differ from the exact ones in the last bits
        if not math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12):
            errors.append(f"{where}: {a!r}, expected {b!r}")
    elif isinstance(b, (int, float)) and not isinstance(b, bool) and type(a) in (int, float):
        if a != b:  # JSON has one number type: 981000 is the float 981000.0
            errors.append(f"{where}: {a!r}, expected {b!r}")
    elif type(a) is not type(b) or a != b:
        errors.append(f"{where}: {a!r}, expected {b!r}")
same(got, want, "metadata")
print("\n".join(errors))
sys.exit(1 if errors else 0)
EOF
}

@test "tp-context: JSON metadata equals the statistics Python computes from the shards" {
	json_shards
	for s in 0 1 2; do
		tp-scan --distinct -l isFraud -o d$s.sum part-0000$s.csv
		tp-scan -l isFraud -o p$s.sum part-0000$s.csv
	done
	tp-context -q --metadata-format json --concat route=city,flag -c ctx -d out d2.sum d0.sum d1.sum
	json_check out/metadata/metadata.json 1 part-0000{0,1,2}.csv
	# without --distinct every distinct is null; JSON in any case
	tp-context -q --metadata-format JSON --concat route=city,flag -c ctx2 -d out2 p0.sum p1.sum p2.sum
	json_check out2/metadata/metadata.json 0 part-0000{0,1,2}.csv
	# the data does reach every kind of value
	grep -q '"datatype": "bool"' out/metadata/metadata.json
	grep -q '"varname": "amount", "iscategory": false, "datatype": "float64"' out/metadata/metadata.json
	grep -q '"varname": "city", .*"distinct": 6}' out/metadata/metadata.json
	# without --metadata-format json (or without -d), no metadata.json
	tp-context -q -c ctx3 -d out3 p0.sum
	expect_no_file out3/metadata/metadata.json
}

@test "tp-context: the JSON metadata example of tp-context(1) is what the tool writes" {
	# the two literal blocks of the section JSON metadata: the shard, then its metadata.json
	awk -v dir=. '
		/^\.Ss JSON metadata/ { s = 1; next }
		/^\.S[hs]/ { s = 0 }
		s && /^\.Bd -literal/ { b = 1; n++; next }
		s && /^\.Ed/ { b = 0; next }
		s && b { print > (dir "/block." n) }
	' "$TP_ROOT/man/tp-context.1"
	[ -f block.2 ] && [ ! -f block.3 ] || flunk "expected 2 literal blocks in JSON metadata"
	cp block.1 part-00000.csv
	tp-scan --distinct --split temporal:date -o s.sum part-00000.csv
	tp-context -q --metadata-format json -c ctx -d out s.sum
	# the page folds the lines: compare without the blanks
	tr -d ' \n' <block.2 >want
	tr -d ' \n' <out/metadata/metadata.json >got
	cmp -s want got || flunk "tp-context(1) shows:" "$(cat block.2)" "the tool writes:" "$(cat out/metadata/metadata.json)"
}

# --- summaries made with different tp-scan options --------------------------------------

@test "tp-context: summaries scanned with different options are refused, naming both shards" {
	printf 'customerId,a,b,orderDate,k\n1,x,1,2024-01-01,p\n2,y,2,2024-01-02,q\n' >part-00000.csv
	printf 'customerId,a,b,orderDate,k\n3,x,1,2024-01-03,p\n4,z,0,2024-01-04,r\n' >part-00001.csv
	head -n 1 part-00000.csv >sig
	local o0 o1 msg n=0
	# options of shard 0 | options of shard 1 | message about shard 1
	while IFS='|' read -r o0 o1 msg; do
		# shellcheck disable=SC2086
		tp-scan $o0 -o s0.sum part-00000.csv
		# shellcheck disable=SC2086
		tp-scan $o1 -o s1.sum part-00001.csv
		rm -rf ctx
		expect_err 1 "tp-context: part-00001.csv: $msg" tp-context -q -c ctx s0.sum s1.sum
		expect_err 1 "tp-context: part-00001.csv: $msg" tp-context -q -c ctx s1.sum s0.sum
		expect_no_file ctx/context ctx/keep
		n=$((n + 1))
	done <<'EOF'
-l a|-l b|the label column is 'b' here but 'a' in part-00000.csv
-l a||the label column is '(none)' here but 'a' in part-00000.csv
|--no-dedup|the dedup column is '(none)' here but 'customerId' in part-00000.csv
--dedup k||the dedup column is 'customerId' here but 'k' in part-00000.csv
|--split random|the temporal column is '(none)' here but 'orderDate' in part-00000.csv
--split none||the temporal column is 'orderDate' here but '(none)' in part-00000.csv
--split hash:a|--split hash:k|the split column is 'k' here but 'a' in part-00000.csv
--split group:a|--split hash:a|the split mode is 'hash' here but 'group' in part-00000.csv
-l a --split stratified|-l a --split random|the split mode is 'random' here but 'stratified' in part-00000.csv
--distinct||scanned without --distinct, unlike part-00000.csv
|--distinct|scanned with --distinct, unlike part-00000.csv
|--tsv|column 1 is 'customerId,a,b,orderDate,k', but 'customerId' in part-00000.csv
--split random|--split random -s sig|scanned with a signature, unlike part-00000.csv
EOF
	expect_eq "$n" 13 "cases"
	# options that give the same summary are the same options
	while IFS='|' read -r o0 o1; do
		# shellcheck disable=SC2086
		tp-scan $o0 -o s0.sum part-00000.csv
		# shellcheck disable=SC2086
		tp-scan $o1 -o s1.sum part-00001.csv
		rm -rf ctx
		tp-context -q -c ctx s0.sum s1.sum
	done <<'EOF'
|--split temporal:orderDate
|--dedup customerId
--distinct -l a|-l a --distinct
EOF
	# a .tsv shard among .csv ones is read as TSV by its name: the same columns
	tr , '\t' <part-00001.csv >part-00001.tsv
	tp-scan -o s0.sum part-00000.csv
	tp-scan -o s1.sum part-00001.tsv
	rm -rf ctx
	tp-context -q -c ctx s0.sum s1.sum
	expect_eq "$(ctx_field ctx rows rows)" 4 "rows kept"
}
