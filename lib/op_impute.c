/*
 * impute:COL[:with=mean|median|mode|VALUE][:indicator=0|1]: missing values filled in,
 * as sklearn's SimpleImputer(strategy=..., add_indicator=...). The fill is fitted on
 * the fitting rows: with=mean (the default) their mean, median their exact median as
 * numpy.median gives it (the middle value, or the mean of the two middle values for an
 * even count), mode their most frequent value (ties: the bytewise smallest, as the
 * tally orders them), or a constant VALUE as given (sklearn's strategy='constant';
 * a missing value's spelling is refused). Other values pass unchanged. indicator=1
 * adds the int64 column COL_missing, 1 where the value was missing (MissingIndicator).
 * Record fields: "KIND FILL INDICATOR", KIND one of mean median mode constant.
 * Output: the filled column, float64 for mean and median, the input's type for mode,
 * and for a constant the input's type when the constant is of it, else object.
 *
 * mean and median need numbers, but an operation's flags are static, so impute has no
 * TP_OP_NUMERIC: its need follows with= and is told by acc instead. The driver treats
 * an impute whose acc holds TP_ACC_MOMENTS or TP_ACC_NUMBERS as numeric (a value that
 * is not a number is a bad row, as for TP_OP_NUMERIC); mode and VALUE take any value.
 */
#include "op.h"

#include "err.h"
#include "record.h"
#include "value.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { MEAN, MEDIAN, MODE, CONSTANT };
static const char *const kinds[] = {"mean", "median", "mode", "constant", NULL};

typedef struct ip {
    int kind;
    int indicator;
    char *fill; /* fitted (or the constant): the value put in place of a missing one */
    size_t nfill;
} ip;

static int
kind_of(const char *with)
{
    for (int k = 0; k < CONSTANT; k++)
        if (strcmp(with, kinds[k]) == 0)
            return k;
    return CONSTANT;
}

static unsigned
acc(const tp_tf *t)
{
    const char *with = tp_tf_param(t, "with");
    static const unsigned need[] = {TP_ACC_MOMENTS, TP_ACC_NUMBERS, TP_ACC_VALUES, 0};
    return need[kind_of(with ? with : "mean")];
}

static void
set_fill(ip *p, const char *s, size_t n)
{
    free(p->fill);
    p->fill = tp_xmemdup(s, n);
    p->nfill = n;
}

static int
parse(tp_tf *t)
{
    ip *p = tp_xcalloc(1, sizeof *p);
    t->p = p;
    const char *with = tp_tf_param(t, "with");
    p->kind = kind_of(with ? with : "mean");
    if (p->kind == CONSTANT) {
        if (tp_is_missing(with, strlen(with))) {
            tp_err(NULL, 0, "--transform %s: with: a missing value cannot be the fill: '%s'",
                   t->spec, with);
            return -1;
        }
        set_fill(p, with, strlen(with));
    }
    long long ind = 0;
    if (tp_tf_int(t, "indicator", 0, 1, &ind) < 0)
        return -1;
    p->indicator = (int)ind;
    return 0;
}

/* The exact median of the numbers tallied in ascending order: ranks (n-1)/2 and n/2
 * (0-based) of n values, read in one pass; their mean as numpy computes it. */
static int
median(tp_tally_rd *r, long long n, double *out)
{
    long long r1 = (n - 1) / 2, r2 = n / 2, seen = 0;
    double x1 = 0, x = 0;
    for (;;) {
        const char *s;
        size_t len;
        long long count;
        int rc = tp_tally_next(r, &s, &len, &x, &count);
        if (rc < 0)
            return -1;
        if (rc == 0) {
            tp_err(NULL, 0, "the tally holds %lld values, fewer than the %lld fitted", seen, n);
            return -1;
        }
        if (r1 >= seen && r1 < seen + count)
            x1 = x;
        if (r2 < seen + count)
            break;
        seen += count;
    }
    *out = r1 == r2 ? x1 : (x1 + x) / 2;
    return 0;
}

static int
finish(tp_tf *t, const tp_fitdata *d)
{
    ip *p = t->p;
    if (p->kind == CONSTANT)
        return 0;
    if (d->values == 0) {
        tp_err(NULL, 0, "%s: no values to fit on (%lld fitting rows, all missing)", t->spec,
               d->rows);
        return -1;
    }
    char buf[32];
    double x;
    if (p->kind == MEAN) {
        set_fill(p, buf, tp_tf_fmt(d->mom->mean, buf));
    } else if (p->kind == MEDIAN) {
        if (median(d->tally, d->values, &x) < 0)
            return -1;
        set_fill(p, buf, tp_tf_fmt(x, buf));
    } else {
        const char *s;
        size_t n;
        long long count;
        int rc = tp_tally_next(d->tally, &s, &n, NULL, &count);
        if (rc <= 0) {
            if (rc == 0)
                tp_err(NULL, 0, "%s: the tally is empty", t->spec);
            return -1;
        }
        set_fill(p, s, n);
    }
    return 0;
}

static int
write_fit(const tp_tf *t, tp_out *o)
{
    const ip *p = t->p;
    return tp_rec_str(o, kinds[p->kind]) || tp_rec_mem(o, p->fill, p->nfill) ||
                   tp_rec_int(o, p->indicator)
               ? -1
               : 0;
}

static int
read_fit(tp_tf *t, char *const *f, size_t n, const char *dir)
{
    (void)dir;
    if (!t->p)
        t->p = tp_xcalloc(1, sizeof(ip));
    ip *p = t->p;
    long long ind;
    if (n != 3) {
        tp_err(NULL, 0, "malformed impute fit: %zu fields, expected 3", n);
        return -1;
    }
    int kind = 0;
    while (kinds[kind] && strcmp(kinds[kind], f[0]) != 0)
        kind++;
    if (!kinds[kind] || tp_field_int(f[2], &ind) < 0 || (ind != 0 && ind != 1) ||
        tp_is_missing(f[1], strlen(f[1]))) {
        tp_err(NULL, 0, "malformed impute fit: '%s' '%s' '%s'", f[0], f[1], f[2]);
        return -1;
    }
    p->kind = kind;
    p->indicator = (int)ind;
    set_fill(p, f[1], strlen(f[1]));
    return 0;
}

static int
json(const tp_tf *t, tp_out *o)
{
    const ip *p = t->p;
    int rc = tp_out_printf(o, ", \"with\": ");
    rc |= tp_json_str(o, kinds[p->kind]);
    rc |= tp_out_printf(o, ", \"fill\": ");
    rc |= tp_json_str(o, p->fill ? p->fill : "");
    rc |= tp_out_printf(o, ", \"indicator\": %s", p->indicator ? "true" : "false");
    return rc ? -1 : 0;
}

/* The type of the column a constant fill goes into: the input's when it is of it. */
static const char *
constant_type(const ip *p, const char *intype)
{
    int64_t i;
    double x;
    int b;
    if (strcmp(intype, "int64") == 0)
        return tp_parse_int64(p->fill, p->nfill, &i) == 0 ? intype : "object";
    if (strcmp(intype, "float64") == 0)
        return tp_parse_double(p->fill, p->nfill, &x) == 0 ? intype : "object";
    if (strcmp(intype, "bool") == 0)
        return tp_parse_bool(p->fill, p->nfill, &b) == 0 ? intype : "object";
    return "object";
}

static void
columns(const tp_tf *t, const char *col, const char *intype, tp_tfcol **cols, size_t *n)
{
    const ip *p = t->p;
    *n = p->indicator ? 2 : 1;
    *cols = tp_xcalloc(*n, sizeof **cols);
    (*cols)[0].name = tp_xstrdup(col);
    (*cols)[0].type = p->kind == MEAN || p->kind == MEDIAN ? "float64"
                      : p->kind == MODE                    ? intype
                                                           : constant_type(p, intype);
    if (p->indicator) {
        size_t cl = strlen(col);
        char *name = tp_xmalloc(cl + sizeof "_missing");
        memcpy(name, col, cl);
        memcpy(name + cl, "_missing", sizeof "_missing");
        (*cols)[1].name = name;
        (*cols)[1].type = "int64";
    }
}

static int
apply(tp_tf *t, const tp_tfval *in, tp_tfval *out, tp_tfval *extra)
{
    const ip *p = t->p;
    if (in->missing) {
        out->s = p->fill;
        out->n = p->nfill;
        out->missing = 0;
    } else {
        *out = *in;
    }
    if (p->indicator) {
        extra[0].s = in->missing ? "1" : "0";
        extra[0].n = 1;
        extra[0].missing = 0;
    }
    return 0;
}

static void
free_p(tp_tf *t)
{
    ip *p = t->p;
    if (!p)
        return;
    free(p->fill);
    free(p);
    t->p = NULL;
}

static const char *const keys[] = {"with", "indicator", NULL};

const tp_opdef tp_op_impute = {
    .name = "impute",
    .keys = keys,
    .flags = TP_OP_PREFIX,
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
