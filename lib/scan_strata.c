/*
 * The strata of the stratified split (SPEC section 7): per label class the exact counts
 * n_train = floor(n * r), n_test = ceil((n - n_train) * q), the rest validation, and per
 * shard the rows of each class in the shards before it (DIR/strata/part-NNNNN), so that
 * tp-split ranks a row within its class from its own shard alone, in a seeded
 * permutation per class. Without dedup, pass 1 counts the rows per class; with dedup,
 * scan_dedup.c counts the winners.
 */
#include "scanop.h"

#include "err.h"
#include "merge.h"
#include "record.h"
#include "hash.h"
#include "splitmode.h"
#include "value.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int
collect(tp_summary *s, tp_scanrow *x, const tp_row *row)
{
    long i = x->roles->label;
    if (i >= 0 && x->roles->dedup < 0)
        *(long long *)tp_map_put(s->classes, row->f[i], row->len[i], NULL) += 1;
    return 0;
}

static int
write_partial(const tp_summary *s, tp_out *o)
{
    size_t *ix = tp_map_sorted(s->classes);
    int rc = 0;
    for (size_t i = 0; i < tp_map_size(s->classes) && rc == 0; i++) {
        size_t n;
        const char *k = tp_map_key(s->classes, ix[i], &n);
        rc |= tp_rec_str(o, "sc") || tp_rec_int(o, *(long long *)tp_map_val(s->classes, ix[i]));
        rc |= tp_rec_mem(o, k, n) || tp_rec_end(o);
    }
    free(ix);
    return rc;
}

static int
read_partial(tp_summary *s, const tp_summary_sink *sink, tp_lines *l, char **f, size_t n)
{
    (void)sink;
    long long v;
    if (n != 3)
        return 1;
    if (tp_field_int(f[1], &v) < 0) {
        tp_rec_fail(l, "summary");
        return -1;
    }
    *(long long *)tp_map_put(s->classes, f[2], strlen(f[2]), NULL) += v;
    return 0;
}

/* The shard's class counts stay with the shard (they grow with the classes only). */
static int
merge(struct tp_merge *m, struct tp_shardacc *a, tp_summary *s)
{
    (void)m;
    a->classes = s->classes ? s->classes : tp_map_new(sizeof(long long));
    s->classes = NULL;
    return 0;
}

/* The output value of a raw label value: its vocabulary index, or itself. */
static const char *
class_name(const tp_context *c, const char *raw, char *buf, size_t size)
{
    if (!c->vocab)
        return raw;
    size_t lo = 0, hi = c->nvocab;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (strcmp(c->vocabv[mid], raw) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    snprintf(buf, size, "%zu", lo);
    return buf;
}

static int
finish(struct tp_merge *m, tp_context *c)
{
    const tp_splitmode_def *mode = tp_splitmode_lookup(c->split);
    if (c->temporal >= 0 || tp_job_lookup(c->job) != TP_JOB_TRAINING || !mode ||
        mode->fit != TP_FIT_STRATA)
        return 0;
    tp_shardacc *sh = m->sh;
    tp_map *all = tp_map_new(sizeof(long long)); /* raw class -> rows */
    for (size_t s = 0; s < c->nshards; s++)
        for (size_t i = 0; i < tp_map_size(sh[s].classes); i++) {
            size_t n;
            const char *k = tp_map_key(sh[s].classes, i, &n);
            *(long long *)tp_map_put(all, k, n, NULL) += *(long long *)tp_map_val(sh[s].classes, i);
        }
    size_t k = tp_map_size(all);
    size_t *ix = tp_map_sorted(all);
    c->nclass = k;
    c->classes = tp_xcalloc(k ? k : 1, sizeof *c->classes);
    char buf[32];
    for (size_t i = 0; i < k; i++) {
        tp_class *cl = &c->classes[i];
        const char *raw = tp_map_key(all, ix[i], NULL);
        cl->value = tp_xstrdup(class_name(c, raw, buf, sizeof buf));
        cl->n = *(long long *)tp_map_val(all, ix[i]);
        cl->n_train = (long long)tp_ratio_floor((uint64_t)cl->n, c->r);
        cl->n_test = (long long)tp_ratio_ceil((uint64_t)(cl->n - cl->n_train), c->q);
        cl->n_val = cl->n - cl->n_train - cl->n_test;
        c->n_train += cl->n_train;
        c->n_val += cl->n_val;
        c->n_test += cl->n_test;
    }
    char *sdir = tp_merge_join(m->dir, "strata");
    int rc = tp_mkdirs(sdir, 0777);
    free(sdir);
    long long *offset = tp_xcalloc(k ? k : 1, sizeof *offset);
    for (size_t s = 0; s < c->nshards && rc == 0; s++) {
        char *p = tp_strata_path(m->dir, c->shards[s].shard);
        tp_out *o = tp_out_open(p, 0);
        free(p);
        if (!o) {
            rc = -1;
            break;
        }
        for (size_t i = 0; i < k; i++) {
            const char *raw = tp_map_key(all, ix[i], NULL);
            long long *v = tp_map_get(sh[s].classes, raw, strlen(raw));
            rc |= tp_out_printf(o, "%lld\t%lld\t", offset[i], v ? *v : 0);
            rc |= tp_out_esc(o, c->classes[i].value, strlen(c->classes[i].value));
            rc |= tp_out_byte(o, '\n');
            if (v)
                offset[i] += *v;
        }
        rc = rc ? (tp_out_abort(o), -1) : tp_out_commit(o, NULL);
    }
    free(offset);
    free(ix);
    tp_map_free(all);
    return rc;
}

static int
write_ctx(const tp_context *c, tp_out *o)
{
    int rc = 0;
    for (size_t i = 0; i < c->nclass; i++) {
        const tp_class *cl = &c->classes[i];
        const long long v[] = {cl->n, cl->n_train, cl->n_val, cl->n_test};
        rc |= tp_rec_str(o, "class") || tp_rec_ints(o, v, 4) || tp_rec_str(o, cl->value) ||
              tp_rec_end(o);
    }
    return rc;
}

static int
read_ctx(tp_context *c, char **f, size_t n)
{
    long long v[4];
    if (n != 6 || tp_field_ints(f + 1, 4, v) < 0)
        return 1;
    if (c->nclass == 0 || (c->nclass >= 16 && (c->nclass & (c->nclass - 1)) == 0))
        c->classes = tp_xrealloc(c->classes, (c->nclass ? 2 * c->nclass : 16) * sizeof *c->classes);
    tp_class *cl = &c->classes[c->nclass++];
    cl->n = v[0], cl->n_train = v[1], cl->n_val = v[2], cl->n_test = v[3];
    cl->value = tp_xstrdup(f[5]);
    return 0;
}

static void
free_ctx(tp_context *c)
{
    for (size_t i = 0; i < c->nclass; i++)
        free(c->classes[i].value);
    free(c->classes);
}

/* Pass 2 (tp-split): a class of the shard, its rows before the shard and in it. */
struct stratum {
    const tp_class *cl;
    long long offset; /* rows of the class in earlier shards */
    long long count;  /* rows of the class pass 1 kept in this shard */
    long long seen;   /* rows of the class so far in this shard */
    uint64_t seed;    /* the permutation's key for this class */
};

/* Read DIR/strata/part-NNNNN into a map class value -> struct stratum. */
static int
open2(tp_pass2 *p, void **st)
{
    const tp_context *c = p->c;
    const tp_splitmode_def *mode = tp_splitmode_lookup(c->split);
    *st = NULL;
    if (c->label < 0 || !mode || mode->by != TP_BY_CLASS)
        return 0;
    tp_map *strata = tp_map_new(sizeof(struct stratum));
    char *path = tp_strata_path(p->dir, p->shard);
    tp_lines *l = tp_lines_open(path);
    free(path);
    if (!l) {
        tp_map_free(strata);
        return -1;
    }
    char **f;
    size_t n;
    int rc;
    while ((rc = tp_lines_next(l, &f, &n)) == 1) {
        int64_t off, cnt;
        const tp_class *cl = NULL;
        for (size_t i = 0; n == 3 && i < c->nclass && !cl; i++)
            if (strcmp(c->classes[i].value, f[2]) == 0)
                cl = &c->classes[i];
        if (!cl || tp_parse_int64(f[0], strlen(f[0]), &off) < 0 ||
            tp_parse_int64(f[1], strlen(f[1]), &cnt) < 0) {
            tp_err(tp_lines_name(l), tp_lines_line(l), "malformed strata record");
            rc = -1;
            break;
        }
        struct stratum *s = tp_map_put(strata, f[2], strlen(f[2]), NULL);
        s->cl = cl;
        s->offset = off;
        s->count = cnt;
        s->seen = 0;
        /* one permutation per class: the seed mixed with the class value */
        s->seed = tp_hash_value((uint64_t)c->seed, f[2], strlen(f[2]));
    }
    tp_lines_close(l);
    if (rc < 0) {
        tp_map_free(strata);
        return -1;
    }
    *st = strata;
    return 1;
}

/* The split of a row by its rank within its class (the stream's column p->col). */
static int
apply(void *st, tp_pass2 *p, const tp_row *row, char *why, size_t size)
{
    (void)why;
    (void)size;
    const tp_context *c = p->c;
    const char *v = row->f[p->col];
    struct stratum *s = tp_map_get(st, v, row->len[p->col]);
    if (!s) {
        tp_err(p->file, row->line, "column '%s': label '%s' is not a class of pass 1",
               c->out[c->label], v);
        return -1;
    }
    if (s->seen >= s->count) {
        tp_err(p->file, row->line, "more rows of class '%s' than pass 1 kept for the shard (%lld)",
               v, s->count);
        return -1;
    }
    long long rank = s->offset + s->seen++;
    p->split = tp_split_by_position(tp_permute(s->seed, (uint64_t)s->cl->n, (uint64_t)rank),
                                    s->cl->n_train, s->cl->n_val);
    return 0;
}

static int
close2(void *st, tp_pass2 *p, int ok)
{
    (void)p;
    (void)ok;
    tp_map_free(st);
    return 0;
}

const tp_scanop tp_scan_strata = {
    .name = "strata",
    .collect = collect,
    .tag = "sc",
    .write_partial = write_partial,
    .read_partial = read_partial,
    .merge = merge,
    .phase = TP_SCAN_SPLITS,
    .finish = finish,
    .ctx_after = "rows",
    .ctx_tag = "class",
    .write_ctx = write_ctx,
    .read_ctx = read_ctx,
    .free_ctx = free_ctx,
    .stage = TP_STAGE_SPLIT,
    .open = open2,
    .apply = apply,
    .close = close2,
};
