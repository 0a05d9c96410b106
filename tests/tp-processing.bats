#!/usr/bin/env bats
# tp-processing (issue 12): the SageMaker Processing drop-in. The same command line,
# paths (under TP_PROCESSING_ROOT here), environment and output layouts as the old
# script, with tp-run doing the work.

load helper

# job ROOT: a fake /opt/ml/processing tree holding demo orders
job() {
	mkdir -p "$1/input/data"
	tp-gen-orders -n 4 -r 2000 -o "$1/input/data" >/dev/null
}

@test "processing: training, batch layout: one file per split, the rows tp-run --consolidate writes; log lines on stdout" {
	job j
	TP_PROCESSING_ROOT=j LABEL_FIELD=isFraud run --separate-stderr tp-processing --job_type training
	expect_status 0
	expect_eq "$stderr" "" "stderr"
	[[ ${lines[0]} =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:]{8}Z\ \[tp-processing\]\ job_type=training\ input=j/input/data\ output=j/output$ ]] ||
		flunk "first log line: ${lines[0]}"
	[[ $output == *"layout: one file per split (SPLIT/SPLIT_processed_data.EXT)"* ]] || flunk "$output"
	[[ $output == *"[tp-processing] rows written "* ]] || flunk "no report in the log: $output"
	[[ ${lines[-1]} == *"[tp-processing] done" ]] || flunk "last line: ${lines[-1]}"
	# one line per pass, as the old script logs its phases
	[[ $output == *"[tp-processing] pass 1: 4/4 shards, 8000 rows, "* ]] || flunk "no pass 1 line: $output"
	[[ $output == *"[tp-processing] pass 2: 4/4 shards, "* ]] || flunk "no pass 2 line: $output"
	local s
	for s in train val test; do expect_eq "$(ls j/output/$s)" "${s}_processed_data.csv" "$s"; done
	tp-run -q -l isFraud --consolidate j/input/data ref
	expect_same_tree ref j/output report.txt
}

@test "processing: ENABLE_TRUE_STREAMING=true: part files, as tp-run writes them; CONSOLIDATE_SHARDS=true joins them anyway" {
	job j
	TP_PROCESSING_ROOT=j LABEL_FIELD=isFraud ENABLE_TRUE_STREAMING=True OUTPUT_FORMAT=TSV tp-processing --job_type training >log
	grep -q 'layout: one file per input shard and split (SPLIT/part-NNNNN.EXT)' log || flunk "$(cat log)"
	tp-run -q -l isFraud -f tsv j/input/data ref
	expect_same_tree ref j/output report.txt
	rm -rf j/output
	TP_PROCESSING_ROOT=j LABEL_FIELD=isFraud ENABLE_TRUE_STREAMING=true CONSOLIDATE_SHARDS=true tp-processing --job_type=training >log
	expect_eq "$(ls j/output/val)" "val_processed_data.csv"
}

@test "processing: a signature file is used when present; calibration writes output/calibration/" {
	job j
	local f
	head -1 j/input/data/part-00000.csv >sig
	mkdir -p j/input/signature
	cp sig j/input/signature/signature
	for f in j/input/data/*.csv; do tail -n +2 "$f" >"$f.x" && mv "$f.x" "$f"; done
	TP_PROCESSING_ROOT=j LABEL_FIELD=isFraud tp-processing --job_type calibration >log
	grep -q "signature: j/input/signature/signature" log || flunk "$(cat log)"
	expect_eq "$(ls j/output)" "$(printf '%s\n' _tp calibration metadata signature | sort)" "output folders"
	expect_eq "$(ls j/output/calibration)" "calibration_processed_data.csv"
	tp-run -q -l isFraud -s j/input/signature/signature --job-type calibration --consolidate j/input/data ref
	expect_same_tree ref j/output report.txt
}

@test "processing: every bad value is a usage error naming the variable, before any output; no-effect variables are logged" {
	job j
	local v
	for v in TRAIN_RATIO=1.5 TEST_VAL_RATIO=x OUTPUT_FORMAT=xlsx METADATA_FORMAT=yaml MAX_WORKERS=-1 \
		ENABLE_TRUE_STREAMING=maybe CONSOLIDATE_SHARDS=1 OPTIMIZE_MEMORY=yes BATCH_SIZE=ten \
		STREAMING_BATCH_SIZE=-3 SHARD_SIZE=1e5; do
		run env "TP_PROCESSING_ROOT=j" "LABEL_FIELD=isFraud" "$v" tp-processing --job_type training
		expect_status 2
		[[ $output == *"${v%%=*}"* ]] || flunk "$v: the message does not name the variable: $output"
		expect_no_file j/output
	done
	TP_PROCESSING_ROOT=j LABEL_FIELD=isFraud BATCH_SIZE=10 STREAMING_BATCH_SIZE=20 SHARD_SIZE=100000 OPTIMIZE_MEMORY=true \
		tp-processing --job_type training >log
	for v in BATCH_SIZE=10 STREAMING_BATCH_SIZE=20 SHARD_SIZE=100000 OPTIMIZE_MEMORY=true; do
		grep -q "\[tp-processing\] $v: accepted, no effect" log || flunk "$v not logged: $(cat log)"
	done
}

@test "processing: usage errors; a failing job is a non-zero status with a message" {
	run tp-processing
	expect_status 2
	expect_eq "${lines[0]}" "tp-processing: missing --job_type (training, validation, testing or calibration)"
	run tp-processing --job_type sometimes
	expect_status 2
	expect_eq "${lines[0]}" "tp-processing: --job_type: expected training, validation, testing or calibration: 'sometimes'"
	TP_PROCESSING_ROOT=none run tp-processing --job_type training
	expect_status 1
	expect_eq "$output" "tp-processing: none/input/data: no input data directory"
	job j
	TP_PROCESSING_ROOT=j LABEL_FIELD=noSuchColumn run --separate-stderr tp-processing --job_type training
	expect_status 1
	[[ $stderr == *"noSuchColumn"* ]] || flunk "stderr: $stderr"
	[[ ${lines[-1]} == *"[tp-processing] failed: tp-run exit status 1" ]] || flunk "$output"
}

@test "processing: flights-3m with LABEL_FIELD=delay in both layouts writes the rows of tp-run, joined in shard order" {
	local data=$TP_ROOT/../shared/data/flights-3m
	[ -d "$data" ] || skip "SKIP: ../shared/data/flights-3m is not there"
	# 3 million rows three times: too slow under the sanitizers, whose run the consolidate
	# tests cover on small data
	[ "${TP_SANITIZE:-}" != 1 ] || skip "SKIP: not under the sanitizers (make check SANITIZE=1)"
	mkdir -p j/input
	ln -s "$data" j/input/data
	TP_PROCESSING_ROOT=j LABEL_FIELD=delay ENABLE_TRUE_STREAMING=true tp-processing --job_type training >log
	tp-run -q -l delay j/input/data ref
	expect_same_tree ref j/output report.txt
	mv j/output parts
	TP_PROCESSING_ROOT=j LABEL_FIELD=delay tp-processing --job_type training >log
	local s
	for s in train val test; do
		{
			head -1 parts/$s/part-00000.csv
			for n in $(seq 0 9); do body "parts/$s/part-0000$n.csv"; done
		} | cmp - j/output/$s/${s}_processed_data.csv
	done
}

@test "processing: the Dockerfile is Debian 12 slim, runs only .ci/container's steps and has tp-processing as entrypoint" {
	local d=$TP_ROOT/Dockerfile
	expect_eq "$(grep -c '^FROM debian:12-slim' "$d")" 2 "stages"
	grep '^RUN' "$d" >runs
	[ -s runs ] || flunk "no RUN step"
	while read -r line; do
		[[ $line == *container* ]] || flunk "a RUN step that is not .ci/container's: $line"
	done <runs
	grep -qx 'ENTRYPOINT \["/usr/local/bin/tp-processing"\]' "$d" || flunk "entrypoint"
	# every step the Dockerfile names exists in the script
	local step
	for step in $(grep -o '/container [a-z-]*' "$d" | awk '{ print $2 }' | sort -u); do
		grep -q "^$step)" "$TP_ROOT/.ci/container" || flunk "no step $step in .ci/container"
	done
}

@test "processing: SIGTERM (SageMaker's stop) reaches tp-run: its workers stop, the status is 143, nothing runs on" {
	mkdir -p j/input/data
	tp-gen-orders -n 6 -r 40000 -o j/input/data >/dev/null
	TP_PROCESSING_ROOT=j LABEL_FIELD=isFraud setsid tp-processing --job_type training >log 2>err &
	local pid=$! st=0 i
	for i in $(seq 3000); do
		[ -z "$(ls j/output/_tp/done 2>/dev/null | grep scan-)" ] || break
		sleep 0.01
	done
	kill -TERM "$pid"
	wait "$pid" || st=$?
	expect_eq "$st" 143 "exit status"
	grep -q "tp-run: interrupted by SIGTERM" err || flunk "stderr: $(cat err)"
	grep -q "\[tp-processing\] failed: tp-run exit status 143" log || flunk "log: $(cat log)"
	sleep 0.5
	expect_eq "$(pgrep -f -- "$PWD/j/|j/input/data" || true)" "" "processes left"
}
