/*
 * Column statistics: type evidence and numeric moments with a parallel merge.
 */
#include "stats.h"

#include "value.h"

#include <math.h>
#include <string.h>

void
tp_colstat_init(tp_colstat *c)
{
    memset(c, 0, sizeof *c);
}

static void
add_number(tp_colstat *c, double x)
{
    if (c->nnum == 0 || x < c->min)
        c->min = x;
    if (c->nnum == 0 || x > c->max)
        c->max = x;
    c->nnum++;
    double d = x - c->mean;
    c->mean += d / (double)c->nnum;
    c->m2 += d * (x - c->mean);
}

void
tp_colstat_add(tp_colstat *c, const char *s, size_t n)
{
    if (tp_is_missing(s, n)) {
        c->missing++;
        return;
    }
    c->count++;
    int64_t i;
    double x;
    int b;
    if (tp_parse_int64(s, n, &i) == 0) {
        if (c->nint == 0 || i < c->imin)
            c->imin = i;
        if (c->nint == 0 || i > c->imax)
            c->imax = i;
        c->nint++;
        add_number(c, (double)i);
    } else if (tp_parse_double(s, n, &x) == 0) {
        add_number(c, x);
    } else if (tp_parse_bool(s, n, &b) == 0) {
        c->nbool++;
        c->ntrue += b;
    }
}

void
tp_colstat_merge(tp_colstat *a, const tp_colstat *b)
{
    /* a shard that declares nothing (CSV) leaves the declaration of the others */
    if (a->declared == TP_DECL_NONE)
        a->declared = b->declared;
    else if (b->declared != TP_DECL_NONE && b->declared != a->declared)
        a->declared = TP_DECL_MIXED;
    if (b->nint > 0) {
        if (a->nint == 0 || b->imin < a->imin)
            a->imin = b->imin;
        if (a->nint == 0 || b->imax > a->imax)
            a->imax = b->imax;
    }
    if (b->nnum > 0) {
        if (a->nnum == 0 || b->min < a->min)
            a->min = b->min;
        if (a->nnum == 0 || b->max > a->max)
            a->max = b->max;
        double na = (double)a->nnum, nb = (double)b->nnum, n = na + nb;
        double d = b->mean - a->mean;
        a->mean += d * nb / n;
        a->m2 += b->m2 + d * d * na * nb / n;
    }
    a->count += b->count;
    a->missing += b->missing;
    a->nint += b->nint;
    a->nnum += b->nnum;
    a->nbool += b->nbool;
    a->ntrue += b->ntrue;
}

const char *
tp_colstat_type(const tp_colstat *c)
{
    if (c->declared == TP_DECL_FLOAT64 && c->nnum == c->count)
        return "float64";
    if (c->declared == TP_DECL_BOOL && c->nbool == c->count)
        return "bool";
    if (c->nint == c->count)
        return "int64";
    if (c->nnum == c->count)
        return "float64";
    if (c->nbool == c->count)
        return "bool";
    return "object";
}

double
tp_colstat_std(const tp_colstat *c)
{
    return c->nnum > 0 ? sqrt(c->m2 / (double)c->nnum) : 0.0;
}

int
tp_decl_parse(const char *type)
{
    for (int d = TP_DECL_INT64; d <= TP_DECL_BOOL; d++)
        if (type && strcmp(type, tp_decl_name(d)) == 0)
            return d;
    return TP_DECL_NONE;
}

const char *
tp_decl_name(int decl)
{
    static const char *const n[] = {NULL, "int64", "float64", "bool", NULL};
    return decl >= 0 && decl <= TP_DECL_MIXED ? n[decl] : NULL;
}
