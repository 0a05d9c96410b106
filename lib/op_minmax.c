/*
 * minmax: scaling to [0, 1], (x - min) / (max - min), with the least and greatest of the
 * fitting values (TP_ACC_MOMENTS), as sklearn's MinMaxScaler with its default range and
 * tf.Transform's scale_to_0_1. Parameter clip=0|1 (default 0): with 1, values outside
 * the fitted range are clipped to [0, 1] (MinMaxScaler's clip). A column whose values
 * are all equal (max == min) gives 0 everywhere, and a missing value stays missing. The
 * fit record's fields are "min max clip" (%.17g, %.17g, 0|1); its JSON members "min",
 * "max" and "clip" (true/false). An infinite min or max is an error, as in zscore.
 */
#include "op.h"

#include "err.h"
#include "record.h"
#include "text.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef struct minmax {
    int clip;
    double min, max;
} minmax;

static const char *const keys[] = {"clip", NULL};

static unsigned
mm_acc(const tp_tf *t)
{
    (void)t;
    return TP_ACC_MOMENTS;
}

static int
mm_parse(tp_tf *t)
{
    long long clip = 0;
    if (tp_tf_int(t, "clip", 0, 1, &clip) < 0)
        return -1;
    minmax *m = tp_xcalloc(1, sizeof *m);
    m->clip = (int)clip;
    t->p = m;
    return 0;
}

static int
mm_finish(tp_tf *t, const tp_fitdata *d)
{
    minmax *m = t->p;
    if (d->values == 0 || d->mom->n == 0) {
        tp_err(NULL, 0, "%s: no values to fit on (%lld fitting rows, all missing)", t->spec,
               d->rows);
        return -1;
    }
    m->min = d->mom->min;
    m->max = d->mom->max;
    if (!isfinite(m->min) || !isfinite(m->max)) {
        tp_err(NULL, 0, "%s: the fit is not finite (min %.17g, max %.17g): infinite values",
               t->spec, m->min, m->max);
        return -1;
    }
    return 0;
}

static int
mm_write_fit(const tp_tf *t, tp_out *o)
{
    const minmax *m = t->p;
    return tp_rec_num(o, m->min) || tp_rec_num(o, m->max) || tp_rec_int(o, m->clip) ? -1 : 0;
}

static int
mm_read_fit(tp_tf *t, char *const *f, size_t n, const char *dir)
{
    (void)dir;
    minmax *m = t->p;
    long long clip;
    if (n != 3) {
        tp_err(NULL, 0, "%zu fields for minmax, expected 3 (min max clip)", n);
        return -1;
    }
    if (tp_field_num(f[0], &m->min) < 0 || tp_field_num(f[1], &m->max) < 0 ||
        tp_field_int(f[2], &clip) < 0)
        return -1;
    if (!isfinite(m->min) || !isfinite(m->max) || !(m->min <= m->max)) {
        tp_err(NULL, 0, "minmax: not a finite min <= max: '%s' '%s'", f[0], f[1]);
        return -1;
    }
    if (clip != 0 && clip != 1) {
        tp_err(NULL, 0, "minmax: clip not 0 or 1: '%s'", f[2]);
        return -1;
    }
    m->clip = (int)clip; /* the record is the fit: it wins over a spec given again */
    return 0;
}

static int
mm_json(const tp_tf *t, tp_out *o)
{
    const minmax *m = t->p;
    return tp_out_printf(o, ", \"min\": %.17g, \"max\": %.17g, \"clip\": %s", m->min, m->max,
                         m->clip ? "true" : "false");
}

static void
mm_columns(const tp_tf *t, const char *col, const char *intype, tp_tfcol **cols, size_t *n)
{
    (void)t, (void)intype;
    *cols = tp_xmalloc(sizeof **cols);
    (*cols)[0].name = tp_xstrdup(col);
    (*cols)[0].type = "float64";
    *n = 1;
}

static int
mm_apply(tp_tf *t, const tp_tfval *in, tp_tfval *out, tp_tfval *extra)
{
    (void)extra;
    const minmax *m = t->p;
    double x;
    if (in->missing) {
        *out = (tp_tfval){NULL, 0, 1};
        return 0;
    }
    if (tp_tf_num(in, &x) < 0) {
        tp_err(NULL, 0, "minmax: not a number: '%.*s'", (int)in->n, in->s);
        return -1;
    }
    double y = 0;
    if (m->max > m->min) {
        /* max - min overflows for a range wider than DBL_MAX: halving every term is exact
         * there (no value so large is subnormal) and keeps the quotient, and NaN away */
        double s = isfinite(m->max - m->min) ? 1 : 0.5;
        y = (x * s - m->min * s) / (m->max * s - m->min * s);
    }
    if (m->clip)
        y = y < 0 ? 0 : y > 1 ? 1 : y;
    *out = (tp_tfval){t->buf, tp_tf_fmt(y, t->buf), 0};
    return 0;
}

static void
mm_free(tp_tf *t)
{
    free(t->p);
    t->p = NULL;
}

const tp_opdef tp_op_minmax = {
    .name = "minmax",
    .keys = keys,
    .flags = TP_OP_NUMERIC,
    .acc = mm_acc,
    .parse = mm_parse,
    .finish = mm_finish,
    .write_fit = mm_write_fit,
    .read_fit = mm_read_fit,
    .json = mm_json,
    .columns = mm_columns,
    .apply = mm_apply,
    .free = mm_free,
};
