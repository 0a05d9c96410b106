#!/usr/bin/env bash
# make bench, section 10: the job comparison of issue 10. Each job runs with tp-run and
# with DuckDB alternately (tp-run, DuckDB, tp-run, DuckDB, ...), BENCH_REPEAT times, and
# in each repeat also
#   the floor: tests/bench/csvtok over every shard of the job, BENCH_PAR at a time
#     (xargs -P), the wall time of the whole;
#   the phases by hand, as README's "same job by hand" composes them, with tp-run's own
#     options (tools/tp-run): pass 1, tp-scan of every shard, BENCH_PAR at a time; the
#     context, tp-context; pass 2, the tp-transform | tp-split | tp-write pipeline of
#     every shard, BENCH_PAR at a time (tests/bench/shard.sh). Each phase is timed as a
#     whole (wall time); each tp process in it runs under GNU time for its peak RSS.
# Every time is wall-clock seconds: of the tp-run process, of the whole node process
# that runs DuckDB (its start and the loading of the module included; the seconds of
# the SQL statements alone are printed beside it), of a phase. Figures are medians over
# the repeats, with the smallest and largest; ratios are ratios of medians.
#
# Jobs: A, orders (tp-gen-orders -x 20: 29 columns), 8 shards x 100,000 rows, dedup on
# customerId, temporal split on orderDate, label isFraud (tp-run's defaults for this
# data); B, ../shared/data/flights-3m (10 gzip shards, 3,000,000 rows, 5 columns),
# temporal split on date, label delay, no dedup; W, orders with 809 columns
# (tp-gen-orders -x 800), 4 shards x 25,000 rows, as A; W5, W at 4 x 125,000 rows
# (with BENCH_W5=1). Growth (tp-run only, BENCH_GROWTH_REPEAT runs, default 1, no
# phases): the orders with 14 columns (-x 5) at 10 x 100,000 rows (A1), 10 x 1,000,000
# rows (A10), and A1's rows as shards of 1,000 rows (S, 1,000 shards); DuckDB on the
# growth jobs of BENCH_GROWTH_DUCK (default A10).
# DuckDB (2 threads, tests/duckdb/duck.js) runs the SQL of issue 10: the first time of
# every key, its 70% and 85% quantiles (quantile_disc) as the cutoffs, the rows at their
# key's first time copied to OUT/split=.../ as CSV (PARTITION_BY); job B the same
# without the dedup, on every row's date.
#
# usage: jobs.sh BIN WORKDIR CSVTOK DUCK (DUCK: 1 when tests/duckdb/install.sh
# succeeded, else 0). Environment (tests/bench.sh documents it): BENCH_REPEAT,
# BENCH_JOBS, BENCH_W5, BENCH_SCALE, BENCH_S_ROWS, BENCH_PAR, BENCH_GROWTH_REPEAT,
# BENCH_GROWTH_DUCK. It prints figures only and exits 0 unless a command fails or two
# runs that must write the same output tree do not.
set -euo pipefail
export LC_ALL=C

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
# shellcheck source=tests/bench/lib.sh
. "$here/lib.sh"
[ $# -eq 4 ] || { echo "usage: jobs.sh BIN WORKDIR CSVTOK DUCK" >&2; exit 2; }
bin=$1 work=$2 csvtok=$3 duck_ok=$4

repeat=${BENCH_REPEAT:-3}
scale=${BENCH_SCALE:-1}
par=${BENCH_PAR:-2}
grepeat=${BENCH_GROWTH_REPEAT:-1}
srows=${BENCH_S_ROWS:-1000}
for v in repeat scale par grepeat srows; do
	[[ ${!v} =~ ^[1-9][0-9]*$ ]] || { echo "bench: $v: not a positive integer: '${!v}'" >&2; exit 2; }
done
joblist=${BENCH_JOBS:-A B W A1 A10 S}
[ "${BENCH_W5:-0}" != 1 ] || [[ " $joblist " == *" W5 "* ]] || joblist+=" W5"
gduck=" ${BENCH_GROWTH_DUCK-A10} "
read -r -a jobs <<<"$joblist"
for j in "${jobs[@]}"; do
	case $j in A | B | W | W5 | A1 | A10 | S) ;; *) echo "bench: BENCH_JOBS: unknown job '$j' (A B W W5 A1 A10 S)" >&2; exit 2 ;; esac
done
ctx_mem=40 # tp-context's default -m, MiB (tp-context(1)); tp-run does not pass -m
flights=$repo/../shared/data/flights-3m
mkdir -p "$work"

# The per-job figures, for the summary at the end: res[JOB.KEY].
declare -A res=()
done_jobs=()

scaled() { echo $((($1 + scale - 1) / scale)); } # ROWS: ROWS / BENCH_SCALE, rounded up

# job_setup NAME: the job's shape and options, in globals.
job_setup() {
	kind=gen shards=0 rows=0 extra=0 growth=0 key=customerId timecol=orderDate
	opts=(--label isFraud)
	case $1 in
	A) shards=8 rows=$(scaled 100000) extra=20 ;;
	W) shards=4 rows=$(scaled 25000) extra=800 ;;
	W5) shards=4 rows=$(scaled 125000) extra=800 ;;
	A1) shards=10 rows=$(scaled 100000) extra=5 growth=1 ;;
	A10) shards=10 rows=$(scaled 1000000) extra=5 growth=1 ;;
	S) # A1's rows, in shards of BENCH_S_ROWS rows
		rows=$srows extra=5 growth=1
		shards=$((10 * $(scaled 100000) / srows))
		[ "$shards" -ge 1 ] || shards=1
		;;
	B)
		kind=flights key='' timecol=date
		opts=(--label delay --no-dedup --split temporal:date)
		;;
	esac
}

# The SQL of issue 10 for DuckDB: IN is a glob of the shards, OUT a directory.
duck_sql() { # IN OUT
	local glob=$1 out=$2 cut
	cut="CASE WHEN o.$timecol < getvariable('q')[1] THEN 'train' WHEN o.$timecol < getvariable('q')[2] THEN 'val' ELSE 'test' END AS split"
	if [ -n "$key" ]; then
		sql=("CREATE TEMP TABLE firsts AS SELECT $key, min($timecol) AS d FROM read_csv('$glob') GROUP BY 1"
			"SET VARIABLE q = (SELECT quantile_disc(d, [0.7, 0.85]) FROM firsts)"
			"COPY (SELECT o.*, $cut FROM read_csv('$glob') o SEMI JOIN firsts f ON o.$key = f.$key AND o.$timecol = f.d) TO '$out' (FORMAT csv, HEADER, PARTITION_BY (split))")
	else
		sql=("CREATE TEMP TABLE firsts AS SELECT $timecol AS d FROM read_csv('$glob')"
			"SET VARIABLE q = (SELECT quantile_disc(d, [0.7, 0.85]) FROM firsts)"
			"COPY (SELECT o.*, $cut FROM read_csv('$glob') o) TO '$out' (FORMAT csv, HEADER, PARTITION_BY (split))")
	fi
}

# The steps of a repeat; they read the globals of run_job.
floor_run() { xargs -0 -P "$par" -n 1 "$csvtok" <"$jw/list" >"$jw/csvtok.out"; }
duck_run() {
	NODE_PATH=$repo/build/duckdb/node_modules DUCK_TIME=$jw/duck.t \
		node "$repo/tests/duckdb/duck.js" "${sql[@]}" >"$jw/duck.out"
}
pass1_run() {
	xargs -0 -P "$par" -n 1 "$here/shard.sh" scan "$bin" "$jw/hand" "$rd" "${opts[@]}" -- <"$jw/list"
}
context_run() {
	timed "$rd/tp-context.00000" "$bin/tp-context" -c "$jw/hand/_tp/context" -d "$jw/hand" \
		--job-type training --seed 42 --train-ratio 0.7 --test-val-ratio 0.5 --metadata-format csv -q \
		--files0-from "$jw/sums"
}
pass2_run() { xargs -0 -P "$par" -n 1 "$here/shard.sh" pass2 "$bin" "$jw/hand" "$rd" -- <"$jw/list"; }

fig() { median <"$jm/$1"; }     # STEP: the median of a step's times
spread() { range <"$jm/$1"; }   # STEP: "min-max" of a step's times
line() { printf '   %-58s %8s s %13s  %s\n' "$@"; }
pct() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-" || b + 0 == 0) print "-"; else printf "%.0f%%\n", 100 * a / b }'; }

run_job() { # NAME
	local name=$1 r reps phases duck indir src d0 dh n f what ncols nrows inbytes
	job_setup "$name"
	jw=$work/$name jm=$work/$name/m
	rm -rf "$jw"
	mkdir -p "$jm"
	indir=$jw/in
	case $kind in
	gen)
		"$bin/tp-gen-orders" -n "$shards" -r "$rows" -x "$extra" -o "$indir"
		what="orders (tp-gen-orders -n $shards -r $rows -x $extra)"
		;;
	flights)
		if [ ! -d "$flights" ]; then
			printf '\n10 job %s: ../shared/data/flights-3m is not there: job B is not measured\n' "$name"
			return 0
		fi
		if [ "$scale" -eq 1 ]; then
			indir=$flights
			what="../shared/data/flights-3m"
		else # the first rows of every shard (BENCH_SCALE), gzipped again
			mkdir -p "$indir"
			for src in "$flights"/part-*; do
				# (gzip stops on a closed pipe when head has its rows)
				{ gzip -cd "$src" || true; } | head -n $((300000 / scale + 1)) | gzip -1 >"$indir/${src##*/}"
			done
			what="../shared/data/flights-3m, the first 1/$scale of every shard"
		fi
		;;
	esac
	find "$indir/" -mindepth 1 -maxdepth 1 -name 'part-*' -print0 | sort -z >"$jw/list"
	: >"$jw/sums"
	while IFS= read -r -d '' f; do
		printf '%s/_tp/summaries/part-%s.sum\0' "$jw/hand" "$(shard_no "$f")" >>"$jw/sums"
	done <"$jw/list"
	n=$(tr -cd '\0' <"$jw/list" | wc -c)
	[ "$n" -gt 0 ] || { echo "bench: job $name: no shards" >&2; exit 1; }
	inbytes=$(xargs -0 stat -L -c %s <"$jw/list" | awk '{ s += $1 } END { print s + 0 }')
	duck_sql "$indir/part-*" "$jw/duck"
	if [ "$growth" = 1 ]; then
		reps=$grepeat phases=0 duck=0
		[[ $gduck != *" $name "* ]] || duck=$duck_ok
	else
		reps=$repeat phases=1 duck=$duck_ok
	fi

	for r in $(seq "$reps"); do
		wall "$jm/floor" floor_run
		rm -rf "$jw/tp"
		wall "$jm/tprun" "$bin/tp-run" -q -j "$par" "${opts[@]}" "$indir" "$jw/tp"
		d=$(tree_digest "$jw/tp")
		[ "$r" -eq 1 ] || [ "$d" = "${res[$name.digest]}" ] || fail_determinism "job $name: tp-run run $r differs from run 1"
		res[$name.digest]=$d
		if [ "$duck" = 1 ]; then
			rm -rf "$jw/duck"
			wall "$jm/duck" duck_run
			cat "$jw/duck.t" >>"$jm/duck-sql"
		fi
		if [ "$phases" = 1 ]; then
			rm -rf "$jw/hand"
			mkdir -p "$jw/hand/_tp/summaries" "$jw/hand/_tp/audit" "$jw/hand/_tp/reports"
			rd=$jm/rss.$r
			mkdir -p "$rd"
			wall "$jm/pass1" pass1_run
			wall "$jm/context" context_run
			wall "$jm/pass2" pass2_run
			dh=$(tree_digest "$jw/hand" out)
			d0=$(tree_digest "$jw/tp" out)
			[ "$dh" = "$d0" ] || fail_determinism "job $name: the phases by hand and tp-run wrote different output trees (run $r)"
		fi
	done
	read -r nrows ncols < <(awk '{ r += $1 - 1; if (NR == 1) c = $1 ? $2 / $1 : 0 } END { print r, c }' "$jw/csvtok.out")

	# the figures
	local t_floor t_run t_duck t_sql t_p1 t_ctx t_p2 t_sum tp_rows duck_rows runs
	t_floor=$(fig floor) t_run=$(fig tprun)
	t_duck=- t_sql=- t_p1=- t_ctx=- t_p2=- t_sum=-
	if [ -s "$jm/duck" ] 2>/dev/null; then t_duck=$(fig duck) t_sql=$(fig duck-sql); fi
	if [ "$phases" = 1 ]; then
		t_p1=$(fig pass1) t_ctx=$(fig context) t_p2=$(fig pass2)
		t_sum=$(awk -v a="$t_p1" -v b="$t_ctx" -v c="$t_p2" 'BEGIN { printf "%.3f\n", a + b + c }')
	fi
	tp_rows=$(awk '$1 == "rows" && $2 == "written" { print $3 }' "$jw/tp/_tp/report.txt")
	duck_rows=-
	[ ! -s "$jw/duck.out" ] || [ ! -e "$jm/duck" ] || duck_rows=$(sed -n 2p "$jw/duck.out")
	if [ "$reps" -eq 1 ]; then runs="1 run"; else runs="$reps runs, medians (min-max)"; fi
	printf '\n10 job %s: %s: %d shards, %d rows, %d columns, %s MB of %s; %s; %s\n' \
		"$name" "$what" "$n" "$nrows" "$ncols" "$(mbytes "$inbytes")" \
		"$([ "$kind" = flights ] && echo "gzip CSV" || echo CSV)" \
		"$([ -n "$key" ] && echo "dedup $key" || echo "no dedup"), temporal split on $timecol, label ${opts[1]}" "$runs"
	line "floor: csvtok over every shard, $par at a time" "$t_floor" "($(spread floor))"
	line "tp-run -j $par" "$t_run" "($(spread tprun))" "$(ratio "$t_run" "$t_floor") the floor"
	if [ "$t_duck" != - ]; then
		line "DuckDB, 2 threads, the whole node process" "$t_duck" "($(spread duck))" "of which the SQL statements $t_sql s"
		local target=
		case $name in A | B | W5) target=" (target <= 0.50x)" ;; W) target=" (target <= 0.25x)" ;; A10) target=" (target <= 1.00x)" ;; esac
		printf '   %-58s %10s%s\n' "tp-run / DuckDB" "$(ratio "$t_run" "$t_duck")" "$target"
	elif [ "$duck_ok" = 1 ]; then
		echo "   (DuckDB is not run on this job: BENCH_GROWTH_DUCK)"
	else
		echo "   (DuckDB left out: npm could not install @duckdb/node-api)"
	fi
	if [ "$phases" = 1 ]; then
		echo "   the phases by hand (README's composition, tp-run's options; each tp process under GNU time):"
		line "  pass 1: tp-scan of every shard, $par at a time" "$t_p1" "($(spread pass1))" "$(ratio "$t_p1" "$t_floor") the floor (target <= 1.5x)"
		line "  context: tp-context" "$t_ctx" "($(spread context))" "$(pct "$t_ctx" "$t_run") of tp-run$(case $name in A | B) echo " (target <= 10%)" ;; esac)"
		line "  pass 2: tp-transform | tp-split | tp-write, $par at a time" "$t_p2" "($(spread pass2))" "$(ratio "$t_p2" "$t_floor") the floor (target <= 2x)"
		line "  the three phases' medians summed" "$t_sum" "" "tp-run minus their sum: $(awk -v a="$t_run" -v b="$t_sum" 'BEGIN { printf "%.3f", a - b }') s"
	fi
	printf '   rows written: tp-run %s, DuckDB %s%s\n' "$tp_rows" "$duck_rows" \
		"$([ "$duck_rows" = - ] || [ "$duck_rows" = "$tp_rows" ] ||
			echo " (the SQL of the issue keeps the rows without a label, which tp drops, and every row at its key's first time)")"

	res[$name.shards]=$n res[$name.rows]=$nrows res[$name.cols]=$ncols res[$name.mb]=$(mbytes "$inbytes")
	res[$name.floor]=$t_floor res[$name.run]=$t_run res[$name.duck]=$t_duck
	res[$name.p1]=$t_p1 res[$name.ctx]=$t_ctx res[$name.p2]=$t_p2 res[$name.reps]=$reps
	if [ "$phases" = 1 ]; then
		for f in tp-scan tp-context tp-transform tp-split tp-write; do
			res[$name.rss.$f]=$(mib "$(max_rss "$jm"/rss.*/"$f".*)")
		done
	fi
	done_jobs+=("$name")
	# keep the measures, not the data
	[ "$kind" != gen ] || rm -rf "$indir"
	rm -rf "$jw/tp" "$jw/hand" "$jw/duck"
}

for j in "${jobs[@]}"; do run_job "$j"; done
[ ${#done_jobs[@]} -gt 0 ] || exit 0

# The summary: one line per job, as issue 10's table.
echo
echo "10 summary: wall seconds, medians of the runs (runs: their number); ratios of the medians"
printf '%-4s %6s %9s %5s %8s %6s %7s %7s %7s %7s %7s %9s %8s %4s\n' job shards rows cols MB floor "pass 1" context "pass 2" tp-run DuckDB tp/DuckDB tp/floor runs
for j in "${done_jobs[@]}"; do
	printf '%-4s %6s %9s %5s %8s %6s %7s %7s %7s %7s %7s %9s %8s %4s\n' "$j" "${res[$j.shards]}" "${res[$j.rows]}" \
		"${res[$j.cols]}" "${res[$j.mb]}" "${res[$j.floor]}" "${res[$j.p1]}" "${res[$j.ctx]}" "${res[$j.p2]}" \
		"${res[$j.run]}" "${res[$j.duck]}" "$(ratio "${res[$j.run]}" "${res[$j.duck]}")" \
		"$(ratio "${res[$j.run]}" "${res[$j.floor]}")" "${res[$j.reps]}"
done

# Memory: the peak RSS of each tp filter over every shard and run of the phases.
mjobs=()
for j in "${done_jobs[@]}"; do [ -z "${res[$j.rss.tp-scan]:-}" ] || mjobs+=("$j"); done
if [ ${#mjobs[@]} -gt 0 ]; then
	echo
	echo "10 memory: peak RSS in MiB of the largest process of each tool, over every shard and run of the phases"
	echo "   (GNU time's %M; for tp-context the largest of tp-context and the sort(1) it starts, not their sum)"
	printf '   %-13s' tool
	printf ' %7s' "${mjobs[@]}"
	printf '   %s\n' target
	for f in tp-scan tp-context tp-transform tp-split tp-write; do
		printf '   %-13s' "$f"
		for j in "${mjobs[@]}"; do printf ' %7s' "${res[$j.rss.$f]}"; done
		if [ "$f" = tp-context ]; then
			printf '   <= %d (its -m bound, %dM by default, + 16)\n' $((ctx_mem + 16)) "$ctx_mem"
		else
			printf '   <= 16\n'
		fi
	done
fi

# Growth: the time ratios of the growth jobs.
g() { [ -n "${res[$1.run]:-}" ]; }
if g A1 && { g A10 || g S; }; then
	echo
	printf '10 growth: tp-run -j %d on the orders with 14 columns (%s above: %s)\n' "$par" \
		"$(for j in A1 A10 S; do ! g "$j" || printf '%s ' "$j"; done | sed 's/ $//')" \
		"$([ "$grepeat" -eq 1 ] && echo "1 run each" || echo "medians of $grepeat runs")"
	if g A10; then
		printf '   A10/A1: %s the time for %s the rows (target <= 11x)\n' "$(ratio "${res[A10.run]}" "${res[A1.run]}")" \
			"$(ratio "${res[A10.rows]}" "${res[A1.rows]}")"
	fi
	if g S; then
		local_s=$((${res[S.rows]} / ${res[S.shards]})) local_a=$((${res[A1.rows]} / ${res[A1.shards]}))
		printf '   S/A1: %s the time, %d shards of %d rows against %d shards of %d rows (target <= 2x): %s ms per extra shard\n' \
			"$(ratio "${res[S.run]}" "${res[A1.run]}")" "${res[S.shards]}" "$local_s" "${res[A1.shards]}" "$local_a" \
			"$(awk -v s="${res[S.run]}" -v a="${res[A1.run]}" -v ns="${res[S.shards]}" -v na="${res[A1.shards]}" \
				'BEGIN { if (ns == na) print "-"; else printf "%.1f", 1000 * (s - a) / (ns - na) }')"
	fi
fi
