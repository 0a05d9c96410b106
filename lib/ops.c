/*
 * The table of fitted feature transforms (op.h) and what their files share: parameter
 * lookup, the text of a number, strict number parsing and exact moments. One line per
 * operation; each operation's code is its own file (op_NAME.c).
 */
#include "op.h"

#include "err.h"
#include "pqvalue.h"
#include "value.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const tp_opdef *const tp_ops[] = {
    &tp_op_zscore,    &tp_op_minmax, &tp_op_impute, &tp_op_vocab, &tp_op_onehot,
    &tp_op_bucketize, &tp_op_hash,   &tp_op_log1p,  NULL,
};

const tp_opdef *
tp_op_find(const char *name)
{
    for (size_t i = 0; tp_ops[i]; i++)
        if (strcmp(tp_ops[i]->name, name) == 0)
            return tp_ops[i];
    return NULL;
}

const char *
tp_tf_param(const tp_tf *t, const char *key)
{
    for (size_t i = 0; i < t->nkv; i++)
        if (strcmp(t->key[i], key) == 0)
            return t->val[i];
    return NULL;
}

int
tp_tf_int(const tp_tf *t, const char *key, long long min, long long max, long long *v)
{
    const char *s = tp_tf_param(t, key);
    if (!s)
        return 0;
    size_t n = strlen(t->spec) + strlen(key) + sizeof "--transform : ";
    char *name = tp_xmalloc(n);
    snprintf(name, n, "--transform %s: %s", t->spec, key);
    int rc = tp_opt_ll(name, s, min, max, v);
    free(name);
    return rc < 0 ? -1 : 1;
}

size_t
tp_tf_fmt(double x, char *buf)
{
    if (x == 0)
        x = 0; /* -0 is written 0: (x - mean) / std of the mean itself */
    return tp_pq_fmt_double(x, buf);
}

int
tp_tf_num(const tp_tfval *v, double *x)
{
    if (v->missing)
        return -1;
    return tp_parse_double(v->s, v->n, x);
}

void
tp_moments_init(tp_moments *m)
{
    memset(m, 0, sizeof *m);
}

void
tp_moments_add(tp_moments *m, double x)
{
    m->n++;
    double d = x - m->mean;
    m->mean += d / (double)m->n;
    m->m2 += d * (x - m->mean);
    if (m->n == 1 || x < m->min)
        m->min = x;
    if (m->n == 1 || x > m->max)
        m->max = x;
}

void
tp_moments_merge(tp_moments *a, const tp_moments *b)
{
    if (b->n == 0)
        return;
    if (a->n == 0) {
        *a = *b;
        return;
    }
    double na = (double)a->n, nb = (double)b->n, n = na + nb;
    double d = b->mean - a->mean;
    a->mean += d * nb / n;
    a->m2 += b->m2 + d * d * na * nb / n;
    a->n += b->n;
    if (b->min < a->min)
        a->min = b->min;
    if (b->max > a->max)
        a->max = b->max;
}

double
tp_moments_std(const tp_moments *m)
{
    return m->n > 0 && m->m2 > 0 ? sqrt(m->m2 / (double)m->n) : 0;
}
