/*
 * The interface of a fitted feature transform (an "operation"), and the table of them
 * (ops.c), as GNU datamash keeps op-defs.c and one lifecycle. Each operation is one file
 * (op_zscore.c, op_vocab.c, ...) that fills one tp_opdef; the driver (transform.c) knows
 * operations only through this table and runs the same lifecycle for all of them:
 *
 *   parse    the KEY=VALUE parameters of a spec "OP:COL[,COL...][:KEY=VALUE...]"
 *            (a usage error when one is wrong), once per column;
 *   collect  on the fitting rows (the train split, or all surviving rows), the driver
 *            feeds the accumulators the operation asks for (acc): exact moments,
 *            merged in memory (Chan, Golub and LeVeque 1979), and value tallies, which
 *            grow with the distinct values and are therefore spilled and reduced
 *            through GNU sort (sort.h) in bounded memory;
 *   finish   from the merged accumulators into the fitted result (t->fit);
 *   write/read the fitted result as one record of the fit file (record.h), which is
 *            what the context carries to pass 2 and what --fit-from reads back;
 *   json     its members of OUT/transform/transform.json;
 *   apply    to one value of a row in pass 2 (and to the fill of an impute before it);
 *   columns  the output columns it gives, with their metadata types.
 *
 * Values are text as the reader gives them; a missing value (tp_is_missing) stays
 * missing through every operation but impute, vocab and onehot. A chain of operations
 * on one column applies in the order given; an operation may follow only impute, log1p
 * or hash on the same column (its fit then sees the values they give, and the fill of
 * an impute counts as that many more values), so that one extra pass fits them all.
 */
#ifndef TP_OP_H
#define TP_OP_H

#include "io.h"

#include <stddef.h>
#include <stdint.h>

/* What an operation collects on the fitting rows (bits of tp_opdef.acc). */
enum {
    TP_ACC_MOMENTS = 1 << 0, /* count, mean, M2, min, max of the numeric values */
    TP_ACC_VALUES = 1 << 1,  /* count per distinct value, read back by count descending,
                                then bytewise ascending: vocabularies and the mode */
    TP_ACC_NUMBERS = 1 << 2  /* count per distinct number, read back ascending:
                                exact medians and quantiles */
};

/* Flags of an operation (tp_opdef.flags). */
enum {
    TP_OP_NUMERIC = 1 << 0, /* its input must be a number: else a bad row
                               ("OP: not a number: 'abc'") */
    TP_OP_LAST = 1 << 1,    /* gives several columns in place of the value (onehot):
                               nothing may follow it on the column */
    TP_OP_PREFIX = 1 << 2   /* may precede another operation on the column (impute,
                               log1p, hash): its output feeds the next one's fit */
};

/* Exact moments of the numeric values seen (TP_ACC_MOMENTS). */
typedef struct tp_moments {
    long long n;     /* values */
    double mean, m2; /* running mean and sum of squared deviations (Welford 1962) */
    double min, max; /* valid when n > 0 */
} tp_moments;

void tp_moments_init(tp_moments *m);
void tp_moments_add(tp_moments *m, double x);
/* a += b: the pairwise update of Chan, Golub and LeVeque (1979). */
void tp_moments_merge(tp_moments *a, const tp_moments *b);
/* Population standard deviation sqrt(m2 / n); 0 when n == 0. */
double tp_moments_std(const tp_moments *m);

/*
 * A tally read back in order (TP_ACC_VALUES: count descending, then bytewise; or
 * TP_ACC_NUMBERS: ascending numbers). next gives 1 and the entry (value valid until
 * the next call; for TP_ACC_NUMBERS also *x), 0 at the end, -1 with an error recorded.
 */
typedef struct tp_tally_rd tp_tally_rd;
int tp_tally_next(tp_tally_rd *r, const char **value, size_t *n, double *x, long long *count);

/*
 * Open a tally file (tally.c) for reading in its order: one entry a line,
 * "[SORTKEY<TAB>]VALUE<TAB>COUNT" (the last two fields are used), VALUE escaped as in
 * text.h; for numbers (numbers != 0) VALUE is the 16 hex digits of tp_tally_numkey,
 * which sort bytewise as the numbers do, and next gives the number's text
 * (tp_tf_fmt) and *x. NULL with an error recorded.
 */
tp_tally_rd *tp_tally_open(const char *path, int numbers);
void tp_tally_close(tp_tally_rd *r);

/* The order-preserving 64-bit key of a double (IEEE 754 bits, sign flipped for
 * positives, all bits flipped for negatives; -0 as 0) in 16 lowercase hex digits and a
 * NUL in key[17]; tp_tally_numval is its inverse (-1 on malformed text). */
void tp_tally_numkey(double x, char key[17]);
int tp_tally_numval(const char *key, double *x);

/* What finish receives: the accumulators over the fitting rows, prefill included. */
typedef struct tp_fitdata {
    long long rows;        /* fitting rows */
    long long missing;     /* of them, missing at this operation (0 after an impute) */
    long long values;      /* rows - missing: the values in the tallies */
    const tp_moments *mom; /* TP_ACC_MOMENTS, else NULL */
    tp_tally_rd *tally;    /* TP_ACC_VALUES or TP_ACC_NUMBERS, else NULL */
    const char *dir;       /* the fit directory, for files of the fit (vocabularies) */
    const char *memory;    /* sort(1) -S size for the sorts a finish runs (sort.h) */
    const char *tmpdir;    /* their temporary directory */
    const char *col;       /* the column's name (output name) */
    long index;            /* the transform's index in the spec list, from 0 */
} tp_fitdata;

/* A value passed along the chain. s/n are valid when !missing. */
typedef struct tp_tfval {
    const char *s;
    size_t n;
    int missing;
} tp_tfval;

/* One transform of one column: an operation, its parameters and its fitted result. */
typedef struct tp_tf {
    const struct tp_opdef *op;
    char *spec; /* the spec for this column alone, "OP:COL[:KEY=VALUE...]" (messages, fit file) */
    char *col;  /* column name as in the data */
    size_t nkv;
    char **key, **val; /* the KEY=VALUE parameters as given */
    void *p;           /* the operation's parsed parameters and fitted result (its own) */
    uint64_t seed;     /* --seed, for hash (set by the driver before parse) */
    char buf[64];      /* scratch for a value apply gives (a number's text) */
} tp_tf;

/* Output columns of a transform: names and metadata types. */
typedef struct tp_tfcol {
    char *name;       /* malloc'd */
    const char *type; /* "int64", "float64", "bool" or "object" (static) */
} tp_tfcol;

typedef struct tp_opdef {
    const char *name;        /* "zscore" */
    const char *const *keys; /* the KEYs it takes, NULL-terminated */
    unsigned flags;          /* TP_OP_* */
    /* the accumulators it needs (TP_ACC_*); given t, since impute's depend on with= */
    unsigned (*acc)(const tp_tf *t);
    /* check and parse t->key/t->val into t->p. 0, or -1 with a usage message recorded
     * ("--transform vocab:x:top_k=-1: top_k: not an integer in [1, ...]") */
    int (*parse)(tp_tf *t);
    /* the fitted result from the fitting rows. 0, or -1 with an error recorded */
    int (*finish)(tp_tf *t, const tp_fitdata *d);
    /* the fitted result's fields (after the common ones), through record.h */
    int (*write_fit)(const tp_tf *t, tp_out *o);
    /* read them back: f[0..n-1], on a t that parse has filled from the spec the fit
     * file holds; dir as in finish. 0, or -1 with an error recorded (a field reader's
     * message, or one naming what is wrong, without a file: the driver adds it) */
    int (*read_fit)(tp_tf *t, char *const *f, size_t n, const char *dir);
    /* its members of transform.json after "op", "column", "params", each one preceded
     * by ", " (", \"mean\": 1.5, \"std\": 2"), so that an operation with none writes
     * nothing and the driver writes no separator; without braces. 0 or -1 */
    int (*json)(const tp_tf *t, tp_out *o);
    /* the output columns for a column whose input type is intype: *n columns into
     * cols (malloc'd array); the first one is the value passed on along the chain
     * unless TP_OP_LAST */
    void (*columns)(const tp_tf *t, const char *col, const char *intype, tp_tfcol **cols,
                    size_t *n);
    /* apply to one value: *out is the value passed on (it may point into in, t->buf or
     * t->p); extra columns (impute's COL_missing, onehot's 0/1) go to extra[0..] as
     * many as columns gave beyond the first (TP_OP_LAST: all of them). A number that
     * does not parse cannot reach apply (the driver rejects the row first). 0, or -1
     * with an error recorded. */
    int (*apply)(tp_tf *t, const tp_tfval *in, tp_tfval *out, tp_tfval *extra);
    void (*free)(tp_tf *t); /* free t->p */
} tp_opdef;

/* The table of operations, in the order of the manual (ops.c); NULL-terminated. */
extern const tp_opdef *const tp_ops[];
extern const tp_opdef tp_op_zscore;    /* op_zscore.c */
extern const tp_opdef tp_op_minmax;    /* op_minmax.c */
extern const tp_opdef tp_op_bucketize; /* op_bucketize.c */
extern const tp_opdef tp_op_hash;      /* op_hash.c */
extern const tp_opdef tp_op_log1p;     /* op_log1p.c */
extern const tp_opdef tp_op_impute;
extern const tp_opdef tp_op_vocab;
extern const tp_opdef tp_op_onehot;

/* The operation named name, or NULL. */
const tp_opdef *tp_op_find(const char *name);

/* The value of KEY in t's parameters, or NULL when not given. */
const char *tp_tf_param(const tp_tf *t, const char *key);

/*
 * The integer parameter KEY of t in [min, max] (tp_opt_ll): 1 with *v set when given,
 * 0 when not given (*v untouched), -1 with the usage message "--transform SPEC: KEY: not
 * an integer in [MIN, MAX]: 'S'" recorded.
 */
int tp_tf_int(const tp_tf *t, const char *key, long long min, long long max, long long *v);

/* A number as the text a transform writes: the shortest of %.15g, %.16g, %.17g that
 * reads back to the same double (as tp_pq_fmt_double); buf >= 32 bytes. Returns the
 * length. */
size_t tp_tf_fmt(double x, char *buf);

/* Strict number of a value (tp_parse_double): 0, or -1 when it is not a number. */
int tp_tf_num(const tp_tfval *v, double *x);

#endif
