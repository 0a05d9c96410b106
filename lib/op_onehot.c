/*
 * onehot:COL[:top_k=N][:min_freq=N]: a column's values as 0/1 indicator columns, as
 * sklearn's OneHotEncoder(handle_unknown='ignore') with the categories of a
 * tf.Transform vocabulary: the fit is the vocabulary of vocab (op_vocab.c, the same
 * files, most frequent first, at least min_freq times, at most top_k), at most 65536
 * values (more is a data error naming top_k=, since each is a column). Output: one
 * int64 column "COL=VALUE" per vocabulary value in id order, 1 in the value's column
 * and 0 in the others; a value not in the vocabulary and a missing value give 0 in all
 * of them. It replaces the column (TP_OP_LAST): nothing follows it. Record fields:
 * "k top_k min_freq name" (top_k 0: not given). Pass 2 holds the vocabulary in memory
 * (a map from value to id), which the cap keeps small.
 */
#include "op.h"

#include "err.h"
#include "map.h"
#include "reader.h"
#include "record.h"
#include "vocab.h"

#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { MAX_COLUMNS = 65536 };

typedef struct hp {
    long long top_k; /* 0: not given */
    long long min_freq;
    long long k;   /* fitted: values */
    char *name;    /* fitted: the vocabulary's file stem */
    char **values; /* fitted: the values in id order */
    long long *counts;
    tp_map *ids; /* value -> id (its insertion index) */
} hp;

static unsigned
acc(const tp_tf *t)
{
    (void)t;
    return TP_ACC_VALUES;
}

static int
parse(tp_tf *t)
{
    hp *p = tp_xcalloc(1, sizeof *p);
    t->p = p;
    p->min_freq = 1; /* top_k 0: no limit */
    if (tp_tf_int(t, "top_k", 1, LLONG_MAX, &p->top_k) < 0 ||
        tp_tf_int(t, "min_freq", 1, LLONG_MAX, &p->min_freq) < 0)
        return -1;
    return 0;
}

static void
unload(hp *p)
{
    tp_strv_free(p->values, (size_t)(p->values ? p->k : 0));
    free(p->counts);
    tp_map_free(p->ids);
    p->values = NULL;
    p->counts = NULL;
    p->ids = NULL;
}

/* The vocabulary of p->k values into memory. 0 or -1. */
static int
load(hp *p, const char *dir)
{
    char **v;
    long long *c;
    long n = tp_vocab_values(dir, p->name, MAX_COLUMNS, &v, &c);
    if (n < 0)
        return -1;
    p->values = v, p->counts = c;
    p->ids = tp_map_new(0);
    for (long i = 0; i < n; i++)
        tp_map_put(p->ids, v[i], strlen(v[i]), NULL);
    if (n != p->k || (long)tp_map_size(p->ids) != n) {
        tp_err(NULL, 0, "vocabulary '%s' under %s: %ld values (%zu distinct), the fit says %lld",
               p->name, dir, n, tp_map_size(p->ids), p->k);
        tp_strv_free(v, (size_t)n);
        p->values = NULL;
        unload(p);
        return -1;
    }
    return 0;
}

/* Remove the vocabulary files of a fit given up. */
static void
remove_files(const char *dir, const char *name)
{
    size_t cap = strlen(dir) + strlen(name) + 16;
    char *path = tp_xmalloc(cap);
    snprintf(path, cap, "%s/vocab/%s.txt", dir, name);
    unlink(path);
    snprintf(path, cap, "%s/vocab/%s.idx", dir, name);
    unlink(path);
    free(path);
}

static int
finish(tp_tf *t, const tp_fitdata *d)
{
    hp *p = t->p;
    p->name = tp_vocab_name(d->col);
    /* One value more than the cap tells that there are too many without writing them
     * all; the rest of the tally is then only counted, for the message. */
    long long lim = p->top_k > 0 && p->top_k <= MAX_COLUMNS ? p->top_k : MAX_COLUMNS + 1;
    p->k = tp_vocab_fit(d, p->name, lim, p->min_freq);
    if (p->k < 0)
        return -1;
    if (p->k > MAX_COLUMNS) {
        long long n = p->k;
        const char *s;
        size_t len;
        long long count;
        int rc = 0;
        while ((p->top_k <= 0 || n < p->top_k) &&
               (rc = tp_tally_next(d->tally, &s, &len, NULL, &count)) > 0 && count >= p->min_freq)
            n++;
        remove_files(d->dir, p->name);
        p->k = 0;
        if (rc < 0)
            return -1;
        tp_err(NULL, 0, "%s: %lld values, more than %d one-hot columns (use top_k=)", t->spec, n,
               MAX_COLUMNS);
        return -1;
    }
    return load(p, d->dir);
}

static int
write_fit(const tp_tf *t, tp_out *o)
{
    const hp *p = t->p;
    const long long v[] = {p->k, p->top_k, p->min_freq};
    return tp_rec_ints(o, v, 3) || tp_rec_str(o, p->name) ? -1 : 0;
}

static int
read_fit(tp_tf *t, char *const *f, size_t n, const char *dir)
{
    if (!t->p)
        t->p = tp_xcalloc(1, sizeof(hp));
    hp *p = t->p;
    long long v[3];
    if (n != 4) {
        tp_err(NULL, 0, "malformed onehot fit: %zu fields, expected 4", n);
        return -1;
    }
    if (tp_field_ints(f, 3, v) < 0)
        return -1;
    if (v[0] < 0 || v[0] > MAX_COLUMNS || v[1] < 0 || v[2] < 1 || f[3][0] == '\0') {
        tp_err(NULL, 0, "malformed onehot fit: a field out of range");
        return -1;
    }
    unload(p);
    p->k = v[0], p->top_k = v[1], p->min_freq = v[2];
    free(p->name);
    p->name = tp_xstrdup(f[3]);
    return load(p, dir);
}

static int
json(const tp_tf *t, tp_out *o)
{
    const hp *p = t->p;
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
    rc |= tp_out_printf(o, ", \"min_freq\": %lld", p->min_freq);
    return rc ? -1 : 0;
}

static void
columns(const tp_tf *t, const char *col, const char *intype, tp_tfcol **cols, size_t *n)
{
    (void)intype;
    const hp *p = t->p;
    size_t k = (size_t)p->k, cl = strlen(col);
    *cols = tp_xcalloc(k ? k : 1, sizeof **cols);
    for (size_t i = 0; i < k; i++) {
        size_t vl = strlen(p->values[i]);
        char *name = tp_xmalloc(cl + 1 + vl + 1);
        memcpy(name, col, cl);
        name[cl] = '=';
        memcpy(name + cl + 1, p->values[i], vl + 1);
        (*cols)[i].name = name;
        (*cols)[i].type = "int64";
    }
    *n = k;
}

static int
apply(tp_tf *t, const tp_tfval *in, tp_tfval *out, tp_tfval *extra)
{
    const hp *p = t->p;
    long id = in->missing ? -1 : tp_map_index(p->ids, in->s, in->n);
    for (long i = 0; i < (long)p->k; i++) {
        extra[i].s = i == id ? "1" : "0";
        extra[i].n = 1;
        extra[i].missing = 0;
    }
    out->s = "";
    out->n = 0;
    out->missing = 1; /* nothing is passed on (TP_OP_LAST) */
    return 0;
}

static void
free_p(tp_tf *t)
{
    hp *p = t->p;
    if (!p)
        return;
    unload(p);
    free(p->name);
    free(p);
    t->p = NULL;
}

static const char *const keys[] = {"top_k", "min_freq", NULL};

const tp_opdef tp_op_onehot = {
    .name = "onehot",
    .keys = keys,
    .flags = TP_OP_LAST,
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
