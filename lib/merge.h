/*
 * The state of a merge of partial summaries (context.h's tp_merge): the merge engine
 * (context.c) keeps the shards, their statistics and roles, and knows the scan
 * operations (scanop.h) only through their table; their merge and finish hooks keep
 * their state here. Two parts are shared, by design, between operations, since they
 * describe the rows that survive rather than one operation: the survivors' times in
 * the spill (counted per time by pass 1 without dedup, or the dedup winners' times:
 * read by scan_temporal.c) and per shard the survivors' classes (the same: read by
 * scan_strata.c). scan_dedup.c fills both in its finish (phase TP_SCAN_SURVIVORS),
 * before the phase TP_SCAN_SPLITS reads them. Internal to the library.
 */
#ifndef TP_MERGE_H
#define TP_MERGE_H

#include "context.h"
#include "map.h"
#include "spill.h"
#include "summary.h"

#include <stddef.h>

/* One shard's part of the merge. */
typedef struct tp_shardacc {
    tp_shardinfo info;
    tp_summary *head; /* the summary without its maps: columns and roles */
    tp_colstat *stats;
    tp_map *classes; /* raw label value -> long long surviving rows (shared, above) */
} tp_shardacc;

struct tp_merge {
    tp_merge_opts o;
    const char *dir;
    char *tmp;   /* DIR/tmp: the spill's directory (spill.h) */
    char *first; /* shard of the first summary with columns */
    int header;
    size_t ncols;
    char **cols;
    char *label, *dedup, *temporal, *split, *splitcol;
    char *records;  /* JSON shards: --records PATH of their scan, or NULL */
    char *idcol;    /* --id of their scan, or NULL */
    size_t nexpand; /* --expand-json of their scan */
    char **expand;
    tp_map *labels;  /* the label values of all shards (scan_label.c) */
    tp_spill *sp;    /* under DIR/tmp: dedup keys (scan_dedup.c), the survivors' times
                        (shared, above), distinct values (scan_distinct.c) */
    tp_shardacc *sh; /* sorted by shard number once the finish starts */
    size_t nsh, shcap;
    int have_cols;
    int failed;
    size_t ntf;
    char **tf; /* the transforms of the summaries (transform.h) */
};

/* "A/B" (malloc'd). */
char *tp_merge_join(const char *a, const char *b);

#endif
