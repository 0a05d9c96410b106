#!/usr/bin/env bash
# make bench: throughput and memory of the tp tools against a floor, and tp against
# DuckDB on the same jobs. The floor is tests/bench/csvtok.c: the same input path (zlib
# gzread, 256 KiB buffer) and the same tokenizer (libcsv) as tp, with no work done on the
# fields. It prints figures only, never pass/fail, and exits 0 unless a command fails or
# two runs that must produce the same output tree do not. Every figure says what it
# measures and over how many runs; "best of N" is the smallest of N runs.
#
# Sections (BENCH_ONLY picks some of them; the default is all):
#   stages      1-5: the orders (BENCH_SHARDS x BENCH_ROWS, 29 columns), every tp stage
#               timed per process with GNU time (elapsed seconds, peak RSS), serially,
#               best of BENCH_REPEAT; then tp-run end to end with -j 1 and -j $(nproc).
#   modes       6: each split mode through tp-run, and tp-split alone, best of BENCH_REPEAT.
#   keys        7: tp-context on BENCH_KEYS distinct dedup keys, 1 run.
#   parquet     8: Parquet in and out, beside DuckDB.
#   transforms  9: fitted transforms, beside sklearn.
#   jobs        10: issue 10's jobs (tests/bench/jobs.sh): A (orders, 8 x 100,000 rows,
#               29 columns), B (../shared/data/flights-3m), W (orders, 4 x 25,000 rows,
#               809 columns), each with tp-run and with DuckDB alternately, BENCH_REPEAT
#               times: medians, the floor (csvtok over every shard, BENCH_PAR at a
#               time), the phases by hand, the ratios and each tp filter's peak RSS;
#               and the growth jobs A1, A10 and S (tp-run, BENCH_GROWTH_REPEAT runs).
#               A full run of this section took 8 minutes on 2 cores (others at work).
#   json        11: JSON in (issue 9): BENCH_JSON_SHARDS x BENCH_JSON_ROWS nested orders
#               as gzip JSON Lines (examples/tp-gen-json.c): pass 1 (tp-scan, serial) and
#               tp-run end to end (dedup on customer.id, temporal split on placed.date,
#               label labels.isFraud), MB/s of the JSON text, rows/s, peak RSS, beside
#               DuckDB's read_json of the same files; then tp-scan's peak RSS over one
#               document, an array of at least BENCH_JSON_ARRAY_MB MB.
# Stages, modes, parquet and transforms share the orders of sections 1-5 and the serial
# csvtok baseline of section 1 (run when any of them is).
#
# Environment:
#   BENCH_ONLY           sections to run, comma- or space-separated (e.g. BENCH_ONLY=jobs)
#   BENCH_SHARDS         shards of the orders of sections 1-9 (default 8)
#   BENCH_ROWS           rows per shard of those orders (default 100000)
#   BENCH_REPEAT         runs of each measure that is repeated (default 3)
#   BENCH_KEYS           distinct keys of section 7 (default 5000000)
#   BENCH_JOBS           the jobs of section 10 (default "A B W A1 A10 S"; also W5)
#   BENCH_W5=1           adds job W5 (W at 4 x 125,000 rows, 2.7 GB; minutes)
#   BENCH_SCALE          divides the rows per shard of every job of section 10 (default 1;
#                        job B then takes the first rows of every shard), for quick runs
#   BENCH_S_ROWS         rows per shard of job S (default 1000; its shards hold A1's rows)
#   BENCH_PAR            shards at a time in section 10 (tp-run -j, xargs -P; default 2,
#                        DuckDB's threads)
#   BENCH_JSON_SHARDS    shards of section 11 (default 8)
#   BENCH_JSON_ROWS      orders per shard of section 11 (default 100000)
#   BENCH_JSON_ARRAY_MB  the one-document array of section 11, MB (default 1024; 0: left out)
#   BENCH_GROWTH_REPEAT  runs of each growth job (default 1)
#   BENCH_GROWTH_DUCK    growth jobs DuckDB runs too (default "A10"; "" for none)
#   TMPDIR               where the workspace goes (default /tmp)
# For a quick run: BENCH_ONLY=jobs BENCH_SCALE=1000 BENCH_S_ROWS=10 BENCH_REPEAT=1.
set -euo pipefail
export LC_ALL=C

cd "$(dirname "$0")/.."
repo=$PWD
bin=$repo/bin
# shellcheck source=tests/bench/lib.sh
. "$repo/tests/bench/lib.sh"
shards=${BENCH_SHARDS:-8}
rows=${BENCH_ROWS:-100000}
repeat=${BENCH_REPEAT:-3}
jobs=$(nproc)
for v in shards rows repeat; do
	[[ ${!v} =~ ^[1-9][0-9]*$ ]] || { echo "bench: $v: not a positive integer: '${!v}'" >&2; exit 2; }
done
sections=(stages modes keys parquet transforms jobs json)
declare -A want=()
if [ -n "${BENCH_ONLY:-}" ]; then
	for s in ${BENCH_ONLY//,/ }; do
		[[ " ${sections[*]} " == *" $s "* ]] ||
			{ echo "bench: BENCH_ONLY: unknown section '$s' (${sections[*]})" >&2; exit 2; }
		want[$s]=1
	done
else
	for s in "${sections[@]}"; do want[$s]=1; done
fi
wants() { [ -n "${want[$1]:-}" ]; } # SECTION: it is to be run
[ -x /usr/bin/time ] || { echo "bench: /usr/bin/time (GNU time) is required" >&2; exit 1; }
for t in tp-scan tp-context tp-transform tp-split tp-write tp-run tp-gen-orders tp-gen-json; do
	[ -x "$bin/$t" ] || { echo "bench: $bin/$t: not built (run make all)" >&2; exit 1; }
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/tp-bench.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
m=$tmp/measure # one file per stage and repeat: lines "elapsed-seconds peak-rss-KiB"
mkdir -p "$m" "$tmp/bin"
# Measure a snapshot of the tools, so that a rebuild during the run cannot pull a binary
# from under it (tp-run finds the filters beside itself).
cp "$bin"/tp-* "$tmp/bin/"
bin=$tmp/bin
bench_start=$(date +%s.%N)

cc -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Werror \
	-o "$tmp/csvtok" tests/bench/csvtok.c -lcsv -lz

# DuckDB, for sections 8 and 10: left out, with a note, when npm cannot install it.
duck_ok=0
if { wants parquet || wants jobs || wants json; } && "$repo/tests/duckdb/install.sh" >/dev/null 2>&1; then duck_ok=1; fi

best_sum() { # STAGE: the smallest over repeats of the summed elapsed time
	local r
	for r in $(seq "$repeat"); do sum_time "$m/$1.$r"; done | best
}
# MB/s of BYTES (default: the orders' bytes) in T seconds. GNU time counts in hundredths
# of a second: a stage that took less has no rate.
mbps() { awk -v b="${2:-$inbytes}" -v t="$1" 'BEGIN { if (t <= 0) print "-"; else printf "%.1f", b / t / 1e6 }'; }
row() { printf '%-34s %8s %9s %8s %10s\n' "$@"; }

# The orders of sections 1-9 and the serial csvtok baseline over them (section 1).
if wants stages || wants modes || wants parquet || wants transforms; then
	"$bin/tp-gen-orders" -n "$shards" -r "$rows" -x 20 -o "$tmp/in"
	files=()
	while IFS= read -r -d '' f; do files+=("$f"); done < <(find "$tmp/in" -type f -print0 | sort -z)
	[ "${#files[@]}" -gt 0 ] || { echo "bench: the generator wrote no shards" >&2; exit 1; }
	inbytes=$(stat -c %s "${files[@]}" | awk '{ s += $1 } END { print s + 0 }')
	ncols=$(head -1 "${files[0]}" | tr ',' '\n' | wc -l)

	# 1. Baseline.
	for r in $(seq "$repeat"); do
		: >"$m/base.$r"
		for f in "${files[@]}"; do timed "$m/base.$r" "$tmp/csvtok" "$f" >"$tmp/csvtok.out"; done
	done
	nrows=0
	for f in "${files[@]}"; do
		read -r rr _ < <("$tmp/csvtok" "$f")
		nrows=$((nrows + rr - 1))
	done
	t_base=$(best_sum base)
	mb_base=$(mbps "$t_base")
	printf 'tp bench: %d shards, %d rows, %d columns, %.1f MB of CSV (tp-gen-orders -x 20); %d cores\n' \
		"${#files[@]}" "$nrows" "$ncols" "$(awk -v b="$inbytes" 'BEGIN { print b / 1e6 }')" "$jobs"
	wants stages ||
		printf '1 baseline csvtok, serial, best of %d: %s s, %s MB/s, %s MiB RSS ("vs base" below is against it)\n' \
			"$repeat" "$t_base" "$mb_base" "$(mib "$(max_rss "$m"/base.*)")"
fi

# 1-5: every stage, serially, best of the repeats; tp-run end to end.
section_stages() {
	local r f n d j t mb
	# 2. Pass 1: tp-scan, one process per shard.
	mkdir -p "$tmp/sum"
	for r in $(seq "$repeat"); do
		: >"$m/scan.$r"
		for f in "${files[@]}"; do
			n=$(shard_no "$f")
			timed "$m/scan.$r" "$bin/tp-scan" -q --label isFraud -n "$n" -o "$tmp/sum/part-$n.sum" "$f"
		done
	done

	# 3. tp-context on the summaries.
	for r in $(seq "$repeat"); do
		rm -rf "$tmp/ctx" "$tmp/p2"
		: >"$m/context.$r"
		timed "$m/context.$r" "$bin/tp-context" -q -c "$tmp/ctx" -d "$tmp/p2" "$tmp"/sum/*.sum
	done

	# 4. Pass 2: one tp-transform | tp-split | tp-write pipeline per shard. The pipeline is
	# timed as a whole; each process is wrapped too, for its own peak RSS.
	# shellcheck disable=SC2016
	local pipeline='set -o pipefail
b=$1 ctx=$2 n=$3 f=$4 out=$5 m=$6 r=$7
t() { local o=$1; shift; /usr/bin/time -f "%e %M" -a -o "$o" "$@"; }
t "$m/transform.$r" "$b/tp-transform" -c "$ctx" -n "$n" --stream "$f" |
	t "$m/split.$r" "$b/tp-split" -c "$ctx" |
	t "$m/write.$r" "$b/tp-write" -c "$ctx" -n "$n" "$out"'
	local p2digest=
	for r in $(seq "$repeat"); do
		rm -rf "$tmp/p2"/{train,val,test}
		: >"$m/pipe.$r"
		: >"$m/transform.$r"
		: >"$m/split.$r"
		: >"$m/write.$r"
		for f in "${files[@]}"; do
			n=$(shard_no "$f")
			timed "$m/pipe.$r" bash -c "$pipeline" tp-bench "$bin" "$tmp/ctx" "$n" "$f" "$tmp/p2" "$m" "$r"
		done
		d=$(tree_digest "$tmp/p2")
		[ -z "$p2digest" ] || [ "$d" = "$p2digest" ] || fail_determinism "pass 2 run $r differs from run 1"
		p2digest=$d
	done

	# 5. tp-run end to end, -j 1 and -j $(nproc).
	local -A rundigest=()
	local runs=(1)
	[ "$jobs" -eq 1 ] || runs+=("$jobs")
	for j in "${runs[@]}"; do
		for r in $(seq "$repeat"); do
			: >"$m/run$j.$r"
			timed "$m/run$j.$r" "$bin/tp-run" --force -q --label isFraud -j "$j" "$tmp/in" "$tmp/out$j"
			d=$(tree_digest "$tmp/out$j")
			[ -z "${rundigest[$j]:-}" ] || [ "$d" = "${rundigest[$j]}" ] ||
				fail_determinism "tp-run -j $j: run $r differs from run 1"
			rundigest[$j]=$d
		done
	done
	diff -r -x report.txt "$tmp/out1" "$tmp/out$jobs" >&2 ||
		fail_determinism "tp-run -j 1 and -j $jobs output trees differ"
	diff -r -x _tp "$tmp/p2" "$tmp/out1" >&2 ||
		fail_determinism "the hand-run pass 2 and tp-run -j 1 output trees differ"

	# The table.
	local t_scan t_ctx t_pipe rss_scan rss_ctx rss_tr rss_sp rss_wr rss_max
	t_scan=$(best_sum scan)
	t_ctx=$(best_sum context)
	t_pipe=$(best_sum pipe)
	rss_scan=$(max_rss "$m"/scan.*)
	rss_ctx=$(max_rss "$m"/context.*)
	rss_tr=$(max_rss "$m"/transform.*)
	rss_sp=$(max_rss "$m"/split.*)
	rss_wr=$(max_rss "$m"/write.*)
	rss_max=$(printf '%s\n' "$rss_scan" "$rss_ctx" "$rss_tr" "$rss_sp" "$rss_wr" | sort -g | tail -1)

	printf '1-5: every stage serially (summed over the shards), best of %d; RSS the largest process of each\n' "$repeat"
	row stage "time s" "MB/s" "vs base" "RSS MiB"
	row "1 baseline csvtok, serial" "$t_base" "$mb_base" "$(ratio "$mb_base" "$mb_base")" "$(mib "$(max_rss "$m"/base.*)")"
	mb=$(mbps "$t_scan")
	row "2 tp-scan, serial" "$t_scan" "$mb" "$(ratio "$mb" "$mb_base")" "$(mib "$rss_scan")"
	row "3 tp-context, ${#files[@]} summaries" "$t_ctx" - - "$(mib "$rss_ctx")"
	mb=$(mbps "$t_pipe")
	row "4 pass 2 pipeline, serial" "$t_pipe" "$mb" "$(ratio "$mb" "$mb_base")" -
	row "    tp-transform" - - - "$(mib "$rss_tr")"
	row "    tp-split" - - - "$(mib "$rss_sp")"
	row "    tp-write" - - - "$(mib "$rss_wr")"
	for j in "${runs[@]}"; do
		t=$(best_sum "run$j")
		mb=$(mbps "$t")
		row "5 tp-run -j $j" "$t" "$mb" "$(ratio "$mb" "$mb_base")" "(2-4)"
	done
	echo "(tp-context's RSS is the largest of tp-context and the sort it starts.) tp-run's tp processes"
	echo "are the ones measured in 2-4; its largest single process of any kind (GNU parallel's perl"
	echo "included) peaked at $(mib "$(max_rss "$m"/run*.*)") MiB"
	echo "determinism: identical"
	printf 'max tp process RSS: %s MiB (target 64 MiB)\n' "$(mib "$rss_max")"
}

# 6. Split modes (issue 3): tp-run -j $(nproc) end to end, once per mode (best of the
# repeats), with the peak RSS of the largest single process of its tree (GNU parallel's
# perl included; GNU time's %M of tp-run, not the tree's sum), and tp-split alone over
# the transformed shards (serial, best of the repeats) for its own rate over the bytes it
# reads, and its RSS.
section_modes() {
	local mode name r t mb ctx f n xbytes modes
	echo
	row "6 split mode (tp-run -j $jobs)" "time s" "MB/s" "vs base" "max proc MiB"
	modes=(temporal:orderDate random stratified group:customerId hash:customerId)
	for mode in "${modes[@]}"; do
		name=${mode%%:*}
		for r in $(seq "$repeat"); do
			: >"$m/mode-$name.$r"
			timed "$m/mode-$name.$r" "$bin/tp-run" -q --force -j "$jobs" --label isFraud \
				--split "$mode" "$tmp/in" "$tmp/mode-$name" >/dev/null
		done
		t=$(best_sum "mode-$name")
		mb=$(mbps "$t")
		row "    $mode" "$t" "$mb" "$(ratio "$mb" "$mb_base")" "$(mib "$(max_rss "$m"/mode-"$name".*)")"
	done
	echo "  (best of $repeat; MB/s and vs base over the input's bytes; max proc: the largest single process)"
	row "6 tp-split alone, serial" "time s" "MB/s read" "vs base" "RSS MiB"
	for mode in "${modes[@]}"; do
		name=${mode%%:*}
		ctx=$tmp/mode-$name/_tp/context
		mkdir -p "$tmp/x"
		for f in "${files[@]}"; do
			n=$(shard_no "$f")
			"$bin/tp-transform" -c "$ctx" -n "$n" "$f" >"$tmp/x/$n.csv"
		done
		xbytes=$(cat "$tmp"/x/*.csv | wc -c)
		for r in $(seq "$repeat"); do
			: >"$m/split-$name.$r"
			for f in "${files[@]}"; do
				n=$(shard_no "$f")
				timed "$m/split-$name.$r" "$bin/tp-split" -c "$ctx" -n "$n" "$tmp/x/$n.csv" >/dev/null
			done
		done
		t=$(best_sum "split-$name")
		mb=$(mbps "$t" "$xbytes")
		row "    $mode ($(mbytes "$xbytes") MB)" "$t" "$mb" "$(ratio "$mb" "$mb_base")" "$(mib "$(max_rss "$m"/split-"$name".*)")"
		rm -rf "$tmp/x"
	done
	echo "  (best of $repeat; MB/s over the bytes tp-split reads: tp-transform's output, its MB in brackets)"
}

# 7. tp-context on the large-key case: BENCH_KEYS distinct dedup keys (default
# 5,000,000) in 10 shards, sorted by GNU sort under -m 64M; 1 run. Its RSS is the largest
# of tp-context and the sort it starts (GNU time's %M), not their sum.
section_keys() {
	local keys per s f sumbytes t
	keys=${BENCH_KEYS:-5000000}
	[[ $keys =~ ^[1-9][0-9]*$ ]] || { echo "bench: BENCH_KEYS: not a positive integer: '$keys'" >&2; exit 2; }
	per=$((keys / 10))
	mkdir -p "$tmp/keys" "$tmp/ksum"
	for ((s = 0; s < 10; s++)); do
		awk -v s="$s" -v n="$per" -v k="$keys" 'BEGIN {
			print "customerId,orderDate,isFraud"
			for (i = 0; i < n; i++)
				printf "K%09d,2025-%02d-%02d %02d:%02d:00,%d\n", (i * 7919 + s * n) % k,
					1 + (i * 13) % 12, 1 + (i * 7) % 28, (i * 5) % 24, (i * 11) % 60, (i % 10 == 0)
		}' >"$tmp/keys/part-$(printf %05d "$s").csv"
	done
	: >"$m/kscan"
	for f in "$tmp"/keys/part-*; do
		timed "$m/kscan" "$bin/tp-scan" -l isFraud -o "$tmp/ksum/${f##*/}.sum" "$f"
	done
	sumbytes=$(cat "$tmp"/ksum/*.sum | wc -c)
	: >"$m/kctx"
	timed "$m/kctx" "$bin/tp-context" -q -m 64M -c "$tmp/kctx" "$tmp"/ksum/*.sum
	t=$(sum_time "$m/kctx")
	echo
	printf '7 tp-context, %d distinct keys (-m 64M), 1 run: %s s, %s MB/s of summaries, %s keys/s, %s MiB RSS (the largest of tp-context and its sort)\n' \
		"$keys" "$t" "$(awk -v b="$sumbytes" -v t="$t" 'BEGIN { if (t <= 0) print "-"; else printf "%.1f", b / t / 1e6 }')" \
		"$(awk -v k="$keys" -v t="$t" 'BEGIN { if (t <= 0) print "-"; else printf "%.0f", k / t }')" "$(mib "$(max_rss "$m/kctx")")"
	printf '  tp-scan of its shards, serial, 1 run: %s s, %s MiB max RSS\n' "$(sum_time "$m/kscan")" "$(mib "$(max_rss "$m/kscan")")"
	rm -rf "$tmp/keys" "$tmp/ksum" "$tmp/kctx"
}

duck_time() { # SQL...: seconds DuckDB took (its statements only, DUCK_TIME), or "-"
	[ "$duck_ok" = 1 ] || { echo -; return; }
	NODE_PATH=$repo/build/duckdb/node_modules DUCK_TIME=$tmp/duck.t node "$repo/tests/duckdb/duck.js" "$@" >/dev/null
	cat "$tmp/duck.t"
}
best_duck() { local r; for r in $(seq "$repeat"); do duck_time "$@"; done | best; }
# Wrappers that time every tool tp-run starts (tp-run finds its filters beside itself),
# for sections 8 and 9.
pq_bin() {
	local t
	mkdir -p "$tmp/pqbin"
	cp "$bin/tp-run" "$tmp/pqbin/"
	for t in tp-scan tp-context tp-transform tp-split tp-write; do
		# shellcheck disable=SC2016 # $TP_BENCH_RUN and $@ are the wrapper's
		printf '#!/bin/sh\nexec /usr/bin/time -f "%%e %%M" -a -o "%s/pq-%s.$TP_BENCH_RUN" "%s/%s" "$@"\n' \
			"$m" "$t" "$bin" "$t" >"$tmp/pqbin/$t"
		chmod +x "$tmp/pqbin/$t"
	done
}
pq_run() { # NAME tp-run-ARGS...: the repeats, each tool's time and RSS in measure files
	local name=$1 r
	shift
	for r in $(seq "$repeat"); do
		: >"$m/pqrun-$name.$r"
		TP_BENCH_RUN=$name.$r timed "$m/pqrun-$name.$r" "$tmp/pqbin/tp-run" -q --force -j "$jobs" "$@"
	done
}
pq_tools() { # NAME: per tool, the best over the repeats of its summed time, and its largest RSS
	local name=$1 t r
	echo "      (per tool: the elapsed seconds of its processes summed, best of $repeat: not additive, the stages"
	echo "      of a pass 2 pipeline run at once and wait on each other; and its largest process's peak RSS)"
	for t in tp-scan tp-context tp-transform tp-split tp-write; do
		printf '      %-12s %6s s %7s MiB RSS\n' "$t" \
			"$(for r in $(seq "$repeat"); do sum_time "$m/pq-$t.$name.$r"; done | best)" \
			"$(mib "$(max_rss "$m"/pq-"$t"."$name".*)")"
	done
}

# 8. Parquet (issue 8). tp-scan over the flights Parquet file (Polars, ZSTD, 3,000,000
# rows, when ../shared/data is there) beside DuckDB reading the same file into a table;
# tp-run end to end Parquet -> Parquet (the flights job) and CSV -> Parquet (the orders
# of sections 1-5), each tool wrapped to give its own summed time and peak RSS, beside
# DuckDB's copy of the same CSV to Parquet. Best of BENCH_REPEAT. DuckDB's figures here
# are its statements' time (2 threads, its start not counted); they are left out, with
# a note, when npm cannot install it.
section_parquet() {
	local flights fpq fbytes r t rows_f td
	echo
	flights=$repo/../shared/data/flights-3m-parquet
	if [ -d "$flights" ]; then
		fpq=$(find "$flights" -name '*.parquet' | sort | head -1)
		fbytes=$(stat -c %s "$fpq")
		: >"$m/pqscan"
		for r in $(seq "$repeat"); do timed "$m/pqscan" "$bin/tp-scan" -q -o /dev/null "$fpq"; done
		t=$(sort -g "$m/pqscan" | head -1 | cut -d' ' -f1)
		rows_f=$("$bin/tp-scan" -o - "$fpq" | awk -F'\t' '$1 == "rows" { print $2 }')
		td=$(best_duck "CREATE TABLE t AS SELECT * FROM read_parquet('$fpq')")
		printf '8 Parquet, best of %d: tp-scan of %s (%.1f MB, %d rows): %s s, %s MB/s, %s rows/s, %s MiB RSS; DuckDB reads it into a table in %s s (tp/DuckDB %s)\n' \
			"$repeat" "${fpq#"$repo"/../}" "$(awk -v b="$fbytes" 'BEGIN { print b / 1e6 }')" "$rows_f" "$t" \
			"$(awk -v b="$fbytes" -v t="$t" 'BEGIN { if (t <= 0) print "-"; else printf "%.1f", b / t / 1e6 }')" \
			"$(awk -v n="$rows_f" -v t="$t" 'BEGIN { if (t <= 0) print "-"; else printf "%.0f", n / t }')" "$(mib "$(max_rss "$m/pqscan")")" \
			"$td" "$(ratio "$t" "$td")"
		pq_run flights -f parquet --split temporal:date --label delay --no-dedup "$flights" "$tmp/pq-flights"
		printf '  tp-run -j %d, flights Parquet -> Parquet: %s s, largest process %s MiB\n' "$jobs" \
			"$(best_sum pqrun-flights)" "$(mib "$(max_rss "$m"/pqrun-flights.*)")"
		pq_tools flights
	else
		echo "8 Parquet: ../shared/data/flights-3m-parquet is not there: the Parquet scan is not measured"
	fi
	pq_run orders -f parquet --label isFraud "$tmp/in" "$tmp/pq-orders"
	td=$(best_duck "COPY (SELECT * FROM read_csv('$tmp/in/*.csv')) TO '$tmp/duck-orders.parquet' (FORMAT parquet)")
	t=$(best_sum pqrun-orders)
	printf '  tp-run -j %d, orders CSV -> Parquet (%.1f MB): %s s, largest process %s MiB; DuckDB copies the CSV to Parquet in %s s (tp/DuckDB %s)\n' \
		"$jobs" "$(awk -v b="$inbytes" 'BEGIN { print b / 1e6 }')" "$t" "$(mib "$(max_rss "$m"/pqrun-orders.*)")" "$td" "$(ratio "$t" "$td")"
	pq_tools orders
	[ "$duck_ok" = 1 ] || echo "  (DuckDB figures left out: npm could not install @duckdb/node-api)"
	rm -rf "$tmp/pq-flights" "$tmp/pq-orders" "$tmp/duck-orders.parquet"
}

# 9. Fitted transforms (issue 11), on the orders of sections 1-5: zscore on every numeric
# column, vocab on every string column, bucketize on two numeric columns, fitted on the
# train split of the temporal split. tp-run with them against the same job without
# (the fit pass's cost), best of BENCH_REPEAT, and against sklearn's fit + transform of
# the same columns on the same train rows (tests/bench/sklearn_job.py, Debian's
# python3-sklearn; 1 run, as it is slow; left out with a note without it).
section_transforms() {
	local roles name type c tp_plain tp_tf sk sk_read sk_fit sk_all sk_rss
	local zc=() vc=() bc=() tf=()
	echo
	"$bin/tp-scan" -o "$tmp/t9.sum" "${files[0]}"
	"$bin/tp-context" -q -c "$tmp/t9ctx" "$tmp/t9.sum"
	roles=" isFraud customerId orderDate "
	# the columns by their names in the data (in records) and their types (out records)
	while IFS=$'\t' read -r name type; do
		[[ $roles != *" $name "* ]] || continue
		case $type in
		int64 | float64) if [ ${#bc[@]} -lt 2 ]; then bc+=("$name"); else zc+=("$name"); fi ;;
		object) vc+=("$name") ;;
		esac
	done < <(awk -F'\t' '$1 == "in" { name[++n] = $2 } $1 == "out" && ++k <= n { print name[k] "\t" $3 }' "$tmp/t9ctx/context")
	rm -rf "$tmp/t9ctx" "$tmp/t9.sum"
	for c in "${zc[@]}"; do tf+=(--transform "zscore:$c"); done
	for c in "${vc[@]}"; do tf+=(--transform "vocab:$c"); done
	for c in "${bc[@]}"; do tf+=(--transform "bucketize:$c:buckets=10"); done
	pq_run plain --label isFraud "$tmp/in" "$tmp/t9-plain"
	pq_run tf --label isFraud "${tf[@]}" "$tmp/in" "$tmp/t9-tf"
	tp_plain=$(best_sum pqrun-plain) tp_tf=$(best_sum pqrun-tf)
	printf '9 transforms: %d zscore, %d vocab, %d bucketize on the orders (%.1f MB), best of %d: tp-run -j %d %s s, without them %s s (%s)\n' \
		"${#zc[@]}" "${#vc[@]}" "${#bc[@]}" "$(awk -v b="$inbytes" 'BEGIN { print b / 1e6 }')" "$repeat" "$jobs" \
		"$tp_tf" "$tp_plain" "$(ratio "$tp_tf" "$tp_plain")"
	pq_tools tf
	if /usr/bin/python3 -c 'import sklearn' 2>/dev/null; then
		join_c() { local IFS=,; echo "$*"; }
		sk=$(/usr/bin/time -f "%e %M" -o "$m/sklearn" /usr/bin/python3 "$repo/tests/bench/sklearn_job.py" orderDate \
			"$(join_c "${zc[@]}")" "$(join_c "${vc[@]}")" "$(join_c "${bc[@]}")" 10 "${files[@]}")
		read -r _ sk_read _ sk_fit _ _ <<<"$sk"
		read -r sk_all sk_rss <"$m/sklearn"
		printf '  sklearn (1 process, 1 run): %s s in all, of which reading %s s and fit + transform %s s, %s MiB RSS; tp-run/sklearn %s\n' \
			"$sk_all" "$sk_read" "$sk_fit" "$(mib "$sk_rss")" "$(ratio "$tp_tf" "$sk_all")"
	else
		echo "  (sklearn left out: /usr/bin/python3 has no sklearn; apt-get install python3-sklearn)"
	fi
	rm -rf "$tmp/t9-plain" "$tmp/t9-tf"
}

# 11. JSON in: pass 1 and tp-run on nested JSON Lines, beside DuckDB's read_json; one
# large document array through tp-scan in bounded memory.
section_json() {
	local js=${BENCH_JSON_SHARDS:-8} jr=${BENCH_JSON_ROWS:-100000} amb=${BENCH_JSON_ARRAY_MB:-1024}
	local d=$tmp/json r f n t jbytes zbytes nrows opts
	mkdir -p "$d"
	"$bin/tp-gen-json" -n "$js" -r "$jr" -z -o "$d/in"
	zbytes=$(cat "$d"/in/* | wc -c)
	jbytes=$(for f in "$d"/in/*; do gzip -dc "$f"; done | wc -c)
	nrows=$((js * jr))
	echo
	printf '11 JSON: %d shards x %d nested orders, %.1f MB of JSON Lines (%.1f MB gzip); MB/s below are of the JSON text\n' \
		"$js" "$jr" "$(mbytes "$jbytes")" "$(mbytes "$zbytes")"
	opts=(--dedup customer.id --split temporal:placed.date -l labels.isFraud)
	for r in $(seq "$repeat"); do
		: >"$m/jscan.$r"
		for f in "$d"/in/*; do
			n=$(shard_no "$f")
			timed "$m/jscan.$r" "$bin/tp-scan" -q "${opts[@]}" -n "$n" -o "$d/part-$n.sum" "$f"
		done
		rm -rf "$d/out"
		timed "$m/jrun.$r" "$bin/tp-run" -q -j "$jobs" "${opts[@]}" "$d/in" "$d/out"
	done
	t=$(best_sum jscan)
	printf '  pass 1, tp-scan serial, best of %d: %s s, %s MB/s, %s rows/s, %s MiB max RSS\n' "$repeat" "$t" \
		"$(mbps "$t" "$jbytes")" "$(awk -v n="$nrows" -v t="$t" 'BEGIN { if (t <= 0) print "-"; else printf "%.0f", n / t }')" \
		"$(mib "$(max_rss "$m"/jscan.*)")"
	t=$(best_sum jrun)
	printf '  tp-run -j %d end to end, best of %d: %s s, %s MB/s, %s rows/s (%s MiB peak RSS: the largest process of the run, as GNU time reports it)\n' "$jobs" "$repeat" "$t" \
		"$(mbps "$t" "$jbytes")" "$(awk -v n="$nrows" -v t="$t" 'BEGIN { if (t <= 0) print "-"; else printf "%.0f", n / t }')" \
		"$(mib "$(max_rss "$m"/jrun.*)")"
	if [ "$duck_ok" = 1 ]; then
		t=$(best_duck "SELECT count(*), count(DISTINCT customer.id) FROM read_json('$d/in/*.jsonl.gz', format = 'newline_delimited')")
		printf '  DuckDB read_json of the same files (count, distinct customer.id), best of %d: %s s, %s MB/s\n' \
			"$repeat" "$t" "$(mbps "$t" "$jbytes")"
	else
		echo "  (DuckDB left out: npm could not install @duckdb/node-api)"
	fi
	rm -rf "$d"
	[ "$amb" -gt 0 ] || return 0
	# about 276 bytes an order: rows for at least amb MB
	mkdir -p "$d"
	"$bin/tp-gen-json" -a -n 1 -r $((amb * 1000000 / 270)) -o "$d/big"
	f=$(echo "$d"/big/part-*.json)
	: >"$m/jbig"
	timed "$m/jbig" "$bin/tp-scan" -q -o "$d/big.sum" "$f"
	read -r t _ <"$m/jbig"
	printf '  one document, an array of %.0f MB (%s orders), tp-scan 1 run: %s s, %s MB/s, %s MiB peak RSS\n' \
		"$(mbytes "$(stat -c %s "$f")")" "$(awk -F'\t' '$1 == "rows" { print $2 }' "$d/big.sum")" "$t" \
		"$(mbps "$t" "$(stat -c %s "$f")")" "$(mib "$(max_rss "$m/jbig")")"
	rm -rf "$d"
}

if wants stages; then section_stages; fi
if wants modes; then section_modes; fi
if wants keys; then section_keys; fi
if wants parquet || wants transforms; then pq_bin; fi
if wants parquet; then section_parquet; fi
if wants transforms; then section_transforms; fi
# 10. issue 10's jobs, tp against DuckDB (tests/bench/jobs.sh says how each is measured).
if wants jobs; then
	[ "$duck_ok" = 1 ] || echo "10: DuckDB is skipped: npm could not install @duckdb/node-api (tests/duckdb/install.sh)"
	tests/bench/jobs.sh "$bin" "$tmp/jobs" "$tmp/csvtok" "$duck_ok"
fi
if wants json; then section_json; fi
printf '\nbench time: %.0f s\n' "$(awk -v s="$bench_start" -v e="$(date +%s.%N)" 'BEGIN { print e - s }')"
