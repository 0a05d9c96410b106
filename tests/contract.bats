#!/usr/bin/env bats
# Rules every tool keeps (STYLE 9, 10): bogus option -> exit 2, stderr names it, stdout
# empty; -h -> usage on stdout, exit 0; a full output device is an error; the usage is
# the man page's SYNOPSIS; the man pages are lint-clean and their EXAMPLES run.

load helper

bogus_long() {
	run --separate-stderr "$1" --bogus-option
	expect_status 2
	expect_eq "$output" "" "stdout"
	expect_eq "${stderr_lines[0]}" "$1: unrecognized option '--bogus-option'" "first stderr line"
	[[ $stderr == *"usage: $1"* ]] || flunk "no usage on stderr: $stderr"
}

bogus_short() {
	run --separate-stderr "$1" -Z
	expect_status 2
	expect_eq "$output" "" "stdout"
	expect_eq "${stderr_lines[0]}" "$1: invalid option -- 'Z'" "first stderr line"
	[[ $stderr == *"usage: $1"* ]] || flunk "no usage on stderr: $stderr"
}

help_ok() {
	local opt
	for opt in -h --help; do
		run --separate-stderr "$1" $opt
		expect_status 0
		expect_eq "$stderr" "" "stderr"
		[[ ${lines[0]} == "usage: $1 "* ]] || flunk "$opt: usage not on stdout: $output"
	done
}

@test "contract: tp-scan: bogus option" { bogus_long tp-scan; bogus_short tp-scan; }
@test "contract: tp-context: bogus option" { bogus_long tp-context; bogus_short tp-context; }
@test "contract: tp-transform: bogus option" { bogus_long tp-transform; bogus_short tp-transform; }
@test "contract: tp-split: bogus option" { bogus_long tp-split; bogus_short tp-split; }
@test "contract: tp-write: bogus option" { bogus_long tp-write; bogus_short tp-write; }
@test "contract: tp-run: bogus option" { bogus_long tp-run; bogus_short tp-run; }

@test "contract: a bogus option says PROGRAM:, not the path it was run by (tp-run runs \$bindir/tp-*)" {
	local t bad=
	for t in $TP_TOOLS; do
		run --separate-stderr "$(command -v "$t")" --bogus-option
		expect_status 2
		[[ ${stderr_lines[0]} == "$t: "* ]] || bad="$bad
${stderr_lines[0]}"
	done
	[ -z "$bad" ] || flunk "first stderr line does not start with 'PROGRAM: ':$bad"
}

@test "contract: tp-scan: -h" { help_ok tp-scan; }
@test "contract: tp-context: -h" { help_ok tp-context; }
@test "contract: tp-transform: -h" { help_ok tp-transform; }
@test "contract: tp-split: -h" { help_ok tp-split; }
@test "contract: tp-write: -h" { help_ok tp-write; }
@test "contract: tp-run: -h" { help_ok tp-run; }

# The usage text is the man page's SYNOPSIS (blanks normalized).
synopsis_is_usage() {
	command -v mandoc >/dev/null || skip "SKIP: mandoc not installed"
	local man use
	man=$(mandoc -Tascii -O width=300 "$TP_ROOT/man/$1.1" | col -b |
		sed -n '/^SYNOPSIS/,/^DESCRIPTION/p' | sed '1d;$d' | tr -s ' \t\n' '   ' | sed 's/^ //;s/ $//')
	use=$("$1" -h | sed 's/^usage: //' | tr -s ' \t\n' '   ' | sed 's/^ //;s/ $//')
	expect_eq "$use" "$man" "usage vs SYNOPSIS"
}

@test "contract: tp-scan: usage = man SYNOPSIS" { synopsis_is_usage tp-scan; }
@test "contract: tp-context: usage = man SYNOPSIS" { synopsis_is_usage tp-context; }
@test "contract: tp-transform: usage = man SYNOPSIS" { synopsis_is_usage tp-transform; }
@test "contract: tp-split: usage = man SYNOPSIS" { synopsis_is_usage tp-split; }
@test "contract: tp-write: usage = man SYNOPSIS" { synopsis_is_usage tp-write; }
@test "contract: tp-run: usage = man SYNOPSIS" { synopsis_is_usage tp-run; }

# --- full device --------------------------------------------------------------------

small_shard() {
	printf 'customerId,orderDate,v\na,2024-01-01,1\nb,2024-01-02,2\nc,2024-01-03,3\n' >part-00000.csv
}

small_context() {
	small_shard
	tp-scan -o s.sum part-00000.csv
	tp-context -q -c ctx s.sum
}

full_fails() { # PROGRAM CMD...: CMD with stdout on /dev/full exits 1 with a message
	local prog=$1 st=0
	shift
	"$@" >/dev/full 2>err || st=$?
	expect_eq "$st" 1 "exit status"
	grep -q "^$prog: .*No space left on device" err || flunk "stderr: $(cat err)"
}

@test "contract: tp-scan >/dev/full fails" {
	small_shard
	full_fails tp-scan tp-scan part-00000.csv
}

@test "contract: tp-transform >/dev/full fails" {
	small_context
	full_fails tp-transform tp-transform -c ctx part-00000.csv
}

@test "contract: tp-split >/dev/full fails" {
	small_context
	tp-transform -c ctx part-00000.csv >t.csv
	full_fails tp-split tp-split -c ctx t.csv
}

@test "contract: tp-run >/dev/full (its report) fails" {
	mkdir in
	small_shard
	mv part-00000.csv in/
	st=0
	tp-run in out >/dev/full 2>err || st=$?
	expect_eq "$st" 1 "exit status"
	grep -q "No space left on device" err || flunk "stderr: $(cat err)"
}

@test "contract: -h >/dev/full fails for every tool with its own message (checked close of stdout)" {
	local t st bad=
	for t in $TP_TOOLS; do
		st=0
		"$t" -h >/dev/full 2>err || st=$?
		[ "$st" -eq 1 ] && [ "$(cat err)" = "$t: write error: No space left on device" ] ||
			bad="$bad $t (status $st: $(cat err))"
	done
	[ -z "$bad" ] || flunk "usage lost on a full device without the tool's message:$bad"
}

@test "contract: unwritable outputs are exit 1 with a message (tp-context, tp-write, tp-scan -o)" {
	small_context
	tp-transform -c ctx part-00000.csv | tp-split -c ctx >sp.csv
	: >afile
	expect_err 1 "tp-context: afile/ctx: cannot create directory: Not a directory" \
		tp-context -q -c afile/ctx s.sum
	expect_err 1 "tp-write: afile/train: cannot create directory: Not a directory" tp-write afile sp.csv
	expect_err 1 "tp-scan: afile/x.sum: cannot create: Not a directory" tp-scan -o afile/x.sum part-00000.csv
}

# --- man pages ----------------------------------------------------------------------

@test "contract: man pages pass mandoc -Tlint -W warning" {
	command -v mandoc >/dev/null || skip "SKIP: mandoc not installed"
	local p n=0
	for p in "$TP_ROOT"/man/*.[157]; do
		mandoc -Tlint -W warning "$p" >&2 || flunk "$p: mandoc warnings (above)"
		n=$((n + 1))
	done
	expect_eq "$n" 9 "man pages"
}

@test "contract: every tool has a man page with SYNOPSIS, DESCRIPTION, EXIT STATUS, EXAMPLES" {
	local t s
	for t in $TP_TOOLS; do
		for s in SYNOPSIS DESCRIPTION "EXIT STATUS" EXAMPLES; do
			grep -q "^\.Sh $s\$" "$TP_ROOT/man/$t.1" || flunk "man/$t.1: no $s"
		done
	done
}

# man_blocks PAGE DIR: the literal blocks of the EXAMPLES section as DIR/ex.1, ex.2, ...
# with the "$ " prompts taken off and mdoc's \e made a backslash.
man_blocks() {
	mkdir -p "$2"
	awk -v dir="$2" '
		/^\.Sh EXAMPLES/ { e = 1; next }
		/^\.Sh/ { e = 0 }
		e && /^\.Bd -literal/ { b = 1; n++; next }
		e && /^\.Ed/ { b = 0; next }
		e && b { sub(/^\$ /, ""); gsub(/\\e/, "\\"); print > (dir "/ex." n) }
	' "$1"
}

# Flights-like shards (date,delay,distance,origin,destination) in DIR/in, plus what the
# examples name: part-00003.csv.gz, a headerless part-00003.csv and its signature.
example_data() {
	local dir=$1 i
	mkdir -p "$dir/in"
	for i in 0 1 2 3; do
		awk -v s=$i 'BEGIN {
			srand(7 + s); split("ATL ORD DFW LAX SEA", ap, " ")
			print "date,delay,distance,origin,destination"
			for (r = 0; r < 40; r++)
				printf "2001-01-%02d %02d:%02d:00,%d,%d,%s,%s\n", 1 + int(rand() * 28),
					int(rand() * 24), 5 * int(rand() * 12), int(rand() * 90) - 20,
					100 + int(rand() * 2000), ap[1 + int(rand() * 5)], ap[1 + int(rand() * 5)]
		}' | gzip >"$dir/in/part-0000$i.csv.gz"
	done
	cp "$dir/in/part-00003.csv.gz" "$dir/"
	gzip -dc "$dir/part-00003.csv.gz" | head -n 1 >"$dir/signature"
	gzip -dc "$dir/part-00003.csv.gz" | tail -n +2 >"$dir/part-00003.csv"
}

# run_block FILE: run one example block with bash -e -o pipefail in the current dir.
run_block() {
	HOME=$BATS_TEST_TMPDIR/home bash -e -o pipefail "$1" >/dev/null 2>"$1.err" ||
		flunk "example failed: $(cat "$1")" "stderr: $(cat "$1.err")"
}

@test "contract: every man page EXAMPLES block runs" {
	command -v parallel >/dev/null || skip "SKIP: GNU parallel not installed"
	mkdir -p home/.parallel
	touch home/.parallel/will-cite
	example_data base
	# a second base with pass 1 done, for the examples that start from a context
	cp -r base ctxbase
	(cd ctxbase && mkdir -p out/_tp/summaries out/_tp/reports &&
		for f in in/part-*; do tp-scan -l delay --split temporal:date -o "out/_tp/summaries/${f#in/}.sum" "$f"; done &&
		tp-context -q -c out/_tp/context -d out out/_tp/summaries/*.sum &&
		tp-transform -c out/_tp/context -n 3 <part-00003.csv.gz >3.csv)
	local p b n=0 from
	for p in "$TP_ROOT"/man/*.[157]; do
		man_blocks "$p" "blocks/${p##*/}"
		for b in "blocks/${p##*/}"/ex.*; do
			[ -f "$b" ] || continue
			from=ctxbase
			grep -q tp-run "$b" && from=base
			rm -rf work
			cp -r $from work
			(cd work && run_block "$BATS_TEST_TMPDIR/$b")
			n=$((n + 1))
		done
	done
	[ "$n" -ge 7 ] || flunk "only $n example blocks found"
}

@test "contract: tp.7 and tp-run.1 'by hand' examples write what tp-run writes" {
	command -v parallel >/dev/null || skip "SKIP: GNU parallel not installed"
	mkdir -p home/.parallel
	touch home/.parallel/will-cite
	example_data base
	man_blocks "$TP_ROOT/man/tp.7" tp7
	man_blocks "$TP_ROOT/man/tp-run.1" run1
	grep -q '^parallel' tp7/ex.1 || flunk "tp.7: the first example is not the by-hand one"
	grep -q '^parallel' run1/ex.4 || flunk "tp-run.1: the fourth example is not the by-hand one"
	cp -r base a
	cp -r base b
	cp -r base c
	(cd a && run_block ../tp7/ex.1)
	(cd b && run_block ../run1/ex.4)
	(cd c && tp-run -q -l delay --split temporal:date in out)
	expect_same_tree a/out c/out _tp
	expect_same_tree b/out c/out _tp
	[ "$(find c/out -name 'part-*.csv' | wc -l)" -ge 4 ] || flunk "too few files"
}

@test "contract: --version on every tool prints PROGRAM (tp) VERSION, one version set in lib/version.h; report, metadata.json and Parquet carry it" {
	local v t
	v=$(sed -n 's/^#define TP_VERSION "\(.*\)"$/\1/p' "$BATS_TEST_DIRNAME/../lib/version.h")
	[ -n "$v" ] || flunk "no TP_VERSION in lib/version.h"
	for t in $TP_TOOLS; do
		run --separate-stderr "$t" --version
		expect_status 0
		expect_eq "$output" "$t (tp) $v" "$t --version"
		expect_eq "$stderr" "" "$t --version: stderr"
		run bash -c '"$1" --version >/dev/full' _ "$t"
		expect_status 1
		[[ $output == "$t: "*"write error"* ]] || flunk "$t --version >/dev/full: $output"
	done
	tp-gen-orders -n 2 -r 50 -o in >/dev/null
	tp-run -q -f parquet --metadata-format json -l isFraud in out
	expect_eq "$(head -1 out/_tp/report.txt)" "version           tp $v" "report"
	grep -qx "  \"tp_version\": \"$v\"," out/metadata/metadata.json || flunk "metadata.json: $(head -3 out/metadata/metadata.json)"
	# created_by, as readers parse it: "NAME version X.Y.Z"
	local f
	f=$(find out -name '*.parquet' | head -1)
	grep -aq "tp version $v" "$f" || flunk "created_by of $f"
}
