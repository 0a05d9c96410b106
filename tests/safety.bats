#!/usr/bin/env bats
# tp-run's safety rules (issue 7, tp-run(1) SAFETY): it never removes or writes under
# INPUT_DIR, never runs what a name or a value says, takes every shard or says why not,
# and --resume redoes exactly what changed. Each test here failed on the tp-run of
# commit 7eea18d.

load helper

# shards IN: three small shards with a label, an orderDate and a customerId.
shards() {
	mkdir -p "$1"
	printf 'customerId,orderDate,label,v\nA,2024-01-01,0,a\nB,2024-01-02,1,b\nC,2024-01-03,0,c\nD,2024-01-04,1,d\n' >"$1/part-00000.csv"
	printf 'customerId,orderDate,label,v\nE,2024-01-05,0,e\nF,2024-01-06,1,f\nG,2024-01-07,0,g\n' >"$1/part-00001.csv"
	printf 'customerId,orderDate,label,v\nH,2024-01-08,1,h\nI,2024-01-09,0,i\nJ,2024-01-10,1,j\n' >"$1/part-00002.csv"
}

# tree_sum DIR: one line per file below DIR: its path and checksum.
tree_sum() {
	(cd "$1" && find . -type f -print0 | sort -z | xargs -0r cksum)
}

@test "safety: the data/raw -> data layout keeps every input byte and writes the splits" {
	shards data/raw
	local before
	before=$(tree_sum data/raw)
	tp-run -q -l label data/raw data
	tp-run -q --resume -l label data/raw data
	tp-run -q --force -l label data/raw data
	tp-run -q --force --job-type validation --on-bad-row quarantine -l label data/raw data
	expect_eq "$(tree_sum data/raw)" "$before" "the input shards"
	[ -f data/validation/part-00000.csv ]
	expect_no_file data/train data/val data/test
	tp-run -q --force -l label data/raw data
	expect_eq "$(tree_sum data/raw)" "$before" "the input shards"
	[ -f data/train/part-00000.csv ] && [ -f data/test/part-00002.csv ]
}

@test "safety: an INPUT_DIR that is, holds or lies in what tp-run writes is a usage error; --force removes nothing of it" {
	local d
	for d in train val test validation testing calibration metadata signature _tp _rejects; do
		rm -rf Y
		shards "Y/$d"
		expect_usage_err "^tp-run: INPUT_DIR 'Y/$d' and OUTPUT_DIR 'Y' overlap: Y/$d is written by tp-run" \
			tp-run --force -l label "Y/$d" Y
		[ -f "Y/$d/part-00002.csv" ] || flunk "Y/$d lost its shards"
	done
	rm -rf Y && shards Y/train/deep
	expect_usage_err "overlap: Y/train is written by tp-run" tp-run --force -l label Y/train/deep Y
	[ -f Y/train/deep/part-00000.csv ]
	# the same directory, a parent of the output, a symbolic link to an owned folder
	rm -rf Y && shards Y
	expect_usage_err "overlap" tp-run --force -l label Y Y
	expect_usage_err "overlap" tp-run --force -l label Y Y/out
	mkdir Z && ln -s ../Y Z/train
	expect_usage_err "overlap: Z/train is written" tp-run --force -l label Y Z
	[ -f Y/part-00000.csv ] && [ -L Z/train ]
}

@test "safety: --force and --resume remove only files tp names, in tp's folders" {
	shards in
	tp-run -q -l label in out
	mkdir -p out/train/mine out/other
	echo keep >out/train/notes.txt
	echo keep >out/train/mine/part-00000.csv
	echo keep >out/other/.x.tmp.1
	echo keep >out/part-00000.csv
	echo keep >in/.part-00000.csv.tmp.7
	tp-run -q --force --job-type testing -l label in out
	tp-run -q --resume --job-type testing -l label in out
	for f in out/train/notes.txt out/train/mine/part-00000.csv out/other/.x.tmp.1 out/part-00000.csv in/.part-00000.csv.tmp.7; do
		expect_eq "$(cat "$f")" keep "$f"
	done
	expect_no_file out/train/part-00000.csv out/val out/test
}

# A column name, an option value or a path of each kind that GNU parallel or a shell
# would expand.
hostile=('{}' '{1}' '{= system("touch pwned") =}' '$(touch pwned)' '`touch pwned`' 'a;touch pwned' '{2}x' '-x')

@test "safety: {}, {1}, {= perl =}, \$(...), backquotes and ; in every option, column name and path run nothing" {
	local h i=0 q
	for h in "${hostile[@]}"; do
		i=$((i + 1))
		mkdir "w$i" && cd "w$i"
		q=${h//\"/\"\"}
		mkdir -p "in $h"
		printf '"k%s","t%s","l%s","g%s","c%s"\n' "$q" "$q" "$q" "$q" "$q" >"in $h/part-00000.csv"
		printf 'A,2024-01-01,x,g1,u\nB,2024-01-02,y,g2,v\nC,2024-01-03,x,g1,w\nD,2024-01-04,y,g3,z\n' >>"in $h/part-00000.csv"
		printf '"k%s","t%s","l%s","g%s","c%s"\n' "$q" "$q" "$q" "$q" "$q" >"sig $h"
		head -n 1 "in $h/part-00000.csv" >"in $h/part-00001.csv"
		printf 'E,2024-01-05,x,g1,u\n' >>"in $h/part-00001.csv"
		# a headerless copy for -s
		mkdir "raw $h" && tail -n +2 "in $h/part-00000.csv" >"raw $h/part-00000.csv"
		cc=(--concat "n$h=c$h,g$h")
		[[ $h != *[=,]* ]] || cc=()
		tp-run -q -l "l$h" --dedup "k$h" --split "temporal:t$h" "${cc[@]}" "in $h" "out $h"
		tp-run -q -l "l$h" --no-dedup --split "group:g$h" "in $h" "out2 $h"
		tp-run -q -l "l$h" --no-dedup --split "hash:k$h" -s "sig $h" "raw $h" "o$h"
		LABEL_FIELD="l$h" tp-run -q --no-dedup --split stratified "in $h" "o3$h"
		[ -f "out $h/signature/signature" ] && [ -d "out2 $h/_tp" ] && [ -d "o$h/_tp" ] && [ -d "o3$h/_tp" ] ||
			flunk "outputs not where named for '$h': $(ls)"
		expect_eq "$(wc -l <"out $h/train/part-00000.csv")" 4 "header and 3 rows for '$h'"
		expect_no_file pwned ../pwned
		cd ..
	done
	expect_no_file w1/o00000 w2/o00000
}

@test "safety: newlines and tabs in INPUT_DIR, OUTPUT_DIR and shard names" {
	local d=$'in\n{1}\tx' o=$'out\n$(touch pwned)'
	shards "$d"
	mv "$d/part-00001.csv" "$d/"$'part-00001\nnew.csv'
	tp-run -q -l label "$d" "$o"
	[ -f "$o/train/part-00001.csv" ] && [ -f "$o/test/part-00002.csv" ]
	# and the joined files of --consolidate, in an OUTPUT_DIR with | & and \ too
	local c=$'one|&\\n\n$(touch pwned)'
	tp-run -q --progress log -l label --consolidate "$d" "$c" >log
	[ -f "$c/train/train_processed_data.csv" ] && [ ! -e "$c/train/part-00001.csv" ]
	# the progress lines read the summaries and reports there too
	grep -q "^pass 1: 3/3 shards, $(awk '/^rows read/ { print $3 }' "$c/_tp/report.txt") rows" log || flunk "$(cat log)"
	expect_eq "$(body "$c/train/train_processed_data.csv" | wc -l)" "$(body "$o"/train/part-*.csv | wc -l)" "joined rows"
	expect_no_file pwned
}

@test "safety: a symbolic link to a shard is read, a symbolic link INPUT_DIR works" {
	shards real
	mkdir in
	ln -s ../real/part-00000.csv in/part-00000.csv
	cp real/part-00001.csv real/part-00002.csv in/
	tp-run -q -l label in out
	tp-run -q -l label real ref
	ln -s real linkdir
	tp-run -q -l label linkdir out2
	expect_same_tree ref/train out/train
	expect_same_tree ref/test out2/test
	expect_eq "$(ctx_rec out/_tp/context shard | wc -l)" 3 "shards in the context"
}

@test "safety: a FIFO, a socket, a directory or a broken link in INPUT_DIR is an error naming it" {
	shards in
	mkfifo in/part-00007.csv
	expect_err 1 "tp-run: in/part-00007.csv: a FIFO in INPUT_DIR (shards are regular files; names starting with _ or . are skipped)" \
		tp-run -q -l label in out
	rm in/part-00007.csv && mkdir in/sub
	expect_err 1 "tp-run: in/sub: a directory in INPUT_DIR (shards are regular files; names starting with _ or . are skipped)" \
		tp-run -q -l label in out
	rmdir in/sub && ln -s nowhere in/part-00009.csv
	expect_err 1 "tp-run: in/part-00009.csv: a broken symbolic link in INPUT_DIR (shards are regular files; names starting with _ or . are skipped)" \
		tp-run -q -l label in out
	rm in/part-00009.csv
	python3 -c 'import socket,sys; s=socket.socket(socket.AF_UNIX); s.bind(sys.argv[1])' in/sock
	expect_err 1 "tp-run: in/sock: a socket in INPUT_DIR (shards are regular files; names starting with _ or . are skipped)" \
		tp-run -q -l label in out
	rm in/sock
	# skipped names are counted in the report
	mkdir in/_temporary && : >in/_SUCCESS && : >in/.crc
	tp-run -l label in out >report
	grep -qx 'skipped           3 (names starting with _ or .)' report || flunk "$(cat report)"
	grep -qx 'shards            3' report || flunk "$(cat report)"
}

@test "safety: an unreadable shard is a message naming it, from tp-run or the tool" {
	shards in
	if [ "$(id -u)" -eq 0 ]; then
		# root reads any file: a file whose read fails
		ln -s /proc/self/mem in/part-00005.csv
		want="tp-scan: in/part-00005.csv: read error: Input/output error"
	else
		chmod 000 in/part-00001.csv
		want="tp-run: in/part-00001.csv: Permission denied"
	fi
	run --separate-stderr tp-run -q -l label in out
	expect_status 1
	expect_eq "${stderr_lines[0]}" "$want" "first message"
	[[ $stderr != *environment:* ]] || flunk "$stderr"
}

# resume_equals_fresh IN OPTIONS...: --resume into out gives the tree of a fresh run.
resume_equals_fresh() {
	local in=$1
	shift
	tp-run -q --resume "$@" "$in" out
	rm -rf fresh
	tp-run -q "$@" "$in" fresh
	expect_same_tree fresh out report.txt
}

@test "safety: --resume after removing, adding and changing a shard equals a fresh run" {
	shards in
	tp-run -q -l label in out
	rm in/part-00001.csv
	resume_equals_fresh in -l label
	printf 'customerId,orderDate,label,v\nK,2023-12-31,1,k\n' >in/part-00004.csv
	resume_equals_fresh in -l label
	# same size, same rows, one value changed
	sed -i 's/H,2024-01-08,1,h/H,2024-01-08,0,h/' in/part-00002.csv
	resume_equals_fresh in -l label
	# renumbered: names that carry no number take their sorted index
	mkdir in2 && cp in/part-00000.csv in2/b.csv && cp in/part-00002.csv in2/c.csv
	tp-run -q -l label in2 out2
	rm in2/b.csv
	cp in/part-00004.csv in2/a.csv
	tp-run -q --resume -l label in2 out2
	tp-run -q -l label in2 fresh2
	expect_same_tree fresh2 out2 report.txt
}

@test "safety: --resume after editing the signature file equals a fresh run" {
	mkdir raw
	printf 'A,2024-01-01,0\nB,2024-01-02,1\nC,2024-01-03,0\n' >raw/part-00000.csv
	echo 'customerId,orderDate,label' >sig
	tp-run -q -l label -s sig raw out
	echo 'customerId,orderDate,y' >sig
	tp-run -q --resume -l y -s sig raw out
	tp-run -q -l y -s sig raw fresh
	expect_same_tree fresh out report.txt
	# same options, same length, other names: the content is what counts
	echo 'customerId,orderDate,z' >sig
	sed -i 's/,y$/,z/' sig
	tp-run -q --resume --no-dedup -l z -s sig raw out
	rm -rf fresh && tp-run -q --no-dedup -l z -s sig raw fresh
	expect_same_tree fresh out report.txt
}

@test "safety: --resume with other options leaves nothing of the old run" {
	shards in
	tp-run -q -l label --metadata-format json -f tsv --on-bad-row quarantine in out
	printf 'X,2024-01-11,1\n' >>in/part-00001.csv
	tp-run -q -l label --metadata-format json -f tsv --on-bad-row quarantine --resume in out
	[ -f out/metadata/metadata.json ] && [ -f out/_rejects/part-00001.csv ] && [ -f out/train/part-00000.tsv ]
	sed -i '$d' in/part-00001.csv
	resume_equals_fresh in -l label --job-type calibration
	expect_no_file out/metadata/metadata.json out/_rejects out/train out/val out/test
}

@test "safety: pass 2 refuses a shard changed after pass 1 with the same rows and size" {
	shards in
	# tp-run next to a tp-context that changes one value of shard 0 (same length) after
	# pass 1 has scanned it
	mkdir bin
	cp "$(command -v tp-run)" bin/
	for t in tp-scan tp-transform tp-split tp-write; do ln -s "$(command -v $t)" bin/$t; done
	printf '#!/bin/sh\nsed -i "s/B,2024-01-02,1,b/B,2024-01-02,1,x/" "%s/in/part-00000.csv"\nexec "%s" "$@"\n' \
		"$PWD" "$(command -v tp-context)" >bin/tp-context
	chmod +x bin/tp-context
	run --separate-stderr bin/tp-run -q -l label in out
	expect_status 1
	[[ $stderr == *"tp-transform: in/part-00000.csv: changed since pass 1"* ]] || flunk "$stderr"
	[[ ${stderr_lines[-1]} == "tp-run: pass 2 failed" ]] || flunk "$stderr"
	expect_no_file out/train/part-00000.csv
	# --resume sees the change (the shard's checksum) and gives a fresh run's tree
	tp-run -q --resume -l label in out
	tp-run -q -l label in fresh
	expect_same_tree fresh out report.txt
}

@test "safety: many shards pass through files, not argument lists (ARG_MAX)" {
	# 1,000 shards and an OUTPUT_DIR of 3,000 bytes: the summary paths alone are 3 MB
	local long=o i
	for i in $(seq 50); do long=$long/dddddddddddddddddddddddddddddddddddddddddddddddddddddddddd; done
	mkdir in
	for i in $(seq 0 999); do printf 'id,v\n%d,x\n' "$i" >"in/part-$(printf %05d "$i").csv"; done
	tp-run -q -j 2 --job-type testing in "$long"
	expect_eq "$(find "$long/testing" -type f | wc -l)" 1000 "output files"
	expect_eq "$(ctx_rec "$long/_tp/context" shard | wc -l)" 1000 "shards in the context"
}

@test "safety: -hq, -f CSV, -j out of range, leading-dash paths, -h >/dev/full" {
	run tp-run -hq
	expect_status 0
	[[ ${lines[0]} == "usage: tp-run [-hq]"* ]] || flunk "$output"
	shards in
	tp-run -q -f CSV.GZ -l label in a
	[ -f a/train/part-00000.csv.gz ]
	expect_usage_err "^tp-run: -j: not a number of jobs in 0\.\.99999: '99999999999999999999'$" \
		tp-run -j 99999999999999999999 in b
	MAX_WORKERS=-3 expect_usage_err "^tp-run: MAX_WORKERS: not a number of jobs in 0\.\.99999: '-3'$" tp-run in b
	OUTPUT_FORMAT=xml expect_usage_err "^tp-run: OUTPUT_FORMAT: expected csv, tsv, csv.gz, tsv.gz or parquet: 'xml'$" tp-run in b
	TRAIN_RATIO=2 expect_usage_err "^tp-run: TRAIN_RATIO: not a decimal number in \[0, 1\]: '2'$" tp-run in b
	mv in ./-in
	tp-run -q -l label -- -in -out
	[ -f ./-out/train/part-00000.csv ]
	expect_err 1 "tp-run: write error: No space left on device" sh -c 'tp-run -h >/dev/full'
}

@test "safety: MAX_WORKERS sets the number of jobs (the report says how many)" {
	shards in
	MAX_WORKERS=3 tp-run -l label in a >report
	grep -qx 'jobs              3' report || flunk "$(cat report)"
	MAX_WORKERS=3 tp-run -j 1 -l label in b >report
	grep -qx 'jobs              1' report || flunk "$(cat report)"
	MAX_WORKERS=0 tp-run -l label in c >report
	grep -qx "jobs              $(nproc)" report || flunk "$(cat report)"
}

@test "safety: tp-run's own failures are 'tp-run: PATH: message' lines" {
	shards in
	: >afile
	expect_err 1 "tp-run: afile: cannot create directory: File exists" tp-run -q -l label in afile
	mkdir -p out/_tp/lock
	expect_err 1 "tp-run: out/_tp/lock: cannot open" tp-run -q -l label in out
	expect_err 1 "tp-run: nosig: cannot read signature file" tp-run -q -s nosig in out2
	expect_err 1 "tp-run: in/part-00000.csv: not a directory" tp-run -q in/part-00000.csv out3
}

@test "safety: a pass-2 stage that fails after tp-write completed its files leaves none of that shard" {
	shards in
	# tp-run next to a tp-transform that writes all its rows and then fails, as a
	# check at its end does
	mkdir bin
	cp "$(command -v tp-run)" bin/
	for t in tp-scan tp-context tp-split tp-write; do ln -s "$(command -v $t)" bin/$t; done
	printf '#!/bin/sh\n"%s" "$@" || exit\ncase "$*" in *part-00001*) exit 1 ;; esac\n' "$(command -v tp-transform)" >bin/tp-transform
	chmod +x bin/tp-transform
	run --separate-stderr bin/tp-run -q -j 1 -l label in out
	expect_status 1
	expect_no_file out/train/part-00001.csv out/test/part-00001.csv out/val/part-00001.csv out/_tp/done/part-00001
	[ -f out/train/part-00000.csv ] || flunk "the shard done before the failure lost its files"
}
