#!/usr/bin/env bats
# The context at scale (issue 3): tp-context sorts dedup keys and temporal values with
# GNU sort under -m SIZE, so its memory does not grow with the number of keys; and the
# bounded (external) path gives the same bytes as a run with memory to spare.

load helper

# gen_keys DIR SHARDS ROWS: shards of customerId,orderDate,isFraud. Keys are
# (7919*i + 500000*s) mod 5,000,000: distinct within a shard, and shards 10 and up
# repeat keys of the earlier ones. Times repeat, so ties exist.
gen_keys() {
	mkdir -p "$1"
	local s
	for ((s = 0; s < $2; s++)); do
		awk -v s="$s" -v n="$3" 'BEGIN {
			print "customerId,orderDate,isFraud"
			for (i = 0; i < n; i++) {
				k = (i * 7919 + s * 500000) % 5000000
				printf "K%07d,2025-%02d-%02d %02d:%02d:00,%d\n", k, 1 + (i * 13) % 12,
					1 + (i * 7) % 28, (i * 5) % 24, (i * 11) % 60, (i % 10 == 0)
			}
		}' >"$1/part-$(printf %05d "$s").csv" &
	done
	wait
}

scan_all() { # IN SUMS
	mkdir -p "$2"
	parallel --will-cite tp-scan -l isFraud -o "$2/{/}.sum" {} ::: "$1"/part-*
}

@test "scale: 5,000,000 distinct dedup keys under a 120 MB address-space cap" {
	[ "${TP_SANITIZE:-}" != 1 ] || skip "SKIP: ulimit -v cannot apply under AddressSanitizer (make check SANITIZE=1)"
	gen_keys in 11 500000 # 5.5 M rows, 5 M distinct keys, 500 k duplicates
	scan_all in sums
	# Held in memory, 5 M keys need at least 5 M x (8-byte key + 8-byte time + 16 bytes of
	# row identity) = 160 MB before any table overhead: more than the cap allows.
	(
		ulimit -v 120000
		tp-context -q -m 16M -c ctx sums/*.sum
	)
	read -r n train val test < <(ctx_field ctx rows rows train val test)
	expect_eq "$n" 5000000 "rows kept = distinct keys"
	expect_eq "$((train + val + test))" 5000000
	kept=$(cat ctx/keep/* | wc -l)
	expect_eq "$kept" 5000000 "keep lists"
	# every key kept once: the kept rows' keys are distinct
	for f in in/part-*; do
		n=$(basename "$f" .csv)
		awk -F, 'NR == FNR { keep[$1 + 2]; next } FNR in keep { print $1 }' \
			"ctx/keep/$n" "$f"
	done | sort -S 200M | uniq -d | head -3 >dups
	expect_eq "$(cat dups)" "" "keys kept twice"
	[ -z "$(ls -A ctx/tmp 2>/dev/null)" ] || flunk "ctx/tmp left behind"
}

@test "scale: external sort (-m 1M) and a roomy one (-m 1G) give identical contexts and outputs" {
	gen_keys in 12 20000
	scan_all in sums
	tp-context -q -m 1M -c small sums/*.sum
	tp-context -q -m 1G -c big sums/*.sum
	diff -r small big
	# pass 2 of every shard under each context: the split files are the same bytes
	local f n c
	for c in small big; do
		for f in in/part-*; do
			n=$(basename "$f" .csv)
			n=$((10#${n#part-}))
			tp-transform -c $c -n $n "$f" | tp-split -c $c -n $n | tp-write -c $c -n $n out-$c
		done
	done
	# shards 10 and 11 repeat the keys and times of shards 0 and 1 and lose every tie
	expect_eq "$(find out-small -type f | wc -l)" 30 "split files"
	read -r n < <(ctx_field small rows rows)
	expect_eq "$(body out-small/*/part-*.csv | wc -l)" "$n" "rows written"
	expect_same_tree out-small out-big
	# and the dedup matches an independent computation: earliest time, ties by (shard, row)
	for f in in/part-*; do
		s=$(basename "$f" .csv)
		s=$((10#${s#part-}))
		awk -F, -v s="$s" 'NR > 1 { printf "%s\t%s\t%05d\t%08d\n", $1, $2, s, NR - 2 }' "$f"
	done | sort -t $'\t' -k1,1 -k2,2 -k3,3 -k4,4 | awk -F'\t' '$1 != prev { print $3 "\t" $4 + 0; prev = $1 }' |
		sort >want
	for k in small/keep/part-*; do
		s=${k##*part-}
		awk -v s="$s" '{ print s "\t" $1 }' "$k"
	done | sort >got
	diff want got
}

@test "scale: tp-context -m rejects a bad size (exit 2)" {
	expect_usage_err "^tp-context: --memory: expected a size like 512M, 2G or 10%: '12Q'$" \
		tp-context -m 12Q -c ctx x.sum
}

# The memory of pass 1 (issue 10): tp-scan keeps what grows with its shard (dedup keys,
# temporal values, distinct values) within -m, spilling sorted runs to TMPDIR.
@test "scale: tp-scan -m: 2,000,000 distinct keys in one shard in under 24 MiB; the summary is the same at any -m" {
	gen_keys in 1 2000000
	local f=in/part-00000.csv
	export TMPDIR=$BATS_TEST_TMPDIR/tmp
	mkdir "$TMPDIR"
	/usr/bin/time -f %M -o rss tp-scan -l isFraud -o small.sum "$f"
	/usr/bin/time -f %M -o rss-big tp-scan -m 1G -l isFraud -o big.sum "$f"
	cmp small.sum big.sum
	expect_eq "$(grep -c '^k' small.sum)" 2000000 "key records"
	if [ "${TP_SANITIZE:-}" != 1 ]; then
		[ "$(tail -1 rss)" -lt 24576 ] || flunk "tp-scan (default -m 8M) peaked at $(tail -1 rss) KiB"
		# the bound is what keeps it small: with room, the keys stay in memory
		[ "$(tail -1 rss-big)" -gt 100000 ] || flunk "tp-scan -m 1G peaked at only $(tail -1 rss-big) KiB"
	fi
	# the times (epoch seconds, 200,000 distinct) and the distinct values of every
	# column, spilled many times over
	awk 'BEGIN { print "id,orderDate,isFraud"
		for (i = 0; i < 400000; i++) printf "%d,%d,%d\n", i, 1700000000 + (i * 7919) % 200000, i % 3 }' >t.csv
	tp-scan -m 64K --no-dedup --distinct --split temporal:orderDate -l isFraud -o d-small.sum t.csv
	tp-scan -m 1G --no-dedup --distinct --split temporal:orderDate -l isFraud -o d-big.sum t.csv
	cmp d-small.sum d-big.sum
	expect_eq "$(grep -c $'^t\t' d-small.sum)" 200000 "time records"
	expect_eq "$(grep -c $'^d\t0\t' d-small.sum)" 400000 "distinct ids"
	# nothing is left in TMPDIR
	expect_eq "$(ls -A "$TMPDIR")" ""
}

@test "scale: tp-scan -m: a bad size is a usage error; an unwritable TMPDIR is exit 1 naming it" {
	expect_usage_err "^tp-scan: --memory: expected a size like 8M, 512K or 1%: '8Q'$" tp-scan -m 8Q x.csv
	gen_keys in 1 5000
	TMPDIR=$BATS_TEST_TMPDIR/none run tp-scan -m 1K -l isFraud -o s.sum in/part-00000.csv
	expect_eq "$status" 1
	expect_eq "$output" "tp-scan: $BATS_TEST_TMPDIR/none: cannot create a temporary file for sorted runs: No such file or directory"
	[ ! -e s.sum ] || flunk "a summary was written"
}
