/* Minimal unit-test support: CHECK counts, prints failures with file and line. */
#ifndef TP_UNIT_H
#define TP_UNIT_H

#include <stdio.h>

extern int unit_pass, unit_fail;

#define CHECK(cond)                                                                                \
    do {                                                                                           \
        if (cond) {                                                                                \
            unit_pass++;                                                                           \
        } else {                                                                                   \
            unit_fail++;                                                                           \
            fprintf(stderr, "%s:%d: FAIL: %s\n", __FILE__, __LINE__, #cond);                       \
        }                                                                                          \
    } while (0)

void test_value(void);
void test_stats(void);
void test_map(void);
void test_text(void);
void test_reader(void);
void test_json(void);
void test_hash(void);
void test_context(void);
void test_context_shard(void);
void test_io(void);
void test_thrift(void);
void test_pqmeta(void);
void test_pqvalue(void);
void test_pqcodec(void);
void test_pqenc(void);
void test_pqwrite(void);
void test_record(void);
void test_spill(void);
void test_ixsort(void);
void test_toolopt(void);
void test_splitmode(void);
void test_ops_numeric(void);
void test_ops_cat(void);
void test_scanops(void);
void test_runs(void);
void test_span4(void);

#endif
