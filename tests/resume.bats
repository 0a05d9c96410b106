#!/usr/bin/env bats
# Killed runs and --resume (issue 4): a run killed with SIGKILL at any point (pass 1,
# the context, pass 2; tp-run or one worker) and started again with --resume gives
# exactly the tree of an uninterrupted run, redoing only unfinished shards, and leaves
# no file under a temporary name.

load helper

setup_file() {
	export KT=$BATS_FILE_TMPDIR
	tp-gen-orders -n 12 -r 30000 -o "$KT/in" >/dev/null
	tp-run -q -j 2 -l isFraud "$KT/in" "$KT/ref"
}

# kill_at SECONDS OUT: start tp-run in its own process group, SIGKILL the whole group
# after SECONDS (or when it ends first).
kill_at() {
	setsid tp-run -q -j 2 -l isFraud "$KT/in" "$2" &
	local pid=$!
	sleep "$1"
	kill -9 -- "-$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || true
	sleep 0.2
}

resume_and_compare() {
	tp-run -q -j 2 --resume -l isFraud "$KT/in" "$1"
	diff -r -x report.txt "$KT/ref" "$1" >&2 || flunk "resumed tree differs from the uninterrupted one"
	[ -z "$(find "$1" -name '*.tmp.*')" ] || flunk "temporary files left: $(find "$1" -name '*.tmp.*')"
}

@test "resume: killed during pass 1, the context or pass 2, --resume gives the same tree" {
	local n=0 d
	for d in 0.15 0.4 0.7 1.0 1.3 1.6 2.0; do
		rm -rf "o$n"
		kill_at "$d" "o$n"
		resume_and_compare "o$n"
		n=$((n + 1))
	done
}

@test "resume: a killed worker fails the run; --resume finishes it" {
	rm -rf o
	tp-run -q -j 2 -l isFraud "$KT/in" o &
	local pid=$! w
	for _ in $(seq 200); do
		w=$(pgrep -f "tp-transform -c o/_tp/context" | head -1) && [ -n "$w" ] && break
		sleep 0.02
	done
	[ -n "$w" ] || skip "pass 2 ended before a worker could be killed"
	kill -9 "$w"
	local st=0
	wait "$pid" || st=$?
	expect_eq "$st" 1 "tp-run status after a worker was killed"
	resume_and_compare o
}

@test "resume: only shards without a completion record are done again" {
	rm -rf o
	cp -r "$KT/ref" o
	rm o/_tp/done/part-00003
	touch -d '2000-01-01' o/train/part-00000.csv # an untouched shard keeps its file
	tp-run -q -j 2 --resume -l isFraud "$KT/in" o
	[ "$(stat -c %Y o/train/part-00000.csv)" = "$(date -d 2000-01-01 +%s)" ] ||
		flunk "shard 0 was rewritten"
	[ "$(stat -c %Y o/train/part-00003.csv)" != "$(date -d 2000-01-01 +%s)" ]
	diff -r -x report.txt "$KT/ref" o
}

@test "resume: a changed input shard is scanned and written again" {
	rm -rf in2 o
	cp -r "$KT/in" in2
	tp-run -q -j 2 -l isFraud in2 o
	head -n 1000 in2/part-00005.csv >x && mv x in2/part-00005.csv
	tp-run -q -j 2 --resume -l isFraud in2 o
	tp-run -q -j 2 -l isFraud in2 fresh
	diff -r -x report.txt -x '*.sum' fresh o
}

@test "resume: changed options redo the context and pass 2" {
	rm -rf o fresh
	cp -r "$KT/ref" o
	tp-run -q -j 2 --resume --train-ratio 0.5 -l isFraud "$KT/in" o
	tp-run -q -j 2 --train-ratio 0.5 -l isFraud "$KT/in" fresh
	diff -r -x report.txt fresh o
}

@test "resume: --force and --resume exclude each other; a second run in the same directory waits for none" {
	expect_usage_err "^tp-run: --force and --resume exclude each other$" \
		tp-run --force --resume -l isFraud "$KT/in" o
	rm -rf o
	mkdir -p o/_tp
	exec 8>o/_tp/lock
	flock -n 8
	run tp-run -q --resume -l isFraud "$KT/in" o
	exec 8>&-
	expect_status 1
	expect_eq "$output" "tp-run: o: another tp-run is working in it"
}
