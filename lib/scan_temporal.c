/*
 * The temporal cutoffs (SPEC section 7): the rows sorted by their temporal value, the
 * first floor(n * r) of them train, of the rest the last ceil(hold * q) test, the others
 * validation, rows of equal time always in one split; so two cutoffs, train_cutoff and
 * test_cutoff, decide a row's split from its time alone. A value that is not a date or
 * time makes a bad row; a row without one is dropped. Without dedup, pass 1 counts the
 * rows per distinct time; with dedup, the winners' times are spilled by scan_dedup.c.
 */
#include "scanop.h"

#include "err.h"
#include "merge.h"
#include "record.h"
#include "splitmode.h"
#include "value.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int
bad_time(const char *v, char *why, size_t size)
{
    snprintf(why, size, "not a date or time: '%.900s'", v);
    return 1;
}

static int
check(tp_scanrow *x, const tp_row *row, long *col, char *why, size_t size)
{
    long i = x->roles->temporal;
    if (i < 0 || tp_is_missing(row->f[i], row->len[i]))
        return 0;
    if (tp_parse_time(row->f[i], row->len[i], &x->t) < 0) {
        *col = i;
        return bad_time(row->f[i], why, size);
    }
    x->has_t = 1;
    return 0;
}

static int
keeps(const tp_scanrow *x, const tp_row *row)
{
    (void)row;
    return x->roles->temporal < 0 || x->has_t;
}

static int
collect(tp_summary *s, tp_scanrow *x, const tp_row *row)
{
    (void)row;
    if (x->roles->temporal >= 0 && x->roles->dedup < 0)
        *(long long *)tp_map_put(s->times, &x->t, sizeof x->t, NULL) += 1;
    return 0;
}

static int
put_time(void *arg, const char *k, size_t n, const void *val)
{
    (void)n;
    tp_out *o = arg;
    int64_t t;
    long long c;
    memcpy(&t, k, sizeof t);
    memcpy(&c, val, sizeof c);
    return tp_rec_str(o, "t") || tp_rec_int(o, t) || tp_rec_int(o, c) || tp_rec_end(o) ? -1 : 0;
}

/* The times of the map and of its runs (tp_summary_bound), in time order. */
static int
write_partial(const tp_summary *s, tp_out *o)
{
    return tp_runs_each(s->times_runs, &tp_summary_times_kind, s->times, put_time, o);
}

static int
read_partial(tp_summary *s, const tp_summary_sink *sink, tp_lines *l, char **f, size_t n)
{
    long long v[2];
    if (n != 3)
        return 1;
    if (tp_field_int(f[1], &v[0]) < 0 || tp_field_int(f[2], &v[1]) < 0) {
        tp_rec_fail(l, "summary");
        return -1;
    }
    int64_t t = v[0];
    if (sink)
        return sink->time(sink->arg, t, v[1]) < 0 ? -1 : 0;
    *(long long *)tp_map_put(s->times, &t, sizeof t, NULL) += v[1];
    return 0;
}

/* The counts held in memory (a summary read without a sink) go to the spill. */
static int
merge(struct tp_merge *m, struct tp_shardacc *a, tp_summary *s)
{
    (void)a;
    int rc = 0;
    for (size_t i = 0; i < tp_map_size(s->times) && rc == 0; i++) {
        int64_t t;
        memcpy(&t, tp_map_key(s->times, i, NULL), sizeof t);
        rc = tp_spill_time(m->sp, t, *(long long *)tp_map_val(s->times, i));
    }
    return rc;
}

/* The cutoffs over the sorted (time, count) records. */
static int
finish(struct tp_merge *m, tp_context *c)
{
    if (c->temporal < 0)
        return 0;
    tp_spill_rd *r = tp_spill_times(m->sp);
    if (!r)
        return -1;
    uint64_t n = (uint64_t)c->n;
    uint64_t k1 = tp_ratio_floor(n, c->r);
    uint64_t hold = n - k1;
    uint64_t k2 = k1 + (hold - tp_ratio_ceil(hold, c->q));
    int training = tp_job_lookup(c->job) == TP_JOB_TRAINING;
    int got, rc = 0;
    long long cum = 0, total = 0;
    int have = 0;
    int64_t gt = 0;
    long long gn = 0;
    for (;;) {
        int64_t t = 0;
        long long cnt = 0;
        got = tp_spill_next_time(r, &t, &cnt);
        if (got < 0) {
            rc = -1;
            break;
        }
        /* a group of equal times ends: place it */
        if (have && (got != 1 || t != gt)) {
            if (training) {
                if (!c->has_train_cut && (uint64_t)(cum + gn) > k1) {
                    c->has_train_cut = 1;
                    c->train_cut = gt;
                }
                if (!c->has_test_cut && (uint64_t)(cum + gn) > k2) {
                    c->has_test_cut = 1;
                    c->test_cut = gt;
                }
                if (!c->has_train_cut)
                    c->n_train += gn;
                else if (!c->has_test_cut)
                    c->n_val += gn;
                else
                    c->n_test += gn;
            }
            cum += gn;
            have = 0;
        }
        if (got != 1)
            break;
        if (!have) {
            have = 1;
            gt = t;
            gn = 0;
        }
        gn += cnt;
        total += cnt;
    }
    tp_spill_close(r);
    if (rc == 0 && total != c->n) {
        tp_err(NULL, 0, "internal error: %lld temporal values for %lld rows", total, c->n);
        rc = -1;
    }
    return rc;
}

static int
write_ctx(const tp_context *c, tp_out *o)
{
    const long long cut[] = {c->has_train_cut, c->train_cut, c->has_test_cut, c->test_cut};
    return tp_rec_str(o, "cutoff") || tp_rec_ints(o, cut, 4) || tp_rec_end(o) ? -1 : 0;
}

static int
read_ctx(tp_context *c, char **f, size_t n)
{
    long long v[4];
    if (n != 5 || tp_field_ints(f + 1, 4, v) < 0)
        return 1;
    c->has_train_cut = (int)v[0], c->train_cut = v[1];
    c->has_test_cut = (int)v[2], c->test_cut = v[3];
    return 0;
}

static int
open2(tp_pass2 *p, void **st)
{
    *st = NULL;
    const tp_splitmode_def *mode = tp_splitmode_lookup(p->c->split);
    return p->c->temporal >= 0 && mode && mode->by == TP_BY_TIME;
}

/* The split of a row by its time (the stream's column p->col). */
static int
apply(void *st, tp_pass2 *p, const tp_row *row, char *why, size_t size)
{
    (void)st;
    const tp_context *c = p->c;
    int64_t t;
    if (tp_parse_time(row->f[p->col], row->len[p->col], &t) < 0)
        return bad_time(row->f[p->col], why, size) + 1;
    if (c->has_train_cut && t >= c->train_cut)
        p->split = c->has_test_cut && t >= c->test_cut ? "test" : "val";
    else
        p->split = "train";
    return 0;
}

const tp_scanop tp_scan_temporal = {
    .name = "temporal",
    .check = check,
    .keeps = keeps,
    .drop_off = offsetof(tp_summary, drop_time),
    .collect = collect,
    .tag = "t",
    .write_partial = write_partial,
    .read_partial = read_partial,
    .merge = merge,
    .phase = TP_SCAN_SPLITS,
    .finish = finish,
    .ctx_after = "rows",
    .ctx_tag = "cutoff",
    .write_ctx = write_ctx,
    .read_ctx = read_ctx,
    .stage = TP_STAGE_SPLIT,
    .open = open2,
    .apply = apply,
};
