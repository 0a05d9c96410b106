#!/usr/bin/env bats
# tp-run --consolidate (issue 12): after pass 2, each split's part files are joined in
# shard order into OUTPUT_DIR/SPLIT/SPLIT_processed_data.EXT (the seed script's batch
# layout) by tp-write --join, and removed; --resume and --force know the joined files.

load helper

# shards numbered 9, 10 and 123456: name order is not shard order
setup_file() {
	export KT=$BATS_FILE_TMPDIR
	tp-gen-orders -n 3 -r 3000 -o "$KT/gen" >/dev/null
	mkdir "$KT/in"
	mv "$KT/gen/part-00000.csv" "$KT/in/part-00009.csv"
	mv "$KT/gen/part-00001.csv" "$KT/in/part-00010.csv"
	mv "$KT/gen/part-00002.csv" "$KT/in/part-123456.csv"
}

# parts_in_order DIR SPLIT EXT: the part files of SPLIT in shard order
parts_in_order() {
	local n
	for n in 00009 00010 123456; do [ ! -f "$1/$2/part-$n.$3" ] || printf '%s\n' "$1/$2/part-$n.$3"; done
}

@test "consolidate: one file per split, holding the part files' rows in shard order (csv, tsv, csv.gz)" {
	local f s e
	for f in csv tsv csv.gz; do
		tp-run -q -f $f -l isFraud "$KT/in" parts-$f
		tp-run -q -f $f -l isFraud --consolidate "$KT/in" one-$f
		e=${f%.gz}
		for s in train val test; do
			expect_eq "$(ls one-$f/$s)" "${s}_processed_data.$f" "$f: the files of $s"
			mapfile -t p < <(parts_in_order parts-$f $s $f)
			[ ${#p[@]} -eq 3 ] || flunk "$f $s: ${#p[@]} part files"
			{
				gzip -dcf "${p[0]}" | head -1
				body "${p[@]}"
			} >want
			gzip -dcf one-$f/$s/${s}_processed_data.$f | cmp - want
		done
		# the rest of the tree is that of the run without --consolidate
		expect_same_tree parts-$f one-$f train val test _tp
	done
	# csv.gz: one gzip stream
	python3 -c 'import sys, zlib
d = zlib.decompressobj(wbits=31)
d.decompress(open(sys.argv[1], "rb").read())
assert d.eof and d.unused_data == b"", "more than one gzip stream"' one-csv.gz/train/train_processed_data.csv.gz
	# the report names the joined files
	tp-run -l isFraud --consolidate "$KT/in" rep >report
	local size
	size=$(stat -c %s rep/train/train_processed_data.csv)
	grep -qx "joined            train/train_processed_data.csv, $size bytes" report || flunk "$(cat report)"
}

@test "consolidate: Parquet: one file of several row groups, the rows of the part files in shard order" {
	tp-run -q -f parquet --row-group-size 500 -l isFraud "$KT/in" parts
	tp-run -q -f parquet --row-group-size 500 -l isFraud --consolidate "$KT/in" one
	expect_eq "$(ls one/train)" "train_processed_data.parquet"
	local f i=0
	while read -r f; do
		tp-scan --rows r$i.csv -o /dev/null "$f"
		i=$((i + 1))
	done < <(parts_in_order parts train parquet)
	{
		cat r0.csv
		body r1.csv r2.csv
	} >want.csv
	tp-scan --rows got.csv -o /dev/null one/train/train_processed_data.parquet
	cmp want.csv got.csv
	# several row groups of at most 500 rows (DuckDB reads the footer, when it is there)
	if "$TP_ROOT/tests/duckdb/install.sh" >/dev/null 2>&1; then
		read -r groups most < <(duck --rows "SELECT count(DISTINCT row_group_id), max(row_group_num_rows) FROM parquet_metadata('one/train/train_processed_data.parquet')" | tr , ' ')
		[ "$groups" -gt 3 ] && [ "$most" -le 500 ] || flunk "row groups: $groups, most rows $most"
	fi
	# the metadata's column types, as in the part files
	expect_eq "$(tp-scan -o - one/train/train_processed_data.parquet | grep -c '^decl')" \
		"$(tp-scan -o - "$(parts_in_order parts train parquet | head -1)" | grep -c '^decl')" "typed columns"
}

@test "consolidate: CONSOLIDATE_SHARDS=true asks for it, any case; a bad value names the variable" {
	CONSOLIDATE_SHARDS=TRUE tp-run -q -l isFraud "$KT/in" env
	expect_eq "$(ls env/val)" "val_processed_data.csv"
	CONSOLIDATE_SHARDS=false tp-run -q -l isFraud "$KT/in" off
	[ -f off/val/part-00009.csv ] || flunk "CONSOLIDATE_SHARDS=false joined the files"
	CONSOLIDATE_SHARDS=yes run tp-run -q -l isFraud "$KT/in" bad
	expect_status 2
	expect_eq "${lines[0]}" "tp-run: CONSOLIDATE_SHARDS: expected true or false: 'yes'"
	expect_no_file bad
}

@test "consolidate: --resume switches the layout either way and gives the tree of a fresh run; --force removes the joined files" {
	tp-run -q -l isFraud "$KT/in" fresh-parts
	tp-run -q -l isFraud --consolidate "$KT/in" fresh-one
	tp-run -q -l isFraud --consolidate "$KT/in" o
	tp-run -q --resume -l isFraud --consolidate "$KT/in" o
	expect_same_tree fresh-one o report.txt
	tp-run -q --resume -l isFraud "$KT/in" o
	expect_same_tree fresh-parts o report.txt
	tp-run -q --resume -l isFraud --consolidate "$KT/in" o
	expect_same_tree fresh-one o report.txt
	# a file of the user's in a split folder stays; tp's joined files go
	echo mine >o/train/notes.txt
	tp-run -q --force -l isFraud "$KT/in" o
	[ -f o/train/notes.txt ] || flunk "--force removed a file tp did not write"
	[ ! -e o/train/train_processed_data.csv ] || flunk "--force kept the joined file"
	rm o/train/notes.txt
	expect_same_tree fresh-parts o report.txt
}
