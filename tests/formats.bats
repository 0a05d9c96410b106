#!/usr/bin/env bats
# tp-formats(5) against the tools: the records the tools write are those of the page,
# with its numbers of fields, and tp-run reads them by the page's names.

load helper

# Two shards of orders: a row without label, one without time, one without key,
# duplicate keys, a bad date (a bad row) and a value holding a tab.
orders() {
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
G,2024-01-0x,true,s1r5
H,2024-01-08,false,"s1	r6"
EOF
}

# records FORMAT FILE...: "FORMAT TAG NF" for every record of the files; TAG "-" for
# the formats without tags.
records() {
	local fmt=$1
	shift
	awk -F'\t' -v fmt="$fmt" -v tagged="$([ "$fmt" = strata ] || echo 1)" \
		'{ print fmt, (tagged ? $1 : "-"), NF }' "$@"
}

@test "formats: every record the tools write is in tp-formats(5), with its number of fields, and the page has no other" {
	orders
	# label, dedup (customerId), temporal split, --distinct (json), concat, quarantine
	tp-run -q -j 2 -l isFraud --metadata-format json --concat cv=customerId,v \
		--on-bad-row quarantine in r1
	# stratified without dedup; temporal without dedup; group split; Parquet output
	tp-run -q -l isFraud --no-dedup --split stratified --on-bad-row skip in r2
	tp-run -q --no-dedup --on-bad-row skip in r3
	tp-run -q -l isFraud --split group:v --on-bad-row skip in r4
	tp-run -q -f parquet -l isFraud --on-bad-row skip in r5
	# transforms: their summary record, the transform directory, a fit partial
	mkdir in6
	awk -F, -v OFS=, 'NR == 1 { print $0, "x", "y"; next } { print $0, NR, NR * 7 }' in/part-00000.csv >in6/part-00000.csv
	tp-run -q -l isFraud --transform impute:v:with=mode --transform zscore:x \
		--transform hash:y:buckets=3 --transform bucketize:y:buckets=2 --transform vocab:v in6 r6
	tp-transform -c r6/_tp/context -n 0 --before-fit in6/part-00000.csv | tp-split -c r6/_tp/context -n 0 --fit partial
	# JSON: --records, a label one shard lacks (absent), --explode (child tables)
	mkdir in7
	printf '{"d": [{"r": [{"a": 1}, 2]}, {"r": []}]}\n' >in7/part-00000.jsonl
	printf '{"d": [{"l": 1, "r": [3]}, {"l": 2}]}\n' >in7/part-00001.jsonl
	tp-run -q --records d --no-dedup --split random -l l --explode r --id l in7 r7
	mkdir in8
	printf 'a,j\n1,"{""k"": 1}"\n' >in8/part-00000.csv
	tp-run -q --no-dedup --split random --expand-json j in8 r8
	# a Parquet shard declares its types: decl records
	tp-scan -o p.sum r5/train/part-00000.parquet
	tp-context -q -c pctx p.sum
	local r
	{
		for r in r1 r2 r3 r4 r5; do
			records summary $r/_tp/summaries/*.sum
			records context $r/_tp/context/context
			records audit $r/_tp/audit/part-*
			records report $r/_tp/reports/part-*
			records report.tsv $r/_tp/report.tsv
		done
		records summary r7/_tp/summaries/*.sum r8/_tp/summaries/*.sum
		records context r7/_tp/context/context r8/_tp/context/context
		records report r7/_tp/reports/part-*
		records summary p.sum r6/_tp/summaries/*.sum
		records context pctx/context
		records specs r6/transform/specs
		records labels r6/transform/labels
		records fit r6/transform/fit
		records fit-partial partial
		records strata r2/_tp/context/strata/part-*
	} | sort -u >seen
	tp_formats >page
	# the quarantine file is CSV: its header is the page's field names
	local names
	names=$(awk '$1 == "rejects" { $1 = $2 = ""; print }' page | xargs | tr ' ' ,)
	expect_eq "$(head -n 1 r1/_rejects/part-00001.csv)" "$names" "quarantine header"
	echo "rejects - 5" >>seen
	# a last field "..." of the page stands for one or more more fields
	awk '
		NR == FNR {
			k = $1 SUBSEP $2
			n = NF - 2 + ($2 != "-")
			if ($NF == "...") { n--; more[k] = 1 }
			want[k] = n
			for (i = 3; i <= NF; i++) {
				if (($1, $2, $i) in name) { print "tp-formats(5): " $1 " record " $2 ": field " $i " twice"; bad = 1 }
				name[$1, $2, $i]
			}
			next
		}
		{
			k = $1 SUBSEP $2
			if (!(k in want)) {
				print "not in tp-formats(5): " $1 " record " $2 " (" $3 " fields)"
				bad = 1
				next
			}
			got[k]
			if (k in more ? $3 < want[k] : $3 != want[k]) {
				print $1 " record " $2 ": " $3 " fields, tp-formats(5) gives " want[k] (k in more ? " or more" : "")
				bad = 1
			}
		}
		END {
			for (k in want)
				if (!(k in got)) {
					split(k, p, SUBSEP)
					print "in tp-formats(5), not written by any run: " p[1] " record " p[2]
					bad = 1
				}
			exit bad
		}' page seen >&2 || flunk "tp-formats(5) and the tools differ (above)"
}

@test "formats: tp-run reads the records by the names of tp-formats(5)" {
	local tables var fmt line n=0
	tables=$(sed -n '/^# BEGIN tp-formats$/,/^# END tp-formats$/p' "$TP_ROOT/tools/tp-run")
	[ -n "$tables" ] || flunk "tools/tp-run: no '# BEGIN tp-formats' ... '# END tp-formats' block"
	eval "$tables"
	tp_formats >page
	for var in ${!tp_rec_*}; do
		fmt=${var#tp_rec_}
		fmt=${fmt//_/.}
		while IFS= read -r line; do
			grep -qxF -- "$fmt $line" page ||
				flunk "tools/tp-run $var: '$line' is not a $fmt record of tp-formats(5):" "$(grep "^$fmt " page)"
			n=$((n + 1))
		done <<<"${!var}"
	done
	[ "$n" -ge 10 ] || flunk "only $n records in the tables of tools/tp-run"
}

@test "formats: rec_field reads a field by its name, and refuses a name the page does not give" {
	orders
	tp-scan -l isFraud --on-bad-row skip -n 1 -o s.sum in/part-00001.csv
	expect_eq "$(sum_field s.sum rows rows bad)" "7	1"
	expect_eq "$(sum_field s.sum k key=H time row)" "1704672000000000	6"
	run -2 sum_field s.sum rows nope
	[[ $output == *"no field 'nope' in the record 'rows'"* ]] || flunk "message: $output"
	run -2 sum_field s.sum nope rows
	[[ $output == *"no record 'nope' in the format 'summary'"* ]] || flunk "message: $output"
}
