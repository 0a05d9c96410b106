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
TP_TOOLS="tp-scan tp-context tp-transform tp-split tp-write tp-run tp-processing"

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

# --- tp's own file formats, read by field name (man/tp-formats.5) -------------------

# tp_formats: the records of tp-formats(5), one a line: FORMAT TAG FIELD..., from the
# page's tables, which comments mark ('.\" records: FORMAT' for a format with tags,
# '.\" fields: FORMAT' for one without, TAG "-"; '.\" tuple: stats' for the column
# statistics, spelled out here where a record has the field "stats"). A last FIELD
# "..." stands for more fields like the one before it.
tp_formats() {
	awk '
		/^\.\\" (tuple|records|fields) end$/ { mode = ""; next }
		/^\.\\" tuple: stats$/ { mode = "tuple"; next }
		/^\.\\" records: / { mode = "records"; fmt = $3; next }
		/^\.\\" fields: / { mode = "fields"; nr++; rfmt[nr] = $3; rec[nr] = "-"; next }
		mode == "tuple" && /^\.It Ar [^ ]+ Ta / { stats = stats " " $3 }
		mode == "fields" && /^\.It Ar [^ ]+ Ta / { rec[nr] = rec[nr] " " $3 }
		mode == "records" && /^\.It Li / {
			nr++; rfmt[nr] = fmt; rec[nr] = $3
			for (i = 4; i <= NF; i++) if ($i != "Ar") rec[nr] = rec[nr] " " $i
		}
		END {
			for (i = 1; i <= nr; i++) {
				r = rec[i] " "
				gsub(/ stats /, stats " ", r)
				print rfmt[i], substr(r, 1, length(r) - 1)
			}
		}' "$TP_ROOT/man/tp-formats.5"
}

# rec_field FORMAT FILE TAG [NAME=VALUE]... NAME...: the fields NAME of the records TAG
# of FILE ("-": the standard input), a file in FORMAT of tp-formats(5), tab-separated,
# one record a line; with NAME=VALUE, only the records whose field NAME is VALUE. A tag
# or a name the page does not give is an error (status 2, a message).
rec_field() {
	local fmt=$1 file=$2 tag=$3 names
	shift 3
	names=$(tp_formats | awk -v f="$fmt" -v t="$tag" '$1 == f && $2 == t { $1 = $2 = ""; print; exit }')
	if [ -z "$names" ]; then
		flunk "rec_field: no record '$tag' in the format '$fmt' of tp-formats(5)"
		return 2
	fi
	TP_REC_ARGS=$(printf '%s\n' "$@") awk -F'\t' -v tag="$tag" -v names="$names" '
		BEGIN {
			n = split(names, nm, " ")
			for (i = 1; i <= n; i++) ix[nm[i]] = i + 1
			na = split(ENVIRON["TP_REC_ARGS"], a, "\n")
			for (i = 1; i <= na; i++) {
				name = a[i]
				if ((e = index(name, "=")) > 0) {
					name = substr(a[i], 1, e - 1)
					want[name] = substr(a[i], e + 1)
				} else {
					out[++no] = name
				}
				if (!(name in ix)) {
					printf "rec_field: no field '\''%s'\'' in the record '\''%s'\'' of tp-formats(5)\n", name, tag >"/dev/stderr"
					exit 2
				}
			}
		}
		$1 == tag {
			for (k in want)
				if ($(ix[k]) != want[k]) next
			line = ""
			for (i = 1; i <= no; i++) line = line (i > 1 ? "\t" : "") $(ix[out[i]])
			print line
		}' "$file"
}

# ctx_field CTXDIR TAG [NAME=VALUE]... NAME...: rec_field of the context file of CTXDIR.
ctx_field() {
	rec_field context "$1/context" "${@:2}"
}

# sum_field FILE TAG [NAME=VALUE]... NAME...: rec_field of a partial summary.
sum_field() {
	rec_field summary "$@"
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
