#!/usr/bin/env bats
# JSON input (json.h): JSON Lines and one document, flattening as pandas.json_normalize,
# --records, the union schema of pass 1 over shards, bad JSON, and the data sets of
# ../shared/data/json compared with pandas.

load helper

JSON_DATA=$TP_ROOT/../shared/data/json

need_data() {
	[ -f "$JSON_DATA/earthquakes.json" ] || skip "../shared/data/json is not there"
}

need_pandas() {
	/usr/bin/python3 -c 'import pandas' 2>/dev/null || skip "python3-pandas is not installed"
}

# rows FILE...: the rows tp reads, as CSV.
rows() {
	tp-scan --rows - -o /dev/null "$@"
}

@test "json: JSON Lines flattened: nested objects as a.b, arrays compact, null and absent missing" {
	printf '%s\n' '{"id": 1, "user": {"name": "A, B", "age": 30}, "tags": ["x", "y"], "ok": true}' \
		'' '{"id": 2.50, "user": {"name": null}, "tags": [], "extra": {"k": [1, {"z": "\"q\""}]}}' \
		'{"ok": false, "id": -1e3}' >in.jsonl
	run -0 rows in.jsonl
	# pandas' order: the keys that hold no object first, then the nested ones
	[ "$output" = 'id,tags,ok,user.name,user.age,extra.k
1,"[""x"",""y""]",true,"A, B",30,
2.50,[],,,,"[1,{""z"":""\""q\""""}]"
-1e3,,false,,,' ]
}

@test "json: the form is found from the content: an array document, one record, JSON Lines in .json" {
	printf '[\n  {"a": 1},\n  {"b": {"c": 2}}\n]\n' >doc.json
	run -0 rows doc.json
	[ "$output" = $'a,b.c\n1,\n,2' ]
	printf '{\n  "a": 1,\n  "b": [1, 2]\n}\n' >one.json
	run -0 rows one.json
	[ "$output" = $'a,b\n1,"[1,2]"' ]
	printf '{"a": 1}\n{"a": 2}\n' | gzip >lines.json.gz
	run -0 rows lines.json.gz
	[ "$output" = $'a\n1\n2' ]
	# by content whatever the name, and from standard input
	printf '[{"a": "x"}]' >data.txt
	run -0 rows data.txt
	[ "$output" = $'a\nx' ]
	run -0 rows - <doc.json
	[ "$output" = $'a,b.c\n1,\n,2' ]
}

@test "json: --records picks the array at a dotted path" {
	printf '{"meta": {"n": 2, "items": [{"k": 1}, {"k": 2, "v": "x"}]}, "other": [{"z": 0}]}\n' >d.json
	run -0 rows --records meta.items d.json
	[ "$output" = $'k,v\n1,\n2,x' ]
	run -1 rows --records nope d.json
	[ "$output" = "tp-scan: d.json:1: --records nope: no array of records at that path" ]
	run -2 tp-scan --records '' d.json
	[[ "$output" == "tp-scan: --records: expected a dotted path (KEY.KEY...)"* ]]
}

@test "json: bad JSON: file and line (byte offset for one document), the bad-row policy per JSON Lines record" {
	printf '{"a": 1}\n{"a": 2,,}\n[1]\n{"a": 4}\n' >in.jsonl
	run -1 rows in.jsonl
	[ "$output" = "tp-scan: in.jsonl:2: not JSON: parse error: invalid object key (must be a string)" ]
	run -0 rows --on-bad-row skip in.jsonl
	[ "$output" = $'a\n1\n4' ]
	tp-scan --on-bad-row quarantine --rejects rej.csv -o s.sum in.jsonl
	grep -q '^rows	4	0	0	0	2$' s.sum
	grep -q 'a record is a JSON object' rej.csv
	printf '[\n{"a": 1},\n{"a" 2}\n]\n' >doc.json
	run -1 rows --on-bad-row skip doc.json
	[ "$output" = "tp-scan: doc.json:3: not JSON: parse error: object key and value must be separated by a colon (':') (byte 17)" ]
	printf '[{"a": 1},\n{"a": 2}' >cut.json
	run -1 rows cut.json
	[[ "$output" == "tp-scan: cut.json:2: not JSON: "*"the document was cut short (byte 19)" ]]
	printf '{"a": "\xff"}\n' >utf.jsonl
	run -1 rows utf.jsonl
	[ "$output" = "tp-scan: utf.jsonl:1: not JSON: lexical error: invalid bytes in UTF8 string" ]
	printf '{"a": 1}\n{"a": 2}\n' | gzip | head -c 30 >trunc.jsonl.gz
	run -1 rows trunc.jsonl.gz
	[[ "$output" == "tp-scan: trunc.jsonl.gz"*gzip* ]]
}

@test "json: the union schema over shards in order of first appearance by shard number, the same for any -j" {
	mkdir in
	printf '{"b": 1, "a": "x"}\n{"a": "y", "c": true}\n' >in/part-00001.jsonl
	printf '{"d": 5}\n{"d": 6, "b": 2}\n{"d": 7}\n' >in/part-00000.jsonl
	printf '{"a": "z", "e": {"f": 1}}\n' >in/part-00002.jsonl
	tp-run -q --split random -j 1 in out1
	tp-run -q --split random -j 3 in out2
	diff -r -x _tp out1 out2
	[ "$(cat out1/signature/signature)" = "d,b,a,c,e.f" ]
	# the statistics count the rows of shards without the column as missing
	run -0 awk -F'\t' '$1 == "in" && $2 == "d" { print $3, $4 }' out1/_tp/context/context
	[ "$output" = "3 3" ]
	cat out1/{train,val,test}/part-*.csv | grep -v '^d,' | sort >all.csv
	[ "$(cat all.csv)" = "$(printf '%s\n' ',,z,,1' ',1,x,,' ',,y,true,' '5,,,,' '6,2,,,' '7,,,,' | sort)" ]
	# pass 1 keeps each shard's own keys; a label a shard lacks is there, all missing
	tp-scan -l c -o s.sum in/part-00000.jsonl
	grep -q '^col	c$' s.sum
	grep -q '^absent$' s.sum
	[ "$(grep -c '^header	2$' s.sum)" = 1 ]
}

@test "json: a JSON shard whose every record is bad is JSON all the same (header 2, no columns), beside good ones" {
	mkdir in
	printf '{"a": "\xff"}\n' >in/part-00000.jsonl
	printf '{"a": 1, "b": "x"}\n{"a": 2, "b": "y"}\n' >in/part-00001.jsonl
	tp-scan --on-bad-row quarantine --rejects rej.csv -o s0.sum in/part-00000.jsonl
	expect_eq "$(sum_field s0.sum header header)" 2 "header of the bad shard"
	[ "$(sum_field s0.sum rows rows)" = "$(sum_field s0.sum rows bad)" ] || flunk "a good row in the bad shard"
	tp-run -q --no-dedup --split random --on-bad-row quarantine in out
	expect_eq "$(cat out/signature/signature)" "a,b" "signature"
	expect_eq "$(cat out/*/part-00001.csv | grep -vc '^a,b$')" 2 "rows of the good shard"
	grep -q 'part-00000.jsonl,1,' out/_rejects/part-00000.csv
}

@test "json: --records must be pass 1's" {
	mkdir in
	printf '{"a": 1}\n' >in/part-00000.jsonl
	tp-run -q --split random in out2
	run -2 tp-transform -c out2/_tp/context --records x in/part-00000.jsonl
	[ "$output" = "tp-transform: --records x: pass 1 read without --records" ]
}

@test "json: --distinct counts over the union columns, by name: any -j, any order of shards and summaries" {
	mkdir in
	printf '{"b": "1", "a": "x"}\n{"a": "y", "c": "p"}\n{"a": "x", "c": [1, 2]}\n' >in/part-00001.jsonl
	printf '{"d": "q", "a": "x"}\n{"d": "r", "b": "2"}\n{"d": "q"}\n' >in/part-00000.jsonl
	printf '{"c": "p", "e": {"f": "s"}}\n{"a": "z", "c": "t"}\n' >in/part-00002.jsonl
	tp-run -q --split random --metadata-format json -j 1 in out1
	tp-run -q --split random --metadata-format json -j 3 in out2
	diff -r -x _tp out1 out2
	# d: q r; a: x y z; b: 1 2 (int64: no count); c: p [1,2] t; e.f: s
	run -0 /usr/bin/python3 -c '
import json, sys
for c in json.load(open(sys.argv[1]))["columns"]:
    print(c["varname"], c["distinct"])' out1/metadata/metadata.json
	[ "$output" = $'d 2\na 3\nb None\nc 3\ne.f 1' ]
	# the summaries in another order, and one spilled to runs (-m): the same context
	for i in 0 1 2; do tp-scan --split random --distinct -o s$i.sum in/part-0000$i.jsonl; done
	tp-scan --split random --distinct -m 1 -o m1.sum in/part-00001.jsonl
	cmp s1.sum m1.sum
	tp-context -q -c c1 -d o1 --metadata-format json s0.sum s1.sum s2.sum
	tp-context -q -c c2 -d o2 --metadata-format json s2.sum s1.sum s0.sum
	cmp c1/context c2/context
	cmp o1/metadata/metadata.json out1/metadata/metadata.json
	cmp o2/metadata/metadata.json out1/metadata/metadata.json
	grep -q '^distinct	3	3$' c1/context
}

@test "json: JSON Lines with CSV and TSV shards: the union of all their columns, as if the CSV were JSON Lines; -j 1 equals -j 2" {
	mkdir in conv
	printf '{"id": 1, "name": "a", "x": {"k": "v"}}\n{"id": 2, "name": "b", "score": 0.25}\n' >in/part-00000.jsonl
	printf 'id,score,name,when\n3,0.5,c,2024-01-02\n4,,"d, e",\n5,NA,f,2024-01-03\n' >in/part-00001.csv
	printf 'score\tid\tname\n1.5\t6\th\n' >in/part-00002.tsv
	printf '{"name": "g", "id": 7, "y": true}\n' >in/part-00003.jsonl
	opts=(-q --split random --metadata-format json --dedup id -l name)
	tp-run "${opts[@]}" -j 1 in out1
	tp-run "${opts[@]}" -j 2 in out2
	diff -r -x _tp out1 out2
	[ "$(cat out1/signature/signature)" = "id,name,x.k,score,when,y" ]
	# the same rows as JSON Lines: every value a string, an empty one null
	cp in/part-00000.jsonl in/part-00003.jsonl conv/
	for f in part-00001.csv part-00002.tsv; do
		tp-scan --rows - -o /dev/null "in/$f" | /usr/bin/python3 -c '
import csv, json, sys
rows = list(csv.reader(sys.stdin))
for r in rows[1:]:
    print(json.dumps({k: v if v else None for k, v in zip(rows[0], r)}))' >"conv/${f%.*}.jsonl"
	done
	tp-run "${opts[@]}" conv out3
	diff -r -x _tp out1 out3
	grep -q '"varname": "when".*"distinct": 2}' out1/metadata/metadata.json
	# a CSV shard's rows laid out on the union, the columns it lacks missing (the label
	# c is its class 2)
	cat out1/*/part-00001.csv | grep -qx '3,2,,0.5,2024-01-02,'
	# a Parquet shard (written by tp) the same way
	mkdir pqin
	printf 'id,score,name\n8,2.5,c\n' >pqin/part-00000.csv
	tp-run -q --no-dedup --split random --train-ratio 1 -f parquet pqin pq
	cp pq/train/part-00000.parquet in/part-00004.parquet
	tp-run "${opts[@]}" -j 1 in out4
	tp-run "${opts[@]}" -j 3 in out5
	diff -r -x _tp out4 out5
	cat out4/*/part-00004.csv | grep -qx '8,2,,2.5,,'
	# the CSV shards still agree among themselves on how they were scanned
	printf 'p,q,r\n' >sig
	tp-scan -o s0.sum in/part-00000.jsonl
	tp-scan -o s1.sum in/part-00001.csv
	tp-scan -s sig -o s2.sum in/part-00002.tsv
	run -1 tp-context -c ctx s0.sum s1.sum s2.sum
	[ "$output" = "tp-context: in/part-00002.tsv: scanned with a signature, unlike in/part-00001.csv" ]
}

@test "json: earthquakes.json --records features equals pandas.json_normalize(doc['features'])" {
	need_data
	need_pandas
	rows --records features "$JSON_DATA/earthquakes.json" >tp.csv
	/usr/bin/python3 "$TP_ROOT/tests/json_ref.py" rows "$JSON_DATA/earthquakes.json" features >pd.csv
	[ "$(wc -l <tp.csv)" = 1708 ]
	cmp tp.csv pd.csv
	head -2 tp.csv | tail -1 | grep -q ',Point,"\[-118.6671667,34.4945,26.49\]"$'
	# without --records: the one document is one row
	run -0 rows "$JSON_DATA/earthquakes.json"
	[ "${#lines[@]}" = 2 ]
	[ "${lines[0]}" = "type,features,bbox,metadata.generated,metadata.url,metadata.title,metadata.status,metadata.api,metadata.count" ]
}

@test "json: movies.json through tp-run: exact counts, pandas' types, -j 1 equals -j 2" {
	need_data
	need_pandas
	mkdir in
	/usr/bin/python3 - "$JSON_DATA/movies.json" in <<'PY'
import json, sys
recs = json.load(open(sys.argv[1]))
# three JSON Lines shards and the rest as one document, each written as read
k = len(recs) // 4
for i in range(3):
    with open(f"{sys.argv[2]}/part-{i:05d}.jsonl", "w") as f:
        for r in recs[i * k:(i + 1) * k]:
            f.write(json.dumps(r) + "\n")
json.dump(recs[3 * k:], open(f"{sys.argv[2]}/part-00003.json", "w"), indent=1)
PY
	tp-run -q --split random -j 1 in out1
	tp-run -q --split random -j 2 in out2
	diff -r -x _tp out1 out2
	n=3201
	ntrain=$((n * 7 / 10))
	ntest=$(((n - ntrain + 1) / 2))
	[ "$(cat out1/train/*.csv | grep -vc '^Title,')" = "$ntrain" ]
	[ "$(cat out1/test/*.csv | grep -vc '^Title,')" = "$ntest" ]
	[ "$(cat out1/val/*.csv | grep -vc '^Title,')" = "$((n - ntrain - ntest))" ]
	/usr/bin/python3 "$TP_ROOT/tests/json_ref.py" types "$JSON_DATA/movies.json" >types.csv
	cut -d, -f1,3 out1/metadata/metadata | diff - types.csv
	# one shard of the whole document gives the same types
	mkdir one
	cp "$JSON_DATA/movies.json" one/
	tp-run -q --split random one out3
	diff out1/metadata/metadata out3/metadata/metadata
}

@test "json: movies.json --metadata-format json: the distinct counts are pandas' nunique(), for any -j and order of shards" {
	need_data
	need_pandas
	mkdir in
	/usr/bin/python3 - "$JSON_DATA/movies.json" in <<'PY'
import json, sys
recs = json.load(open(sys.argv[1]))
k = len(recs) // 3
for i in range(3):
    with open(f"{sys.argv[2]}/part-{i:05d}.jsonl", "w") as f:
        for r in recs[i * k:(i + 1) * k if i < 2 else len(recs)]:
            f.write(json.dumps(r) + "\n")
PY
	tp-run -q --split random --metadata-format json -j 1 in out1
	tp-run -q --split random --metadata-format json -j 2 in out2
	diff -r -x _tp out1 out2
	# the distinct count of each object column, as pandas counts it
	/usr/bin/python3 "$TP_ROOT/tests/json_ref.py" distinct "$JSON_DATA/movies.json" >pd.csv
	/usr/bin/python3 -c '
import json, sys
for c in json.load(open(sys.argv[1]))["columns"]:
    if c["datatype"] == "object":
        print(c["varname"] + "," + str(c["distinct"]))' out1/metadata/metadata.json >tp.csv
	[ "$(wc -l <tp.csv)" = 8 ]
	grep -Fxf tp.csv pd.csv >both.csv
	cmp tp.csv both.csv
	grep -qx 'Title,3176' tp.csv
	# the summaries given to tp-context in another order: the same bytes
	for i in 0 1 2; do tp-scan --split random --distinct -o s$i.sum in/part-0000$i.jsonl; done
	tp-context -q -c c -d o --metadata-format json s2.sum s0.sum s1.sum
	cmp o/metadata/metadata.json out1/metadata/metadata.json
	# the shards renumbered: the same counts (a mean's last bits follow the order the
	# shards' statistics are merged in)
	mkdir in2
	mv in/part-00000.jsonl in2/part-00002.jsonl
	mv in/part-00001.jsonl in2/part-00000.jsonl
	mv in/part-00002.jsonl in2/part-00001.jsonl
	tp-run -q --split random --metadata-format json in2 out3
	counts() {
		/usr/bin/python3 -c '
import json, sys
for c in json.load(open(sys.argv[1]))["columns"]:
    print(c["varname"], c["datatype"], c["count"], c["missing"], c["min"], c["max"], c["distinct"])' "$1"
	}
	[ "$(counts out1/metadata/metadata.json)" = "$(counts out3/metadata/metadata.json)" ]
}

@test "json: generated nested orders (tp-gen-json), gzip JSON Lines: dedup on customer.id, temporal split on placed.date" {
	tp-gen-json -n 3 -r 400 -z -o in
	[ -f in/part-00002.jsonl.gz ]
	tp-run -q --dedup customer.id --split temporal:placed.date -l labels.isFraud -j 1 in out1
	tp-run -q --dedup customer.id --split temporal:placed.date -l labels.isFraud -j 3 in out2
	diff -r -x _tp out1 out2
	sig=$(cat out1/signature/signature)
	[ "$sig" = "id,amount,items,placed.date,placed.channel,customer.id,customer.name,customer.email,labels.isFraud" ]
	# one row per customer, none without a label; every train time before every val
	# time, before every test time
	for s in train val test; do
		/usr/bin/python3 - "$s" out1/$s/part-*.csv <<'PY' >"$s.txt"
import csv, sys
for p in sys.argv[2:]:
    for r in csv.DictReader(open(p)):
        assert r["labels.isFraud"] in ("0", "1"), r
        print(r["customer.id"], r["placed.date"])
PY
	done
	[ "$(cat train.txt val.txt test.txt | cut -d' ' -f1 | sort | uniq -d | wc -l)" = 0 ]
	[ "$(sort -k2 train.txt | tail -1 | cut -d' ' -f2-)" \< "$(sort -k2 val.txt | head -1 | cut -d' ' -f2-)" ]
	[ "$(sort -k2 val.txt | tail -1 | cut -d' ' -f2-)" \< "$(sort -k2 test.txt | head -1 | cut -d' ' -f2-)" ]
	n=$(cat train.txt val.txt test.txt | wc -l)
	[ "$(wc -l <train.txt)" = $((n * 7 / 10)) ]
	# the same orders as one document array per shard give the same rows
	tp-gen-json -n 3 -r 400 -a -o arr
	tp-run -q --dedup customer.id --split temporal:placed.date -l labels.isFraud arr out3
	for s in train val test; do diff <(cat out1/$s/*) <(cat out3/$s/*); done
}

@test "json: --explode: earthquakes.json's features as a child table, equal to pandas; coordinates as value rows" {
	need_data
	need_pandas
	mkdir in
	cp "$JSON_DATA/earthquakes.json" in/
	tp-run -q --split random --explode features in out
	# the main table is the one document's row, without a features column
	[ "$(cat out/signature/signature)" = "type,bbox,metadata.generated,metadata.url,metadata.title,metadata.status,metadata.api,metadata.count" ]
	[ "$(cat out/*/part-*.csv | grep -vc '^type,')" = 1 ]
	# the child table follows it (one row: random puts it in test) and holds the 1,707
	# flattened features, as pandas.json_normalize(doc["features"])
	[ ! -e out/features/train ] && [ ! -e out/features/val ]
	/usr/bin/python3 "$TP_ROOT/tests/json_ref.py" rows "$JSON_DATA/earthquakes.json" features >pd.csv
	# every feature's parent is the document (shard 0, row 0)
	[ "$(cut -d, -f1 out/features/test/part-00000.csv | sort -u)" = $'0:0\n_parent' ]
	/usr/bin/python3 - out/features/test/part-00000.csv <<'PY' >tp.csv
import csv, sys
w = csv.writer(sys.stdout, lineterminator="\n")
for r in csv.reader(open(sys.argv[1], newline="")):
    w.writerow(r[2:])
PY
	cmp tp.csv pd.csv
	[ "$(head -1 out/features/signature/signature | cut -d, -f1-4)" = "_parent,_index,type,id" ]
	grep -q '^properties.mag,false,float64$' out/features/metadata/metadata
	# --records features --explode geometry.coordinates: 3 x 1,707 value rows
	tp-run -q --split random --records features --explode geometry.coordinates in out2
	[ "$(cat out2/geometry.coordinates/signature/signature)" = "_parent,_index,value" ]
	[ "$(cat out2/geometry.coordinates/*/part-*.csv | grep -vc '^_parent,')" = $((3 * 1707)) ]
	! grep -q geometry.coordinates out2/signature/signature
	grep -q '^value,false,float64$' out2/geometry.coordinates/metadata/metadata
}

@test "json: --explode items on generated orders: every item in its order's split, one per element of the kept orders" {
	need_pandas
	tp-gen-json -n 3 -r 300 -z -o in
	tp-run -q --dedup customer.id --split temporal:placed.date -l labels.isFraud --explode items -j 1 in out
	tp-run -q --dedup customer.id --split temporal:placed.date -l labels.isFraud --explode items -j 3 in out2
	diff -r -x _tp out out2
	! grep -q items out/signature/signature
	[ "$(cat out/items/signature/signature)" = "_parent,_index,sku,qty,price" ]
	/usr/bin/python3 - in out <<'PY'
import csv, glob, gzip, json, os, sys
src, out = sys.argv[1:]
items = {}  # SHARD:ROW -> (id, number of items)
for p in sorted(glob.glob(src + "/part-*.jsonl.gz")):
    shard = int(os.path.basename(p)[5:10])
    for row, line in enumerate(gzip.open(p, "rt")):
        r = json.loads(line)
        items[f"{shard}:{row}"] = (str(r["id"]), len(r["items"]))
want = 0
for split in ("train", "val", "test"):
    ids = set()
    for p in glob.glob(f"{out}/{split}/part-*.csv"):
        ids |= {r["id"] for r in csv.DictReader(open(p))}
    want += sum(n for i, n in items.values() if i in ids)
    got = {}
    for p in glob.glob(f"{out}/items/{split}/part-*.csv"):
        for r in csv.DictReader(open(p)):
            got.setdefault(r["_parent"], []).append(int(r["_index"]))
    for parent, ix in got.items():
        pid, n = items[parent]
        assert pid in ids, (split, parent, pid)
        assert sorted(ix) == list(range(n)), (parent, ix, n)
    want -= sum(len(v) for v in got.values())
assert want == 0, want
PY
	# --id: _parent is the order's id, and the item rows of an order are in its split
	tp-run -q --dedup customer.id --split temporal:placed.date -l labels.isFraud --explode items --id id in out3
	for s in train val test; do
		cat out3/$s/*.csv | cut -d, -f1 | grep -v '^id$' | sort -u >ids.$s
		cat out3/items/$s/*.csv | cut -d, -f1 | grep -v '^_parent$' | sort -u >parents.$s
		[ -s parents.$s ]
		[ -z "$(comm -13 ids.$s parents.$s)" ]
	done
	for p in ../x a/b .x _tp train metadata ''; do
		run -2 tp-scan --explode "$p" in/part-00000.jsonl.gz
		[[ "$output" == "tp-scan: --explode $p: expected a dotted path"* ]]
	done
	run -2 tp-scan --id id in/part-00000.jsonl.gz
	[ "$output" = "tp-scan: --id id: names the parent of --explode's child rows: no --explode" ]
}

# same_child_rows CSVDIR PQDIR PATH: the child table PATH of a -f parquet run (PQDIR) has,
# for every split, the part files of the CSV run (CSVDIR), of the same names, each read
# back by tp's Parquet reader with the rows of its CSV twin, in the same order: the
# values of the metadata's types equal (Parquet gives 22.5 for 22.50), a null for a
# missing value.
same_child_rows() {
	local c=$1 p=$2 x=$3 s f n=0
	expect_same_tree "$c/$x/metadata" "$p/$x/metadata"
	expect_same_tree "$c/$x/signature" "$p/$x/signature"
	for s in train val test; do
		expect_eq "$(cd "$p/$x" && find "$s" -type f 2>/dev/null | sort)" \
			"$(cd "$c/$x" && find "$s" -type f 2>/dev/null | sort | sed 's/\.csv$/.parquet/')" "$x/$s files"
		for f in "$c/$x/$s"/part-*.csv; do
			[ -f "$f" ] || continue
			rows "$f" >c.rows
			f=${f##*/}
			rows "$p/$x/$s/${f%.csv}.parquet" >p.rows
			/usr/bin/python3 - "$c/$x/metadata/metadata" c.rows p.rows <<'PY' || flunk "$x/$s/$f: the Parquet file's rows differ from the CSV's (above)"
import csv, sys
meta, a, b = sys.argv[1:]
types = [r["datatype"] for r in csv.DictReader(open(meta))]
conv = {"int64": int, "float64": float}
def norm(path):
    rd = csv.reader(open(path, newline=""))
    head = next(rd)
    assert len(head) == len(types), (path, head)
    return [tuple(conv[t](v) if v and t in conv else v for v, t in zip(r, types)) for r in rd]
ra, rb = norm(a), norm(b)
if ra != rb:
    for i, (x, y) in enumerate(zip(ra, rb)):
        if x != y:
            print(f"row {i + 1}: {x} vs {y}", file=sys.stderr)
            break
    print(f"{len(ra)} rows vs {len(rb)}", file=sys.stderr)
    sys.exit(1)
PY
			n=$((n + $(tail -n +2 c.rows | wc -l)))
		done
	done
	[ "$n" -gt 0 ] || flunk "$x: no child rows"
}

@test "json: --explode on one document's 170 MB array, without --records: every tp process under 64 MiB, the child rows complete" {
	# one record: "name", then 2,000,000 elements (objects with a nested one), then
	# "id" after the array, so that --id's _parent is known only once it is read whole
	local n=2000000 t
	mkdir in bin
	awk -v n=$n 'BEGIN {
		printf "{\"name\": \"big\", \"items\": [\n"
		for (i = 0; i < n; i++)
			printf "{\"k\": %d, \"s\": \"item-%d-abcdefghijklmnopqrstuvwxyz\", \"w\": {\"x\": %d.5}}%s\n", i, i, i, i + 1 < n ? "," : ""
		printf "], \"id\": \"doc-1\", \"n\": %d}\n", n
	}' >in/part-00000.json
	[ "$(stat -c %s in/part-00000.json)" -gt $((160 << 20)) ]
	# every C tool through GNU time, its peak RSS (KiB) a line of rss
	for t in tp-scan tp-context tp-transform tp-split tp-write; do
		printf '#!/bin/sh\nexec /usr/bin/time -a -o "%s/rss" -f "%%M %s" "%s" "$@"\n' "$PWD" $t "$TP_BIN/$t" >bin/$t
		chmod +x bin/$t
	done
	cp "$TP_BIN/tp-run" bin/
	bin/tp-scan --explode items -o s.sum in/part-00000.json
	expect_eq "$(grep -c '^xcol' s.sum)" 3 "child columns"
	TMPDIR=$PWD bin/tp-run -q --split random --explode items --id id in out
	expect_eq "$(cut -d' ' -f2 rss | sort -u | tr '\n' ' ')" \
		"tp-context tp-scan tp-split tp-transform tp-write " "tools measured"
	awk '$1 >= 65536 { print "over 64 MiB: " $0; bad = 1 } END { exit bad }' rss || flunk "$(cat rss)"
	# the main table is the document's row without the array; the child table its
	# elements in order, in the row's split
	expect_eq "$(cat out/signature/signature)" "name,id,n" "main columns"
	set -- out/*/part-00000.csv
	expect_eq "$#" 1 "main files"
	expect_eq "$(cat "$1")" $'name,id,n\nbig,doc-1,2000000' "main rows"
	local split=${1#out/}
	split=${split%%/*}
	local f=out/items/$split/part-00000.csv
	expect_eq "$(find out/items -name 'part-*')" "$f" "child files"
	expect_eq "$(head -n 3 "$f")" $'_parent,_index,k,s,w.x\ndoc-1,0,0,item-0-abcdefghijklmnopqrstuvwxyz,0.5\ndoc-1,1,1,item-1-abcdefghijklmnopqrstuvwxyz,1.5' "first child rows"
	expect_eq "$(tail -n 1 "$f")" "doc-1,1999999,1999999,item-1999999-abcdefghijklmnopqrstuvwxyz,1999999.5" "last child row"
	expect_eq "$(awk -F, 'NR > 1 && ($2 != NR - 2 || $3 != $2) { bad++ } END { print NR - 1, bad + 0 }' "$f")" "$n 0" "child rows, out of order"
	grep -q '^w\.x,false,float64$' out/items/metadata/metadata
	grep -q "^items/$split  *$n  *1 " out/_tp/report.txt
}

@test "json: --explode through the tp stream: child lines after their row, none for a bad row; tp-split passes them on, tp-write refuses broken ones" {
	mkdir in
	cat >in/part-00000.jsonl <<'J'
{"id": 1, "t": "2020-01-01", "a": [1, 2, {"q": "x"}]}
{"id": 2, "t": "notadate", "a": [{"newkey": 5}, 7]}
{"id": 3, "t": "2020-01-03", "a": [3, 4
{"id": 4, "t": "2020-01-04", "a": [], "x": 1}
{"id": 5, "t": "2020-01-05", "a": ["s\ttab", null]}
{"id": 6, "t": "2020-01-06", "a": "[9, 10]"}
J
	tp-run -q --no-dedup --split temporal:t --on-bad-row skip --explode a in out
	# the bad rows' elements count nowhere: no column newkey
	expect_eq "$(cat out/a/signature/signature)" "_parent,_index,value,q" "child columns"
	local c=out/_tp/context
	tp-transform -c $c -n 0 --stream --on-bad-row skip in/part-00000.jsonl >s
	# the array's column empty, its elements after the row (a JSON string holding an
	# array is parsed too), escaped as fields are
	printf '%s\n' 'tp-stream	1	4' 'id	t	a	x' '1	2020-01-01		' \
		'\>a	0:0	0	1	' '\>a	0:0	1	2	' '\>a	0:0	2		x' '4	2020-01-04		1' \
		'5	2020-01-05		' '\>a	0:4	0	s\ttab	' '\>a	0:4	1		' '6	2020-01-06		' \
		'\>a	0:5	0	9	' '\>a	0:5	1	10	' | expect_file s
	tp-split -c $c -n 0 s >sp
	expect_eq "$(grep -c '^\\>a	' sp)" 7 "child lines passed on"
	expect_eq "$(sed -n 4p sp)" '\>a	0:0	0	1	' "after their row"
	# a row tp-split finds bad takes its child lines with it
	sed 's/^5	2020-01-05/5	nodate/' s >s2
	tp-split -c $c -n 0 --on-bad-row skip s2 >sp2
	expect_eq "$(grep -c '^\\>a	0:4' sp2) $(grep -c '^\\>a	' sp2)" "0 5" "child lines of a bad row"
	tp-write -c $c -n 0 w sp
	expect_eq "$(cat w/a/train/part-00000.csv)" "$(cat out/a/train/part-00000.csv)" "child rows"
	# broken child lines: a data error naming the line
	{ head -n 2 sp && printf '\\>a\t0:0\t0\t1\t\n' && tail -n +3 sp; } >b1
	expect_err 1 "tp-write: b1:3: a child line (--explode) before the first row" tp-write -c $c -n 0 w1 b1
	sed '4s/^\\>a/\\>zz/' sp >b2
	expect_err 1 "tp-write: b2:4: a child line of 'zz': no such --explode table in the context" tp-write -c $c -n 0 w2 b2
	sed '4s/	$//' sp >b3
	expect_err 1 "tp-write: b3:4: a child line of 'a': 4 fields, but 5 expected" tp-write -c $c -n 0 w3 b3
	sed '4s/^\\>a	/\\>/' sp | sed '4s/	.*//' >b4
	expect_err 1 "tp-write: b4:4: child line: expected PATH, PARENT, INDEX and the element's fields" tp-write -c $c -n 0 w4 b4
}

@test "json: --explode with -f parquet: the child tables are Parquet, with the CSV run's rows in every split" {
	tp-gen-json -n 3 -r 300 -z -o in
	opts=(--dedup customer.id --split temporal:placed.date -l labels.isFraud --explode items)
	tp-run -q "${opts[@]}" in c
	tp-run -q "${opts[@]}" -f parquet -j 3 in p
	[ -z "$(find p/items -name '*.csv')" ]
	same_child_rows c p items
	# the main table leaves the array out, in Parquet too
	expect_eq "$(rows p/train/part-00000.parquet | head -n 1)" "$(head -n 1 c/train/part-00000.csv)" "main columns"
	# _parent from --id (a string whatever the type of the id), a small row group
	tp-run -q "${opts[@]}" --id id in c2
	tp-run -q "${opts[@]}" --id id -f parquet --row-group-size 7 --compression zstd in p2
	same_child_rows c2 p2 items
	# earthquakes.json: 1,707 features of 30 columns of every type, many null
	if [ -f "$JSON_DATA/earthquakes.json" ]; then
		mkdir eq
		cp "$JSON_DATA/earthquakes.json" eq/
		tp-run -q --split random --explode features eq c3
		tp-run -q --split random --explode features -f parquet eq p3
		same_child_rows c3 p3 features
	fi
}

@test "json: --explode: a --resume in another format, a shard gone or a path no longer exploded leave no child file of the earlier run" {
	tp-gen-json -n 3 -r 200 -z -o in
	opts=(--dedup customer.id --split temporal:placed.date -l labels.isFraud)
	tp-run -q "${opts[@]}" --explode items in out
	[ -n "$(find out/items -name 'part-*.csv')" ]
	expect_eq "$(tr '\0' '\n' <out/_tp/explode)" items "recorded paths"
	# another format: the CSV child files go with the CSV part files
	tp-run -q "${opts[@]}" --explode items -f parquet --resume in out
	[ -z "$(find out -name 'part-*.csv')" ] || flunk "CSV files left: $(find out -name 'part-*.csv')"
	tp-run -q "${opts[@]}" --explode items -f parquet in fresh
	diff <(cd out && find . -path ./_tp -prune -o -type f -print | sort) <(cd fresh && find . -path ./_tp -prune -o -type f -print | sort)
	# a shard gone: its child files too
	rm in/part-00002.jsonl.gz
	tp-run -q "${opts[@]}" --explode items -f parquet --resume in out
	[ -z "$(find out -name 'part-00002.*')" ] || flunk "files of the shard gone: $(find out -name 'part-00002.*')"
	# the path no longer exploded: its child table is gone, with --resume and with --force
	tp-run -q "${opts[@]}" -f parquet --resume in out
	[ ! -e out/items ] || flunk "child table left: $(find out/items)"
	[ ! -e out/_tp/explode ]
	tp-run -q "${opts[@]}" --explode items in out2
	tp-run -q "${opts[@]}" --force in out2
	[ ! -e out2/items ] || flunk "child table left after --force: $(find out2/items)"
	# files tp does not name are kept
	tp-run -q "${opts[@]}" --explode items in out3
	touch out3/items/train/notes.txt
	tp-run -q "${opts[@]}" --force in out3
	[ -f out3/items/train/notes.txt ] && [ -z "$(find out3/items -name 'part-*')" ]
}

@test "json: tp-run's report counts the child rows of --explode: a line per table and split, their bytes in the output bytes" {
	# two shards of rows with two arrays: r.b of i elements, a of 2 (none in row 0);
	# the lines of the child tables in the order of the options
	mkdir in
	awk 'BEGIN { for (i = 0; i < 60; i++) printf "{\"id\": %d, \"a\": [%s], \"r\": {\"b\": [%s]}}\n", i, i ? "1.5, {\"z\": \"x\"}" : "", substr("{\"k\": 1}, {\"k\": 2}, {\"k\": 3}, ", 1, 10 * (i % 4) - 2 * (i % 4 > 0)) }' >all.jsonl
	head -n 30 all.jsonl >in/part-00000.jsonl
	tail -n 30 all.jsonl >in/part-00001.jsonl
	opts=(--no-dedup --split random --explode r.b --explode a)
	run -0 tp-run "${opts[@]}" in out
	size() { stat -c %s "$@" | awk '{ s += $1 } END { print s + 0 }'; }
	{
		printf '%-12s %12s %6s %14s\n' split rows files bytes
		for x in "" r.b/ a/; do
			for s in train val test; do
				set -- out/$x$s/part-*.csv
				[ -f "$1" ] || continue
				printf '%-12s %12d %6d %14d\n' "$x$s" "$(for f; do rows "$f" | tail -n +2; done | wc -l)" $# "$(size "$@")"
			done
		done
		printf 'output bytes      %d\n' "$(size out/{,r.b/,a/}{train,val,test}/part-*)"
	} >want
	sed -n '/^split  /,/^output bytes/p' out/_tp/report.txt | expect_file want
	# every split of both tables, 2 x 59 elements of a, 45 of r.b
	expect_eq "$(grep -c '^\(r\.b\|a\)/\(train\|val\|test\) ' want)" 6 "child lines"
	expect_eq "$(awk '/^a\// { n += $2 } END { print n }' want) $(awk '/^r\.b\// { n += $2 } END { print n }' want)" "118 90" "child rows"
	# Parquet: the same rows and files
	run -0 tp-run "${opts[@]}" -f parquet in pq
	expect_eq "$(grep '^\(r\.b\|a\)/' pq/_tp/report.txt | awk '{ print $1, $2, $3 }')" \
		"$(grep '^\(r\.b\|a\)/' want | awk '{ print $1, $2, $3 }')" "Parquet child lines"
}

@test "json: --expand-json: the orders as CSV with labels as JSON text give the JSON Lines run's output" {
	tp-gen-json -n 3 -r 300 -z -o jl
	tp-gen-json -n 3 -r 300 --csv -o csv
	head -1 csv/part-00000.csv | grep -q ',labels$'
	opts=(--dedup customer.id --split temporal:placed.date -l labels.isFraud)
	tp-run -q "${opts[@]}" jl out1
	tp-run -q "${opts[@]}" --expand-json labels -j 3 csv out2
	diff -r -x _tp out1 out2
	# TSV, and Parquet (written by tp from the CSV), read the same
	tp-run -q --no-dedup --split random -f parquet csv pq
	run -0 tp-scan --expand-json labels --rows - -o /dev/null pq/train/part-00000.parquet
	[ "${lines[0]}" = "id,amount,items,placed.date,placed.channel,customer.id,customer.name,customer.email,labels.isFraud" ]
	tp-scan --rows - -o /dev/null pq/train/part-00000.parquet | /usr/bin/python3 -c '
import csv, json, sys
w = csv.writer(sys.stdout, lineterminator="\n")
for i, r in enumerate(csv.reader(sys.stdin)):
    w.writerow(r[:-1] + (["labels.isFraud"] if i == 0 else [str(json.loads(r[-1])["isFraud"]) if r[-1] else ""]))
' >want.csv
	[ "$output" = "$(cat want.csv)" ]
}

@test "json: --expand-json: a value that is not a JSON object is a bad row; unknown column; not for JSON" {
	printf 'a,j\n1,"{""x"": {""y"": 2}}"\n2,nope\n3,[1]\n4,\n5,"{""z"": true}"\n' >in.csv
	run -1 tp-scan --expand-json j -o /dev/null in.csv
	[ "$output" = "tp-scan: in.csv:3: column 'j': not JSON: lexical error: invalid string in json text" ]
	run -0 tp-scan --expand-json j --on-bad-row skip --rows - -o /dev/null in.csv
	[ "$output" = $'a,j.x.y,j.z\n1,2,\n4,,\n5,,true' ]
	tp-scan --expand-json j --on-bad-row quarantine --rejects rej.csv -o s.sum in.csv
	grep -q "not a JSON object" rej.csv
	run -1 tp-scan --expand-json nope -o /dev/null in.csv
	[ "$output" = "tp-scan: in.csv:1: --expand-json column 'nope' not found" ]
	printf '{"j": "{}"}\n' >in.jsonl
	run -1 tp-scan --expand-json j -o /dev/null in.jsonl
	[ "$output" = "tp-scan: in.jsonl:1: --expand-json is for CSV, TSV and Parquet inputs" ]
}
