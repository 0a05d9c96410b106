#!/usr/bin/env bats
# Bad input, crashes and full disks (issue 4): nothing lost, nothing half-written.
# Each kind of bad input through tp-scan and, end to end, tp-run: the exact exit status
# and message (or the exact output where the input is valid); the bad-row policies
# (--on-bad-row fail|skip|quarantine, --rejects, --max-bad-rows); write errors under
# `ulimit -f` and on /dev/full.

load helper

# --- helpers ------------------------------------------------------------------------

# expect_run_err STATUS FIRST LAST CMD...: CMD (tp-run) exits with STATUS, prints nothing
# on stdout, its first stderr line is FIRST (the failing tool's message) and its last
# LAST (tp-run's own); GNU parallel may report the failed job in between.
expect_run_err() {
	local want=$1 first=$2 last=$3 st=0 o=$BATS_TEST_TMPDIR.out e=$BATS_TEST_TMPDIR.err
	shift 3
	"$@" >"$o" 2>"$e" || st=$?
	[ "$st" -eq "$want" ] ||
		flunk "expected exit status $want, got $st" "stdout: $(cat "$o")" "stderr: $(cat "$e")"
	[ ! -s "$o" ] || flunk "stdout not empty: $(cat "$o")"
	expect_eq "$(head -n 1 "$e")" "$first" "first stderr line"
	expect_eq "$(tail -n 1 "$e")" "$last" "last stderr line"
}

# expect_no_data OUT: no file under OUT but tp's working files (OUT/_tp).
expect_no_data() {
	local f
	f=$(find "$1" -path "$1/_tp" -prune -o -type f -print 2>/dev/null)
	[ -z "$f" ] || flunk "files written: $f"
}

# expect_no_tmp DIR...: no temporary file (*.tmp.*) left anywhere under DIR.
expect_no_tmp() {
	local f
	f=$(find "$@" -name '*.tmp.*' 2>/dev/null)
	[ -z "$f" ] || flunk "temporary files left: $f"
}

# one_shard DIR FILE: DIR/part-00000.csv is a copy of FILE.
one_shard() {
	mkdir -p "$1"
	cp "$2" "$1/part-00000.csv"
}

HDR=customerId,orderDate,isFraud,amount,note

# shard FILE [BADLINE]: four good rows (A B C D); BADLINE (printf %b) is line 4,
# between B and C. Without BADLINE: the same shard without the bad row.
shard() {
	{
		printf '%s\nA,2024-01-01,false,10,a\nB,2024-01-02,true,20,b\n' "$HDR"
		[ $# -lt 2 ] || printf '%b\n' "$2"
		printf 'C,2024-01-03,false,30,c\nD,2024-01-04,true,40,d\n'
	} >"$1"
}

# bad_kind BADLINE MESSAGE REJECT: a shard with one bad row (line 4, BADLINE) through
# every policy. MESSAGE: the error under --on-bad-row fail (after "FILE:4: "). REJECT:
# the rejects line after "FILE," (printf %b).
bad_kind() {
	local bad=$1 msg=$2 rej=$3
	shard k.csv "$bad"
	shard k0.csv
	# fail (the default): exit 1, the row's line, nothing written
	expect_err 1 "tp-scan: k.csv:4: $msg" tp-scan k.csv
	expect_err 1 "tp-scan: k.csv:4: $msg" tp-scan --on-bad-row fail -o f.sum k.csv
	expect_no_file f.sum
	# skip: counted as bad, statistics as if the row were not there
	tp-scan --on-bad-row skip k.csv >skip.sum
	grep -qx 'rows	5	0	0	0	1' skip.sum || flunk "rows record: $(grep '^rows' skip.sum)"
	tp-scan k0.csv >clean.sum
	expect_eq "$(grep -vE '^(source|rows|input|k)	' skip.sum)" "$(grep -vE '^(source|rows|input|k)	' clean.sum)" "summary without the bad row"
	expect_eq "$(sum_field skip.sum k time label key)" "$(sum_field clean.sum k time label key)" "dedup keys"
	# quarantine: the same summary, and the row in the rejects file
	tp-scan --on-bad-row quarantine --rejects r1.csv k.csv >q.sum
	cmp skip.sum q.sum || flunk "quarantine and skip summaries differ"
	{
		echo file,line,column,reason,record
		printf 'k.csv,%b\n' "$rej"
	} | expect_file r1.csv
	# pass 2 agrees with pass 1: the same rejects, the good rows
	tp-context -q -c ctx skip.sum
	tp-transform -c ctx --on-bad-row quarantine --rejects r2.csv k.csv >t.csv
	cmp r1.csv r2.csv || flunk "tp-transform's rejects differ from tp-scan's"
	printf '%s\nA,2024-01-01,false,10,a\nB,2024-01-02,true,20,b\nC,2024-01-03,false,30,c\nD,2024-01-04,true,40,d\n' "$HDR" |
		expect_file t.csv
	tp-transform -c ctx --on-bad-row skip k.csv >t2.csv
	cmp t.csv t2.csv || flunk "skip and quarantine outputs differ"
	run --separate-stderr tp-transform -c ctx k.csv
	expect_status 1
	expect_eq "$stderr" "tp-transform: k.csv:4: $msg" "tp-transform stderr (pass 1 skipped, pass 2 fails)"
	# tp-run: fail stops in pass 1; quarantine writes what the clean shard gives
	one_shard in k.csv
	one_shard in0 k0.csv
	expect_run_err 1 "tp-scan: in/part-00000.csv:4: $msg" "tp-run: pass 1 failed" tp-run -q -l isFraud in outf
	expect_no_data outf
	tp-run -q -l isFraud --on-bad-row quarantine in out
	tp-run -q -l isFraud in0 out0
	expect_same_tree out out0 _tp _rejects
	{
		echo file,line,column,reason,record
		printf 'in/part-00000.csv,%b\n' "$rej"
	} | expect_file out/_rejects/part-00000.csv
	grep -qx 'bad rows          1 (quarantine)' out/_tp/report.txt || flunk "report: $(cat out/_tp/report.txt)"
	expect_eq "$(ctx_field out/_tp/context shard rows bad)" "5	1" "shard record: rows, bad"
	expect_no_tmp out
}

# --- files: gzip, empty, header only, headers -----------------------------------------

@test "badinput: corrupt gzip (garbage after a valid header): exit 1, message, nothing written" {
	printf '\037\213\010\000\000\000\000\000\000\003garbage-garbage-garbage' >c.csv.gz
	expect_err 1 "tp-scan: c.csv.gz: corrupt gzip data: invalid block type" tp-scan c.csv.gz
	expect_err 1 "tp-scan: c.csv.gz: corrupt gzip data: invalid block type" tp-scan -o s.sum c.csv.gz
	expect_no_file s.sum
	mkdir in
	printf 'id,orderDate\n1,2024-01-01\n' >in/part-00000.csv
	cp c.csv.gz in/part-00001.csv.gz
	expect_run_err 1 "tp-scan: in/part-00001.csv.gz: corrupt gzip data: invalid block type" "tp-run: pass 1 failed" \
		tp-run -q -j 1 in out
	expect_no_data out
}

@test "badinput: truncated gzip (cut in the middle): exit 1, message, nothing written" {
	{
		echo id,orderDate
		seq 1 30000 | sed 's/$/,2024-01-01/'
	} | gzip >good.csv.gz
	head -c $(($(stat -c %s good.csv.gz) / 2)) good.csv.gz >t.csv.gz
	expect_err 1 "tp-scan: t.csv.gz: corrupt gzip data: unexpected end of file" tp-scan t.csv.gz
	expect_err 1 "tp-scan: t.csv.gz: corrupt gzip data: unexpected end of file" tp-scan -o s.sum t.csv.gz
	expect_no_file s.sum
	mkdir in
	cp t.csv.gz in/part-00003.csv.gz
	expect_run_err 1 "tp-scan: in/part-00003.csv.gz: corrupt gzip data: unexpected end of file" "tp-run: pass 1 failed" \
		tp-run -q in out
	expect_no_data out
}

@test "badinput: gzip: text after the last member is an error; more members and NUL padding are read" {
	printf 'id,orderDate\n1,2024-01-01\n2,2024-01-02\n' | gzip >good.csv.gz
	size=$(stat -c %s good.csv.gz)
	tp-scan good.csv.gz | grep -v '^source\|^input' >want
	# junk after a complete member: named, with where it starts, not silently dropped
	{ cat good.csv.gz; echo '3,2024-01-03'; } >junk.csv.gz
	expect_err 1 "tp-scan: junk.csv.gz: trailing garbage after gzip data (byte $size)" tp-scan junk.csv.gz
	expect_err 1 "tp-scan: -: trailing garbage after gzip data (byte $size)" tp-scan -n 0 - <junk.csv.gz
	expect_err 1 "tp-scan: junk.csv.gz: trailing garbage after gzip data (byte $size)" tp-scan -o s.sum junk.csv.gz
	expect_no_file s.sum
	# one junk byte is junk too; so are NUL bytes followed by more
	{ cat good.csv.gz; printf 'x'; } >x.csv.gz
	expect_err 1 "tp-scan: x.csv.gz: trailing garbage after gzip data (byte $size)" tp-scan x.csv.gz
	{ cat good.csv.gz; printf '\0\0\0x'; } >zx.csv.gz
	expect_err 1 "tp-scan: zx.csv.gz: trailing garbage after gzip data (byte $size)" tp-scan zx.csv.gz
	# pass 2 reads through the same code
	tp-scan -o s.sum good.csv.gz
	tp-context -q -c ctx s.sum
	expect_err 1 "tp-transform: junk.csv.gz: trailing garbage after gzip data (byte $size)" \
		tp-transform -c ctx -n 0 junk.csv.gz
	# several members (as cat or pigz write them) and NUL padding (as tape blocks leave
	# it) are read: the same summary
	{ printf 'id,orderDate\n1,2024-01-01\n' | gzip; printf '2,2024-01-02\n' | gzip; } >two.csv.gz
	tp-scan two.csv.gz | grep -v '^source\|^input' >got
	cmp want got
	{ cat good.csv.gz; head -c 1000 /dev/zero; } >pad.csv.gz
	tp-scan pad.csv.gz | grep -v '^source\|^input' >got
	cmp want got
	expect_eq "$(tp-scan pad.csv.gz | sum_field - input bytes)" "$(stat -c %s pad.csv.gz)" "size with the padding"
}

@test "badinput: a 0-byte shard (plain or gzip) holds zero rows" {
	: >part-00004.csv
	tp-scan part-00004.csv >got
	printf 'tp-summary\t2\nshard\t4\nheader\t1\nsource\tpart-00004.csv\nrows\t0\t0\t0\t0\t0\ninput\t0\t00000000\nend\n' | expect_file got
	gzip -c </dev/null >e.csv.gz
	tp-scan -n 4 e.csv.gz >gotz
	expect_eq "$(grep -v '^source\|^input' gotz)" "$(grep -v '^source\|^input' got)" "gzip 0-byte summary"
	# end to end: the empty shards change nothing but the shard records
	mkdir in in0
	shard in/part-00000.csv
	cp in/part-00000.csv in0/
	: >in/part-00001.csv
	gzip -c </dev/null >in/part-00002.csv.gz
	tp-run -q -l isFraud in out
	tp-run -q -l isFraud in0 out0
	expect_same_tree out out0 _tp
	expect_eq "$(ctx_field out/_tp/context shard shard rows bad | tr '\t\n' ': ')" "0:4:0 1:0:0 2:0:0 " "shard records"
}

@test "badinput: a 0-byte shard first, before shards with rows" {
	mkdir in
	: >in/part-00000.csv
	shard in/part-00001.csv
	tp-run -q -l isFraud in out
	expect_eq "$(ctx_field out/_tp/context shard shard rows | tr '\t\n' ': ')" "0:0 1:4 " "shard records"
	expect_eq "$(cat out/signature/signature)" "$HDR" "signature"
	[ -f out/train/part-00001.csv ]
}

@test "badinput: an input of 0-byte shards only: exit 0, zero rows, no data file" {
	mkdir in
	: >in/part-00000.csv
	: >in/part-00001.csv
	run --separate-stderr tp-run -q in out
	expect_status 0
	expect_eq "$output$stderr" "" "stdout and stderr"
	expect_no_file out/train out/val out/test
	expect_eq "$(ctx_field out/_tp/context shard rows | tr '\n' ' ')" "0 0 " "rows per shard"
}

@test "badinput: a header-only shard (plain or gzip) holds zero rows" {
	printf 'id,orderDate,v\n' >h.csv
	tp-scan h.csv >got
	printf '%s\n' 'tp-summary	2' 'shard	0' 'header	1' 'source	h.csv' 'rows	0	0	0	0	0' 'input	15	588e0951' \
		'temporal	orderDate' 'split	temporal' \
		'col	id' 'stat	0	0	0	0	0	0	0	0	0	0	0	0' \
		'col	orderDate' 'stat	0	0	0	0	0	0	0	0	0	0	0	0' \
		'col	v' 'stat	0	0	0	0	0	0	0	0	0	0	0	0' 'end' | expect_file got
	mkdir in in0
	shard in/part-00000.csv
	cp in/part-00000.csv in0/
	printf '%s\n' "$HDR" >in/part-00001.csv
	printf '%s\r\n' "$HDR" | gzip >in/part-00002.csv.gz
	tp-run -q -l isFraud in out
	tp-run -q -l isFraud in0 out0
	expect_same_tree out out0 _tp
	expect_eq "$(ctx_field out/_tp/context shard shard rows | tr '\t\n' ': ')" "0:4 1:0 2:0 " "shard records"
}

@test "badinput: a shard whose header differs: tp-context names the shard and the first differing column" {
	printf 'a,orderDate,c\n1,2024-01-01,3\n' >part-00000.csv
	printf 'a,orderDate,d\n1,2024-01-01,3\n' >part-00002.csv
	printf 'a,c,orderDate\n1,3,2024-01-01\n' >part-00005.csv
	for i in 0 2 5; do tp-scan -o s$i.sum part-0000$i.csv; done
	expect_err 1 "tp-context: part-00002.csv: column 3 is 'd', but 'c' in part-00000.csv" tp-context -q -c ctx s0.sum s2.sum
	expect_err 1 "tp-context: part-00005.csv: column 2 is 'c', but 'orderDate' in part-00000.csv" tp-context -q -c ctx s0.sum s5.sum
	expect_no_file ctx/context
	mkdir in
	cp part-00000.csv part-00002.csv in/
	expect_run_err 1 "tp-context: in/part-00002.csv: column 3 is 'd', but 'c' in in/part-00000.csv" \
		"tp-context: in/part-00002.csv: column 3 is 'd', but 'c' in in/part-00000.csv" tp-run -q in out
	expect_no_data out
}

@test "badinput: a differing header: the same message whatever the order of the summaries" {
	printf 'a,orderDate,c\n1,2024-01-01,3\n' >part-00000.csv
	printf 'a,orderDate,d\n1,2024-01-01,3\n' >part-00002.csv
	for i in 0 2; do tp-scan -o s$i.sum part-0000$i.csv; done
	expect_err 1 "tp-context: part-00002.csv: column 3 is 'd', but 'c' in part-00000.csv" tp-context -q -c ctx s2.sum s0.sum
}

@test "badinput: a header with fewer or more columns: the message names the first differing column" {
	printf 'a,orderDate,c\n1,2024-01-01,3\n' >part-00000.csv
	printf 'a,orderDate\n1,2024-01-01\n' >part-00003.csv
	printf 'a,orderDate,c,d\n1,2024-01-01,3,4\n' >part-00004.csv
	for i in 0 3 4; do tp-scan -o s$i.sum part-0000$i.csv; done
	run --separate-stderr tp-context -q -c ctx s0.sum s3.sum
	expect_status 1
	[[ $stderr =~ ^tp-context:\ part-00003\.csv:\ .*\'c\' ]] || flunk "the missing column 'c' is not named: $stderr"
	run --separate-stderr tp-context -q -c ctx s0.sum s4.sum
	expect_status 1
	[[ $stderr =~ ^tp-context:\ part-00004\.csv:\ .*\'d\' ]] || flunk "the extra column 'd' is not named: $stderr"
}

@test "badinput: duplicate column names" {
	printf 'id,orderDate,id\n1,2024-01-01,3\n' >d.csv
	expect_err 1 "tp-scan: d.csv:1: duplicate column name 'id'" tp-scan d.csv
	one_shard in d.csv
	expect_run_err 1 "tp-scan: in/part-00000.csv:1: duplicate column name 'id'" "tp-run: pass 1 failed" tp-run -q in out
	expect_no_data out
}

@test "badinput: missing label column, missing dedup key column" {
	shard s.csv
	expect_err 1 "tp-scan: s.csv:1: label column 'label' not found" tp-scan -l label s.csv
	expect_err 1 "tp-scan: s.csv:1: dedup key column 'X' not found" tp-scan --dedup X s.csv
	one_shard in s.csv
	expect_run_err 1 "tp-scan: in/part-00000.csv:1: label column 'label' not found" "tp-run: pass 1 failed" \
		tp-run -q -l label in out
	expect_no_data out
	expect_run_err 1 "tp-scan: in/part-00000.csv:1: dedup key column 'X' not found" "tp-run: pass 1 failed" \
		tp-run -q --dedup X in out2
	expect_no_data out2
}

# --- bytes: NUL, UTF-8, long fields, line ends, BOM -----------------------------------

@test "badinput: NUL bytes in a value and in the header" {
	printf 'a,b,c\n1,2,3\n4,5\0007,6\n' >n.csv
	expect_err 1 "tp-scan: n.csv:3: column 'b': NUL byte in value" tp-scan n.csv
	printf 'a,b,c\n1,"2\000",3\n' >nq.csv
	expect_err 1 "tp-scan: nq.csv:2: column 'b': NUL byte in value" tp-scan nq.csv
	printf 'a,b,c\n1,2,x\000' >ne.csv
	expect_err 1 "tp-scan: ne.csv:2: column 'c': NUL byte in value" tp-scan ne.csv
	printf 'a,b\000,c\n1,2,3\n' >nh.csv
	expect_err 1 "tp-scan: nh.csv:1: header: NUL byte in value" tp-scan nh.csv
	# the header is never a bad row
	expect_err 1 "tp-scan: nh.csv:1: header: NUL byte in value" tp-scan --on-bad-row skip nh.csv
	one_shard in n.csv
	expect_run_err 1 "tp-scan: in/part-00000.csv:3: column 'b': NUL byte in value" "tp-run: pass 1 failed" tp-run -q in out
	expect_no_data out
}

@test "badinput: invalid UTF-8: continuation, overlong, surrogate, truncated, out of range" {
	local b
	# lone continuation, overlong NUL, overlong '/', surrogate, truncated 2/3/4-byte
	# sequences, 5-byte form, 0xFF, above U+10FFFF
	for b in '\200' '\300\200' '\340\200\257' '\355\240\200' '\303' '\340\240' '\360\237\230' \
		'\370\210\200\200\200' '\377' '\364\220\200\200'; do
		printf "a,b,c\n1,x${b}y,3\n" >u.csv
		expect_err 1 "tp-scan: u.csv:2: column 'b': invalid UTF-8 in value" tp-scan u.csv
		# at the end of a field, of a quoted field, of the file
		printf "a,b,c\n1,x${b},3\n" >u.csv
		expect_err 1 "tp-scan: u.csv:2: column 'b': invalid UTF-8 in value" tp-scan u.csv
		printf "a,b,c\n1,\"x${b}\",3\n" >u.csv
		expect_err 1 "tp-scan: u.csv:2: column 'b': invalid UTF-8 in value" tp-scan u.csv
		printf "a,b,c\n1,2,x${b}" >u.csv
		expect_err 1 "tp-scan: u.csv:2: column 'c': invalid UTF-8 in value" tp-scan u.csv
	done
	printf 'a,b\377,c\n1,2,3\n' >h.csv
	expect_err 1 "tp-scan: h.csv:1: header: invalid UTF-8 in value" tp-scan h.csv
	printf 'id,orderDate,v\n1,2024-01-01,\300\200\n' >in.csv
	one_shard in in.csv
	expect_run_err 1 "tp-scan: in/part-00000.csv:2: column 'v': invalid UTF-8 in value" "tp-run: pass 1 failed" tp-run -q in out
	expect_no_data out
}

@test "badinput: valid multi-byte UTF-8 (é, 日本, 😀, U+10FFFF) passes through byte for byte" {
	mkdir in
	printf 'id,orderDate,pr\303\251nom\n1,2024-01-01,\303\251t\303\251\n2,2024-01-02,\346\227\245\346\234\254\n3,2024-01-03,"\360\237\230\200, \364\217\277\277"\n4,2024-01-04,\302\240\357\277\275\n' >in/part-00000.csv
	run --separate-stderr tp-scan in/part-00000.csv
	expect_status 0
	expect_eq "${lines[4]}" "rows	4	0	0	0	0"
	tp-run -q --no-dedup --split none --job-type testing in out
	cmp in/part-00000.csv out/testing/part-00000.csv || flunk "output differs from the input"
	printf 'id,orderDate,pr\303\251nom\n' | expect_file out/signature/signature
}

@test "badinput: a 5 MB field (and a 3 MB quoted one) passes through byte for byte" {
	mkdir in
	{
		printf 'id,v,w\n1,'
		head -c 5000000 /dev/zero | tr '\0' x
		printf ',"'
		head -c 3000000 /dev/zero | tr '\0' y
		printf '""q,\n"\n2,small,z\n'
	} >in/part-00000.csv
	tp-scan in/part-00000.csv >s
	grep -qx 'rows	2	0	0	0	0' s || flunk "$(grep '^rows' s)"
	tp-run -q --no-dedup --split none --job-type testing in out
	cmp in/part-00000.csv out/testing/part-00000.csv || flunk "output differs from the input"
	tp-run -q --no-dedup --split none --job-type testing -f csv.gz in outz
	gzip -dc outz/testing/part-00000.csv.gz | cmp - in/part-00000.csv || flunk "gzip output differs from the input"
}

@test "badinput: a ragged row" {
	printf 'id,orderDate,v\n1,2024-01-01,a\n2,2024-01-02\n' >r.csv
	expect_err 1 "tp-scan: r.csv:3: expected 3 fields, found 2" tp-scan r.csv
	one_shard in r.csv
	expect_run_err 1 "tp-scan: in/part-00000.csv:3: expected 3 fields, found 2" "tp-run: pass 1 failed" tp-run -q in out
	expect_no_data out
}

@test "badinput: an unterminated quote at end of file" {
	printf 'id,orderDate,v\n1,2024-01-01,a\n2,2024-01-02,"open\n3,2024-01-03,c\n' >u.csv
	expect_err 1 "tp-scan: u.csv:3: unterminated quoted field at end of file" tp-scan u.csv
	one_shard in u.csv
	expect_run_err 1 "tp-scan: in/part-00000.csv:3: unterminated quoted field at end of file" "tp-run: pass 1 failed" \
		tp-run -q in out
	expect_no_data out
	# skip: the rows before it are kept
	tp-scan --on-bad-row quarantine --rejects rej.csv u.csv >s
	grep -qx 'rows	2	0	0	0	1' s || flunk "$(grep '^rows' s)"
	printf '%s\n' 'file,line,column,reason,record' 'u.csv,3,,unterminated quoted field at end of file,"2,2024-01-02"' |
		expect_file rej.csv
	tp-run -q --on-bad-row quarantine --split none --job-type testing in outq
	printf 'id,orderDate,v\n1,2024-01-01,a\n' | expect_file outq/testing/part-00000.csv
	grep -qx 'bad rows          1 (quarantine)' outq/_tp/report.txt || flunk "$(cat outq/_tp/report.txt)"
}

@test "badinput: a rejected record of one empty field is kept as \"\" in the rejects file" {
	printf 'a,b\n1,2\n""\n3,4\n' >e.csv
	tp-scan --on-bad-row quarantine --rejects rej.csv e.csv >/dev/null
	# record "" (one empty field), quoted as a field: """"""; an empty record would read
	# as a row without fields
	printf '%s\n' 'file,line,column,reason,record' 'e.csv,3,,"expected 2 fields, found 1",""""""' |
		expect_file rej.csv
}

@test "badinput: CRLF line ends: LF out, CRLF inside quotes kept, line numbers right" {
	mkdir in
	printf 'id,orderDate,v\r\n1,2024-01-01,a\r\n2,2024-01-02,"b\r\nc"\r\n3,2024-01-03,d\r\n' >in/part-00000.csv
	tp-run -q --no-dedup --split none --job-type testing in out
	printf 'id,orderDate,v\n1,2024-01-01,a\n2,2024-01-02,"b\r\nc"\n3,2024-01-03,d\n' | expect_file out/testing/part-00000.csv
	printf 'id,orderDate,v\r\n1,2024-01-01,a\r\n2,2024-01-02,"b\r\nc"\r\n3,2024-01-03\r\n' >r.csv
	expect_err 1 "tp-scan: r.csv:5: expected 3 fields, found 2" tp-scan r.csv
	# no CR in the rejected record
	tp-scan --on-bad-row quarantine --rejects rej.csv r.csv >/dev/null
	printf 'file,line,column,reason,record\nr.csv,5,,"expected 3 fields, found 2","3,2024-01-03"\n' | expect_file rej.csv
}

@test "badinput: a BOM is dropped; shards with and without a BOM have the same header" {
	mkdir in
	printf 'id,orderDate,v\n1,2024-01-01,a\n' >in/part-00000.csv
	printf '\357\273\277id,orderDate,v\r\n2,2024-01-02,b\r\n' >in/part-00001.csv
	printf '\357\273\277id,orderDate,v\n3,2024-01-03,c\n' | gzip >in/part-00002.csv.gz
	tp-scan in/part-00001.csv >s
	grep -qx 'col	id' s || flunk "the BOM is in the first column name: $(grep '^col' s | cat -A)"
	tp-run -q --no-dedup --split none --job-type testing in out
	printf 'id,orderDate,v\n' | expect_file out/signature/signature
	printf 'id,orderDate,v\n2,2024-01-02,b\n' | expect_file out/testing/part-00001.csv
	printf 'id,orderDate,v\n3,2024-01-03,c\n' | expect_file out/testing/part-00002.csv
	# a BOM-only file is a 0-byte file
	printf '\357\273\277' >b.csv
	tp-scan b.csv >got
	printf 'tp-summary\t2\nshard\t0\nheader\t1\nsource\tb.csv\nrows\t0\t0\t0\t0\t0\ninput\t3\t011097e1\nend\n' | expect_file got
}

# --- the bad-row policy, kind by kind (fail, skip, quarantine; pass 1 and 2; tp-run) ----

@test "bad row: too few fields" {
	bad_kind 'X,2024-01-05,false,50' 'expected 5 fields, found 4' \
		'4,,"expected 5 fields, found 4","X,2024-01-05,false,50"'
}

@test "bad row: too many fields (a quoted field with quotes and a comma in the record)" {
	bad_kind 'X,2024-01-05,false,50,"y ""q"", z",w' 'expected 5 fields, found 6' \
		'4,,"expected 5 fields, found 6","X,2024-01-05,false,50,""y """"q"""", z"",w"'
}

@test "bad row: ragged over two lines (a quoted newline): the line where it starts" {
	bad_kind 'X,"a,b\nc",false' 'expected 5 fields, found 3' \
		'4,,"expected 5 fields, found 3","X,""a,b\nc"",false"'
}

@test "bad row: NUL byte" {
	bad_kind 'X,2024-01-05,false,50,n\0l' "column 'note': NUL byte in value" \
		'4,note,NUL byte in value,"X,2024-01-05,false,50,n\0l"'
}

@test "bad row: invalid UTF-8, a lone continuation byte" {
	bad_kind 'X,2024-01-05,false,50,\x80' "column 'note': invalid UTF-8 in value" \
		'4,note,invalid UTF-8 in value,"X,2024-01-05,false,50,\x80"'
}

@test "bad row: invalid UTF-8, overlong C0 80" {
	bad_kind 'X,2024-01-05,false,\xc0\x80,x' "column 'amount': invalid UTF-8 in value" \
		'4,amount,invalid UTF-8 in value,"X,2024-01-05,false,\xc0\x80,x"'
}

@test "bad row: invalid UTF-8, surrogate ED A0 80" {
	bad_kind 'X,2024-01-05,false,50,\xed\xa0\x80' "column 'note': invalid UTF-8 in value" \
		'4,note,invalid UTF-8 in value,"X,2024-01-05,false,50,\xed\xa0\x80"'
}

@test "bad row: invalid UTF-8, a sequence truncated at the end of a field" {
	bad_kind 'X\xe6\x97,2024-01-05,false,50,x' "column 'customerId': invalid UTF-8 in value" \
		'4,customerId,invalid UTF-8 in value,"X\xe6\x97,2024-01-05,false,50,x"'
}

@test "bad row: malformed quote (text after a closing quote)" {
	bad_kind 'X,2024-01-05,"fa"lse,50,x' "malformed quoted field (a '\"' inside an unquoted field, or text after a closing quote)" \
		'4,,"malformed quoted field (a '"'"'""'"'"' inside an unquoted field, or text after a closing quote)","X,2024-01-05"'
}

@test "bad row: malformed quote (a quote inside an unquoted field, then an opening one)" {
	bad_kind 'X,2024-01-05,false,5"0,"x' "malformed quoted field (a '\"' inside an unquoted field, or text after a closing quote)" \
		'4,,"malformed quoted field (a '"'"'""'"'"' inside an unquoted field, or text after a closing quote)","X,2024-01-05,false"'
}

@test "bad row: not a date in the temporal column" {
	bad_kind 'X,2024-13-01,false,50,x' "column 'orderDate': not a date or time: '2024-13-01'" \
		"4,orderDate,not a date or time: '2024-13-01',\"X,2024-13-01,false,50,x\""
}

# --- the bad-row policy: across shards, limits, statistics ------------------------------

# Two shards with several kinds of bad rows; in0/: the same without them.
mixed_shards() {
	mkdir -p in in0
	printf '%s\n' "$HDR" 'A,2024-01-01,false,10,a' 'B,2024-01-02,true,20,b' 'B,2024-01-03,false,21,b2' >in0/part-00000.csv
	printf '%s\n' "$HDR" 'C,2024-01-05,false,30,c' 'D,2024-01-06,true,40,d' 'E,2024-01-07,true,50,e' >in0/part-00001.csv
	{
		printf '%s\n' "$HDR" 'A,2024-01-01,false,10,a' 'Z,2024-01-09,true,999'
		printf 'Y,2024-01-09,true,888,\300\200\n'
		printf '%s\n' 'B,2024-01-02,true,20,b' 'W,2024-01-09,true,777,"x"y,"z' 'B,2024-01-03,false,21,b2'
	} >in/part-00000.csv
	{
		printf '%s\n' "$HDR" 'C,2024-01-05,false,30,c' 'V,2024-99-09,true,666,v' 'D,2024-01-06,true,40,d'
		printf 'U,2024-01-09,true,555,u\000\n'
		printf '%s\n' 'E,2024-01-07,true,50,e'
	} >in/part-00001.csv
}

@test "bad rows: tp-run quarantine: rejects per shard, report, data = the good rows, stats exclude bad rows" {
	mixed_shards
	run --separate-stderr tp-run -j 2 -l isFraud --on-bad-row quarantine in out
	expect_status 0
	expect_eq "$stderr" "" "stderr"
	grep -qx 'rows read         11' out/_tp/report.txt || flunk "$(cat out/_tp/report.txt)"
	grep -qx 'bad rows          5 (quarantine)' out/_tp/report.txt || flunk "$(cat out/_tp/report.txt)"
	grep -qx 'rows written      5' out/_tp/report.txt || flunk "$(cat out/_tp/report.txt)"
	printf '%s\n' 'file,line,column,reason,record' \
		'in/part-00000.csv,3,,"expected 5 fields, found 4","Z,2024-01-09,true,999"' \
		'in/part-00000.csv,4,note,invalid UTF-8 in value,"Y,2024-01-09,true,888,'$'\300\200''"' \
		'in/part-00000.csv,6,,"malformed quoted field (a '"'"'""'"'"' inside an unquoted field, or text after a closing quote)","W,2024-01-09,true,777"' |
		expect_file out/_rejects/part-00000.csv
	{
		echo file,line,column,reason,record
		echo "in/part-00001.csv,3,orderDate,not a date or time: '2024-99-09',\"V,2024-99-09,true,666,v\""
		printf 'in/part-00001.csv,5,note,NUL byte in value,"U,2024-01-09,true,555,u\000"\n'
	} | expect_file out/_rejects/part-00001.csv
	expect_eq "$(ctx_field out/_tp/context shard shard rows bad)" "0	6	3
1	5	2" "shard records: rows, bad"
	expect_eq "$(grep '^rows' out/_tp/summaries/part-00000.sum)" "rows	6	0	0	0	3" "summary rows record"
	# the same data, the same statistics as without the bad rows
	tp-run -q -l isFraud in0 out0
	expect_same_tree out out0 _tp _rejects
	expect_eq "$(ctx_rec out/_tp/context in)" "$(ctx_rec out0/_tp/context in)" "column statistics"
	expect_eq "$(ctx_field out/_tp/context in name=amount count nint imin imax | tr '\t' ' ')" "6 6 10 50" \
		"amount: count, integers, min, max"
	expect_no_tmp out
}

@test "bad rows: tp-run skip: counted in the report, no rejects directory" {
	mixed_shards
	tp-run -l isFraud --on-bad-row skip in out >report
	grep -qx 'bad rows          5 (skip)' report || flunk "$(cat report)"
	expect_no_file out/_rejects
	tp-run -q -l isFraud in0 out0
	expect_same_tree out out0 _tp
}

@test "bad rows: no rejects file when there is no bad row (every tool, tp-run)" {
	shard s.csv
	tp-scan --on-bad-row quarantine --rejects r1.csv -o s.sum s.csv
	tp-context -q -c ctx s.sum
	tp-transform -c ctx --on-bad-row quarantine --rejects r2.csv s.csv >t.csv
	tp-split -c ctx --on-bad-row quarantine --rejects r3.csv t.csv >sp.csv
	tp-write -c ctx --on-bad-row quarantine --rejects r4.csv o sp.csv
	expect_no_file r1.csv r2.csv r3.csv r4.csv
	expect_no_tmp .
	one_shard in s.csv
	run --separate-stderr tp-run -l isFraud --on-bad-row quarantine in out
	expect_status 0
	[[ $output != *"bad rows"* ]] || flunk "$output"
	expect_no_file out/_rejects
}

@test "bad rows: a malformed quote in the middle of a file loses only that line" {
	# without the resynchronisation the quote opened on line 3 would swallow the rest
	printf 'id,orderDate,v\n1,2024-01-01,a\n2,2024-01-02,p"q,"r\n3,2024-01-03,c\n4,2024-01-04,"d\ne"\n5,2024-01-05,f\n' >m.csv
	tp-scan --on-bad-row skip -o s.sum m.csv
	grep -qx 'rows	5	0	0	0	1' s.sum || flunk "$(grep '^rows' s.sum)"
	tp-context -q -c ctx s.sum
	tp-transform -c ctx --on-bad-row skip m.csv >t.csv
	printf 'id,orderDate,v\n1,2024-01-01,a\n3,2024-01-03,c\n4,2024-01-04,"d\ne"\n5,2024-01-05,f\n' | expect_file t.csv
}

@test "bad rows: pass 1 skip, pass 2 fail (or a different count) is an error" {
	shard k.csv 'X,2024-01-05,false,50'
	tp-scan --on-bad-row skip -o s.sum k.csv
	tp-context -q -c ctx s.sum
	run --separate-stderr tp-transform -c ctx k.csv
	expect_status 1
	expect_eq "$stderr" "tp-transform: k.csv:4: expected 5 fields, found 4"
	run --separate-stderr tp-transform -c ctx --on-bad-row fail k.csv
	expect_status 1
	expect_eq "$stderr" "tp-transform: k.csv:4: expected 5 fields, found 4"
	# the shard changed between the passes (as many rows, more or fewer bad ones, or more
	# rows): its size and CRC-32 differ from pass 1's, checked before the counts
	printf '%s\nA,2024-01-01,false,10,a\nB,2024-01-02,true,20,b\nX,2024-01-05,false,50\nC,2024-01-03\nD,2024-01-04,true,40,d\n' "$HDR" >k.csv
	run --separate-stderr tp-transform -c ctx --on-bad-row skip k.csv
	expect_status 1
	expect_eq "$stderr" "tp-transform: k.csv: changed since pass 1 (size 157 -> 146 bytes, CRC-32 8a150f74 -> 35885903)"
	shard k.csv 'X,2024-01-05,false,50,x'
	run --separate-stderr tp-transform -c ctx --on-bad-row quarantine --rejects r.csv k.csv
	expect_status 1
	expect_eq "$stderr" "tp-transform: k.csv: changed since pass 1 (size 157 -> 159 bytes, CRC-32 8a150f74 -> c7853d49)"
	expect_no_file r.csv
	# more rows
	shard k.csv 'X,2024-01-05,false,50\nY,2024-01-05,false'
	run --separate-stderr tp-transform -c ctx --on-bad-row skip k.csv
	expect_status 1
	expect_eq "$stderr" "tp-transform: k.csv: changed since pass 1 (size 157 -> 176 bytes, CRC-32 8a150f74 -> c30c0fb1)"
	# pass 1 fail (no bad row), pass 2 skip finds one
	shard k0.csv
	tp-scan -o s0.sum k0.csv
	tp-context -q -c ctx0 s0.sum
	printf '%s\nA,2024-01-01,false,10,a\nB,2024-01-02,true,20,b\nC,2024-01-03\nD,2024-01-04,true,40,d\n' "$HDR" >k0.csv
	run --separate-stderr tp-transform -c ctx0 --on-bad-row skip k0.csv
	expect_status 1
	expect_eq "$stderr" "tp-transform: k0.csv: changed since pass 1 (size 135 -> 124 bytes, CRC-32 7b251078 -> 0f17f2c3)"
}

@test "bad rows: --max-bad-rows N: at the limit passes, one above fails (sum over shards)" {
	mixed_shards
	tp-scan --on-bad-row skip -n 0 -o s0.sum in/part-00000.csv
	tp-scan --on-bad-row skip -n 1 -o s1.sum in/part-00001.csv
	tp-context -q -c ok --max-bad-rows 5 s0.sum s1.sum
	[ -f ok/context ]
	expect_err 1 "tp-context: 5 bad rows of 11, more than --max-bad-rows allows (4)" \
		tp-context -q -c ctx --max-bad-rows 4 s0.sum s1.sum
	expect_no_file ctx/context ctx/tmp
	expect_err 1 "tp-context: 5 bad rows of 11, more than --max-bad-rows allows (0)" \
		tp-context -q -c ctx --max-bad-rows 0 s0.sum s1.sum
	tp-run -q -l isFraud --on-bad-row skip --max-bad-rows 5 in out
	[ -f out/train/part-00000.csv ]
	expect_err 1 "tp-context: 5 bad rows of 11, more than --max-bad-rows allows (4)" \
		tp-run -q -l isFraud --on-bad-row quarantine --max-bad-rows 4 in out2
	expect_no_data out2
}

@test "bad rows: a quarantine run that fails leaves no empty _rejects directory" {
	mixed_shards
	run --separate-stderr tp-run -q -l isFraud --on-bad-row quarantine --max-bad-rows 4 in out
	expect_status 1
	expect_no_file out/_rejects
	printf 'a,a\n1,2\n' >in/part-00002.csv # pass 1 fails
	run --separate-stderr tp-run -q -l isFraud --on-bad-row quarantine in out2
	expect_status 1
	expect_no_file out2/_rejects
}

@test "bad rows: tp-transform and tp-write that fail after a bad row leave no rejects file" {
	# found by the fuzz targets: both committed the rejects file before their last check
	printf 'k,v\n1,a\n2\n3,c\n' >s.csv
	tp-scan --dedup k --on-bad-row skip -o s.sum s.csv
	tp-context -q -c ctx s.sum
	printf 'k,v\n1,a\n2\n,c\n' >changed.csv # as many rows and bad rows, but row 2 lost its key
	expect_err 1 "tp-transform: changed.csv: changed since pass 1 (size 14 -> 13 bytes, CRC-32 3749a3f1 -> ca071fbc)" \
		tp-transform -c ctx --on-bad-row skip --rejects r1.csv changed.csv
	expect_no_file r1.csv
	printf 'tp:split,k,v\ntrain,1,a\ntrain\n' >short.csv # one good row of the 2 expected
	expect_err 1 "tp-write: short.csv: 1 rows, but 2 expected for shard 0: incomplete input (did an earlier stage fail?)" \
		tp-write -c ctx --on-bad-row quarantine --rejects r2.csv o short.csv
	expect_no_file r2.csv
	expect_eq "$(find o -type f | wc -l)" 0 "files written"
}

@test "bad rows: --max-bad-rows FRACTION: at the limit passes, below it fails" {
	mkdir in
	{
		echo id,v
		for i in 1 2 3 4 5 6 7 8 9 10; do
			if [ "$i" -le 3 ]; then echo "$i"; else echo "$i,x"; fi
		done
	} >in/part-00000.csv
	tp-scan --on-bad-row skip -o s.sum in/part-00000.csv
	# 3 bad rows of 10: 0.3 and 0.30 allow them (exactly), 0.29 does not
	tp-context -q -c c1 --max-bad-rows 0.3 s.sum
	tp-context -q -c c2 --max-bad-rows 0.30 s.sum
	tp-context -q -c c3 --max-bad-rows .3 s.sum
	tp-context -q -c c4 --max-bad-rows 1.0 s.sum
	expect_err 1 "tp-context: 3 bad rows of 10, more than --max-bad-rows allows (0.29)" \
		tp-context -q -c ctx --max-bad-rows 0.29 s.sum
	expect_err 1 "tp-context: 3 bad rows of 10, more than --max-bad-rows allows (0.0)" \
		tp-context -q -c ctx --max-bad-rows 0.0 s.sum
	tp-run -q --on-bad-row skip --max-bad-rows 0.3 in out
	expect_err 1 "tp-context: 3 bad rows of 10, more than --max-bad-rows allows (0.29)" \
		tp-run -q --on-bad-row skip --max-bad-rows 0.29 in out2
	expect_no_data out2
}

@test "bad rows: --max-bad-rows FRACTION, 2 of 10 at 0.2 and 0.19" {
	{
		echo id,v
		for i in 1 2 3 4 5 6 7 8 9 10; do
			if [ "$i" -le 2 ]; then echo "$i"; else echo "$i,x"; fi
		done
	} >p.csv
	tp-scan --on-bad-row skip -o s.sum p.csv
	tp-context -q -c c1 --max-bad-rows 0.2 s.sum
	expect_err 1 "tp-context: 2 bad rows of 10, more than --max-bad-rows allows (0.19)" \
		tp-context -q -c ctx --max-bad-rows 0.19 s.sum
}

@test "bad rows: tp-split and tp-write skip and quarantine the rows they cannot read" {
	shard s.csv
	tp-scan -o s.sum s.csv
	tp-context -q -c ctx s.sum
	printf '%s\nA,2024-01-01,false,10,a\nB,2024-01-02\n' "$HDR" >t.csv
	expect_err 1 "tp-split: t.csv:3: expected 5 fields, found 2" tp-split -c ctx t.csv
	tp-split -c ctx --on-bad-row quarantine --rejects r.csv t.csv >sp.csv
	printf 'tp:split,%s\ntrain,A,2024-01-01,false,10,a\n' "$HDR" | expect_file sp.csv
	printf 'file,line,column,reason,record\nt.csv,3,,"expected 5 fields, found 2","B,2024-01-02"\n' | expect_file r.csv
	printf 'tp:split,id\ntrain,1\ntrain\nval,3\n' >w.csv
	expect_err 1 "tp-write: w.csv:3: expected 2 fields, found 1" tp-write o w.csv
	expect_no_data o
	tp-write --on-bad-row quarantine --rejects rw.csv o w.csv
	printf 'id\n1\n' | expect_file o/train/part-00000.csv
	printf 'id\n3\n' | expect_file o/val/part-00000.csv
	printf 'file,line,column,reason,record\nw.csv,3,,"expected 2 fields, found 1",train\n' | expect_file rw.csv
}

@test "bad rows: --force removes the previous run's rejects" {
	mixed_shards
	tp-run -q -l isFraud --on-bad-row quarantine in out
	[ -f out/_rejects/part-00001.csv ]
	tp-run -q -l isFraud --force in0 out
	expect_no_file out/_rejects
}

@test "bad rows: usage errors: --on-bad-row bogus, quarantine without --rejects, --max-bad-rows x" {
	shard s.csv
	tp-scan -o s.sum s.csv
	tp-context -q -c ctx s.sum
	mkdir in
	cp s.csv in/
	expect_usage_err "^tp-scan: --on-bad-row: expected fail, skip or quarantine: 'bogus'$" tp-scan --on-bad-row bogus s.csv
	expect_usage_err "^tp-transform: --on-bad-row: expected fail, skip or quarantine: 'bogus'$" tp-transform -c ctx --on-bad-row bogus s.csv
	expect_usage_err "^tp-split: --on-bad-row: expected fail, skip or quarantine: 'bogus'$" tp-split -c ctx --on-bad-row bogus s.csv
	expect_usage_err "^tp-write: --on-bad-row: expected fail, skip or quarantine: 'bogus'$" tp-write --on-bad-row bogus o s.csv
	expect_usage_err "^tp-run: --on-bad-row: expected fail, skip or quarantine: 'bogus'$" tp-run --on-bad-row bogus in out
	expect_usage_err "^tp-scan: --on-bad-row quarantine needs --rejects FILE$" tp-scan --on-bad-row quarantine s.csv
	expect_usage_err "^tp-transform: --on-bad-row quarantine needs --rejects FILE$" tp-transform -c ctx --on-bad-row quarantine s.csv
	expect_usage_err "^tp-split: --on-bad-row quarantine needs --rejects FILE$" tp-split -c ctx --on-bad-row quarantine s.csv
	expect_usage_err "^tp-write: --on-bad-row quarantine needs --rejects FILE$" tp-write --on-bad-row quarantine o s.csv
	expect_usage_err "^tp-context: --max-bad-rows: .*'x'$" tp-context -c c2 --max-bad-rows x s.sum
	expect_usage_err "^tp-context: --max-bad-rows: .*'1\.5'$" tp-context -c c2 --max-bad-rows 1.5 s.sum
	expect_usage_err "^tp-context: --max-bad-rows: .*'-1'$" tp-context -c c2 --max-bad-rows -1 s.sum
	expect_usage_err "^tp-run: --max-bad-rows: .*'x'$" tp-run --max-bad-rows x in out
	expect_no_file o out c2
}

# --- full disk: ulimit -f, /dev/full ---------------------------------------------------

# Three shards for `ulimit -f 64` (64 KiB a file): part-00000 small (every file fits),
# part-00001 with a train file of ~290 KB (fails), part-00002 slow to read (1.5 M rows,
# almost all without a label) with small files.
fs_shards() {
	mkdir -p in
	awk 'BEGIN { print "id,isFraud,pad"; for (i = 0; i < 20; i++) print "a" i "," (i % 2) ",x" }' >in/part-00000.csv
	awk 'BEGIN { p = sprintf("%200s", ""); gsub(/ /, "p", p); print "id,isFraud,pad"
		for (i = 0; i < 2000; i++) print "b" i "," (i % 2) "," p }' >in/part-00001.csv
	[ "${1:-}" != slow ] ||
		awk 'BEGIN { print "id,isFraud,pad"
			for (i = 0; i < 1500000; i++) print "c" i "," (i % 50000 == 0 ? i % 2 : "") ",z" }' >in/part-00002.csv
}

# expect_complete OUT FULL: every data file under OUT is the same as FULL's; sets
# COMPLETE to their number.
expect_complete() {
	local f
	COMPLETE=0
	for f in $(cd "$1" && find train val test -type f 2>/dev/null); do
		cmp "$1/$f" "$2/$f" || flunk "$1/$f is not complete"
		COMPLETE=$((COMPLETE + 1))
	done
}

@test "full disk: tp-run under ulimit -f, one job: exit 1, the file named, completed shards intact, no partial file" {
	fs_shards
	tp-run -q --no-dedup -l isFraud in full
	[ "$(stat -c %s full/train/part-00001.csv)" -gt 65536 ]
	st=0
	(
		ulimit -f 64
		tp-run -q -j 1 --no-dedup -l isFraud in out >so 2>se
	) || st=$?
	expect_eq "$st" 1 "exit status"
	expect_eq "$(cat so)" "" "stdout"
	expect_eq "$(head -n 1 se)" "tp-write: out/train/part-00001.csv: write error: File too large" "first stderr line"
	expect_eq "$(tail -n 1 se)" "tp-run: pass 2 failed" "last stderr line"
	expect_complete out full
	expect_eq "$COMPLETE" 3 "complete files (those of part-00000)"
	expect_no_file out/train/part-00001.csv out/val/part-00001.csv out/test/part-00001.csv
	expect_no_tmp out
}

@test "full disk: tp-run under ulimit -f, jobs killed by the failure leave no temporary file" {
	fs_shards slow
	tp-run -q --no-dedup -l isFraud in full
	st=0
	(
		ulimit -f 64
		tp-run -q -j 4 --no-dedup -l isFraud in out >so 2>se
	) || st=$?
	expect_eq "$st" 1 "exit status"
	grep -qx 'tp-write: out/train/part-00001.csv: write error: File too large' se || flunk "stderr: $(cat se)"
	expect_eq "$(tail -n 1 se)" "tp-run: pass 2 failed" "last stderr line"
	expect_complete out full
	expect_no_file out/train/part-00001.csv
	expect_no_tmp out
}

@test "full disk: tp-scan -o, tp-write, tp-context under ulimit -f: exit 1, no file, the old file kept" {
	gen_orders g -n 1 -r 300
	tp-scan g/part-00000.csv >whole.sum
	[ "$(stat -c %s whole.sum)" -gt 2048 ]
	st=0
	(ulimit -f 2 && tp-scan -o s.sum g/part-00000.csv) 2>err || st=$?
	expect_eq "$st" 1 "tp-scan exit status"
	expect_eq "$(cat err)" "tp-scan: s.sum: write error: File too large"
	expect_no_file s.sum
	echo old >s.sum
	st=0
	(ulimit -f 2 && tp-scan -o s.sum g/part-00000.csv) 2>err || st=$?
	expect_eq "$st" 1 "tp-scan exit status"
	expect_eq "$(cat s.sum)" old "the earlier s.sum"
	expect_no_tmp .
	# tp-write: the train file is too large; no file at all for the shard
	tp-scan -l isFraud -o s.sum g/part-00000.csv
	tp-context -q -c ctx s.sum
	tp-transform -c ctx g/part-00000.csv | tp-split -c ctx >sp.csv
	st=0
	(ulimit -f 8 && tp-write -c ctx o sp.csv) 2>err || st=$?
	expect_eq "$st" 1 "tp-write exit status"
	expect_eq "$(cat err)" "tp-write: o/train/part-00000.csv: write error: File too large"
	expect_no_data o
	expect_no_tmp o
	tp-write -c ctx o2 sp.csv
	[ "$(stat -c %s o2/train/part-00000.csv)" -gt 8192 ]
	# tp-context: its sort files are too large; no context, no DIR/tmp (-m 1b: the keys
	# do not fit in memory, they go to the sort files)
	gen_orders g2 -n 2 -r 1000
	tp-scan -l isFraud -o a.sum g2/part-00000.csv
	tp-scan -l isFraud -o b.sum g2/part-00001.csv
	st=0
	(ulimit -f 8 && tp-context -q -m 1b -c c a.sum b.sum) 2>err || st=$?
	expect_eq "$st" 1 "tp-context exit status"
	[[ $(cat err) =~ ^tp-context:\ c/tmp/[a-z]+:\ write\ error:\ File\ too\ large$ ]] || flunk "stderr: $(cat err)"
	expect_no_file c/context c/tmp
}

@test "full disk: /dev/full as each tool's output: exit 1, the message names it" {
	shard s.csv 'X,2024-01-05,false,50'
	expect_err 1 "tp-scan: /dev/full: write error: No space left on device" tp-scan --on-bad-row skip -o /dev/full s.csv
	st=0
	tp-scan --on-bad-row skip s.csv >/dev/full 2>err || st=$?
	expect_eq "$st" 1
	expect_eq "$(cat err)" "tp-scan: -: write error: No space left on device"
	expect_err 1 "tp-scan: /dev/full: write error: No space left on device" \
		tp-scan --on-bad-row quarantine --rejects /dev/full -o s.sum s.csv
	expect_no_file s.sum
	tp-scan --on-bad-row skip -o s.sum s.csv
	tp-context -q -c ctx s.sum
	st=0
	tp-transform -c ctx --on-bad-row skip s.csv >/dev/full 2>err || st=$?
	expect_eq "$st" 1
	expect_eq "$(cat err)" "tp-transform: -: write error: No space left on device"
	st=0
	tp-transform -c ctx --on-bad-row quarantine --rejects /dev/full s.csv >/dev/null 2>err || st=$?
	expect_eq "$st" 1
	expect_eq "$(cat err)" "tp-transform: /dev/full: write error: No space left on device"
	tp-transform -c ctx --on-bad-row skip s.csv >t.csv
	st=0
	tp-split -c ctx t.csv >/dev/full 2>err || st=$?
	expect_eq "$st" 1
	expect_eq "$(cat err)" "tp-split: -: write error: No space left on device"
	st=0
	tp-split -c ctx -a /dev/full t.csv >/dev/null 2>err || st=$?
	expect_eq "$st" 1
	expect_eq "$(cat err)" "tp-split: /dev/full: write error: No space left on device"
	tp-split -c ctx t.csv >sp.csv
	expect_err 1 "tp-write: /dev/full: write error: No space left on device" tp-write -c ctx -r /dev/full o sp.csv
	tp-write -c ctx o2 sp.csv
	expect_complete o o2
	expect_no_tmp o
}

@test "full disk: tp-run's report on /dev/full: exit 1, tp-run's own message" {
	mkdir in
	shard in/part-00000.csv
	st=0
	tp-run -l isFraud in out >/dev/full 2>err || st=$?
	expect_eq "$st" 1 "exit status"
	expect_eq "$(cat err)" "tp-run: -: write error: No space left on device"
}
