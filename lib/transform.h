/*
 * The transform driver: fitted feature transforms (op.h) from spec to serving artifact.
 * It knows the operations only through the table tp_ops[] and runs one lifecycle for all:
 *
 *   specs    --transform OP:COL[,COL...][:KEY=VALUE...] (and --transforms FILE), parsed
 *            and checked once (tp_tfset_add), given to tp-scan, which checks every row
 *            with tp_tfset_check (a value a numeric transform cannot take is a bad row in
 *            pass 1, so that the row counts of the split stay exact) and records the specs
 *            in its summary; tp-context writes them to CTX/transform/specs;
 *   collect  the fit pass, tp-transform --before-fit | tp-split --fit FILE per shard: on
 *            each fitting row (the train split, or with fit_on all every surviving row)
 *            tp_tfcollect_row feeds each transform's accumulators, and the shard's
 *            partial is written to FILE (tally memory bounded: flushed to FILE as it
 *            grows);
 *   merge    tp-context --fit: tp_tffit_* merges the partials (moments in memory in shard
 *            order; tallies spilled, sorted and reduced with GNU sort), finishes every
 *            transform in spec order and writes CTX/transform/ (fit, transform.json,
 *            vocab/);
 *   apply    pass 2, tp-transform: tp_tfset_read_fit then tp_tfset_apply on every row.
 *
 * Files under a fit directory D (normally CTX/transform, copied to OUT/transform):
 *   D/specs          "tp-transform-specs<TAB>1", "fit_on<TAB>train|all", "spec<TAB>SPEC"
 *                    per transform (one column each), "end";
 *   D/fit            "tp-fit<TAB>1", "fit_on<TAB>..", "rows<TAB>N" (fitting rows),
 *                    "seed<TAB>S" (the fitting run's --seed, which hash keeps),
 * "t<TAB>K<TAB>SPEC<TAB>ROWS<TAB>MISSING <TAB>FIELDS..." per transform (FIELDS its operation's),
 * then "col<TAB>NAME<TAB>TYPE<TAB>SRC" per output column of pass 2 (SRC the input column it passes
 * unchanged, -1 for a transform's), "end"; D/transform.json every transform with its column,
 * parameters and fitted values, the fitting rows, fit_on and tp's version, for serving;
 *   D/vocab/NAME.txt vocabularies (vocab.h).
 * A fit partial: "tp-fit-partial<TAB>1", "shard<TAB>N", tally records "v<TAB>K<TAB>VALUE<TAB>
 * COUNT" (values) and "x<TAB>K<TAB>HEX<TAB>COUNT" (numbers, tp_tally_numkey), then
 * "r<TAB>K<TAB>ROWS<TAB>MISSING" and "m<TAB>K<TAB>N<TAB>MEAN<TAB>M2<TAB>MIN<TAB>MAX", "end".
 */
#ifndef TP_TRANSFORM_H
#define TP_TRANSFORM_H

#include "op.h"
#include "reader.h"

#include <stddef.h>

enum { TP_FIT_TRAIN = 0, TP_FIT_ALL = 1 };

typedef struct tp_tfset {
    size_t n;
    tp_tf *tf;                   /* in spec order; one column each */
    long *in;                    /* per transform: its input column index, -1 until bound */
    int fit_on;                  /* TP_FIT_* */
    unsigned long long seed;     /* --seed, for hash */
    long long rows;              /* fitting rows (after a fit) */
    long long *trows, *tmissing; /* per transform, after a fit */
    /* after tp_tfset_bind: per input column the transforms of its chain, in order */
    size_t ncols;
    size_t *chain_n;
    size_t **chain;
    size_t *nextra; /* per transform: the extra columns it gives (computed on first use) */
} tp_tfset;

/* An empty set (fit_on train), seed for hash. Free with tp_tfset_free. */
tp_tfset *tp_tfset_new(unsigned long long seed);
void tp_tfset_free(tp_tfset *s);

/*
 * Add the transforms of one spec "OP:COL[,COL...][:KEY=VALUE...]" (a backslash escapes
 * ':', ',' and '\' in a column name or value). One transform per column, each with the
 * spec "OP:COL[:KEY=VALUE...]" of its own. 0, or -1 with a usage message recorded:
 * unknown operation or key, a bad value (the operation's parse), an empty column, or a
 * chain that breaks the rule of op.h ("--transform zscore:x: x is already transformed
 * by vocab; only impute, log1p or hash may come before another transform").
 */
int tp_tfset_add(tp_tfset *s, const char *spec);

/* Add the specs of a file, one a line (blank lines and lines starting with '#'
 * ignored). 0, or -1 with "FILE:LINE: ..." recorded. */
int tp_tfset_add_file(tp_tfset *s, const char *path);

/* "--fit-on: expected train or all: 'x'" on a bad value. 0 or -1. */
int tp_tfset_fit_on(tp_tfset *s, const char *value);

/*
 * A usage error when a column of a role (label, dedup key, temporal, group/hash column;
 * NULL when not used) is transformed: "--transform zscore:y: 'y' is the label column; the
 * label, dedup key, temporal and group columns cannot be transformed". 0 or -1.
 */
int tp_tfset_roles(const tp_tfset *s, const char *label, const char *dedup, const char *temporal,
                   const char *group);

/* 1 when some transform needs a fit (has accumulators), else 0. */
int tp_tfset_needs_fit(const tp_tfset *s);

/*
 * Bind to the input columns names[0..n-1]: each transform's column by name, the chains
 * per column. 0, or -1 with "FILE:1: transform SPEC: column 'x' not found" recorded
 * (file may be NULL).
 */
int tp_tfset_bind(tp_tfset *s, char *const *names, size_t n, const char *file);

/*
 * Check one row (fields f[idx[j]] hold input column j; idx NULL for the identity): every
 * value a transform reads must be one it can take. Returns 0, or 1 with the input column
 * in *col and the reason in why ("zscore: not a number: 'abc'") for a bad row.
 */
int tp_tfset_check(tp_tfset *s, const char *const *f, const size_t *len, const long *idx, long *col,
                   char *why, size_t whysize);

/* Write D/specs (fit_on and the specs). 0 or -1. */
int tp_tfset_write_specs(const tp_tfset *s, const char *dir);

/* Read D/specs into a new set; NULL with an error recorded (a missing file is an error:
 * call only when tp_tfset_exists(dir, "specs")). */
tp_tfset *tp_tfset_read_specs(const char *dir, unsigned long long seed);

/* 1 when D/NAME exists ("specs", "fit"), else 0. */
int tp_tfset_exists(const char *dir, const char *name);

/* ---- the fit pass: collection in tp-split ---- */
typedef struct tp_tfcollect tp_tfcollect;

/* Start collecting shard's partial into path (atomically; "-" for standard output),
 * with at most about mem bytes of tallies held before they are flushed. */
tp_tfcollect *tp_tfcollect_new(tp_tfset *s, long shard, const char *path, size_t mem);

/* One fitting row: fields as for tp_tfset_check (the row passed it). 0 or -1. */
int tp_tfcollect_row(tp_tfcollect *c, const char *const *f, const size_t *len, const long *idx);

/* Write the rest and commit; frees c. 0 or -1 (nothing is left behind). */
int tp_tfcollect_finish(tp_tfcollect *c);
void tp_tfcollect_abort(tp_tfcollect *c);

/* ---- the merge: tp-context --fit ---- */
typedef struct tp_tffit tp_tffit;

/* Start fitting s (bound or not) into the fit directory dir, sorting with memory under
 * dir/tmp. NULL with an error recorded. */
tp_tffit *tp_tffit_new(tp_tfset *s, const char *dir, const char *memory);

/* Merge one partial file. 0, or -1 with "FILE:LINE: ..." recorded. */
int tp_tffit_add(tp_tffit *f, const char *path);

/*
 * Finish every transform in spec order and write dir/fit, dir/transform.json and the
 * vocabularies; the output columns come from the input columns names/types (n of them,
 * the names pass 2 writes). 0 or -1. Frees f; s is fitted after it.
 */
int tp_tffit_finish(tp_tffit *f, char *const *names, const char *const *types, size_t n,
                    const char *version);
void tp_tffit_abort(tp_tffit *f);

/* Read D/fit (and the vocabularies) into a new, fitted set; NULL with an error. */
tp_tfset *tp_tfset_read_fit(const char *dir, unsigned long long seed);

/*
 * The output columns pass 2 writes, from D/fit: *names (free with tp_strv_free), *types
 * (static strings; free the array) and, when src is not NULL, *src (malloc'd): the input
 * column each passes unchanged, -1 for a transform's output. Returns their number, or -1.
 */
long tp_tfset_read_columns(const char *dir, char ***names, const char ***types, long **src);

/*
 * Apply a fitted, bound set to one row (input fields f[0..ncols-1]) and write its output
 * columns through put (the columns of tp_tfset_read_columns, in order; an input column
 * without transform is passed as it is). 0, or -1 with an error recorded.
 */
int tp_tfset_apply(tp_tfset *s, const char *const *f, const size_t *len,
                   int (*put)(void *arg, const char *s, size_t n, int missing), void *arg);

/* ---- reuse: tp-context --fit-from ---- */

/* Copy the fit directory from (an earlier run's OUTPUT_DIR/transform) to to: specs, fit,
 * transform.json, labels and vocab/. 0, or -1 with an error recorded. */
int tp_tfset_copy_fit(const char *from, const char *to);

/* Rewrite the column records of D/fit for the input columns names/types (n) of this
 * run's context: a transform's column that is not among them is an error. 0 or -1. */
int tp_tfset_rebind_fit(const char *dir, char *const *names, const char *const *types, size_t n,
                        unsigned long long seed);

/*
 * The label vocabulary of a run with transforms, for --fit-from: D/labels holds
 * "tp-labels<TAB>1", "label<TAB>COL", "vocab<TAB>0|1" (1: values are written as their
 * index), "v<TAB>VALUE" in index order, "end". write: 0 or -1; read: the number of
 * values (with *col, *vocab and *values malloc'd) or -1.
 */
int tp_labels_write(const char *dir, const char *col, int vocab, char *const *values, size_t n);
long tp_labels_read(const char *dir, char **col, int *vocab, char ***values);

#endif
