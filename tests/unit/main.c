/* Unit-test runner: runs every group, prints "N passed, N failed", exits 1 on a failure. */
#include "unit.h"

int unit_pass, unit_fail;

int
main(void)
{
    test_value();
    test_stats();
    test_map();
    test_text();
    test_reader();
    test_json();
    test_hash();
    test_context();
    test_context_shard();
    test_io();
    test_thrift();
    test_pqmeta();
    test_pqvalue();
    test_pqcodec();
    test_pqenc();
    test_pqwrite();
    test_record();
    test_spill();
    test_ixsort();
    test_scanops();
    test_runs();
    test_span4();
    test_toolopt();
    test_splitmode();
    test_ops_numeric();
    test_ops_cat();
    printf("%d passed, %d failed\n", unit_pass, unit_fail);
    return unit_fail ? 1 : 0;
}
