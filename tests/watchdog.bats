#!/usr/bin/env bats
# The watchdog: with TP_WATCH_PID=<pid> every tool ends as on SIGTERM (temporary files
# removed, exit by SIGTERM: status 143) within a second of that process's end, even
# while it is blocked reading a pipe; unset, nothing changes; a bad value is exit 2.

load helper

TOOLS="tp-scan tp-context tp-transform tp-split tp-write"

teardown() {
	local p
	for p in ${BG-}; do kill "$p" 2>/dev/null || true; done
}

# alive PID: the process exists and is not a zombie.
alive() {
	local s
	s=$(ps -o stat= -p "$1") || return 1
	[[ $s != Z* ]]
}

# gone_within PID: PID ends within 2 s (polled every 10 ms); prints the milliseconds.
gone_within() {
	local i
	for ((i = 0; i < 200; i++)); do
		alive "$1" || {
			echo $((i * 10))
			return 0
		}
		sleep 0.01
	done
	return 1
}

# blocked_in_read PID: wait (up to 5 s) until PID sleeps in a pipe read, where the
# kernel shows it (/proc/PID/wchan); elsewhere go on after the wait.
blocked_in_read() {
	local i w
	for ((i = 0; i < 100; i++)); do
		w=$(cat /proc/"$1"/wchan 2>/dev/null) || w=
		[[ $w == *pipe_read* ]] && return 0
		sleep 0.05
	done
}

# A context with a label, dedup and a temporal split; the stream tp-write reads. Every
# input is larger than the 256 KiB a tool reads at a time, so that each tool has worked
# on the first part (tp-write: opened its files) when it waits for the rest.
fixture() {
	awk 'BEGIN {
		print "customerId,orderDate,isFraud,v"
		for (i = 0; i < 20000; i++)
			printf "c%d,2024-01-01 %02d:%02d:%02d,%s,%d\n", i, i / 3600, i / 60 % 60, i % 60,
				i % 3 ? "true" : "false", i
	}' >part-00000.csv
	tp-scan -l isFraud -o s.sum part-00000.csv
	tp-context -q -c ctx s.sum
	tp-transform -c ctx part-00000.csv | tp-split -c ctx -n 0 >stream.csv
	tp-transform -c ctx part-00000.csv >xf.csv
}

# input TOOL: the bytes the tool reads in these tests.
input() {
	case $1 in
	tp-scan | tp-transform) cat part-00000.csv ;;
	tp-context) cat s.sum ;;
	tp-split) cat xf.csv ;;
	tp-write) cat stream.csv ;;
	esac
}

# cmd TOOL: the command line, reading standard input (tp-context: the FIFO by name).
cmd() {
	case $1 in
	tp-scan) echo tp-scan -l isFraud -n 0 -o out/s.sum - ;;
	tp-context) echo tp-context -q -c out/ctx fifo ;;
	tp-transform) echo tp-transform -c ctx -n 0 - ;;
	tp-split) echo tp-split -c ctx -n 0 - ;;
	tp-write) echo tp-write -n 0 out - ;;
	esac
}

# start TOOL [ENV...]: TOOL with ENV reads its input from a FIFO kept open by fd 7, so
# that it blocks in read after the data; sets T to its pid.
start() {
	local tool=$1
	shift
	rm -f fifo
	mkfifo fifo
	exec 7<>fifo
	# shellcheck disable=SC2046
	env "$@" $(cmd "$tool") <fifo >stdout 2>stderr 3>&- 7>&- &
	T=$!
	BG="${BG-} $T"
	# more than the FIFO holds: this returns when the tool has read all but the last 64 KiB
	input "$tool" | timeout 20 cat >&7 || flunk "$tool does not read its input: $(cat stderr)"
	blocked_in_read "$T"
}

@test "watchdog: every tool blocked in a pipe read ends within 2 s of the watched process, status 143, no temporary file" {
	fixture
	for tool in $TOOLS; do
		rm -rf out
		mkdir out
		sleep 30 3>&- &
		w=$!
		BG="${BG-} $w"
		start "$tool" TP_WATCH_PID=$w
		alive "$T" || flunk "$tool ended before the watched process: $(cat stderr)"
		kill "$w"
		ms=$(gone_within "$T") || flunk "$tool runs on 2 s after the watched process ended"
		st=0
		wait "$T" || st=$?
		exec 7>&-
		echo "# $tool: gone $ms ms after the watched process" >&3
		expect_eq "$st" 143 "$tool: exit status (SIGTERM) after ${ms} ms"
		expect_eq "$(find out -name '.*.tmp.*' | wc -l)" 0 "$tool: temporary files left"
		expect_eq "$(find out -type f | wc -l)" 0 "$tool: files written"
	done
}

@test "watchdog: tp-write had its temporary files open when it was stopped" {
	# the test above means something for tp-write only if it had created them
	fixture
	mkdir out
	start tp-write
	expect_eq "$(find out -name '.*.tmp.*' | wc -l)" 3 "temporary files while writing"
	exec 7>&-
	wait "$T"
	expect_eq "$(cd out && find . -type f | sort | tr '\n' ' ')" \
		"./test/part-00000.csv ./train/part-00000.csv ./val/part-00000.csv " "files"
}

@test "watchdog: TP_WATCH_PID unset: the tool runs on after the process ends, and finishes as before" {
	fixture
	for tool in $TOOLS; do
		rm -rf out
		mkdir out
		sleep 30 3>&- &
		w=$!
		BG="${BG-} $w"
		start "$tool"
		kill "$w"
		sleep 0.5
		alive "$T" || flunk "$tool ended without TP_WATCH_PID: $(cat stderr)"
		exec 7>&-
		wait "$T" || flunk "$tool failed: $(cat stderr)"
	done
}

@test "watchdog: a live watched process changes no output" {
	fixture
	sleep 30 3>&- &
	w=$!
	BG="${BG-} $w"
	for tool in $TOOLS; do
		rm -rf out want
		mkdir out
		cp s.sum fifo # tp-context reads it by that name
		# shellcheck disable=SC2046
		input "$tool" | $(cmd "$tool") >want.stdout
		mv out want
		mkdir out
		# shellcheck disable=SC2046
		input "$tool" | TP_WATCH_PID=$w $(cmd "$tool") >stdout
		cmp want.stdout stdout || flunk "$tool: standard output differs"
		expect_same_tree want out
	done
}

@test "watchdog: a watched process already gone: the tool ends at once by SIGTERM, writing nothing" {
	fixture
	sleep 0 &
	w=$!
	wait "$w"
	for tool in $TOOLS; do
		rm -rf out
		mkdir out
		cp s.sum fifo
		st=0
		# shellcheck disable=SC2046
		input "$tool" | TP_WATCH_PID=$w $(cmd "$tool") >stdout 2>stderr || st=$?
		expect_eq "$st" 143 "$tool: exit status"
		expect_eq "$(cat stdout stderr)" "" "$tool: output"
		expect_eq "$(find out -type f | wc -l)" 0 "$tool: files written"
	done
}

@test "watchdog: a bad TP_WATCH_PID is a usage error naming the variable" {
	fixture
	for tool in $TOOLS; do
		for v in '' abc 0 -5 +5 12x ' 12' '12 ' 0x1f 2147483648 99999999999999999999; do
			# shellcheck disable=SC2046
			TP_WATCH_PID=$v expect_err 2 "$tool: TP_WATCH_PID: not a process id: '$v'" $(cmd "$tool") </dev/null
		done
	done
	expect_no_file out
}

@test "watchdog: tp-context stops its sort(1) child too" {
	fixture
	mkdir fakebin
	printf '#!/bin/sh\necho $$ >"%s/sort.pid"\nexec sleep 30\n' "$PWD" >fakebin/sort
	chmod +x fakebin/sort
	sleep 30 3>&- &
	w=$!
	BG="${BG-} $w"
	# -m 1b: records that fit in the -m bound are sorted in memory; this bound holds
	# none, so tp-context runs sort(1)
	PATH=$PWD/fakebin:$PATH TP_WATCH_PID=$w tp-context -q -m 1b -c ctx2 s.sum >stdout 2>stderr 3>&- &
	T=$!
	BG="$BG $T"
	for ((i = 0; i < 500; i++)); do
		[ -s sort.pid ] && break
		sleep 0.01
	done
	[ -s sort.pid ] || flunk "tp-context did not run sort: $(cat stderr)"
	s=$(cat sort.pid)
	BG="$BG $s"
	kill "$w"
	gone_within "$T" >/dev/null || flunk "tp-context runs on"
	gone_within "$s" >/dev/null || flunk "its sort runs on"
	st=0
	wait "$T" || st=$?
	expect_eq "$st" 143 "exit status"
}
