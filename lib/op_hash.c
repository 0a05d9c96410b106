/*
 * hash: a value's bucket among N by its hash, as tf.Transform's hash_strings and
 * sklearn's FeatureHasher for one feature, but keyed: SipHash-2-4 of the value's bytes
 * under --seed (tp_hash_value, hash.h, the hash of the split modes), modulo N, written
 * in decimal. Parameter buckets=N (required, 1 to 2147483647). Any text is hashed as
 * it is (not a numeric operation; "1" and "1.0" differ); a missing value stays
 * missing. Nothing is fitted: the fit record has no fields of its own, and the JSON
 * members "buckets" and "seed" say how to recompute it. It may precede another
 * operation on the column (vocab of the buckets, say).
 */
#include "op.h"

#include "err.h"
#include "hash.h"
#include "pqvalue.h"
#include "text.h"

#include <inttypes.h>
#include <stdlib.h>

typedef struct hashop {
    uint64_t buckets;
} hashop;

static const char *const keys[] = {"buckets", NULL};

static unsigned
hs_acc(const tp_tf *t)
{
    (void)t;
    return 0;
}

static int
hs_parse(tp_tf *t)
{
    long long n;
    int rc = tp_tf_int(t, "buckets", 1, 2147483647, &n);
    if (rc < 0)
        return -1;
    if (rc == 0) {
        tp_err(NULL, 0, "--transform %s: buckets=N is required", t->spec);
        return -1;
    }
    hashop *h = tp_xcalloc(1, sizeof *h);
    h->buckets = (uint64_t)n;
    t->p = h;
    return 0;
}

static int
hs_finish(tp_tf *t, const tp_fitdata *d)
{
    (void)t, (void)d;
    return 0;
}

static int
hs_write_fit(const tp_tf *t, tp_out *o)
{
    (void)t, (void)o;
    return 0;
}

static int
hs_read_fit(tp_tf *t, char *const *f, size_t n, const char *dir)
{
    (void)t, (void)f, (void)dir;
    if (n != 0) {
        tp_err(NULL, 0, "%zu fields for hash, expected none", n);
        return -1;
    }
    return 0;
}

static int
hs_json(const tp_tf *t, tp_out *o)
{
    const hashop *h = t->p;
    return tp_out_printf(o, ", \"buckets\": %" PRIu64 ", \"seed\": %" PRIu64, h->buckets, t->seed);
}

static void
hs_columns(const tp_tf *t, const char *col, const char *intype, tp_tfcol **cols, size_t *n)
{
    (void)t, (void)intype;
    *cols = tp_xmalloc(sizeof **cols);
    (*cols)[0].name = tp_xstrdup(col);
    (*cols)[0].type = "int64";
    *n = 1;
}

static int
hs_apply(tp_tf *t, const tp_tfval *in, tp_tfval *out, tp_tfval *extra)
{
    (void)extra;
    const hashop *h = t->p;
    if (in->missing) {
        *out = (tp_tfval){NULL, 0, 1};
        return 0;
    }
    uint64_t b = tp_hash_value(t->seed, in->s, in->n) % h->buckets;
    *out = (tp_tfval){t->buf, tp_pq_fmt_u64(b, t->buf), 0};
    return 0;
}

static void
hs_free(tp_tf *t)
{
    free(t->p);
    t->p = NULL;
}

const tp_opdef tp_op_hash = {
    .name = "hash",
    .keys = keys,
    .flags = TP_OP_PREFIX,
    .acc = hs_acc,
    .parse = hs_parse,
    .finish = hs_finish,
    .write_fit = hs_write_fit,
    .read_fit = hs_read_fit,
    .json = hs_json,
    .columns = hs_columns,
    .apply = hs_apply,
    .free = hs_free,
};
