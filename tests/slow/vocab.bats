#!/usr/bin/env bats
# Runs too long for `make check` (minutes on 2 cores): `make check-slow`. A vocabulary of
# 10 million distinct values (issue 11) is fitted and applied within a memory bound that
# an in-memory vocabulary would exceed: the counts are spilled and sorted with sort(1),
# the vocabulary is written as a stream and looked up in pass 2 by bisection of its file.

load ../helper

# A copy of tp-run beside wrappers that log each tool's peak RSS (KiB) to $rss_log.
rss_bin() {
	local t
	mkdir rss-bin
	for t in tp-scan tp-context tp-transform tp-split tp-write; do
		printf '#!/bin/sh\nexec /usr/bin/time -a -o "%s" -f "%s %%M" "%s" "$@"\n' \
			"$PWD/rss.log" "$t" "$(command -v "$t")" >"rss-bin/$t"
		chmod +x "rss-bin/$t"
	done
	cp "$(command -v tp-run)" rss-bin/tp-run
}

@test "vocab: 10,000,000 distinct values, every tool under 100 MiB" {
	[ "${TP_SANITIZE:-0}" = 1 ] || [ "${TP_VALGRIND:-0}" = 1 ] &&
		skip "SKIP: the memory of AddressSanitizer or valgrind would be counted"
	mkdir in
	awk 'BEGIN {
		for (s = 0; s < 10; s++) {
			f = sprintf("in/part-%05d.csv", s)
			print "id,v" > f
			# value i of shard s: v + 8 digits, in an order that is not sorted
			for (i = 0; i < 1000000; i++) { k = (i * 7919 + s) % 1000000 * 10 + s; printf "%d,v%08d\n", k, k > f }
			close(f)
		}
	}'
	rss_bin
	rss-bin/tp-run -q -j 2 --no-dedup --split random --fit-on all --transform vocab:v in out
	# the vocabulary: every value once, count 1, ids in bytewise order
	expect_eq "$(awk -F'\t' '$1 == "t" { print $6 }' out/transform/fit)" 10000000 "vocabulary size"
	expect_eq "$(wc -l <out/transform/vocab/v.txt)" 10000000 "vocabulary lines"
	expect_eq "$(sed -n '1p;123457p;10000000p' out/transform/vocab/v.txt | xargs)" \
		"1 v00000000 1 v00123456 1 v09999999" "vocabulary entries"
	# every row's id is the number in its value: v00123456 -> 123456
	run --separate-stderr bash -c "cat out/*/part-*.csv | awk -F, '\$1 != \"id\" && \$1 != \$2 { n++ } \$1 != \"id\" { rows++ } END { print rows + 0, n + 0 }'"
	expect_eq "$output" "10000000 0" "rows, and rows whose id is not their value's"
	# the memory bound: an in-memory vocabulary of these values takes over 500 MiB
	sort -k2,2n rss.log | tail -3 >&3
	awk '$2 > 100 * 1024 { print "over 100 MiB: " $0; bad = 1 } END { exit bad }' rss.log ||
		flunk "a tool exceeded the bound"
}
