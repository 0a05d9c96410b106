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

# workers OUT: the processes of a run into OUT (tp-run, its GNU parallel, the job shells
# and the tools), by the input or output path on their command lines.
workers() {
	pgrep -f -- "$KT/in/|$1/_tp" || true
}

# kill_when OUT CONDITION: start tp-run into OUT in its own process group and SIGKILL
# the whole group as soon as the shell test CONDITION holds (polled every 10 ms); fail if
# the run ended before it did. GNU parallel's jobs have process groups of their own:
# they must notice that tp-run is gone by themselves.
kill_when() {
	local out=$1 cond=$2 pid i
	setsid tp-run -q -j 2 -l isFraud "$KT/in" "$out" &
	pid=$!
	for i in $(seq 3000); do
		if eval "$cond"; then
			kill -9 -- "-$pid"
			wait "$pid" 2>/dev/null || true
			return 0
		fi
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.01
	done
	wait "$pid" || true
	flunk "the run ended before: $cond"
}

nrec() { # OUT PREFIX: the completion records of OUT named PREFIX-*
	find "$1/_tp/done" -name "$2-*" 2>/dev/null | wc -l
}

resume_and_compare() {
	tp-run -q -j 2 --resume -l isFraud "$KT/in" "$1"
	diff -r -x report.txt "$KT/ref" "$1" >&2 || flunk "resumed tree differs from the uninterrupted one"
	[ -z "$(find "$1" -name '*.tmp.*')" ] || flunk "temporary files left: $(find "$1" -name '*.tmp.*')"
}

# gone_within_a_second OUT: no process of the killed run is alive one second later.
gone_within_a_second() {
	sleep 1
	local w
	w=$(workers "$1")
	[ -z "$w" ] || flunk "alive a second after the kill: $(ps -o pid,pgid,args -p "$(echo $w | tr ' ' ,)")"
}

@test "resume: SIGKILL of tp-run's process group in pass 1, the context and pass 2; no worker outlives it; --resume gives the same tree" {
	local o=$BATS_TEST_TMPDIR/o
	# pass 1: some summaries done, not all
	rm -rf "$o"
	kill_when "$o" '[ "$(nrec "$o" scan)" -ge 2 ]'
	[ "$(nrec "$o" scan)" -lt 12 ] || flunk "pass 1 was not interrupted"
	gone_within_a_second "$o"
	resume_and_compare "$o"
	# the context: tp-context is running
	rm -rf "$o"
	kill_when "$o" 'pgrep -f -- "tp-context -c $o/_tp/context" >/dev/null'
	[ ! -f "$o/_tp/done/context" ] || flunk "the context was not interrupted"
	gone_within_a_second "$o"
	resume_and_compare "$o"
	# pass 2: some shards written, not all
	rm -rf "$o"
	kill_when "$o" '[ "$(nrec "$o" part)" -ge 2 ]'
	[ "$(nrec "$o" part)" -lt 12 ] || flunk "pass 2 was not interrupted"
	gone_within_a_second "$o"
	resume_and_compare "$o"
}

@test "resume: --resume at once after a SIGKILL in pass 2 waits for the dying workers and finishes" {
	local o=$BATS_TEST_TMPDIR/o
	kill_when "$o" '[ "$(nrec "$o" part)" -ge 1 ]'
	[ "$(nrec "$o" part)" -lt 12 ] || flunk "pass 2 was not interrupted"
	resume_and_compare "$o"
}

@test "resume: SIGKILL of tp-run alone or of its group during a long shard: its workers stop within a second" {
	# one shard of 400,000 rows: each pass over it takes seconds, more than the second
	# the workers have to notice that tp-run is gone
	tp-gen-orders -n 1 -r 400000 -o big >/dev/null
	local o=$BATS_TEST_TMPDIR/bo pid i w phase
	for phase in 'pgrep -f -- "tp-scan.*$o/_tp" >/dev/null' 'pgrep -f -- "tp-write.*$o" >/dev/null'; do
		for how in alone group; do
			rm -rf "$o"
			setsid tp-run -q -l isFraud big "$o" &
			pid=$!
			for i in $(seq 3000); do
				eval "$phase" && break
				sleep 0.01
			done
			sleep 0.3
			if [ "$how" = alone ]; then kill -9 "$pid"; else kill -9 -- "-$pid"; fi
			wait "$pid" 2>/dev/null || true
			sleep 1
			w=$(pgrep -f -- "$BATS_TEST_TMPDIR/big|$o" || true)
			[ -z "$w" ] || flunk "$how, $phase: alive a second after the kill: $(ps -o pid,args -p "$(echo $w | tr ' ' ,)")"
			[ "$(nrec "$o" part)" -eq 0 ] || flunk "the shard was done before the kill"
		done
	done
	tp-run -q --resume -l isFraud big "$o"
	tp-run -q -l isFraud big ref
	expect_same_tree ref "$o" report.txt
}

# signal_at SIGNAL STATUS: tp-run gets SIGNAL (alone, not its group) in pass 2; it
# passes it on, waits for its workers, leaves no temporary file and exits with STATUS.
signal_at() {
	local o=$BATS_TEST_TMPDIR/o$1 pid st=0 i
	# env --default-signal: a background job of a script starts with SIGINT ignored
	setsid env --default-signal=INT tp-run -q -j 2 -l isFraud "$KT/in" "$o" 2>"$o.err" &
	pid=$!
	for i in $(seq 3000); do
		[ "$(nrec "$o" part)" -lt 1 ] || break
		sleep 0.01
	done
	kill "-$1" "$pid"
	wait "$pid" || st=$?
	expect_eq "$st" "$2" "exit status after SIG$1"
	expect_eq "$(cat "$o.err")" "tp-run: interrupted by SIG$1" "message"
	[ "$(nrec "$o" part)" -lt 12 ] || flunk "pass 2 was not interrupted"
	expect_eq "$(workers "$o")" "" "processes alive after tp-run exited"
	[ -z "$(find "$o" -name '*.tmp.*')" ] || flunk "temporary files left: $(find "$o" -name '*.tmp.*')"
	resume_and_compare "$o"
}

@test "resume: SIGINT, SIGTERM and SIGHUP stop the workers; exit 130, 143, 129 with a message" {
	signal_at INT 130
	signal_at TERM 143
	signal_at HUP 129
}

@test "resume: a killed worker fails the run; --resume finishes it" {
	local o=$BATS_TEST_TMPDIR/o
	rm -rf "$o"
	tp-run -q -j 2 -l isFraud "$KT/in" "$o" &
	local pid=$! w
	# (the absolute path: no other run's worker matches)
	for _ in $(seq 200); do
		w=$(pgrep -f -- "tp-transform -c $o/_tp/context" | head -1) && [ -n "$w" ] && break
		sleep 0.02
	done
	[ -n "$w" ] || skip "pass 2 ended before a worker could be killed"
	kill -9 "$w"
	local st=0
	wait "$pid" || st=$?
	expect_eq "$st" 1 "tp-run status after a worker was killed"
	resume_and_compare "$o"
}

@test "resume: only shards without a completion record are done again" {
	rm -rf o
	cp -r "$KT/ref" o
	# every output, summary and record dated 2000; a redone file gets a new date
	find o -type f -exec touch -d 2000-01-01 {} +
	rm o/_tp/done/part-00003 o/_tp/done/scan-00007
	tp-run -q -j 2 --resume -l isFraud "$KT/in" o
	local old new
	old=$(date -d 2000-01-01 +%s)
	new=$(find o/train o/val o/test o/_tp/summaries -type f -newermt 2000-01-02 | sort | tr '\n' ' ')
	# shard 3 lost its pass-2 record: its three files; shard 7 its pass-1 record: its
	# summary, and pass 2 (its record names pass 1's)
	expect_eq "$new" "o/_tp/summaries/part-00007.sum o/test/part-00003.csv o/test/part-00007.csv o/train/part-00003.csv o/train/part-00007.csv o/val/part-00003.csv o/val/part-00007.csv " "files written again"
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

@test "resume: --force and --resume exclude each other; a second run in the same directory waits 3 s at most" {
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
