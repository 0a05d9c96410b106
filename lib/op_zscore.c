/*
 * zscore: standardization, (x - mean) / std, with the mean and the population standard
 * deviation sqrt(M2 / n) of the fitting values (exact moments, TP_ACC_MOMENTS), as
 * sklearn's StandardScaler and tf.Transform's scale_to_z_score compute them. It takes no
 * parameters. A column whose values are all equal (std 0) gives 0 everywhere, and a
 * missing value stays missing. The fit record's fields are "mean std" (%.17g); its JSON
 * members "mean" and "std". A fit that is not finite (an infinity among the values, or
 * squares that overflow) is an error: it would turn every value into 0 or NaN, and JSON
 * has no infinities.
 */
#include "op.h"

#include "err.h"
#include "record.h"
#include "text.h"

#include <math.h>
#include <stdlib.h>

typedef struct zscore {
    double mean, std;
} zscore;

static const char *const keys[] = {NULL};

static unsigned
zs_acc(const tp_tf *t)
{
    (void)t;
    return TP_ACC_MOMENTS;
}

static int
zs_parse(tp_tf *t)
{
    t->p = tp_xcalloc(1, sizeof(zscore));
    return 0;
}

static int
zs_finish(tp_tf *t, const tp_fitdata *d)
{
    zscore *z = t->p;
    if (d->values == 0 || d->mom->n == 0) {
        tp_err(NULL, 0, "%s: no values to fit on (%lld fitting rows, all missing)", t->spec,
               d->rows);
        return -1;
    }
    z->mean = d->mom->mean;
    z->std = tp_moments_std(d->mom);
    /* tp_moments_std gives 0 for a NaN M2: check the M2 itself */
    if (!isfinite(z->mean) || !isfinite(d->mom->m2) || !isfinite(z->std)) {
        tp_err(NULL, 0,
               "%s: the fit is not finite (mean %.17g, std %.17g): infinite values or overflow",
               t->spec, z->mean, z->std);
        return -1;
    }
    return 0;
}

static int
zs_write_fit(const tp_tf *t, tp_out *o)
{
    const zscore *z = t->p;
    return tp_rec_num(o, z->mean) || tp_rec_num(o, z->std) ? -1 : 0;
}

static int
zs_read_fit(tp_tf *t, char *const *f, size_t n, const char *dir)
{
    (void)dir;
    zscore *z = t->p;
    if (n != 2) {
        tp_err(NULL, 0, "%zu fields for zscore, expected 2 (mean std)", n);
        return -1;
    }
    if (tp_field_num(f[0], &z->mean) < 0 || tp_field_num(f[1], &z->std) < 0)
        return -1;
    if (!isfinite(z->mean) || !isfinite(z->std) || !(z->std >= 0)) {
        tp_err(NULL, 0, "zscore: not a finite mean and std >= 0: '%s' '%s'", f[0], f[1]);
        return -1;
    }
    return 0;
}

static int
zs_json(const tp_tf *t, tp_out *o)
{
    const zscore *z = t->p;
    return tp_out_printf(o, ", \"mean\": %.17g, \"std\": %.17g", z->mean, z->std);
}

static void
zs_columns(const tp_tf *t, const char *col, const char *intype, tp_tfcol **cols, size_t *n)
{
    (void)t, (void)intype;
    *cols = tp_xmalloc(sizeof **cols);
    (*cols)[0].name = tp_xstrdup(col);
    (*cols)[0].type = "float64";
    *n = 1;
}

static int
zs_apply(tp_tf *t, const tp_tfval *in, tp_tfval *out, tp_tfval *extra)
{
    (void)extra;
    const zscore *z = t->p;
    double x;
    if (in->missing) {
        *out = (tp_tfval){NULL, 0, 1};
        return 0;
    }
    if (tp_tf_num(in, &x) < 0) {
        tp_err(NULL, 0, "zscore: not a number: '%.*s'", (int)in->n, in->s);
        return -1;
    }
    double y = z->std > 0 ? (x - z->mean) / z->std : 0;
    *out = (tp_tfval){t->buf, tp_tf_fmt(y, t->buf), 0};
    return 0;
}

static void
zs_free(tp_tf *t)
{
    free(t->p);
    t->p = NULL;
}

const tp_opdef tp_op_zscore = {
    .name = "zscore",
    .keys = keys,
    .flags = TP_OP_NUMERIC,
    .acc = zs_acc,
    .parse = zs_parse,
    .finish = zs_finish,
    .write_fit = zs_write_fit,
    .read_fit = zs_read_fit,
    .json = zs_json,
    .columns = zs_columns,
    .apply = zs_apply,
    .free = zs_free,
};
