# Helpers of make bench (tests/bench.sh and tests/bench/jobs.sh source this file).
# A measure file holds one line per process: "elapsed-seconds peak-RSS-KiB" as GNU time
# writes them (%e %M, hundredths of a second), or, from wall, one line "seconds" (a
# thousandth of a second).
# shellcheck shell=bash

timed() { # FILE CMD...: run CMD under GNU time, append its "elapsed rss" to FILE
	local out=$1
	shift
	/usr/bin/time -f '%e %M' -a -o "$out" "$@"
}

wall() { # FILE CMD...: run CMD, append its wall-clock seconds to FILE
	local out=$1 s e
	shift
	s=$EPOCHREALTIME
	"$@"
	e=$EPOCHREALTIME
	awk -v s="$s" -v e="$e" 'BEGIN { printf "%.3f\n", e - s }' >>"$out"
}

sum_time() { awk '{ s += $1 } END { printf "%.2f\n", s }' "$@"; }
max_rss() { awk '$2 > r { r = $2 } END { print r + 0 }' "$@"; }
best() { sort -g | head -1; } # the smallest of the numbers on stdin
median() { # the median of the numbers on stdin (the mean of the middle two of an even count)
	sort -g | awk '{ v[++n] = $1 } END {
		if (n == 0) print "-"
		else if (n % 2) printf "%.3f\n", v[(n + 1) / 2]
		else printf "%.3f\n", (v[n / 2] + v[n / 2 + 1]) / 2 }'
}
range() { # "min-max" of the numbers on stdin
	sort -g | awk 'NR == 1 { lo = $1 } { hi = $1 } END { if (NR) printf "%.2f-%.2f\n", lo, hi; else print "-" }'
}
ratio() { # A B: A / B as "N.NNx", or "-" when either is missing or B is 0
	awk -v a="$1" -v b="$2" 'BEGIN { if (a == "-" || b == "-" || b + 0 == 0) print "-"; else printf "%.2fx\n", a / b }'
}
mib() { awk -v k="$1" 'BEGIN { if (k == "-") print "-"; else printf "%.1f\n", k / 1024 }'; }
mbytes() { awk -v b="$1" 'BEGIN { printf "%.1f\n", b / 1e6 }'; }

shard_no() { # FILE: the shard number of a part-NNNNN file, as 5 digits
	local name=${1##*/}
	[[ $name =~ ^part-([0-9]+) ]] || { echo "bench: $1: not a part-NNNNN file" >&2; exit 1; }
	printf '%05d' "$((10#${BASH_REMATCH[1]}))"
}

# A digest of an output tree: file names and contents, _tp/report.txt excepted (it
# holds the run's time); with a second argument "out", all of _tp/ excepted (the
# working files, which name the paths of the run).
tree_digest() {
	local skip=./_tp/report.txt
	[ "${2:-}" != out ] || skip='./_tp/*'
	(cd "$1" && find . -type f ! -path "$skip" -print0 | sort -z |
		xargs -0r md5sum | md5sum | cut -d' ' -f1)
}
fail_determinism() {
	echo "bench: determinism: $1" >&2
	exit 1
}
