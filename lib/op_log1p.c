/*
 * log1p: log(1 + x) of a number, by C99's log1p (accurate near 0, where log(1 + x)
 * loses the digits of x), as numpy's log1p that sklearn's FunctionTransformer is
 * usually given for skewed counts. No parameters and nothing fitted: the fit record
 * has no fields of its own and there are no JSON members. x <= -1 has no finite
 * logarithm: it is a bad value, which makes the row bad (the driver's policy); +inf
 * gives inf, and a missing value stays missing. It may precede another operation on
 * the column (zscore of the logarithms, say).
 */
#include "op.h"

#include "err.h"

#include <math.h>

static const char *const keys[] = {NULL};

static unsigned
lp_acc(const tp_tf *t)
{
    (void)t;
    return 0;
}

static int
lp_parse(tp_tf *t)
{
    (void)t;
    return 0;
}

static int
lp_finish(tp_tf *t, const tp_fitdata *d)
{
    (void)t, (void)d;
    return 0;
}

static int
lp_write_fit(const tp_tf *t, tp_out *o)
{
    (void)t, (void)o;
    return 0;
}

static int
lp_read_fit(tp_tf *t, char *const *f, size_t n, const char *dir)
{
    (void)t, (void)f, (void)dir;
    if (n != 0) {
        tp_err(NULL, 0, "%zu fields for log1p, expected none", n);
        return -1;
    }
    return 0;
}

static int
lp_json(const tp_tf *t, tp_out *o)
{
    (void)t, (void)o;
    return 0;
}

static void
lp_columns(const tp_tf *t, const char *col, const char *intype, tp_tfcol **cols, size_t *n)
{
    (void)t, (void)intype;
    *cols = tp_xmalloc(sizeof **cols);
    (*cols)[0].name = tp_xstrdup(col);
    (*cols)[0].type = "float64";
    *n = 1;
}

static int
lp_apply(tp_tf *t, const tp_tfval *in, tp_tfval *out, tp_tfval *extra)
{
    (void)extra;
    double x;
    if (in->missing) {
        *out = (tp_tfval){NULL, 0, 1};
        return 0;
    }
    if (tp_tf_num(in, &x) < 0) {
        tp_err(NULL, 0, "log1p: not a number: '%.*s'", (int)in->n, in->s);
        return -1;
    }
    if (!(x > -1)) {
        tp_err(NULL, 0, "log1p: not greater than -1: '%.*s'", (int)in->n, in->s);
        return -1;
    }
    *out = (tp_tfval){t->buf, tp_tf_fmt(log1p(x), t->buf), 0};
    return 0;
}

static void
lp_free(tp_tf *t)
{
    (void)t;
}

const tp_opdef tp_op_log1p = {
    .name = "log1p",
    .keys = keys,
    .flags = TP_OP_NUMERIC | TP_OP_PREFIX,
    .acc = lp_acc,
    .parse = lp_parse,
    .finish = lp_finish,
    .write_fit = lp_write_fit,
    .read_fit = lp_read_fit,
    .json = lp_json,
    .columns = lp_columns,
    .apply = lp_apply,
    .free = lp_free,
};
