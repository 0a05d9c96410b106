#!/usr/bin/env bats
# Bad input (SPEC 9): exit 1 and `PROGRAM: FILE:LINE: message` on stderr, nothing on
# stdout; bad option values: exit 2.

load helper

# --- malformed CSV ------------------------------------------------------------------

@test "errors: ragged row names its line" {
	printf 'a,b,c\n1,2,3\n4,5\n' >r.csv
	expect_err 1 "tp-scan: r.csv:3: expected 3 fields, found 2" tp-scan r.csv
	printf 'a,b,c\n1,2,3\n4,5,6,7\n' >r2.csv
	expect_err 1 "tp-scan: r2.csv:3: expected 3 fields, found 4" tp-scan r2.csv
}

@test "errors: ragged row after a quoted newline: the physical line where the row starts" {
	printf 'a,b\n1,"x\ny"\n2\n' >l.csv
	expect_err 1 "tp-scan: l.csv:4: expected 2 fields, found 1" tp-scan l.csv
	printf 'a,b\n1,"x\ny",3\n2,2\n' >l2.csv
	expect_err 1 "tp-scan: l2.csv:2: expected 2 fields, found 3" tp-scan l2.csv
	printf 'a,b\r\n1,2\r\n2\r\n' >crlf.csv
	expect_err 1 "tp-scan: crlf.csv:3: expected 2 fields, found 1" tp-scan crlf.csv
}

@test "errors: broken quotes" {
	printf 'a,b,c\n1,2,3\n4,"5"x,6\n' >q.csv
	expect_err 1 "tp-scan: q.csv:3: malformed quoted field (a '\"' inside an unquoted field, or text after a closing quote)" tp-scan q.csv
	printf 'a,b,c\n1,2,3\n4,5"x,6\n' >q2.csv
	expect_err 1 "tp-scan: q2.csv:3: malformed quoted field (a '\"' inside an unquoted field, or text after a closing quote)" tp-scan q2.csv
}

@test "errors: unterminated quote at end of file names the line where it opened" {
	printf 'a,b,c\n1,2,3\n4,"5,6\n7,8,9\n' >u.csv
	expect_err 1 "tp-scan: u.csv:3: unterminated quoted field at end of file" tp-scan u.csv
}

@test "errors: NUL byte: line, column, no trailing blank" {
	printf 'a,b,c\n1,2,3\n4,5\0007,6\n' >n.csv
	st=0
	tp-scan n.csv >out 2>err || st=$?
	expect_eq "$st" 1 "exit status"
	expect_eq "$(cat out)" "" "stdout"
	expect_eq "$(wc -l <err)" 1 "stderr lines"
	grep -q '^tp-scan: n\.csv:3: .*NUL' err || flunk "stderr: [$(cat -A err)]"
	if grep -q '[[:space:]]$' err; then flunk "trailing blank in: [$(cat -A err)]"; fi
	grep -q "'b'" err || flunk "the column is not named: [$(cat -A err)]"
}

@test "errors: duplicate column names" {
	printf 'a,b,a\n1,2,3\n' >dup.csv
	expect_err 1 "tp-scan: dup.csv:1: duplicate column name 'a'" tp-scan dup.csv
}

# --- columns and values ---------------------------------------------------------------

@test "errors: bad date in the temporal column names column and value" {
	printf 'a,orderDate,c\n1,2024-01-01,3\n4,2024-13-01,6\n' >d.csv
	expect_err 1 "tp-scan: d.csv:3: column 'orderDate': not a date or time: '2024-13-01'" tp-scan d.csv
	printf 'a,when\n1,2024-02-30\n' >d2.csv
	expect_err 1 "tp-scan: d2.csv:2: column 'when': not a date or time: '2024-02-30'" tp-scan --split temporal:when d2.csv
	for v in 2024-1-2 20240102x 2024-01-02T25:00 "2024/01/02T03:04:05" "yesterday" 2023-02-29; do
		printf 'orderDate\n%s\n' "$v" >d3.csv
		expect_err 1 "tp-scan: d3.csv:2: column 'orderDate': not a date or time: '$v'" tp-scan d3.csv
	done
}

@test "errors: missing label, dedup and temporal columns" {
	printf 'a,orderDate\n1,2024-01-01\n' >d.csv
	expect_err 1 "tp-scan: d.csv:1: label column 'zz' not found" tp-scan -l zz d.csv
	expect_err 1 "tp-scan: d.csv:1: dedup key column 'zz' not found" tp-scan --dedup zz d.csv
	expect_err 1 "tp-scan: d.csv:1: temporal column 'zz' not found" tp-scan --split temporal:zz d.csv
}

@test "errors: shards with different headers: tp-context names the shard and the column" {
	printf 'a,orderDate,c\n1,2024-01-01,3\n' >part-00000.csv
	cp part-00000.csv part-00001.csv
	printf 'a,orderDate,d\n1,2024-01-01,3\n' >part-00002.csv
	for i in 0 1 2; do tp-scan -o s$i.sum part-0000$i.csv; done
	run --separate-stderr tp-context -q -c ctx s0.sum s1.sum s2.sum
	expect_status 1
	expect_eq "${#stderr_lines[@]}" 1 "stderr lines"
	[[ $stderr == "tp-context: "* ]] || flunk "$stderr"
	[[ $stderr == *part-00002.csv* ]] || flunk "the shard is not named: $stderr"
	[[ $stderr == *"'d'"* ]] || flunk "the column is not named: $stderr"
	expect_no_file ctx/context
}

@test "errors: shards with different column counts name the shard" {
	printf 'a,orderDate,c\n1,2024-01-01,3\n' >part-00000.csv
	printf 'a,orderDate\n1,2024-01-01\n' >part-00001.csv
	for i in 0 1; do tp-scan -o s$i.sum part-0000$i.csv; done
	run --separate-stderr tp-context -q -c ctx s0.sum s1.sum
	expect_status 1
	[[ $stderr == "tp-context: "*part-00001.csv* ]] || flunk "the shard is not named: $stderr"
}

@test "errors: tp-run with shards of different headers names the shard file" {
	mkdir in
	printf 'a,orderDate,c\n1,2024-01-01,3\n' >in/part-00001.csv
	printf 'a,orderDate,d\n1,2024-01-01,3\n' >in/part-00002.csv
	run --separate-stderr tp-run -q -j 1 in out
	expect_status 1
	[[ $stderr == *in/part-00002.csv*"'d'"* ]] || flunk "the shard file is not named: $stderr"
	expect_eq "$(find out -path out/_tp -prune -o -type f -print | wc -l)" 0 "files written"
}

# --- files ----------------------------------------------------------------------------

@test "errors: corrupt gzip: truncated, damaged data, bad check" {
	{ echo a,b; seq 1 50000 | sed 's/$/,x/'; } | gzip >good.csv.gz
	head -c 2000 good.csv.gz >trunc.csv.gz
	cp good.csv.gz crc.csv.gz
	size=$(stat -c %s good.csv.gz)
	printf '\377' | dd of=crc.csv.gz bs=1 seek=$((size - 6)) conv=notrunc 2>/dev/null
	cp good.csv.gz data.csv.gz
	printf 'garbage-garbage-garbage' | dd of=data.csv.gz bs=1 seek=200 conv=notrunc 2>/dev/null
	for f in trunc crc data; do
		run --separate-stderr tp-scan $f.csv.gz
		expect_status 1
		expect_eq "$output" "" "stdout"
		[[ $stderr =~ ^tp-scan:\ $f\.csv\.gz(:[0-9]+)?:\ corrupt\ gzip\ data ]] || flunk "$f: $stderr"
		[[ $stderr != *"<fd:"* ]] || flunk "$f: zlib's internal name leaks: $stderr"
	done
}

@test "errors: unreadable input" {
	expect_err 1 "tp-scan: nofile.csv: cannot open: No such file or directory" tp-scan nofile.csv
	mkdir dir
	expect_err 1 "tp-scan: dir: is a directory" tp-scan dir
}

# unreadable_cases P F: each tool that reads a shard, a stream or a summary, given F,
# fails with exactly "TOOL: F: " followed by P and nothing on the standard output.
unreadable_cases() {
	local p=$1 f=$2
	expect_err 1 "tp-scan: $f: $p" tp-scan "$f"
	expect_err 1 "tp-scan: $f: $p" tp-scan -s "$f" part-00000.csv
	rm -rf c2
	expect_err 1 "tp-context: $f: $p" tp-context -q -c c2 "$f"
	expect_err 1 "tp-transform: $f: $p" tp-transform -c ctx -n 0 "$f"
	expect_err 1 "tp-split: $f: $p" tp-split -c ctx -n 0 "$f"
	expect_err 1 "tp-write: $f: $p" tp-write out "$f"
}

@test "errors: an unreadable shard (a directory, no permission, a read error): TOOL: FILE: message, every tool" {
	printf 'id,orderDate\n1,2024-01-01\n' >part-00000.csv
	tp-scan -o s.sum part-00000.csv
	tp-context -q -c ctx s.sum
	mkdir part-00001.csv
	unreadable_cases "is a directory" part-00001.csv
	# a read error after a successful open
	if [ -r /proc/self/mem ]; then
		unreadable_cases "read error: Input/output error" /proc/self/mem
	fi
	# no read permission: root reads anything, so as root the tools run as nobody
	cp part-00000.csv part-00002.csv
	chmod 000 part-00002.csv
	if [ "$(id -u)" -ne 0 ]; then
		unreadable_cases "cannot open: Permission denied" part-00002.csv
	elif command -v setpriv >/dev/null; then
		chmod 1777 . && chmod -R a+rX ctx part-00000.csv
		local t
		for t in tp-scan tp-context tp-transform tp-split tp-write; do
			printf '#!/bin/sh\nexec setpriv --reuid=65534 --regid=65534 --clear-groups %s "$@"\n' "$(command -v $t)" >$t.nobody
			chmod +x $t.nobody
		done
		mkdir nobody && for t in tp-scan tp-context tp-transform tp-split tp-write; do mv $t.nobody nobody/$t; done
		PATH=$PWD/nobody:$PATH unreadable_cases "cannot open: Permission denied" "$PWD/part-00002.csv"
	fi
	expect_no_file c2/context out
}

@test "errors: bad signature files" {
	printf '1,2\n' >data.csv
	printf 'a,b\nc,d\n' >sig2
	expect_err 1 "tp-scan: sig2:2: a signature file holds one line of column names" tp-scan -s sig2 data.csv
	: >sig0
	expect_err 1 "tp-scan: sig0: empty signature file" tp-scan -s sig0 data.csv
	printf 'a,b,c\n' >sig3
	expect_err 1 "tp-scan: data.csv:1: expected 3 fields, found 2" tp-scan -s sig3 data.csv
}

@test "errors: tp-run passes a data error on, exit 1, no output files" {
	mkdir in
	printf 'id,orderDate\n1,2024-01-01\n' >in/part-00000.csv
	printf 'id,orderDate\n1,2024-01-01\n2,soon\n' >in/part-00001.csv
	run --separate-stderr tp-run -q -j 2 in out
	expect_status 1
	expect_eq "$output" ""
	[[ $stderr == *"tp-scan: in/part-00001.csv:3: column 'orderDate': not a date or time: 'soon'"* ]] || flunk "$stderr"
	expect_no_file out/train out/val out/test out/signature
}

# --- bad option values: exit 2 --------------------------------------------------------

@test "errors: ratio out of range is a usage error (tp-context, tp-run)" {
	printf 'id,orderDate\n1,2024-01-01\n' >part-00000.csv
	tp-scan -o s.sum part-00000.csv
	mkdir in
	cp part-00000.csv in/
	expect_usage_err "^tp-context: --train-ratio: .*'1\.5'" tp-context -c ctx --train-ratio 1.5 s.sum
	expect_usage_err "^tp-context: --test-val-ratio: .*'-0\.1'" tp-context -c ctx --test-val-ratio -0.1 s.sum
	expect_usage_err "^tp-run: .*'1\.5'" tp-run --train-ratio 1.5 in out
	expect_usage_err "^tp-run: .*'2'" tp-run --test-val-ratio 2 in out
	expect_no_file ctx out
}

# The ratio grammar of tp-context(1) (--train-ratio): VALUE, the exit status, and for 0 the ratio as the
# context records it ("-" for a refused value). "-" in the first column is the empty string.
ratio_table() {
	cat <<'EOF'
0	0	0
1	0	1
0.7	0	0.7
.5	0	0.5
1.0	0	1
0.70	0	0.7
1.	0	1
0.	0	0
0.05	0	0.05
0.123456789012345678	0	0.123456789012345678
0.000000000000000001	0	0.000000000000000001
1.000000000000000000	0	1
00.5	2	-
00	2	-
-0.1	2	-
1.5	2	-
2	2	-
1.000000000000000001	2	-
1e-1	2	-
0.5x	2	-
0,5	2	-
0x1	2	-
inf	2	-
nan	2	-
.	2	-
-	2	-
 0.5	2	-
0.5 	2	-
+0.5	2	-
0.1234567890123456789	2	-
EOF
}

@test "errors: tp-context and tp-run accept and refuse each ratio as the table says" {
	printf 'id,orderDate\n1,2024-01-01\n' >part-00000.csv
	tp-scan -o s.sum part-00000.csv
	mkdir in
	cp part-00000.csv in/
	local v want rec opt st n=0 field
	while IFS=$'\t' read -r v want rec; do
		[ "$v" != - ] || v=
		n=$((n + 1))
		for opt in --train-ratio --test-val-ratio; do
			field=train_ratio
			[ "$opt" = --train-ratio ] || field=test_val_ratio
			rm -rf ctx out
			st=0
			tp-context -q -c ctx "$opt" "$v" s.sum >o 2>e || st=$?
			[ "$st" = "$want" ] || flunk "tp-context $opt '$v': exit $st, expected $want" "$(cat e)"
			if [ "$want" = 0 ]; then
				expect_eq "$(ctx_field ctx job "$field")" "$rec" "tp-context $opt '$v' recorded"
			else
				expect_eq "$(head -n 1 e)" "tp-context: $opt: not a decimal number in [0, 1]: '$v'" \
					"tp-context $opt '$v' message"
				expect_eq "$(cat o)" "" "tp-context $opt '$v' stdout"
				expect_no_file ctx
			fi
			st=0
			tp-run -q "$opt" "$v" in out >o 2>e || st=$?
			[ "$st" = "$want" ] || flunk "tp-run $opt '$v': exit $st, expected $want" "$(cat e)"
			if [ "$want" = 0 ]; then
				expect_eq "$(ctx_field out/_tp/context job "$field")" "$rec" "tp-run $opt '$v' recorded"
			else
				[[ $(head -n 1 e) == "tp-run: "*"'$v'" ]] || flunk "tp-run $opt '$v': message $(cat e)"
				expect_no_file out
			fi
		done
	done < <(ratio_table)
	expect_eq "$n" 30 "table rows"
}

@test "errors: tp-run -j x, --format feather, --split bogus/group:/stratified, --job-type, --seed" {
	mkdir in
	printf 'id,orderDate\n1,2024-01-01\n' >in/part-00000.csv
	expect_usage_err "^tp-run: -j: .*'x'" tp-run -j x in out
	expect_usage_err "^tp-run: -j: .*'-1'" tp-run -j -1 in out
	expect_usage_err "^tp-run: --format: .*'feather'" tp-run --format feather in out
	OUTPUT_FORMAT=feather expect_usage_err "'feather'" tp-run in out
	expect_usage_err "^tp-run: --split: .*'bogus'" tp-run --split bogus in out
	expect_usage_err "^tp-run: --split: .*'group:'" tp-run --split group: in out
	expect_usage_err "^tp-run: --split: .*'hash:'" tp-run --split hash: in out
	expect_usage_err "^tp-run: --split stratified needs a label" tp-run --split stratified in out
	expect_usage_err "^tp-run: --job-type: .*'foo'" tp-run --job-type foo in out
	expect_usage_err "^tp-run: --seed: .*'x'" tp-run --seed x in out
	expect_usage_err "^tp-run: --dedup and --no-dedup" tp-run --dedup id --no-dedup in out
	expect_usage_err "^tp-run: option requires an argument: -j" tp-run -j
	expect_usage_err "^tp-run: expected INPUT_DIR and OUTPUT_DIR" tp-run in
	expect_no_file out
}

@test "errors: tp-scan --split bogus modes, stratified without -l, unknown split column, -n x, --dedup with --no-dedup" {
	printf 'id,orderDate\n1,2024-01-01\n' >d.csv
	for m in temporal: group: hash: bogus random: RANDOM; do
		expect_usage_err "^tp-scan: --split: unknown mode '$m'" tp-scan --split "$m" d.csv
	done
	expect_usage_err "^tp-scan: --split stratified needs a label" tp-scan --split stratified d.csv
	expect_err 1 "tp-scan: d.csv:1: group column 'nope' not found" tp-scan --split group:nope d.csv
	expect_err 1 "tp-scan: d.csv:1: hash column 'nope' not found" tp-scan --split hash:nope d.csv
	expect_usage_err "^tp-scan: --shard: .*'x'" tp-scan -n x d.csv
	expect_usage_err "^tp-scan: --shard: .*'-1'" tp-scan -n -1 d.csv
	expect_usage_err "^tp-scan: --dedup and --no-dedup exclude each other" tp-scan --dedup id --no-dedup d.csv
}

@test "errors: tp-write --format feather, tp-context --job-type/--seed, missing -c" {
	printf 'tp:split,id\ntrain,1\n' >s.csv
	expect_usage_err "^tp-write: --format: .*'feather'" tp-write -f feather out s.csv
	expect_usage_err "^tp-write: --shard: .*'x'" tp-write -n x out s.csv
	expect_usage_err "^tp-context: --job-type: .*'x'" tp-context -c c --job-type x s
	expect_usage_err "^tp-context: --seed: .*'x'" tp-context -c c --seed x s
	expect_usage_err "^tp-context: missing -c DIR" tp-context s
	expect_usage_err "^tp-context: no summary files" tp-context -c c
	expect_usage_err "^tp-transform: missing -c DIR" tp-transform s.csv
	expect_usage_err "^tp-split: missing -c DIR" tp-split s.csv
	expect_no_file out c
}
