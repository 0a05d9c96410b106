#!/usr/bin/env bats
# Fitted feature transforms (issue 11): every operation's cases as data (tests/transform/
# *.cases: rows in, fitted result, rows out, read by run_cases.py), sklearn as the
# reference on a temporal train split, the leak-free fit (--fit-on train), determinism,
# and the stages by hand.

load helper

cases() { # NAME: the cases of tests/transform/NAME.cases
	python3 "$TP_ROOT/tests/transform/run_cases.py" "$(dirname "$(command -v tp-run)")" \
		"$TP_ROOT/tests/transform/$1.cases" "$BATS_TEST_TMPDIR" || flunk "cases of $1 failed (above)"
}

@test "transform cases: zscore" { cases zscore; }
@test "transform cases: minmax" { cases minmax; }
@test "transform cases: impute" { cases impute; }
@test "transform cases: vocab" { cases vocab; }
@test "transform cases: onehot" { cases onehot; }
@test "transform cases: bucketize" { cases bucketize; }
@test "transform cases: hash" { cases hash; }
@test "transform cases: log1p" { cases log1p; }

@test "transform: the same values as sklearn on train, val and test (1e-12 relative)" {
	# Debian's python3-sklearn is for /usr/bin/python3 (another python3 may come first)
	/usr/bin/python3 -c 'import sklearn' 2>/dev/null || skip "SKIP: python3-sklearn not installed (.ci/deps installs it)"
	/usr/bin/python3 "$TP_ROOT/tests/transform/sklearn_check.py" "$(dirname "$(command -v tp-run)")" . ||
		flunk "tp differs from sklearn (above)"
}

# Four shards of orders with a temporal split on day; x, y and c are transformed.
orders() {
	mkdir -p in
	awk 'BEGIN {
		srand(3)
		for (s = 0; s < 4; s++) {
			f = sprintf("in/part-%05d.csv", s)
			print "id,day,x,y,c" > f
			for (i = 0; i < 250; i++) {
				id = s * 250 + i
				printf "%d,2024-%02d-%02d,%.6f,%d,%s\n", id, 1 + id % 12, 1 + id % 28, rand() * 100,
					int(rand() * 1000), substr("abcdefg", 1 + int(rand() * 7), 1) > f
			}
			close(f)
		}
	}'
}
specs=(--split temporal:day --no-dedup --transform impute:x:with=median --transform zscore:x
	--transform vocab:c:top_k=5 --transform bucketize:y:buckets=4)

@test "transform: --fit-on train does not see val and test rows; --fit-on all does" {
	orders
	tp-run -q "${specs[@]}" in a
	tp-run -q "${specs[@]}" --fit-on all in all1
	# change only rows after the train cutoff (val and test): their x and c
	read -r has cutoff _ < <(awk -F'\t' '$1 == "cutoff" { print $2, $3 }' a/_tp/context/context)
	[ "$has" = 1 ] || flunk "no train cutoff"
	mkdir in2
	for f in in/part-*.csv; do
		awk -F, -v OFS=, 'NR > 1 && $2 >= "2024-10-01" { $3 = $3 * 7 + 1000; $4 = $4 + 5000; $5 = "zz" } { print }' "$f" >"in2/${f##*/}"
	done
	tp-run -q "${specs[@]}" in2 b
	tp-run -q "${specs[@]}" --fit-on all in2 all2
	# the val/test rows did change, and the train cutoff lies before them
	! cmp -s a/test/part-00000.csv b/test/part-00000.csv || flunk "val/test rows unchanged"
	expect_eq "$(awk -F'\t' '$1 == "cutoff"' b/_tp/context/context)" "$(awk -F'\t' '$1 == "cutoff"' a/_tp/context/context)" "cutoffs"
	cmp a/transform/transform.json b/transform/transform.json || flunk "--fit-on train: transform.json changed"
	cmp a/transform/vocab/c.txt b/transform/vocab/c.txt || flunk "--fit-on train: the vocabulary changed"
	cmp a/train/part-00000.csv b/train/part-00000.csv || flunk "--fit-on train: train rows changed"
	! cmp -s all1/transform/transform.json all2/transform/transform.json || flunk "--fit-on all: transform.json did not change"
	grep -q '"fit_on": "all"' all1/transform/transform.json
	grep -q '"fit_on": "train"' a/transform/transform.json
}

@test "transform: -j 1 equals -j 2 byte for byte, and the order of the partials does not matter" {
	orders
	tp-run -q -j 1 "${specs[@]}" --transform hash:id:buckets=8 in j1
	tp-run -q -j 2 "${specs[@]}" --transform hash:id:buckets=8 in j2
	expect_same_tree j1 j2 _tp
	# the fit again by hand, from the partials in the reverse order
	mkdir p
	for n in 00000 00001 00002 00003; do
		tp-transform -c j1/_tp/context -n "$n" --before-fit "in/part-$n.csv" |
			tp-split -c j1/_tp/context -n "$n" --fit "p/part-$n"
	done
	cp -r j1/_tp/context ctx
	rm ctx/transform/fit
	tp-context -c ctx --fit p/part-00003 p/part-00002 p/part-00001 p/part-00000
	cmp ctx/transform/fit j1/transform/fit || flunk "fit differs with the partials reversed"
	cmp ctx/transform/transform.json j1/transform/transform.json
}

@test "transform: tp-split -m bounds the fit's value counts in memory; flushed early, the fit is the same" {
	orders
	tp-run -q "${specs[@]}" in a
	mkdir p big
	for n in 00000 00001 00002 00003; do
		tp-transform -c a/_tp/context -n "$n" --before-fit "in/part-$n.csv" |
			tp-split -c a/_tp/context -n "$n" -m 1K --fit "p/part-$n"
		tp-transform -c a/_tp/context -n "$n" --before-fit "in/part-$n.csv" |
			tp-split -c a/_tp/context -n "$n" --fit "big/part-$n"
	done
	# 1 KiB of counts is a few dozen values: the partial holds the counts of several flushes
	[ "$(wc -l <p/part-00000)" -gt "$(wc -l <big/part-00000)" ] || flunk "-m 1K flushed nothing"
	cp -r a/_tp/context ctx
	rm ctx/transform/fit
	tp-context -c ctx --fit p/part-00000 p/part-00001 p/part-00002 p/part-00003
	cmp ctx/transform/fit a/transform/fit || flunk "fit differs with -m 1K"
	cmp ctx/transform/transform.json a/transform/transform.json
	expect_usage_err "^tp-split: --memory: expected a size like 64M, 512K or 1%: 'lots'" \
		tp-split -c a/_tp/context -m lots --fit x in/part-00000.csv
}

@test "transform: metadata and signature give the transformed columns and their types" {
	orders
	tp-run -q --metadata-format json "${specs[@]}" --transform onehot:c --transform impute:day:with=mode:indicator=1 in out 2>err &&
		flunk "day is the temporal column: expected a usage error" || true
	tp-run -q --metadata-format json "${specs[@]}" --transform impute:id:with=mean:indicator=1 in out
	expect_eq "$(cat out/signature/signature)" "id,id_missing,day,x,y,c" "signature"
	expect_file out/metadata/metadata <<-'END'
	varname,iscategory,datatype
	id,false,float64
	id_missing,false,int64
	day,true,object
	x,false,float64
	y,false,int64
	c,false,int64
	END
	head -1 out/train/part-00000.csv | grep -qx 'id,id_missing,day,x,y,c'
	grep -q '"varname": "y", "iscategory": false, "datatype": "int64", "transformed": true' out/metadata/metadata.json
}

@test "transform: the stages refuse what is not fitted, and --before-fit passes the rows as they are" {
	orders
	tp-scan -n 0 --transform zscore:x -o s0 in/part-00000.csv
	tp-context -q -c ctx s0
	expect_err 1 "tp-transform: ctx/transform: the transforms are not fitted yet: run the fit pass first (tp-transform --before-fit | tp-split --fit FILE, then tp-context --fit)" \
		tp-transform -c ctx -n 0 in/part-00000.csv
	tp-transform -c ctx -n 0 --before-fit in/part-00000.csv >raw
	tp-transform -c ctx -n 0 --before-fit in/part-00000.csv | tp-split -c ctx -n 0 --fit part0
	head -1 part0 | grep -qx $'tp-fit-partial\t1'
	tp-context -c ctx --fit part0
	tp-transform -c ctx -n 0 in/part-00000.csv >fitted
	expect_eq "$(wc -l <raw)" "$(wc -l <fitted)" "rows"
	! cmp -s raw fitted || flunk "the fitted transform changed nothing"
	# a summary scanned with other transforms is refused
	tp-scan -n 1 -o s1 in/part-00001.csv
	expect_err 1 "tp-context: in/part-00001.csv: scanned with other transforms than in/part-00000.csv" tp-context -q -c ctx2 s0 s1
	expect_usage_err '^tp-run: --transform nope:x: unknown operation' tp-run --transform nope:x in out
	expect_usage_err '^tp-run: --fit-on train: a testing job has no train split' tp-run --job-type testing --transform zscore:x in out
	expect_usage_err "^tp-context: --fit-on: expected train or all: 'x'" tp-context -c c --fit-on x s0
}

@test "transform: --fit-from on a calibration job encodes the rows as the training run did" {
	orders
	# a label of strings: its vocabulary comes from the training run too
	for f in in/part-*.csv; do
		awk -F, -v OFS=, 'NR == 1 { print $0, "grade"; next } { print $0, ($1 % 3 ? "hi" : "lo") }' "$f" >"$f.new"
		mv "$f.new" "$f"
	done
	tp-run -q -l grade "${specs[@]}" --transform onehot:id in a
	# new data: shards 2 and 3 again, and rows of their own
	mkdir cal
	cp in/part-00002.csv in/part-00003.csv cal/
	printf 'id,day,x,y,c,grade\n5000,2024-05-05,12.5,3,q,hi\n5001,2024-05-06,,999,a,lo\n' >cal/part-00009.csv
	tp-run -q -l grade --no-dedup --job-type calibration --split none --fit-from a cal b
	# every row of the calibration run that the training run also wrote is equal
	cat a/train/*.csv a/val/*.csv a/test/*.csv | sort -u >a.rows
	cat b/calibration/*.csv | sort -u >b.rows
	expect_eq "$(head -1 b/calibration/part-00002.csv)" "$(head -1 a/train/part-00000.csv)" "header"
	expect_eq "$(comm -12 a.rows b.rows | wc -l)" 501 "rows in both (500 and the header)"
	# a new row: no one-hot 1 for an unseen id, bucket 0 for y 3, -1 for the unseen c 'q',
	# and the label hi is 0 as in the training run
	grep -q '^0\(,0\)*,2024-05-05,[^,]*,0,-1,0$' b/calibration/part-00009.csv ||
		flunk "$(cut -c1-40 b/calibration/part-00009.csv; grep -o ',2024-05-05,.*' b/calibration/part-00009.csv)"
	grep -q '^v	hi$' a/transform/labels
	cmp a/transform/fit b/transform/fit || flunk "the fit was not carried over"
	# a transform the fit does not know, a label value it does not know, --fit-on
	expect_usage_err "^tp-run: --transform zscore:y: not fitted in a" \
		tp-run -l grade --no-dedup --job-type calibration --split none --fit-from a --transform zscore:y cal c
	printf 'id,day,x,y,c,grade\n1,2024-01-01,1,1,a,mid\n' >cal/part-00010.csv
	run --separate-stderr tp-run -q -l grade --no-dedup --job-type calibration --split none --fit-from a cal d
	expect_status 1
	[[ $stderr == *"label value 'mid' is not in the label vocabulary of a"* ]] || flunk "$stderr"
	expect_usage_err "^tp-run: --fit-from and --fit-on exclude each other" \
		tp-run --fit-from a --fit-on all --transform zscore:x cal e
}

@test "transform: --resume keeps the fit, --force replaces only the files tp names in OUTPUT_DIR/transform" {
	orders
	tp-run -q "${specs[@]}" in out
	cp -r out/transform first
	echo mine >out/transform/notes
	tp-run -q --resume "${specs[@]}" in out
	expect_same_tree first out/transform notes
	expect_eq "$(cat out/transform/notes)" mine "a file of the user's"
	# without transforms: tp's files go, the user's stays
	tp-run -q --force --split temporal:day --no-dedup in out
	expect_eq "$(cd out/transform && find . -type f | sort)" "./notes" "what is left"
	# other transforms: a new fit, no vocabulary of the old one
	tp-run -q --force --split temporal:day --no-dedup --transform minmax:y in out
	grep -q $'^t\t0\tminmax:y\t' out/transform/fit
	expect_no_file out/transform/vocab out/transform/labels
	# a symbolic link is not written through
	rm -rf out/transform
	mkdir elsewhere
	ln -s ../elsewhere out/transform
	run --separate-stderr tp-run -q --force --split temporal:day --no-dedup --transform minmax:y in out
	expect_status 1
	[[ $stderr == *"out/transform: a symbolic link"* ]] || flunk "$stderr"
	expect_eq "$(ls elsewhere)" "" "the link's target"
}
