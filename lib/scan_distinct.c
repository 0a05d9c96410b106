/*
 * The distinct counts (tp-scan --distinct): per column the number of distinct
 * non-missing values over all rows read, given in the metadata of object columns. Pass
 * 1 keeps the set of each column's values in the shard; the merge spills the (column,
 * value) pairs and counts them without duplicates through GNU sort (spill.h).
 */
#include "scanop.h"

#include "err.h"
#include "map.h"
#include "merge.h"
#include "record.h"
#include "value.h"

#include <stdlib.h>
#include <string.h>

static int
collect(tp_summary *s, tp_scanrow *x, const tp_row *row)
{
    (void)x;
    if (!s->distinct_on)
        return 0;
    if (!s->distinct) {
        s->distinct = tp_xcalloc(s->ncols ? s->ncols : 1, sizeof *s->distinct);
        for (size_t i = 0; i < s->ncols; i++)
            s->distinct[i] = tp_map_new(0);
    }
    for (size_t i = 0; i < row->n; i++)
        if (!tp_is_missing(row->f[i], row->len[i]))
            tp_map_put(s->distinct[i], row->f[i], row->len[i], NULL);
    return 0;
}

struct put_value {
    tp_out *o;
    size_t col;
};

static int
put_value(void *arg, const char *k, size_t n, const void *val)
{
    (void)val;
    const struct put_value *p = arg;
    return tp_rec_str(p->o, "d") || tp_rec_int(p->o, (long long)p->col) || tp_rec_mem(p->o, k, n) ||
                   tp_rec_end(p->o)
               ? -1
               : 0;
}

/* Per column, the values of its map and of its runs (tp_summary_bound), bytewise. */
static int
write_partial(const tp_summary *s, tp_out *o)
{
    int rc = 0;
    for (size_t c = 0; s->distinct && c < s->ncols && rc == 0; c++) {
        struct put_value p = {o, c};
        rc = tp_runs_each(s->distinct_runs ? s->distinct_runs[c] : NULL, &tp_summary_distinct_kind,
                          s->distinct[c], put_value, &p);
    }
    return rc;
}

static int
read_partial(tp_summary *s, const tp_summary_sink *sink, tp_lines *l, char **f, size_t n)
{
    long long col;
    if (n != 3)
        return 1;
    if (tp_field_int(f[1], &col) < 0 || col < 0 || (size_t)col >= s->ncols) {
        tp_err(tp_lines_name(l), tp_lines_line(l), "malformed summary: bad column in 'd'");
        return -1;
    }
    if (sink && sink->distinct)
        return sink->distinct(sink->arg, s->cols[col], f[2]) < 0 ? -1 : 0;
    if (!s->distinct)
        s->distinct = tp_xcalloc(s->ncols, sizeof *s->distinct);
    if (!s->distinct[col])
        s->distinct[col] = tp_map_new(0);
    tp_map_put(s->distinct[col], f[2], strlen(f[2]), NULL);
    return 0;
}

/* The distinct (column, value) pairs of all shards, counted per column; the spill's
 * columns are named, each laid on the data set's column of that name (for JSON shards
 * the union: context.c), so the counts do not depend on the order of the summaries. */
static int
finish(struct tp_merge *m, tp_context *c)
{
    if (!tp_spill_has_distinct(m->sp))
        return 0;
    tp_spill_rd *r = tp_spill_distinct(m->sp);
    if (!r)
        return -1;
    size_t nd = tp_spill_distinct_ncols(m->sp), col;
    long long *count = tp_xcalloc(nd ? nd : 1, sizeof *count);
    int got;
    while ((got = tp_spill_next_distinct(r, nd, &col)) == 1)
        count[col]++;
    tp_spill_close(r);
    tp_map *in = tp_map_new(0);
    for (size_t i = 0; i < c->nin; i++)
        tp_map_put(in, c->in[i], strlen(c->in[i]), NULL);
    c->distinct = tp_xcalloc(c->nin ? c->nin : 1, sizeof *c->distinct);
    for (size_t i = 0; i < nd && got == 0; i++) {
        const char *name = tp_spill_distinct_col(m->sp, i);
        long k = tp_map_index(in, name, strlen(name));
        if (k < 0) {
            tp_err(m->first, 0, "distinct values of column '%s', which is not in the data set",
                   name);
            got = -1;
        } else {
            c->distinct[k] = count[i];
        }
    }
    tp_map_free(in);
    free(count);
    return got < 0 ? -1 : 0;
}

static int
write_ctx(const tp_context *c, tp_out *o)
{
    int rc = 0;
    for (size_t i = 0; c->distinct && i < c->nin; i++)
        if (c->distinct[i] >= 0)
            rc |= tp_rec_str(o, "distinct") || tp_rec_int(o, (long long)i) ||
                  tp_rec_int(o, c->distinct[i]) || tp_rec_end(o);
    return rc;
}

static int
read_ctx(tp_context *c, char **f, size_t n)
{
    long long v[2];
    if (n != 3 || tp_field_ints(f + 1, 2, v) < 0 || v[0] < 0 || (size_t)v[0] >= c->nin)
        return 1;
    if (!c->distinct) {
        c->distinct = tp_xmalloc(c->nin * sizeof *c->distinct);
        for (size_t i = 0; i < c->nin; i++)
            c->distinct[i] = -1;
    }
    c->distinct[v[0]] = v[1];
    return 0;
}

static void
free_ctx(tp_context *c)
{
    free(c->distinct);
}

static int
json(const tp_context *c, size_t col, const char *member, tp_out *o)
{
    if (strcmp(member, "distinct") != 0 || strcmp(c->type[col], "object") != 0 || !c->distinct ||
        c->distinct[col] < 0)
        return 0;
    return tp_out_printf(o, ", \"distinct\": %lld", c->distinct[col]) < 0 ? -1 : 1;
}

const tp_scanop tp_scan_distinct = {
    .name = "distinct",
    .flags = TP_SCAN_ALL_ROWS,
    .collect = collect,
    .tag = "d",
    .write_partial = write_partial,
    .read_partial = read_partial,
    .phase = TP_SCAN_SPLITS,
    .finish = finish,
    .ctx_after = "in",
    .ctx_tag = "distinct",
    .write_ctx = write_ctx,
    .read_ctx = read_ctx,
    .free_ctx = free_ctx,
    .json = json,
};
