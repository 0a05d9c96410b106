# Shared setup for the tp bats suite (load it with `load helper`).
#
# Every test runs in its own empty directory ($BATS_TEST_TMPDIR, removed by bats), with
# LC_ALL=C and the freshly built bin/ first on PATH. With TP_VALGRIND=1 the C tools run
# under valgrind (a definite leak or a memory error fails the test: exit 99); tp-run is
# copied next to the wrappers so that it runs them too.
#
# `set -u` is not turned on: bats' own code reads unset variables in places. The test
# bodies run under bats' errexit, so any failing command fails the test.

bats_require_minimum_version 1.5.0

export LC_ALL=C
unset LABEL_FIELD TRAIN_RATIO TEST_VAL_RATIO OUTPUT_FORMAT MAX_WORKERS

TP_ROOT=$(cd "$BATS_TEST_DIRNAME/.." && pwd)
[ -f "$TP_ROOT/Makefile" ] || TP_ROOT=$(cd "$TP_ROOT/.." && pwd) # tests/slow/
TP_BIN=$TP_ROOT/bin
TP_TOOLS="tp-scan tp-context tp-transform tp-split tp-write tp-run"

# Wrappers that run each C tool under valgrind, made once per bats run.
tp_valgrind_bin() {
	local dir=$BATS_RUN_TMPDIR/valgrind-bin t
	if mkdir "$dir.lock" 2>/dev/null; then
		mkdir -p "$dir.new"
		for t in tp-scan tp-context tp-transform tp-split tp-write; do
			printf '#!/bin/sh\nexec valgrind -q --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite "%s" "$@"\n' \
				"$TP_BIN/$t" >"$dir.new/$t"
			chmod +x "$dir.new/$t"
		done
		cp "$TP_BIN/tp-run" "$dir.new/tp-run"
		ln -s "$TP_BIN/tp-gen-orders" "$dir.new/tp-gen-orders"
		mv "$dir.new" "$dir"
	fi
	while [ ! -d "$dir" ]; do sleep 0.1; done
	printf '%s\n' "$dir"
}

if [ "${TP_VALGRIND:-0}" = 1 ]; then
	PATH="$(tp_valgrind_bin):$PATH"
else
	PATH="$TP_BIN:$PATH"
fi
export PATH

setup() {
	local t
	for t in $TP_TOOLS tp-gen-orders; do
		[ -x "$TP_BIN/$t" ] || {
			echo "bin/$t is missing: run make first" >&2
			return 1
		}
	done
	cd "$BATS_TEST_TMPDIR"
}

# --- assertions ---------------------------------------------------------------------

flunk() {
	printf '%s\n' "$@" >&2
	return 1
}

# expect_status N: the last `run` exited with N.
expect_status() {
	[ "$status" -eq "$1" ] ||
		flunk "expected exit status $1, got $status" "stdout: $output" "stderr: ${stderr-}"
}

# expect_eq ACTUAL EXPECTED [WHAT]
expect_eq() {
	[ "$1" = "$2" ] || flunk "${3:-value} differs" "expected: [$2]" "actual:   [$1]"
}

# expect_file FILE < expected: FILE holds exactly the bytes of the standard input.
expect_file() {
	[ -f "$1" ] || flunk "$1: no such file"
	diff -u - "$1" >&2 || flunk "$1: content differs from the expected (diff above)"
}

# expect_no_file PATH...: none of the paths exist.
expect_no_file() {
	local p
	for p; do
		[ ! -e "$p" ] || flunk "$p exists but should not"
	done
}

# expect_err STATUS STDERR CMD...: CMD exits with STATUS, prints exactly the line STDERR
# on the standard error (byte for byte: bats' run would trim trailing blanks) and
# nothing on the standard output.
expect_err() {
	local want=$1 msg=$2 st=0 o=$BATS_TEST_TMPDIR.out e=$BATS_TEST_TMPDIR.err
	shift 2
	"$@" >"$o" 2>"$e" || st=$?
	[ "$st" -eq "$want" ] ||
		flunk "expected exit status $want, got $st" "stdout: $(cat "$o")" "stderr: $(cat "$e")"
	printf '%s\n' "$msg" | cmp -s - "$e" ||
		flunk "stderr differs" "expected: [$msg]" "actual:   [$(cat -A "$e")]"
	[ ! -s "$o" ] || flunk "stdout not empty: $(cat "$o")"
}

# expect_usage_err PATTERN CMD...: exit 2, stdout empty, first stderr line matches the
# extended regular expression PATTERN, and the usage follows on stderr.
expect_usage_err() {
	local pat=$1
	shift
	run --separate-stderr "$@"
	expect_status 2
	expect_eq "$output" "" "stdout"
	[[ ${stderr_lines[0]} =~ $pat ]] || flunk "stderr does not match /$pat/: $stderr"
	[[ $stderr == *usage:* ]] || flunk "no usage on stderr: $stderr"
}

# expect_same_tree A B [EXCLUDED-NAME...]: diff -r, byte for byte.
expect_same_tree() {
	local a=$1 b=$2 x=()
	shift 2
	for n; do x+=(-x "$n"); done
	diff -r "${x[@]}" "$a" "$b" >&2 || flunk "trees $a and $b differ (diff above)"
}

# --- data helpers -------------------------------------------------------------------

# gen_orders DIR [tp-gen-orders options]: synthetic order shards in DIR.
gen_orders() {
	local dir=$1
	shift
	tp-gen-orders "$@" -o "$dir" >/dev/null
}

# shared_data: sets SHARED_DATA to ../shared/data next to the repository, or skips the
# test with a visible message. Call it plainly (not in $(...)), skip needs this shell.
shared_data() {
	SHARED_DATA=$TP_ROOT/../shared/data
	if [ ! -d "$SHARED_DATA" ]; then
		skip "SKIP: ../shared/data absent"
	fi
	SHARED_DATA=$(cd "$SHARED_DATA" && pwd)
}

# body FILE...: the data lines (header dropped) of each file, gzip or not.
body() {
	local f
	for f; do
		gzip -dcf "$f" | tail -n +2
	done
}

# ctx_rec CTXDIR TAG: the records of the context file with that tag.
ctx_rec() {
	awk -F'\t' -v t="$2" '$1 == t' "$1/context"
}

# --- DuckDB, the peer tp's output is checked against ------------------------------

# duck_require: install DuckDB's Node.js client once (tests/duckdb/install.sh), or skip
# the test, visibly, when npm cannot install it.
duck_require() {
	local why
	why=$("$TP_ROOT/tests/duckdb/install.sh" 2>&1) || skip "DuckDB is not available: $why"
}

# duck SQL...: run the statements with DuckDB; the last one's rows as CSV on stdout.
duck() {
	NODE_PATH=$TP_ROOT/build/duckdb/node_modules node "$TP_ROOT/tests/duckdb/duck.js" "$@"
}
