#!/usr/bin/env bash
# One shard's step of tp-run's composition, for make bench's job comparison
# (tests/bench/jobs.sh runs it under xargs -P, as README's "same job by hand" runs the
# steps under GNU parallel): the tools and options of tp-run's tp_pass1 and tp_pass2
# (tools/tp-run), each process under GNU time, which appends its "elapsed peak-RSS-KiB"
# to MEASURE/TOOL.NNNNN.
#
# usage: shard.sh scan BIN OUT MEASURE [TP-SCAN-OPTION...] -- FILE
#        shard.sh pass2 BIN OUT MEASURE -- FILE
# OUT is the output directory of the job; its _tp/ holds the summaries, the context, the
# audits and the reports, where tp-run puts them.
set -euo pipefail
export LC_ALL=C
[ $# -ge 6 ] || { echo "usage: shard.sh scan|pass2 BIN OUT MEASURE [OPTION...] -- FILE" >&2; exit 2; }
mode=$1 b=$2 out=$3 m=$4
shift 4
opts=()
while [ $# -gt 0 ] && [ "$1" != -- ]; do
	opts+=("$1")
	shift
done
[ $# -eq 2 ] || { echo "shard.sh: expected -- FILE after the options" >&2; exit 2; }
f=$2
name=${f##*/}
[[ $name =~ ^part-([0-9]+) ]] || { echo "shard.sh: $f: not a part-NNNNN file" >&2; exit 1; }
n=$(printf '%05d' "$((10#${BASH_REMATCH[1]}))")
work=$out/_tp
t() { # FILE CMD...
	local o=$1
	shift
	/usr/bin/time -f '%e %M' -a -o "$o" "$@"
}
case $mode in
scan)
	t "$m/tp-scan.$n" "$b/tp-scan" "${opts[@]+"${opts[@]}"}" --on-bad-row fail \
		-n "$n" -o "$work/summaries/part-$n.sum" -- "$f"
	;;
pass2)
	t "$m/tp-transform.$n" "$b/tp-transform" -c "$work/context" -n "$n" --stream --on-bad-row fail -- "$f" |
		t "$m/tp-split.$n" "$b/tp-split" -c "$work/context" -n "$n" -a "$work/audit/part-$n" |
		t "$m/tp-write.$n" "$b/tp-write" -c "$work/context" -f csv -n "$n" -r "$work/reports/part-$n" -- "$out"
	;;
*)
	echo "shard.sh: unknown step '$mode' (scan or pass2)" >&2
	exit 2
	;;
esac
