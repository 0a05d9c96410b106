/*
 * The global context: what pass 2 needs to know about the whole data set, built by
 * merging partial summaries (tp_merge_*) and stored in a context directory:
 *   DIR/context            one text file (see text.h), first line "tp-context<TAB>2"
 *   DIR/keep/part-NNNNN    with dedup: the 0-based row indexes of shard NNNNN that
 *                          survive, ascending, one a line
 *   DIR/strata/part-NNNNN  stratified split: rows of each class in earlier shards
 * A pass-2 worker reads DIR/context (size: columns, label vocabulary, shards) and the
 * keep list of its own shard only, so its memory does not grow with the number of
 * distinct keys in the data set (SPEC section 6).
 */
#ifndef TP_CONTEXT_H
#define TP_CONTEXT_H

#include "stats.h"
#include "summary.h"
#include "value.h"

#include <stddef.h>
#include <stdint.h>

typedef struct tp_concat {
    char *name;
    size_t n;
    size_t *src; /* input column indexes */
} tp_concat;

/* A class of the stratified split: exact counts per split (SPEC section 7). */
typedef struct tp_class {
    char *value; /* label value as written (vocabulary index, or the integer itself) */
    long long n, n_train, n_val, n_test;
} tp_class;

typedef struct tp_shardinfo {
    long shard;
    char *source;
    long long rows, drop_label, drop_time, drop_key, drop_dup, kept;
    long long bad;     /* bad rows skipped or quarantined (within rows) */
    long long bytes;   /* size of the shard as pass 1 read it */
    unsigned long crc; /* CRC-32 of those bytes, checked by pass 2 */
    long long before;  /* rows kept by the shards of lower number (the rank offset) */
} tp_shardinfo;

typedef struct tp_context {
    int header;     /* shards have a header line (0: headerless, columns = signature;
                       2: JSON, every record mapped into the columns, json.h) */
    char *records;  /* JSON: the records path of pass 1 (--records), or NULL */
    char *idcol;    /* --id: the column whose value is a child row's _parent, or NULL */
    size_t nexpand; /* --expand-json: the columns pass 1 expanded */
    char **expand;
    size_t nx; /* --explode: the child tables (their statistics over all shards) */
    tp_xtable *x;
    long *xcol;          /* per child table: the input column of its array */
    size_t nin;          /* input columns */
    char **in;           /* input column names as in the data */
    size_t nout;         /* output columns: the nin renamed inputs, then the concat columns */
    char **out;          /* output names ("__DOT__" -> ".") */
    const char **type;   /* output types: "int64" "float64" "bool" "object" (static strings) */
    tp_colstat *stats;   /* per input column, over all rows read */
    long long *distinct; /* per input column: distinct non-missing values, -1 unknown */
    size_t nconcat;
    tp_concat *concat;
    long label, dedup, temporal; /* input column index, or -1 */
    long splitcol;               /* input column of group:COL / hash:COL, or -1 */
    int vocab;                   /* label values mapped through vocabv (else kept) */
    size_t nvocab;
    char **vocabv; /* sorted bytewise; value vocabv[i] is written as i */
    char *job;     /* a job type's name (tp_job_name, splitmode.h) */
    char *split;   /* a split mode's name (tp_splitmode_name, splitmode.h) */
    tp_ratio r, q;
    long long seed;
    long long n, n_train, n_val, n_test; /* surviving rows, and per split */
    int has_train_cut, has_test_cut;     /* 0: cutoff beyond the newest value */
    int64_t train_cut, test_cut;         /* microseconds (see tp_parse_time) */
    size_t nshards;
    tp_shardinfo *shards; /* sorted by shard number */
    size_t nclass;        /* stratified: classes sorted bytewise by value */
    tp_class *classes;
    /* with fitted transforms: the columns pass 2 writes (the transforms' output columns,
     * then the concat columns) and their types; set by tp_context_set_final */
    size_t nfinal;
    char **final;
    const char **ftype;
    long *fsrc; /* per final column: the input column it passes unchanged, or -1 */
} tp_context;

/* Options of the merge that are not in the summaries. */
typedef struct tp_merge_opts {
    const char *job; /* job type; NULL = "training" */
    tp_ratio r, q;
    long long seed;
    size_t nconcat;
    char **concat;            /* "NAME=COL,COL,..." */
    const char *memory;       /* sort(1) -S size for the external sorts; NULL = "40M" */
    long long max_bad;        /* --max-bad-rows as a count; -1 = any (unless a fraction) */
    int max_bad_fraction;     /* the limit is max_bad_ratio of the rows read */
    tp_ratio max_bad_ratio;   /* exact decimal fraction */
    const char *max_bad_text; /* as given, for the message */
    const char *fit_on;       /* --fit-on train|all for the transforms; NULL = train */
    const char *fit_from;     /* --fit-from DIR: an earlier run's OUTPUT_DIR, whose fitted
                                 transforms and label vocabulary this one applies */
} tp_merge_opts;

/*
 * Parse a --concat spec "NAME=COL,COL,...": NAME up to the first '=', not empty and not
 * tp:split, then one or more comma-separated column names, none empty. The one parse of
 * the spec: tp-context checks its options with it (a usage error), the merge resolves the
 * columns with it (an unknown column is a data error, tp_merge_finish). Returns the
 * number of columns, with NAME in *name (malloc'd) and the columns in *cols (free with
 * tp_strv_free), or -1 with an error recorded ("--concat: expected NAME=COL,COL,...").
 */
long tp_concat_parse(const char *spec, char **name, char ***cols);

typedef struct tp_merge tp_merge;

/*
 * Start a merge into the context directory dir (created if needed). Dedup keys and
 * temporal values are spilled to record files under DIR/tmp and sorted there with GNU
 * sort (see spill.h), so memory stays bounded by o->memory plus what grows with the
 * number of shards, columns and label classes, never with rows or keys. Returns NULL
 * with an error recorded when DIR/tmp cannot be created.
 */
tp_merge *tp_merge_new(const tp_merge_opts *o, const char *dir);

/*
 * The sink to read summaries with (tp_summary_read(path, tp_merge_sink(m))): their dedup
 * keys and temporal values go straight to m's record files, never into memory.
 */
const tp_summary_sink *tp_merge_sink(tp_merge *m);

/*
 * Add one summary (takes ownership of s). Order does not matter. -1 with an error
 * recorded (naming path) when it does not fit the others: other columns, other label,
 * dedup or temporal column, or a shard number seen before.
 */
int tp_merge_add(tp_merge *m, tp_summary *s, const char *path);

/*
 * Finish: compute types, vocabulary, dedup winners (DIR/keep), split boundaries or
 * counts (DIR/strata for stratified), and write DIR/context. Returns the context (free
 * with tp_context_free) or NULL with an error recorded. Frees m.
 */
tp_context *tp_merge_finish(tp_merge *m);

/* Give up a merge: remove its record files and DIR/tmp, free m. NULL is ignored. */
void tp_merge_abort(tp_merge *m);

/* Read DIR/context; NULL with an error recorded. */
tp_context *tp_context_read(const char *dir);

/*
 * Read DIR/context for a pass-2 worker of one shard: everything but the shard records,
 * of which only that of shard (>= 0) is loaded, found by a binary search over the
 * sorted records with pread (as look(1) searches a sorted file): O(log shards) reads,
 * so that a run of many shards does not parse every shard's record in every worker.
 * c->nshards is 1 and c->shards[0] the record when the shard is in the context, else
 * 0; its source is not loaded (NULL). NULL with an error recorded.
 */
tp_context *tp_context_read_shard(const char *dir, long shard);
void tp_context_free(tp_context *c);

/*
 * The columns pass 2 writes when transforms change them: names and src (taken; freed
 * with c; src as tp_tfset_read_columns gives it) and static types, n of them, followed by c's
 * concat columns. Signature and metadata then describe these (tp_context_write_outputs).
 */
void tp_context_set_final(tp_context *c, char **names, const char **types, long *src, size_t n);

/* Index of shard number in c->shards, or -1. */
long tp_context_shard(const tp_context *c, long shard);

/*
 * Write OUTDIR/signature/signature and OUTDIR/metadata/metadata (SPEC section 8),
 * each atomically; with json, also OUTDIR/metadata/metadata.json: per output column
 * the type and the exact statistics of pass 1 (count, missing, min, max, mean,
 * population std, distinct values of object columns when scanned with --distinct).
 * 0 or -1 with an error recorded.
 */
int tp_context_write_outputs(const tp_context *c, const char *outdir, int json);

/* Path of the keep list of shard in dir: "DIR/keep/part-NNNNN" (malloc'd). */
char *tp_keep_path(const char *dir, long shard);

/*
 * Path of the strata file of shard in dir: "DIR/strata/part-NNNNN" (malloc'd): lines
 * "OFFSET<TAB>COUNT<TAB>CLASS": the rows of each class in the shards before this one,
 * and in this one.
 */
char *tp_strata_path(const char *dir, long shard);

/* "YYYY-MM-DD HH:MM:SS[.ffffff]" (UTC) of a time in microseconds; buf >= 40 bytes. */
void tp_format_time(int64_t us, char *buf, size_t size);

/* Index of the input column named name, or -1. */
long tp_context_col(const tp_context *c, const char *name);

/* Whether input column in is exploded (--explode): no column of the output, a child table. */
int tp_context_exploded(const tp_context *c, long in);

#endif
