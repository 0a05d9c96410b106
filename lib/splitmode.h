/*
 * The split modes and the job types (SPEC section 7; tp(7), "Splits"): one table each,
 * naming every mode once with what each stage needs to know of it, so that tp-scan
 * parses --split, the merge fits the split and tp-split decides a row's split by asking
 * the table, not by comparing names. A mode is stored by name in the summary ("split"
 * record) and the context ("job" record), as before; the enum lives in memory only.
 *
 *   temporal:COL  train, val, test by the row's time in COL against two cutoffs fitted
 *                 on the sorted surviving times (SPEC section 7: train_cutoff = t[k],
 *                 test_cutoff = t[k + n_val], k = floor(n r)); rows of equal time share a
 *                 split. Pass 1 collects the time of every surviving row (summary "t"
 *                 records, or the time in each dedup key's record), and drops a row
 *                 whose time is missing. The default when a column orderDate or
 *                 transactionDate exists that is not the label.
 *   random        exact counts n_train = floor(n r), n_test = ceil((n - n_train) q),
 *                 n_val the rest, by the row's position in a seeded permutation of the
 *                 ranks of the surviving rows (tp_permute, hash.h); the rank counts the
 *                 rows kept in the shards before the row's own, so tp-split needs the
 *                 shard number. Pass 1 collects nothing beyond the rows kept per shard.
 *                 The default when there is no temporal column.
 *   stratified    random within each label class, with exact counts per class; needs a
 *                 label (-l COL). Pass 1 collects the surviving rows per class (summary
 *                 classes, or the class in each dedup key's record); the merge writes
 *                 each shard's rows per class before it (DIR/strata, context.h).
 *   group:COL     by a seeded hash of the row's COL value (tp_hash_value, hash.h): every
 *                 row of one value goes to the same split; fractions by rows,
 *                 approximately. Pass 1 only checks that COL exists; nothing is fitted.
 *   hash:COL      as group:COL, the rule SPEC section 7 states for appended data: a row
 *                 keeps its split when data is appended.
 *   none          no split: for the job types other than training, whose rows all go to
 *                 one split named after the job (SPEC section 7, last paragraph); a
 *                 training job scanned with it is an error (tp_merge_finish). Pass 1
 *                 looks for no default temporal column.
 */
#ifndef TP_SPLITMODE_H
#define TP_SPLITMODE_H

#include <stdint.h>

/* The split modes, in the order of the table (and of the --split usage message). */
typedef enum tp_splitmode {
    TP_SPLIT_TEMPORAL,
    TP_SPLIT_RANDOM,
    TP_SPLIT_STRATIFIED,
    TP_SPLIT_GROUP,
    TP_SPLIT_HASH,
    TP_SPLIT_NONE,
    TP_SPLIT_NMODES
} tp_splitmode;

/* What the COL of a --split MODE:COL names. */
typedef enum tp_splitarg {
    TP_SPLITARG_NONE,     /* the mode takes no column: MODE alone */
    TP_SPLITARG_TEMPORAL, /* the temporal column (the summary's "temporal" role) */
    TP_SPLITARG_SPLITCOL  /* the split column (the summary's "splitcol" role) */
} tp_splitarg;

/* What the merge fits for a training job (tp_merge_finish), from what pass 1 collected. */
typedef enum tp_splitfit {
    TP_FIT_NONE,    /* nothing: the decision needs only the seed and the ratios */
    TP_FIT_CUTOFFS, /* train_cutoff and test_cutoff, from the sorted times */
    TP_FIT_COUNTS,  /* n_train, n_val, n_test, from the rows kept */
    TP_FIT_STRATA   /* the same per label class, and DIR/strata */
} tp_splitfit;

/* How tp-split decides a row's split for a training job (pass 2). */
typedef enum tp_splitby {
    TP_BY_JOB,   /* not from the row: the split is named after the job type, and a
                    training job has no split (an error) */
    TP_BY_TIME,  /* the row's temporal value against the cutoffs */
    TP_BY_RANK,  /* the row's rank in a seeded permutation of all surviving rows */
    TP_BY_CLASS, /* the row's rank in a seeded permutation of its label class */
    TP_BY_HASH   /* a seeded hash of the row's split-column value */
} tp_splitby;

/* One row of the table of split modes. */
typedef struct tp_splitmode_def {
    tp_splitmode mode;
    const char *name; /* as stored in summaries and contexts and named in messages */
    const char *spec; /* as --split takes it: "temporal:COL", "random", ... */
    tp_splitarg arg;  /* what COL names, or TP_SPLITARG_NONE */
    int needs_label;  /* --split MODE without -l COL is a usage error (tp-scan) */
    int needs_shard;  /* tp-split needs the shard number (-n N): the decision counts
                         the rows kept in the shards before the row's own */
    tp_splitby by;    /* how tp-split decides a row's split */
    tp_splitfit fit;  /* what the merge fits for it */
} tp_splitmode_def;

/* The row of mode m, or NULL when m is not a tp_splitmode. */
const tp_splitmode_def *tp_splitmode_get(int m);

/* The name of mode m ("temporal", "random", ...), or NULL when m is not a tp_splitmode. */
const char *tp_splitmode_name(int m);

/*
 * The mode stored under name (a summary's or a context's split field, compared byte for
 * byte: "temporal", not "temporal:COL"), or NULL when name is NULL or no mode's name.
 * Records no error: the caller knows where the name came from.
 */
const tp_splitmode_def *tp_splitmode_lookup(const char *name);

/*
 * The one parse of a --split value: MODE, or MODE:COL for a mode that takes a column
 * (COL not empty), MODE spelled exactly as the table has it. Returns 0 with the mode in
 * *mode and in *col the COL part of spec (a pointer into spec) or NULL for a mode without
 * a column; or -1 with the error recorded: "--split: unknown mode 'SPEC' (temporal:COL,
 * random, stratified, group:COL, hash:COL, none)".
 */
int tp_splitmode_parse(const char *spec, tp_splitmode *mode, const char **col);

/*
 * The default mode of a scan without --split (SPEC section 7): temporal when a default
 * temporal column was found (has_time non-zero), else random.
 */
tp_splitmode tp_splitmode_default(int has_time);

/*
 * Whether the column named col is a default temporal column (SPEC section 7: orderDate
 * or transactionDate). tp-scan takes the first such column that is not the label.
 */
int tp_splitmode_default_time(const char *col);

/*
 * The split of position p (0-based) of a seeded permutation (tp_permute) of rows of
 * which the first n_train are train and the next n_val val: "train", "val" or "test"
 * (static strings). The rule of the random and the stratified split.
 */
const char *tp_split_by_position(uint64_t p, long long n_train, long long n_val);

/* The job types (--job-type), in the order of the table (and of the usage message). */
typedef enum tp_job {
    TP_JOB_TRAINING,
    TP_JOB_VALIDATION,
    TP_JOB_TESTING,
    TP_JOB_CALIBRATION,
    TP_JOB_NJOBS
} tp_job;

/*
 * The name of job type j ("training", "validation", "testing", "calibration"), or NULL
 * when j is not a tp_job. A training job splits its rows by the split mode; each other
 * job puts every surviving row in one split, named after the job (SPEC section 7).
 */
const char *tp_job_name(int j);

/* The job type stored under name (a context's job field), or -1 (no error recorded). */
int tp_job_lookup(const char *name);

/*
 * The one parse of a --job-type value, spelled exactly as the table has it. Returns 0
 * with the job in *job, or -1 with the error recorded: "--job-type: expected training,
 * validation, testing or calibration: 'TYPE'".
 */
int tp_job_parse(const char *s, tp_job *job);

#endif
