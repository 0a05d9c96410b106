/*
 * bucketize: the bucket of a number among N quantile buckets of the fitting values, as
 * tf.Transform's bucketize with exact quantiles instead of its sketch. Parameter
 * buckets=N (required, 2 to 1000000). The fit: with n the fitting values, boundary b_i
 * is the value at 0-based rank floor(i * n / N) of their sorted multiset, for i = 1 ..
 * N - 1, duplicates dropped (so a column with few distinct values has fewer buckets);
 * it reads the tally of distinct numbers (TP_ACC_NUMBERS) once, in ascending order, and
 * keeps only the boundaries. A value's bucket is the number of boundaries <= x, 0 ..
 * count (tf.Transform's apply_buckets, BucketizeWithInputBoundaries), found by binary
 * search; a missing value stays missing. The fit record's fields are "count b_1 ..."
 * (%.17g); its JSON member "boundaries": [...]. An infinite boundary is an error (JSON
 * has no infinities).
 */
#include "op.h"

#include "err.h"
#include "pqvalue.h"
#include "record.h"
#include "text.h"

#include <math.h>
#include <stdlib.h>

enum { MAX_BUCKETS = 1000000 };

typedef struct bucketize {
    long long buckets; /* N */
    double *b;         /* boundaries, strictly ascending */
    size_t nb;
} bucketize;

static const char *const keys[] = {"buckets", NULL};

static unsigned
bk_acc(const tp_tf *t)
{
    (void)t;
    return TP_ACC_NUMBERS;
}

static int
bk_parse(tp_tf *t)
{
    long long n;
    int rc = tp_tf_int(t, "buckets", 2, MAX_BUCKETS, &n);
    if (rc < 0)
        return -1;
    if (rc == 0) {
        tp_err(NULL, 0, "--transform %s: buckets=N is required", t->spec);
        return -1;
    }
    bucketize *k = tp_xcalloc(1, sizeof *k);
    k->buckets = n;
    t->p = k;
    return 0;
}

/* floor(i * n / N) without overflow: i <= 1e6 and n < 2^63. */
static long long
rank(long long i, long long n, long long nbuckets)
{
    return i * (n / nbuckets) + i * (n % nbuckets) / nbuckets;
}

static void
push(bucketize *k, size_t *cap, double x)
{
    if (k->nb == *cap) {
        *cap = *cap ? *cap * 2 : 16;
        if (*cap > (size_t)k->buckets - 1)
            *cap = (size_t)k->buckets - 1;
        k->b = tp_xrealloc(k->b, *cap * sizeof *k->b);
    }
    k->b[k->nb++] = x;
}

static int
bk_finish(tp_tf *t, const tp_fitdata *d)
{
    bucketize *k = t->p;
    long long n = d->values, N = k->buckets, seen = 0, i = 1, count;
    if (n == 0) {
        tp_err(NULL, 0, "%s: no values to fit on (%lld fitting rows, all missing)", t->spec,
               d->rows);
        return -1;
    }
    free(k->b);
    k->b = NULL;
    k->nb = 0;
    size_t cap = 0;
    const char *v;
    size_t len;
    double x, prev = 0;
    int rc;
    while ((rc = tp_tally_next(d->tally, &v, &len, &x, &count)) == 1) {
        if ((seen > 0 && !(x > prev)) || count > n - seen) {
            tp_err(NULL, 0, "%s: the tally is %s", t->spec,
                   count > n - seen ? "longer than the values counted" : "not ascending");
            return -1;
        }
        prev = x;
        seen += count;
        /* the ranks in [seen - count, seen) hold x: it is b_i for each such rank, once */
        if (i < N && rank(i, n, N) < seen) {
            if (!isfinite(x)) {
                tp_err(NULL, 0, "%s: an infinite boundary (%.17g): the fit needs finite values",
                       t->spec, x);
                return -1;
            }
            push(k, &cap, x);
            while (i < N && rank(i, n, N) < seen)
                i++;
        }
    }
    if (rc < 0)
        return -1;
    if (seen != n) {
        tp_err(NULL, 0, "%s: the tally holds %lld values, %lld counted", t->spec, seen, n);
        return -1;
    }
    return 0;
}

static int
bk_write_fit(const tp_tf *t, tp_out *o)
{
    const bucketize *k = t->p;
    if (tp_rec_int(o, (long long)k->nb) < 0)
        return -1;
    for (size_t i = 0; i < k->nb; i++)
        if (tp_rec_num(o, k->b[i]) < 0)
            return -1;
    return 0;
}

static int
bk_read_fit(tp_tf *t, char *const *f, size_t n, const char *dir)
{
    (void)dir;
    bucketize *k = t->p;
    long long count;
    if (n < 1) {
        tp_err(NULL, 0, "no fields for bucketize, expected count b_1 ...");
        return -1;
    }
    if (tp_field_int(f[0], &count) < 0)
        return -1;
    if (count < 1 || count > k->buckets - 1 || (size_t)count != n - 1) {
        tp_err(NULL, 0, "bucketize: %lld boundaries in %zu fields (buckets=%lld)", count, n - 1,
               k->buckets);
        return -1;
    }
    free(k->b);
    k->b = tp_xmalloc((size_t)count * sizeof *k->b);
    k->nb = 0;
    for (size_t i = 0; i < (size_t)count; i++) {
        double x;
        if (tp_field_num(f[i + 1], &x) < 0)
            return -1;
        if (!isfinite(x) || (i > 0 && !(x > k->b[i - 1]))) {
            tp_err(NULL, 0, "bucketize: boundary %zu not finite and above the last: '%s'", i + 1,
                   f[i + 1]);
            return -1;
        }
        k->b[k->nb++] = x;
    }
    return 0;
}

static int
bk_json(const tp_tf *t, tp_out *o)
{
    const bucketize *k = t->p;
    int rc = tp_out_printf(o, ", \"boundaries\": [");
    for (size_t i = 0; i < k->nb && rc == 0; i++)
        rc = tp_out_printf(o, i ? ", %.17g" : "%.17g", k->b[i]);
    return rc < 0 ? -1 : tp_out_printf(o, "]");
}

static void
bk_columns(const tp_tf *t, const char *col, const char *intype, tp_tfcol **cols, size_t *n)
{
    (void)t, (void)intype;
    *cols = tp_xmalloc(sizeof **cols);
    (*cols)[0].name = tp_xstrdup(col);
    (*cols)[0].type = "int64";
    *n = 1;
}

static int
bk_apply(tp_tf *t, const tp_tfval *in, tp_tfval *out, tp_tfval *extra)
{
    (void)extra;
    const bucketize *k = t->p;
    double x;
    if (in->missing) {
        *out = (tp_tfval){NULL, 0, 1};
        return 0;
    }
    if (tp_tf_num(in, &x) < 0) {
        tp_err(NULL, 0, "bucketize: not a number: '%.*s'", (int)in->n, in->s);
        return -1;
    }
    /* the first boundary above x: lo boundaries are <= x */
    size_t lo = 0, hi = k->nb;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (k->b[mid] <= x)
            lo = mid + 1;
        else
            hi = mid;
    }
    *out = (tp_tfval){t->buf, tp_pq_fmt_i64((int64_t)lo, t->buf), 0};
    return 0;
}

static void
bk_free(tp_tf *t)
{
    bucketize *k = t->p;
    if (k)
        free(k->b);
    free(k);
    t->p = NULL;
}

const tp_opdef tp_op_bucketize = {
    .name = "bucketize",
    .keys = keys,
    .flags = TP_OP_NUMERIC,
    .acc = bk_acc,
    .parse = bk_parse,
    .finish = bk_finish,
    .write_fit = bk_write_fit,
    .read_fit = bk_read_fit,
    .json = bk_json,
    .columns = bk_columns,
    .apply = bk_apply,
    .free = bk_free,
};
