/*
 * The label vocabulary (SPEC section 5): the distinct label values of all shards; when
 * one of them is not an integer, the label is written as the index of its value in the
 * bytewise-sorted vocabulary, else as itself. A row without a label is dropped.
 */
#include "scanop.h"

#include "err.h"
#include "merge.h"
#include "record.h"
#include "transform.h"
#include "value.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int
keeps(const tp_scanrow *x, const tp_row *row)
{
    long i = x->roles->label;
    return i < 0 || !tp_is_missing(row->f[i], row->len[i]);
}

static int
collect(tp_summary *s, tp_scanrow *x, const tp_row *row)
{
    long i = x->roles->label;
    if (i >= 0) {
        tp_map_put(s->labels, row->f[i], row->len[i], NULL);
        x->label = tp_map_index(s->labels, row->f[i], row->len[i]);
    }
    return 0;
}

static int
write_partial(const tp_summary *s, tp_out *o)
{
    size_t *ix = tp_map_sorted(s->labels);
    int rc = 0;
    for (size_t i = 0; i < tp_map_size(s->labels) && rc == 0; i++)
        rc |= tp_rec_name(o, "lv", tp_map_key(s->labels, ix[i], NULL));
    free(ix);
    return rc;
}

static int
read_partial(tp_summary *s, const tp_summary_sink *sink, tp_lines *l, char **f, size_t n)
{
    (void)sink;
    (void)l;
    if (n != 2)
        return 1;
    tp_map_put(s->labels, f[1], strlen(f[1]), NULL);
    return 0;
}

static int
merge(struct tp_merge *m, struct tp_shardacc *a, tp_summary *s)
{
    (void)a;
    for (size_t i = 0; i < tp_map_size(s->labels); i++) {
        size_t n;
        const char *k = tp_map_key(s->labels, i, &n);
        tp_map_put(m->labels, k, n, NULL);
    }
    return 0;
}

/* With --fit-from: the label vocabulary of the earlier run, when it had one, in place of
 * this data's (a label value it does not know is an error). 0, 1 when it has none, -1. */
static int
fit_from_labels(tp_context *c, struct tp_merge *m)
{
    char *from = tp_merge_join(m->o.fit_from, "transform");
    if (!tp_tfset_exists(from, "labels")) {
        free(from);
        return 1;
    }
    char *col, **vals;
    int vocab;
    long n = tp_labels_read(from, &col, &vocab, &vals);
    int rc = n < 0 ? -1 : 0;
    if (rc == 0 && strcmp(col, c->in[c->label]) != 0) {
        tp_err(from, 0, "the label column there is '%s', not '%s'", col, c->in[c->label]);
        rc = -1;
    }
    for (size_t i = 0; rc == 0 && i < tp_map_size(m->labels); i++) {
        size_t kn;
        const char *k = tp_map_key(m->labels, i, &kn);
        int found = 0;
        int64_t iv;
        if (!vocab)
            found = tp_parse_int64(k, kn, &iv) == 0;
        for (long j = 0; vocab && j < n && !found; j++)
            found = strcmp(vals[j], k) == 0;
        if (!found) {
            tp_err(m->first, 0, "label value '%s' is not in the label vocabulary of %s", k,
                   m->o.fit_from);
            rc = -1;
        }
    }
    if (rc == 0) {
        c->vocab = vocab;
        c->nvocab = vocab ? (size_t)n : 0;
        c->vocabv = vocab ? vals : NULL;
        if (!vocab)
            tp_strv_free(vals, (size_t)n);
    } else if (n >= 0) {
        tp_strv_free(vals, (size_t)n);
    }
    if (n >= 0)
        free(col);
    free(from);
    return rc;
}

static int
finish(struct tp_merge *m, tp_context *c)
{
    if (c->label < 0)
        return 0;
    int from_fit = m->o.fit_from ? fit_from_labels(c, m) : 1;
    if (from_fit != 1)
        return from_fit;
    size_t nl = tp_map_size(m->labels);
    c->vocab = 0;
    for (size_t i = 0; i < nl && !c->vocab; i++) {
        size_t n;
        int64_t v;
        const char *k = tp_map_key(m->labels, i, &n);
        c->vocab = tp_parse_int64(k, n, &v) != 0;
    }
    if (c->vocab) {
        size_t *ix = tp_map_sorted(m->labels);
        c->nvocab = nl;
        c->vocabv = tp_xmalloc((nl ? nl : 1) * sizeof *c->vocabv);
        for (size_t i = 0; i < nl; i++)
            c->vocabv[i] = tp_xstrdup(tp_map_key(m->labels, ix[i], NULL));
        free(ix);
    }
    return 0;
}

static int
write_ctx(const tp_context *c, tp_out *o)
{
    int rc = 0;
    for (size_t i = 0; i < c->nvocab; i++)
        rc |= tp_rec_name(o, "vocab", c->vocabv[i]);
    return rc;
}

static int
read_ctx(tp_context *c, char **f, size_t n)
{
    if (n != 2)
        return 1;
    /* capacity: 16, then doubled whenever full */
    if (c->nvocab == 0 || (c->nvocab >= 16 && (c->nvocab & (c->nvocab - 1)) == 0))
        c->vocabv = tp_xrealloc(c->vocabv, (c->nvocab ? 2 * c->nvocab : 16) * sizeof *c->vocabv);
    c->vocabv[c->nvocab++] = tp_xstrdup(f[1]);
    return 0;
}

static void
free_ctx(tp_context *c)
{
    for (size_t i = 0; i < c->nvocab; i++)
        free(c->vocabv[i]);
    free(c->vocabv);
}

/* The label written as its index: statistics of the indexes, not of the text. */
static int
json(const tp_context *c, size_t col, const char *member, tp_out *o)
{
    if ((long)col != c->label || !c->vocab)
        return 0;
    size_t max = c->nvocab ? c->nvocab - 1 : 0;
    if (strcmp(member, "min") == 0)
        return tp_out_printf(o, ", \"min\": 0") < 0 ? -1 : 1;
    if (strcmp(member, "max") == 0)
        return tp_out_printf(o, ", \"max\": %zu", max) < 0 ? -1 : 1;
    if (strcmp(member, "distinct") == 0)
        return tp_out_printf(o, ", \"distinct\": %zu", c->nvocab) < 0 ? -1 : 1;
    return tp_out_printf(o, ", \"%s\": null", member) < 0 ? -1 : 1;
}

static int
cmp_vocab(const void *key, const void *elem)
{
    return strcmp(key, *(char *const *)elem);
}

static int
open2(tp_pass2 *p, void **st)
{
    *st = NULL;
    return p->c->label >= 0 && p->c->vocab;
}

/* The label by its index in the vocabulary (in p->buf). */
static int
apply(void *st, tp_pass2 *p, const tp_row *row, char *why, size_t size)
{
    (void)st;
    (void)why;
    (void)size;
    const tp_context *c = p->c;
    const char *v = row->f[c->label];
    char **hit = bsearch(v, c->vocabv, c->nvocab, sizeof *c->vocabv, cmp_vocab);
    if (!hit) {
        tp_err(p->file, row->line,
               "column '%s': label value '%s' is not in the vocabulary of pass 1", c->in[c->label],
               v);
        return -1;
    }
    p->len[c->label] = (size_t)snprintf(p->buf, sizeof p->buf, "%zu", (size_t)(hit - c->vocabv));
    p->f[c->label] = p->buf;
    return 0;
}

const tp_scanop tp_scan_label = {
    .name = "label",
    .keeps = keeps,
    .drop_off = offsetof(tp_summary, drop_label),
    .collect = collect,
    .tag = "lv",
    .write_partial = write_partial,
    .read_partial = read_partial,
    .merge = merge,
    .phase = TP_SCAN_TYPES,
    .finish = finish,
    .ctx_after = "roles",
    .ctx_tag = "vocab",
    .write_ctx = write_ctx,
    .read_ctx = read_ctx,
    .free_ctx = free_ctx,
    .json = json,
    .stage = TP_STAGE_TRANSFORM,
    .open = open2,
    .apply = apply,
};
