/*
 * Dedup (SPEC section 6): of the rows that share a dedup key, only the earliest
 * survives, earliest by (time, shard, row). Pass 1 keeps the earliest row of each key
 * in the shard; the merge spills them and keeps the first of each key through GNU sort
 * (spill.h), writing per shard the rows that survive (DIR/keep/part-NNNNN); pass 2
 * (tp-transform) keeps those rows only. A row without a key is dropped.
 */
#include "scanop.h"

#include "err.h"
#include "merge.h"
#include "record.h"
#include "value.h"

#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int
keeps(const tp_scanrow *x, const tp_row *row)
{
    long i = x->roles->dedup;
    return i < 0 || !tp_is_missing(row->f[i], row->len[i]);
}

static int
collect(tp_summary *s, tp_scanrow *x, const tp_row *row)
{
    long i = x->roles->dedup;
    if (i < 0)
        return 0;
    tp_keyrec rec = {x->t, row->index, s->shard, x->label}, *g;
    int created;
    g = tp_map_put(s->keys, row->f[i], row->len[i], &created);
    if (created || tp_keyrec_before(&rec, g))
        *g = rec;
    return 0;
}

struct put_key {
    const tp_summary *s;
    tp_out *o;
};

static int
put_key(void *arg, const char *k, size_t n, const void *val)
{
    const struct put_key *p = arg;
    tp_keyrec kr;
    memcpy(&kr, val, sizeof kr);
    size_t ln = 0;
    const char *lv = kr.label >= 0 ? tp_map_key(p->s->labels, (size_t)kr.label, &ln) : "";
    return tp_rec_str(p->o, "k") || tp_rec_int(p->o, kr.t) || tp_rec_int(p->o, kr.row) ||
                   tp_rec_mem(p->o, lv, ln) || tp_rec_mem(p->o, k, n) || tp_rec_end(p->o)
               ? -1
               : 0;
}

/* The keys of the map and of its runs (tp_summary_bound), bytewise. */
static int
write_partial(const tp_summary *s, tp_out *o)
{
    struct put_key p = {s, o};
    return tp_runs_each(s->keys_runs, &tp_summary_keys_kind, s->keys, put_key, &p);
}

static int
read_partial(tp_summary *s, const tp_summary_sink *sink, tp_lines *l, char **f, size_t n)
{
    long long v[2];
    if (n != 5)
        return 1;
    if (tp_field_int(f[1], &v[0]) < 0 || tp_field_int(f[2], &v[1]) < 0) {
        tp_rec_fail(l, "summary");
        return -1;
    }
    if (sink)
        return sink->key(sink->arg, s, f[4], v[0], v[1], s->label ? f[3] : NULL) < 0 ? -1 : 0;
    long label = -1;
    if (s->label) {
        tp_map_put(s->labels, f[3], strlen(f[3]), NULL);
        label = tp_map_index(s->labels, f[3], strlen(f[3]));
    }
    tp_keyrec *kr = tp_map_put(s->keys, f[4], strlen(f[4]), NULL);
    kr->t = v[0];
    kr->row = v[1];
    kr->shard = s->shard;
    kr->label = label;
    return 0;
}

/* The keys held in memory (a summary read without a sink) go to the spill. */
static int
merge(struct tp_merge *m, struct tp_shardacc *a, tp_summary *s)
{
    (void)a;
    int rc = tp_spill_keys(m->sp, s);
    return rc;
}

/*
 * The first record of each key in (key, t, shard, row) order wins (spill.h); winners
 * go to the keep lists in (shard, row) order, their times to the spilled times (for
 * scan_temporal.c), their classes to the shards' class counts (for scan_strata.c).
 * Without dedup a shard keeps every row it did not drop.
 */
static int
finish(struct tp_merge *m, tp_context *c)
{
    if (c->dedup < 0) {
        for (size_t s = 0; s < c->nshards; s++) {
            tp_shardinfo *si = &c->shards[s];
            si->kept = si->rows - si->bad - si->drop_label - si->drop_time - si->drop_key;
        }
        return 0;
    }
    tp_spill_rd *r = tp_spill_winners(m->sp);
    if (!r)
        return -1;
    char *kdir = tp_merge_join(m->dir, "keep");
    int rc = tp_mkdirs(kdir, 0777) < 0 ? -1 : 0;
    free(kdir);
    tp_out *keep = NULL;
    long cur = -1;
    size_t si = 0;
    int got = 0;
    tp_spill_win w;
    while (rc == 0 && (got = tp_spill_next_winner(r, &w)) == 1) {
        if (w.shard != cur) {
            if (keep && tp_out_commit(keep, NULL) < 0)
                rc = -1;
            keep = NULL;
            long ix = tp_context_shard(c, (long)w.shard);
            if (ix < 0) {
                tp_err(tp_spill_name(r), tp_spill_line(r), "unknown shard %lld", w.shard);
                rc = -1;
                break;
            }
            si = (size_t)ix;
            cur = (long)w.shard;
            char *kp = tp_keep_path(m->dir, cur);
            keep = tp_out_open(kp, 0);
            free(kp);
            if (!keep) {
                rc = -1;
                break;
            }
        }
        rc |= tp_rec_int(keep, w.row) || tp_rec_end(keep); /* "ROW\n" */
        c->shards[si].kept++;
        if (c->label >= 0)
            *(long long *)tp_map_put(m->sh[si].classes, w.label, strlen(w.label), NULL) += 1;
        if (c->temporal >= 0)
            rc |= tp_spill_time(m->sp, w.t, 1);
    }
    if (got < 0)
        rc = -1;
    if (keep && (rc ? (tp_out_abort(keep), -1) : tp_out_commit(keep, NULL)) < 0)
        rc = -1;
    tp_spill_close(r);
    /* shards without winners get an empty keep list */
    for (size_t s = 0; s < c->nshards && rc == 0; s++) {
        if (c->shards[s].kept > 0)
            continue;
        char *kp = tp_keep_path(m->dir, c->shards[s].shard);
        tp_out *o = tp_out_open(kp, 0);
        free(kp);
        rc = o ? tp_out_commit(o, NULL) : -1;
    }
    return rc;
}

/* Pass 2: the keep list of the shard, read along with the rows. */
struct keep {
    tp_lines *l;
    long long next; /* the next row index that survives */
    int done;       /* the list is read to its end */
    tp_reader *r;   /* the shard's reader, told to pass over the rows before next; NULL
                       when the shard had bad rows in pass 1 (they must be seen again) */
};

static int
next_keep(struct keep *k)
{
    char **f;
    size_t n;
    int rc = tp_lines_next(k->l, &f, &n);
    if (rc < 0)
        return -1;
    if (rc == 0) {
        k->done = 1;
        if (k->r)
            tp_reader_skip_before(k->r, LLONG_MAX);
        return 0;
    }
    int64_t v;
    if (n != 1 || tp_parse_int64(f[0], strlen(f[0]), &v) < 0 || v <= k->next) {
        tp_err(tp_lines_name(k->l), tp_lines_line(k->l), "malformed keep list");
        return -1;
    }
    k->next = v;
    if (k->r)
        tp_reader_skip_before(k->r, v);
    return 0;
}

static int
open2(tp_pass2 *p, void **st)
{
    *st = NULL;
    if (p->c->dedup < 0)
        return 0;
    struct keep *k = tp_xcalloc(1, sizeof *k);
    k->next = -1;
    long si = p->r ? tp_context_shard(p->c, p->shard) : -1;
    if (si >= 0 && p->c->shards[si].bad == 0)
        k->r = p->r; /* no bad row to report again: the dropped rows need not be read */
    char *kp = tp_keep_path(p->dir, p->shard);
    k->l = tp_lines_open(kp);
    free(kp);
    if (!k->l || next_keep(k) < 0) {
        tp_lines_close(k->l);
        free(k);
        return -1;
    }
    *st = k;
    return 1;
}

static int
apply(void *st, tp_pass2 *p, const tp_row *row, char *why, size_t size)
{
    (void)p;
    (void)why;
    (void)size;
    struct keep *k = st;
    if (k->done || row->index != k->next)
        return 1;
    return next_keep(k) < 0 ? -1 : 0;
}

static int
close2(void *st, tp_pass2 *p, int ok)
{
    struct keep *k = st;
    int rc = 0;
    if (ok && !k->done) {
        tp_err(p->file, 0, "row %lld of the keep list is beyond the end of the shard", k->next);
        rc = -1;
    }
    tp_lines_close(k->l);
    free(k);
    return rc;
}

const tp_scanop tp_scan_dedup = {
    .name = "dedup",
    .keeps = keeps,
    .drop_off = offsetof(tp_summary, drop_key),
    .collect = collect,
    .tag = "k",
    .write_partial = write_partial,
    .read_partial = read_partial,
    .merge = merge,
    .phase = TP_SCAN_SURVIVORS,
    .finish = finish,
    .stage = TP_STAGE_TRANSFORM,
    .open = open2,
    .apply = apply,
    .close = close2,
};
