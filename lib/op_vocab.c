/*
 * vocab:COL[:top_k=N][:min_freq=N][:oov=N][:missing=ID]: a column's values as integer
 * ids, as tf.Transform's compute_and_apply_vocabulary (vocabulary + apply_vocabulary):
 * the fit is the vocabulary of the fitting rows' values, most frequent first (ties
 * bytewise), those seen at least min_freq times (default 1), at most top_k of them
 * (default all); a value's id is its rank 0..k-1. A value not in the vocabulary gets
 * -1, or with oov=N buckets (num_oov_buckets) k + SipHash(value) mod N, the hash of
 * hash.h keyed 0 (not --seed: the buckets stay where they are whatever the split's
 * seed). A missing value gets missing=ID when given, else what the empty string gets.
 * Fitted result: the vocabulary files (vocab.h) and the record fields
 * "k top_k min_freq oov has_missing missing name" (top_k 0: not given; name the file
 * stem under DIR/vocab). Output: one int64 column.
 */
#include "op.h"

#include "err.h"
#include "hash.h"
#include "pqvalue.h"
#include "record.h"
#include "vocab.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct vp {
    long long top_k; /* 0: not given */
    long long min_freq, oov, missing;
    int has_missing;
    long long k; /* fitted: values in the vocabulary */
    char *name;  /* fitted: the vocabulary's file stem */
    tp_vocab *v; /* fitted: its lookup */
} vp;

static unsigned
acc(const tp_tf *t)
{
    (void)t;
    return TP_ACC_VALUES;
}

static int
parse(tp_tf *t)
{
    vp *p = tp_xcalloc(1, sizeof *p);
    t->p = p;
    p->min_freq = 1; /* top_k 0: no limit; oov 0: unseen values get -1 */
    int has_missing = 0;
    if (tp_tf_int(t, "top_k", 1, LLONG_MAX, &p->top_k) < 0 ||
        tp_tf_int(t, "min_freq", 1, LLONG_MAX, &p->min_freq) < 0 ||
        tp_tf_int(t, "oov", 0, 1000000000, &p->oov) < 0 ||
        (has_missing = tp_tf_int(t, "missing", LLONG_MIN, LLONG_MAX, &p->missing)) < 0)
        return -1;
    p->has_missing = has_missing;
    return 0;
}

static int
finish(tp_tf *t, const tp_fitdata *d)
{
    vp *p = t->p;
    p->name = tp_vocab_name(d->col);
    p->k = tp_vocab_fit(d, p->name, p->top_k, p->min_freq);
    if (p->k < 0)
        return -1;
    p->v = tp_vocab_open(d->dir, p->name);
    return p->v ? 0 : -1;
}

static int
write_fit(const tp_tf *t, tp_out *o)
{
    const vp *p = t->p;
    const long long v[] = {p->k, p->top_k, p->min_freq, p->oov, p->has_missing, p->missing};
    return tp_rec_ints(o, v, 6) || tp_rec_str(o, p->name) ? -1 : 0;
}

static int
read_fit(tp_tf *t, char *const *f, size_t n, const char *dir)
{
    if (!t->p)
        t->p = tp_xcalloc(1, sizeof(vp));
    vp *p = t->p;
    long long v[6];
    if (n != 7) {
        tp_err(NULL, 0, "malformed vocab fit: %zu fields, expected 7", n);
        return -1;
    }
    if (tp_field_ints(f, 6, v) < 0)
        return -1;
    if (v[0] < 0 || v[1] < 0 || v[2] < 1 || v[3] < 0 || (v[4] != 0 && v[4] != 1) ||
        f[6][0] == '\0') {
        tp_err(NULL, 0, "malformed vocab fit: a field out of range");
        return -1;
    }
    p->k = v[0], p->top_k = v[1], p->min_freq = v[2], p->oov = v[3];
    p->has_missing = (int)v[4], p->missing = v[5];
    free(p->name);
    p->name = tp_xstrdup(f[6]);
    tp_vocab_close(p->v);
    p->v = tp_vocab_open(dir, p->name);
    return p->v ? 0 : -1;
}

static int
json(const tp_tf *t, tp_out *o)
{
    const vp *p = t->p;
    int rc = tp_out_printf(o, ", \"size\": %lld, \"vocabulary_file\": ", p->k);
    size_t cap = strlen(p->name) + 16;
    char *file = tp_xmalloc(cap);
    snprintf(file, cap, "vocab/%s.txt", p->name);
    rc |= tp_json_str(o, file);
    free(file);
    if (p->top_k > 0)
        rc |= tp_out_printf(o, ", \"top_k\": %lld", p->top_k);
    else
        rc |= tp_out_printf(o, ", \"top_k\": null");
    rc |= tp_out_printf(o, ", \"min_freq\": %lld, \"oov\": %lld", p->min_freq, p->oov);
    if (p->has_missing)
        rc |= tp_out_printf(o, ", \"missing\": %lld", p->missing);
    else
        rc |= tp_out_printf(o, ", \"missing\": null");
    return rc ? -1 : 0;
}

static void
columns(const tp_tf *t, const char *col, const char *intype, tp_tfcol **cols, size_t *n)
{
    (void)t, (void)intype;
    *cols = tp_xmalloc(sizeof **cols);
    (*cols)[0].name = tp_xstrdup(col);
    (*cols)[0].type = "int64";
    *n = 1;
}

static int
apply(tp_tf *t, const tp_tfval *in, tp_tfval *out, tp_tfval *extra)
{
    (void)extra;
    vp *p = t->p;
    long long id;
    const char *s = in->missing ? "" : in->s;
    size_t n = in->missing ? 0 : in->n;
    if (in->missing && p->has_missing) {
        id = p->missing;
    } else {
        id = in->missing ? -1 : tp_vocab_id(p->v, s, n);
        if (id == -2)
            return -1;
        if (id == -1 && p->oov > 0)
            id = p->k + (long long)(tp_hash_value(0, s, n) % (uint64_t)p->oov);
    }
    out->s = t->buf;
    out->n = tp_pq_fmt_i64(id, t->buf);
    out->missing = 0;
    return 0;
}

static void
free_p(tp_tf *t)
{
    vp *p = t->p;
    if (!p)
        return;
    tp_vocab_close(p->v);
    free(p->name);
    free(p);
    t->p = NULL;
}

static const char *const keys[] = {"top_k", "min_freq", "oov", "missing", NULL};

const tp_opdef tp_op_vocab = {
    .name = "vocab",
    .keys = keys,
    .flags = 0,
    .acc = acc,
    .parse = parse,
    .finish = finish,
    .write_fit = write_fit,
    .read_fit = read_fit,
    .json = json,
    .columns = columns,
    .apply = apply,
    .free = free_p,
};
