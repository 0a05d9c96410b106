/*
 * The partial summary: everything pass 1 learns from one shard, in a form that merges
 * with the summaries of other shards in any order (SPEC section 3). It holds the
 * header, per-column statistics, row and drop counts, the distinct label values, and
 * what the dedup and the temporal split need: with dedup, the earliest row of each key
 * in the shard; without dedup, a count per distinct temporal value. Its size is
 * proportional to the shard's distinct keys or times, never to the whole data set; its
 * memory in tp-scan is bounded (tp_summary_bound).
 *
 * File format (text, see text.h): first line "tp-summary<TAB>2", one record a line,
 * "end" last so that a truncated file is detected. Version 2 added the input record
 * (size and CRC-32 of the shard's bytes); it is required.
 */
#ifndef TP_SUMMARY_H
#define TP_SUMMARY_H

#include "map.h"
#include "runs.h"
#include "stats.h"

#include <stdint.h>

/* Value of a dedup key: its earliest row so far, ordered by (t, shard, row). */
typedef struct tp_keyrec {
    int64_t t; /* temporal value in microseconds; 0 without a temporal column */
    long long row;
    long shard;
    long label; /* index of the row's label value in tp_summary.labels, -1 without label */
} tp_keyrec;

/* Strict weak order of key records: earlier time first, then row identity. */
int tp_keyrec_before(const tp_keyrec *a, const tp_keyrec *b);

/*
 * An exploded array (--explode PATH): the child table of the array column PATH, its
 * columns (the union of its elements' flattened keys, "value" for elements that are not
 * objects) with their statistics over the elements of the rows read.
 */
typedef struct tp_xtable {
    char *path;
    long long rows; /* elements */
    size_t ncols;
    char **cols;
    tp_colstat *stats;
    long long *born; /* tp-scan: elements read before the column first appeared */
} tp_xtable;

void tp_xtable_free(tp_xtable *x, size_t n);

typedef struct tp_summary {
    long shard;
    char *source;   /* shard path as given to tp-scan */
    int header;     /* 1: the shard had a header line; 0: a signature was given;
                       2: JSON, the columns are its keys (json.h) */
    char *records;  /* JSON: --records PATH, or NULL */
    char *absent;   /* JSON: per column, 1 when no record has it (a role's column) */
    char *idcol;    /* --id: the column naming a row's child rows (_parent), or NULL */
    size_t nexpand; /* --expand-json: the columns expanded */
    char **expand;
    size_t nx; /* --explode: the child tables */
    tp_xtable *x;
    long long in_bytes;   /* size of the shard as read (compressed, for gzip) */
    unsigned long in_crc; /* CRC-32 of those bytes (see tp_in_sum) */
    long long rows, drop_label, drop_time, drop_key;
    long long bad; /* bad rows skipped (--on-bad-row skip or quarantine), within rows */
    size_t ncols;  /* 0 for a 0-byte shard without signature */
    char **cols;
    tp_colstat *stats;
    char *label, *dedup, *temporal; /* column names, NULL when not used */
    char *split;                    /* a split mode's name (splitmode.h) */
    char *splitcol;                 /* column of group:COL and hash:COL, else NULL */
    tp_map *labels;                 /* set of distinct non-missing label values */
    tp_map *classes;                /* label value -> long long surviving rows, without dedup */
    tp_map **distinct;              /* with tp-scan --distinct: per column the set of its values */
    int distinct_on;                /* scanned with --distinct: a summary of an empty shard has
                                       no value, yet must not pass for one made without it */
    tp_map *times; /* int64 time (8 bytes) -> long long count, rows kept without dedup */
    tp_map *keys;  /* dedup key -> tp_keyrec */
    size_t ntf;
    char **tf; /* the transforms the rows were checked for (transform.h), one spec each */
    /* what tp_summary_bound moved out of keys, times and distinct (runs.h), or NULL;
       the records written are those of a map and its runs together */
    tp_runfile *runfile;
    tp_runs *keys_runs, *times_runs, **distinct_runs;
} tp_summary;

/* The kinds of the maps that grow with a shard (runs.h): dedup keys (bytewise, the
 * earliest tp_keyrec kept), times (int64 keys in numeric order, counts added) and
 * distinct values (bytewise sets). A summary's records of each are written in that
 * order. */
extern const tp_runs_kind tp_summary_keys_kind, tp_summary_times_kind, tp_summary_distinct_kind;

/*
 * Keep the maps that grow with the shard (keys, times, distinct) within bytes in all
 * (tp_map_bytes): when they hold more, the largest are written as sorted runs to a
 * temporary file until half of bytes is free. The summary written is the same, byte for
 * byte, whatever the bound. 0, or -1 with an error recorded (the temporary file cannot be
 * written).
 */
int tp_summary_bound(tp_summary *s, size_t bytes);

/* Empty summary; all maps allocated. Free with tp_summary_free. */
tp_summary *tp_summary_new(void);
void tp_summary_free(tp_summary *s);

/*
 * Write to path ("-" = standard output; else atomically). Records are sorted (label
 * values and keys bytewise, times numerically), so equal inputs give equal bytes.
 * 0, or -1 with an error recorded.
 */
int tp_summary_write(const tp_summary *s, const char *path);

/*
 * Where tp_summary_read sends the records that grow with the shard (dedup keys and
 * temporal values) instead of keeping them in the maps, so that a reader can stream
 * them to disk in bounded memory. Callbacks return 0, or -1 with an error recorded.
 */
typedef struct tp_summary_sink {
    int (*key)(void *arg, const tp_summary *s, const char *key, int64_t t, long long row,
               const char *label);
    int (*time)(void *arg, int64_t t, long long count);
    /* col: the column's name, for a JSON shard's columns are its own (the merge lays
     * them out on the union by name) */
    int (*distinct)(void *arg, const char *col, const char *value);
    void *arg;
} tp_summary_sink;

/*
 * Read a summary file; NULL with "FILE:LINE: message" recorded on a malformed file.
 * With sink non-NULL, key and time records go to it and s->keys and s->times stay empty.
 */
tp_summary *tp_summary_read(const char *path, const tp_summary_sink *sink);

/* Sort helpers shared with the context: indexes of map entries in key byte order. */
size_t *tp_map_sorted(const tp_map *m);

#endif
