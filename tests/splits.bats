#!/usr/bin/env bats
# Split modes random, stratified, group:COL and hash:COL (SPEC 7): exact counts, the same
# assignment whatever the sharding, the workers and the order, no group in two splits,
# hash splits stable when data is appended. Expected counts are computed here with
# integer arithmetic on the decimal ratios, never by the tools.

load helper

# gen DIR N SHARDS [K]: N rows cut into SHARDS files DIR/part-NNNNN.csv in consecutive
# runs of the global row order; shard j holds rows [b(j), b(j+1)) with
# b(j) = floor(N j (j+1) / (SHARDS (SHARDS+1))): uneven sizes, small shards may be
# empty (header only). Columns:
#   id  r<i>, unique: identifies a row across differently sharded copies
#   g   group value: a few big groups and many small ones, spread over all shards
#       (with NGROUPS=G set: g<i mod G>)
#   h   h<i>, unique (the hash key)
#   y   label of K classes (default 2): the last class 'z' is rare (every 23rd row),
#       the others a, b, c; with MISS=1 every 11th row has no label
#   v   filler
#   customerId  only with CUST=M set: c<7i mod M>, missing on every 17th row
gen() {
	local dir=$1 n=$2 s=$3 k=${4:-2}
	mkdir -p "$dir"
	awk -v dir="$dir" -v n="$n" -v s="$s" -v k="$k" -v miss="${MISS:-0}" \
		-v groups="${NGROUPS:-0}" -v cust="${CUST:-0}" 'BEGIN {
		hdr = "id,g,h,y,v" (cust ? ",customerId" : "")
		for (j = 0; j < s; j++) {
			f[j] = sprintf("%s/part-%05d.csv", dir, j)
			print hdr > f[j]
		}
		j = 0
		for (i = 0; i < n; i++) {
			while (j < s - 1 && i >= int(n * (j + 1) * (j + 2) / (s * (s + 1))))
				j++
			if (groups)
				g = "g" (i % groups)
			else
				g = (i % 7 == 0) ? "big" (i % 3) : "g" ((i * i + 3) % (int(n / 4) + 1))
			if (miss && i % 11 == 3)
				y = ""
			else if (i % 23 == 7)
				y = "z"
			else if (k == 2)
				y = "a"
			else
				y = substr("abc", (i * 7 + int(i / 5)) % (k - 1) + 1, 1)
			line = "r" i "," g ",h" i "," y ",v" (i % 5)
			if (cust)
				line = line "," ((i % 17 == 9) ? "" : "c" ((i * 7) % cust))
			print line > f[j]
		}
	}'
}

# frac R: "NUM DEN" with R = NUM/DEN exactly (R a decimal number such as 0.29 or 1).
frac() {
	local r=$1 int f den=1 i
	case $r in
	*.*) int=${r%%.*} f=${r#*.} ;;
	*) int=$r f= ;;
	esac
	for ((i = 0; i < ${#f}; i++)); do den=$((den * 10)); done
	echo $((10#${int:-0} * den + 10#${f:-0})) $den
}

# want_counts N R Q: "TRAIN VAL TEST" of SPEC 7: floor(N r), the rest, ceil((N - train) q).
want_counts() {
	local n=$1 rn rd qn qd tr hold te
	read -r rn rd <<<"$(frac "$2")"
	read -r qn qd <<<"$(frac "$3")"
	tr=$((n * rn / rd))
	hold=$((n - tr))
	te=$(((hold * qn + qd - 1) / qd))
	echo "$tr $((hold - te)) $te"
}

# count OUT SPLIT: data rows in OUT/SPLIT/*.csv (0 when the split has no file).
count() {
	local f n=0
	for f in "$1/$2"/part-*.csv; do
		[ -e "$f" ] || continue
		n=$((n + $(tail -n +2 "$f" | wc -l)))
	done
	echo $n
}

# counts OUT: "TRAIN VAL TEST" rows written.
counts() {
	echo "$(count "$1" train) $(count "$1" val) $(count "$1" test)"
}

# assign OUT [FIELD]: sorted "VALUE SPLIT" lines, VALUE the FIELD-th column (default 1,
# the row id) of every written row.
assign() {
	local s f
	for s in train val test; do
		for f in "$1/$s"/part-*.csv; do
			[ -e "$f" ] || continue
			tail -n +2 "$f" | cut -d, -f"${2:-1}" | sed "s/\$/ $s/"
		done
	done | sort
}

# class_counts OUT: "CLASS:TRAIN/VAL/TEST " per written label value (column 4).
class_counts() {
	assign "$1" 4 | uniq -c | awk '{ n[$2 " " $3] = $1; c[$2] = 1 }
		END { for (k in c) printf "%s:%d/%d/%d \n", k, n[k " train"], n[k " val"], n[k " test"] }' |
		sort | tr -d '\n'
}

# want_classes R Q < labels: the same from the input labels (one a line, missing ones
# already removed); string labels map to 0..k-1 in bytewise order.
want_classes() {
	local i=0 n c
	sort | uniq -c | while read -r n c; do
		printf '%d:%s \n' $i "$(want_counts "$n" "$1" "$2" | tr ' ' /)"
		i=$((i + 1))
	done | tr -d '\n'
}

# labels DIR: the non-missing labels of the input, in any order.
labels() {
	local f
	for f in "$1"/part-*.csv; do tail -n +2 "$f"; done | cut -d, -f4 | grep -v '^$' || true
}

@test "splits: random: exact counts floor(n r), ceil((n - train) q) over n, r, q, seed, shards, -j" {
	local n r q seed s j want
	# n r q seed shards jobs
	while read -r n r q seed s j; do
		rm -rf in out
		gen in "$n" "$s"
		tp-run -q --no-dedup --split random --train-ratio "$r" --test-val-ratio "$q" \
			--seed "$seed" -j "$j" in out
		want=$(want_counts "$n" "$r" "$q")
		expect_eq "$(counts out)" "$want" "train val test rows (n=$n r=$r q=$q seed=$seed shards=$s -j $j)"
		expect_eq "$(ctx_rec out/_tp/context rows)" "rows	$n	${want// /	}" \
			"context rows (n=$n r=$r q=$q)"
		# every row written once
		expect_eq "$(assign out | cut -d' ' -f1 | uniq | wc -l)" "$n" "distinct rows written (n=$n)"
	done <<'EOF'
0 0.7 0.5 42 2 1
1 0.7 0.5 42 1 1
1 0.5 0.5 3 3 2
2 0.5 0.5 42 2 2
3 0.7 0.5 42 3 1
5 0.7 0.5 9 2 2
7 0.29 0.5 42 4 2
9 0 0.5 42 3 2
9 1 0.5 42 3 2
9 0.5 0 42 3 2
9 0.5 1 42 3 2
9 0 1 42 3 2
9 0 0 42 3 2
100 0.29 0.5 42 3 2
100 0.7 0.3 42 5 3
101 0.7 0.5 7 4 2
101 0.333 0.25 8 7 3
199 0.8 0.1 42 6 2
333 0.123 0.77 1234567 7 4
1000 0.99 0.01 5 5 4
1001 0.001 0.999 11 3 2
EOF
	# 100 rows at 0.29: 29 train (0.29 * 100 is 28.999... in binary floating point)
	expect_eq "$(want_counts 100 0.29 0.5)" "29 35 36" "want_counts itself"
}

@test "splits: random: dense sweep n = 0..60 by hand (tp-scan, tp-context, tp-split)" {
	local n r q want got
	for n in $(seq 0 60); do
		rm -rf in
		gen in "$n" 1
		tp-scan --no-dedup --split random -o s.sum in/part-00000.csv
		for r in 0.29 0.5 0.7 0.333; do
			for q in 0.5 0.3 0.67; do
				rm -rf ctx
				tp-context -q -c ctx --train-ratio $r --test-val-ratio $q --seed $((n + 1)) s.sum
				got=$(tp-transform -c ctx in/part-00000.csv | tp-split -c ctx | tail -n +2 | cut -d, -f1 |
					awk '{ c[$1]++ } END { printf "%d %d %d", c["train"], c["val"], c["test"] }')
				want=$(want_counts "$n" $r $q)
				expect_eq "$got" "$want" "train val test (n=$n r=$r q=$q)"
			done
		done
	done
}

@test "splits: stratified: exact counts per class (2-4 classes, a rare one, missing labels)" {
	local n k r q seed s j miss want
	# n classes r q seed shards jobs missing-labels
	while read -r n k r q seed s j miss; do
		rm -rf in out
		MISS=$miss gen in "$n" "$s" "$k"
		tp-run -q --no-dedup -l y --split stratified --train-ratio "$r" --test-val-ratio "$q" \
			--seed "$seed" -j "$j" in out
		want=$(labels in | want_classes "$r" "$q")
		# every class, the rare one included, is in the data
		[ "$n" -lt 50 ] || expect_eq "$(wc -w <<<"$want")" "$k" "classes (n=$n)"
		expect_eq "$(class_counts out)" "$want" \
			"per class train/val/test (n=$n k=$k r=$r q=$q seed=$seed shards=$s -j $j)"
		# one class record per class in the context, with the same counts
		expect_eq "$(ctx_field out/_tp/context class value train val test | awk -F'\t' '{ printf "%s:%s/%s/%s \n", $1, $2, $3, $4 }' |
			sort | tr -d '\n')" "$want" "context class records (n=$n k=$k)"
	done <<'EOF'
1 2 0.7 0.5 42 1 1 0
10 2 0.7 0.5 42 3 2 0
50 3 0.7 0.5 42 4 2 1
97 4 0.29 0.5 5 5 3 1
200 2 0.5 0.3 42 2 2 0
200 4 0 1 42 3 2 0
200 4 1 0.5 42 3 2 0
200 3 0.5 0 42 3 2 1
301 4 0.8 0.9 77 7 4 1
1000 4 0.7 0.5 42 6 4 1
1000 3 0.123 0.456 9 2 1 0
EOF
}

@test "splits: -j 1 and -j 2 give byte-identical trees for every mode; runs repeat" {
	gen in 400 5 4
	local m
	for m in random stratified group:g hash:h; do
		rm -rf a b c
		tp-run -q -l y --no-dedup --split $m -j 1 in a
		tp-run -q -l y --no-dedup --split $m -j 2 in b
		tp-run -q -l y --no-dedup --split $m -j 4 in c
		expect_same_tree a b report.txt
		expect_same_tree a c report.txt
		[ -d a/train ] && [ -d a/test ] || flunk "$m: train or test missing"
	done
}

@test "splits: the same rows cut into 1, 3 or 7 shards get the same splits (every mode)" {
	local m s
	for s in 1 3 7; do MISS=1 gen in$s 500 $s 3; done
	[ "$(ls in7 | wc -l)" = 7 ] || flunk "expected 7 shards"
	for m in random stratified group:g hash:h; do
		for s in 1 3 7; do
			rm -rf out$s
			tp-run -q -l y --no-dedup --split $m -j $((s > 1 ? 2 : 1)) in$s out$s
			assign out$s >a$s
		done
		expect_eq "$(wc -l <a1)" 454 "$m: rows written (500 less 46 without a label)"
		cmp a1 a3 || flunk "$m: 1 shard and 3 shards assign differently: $(diff a1 a3 | head)"
		cmp a1 a7 || flunk "$m: 1 shard and 7 shards assign differently: $(diff a1 a7 | head)"
	done
}

@test "splits: pass 1 and pass 2 in any shard order give the same bytes (by hand, random/stratified)" {
	gen in 300 5 3
	local m i
	for m in random stratified; do
		rm -rf c1 c2 o1 o2 t r
		for i in 0 1 2 3 4; do
			tp-scan -q -l y --no-dedup --split $m -o s$i.sum in/part-0000$i.csv
		done
		tp-context -q -c c1 s0.sum s1.sum s2.sum s3.sum s4.sum
		tp-context -q -c c2 s4.sum s2.sum s0.sum s3.sum s1.sum
		expect_same_tree c1 c2
		# forward, the shard number from the file name; backward, from -n on stdin
		mkdir t
		for i in 0 1 2 3 4; do
			tp-transform -c c1 in/part-0000$i.csv >t/part-0000$i.csv
			tp-split -c c1 t/part-0000$i.csv | tp-write -c c1 -n $i o1
		done
		for i in 4 3 2 1 0; do
			tp-transform -c c2 in/part-0000$i.csv | tp-split -c c2 -n $i | tp-write -c c2 -n $i o2
		done
		expect_same_tree o1 o2
		# and what tp-run writes
		tp-run -q -l y --no-dedup --split $m -j 3 in r
		for i in train val test; do expect_same_tree o1/$i r/$i; done
	done
}

@test "splits: --seed changes the assignment, not the counts; the permutation is not the row order" {
	gen in 1000 4 3
	local m seed
	for m in random stratified group:g hash:h; do
		for seed in 1 42 43; do
			rm -rf o$seed
			tp-run -q -l y --no-dedup --split $m --seed $seed in o$seed
			assign o$seed >a$seed
		done
		! cmp -s a1 a42 || flunk "$m: seeds 1 and 42 give the same assignment"
		! cmp -s a42 a43 || flunk "$m: seeds 42 and 43 give the same assignment"
		if [ $m = random ]; then
			expect_eq "$(counts o1)" "$(counts o42)" "$m: counts, seeds 1 and 42"
			expect_eq "$(counts o43)" "$(counts o42)" "$m: counts, seeds 43 and 42"
		elif [ $m = stratified ]; then
			expect_eq "$(class_counts o1)" "$(class_counts o42)" "$m: class counts, seeds 1 and 42"
			expect_eq "$(class_counts o43)" "$(class_counts o42)" "$m: class counts, seeds 43 and 42"
		fi
	done
	# random, n=1000: 700 train. Not the first 700 rows; and the first 500 rows hold about
	# half of them (350; a uniform permutation is off by more than 50 with probability
	# below 1e-9)
	rm -rf o
	tp-run -q --no-dedup --split random in o
	local first
	first=$(assign o | awk '$2 == "train" { sub(/^r/, "", $1); if ($1 < 500) c++ } END { print c + 0 }')
	[ "$first" -ne 500 ] || flunk "train is the first rows"
	[ "$first" -ge 300 ] && [ "$first" -le 400 ] || flunk "train rows among the first 500: $first"
}

@test "splits: group:COL never puts one value in two splits" {
	local r q
	for rq in "0.7 0.5" "0.5 0.3" "0.2 0.9"; do
		read -r r q <<<"$rq"
		rm -rf in out
		gen in 3000 5
		tp-run -q --no-dedup --split group:g --train-ratio $r --test-val-ratio $q in out
		assign out 2 | uniq >gs
		expect_eq "$(cut -d' ' -f1 gs | uniq -d | head -n 5 | tr '\n' ' ')" "" \
			"group values in more than one split (r=$r q=$q)"
		expect_eq "$(wc -l <gs)" "$(for f in in/*.csv; do tail -n +2 $f; done | cut -d, -f2 | sort -u | wc -l)" \
			"groups written"
		# the big groups span every shard: the test sees groups cut by shards
		expect_eq "$(grep -l ',big0,' in/*.csv | wc -l)" 5 "shards holding group big0"
		# all three splits used (with ~750 groups)
		expect_eq "$(cut -d' ' -f2 gs | sort -u | tr '\n' ' ')" "test train val " "splits used"
		# and tp-run's audit agrees
		expect_eq "$(grep '^leak' out/_tp/report.tsv)" "leak	g	0" "audit"
	done
}

@test "splits: hash:COL and group:COL keep a row's split when shards are appended" {
	gen all 2500 5 3
	mkdir in3 in5
	cp all/part-0000[012].csv in3/
	cp all/part-0000[01234].csv in5/
	[ "$(tail -q -n +2 in3/*.csv | wc -l)" -gt 500 ] || flunk "too few rows in shards 0-2"
	local m
	for m in hash:h group:g; do
		rm -rf o3 o5
		tp-run -q -l y --no-dedup --split $m in3 o3
		tp-run -q -l y --no-dedup --split $m in5 o5
		assign o3 >a3
		assign o5 >a5
		# the rows of shards 0-2 in the second run
		tail -q -n +2 in3/*.csv | cut -d, -f1 | sort >ids3
		awk 'NR == FNR { k[$1]; next } $1 in k' ids3 a5 >a5of3
		expect_eq "$(wc -l <a5of3)" "$(wc -l <a3)" "$m: rows of shards 0-2"
		diff a3 a5of3 >&2 || flunk "$m: rows of shards 0-2 changed split when shards 3-4 came"
	done
}

@test "splits: group/hash fractions are near r and q with 20000 values (within 3 points)" {
	local m r q
	NGROUPS=20000 gen in 50000 4
	for m in hash:h group:g; do
		for rq in "0.7 0.5" "0.2 0.9" "0.55 0.25"; do
			read -r r q <<<"$rq"
			rm -rf out
			tp-run -q --no-dedup --split $m --train-ratio $r --test-val-ratio $q in out
			read -r tr va te <<<"$(counts out)"
			expect_eq "$((tr + va + te))" 50000 "$m: rows written"
			awk -v tr=$tr -v va=$va -v te=$te -v r=$r -v q=$q 'BEGIN {
				ft = tr / (tr + va + te); fq = te / (va + te)
				if (ft - r > 0.03 || r - ft > 0.03 || fq - q > 0.03 || q - fq > 0.03) {
					printf "train fraction %.4f (r %s), test of holdout %.4f (q %s)\n", ft, r, fq, q
					exit 1
				}
			}' >&2 || flunk "$m: fractions off (r=$r q=$q: $tr $va $te)"
		done
	done
}

@test "splits: group/hash with ratios 0 and 1 are exact" {
	gen in 500 3
	local m
	for m in hash:h group:g; do
		rm -rf a b c
		tp-run -q --no-dedup --split $m --train-ratio 1 in a
		expect_eq "$(counts a)" "500 0 0" "$m r=1"
		tp-run -q --no-dedup --split $m --train-ratio 0 --test-val-ratio 1 in b
		expect_eq "$(counts b)" "0 0 500" "$m r=0 q=1"
		tp-run -q --no-dedup --split $m --train-ratio 0 --test-val-ratio 0 in c
		expect_eq "$(counts c)" "0 500 0" "$m r=0 q=0"
	done
}

# kept_rows DIR: "ID LABEL" of the rows dedup keeps (no temporal column): per
# customerId, among rows with a label and a key, the first by (shard, row).
kept_rows() {
	local f
	for f in "$1"/part-*.csv; do tail -n +2 "$f"; done |
		awk -F, '$4 != "" && $6 != "" && !seen[$6]++ { print $1, $4 }' | sort
}

@test "splits: random and stratified with dedup: exact counts over the rows dedup keeps" {
	local r q seed
	CUST=300 MISS=1 gen in 1200 5 4
	kept_rows in >kept
	local n
	n=$(wc -l <kept)
	[ "$n" -gt 200 ] && [ "$n" -le 300 ] || flunk "unexpected number of kept rows: $n"
	for rq in "0.7 0.5 42" "0.29 0.3 5" "0.5 1 7"; do
		read -r r q seed <<<"$rq"
		rm -rf o s
		tp-run -q -l y --split random --train-ratio $r --test-val-ratio $q --seed $seed in o
		assign o | cut -d' ' -f1 >got
		cut -d' ' -f1 kept | diff - got >&2 || flunk "random: rows written are not the rows dedup keeps"
		expect_eq "$(counts o)" "$(want_counts "$n" $r $q)" "random: train val test (n=$n r=$r q=$q)"

		tp-run -q -l y --split stratified --train-ratio $r --test-val-ratio $q --seed $seed in s
		assign s | cut -d' ' -f1 >got
		cut -d' ' -f1 kept | diff - got >&2 || flunk "stratified: rows written are not the rows dedup keeps"
		expect_eq "$(class_counts s)" "$(cut -d' ' -f2 kept | want_classes $r $q)" \
			"stratified: per class (n=$n r=$r q=$q)"
	done
	# the dedup kept rows from every shard, and dropped some
	expect_eq "$(grep -c '^shard' o/_tp/context/context)" 5 "shards"
	[ "$(ctx_field o/_tp/context shard kept | awk '{ s += $1 } END { print s }')" = "$n" ] ||
		flunk "kept counts of the shard records do not add up to $n"
	[ "$(ctx_field o/_tp/context shard drop_dup | awk '{ s += $1 } END { print s }')" -gt 500 ] ||
		flunk "too few duplicates dropped"
}

@test "splits: tp-split random/stratified on stdin without -n, several shards: usage error" {
	gen in 20 2 3
	local m
	for m in random stratified; do
		rm -rf ctx
		for i in 0 1; do tp-scan -l y --no-dedup --split $m -o s$i.sum in/part-0000$i.csv; done
		tp-context -q -c ctx s0.sum s1.sum
		tp-transform -c ctx in/part-00001.csv >t1.csv
		expect_usage_err "^tp-split: split mode '$m' needs the shard number: -n N\$" tp-split -c ctx <t1.csv
		expect_usage_err "^tp-split: split mode '$m' needs the shard number: -n N\$" tp-split -c ctx t1.csv
		# -n or a part-NNNNN name is enough, and both agree
		cp t1.csv part-00001.csv
		tp-split -c ctx -n 1 <t1.csv >a
		tp-split -c ctx part-00001.csv >b
		cmp a b
		expect_eq "$(wc -l <a)" "$(wc -l <t1.csv)" "rows"
		expect_err 1 "tp-split: ctx: shard 7 is not in the context" tp-split -c ctx -n 7 t1.csv
	done
	# one shard: no -n needed
	rm -rf ctx
	tp-scan --no-dedup --split random -o s.sum in/part-00001.csv
	tp-context -q -c ctx s.sum
	tp-transform -c ctx in/part-00001.csv | tp-split -c ctx >/dev/null
}

@test "splits: tp-split: more rows than pass 1 kept is a data error" {
	printf 'id,y\n1,a\n2,b\n3,a\n' >part-00000.csv
	tp-scan -l y --no-dedup --split random -o r.sum part-00000.csv
	tp-context -q -c r r.sum
	tp-scan -l y --no-dedup --split stratified -o s.sum part-00000.csv
	tp-context -q -c s s.sum
	printf 'id,y\n1,0\n2,1\n3,0\n4,1\n' >more.csv
	expect_err 1 "tp-split: more.csv:5: more rows than pass 1 kept for the shard (3)" tp-split -c r more.csv
	expect_err 1 "tp-split: more.csv:5: more rows of class '1' than pass 1 kept for the shard (1)" tp-split -c s more.csv
	printf 'id,y\n1,0\n2,2\n' >new.csv
	expect_err 1 "tp-split: new.csv:3: column 'y': label '2' is not a class of pass 1" tp-split -c s new.csv
}

@test "splits: tp-split: a shard with more rows than pass 1 kept for it is a data error" {
	# shard 0 kept 2 rows, shard 1 one: a third row in shard 0 would take the rank of
	# shard 1's row (the total, 3, is not exceeded)
	printf 'id,y\n1,a\n2,b\n' >part-00000.csv
	printf 'id,y\n3,a\n' >part-00001.csv
	local m i
	for m in random stratified; do
		rm -rf c
		for i in 0 1; do tp-scan -l y --no-dedup --split $m -o s$i.sum part-0000$i.csv; done
		tp-context -q -c c s0.sum s1.sum
		run --separate-stderr tp-split -c c -n 0 <<<$'id,y\n1,0\n2,1\n3,0'
		expect_status 1
		[[ $stderr == *"more rows"* ]] || flunk "$m: stderr: $stderr"
	done
}

# ref_shards: 340 rows in part-00000..3 (part-00002 header only) for split_ref.py: a
# unique id, a group column g whose values need quoting, are missing tokens (hashed
# as the empty string) or are long, a label of three strings with missing values.
ref_shards() {
	python3 - <<'EOF'
import csv, random
rnd = random.Random(5)
g = ["a", "b", "x,y", 'say "hi"', "two\nlines", "\u00e9t\u00e9", "", "NA", "null", "#N/A", " sp"]
g += ["k%d" % i for i in range(40)]
g += ["w" * n for n in (6, 7, 8, 14, 15, 16, 254, 255, 256, 300)]  # SipHash word ends, long values
i = 0
for s, n in enumerate([130, 90, 0, 120]):
    with open(f"part-{s:05d}.csv", "w", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["id", "g", "lab", "v"])
        for _ in range(n):
            lab = rnd.choice(["cat", "cat", "cat", "dog", "emu", "", "NA"])
            w.writerow(["r%d" % i, rnd.choice(g), lab, rnd.randint(0, 9)])
            i += 1
EOF
}

@test "splits: the split of every row is the one tp-split(1) defines (independent python3 reference)" {
	ref_shards
	local mode seed ratios r q s n=0
	for mode in random stratified group:g hash:g hash:lab; do
		for s in 0 1 2 3; do tp-scan -l lab --split $mode -o s$s.sum part-0000$s.csv; done
		for seed in 42 123456789012345678; do
			for ratios in "0.7 0.5" "0.55 0.3"; do
				read -r r q <<<"$ratios"
				rm -rf ctx
				tp-context -q -c ctx --seed $seed --train-ratio $r --test-val-ratio $q s*.sum
				for s in 0 1 2 3; do
					tp-transform -c ctx -n $s part-0000$s.csv | tp-split -c ctx -n $s
				done | python3 -c '
import csv, sys
for r in csv.reader(sys.stdin):
    if r[0] != "tp:split":
        print(r[1] + "\t" + r[0])' | sort >got
				python3 "$BATS_TEST_DIRNAME/split_ref.py" $mode $seed $r $q lab part-0000{0,1,2,3}.csv |
					sort >want
				[ "$(wc -l <want)" -ge 240 ] || flunk "$mode: only $(wc -l <want) rows"
				# (hash:lab has 3 values, which need not reach every split)
				for sp in train val test; do
					[ $mode = hash:lab ] || grep -q "	$sp\$" want ||
						flunk "$mode seed $seed $r/$q: no $sp row in the reference"
				done
				diff want got >&2 ||
					flunk "$mode, seed $seed, ratios $r $q: tp-split differs from tp-split(1) (diff above)"
				n=$((n + 1))
			done
		done
	done
	expect_eq "$n" 20 "runs"
}

# recut DIR K DROP SHARD...: the rows of the shards, in order, cut into K consecutive
# runs DIR/part-00000..K-1 of uneven sizes (the first may be empty), without the column
# DROP ("none": keep every column).
recut() {
	python3 - "$@" <<'EOF'
import csv, os, sys
out, k, drop = sys.argv[1], int(sys.argv[2]), sys.argv[3]
rows, header = [], None
for p in sys.argv[4:]:
    with open(p, newline="", encoding="utf-8") as f:
        r = list(csv.reader(f))
    header = r[0]
    rows += r[1:]
keep = [i for i, c in enumerate(header) if c != drop]
os.makedirs(out)
n = len(rows)
bounds = [n * j * j // (k * k) for j in range(k)] + [n]
for j in range(k):
    with open(f"{out}/part-{j:05d}.csv", "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        for r in [header] + rows[bounds[j]:bounds[j + 1]]:
            w.writerow([r[i] for i in keep])
EOF
}

# per_split OUT: for each split, its records (python3 csv) sorted, one a line: the rows
# of each split as a multiset, whatever the files they are in.
per_split() {
	python3 - "$1" <<'EOF'
import csv, glob, sys
for s in ("train", "val", "test"):
    recs = []
    for p in sorted(glob.glob(f"{sys.argv[1]}/{s}/part-*.csv")):
        with open(p, newline="", encoding="utf-8") as f:
            recs += list(csv.reader(f))[1:]
    for r in sorted(recs):
        print(s, repr(r))
EOF
}

@test "splits: in the default mode (temporal on orderDate, else random) re-sharding keeps every split's rows" {
	gen_orders g -n 4 -r 150 -c 250 -x 1
	local drop k mode
	# with orderDate: temporal; without it: random; customerId dedups in both
	for drop in none orderDate; do
		for k in 1 3 7; do
			recut in-$drop-$k $k $drop g/part-*.csv
			tp-run -q -l isFraud -j 2 in-$drop-$k out-$drop-$k
			per_split out-$drop-$k >rows-$drop-$k
		done
		mode=temporal
		[ $drop = none ] || mode=random
		for k in 1 3 7; do
			expect_eq "$(ctx_field out-$drop-$k/_tp/context job split)" $mode "mode without $drop, $k shards"
			expect_eq "$(ctx_field out-$drop-$k/_tp/context roles dedup)" 0 "dedup column without $drop"
		done
		[ "$(ls in-$drop-7 | wc -l)" = 7 ] || flunk "expected 7 shards"
		for s in train val test; do
			grep -q "^$s " rows-$drop-1 || flunk "without $drop: no $s row"
		done
		n=$(wc -l <rows-$drop-1)
		[ "$n" -gt 150 ] && [ "$n" -lt 600 ] || flunk "without $drop: $n rows kept of 600"
		cmp rows-$drop-1 rows-$drop-3 || flunk "without $drop: 1 and 3 shards differ: $(diff rows-$drop-1 rows-$drop-3 | head)"
		cmp rows-$drop-1 rows-$drop-7 || flunk "without $drop: 1 and 7 shards differ: $(diff rows-$drop-1 rows-$drop-7 | head)"
	done
}
