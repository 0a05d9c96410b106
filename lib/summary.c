/*
 * Partial summary: in-memory form, writer and reader.
 */
#include "summary.h"

#include "err.h"
#include "io.h"
#include "reader.h"
#include "record.h"
#include "runs.h"
#include "scanop.h"
#include "text.h"
#include "value.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
tp_keyrec_before(const tp_keyrec *a, const tp_keyrec *b)
{
    if (a->t != b->t)
        return a->t < b->t;
    if (a->shard != b->shard)
        return a->shard < b->shard;
    return a->row < b->row;
}

static void
keep_earlier(void *into, const void *from)
{
    if (tp_keyrec_before(from, into))
        memcpy(into, from, sizeof(tp_keyrec));
}

static void
add_count(void *into, const void *from)
{
    long long a, b;
    memcpy(&a, into, sizeof a);
    memcpy(&b, from, sizeof b);
    a += b;
    memcpy(into, &a, sizeof a);
}

static void
keep_one(void *into, const void *from)
{
    (void)into, (void)from;
}

static int
cmp_time(const char *a, size_t na, const char *b, size_t nb)
{
    (void)na, (void)nb;
    int64_t x, y;
    memcpy(&x, a, sizeof x);
    memcpy(&y, b, sizeof y);
    return (x > y) - (x < y);
}

/* a time's image: its order as an unsigned number (the sign bit flipped) */
static uint64_t
time_image(const char *key, size_t n)
{
    (void)n;
    int64_t t;
    memcpy(&t, key, sizeof t);
    return (uint64_t)t ^ ((uint64_t)1 << 63);
}

const tp_runs_kind tp_summary_keys_kind = {sizeof(tp_keyrec), tp_runs_bytes, keep_earlier,
                                           tp_runs_bytes_image};
const tp_runs_kind tp_summary_times_kind = {sizeof(long long), cmp_time, add_count, time_image};
const tp_runs_kind tp_summary_distinct_kind = {0, tp_runs_bytes, keep_one, tp_runs_bytes_image};

/* The runs of *m (made on the first spill) of kind k: spill *m into them. */
static int
spill(tp_summary *s, struct tp_runs **r, tp_map **m, const tp_runs_kind *k)
{
    if (!s->runfile)
        s->runfile = tp_runfile_new();
    if (!*r)
        *r = tp_runs_new(s->runfile, k);
    return tp_runs_spill(*r, m);
}

static size_t
mbytes(const tp_map *m)
{
    return m ? tp_map_bytes(m) : 0;
}

int
tp_summary_bound(tp_summary *s, size_t bytes)
{
    size_t nd = s->distinct ? s->ncols : 0, total = tp_map_bytes(s->keys) + tp_map_bytes(s->times);
    for (size_t i = 0; i < nd; i++)
        total += mbytes(s->distinct[i]);
    if (total <= bytes)
        return 0;
    if (nd && !s->distinct_runs)
        s->distinct_runs = tp_xcalloc(nd, sizeof *s->distinct_runs);
    /* the largest maps first, until half the bound is free */
    while (total > bytes / 2) {
        size_t big = tp_map_bytes(s->keys), which = 0, b;
        if ((b = tp_map_bytes(s->times)) > big)
            big = b, which = 1;
        for (size_t i = 0; i < nd; i++)
            if ((b = mbytes(s->distinct[i])) > big)
                big = b, which = 2 + i;
        size_t before = big;
        int rc = which == 0   ? spill(s, &s->keys_runs, &s->keys, &tp_summary_keys_kind)
                 : which == 1 ? spill(s, &s->times_runs, &s->times, &tp_summary_times_kind)
                              : spill(s, &s->distinct_runs[which - 2], &s->distinct[which - 2],
                                      &tp_summary_distinct_kind);
        if (rc < 0)
            return -1;
        size_t after = which == 0   ? tp_map_bytes(s->keys)
                       : which == 1 ? tp_map_bytes(s->times)
                                    : tp_map_bytes(s->distinct[which - 2]);
        if (after >= before) /* an empty map's own size: nothing more to give back */
            break;
        total -= before - after;
    }
    return 0;
}

tp_summary *
tp_summary_new(void)
{
    tp_summary *s = tp_xcalloc(1, sizeof *s);
    s->header = 1;
    s->labels = tp_map_new(0);
    s->times = tp_map_new(sizeof(long long));
    s->keys = tp_map_new(sizeof(tp_keyrec));
    s->classes = tp_map_new(sizeof(long long));
    return s;
}

void
tp_xtable_free(tp_xtable *x, size_t n)
{
    for (size_t i = 0; x && i < n; i++) {
        free(x[i].path);
        tp_strv_free(x[i].cols, x[i].ncols);
        free(x[i].stats);
        free(x[i].born);
    }
    free(x);
}

void
tp_summary_free(tp_summary *s)
{
    if (!s)
        return;
    free(s->source);
    free(s->records);
    free(s->absent);
    tp_xtable_free(s->x, s->nx);
    tp_strv_free(s->expand, s->nexpand);
    free(s->idcol);
    for (size_t i = 0; i < s->ncols; i++)
        free(s->cols[i]);
    free(s->cols);
    free(s->stats);
    free(s->label);
    free(s->dedup);
    free(s->temporal);
    free(s->split);
    free(s->splitcol);
    tp_map_free(s->labels);
    tp_map_free(s->classes);
    for (size_t i = 0; s->distinct && i < s->ncols; i++)
        tp_map_free(s->distinct[i]);
    free(s->distinct);
    tp_map_free(s->times);
    tp_map_free(s->keys);
    tp_runs_free(s->keys_runs);
    tp_runs_free(s->times_runs);
    for (size_t i = 0; s->distinct_runs && i < s->ncols; i++)
        tp_runs_free(s->distinct_runs[i]);
    free(s->distinct_runs);
    tp_runfile_free(s->runfile);
    tp_strv_free(s->tf, s->ntf);
    free(s);
}

size_t *
tp_map_sorted(const tp_map *m)
{
    static const tp_runs_kind bytes = {0, tp_runs_bytes, NULL, tp_runs_bytes_image};
    return tp_runs_sorted(m, &bytes);
}

int
tp_summary_write(const tp_summary *s, const char *path)
{
    tp_out *o = tp_out_open(path, 0);
    if (!o)
        return -1;
    int rc = tp_rec_str(o, "tp-summary") || tp_rec_int(o, 2) || tp_rec_end(o);
    rc |= tp_rec_str(o, "shard") || tp_rec_int(o, s->shard) || tp_rec_end(o);
    rc |= tp_rec_str(o, "header") || tp_rec_int(o, s->header) || tp_rec_end(o);
    rc |= tp_rec_name(o, "source", s->source);
    const long long rows[] = {s->rows, s->drop_label, s->drop_time, s->drop_key, s->bad};
    rc |= tp_rec_str(o, "rows") || tp_rec_ints(o, rows, 5) || tp_rec_end(o);
    rc |= tp_rec_str(o, "input") || tp_rec_int(o, s->in_bytes) || tp_rec_crc(o, s->in_crc) ||
          tp_rec_end(o);
    rc |= tp_rec_name(o, "label", s->label);
    rc |= tp_rec_name(o, "dedup", s->dedup);
    rc |= tp_rec_name(o, "temporal", s->temporal);
    rc |= tp_rec_name(o, "split", s->split);
    rc |= tp_rec_name(o, "splitcol", s->splitcol);
    rc |= tp_rec_name(o, "records", s->records);
    rc |= tp_rec_name(o, "id", s->idcol);
    for (size_t i = 0; i < s->nexpand; i++)
        rc |= tp_rec_name(o, "expand", s->expand[i]);
    if (s->distinct_on)
        rc |= tp_rec_name(o, "distinct", "1");
    for (size_t i = 0; i < s->ntf; i++)
        rc |= tp_rec_name(o, "transform", s->tf[i]);
    for (size_t i = 0; i < s->ncols && rc == 0; i++) {
        const tp_colstat *c = &s->stats[i];
        rc |= tp_rec_name(o, "col", s->cols[i]);
        rc |= tp_rec_str(o, "stat") || tp_colstat_write(o, c) || tp_rec_end(o);
        rc |= tp_rec_name(o, "decl", tp_decl_name(c->declared));
        if (s->absent && s->absent[i])
            rc |= tp_rec_str(o, "absent") || tp_rec_end(o);
    }
    for (size_t k = 0; k < s->nx && rc == 0; k++) {
        const tp_xtable *x = &s->x[k];
        rc |= tp_rec_str(o, "explode") || tp_rec_str(o, x->path) || tp_rec_int(o, x->rows) ||
              tp_rec_end(o);
        for (size_t i = 0; i < x->ncols; i++) {
            rc |= tp_rec_name(o, "xcol", x->cols[i]);
            rc |= tp_rec_str(o, "xstat") || tp_colstat_write(o, &x->stats[i]) || tp_rec_end(o);
        }
    }
    /* then each scan operation's records, in table order (scanop.h) */
    for (size_t i = 0; tp_scanops[i] && rc == 0; i++)
        if (tp_scanops[i]->write_partial)
            rc |= tp_scanops[i]->write_partial(s, o);
    rc |= tp_rec_str(o, "end") || tp_rec_end(o);
    if (rc) {
        tp_out_abort(o);
        return -1;
    }
    return tp_out_commit(o, NULL);
}

/* Strict integer and number fields of a record; -1 with an error recorded otherwise. */
static int
field_ll(tp_lines *l, const char *s, long long *out)
{
    if (tp_field_int(s, out) < 0) {
        tp_rec_fail(l, "summary");
        return -1;
    }
    return 0;
}

tp_summary *
tp_summary_read(const char *path, const tp_summary_sink *sink)
{
    tp_lines *l = tp_lines_open(path);
    if (!l)
        return NULL;
    tp_summary *s = tp_summary_new();
    size_t ccap = 0;
    int seen_end = 0, seen_input = 0, rc;
    char **f;
    size_t n;
    long long v[5];
    while ((rc = tp_lines_next(l, &f, &n)) == 1) {
        const char *tag = f[0];
        const tp_scanop *op;
        int bad = 0;
        if (tp_lines_line(l) == 1) {
            if (n != 2 || strcmp(tag, "tp-summary") != 0 || strcmp(f[1], "2") != 0) {
                tp_err(path, 1, "not a tp summary (version 2)");
                goto fail;
            }
        } else if (seen_end) {
            bad = 1;
        } else if ((op = tp_scanop_by_tag(tag, 0)) != NULL) {
            /* first: the records that grow with the rows (keys, times) are the operations' */
            int got = op->read_partial(s, sink, l, f, n);
            if (got < 0)
                goto fail;
            bad = got > 0;
        } else if (strcmp(tag, "end") == 0) {
            seen_end = 1;
        } else if (strcmp(tag, "shard") == 0 && n == 2) {
            if (field_ll(l, f[1], &v[0]) < 0)
                goto fail;
            s->shard = (long)v[0];
        } else if (strcmp(tag, "header") == 0 && n == 2) {
            s->header = strcmp(f[1], "0") == 0 ? 0 : strcmp(f[1], "2") == 0 ? 2 : 1;
        } else if (strcmp(tag, "records") == 0 && n == 2) {
            s->records = tp_xstrdup(f[1]);
        } else if (strcmp(tag, "id") == 0 && n == 2) {
            free(s->idcol);
            s->idcol = tp_xstrdup(f[1]);
        } else if (strcmp(tag, "expand") == 0 && n == 2) {
            s->expand = tp_xrealloc(s->expand, (s->nexpand + 1) * sizeof *s->expand);
            s->expand[s->nexpand++] = tp_xstrdup(f[1]);
        } else if (strcmp(tag, "explode") == 0 && n == 3) {
            s->x = tp_xrealloc(s->x, (s->nx + 1) * sizeof *s->x);
            tp_xtable *x = &s->x[s->nx++];
            memset(x, 0, sizeof *x);
            x->path = tp_xstrdup(f[1]);
            if (field_ll(l, f[2], &x->rows) < 0)
                goto fail;
        } else if (strcmp(tag, "xcol") == 0 && n == 2 && s->nx > 0) {
            tp_xtable *x = &s->x[s->nx - 1];
            x->cols = tp_xrealloc(x->cols, (x->ncols + 1) * sizeof *x->cols);
            x->stats = tp_xrealloc(x->stats, (x->ncols + 1) * sizeof *x->stats);
            x->cols[x->ncols] = tp_xstrdup(f[1]);
            tp_colstat_init(&x->stats[x->ncols++]);
        } else if (strcmp(tag, "xstat") == 0 && n == 1 + TP_COLSTAT_FIELDS && s->nx > 0 &&
                   s->x[s->nx - 1].ncols > 0) {
            tp_xtable *x = &s->x[s->nx - 1];
            if (tp_colstat_read(f + 1, &x->stats[x->ncols - 1]) < 0) {
                tp_rec_fail(l, "summary");
                goto fail;
            }
        } else if (strcmp(tag, "absent") == 0 && n == 1 && s->ncols > 0) {
            if (!s->absent)
                s->absent = tp_xcalloc(ccap, 1);
            s->absent[s->ncols - 1] = 1;
        } else if (strcmp(tag, "source") == 0 && n == 2) {
            s->source = tp_xstrdup(f[1]);
        } else if (strcmp(tag, "input") == 0 && n == 3) {
            if (field_ll(l, f[1], &s->in_bytes) < 0)
                goto fail;
            if (tp_field_crc(f[2], &s->in_crc) < 0) {
                tp_err(path, tp_lines_line(l), "malformed summary: not a CRC-32: '%s'", f[2]);
                goto fail;
            }
            seen_input = 1;
        } else if (strcmp(tag, "rows") == 0 && n == 6) {
            if (tp_field_ints(f + 1, 5, v) < 0) {
                tp_rec_fail(l, "summary");
                goto fail;
            }
            s->rows = v[0], s->drop_label = v[1], s->drop_time = v[2], s->drop_key = v[3];
            s->bad = v[4];
        } else if (strcmp(tag, "label") == 0 && n == 2) {
            s->label = tp_xstrdup(f[1]);
        } else if (strcmp(tag, "dedup") == 0 && n == 2) {
            s->dedup = tp_xstrdup(f[1]);
        } else if (strcmp(tag, "temporal") == 0 && n == 2) {
            s->temporal = tp_xstrdup(f[1]);
        } else if (strcmp(tag, "transform") == 0 && n == 2) {
            s->tf = tp_xrealloc(s->tf, (s->ntf + 1) * sizeof *s->tf);
            s->tf[s->ntf++] = tp_xstrdup(f[1]);
        } else if (strcmp(tag, "col") == 0 && n == 2) {
            if (s->ncols == ccap) {
                ccap = ccap ? 2 * ccap : 32;
                s->cols = tp_xrealloc(s->cols, ccap * sizeof *s->cols);
                s->stats = tp_xrealloc(s->stats, ccap * sizeof *s->stats);
                if (s->absent) {
                    s->absent = tp_xrealloc(s->absent, ccap);
                    memset(s->absent + s->ncols, 0, ccap - s->ncols);
                }
            }
            s->cols[s->ncols] = tp_xstrdup(f[1]);
            tp_colstat_init(&s->stats[s->ncols]);
            s->ncols++;
        } else if (strcmp(tag, "stat") == 0 && n == 1 + TP_COLSTAT_FIELDS && s->ncols > 0) {
            if (tp_colstat_read(f + 1, &s->stats[s->ncols - 1]) < 0) {
                tp_rec_fail(l, "summary");
                goto fail;
            }
        } else if (strcmp(tag, "decl") == 0 && n == 2 && s->ncols > 0 &&
                   tp_decl_parse(f[1]) != TP_DECL_NONE) {
            s->stats[s->ncols - 1].declared = tp_decl_parse(f[1]);
        } else if (strcmp(tag, "split") == 0 && n == 2) {
            s->split = tp_xstrdup(f[1]);
        } else if (strcmp(tag, "splitcol") == 0 && n == 2) {
            s->splitcol = tp_xstrdup(f[1]);
        } else if (strcmp(tag, "distinct") == 0 && n == 2 && strcmp(f[1], "1") == 0) {
            s->distinct_on = 1;
        } else {
            bad = 1;
        }
        if (bad) {
            tp_rec_malformed(l, "summary", tag);
            goto fail;
        }
    }
    if (rc < 0)
        goto fail;
    if (!seen_end) {
        tp_err(path, 0, "truncated summary (no 'end' record)");
        goto fail;
    }
    if (!seen_input) {
        tp_err(path, 0, "malformed summary: no 'input' record");
        goto fail;
    }
    tp_lines_close(l);
    return s;
fail:
    tp_lines_close(l);
    tp_summary_free(s);
    return NULL;
}
