#!/usr/bin/env bats
# Runs too long for `make check` (minutes on 2 cores): `make check-slow`, which .ci/run
# runs once. 100,000 one-row shards through tp-run (issue 7: lists pass through files,
# never argument lists; a pass-2 tool reads only its own shard's record of the context).
# On the tp-run of 7eea18d this failed: exit 126 when the summaries were passed to
# tp-context as arguments.

load ../helper

@test "many shards: 100,000 one-row shards run" {
	mkdir in
	awk 'BEGIN { for (i = 0; i < 100000; i++) { f = sprintf("in/part-%05d.csv", i); printf "id,v\n%d,x\n", i > f; close(f) } }'
	tp-run -j "$(nproc)" --job-type testing in out >report
	grep -qx 'shards            100000' report || flunk "$(cat report)"
	grep -qx 'rows written      100000' report || flunk "$(cat report)"
	expect_eq "$(find out/testing -type f -name 'part-*.csv' | wc -l)" 100000 "output files"
	expect_eq "$(ctx_rec out/_tp/context shard | wc -l)" 100000 "shard records"
	# every row is where its shard says: the last and a middle one
	expect_eq "$(cat out/testing/part-99999.csv)" $'id,v\n99999,x' "shard 99999"
	expect_eq "$(cat out/testing/part-54321.csv)" $'id,v\n54321,x' "shard 54321"
}
