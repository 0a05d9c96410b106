/*
 * Partial summary: in-memory form, writer and reader.
 */
#include "summary.h"

#include "err.h"
#include "io.h"
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
tp_summary_free(tp_summary *s)
{
    if (!s)
        return;
    free(s->source);
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
    free(s);
}

static const tp_map *sort_map;

static int
cmp_key(const void *a, const void *b)
{
    size_t na, nb;
    const char *ka = tp_map_key(sort_map, *(const size_t *)a, &na);
    const char *kb = tp_map_key(sort_map, *(const size_t *)b, &nb);
    int c = memcmp(ka, kb, na < nb ? na : nb);
    return c ? c : (na > nb) - (na < nb);
}

size_t *
tp_map_sorted(const tp_map *m)
{
    size_t n = tp_map_size(m);
    size_t *ix = tp_xmalloc((n ? n : 1) * sizeof *ix);
    for (size_t i = 0; i < n; i++)
        ix[i] = i;
    sort_map = m;
    qsort(ix, n, sizeof *ix, cmp_key);
    return ix;
}

static int
cmp_time(const void *a, const void *b)
{
    int64_t ta, tb;
    memcpy(&ta, tp_map_key(sort_map, *(const size_t *)a, NULL), sizeof ta);
    memcpy(&tb, tp_map_key(sort_map, *(const size_t *)b, NULL), sizeof tb);
    return (ta > tb) - (ta < tb);
}

static int
write_name(tp_out *o, const char *tag, const char *v)
{
    if (!v)
        return 0;
    if (tp_out_printf(o, "%s\t", tag) < 0 || tp_out_esc(o, v, strlen(v)) < 0)
        return -1;
    return tp_out_byte(o, '\n');
}

int
tp_summary_write(const tp_summary *s, const char *path)
{
    tp_out *o = tp_out_open(path, 0);
    if (!o)
        return -1;
    int rc = tp_out_printf(o, "tp-summary\t2\nshard\t%ld\nheader\t%d\n", s->shard, s->header);
    rc |= write_name(o, "source", s->source);
    rc |= tp_out_printf(o, "rows\t%lld\t%lld\t%lld\t%lld\t%lld\n", s->rows, s->drop_label,
                        s->drop_time, s->drop_key, s->bad);
    rc |= tp_out_printf(o, "input\t%lld\t%08lx\n", s->in_bytes, s->in_crc);
    rc |= write_name(o, "label", s->label);
    rc |= write_name(o, "dedup", s->dedup);
    rc |= write_name(o, "temporal", s->temporal);
    rc |= write_name(o, "split", s->split);
    rc |= write_name(o, "splitcol", s->splitcol);
    if (s->distinct_on)
        rc |= tp_out_printf(o, "distinct\t1\n");
    for (size_t i = 0; i < s->ncols && rc == 0; i++) {
        const tp_colstat *c = &s->stats[i];
        rc |= write_name(o, "col", s->cols[i]);
        rc |= tp_out_printf(o,
                            "stat\t%lld\t%lld\t%lld\t%lld\t%lld\t%lld\t%lld\t%lld\t%.17g\t%.17g\t"
                            "%.17g\t%.17g\n",
                            c->count, c->missing, c->nint, c->nnum, c->nbool, c->ntrue,
                            (long long)c->imin, (long long)c->imax, c->min, c->max, c->mean, c->m2);
        if (tp_decl_name(c->declared))
            rc |= tp_out_printf(o, "decl\t%s\n", tp_decl_name(c->declared));
    }
    size_t *ix = tp_map_sorted(s->labels);
    for (size_t i = 0; i < tp_map_size(s->labels) && rc == 0; i++)
        rc |= write_name(o, "lv", tp_map_key(s->labels, ix[i], NULL));
    free(ix);
    size_t nt = tp_map_size(s->times);
    ix = tp_xmalloc((nt ? nt : 1) * sizeof *ix);
    for (size_t i = 0; i < nt; i++)
        ix[i] = i;
    sort_map = s->times;
    qsort(ix, nt, sizeof *ix, cmp_time);
    for (size_t i = 0; i < nt && rc == 0; i++) {
        int64_t t;
        memcpy(&t, tp_map_key(s->times, ix[i], NULL), sizeof t);
        rc |= tp_out_printf(o, "t\t%lld\t%lld\n", (long long)t,
                            *(long long *)tp_map_val(s->times, ix[i]));
    }
    free(ix);
    ix = tp_map_sorted(s->keys);
    for (size_t i = 0; i < tp_map_size(s->keys) && rc == 0; i++) {
        size_t n;
        const char *k = tp_map_key(s->keys, ix[i], &n);
        const tp_keyrec *kr = tp_map_val(s->keys, ix[i]);
        rc |= tp_out_printf(o, "k\t%lld\t%lld\t", (long long)kr->t, kr->row);
        if (kr->label >= 0) {
            size_t ln;
            const char *lv = tp_map_key(s->labels, (size_t)kr->label, &ln);
            rc |= tp_out_esc(o, lv, ln);
        }
        rc |= tp_out_byte(o, '\t');
        rc |= tp_out_esc(o, k, n);
        rc |= tp_out_byte(o, '\n');
    }
    free(ix);
    for (size_t c = 0; s->distinct && c < s->ncols && rc == 0; c++) {
        ix = tp_map_sorted(s->distinct[c]);
        for (size_t i = 0; i < tp_map_size(s->distinct[c]) && rc == 0; i++) {
            size_t n;
            const char *k = tp_map_key(s->distinct[c], ix[i], &n);
            rc |= tp_out_printf(o, "d\t%zu\t", c);
            rc |= tp_out_esc(o, k, n);
            rc |= tp_out_byte(o, '\n');
        }
        free(ix);
    }
    ix = tp_map_sorted(s->classes);
    for (size_t i = 0; i < tp_map_size(s->classes) && rc == 0; i++) {
        size_t n;
        const char *k = tp_map_key(s->classes, ix[i], &n);
        rc |= tp_out_printf(o, "sc\t%lld\t", *(long long *)tp_map_val(s->classes, ix[i]));
        rc |= tp_out_esc(o, k, n);
        rc |= tp_out_byte(o, '\n');
    }
    free(ix);
    rc |= tp_out_printf(o, "end\n");
    if (rc) {
        tp_out_abort(o);
        return -1;
    }
    return tp_out_commit(o, NULL);
}

/* Strict integer field of a record; -1 with an error recorded otherwise. */
static int
field_ll(tp_lines *l, const char *s, long long *out)
{
    int64_t v;
    if (tp_parse_int64(s, strlen(s), &v) < 0) {
        tp_err(tp_lines_name(l), tp_lines_line(l), "malformed summary: not an integer: '%s'", s);
        return -1;
    }
    *out = v;
    return 0;
}

static int
field_d(tp_lines *l, const char *s, double *out)
{
    char *end;
    *out = strtod(s, &end);
    if (*s == '\0' || *end != '\0') {
        tp_err(tp_lines_name(l), tp_lines_line(l), "malformed summary: not a number: '%s'", s);
        return -1;
    }
    return 0;
}

/* A CRC-32 as written: exactly 8 lowercase hex digits. 0, or -1 with an error recorded. */
int
tp_parse_crc(const char *s, unsigned long *out)
{
    unsigned long v = 0;
    size_t i = 0;
    for (; s[i] && i < 8; i++) {
        char c = s[i];
        if (c >= '0' && c <= '9')
            v = v << 4 | (unsigned long)(c - '0');
        else if (c >= 'a' && c <= 'f')
            v = v << 4 | (unsigned long)(c - 'a' + 10);
        else
            break;
    }
    if (i != 8 || s[i]) {
        tp_err(NULL, 0, "not a CRC-32 (8 hex digits): '%s'", s);
        return -1;
    }
    *out = v;
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
    long long v[12];
    while ((rc = tp_lines_next(l, &f, &n)) == 1) {
        const char *tag = f[0];
        int bad = 0;
        if (tp_lines_line(l) == 1) {
            if (n != 2 || strcmp(tag, "tp-summary") != 0 || strcmp(f[1], "2") != 0) {
                tp_err(path, 1, "not a tp summary (version 2)");
                goto fail;
            }
        } else if (seen_end) {
            bad = 1;
        } else if (strcmp(tag, "end") == 0) {
            seen_end = 1;
        } else if (strcmp(tag, "shard") == 0 && n == 2) {
            if (field_ll(l, f[1], &v[0]) < 0)
                goto fail;
            s->shard = (long)v[0];
        } else if (strcmp(tag, "header") == 0 && n == 2) {
            s->header = strcmp(f[1], "0") != 0;
        } else if (strcmp(tag, "source") == 0 && n == 2) {
            s->source = tp_xstrdup(f[1]);
        } else if (strcmp(tag, "input") == 0 && n == 3) {
            if (field_ll(l, f[1], &s->in_bytes) < 0)
                goto fail;
            if (tp_parse_crc(f[2], &s->in_crc) < 0) {
                tp_err(path, tp_lines_line(l), "malformed summary: not a CRC-32: '%s'", f[2]);
                goto fail;
            }
            seen_input = 1;
        } else if (strcmp(tag, "rows") == 0 && n == 6) {
            for (int i = 0; i < 5; i++)
                if (field_ll(l, f[i + 1], &v[i]) < 0)
                    goto fail;
            s->rows = v[0], s->drop_label = v[1], s->drop_time = v[2], s->drop_key = v[3];
            s->bad = v[4];
        } else if (strcmp(tag, "label") == 0 && n == 2) {
            s->label = tp_xstrdup(f[1]);
        } else if (strcmp(tag, "dedup") == 0 && n == 2) {
            s->dedup = tp_xstrdup(f[1]);
        } else if (strcmp(tag, "temporal") == 0 && n == 2) {
            s->temporal = tp_xstrdup(f[1]);
        } else if (strcmp(tag, "col") == 0 && n == 2) {
            if (s->ncols == ccap) {
                ccap = ccap ? 2 * ccap : 32;
                s->cols = tp_xrealloc(s->cols, ccap * sizeof *s->cols);
                s->stats = tp_xrealloc(s->stats, ccap * sizeof *s->stats);
            }
            s->cols[s->ncols] = tp_xstrdup(f[1]);
            tp_colstat_init(&s->stats[s->ncols]);
            s->ncols++;
        } else if (strcmp(tag, "stat") == 0 && n == 13 && s->ncols > 0) {
            tp_colstat *c = &s->stats[s->ncols - 1];
            for (int i = 0; i < 8; i++)
                if (field_ll(l, f[i + 1], &v[i]) < 0)
                    goto fail;
            c->count = v[0], c->missing = v[1], c->nint = v[2], c->nnum = v[3];
            c->nbool = v[4], c->ntrue = v[5], c->imin = v[6], c->imax = v[7];
            if (field_d(l, f[9], &c->min) < 0 || field_d(l, f[10], &c->max) < 0 ||
                field_d(l, f[11], &c->mean) < 0 || field_d(l, f[12], &c->m2) < 0)
                goto fail;
        } else if (strcmp(tag, "decl") == 0 && n == 2 && s->ncols > 0 &&
                   tp_decl_parse(f[1]) != TP_DECL_NONE) {
            s->stats[s->ncols - 1].declared = tp_decl_parse(f[1]);
        } else if (strcmp(tag, "lv") == 0 && n == 2) {
            tp_map_put(s->labels, f[1], strlen(f[1]), NULL);
        } else if (strcmp(tag, "t") == 0 && n == 3) {
            if (field_ll(l, f[1], &v[0]) < 0 || field_ll(l, f[2], &v[1]) < 0)
                goto fail;
            int64_t t = v[0];
            if (sink) {
                if (sink->time(sink->arg, t, v[1]) < 0)
                    goto fail;
            } else {
                *(long long *)tp_map_put(s->times, &t, sizeof t, NULL) += v[1];
            }
        } else if (strcmp(tag, "split") == 0 && n == 2) {
            s->split = tp_xstrdup(f[1]);
        } else if (strcmp(tag, "splitcol") == 0 && n == 2) {
            s->splitcol = tp_xstrdup(f[1]);
        } else if (strcmp(tag, "distinct") == 0 && n == 2 && strcmp(f[1], "1") == 0) {
            s->distinct_on = 1;
        } else if (strcmp(tag, "d") == 0 && n == 3) {
            if (field_ll(l, f[1], &v[0]) < 0 || v[0] < 0 || (size_t)v[0] >= s->ncols) {
                tp_err(path, tp_lines_line(l), "malformed summary: bad column in 'd'");
                goto fail;
            }
            if (sink && sink->distinct) {
                if (sink->distinct(sink->arg, (long)v[0], f[2]) < 0)
                    goto fail;
            } else {
                if (!s->distinct)
                    s->distinct = tp_xcalloc(s->ncols, sizeof *s->distinct);
                if (!s->distinct[v[0]])
                    s->distinct[v[0]] = tp_map_new(0);
                tp_map_put(s->distinct[v[0]], f[2], strlen(f[2]), NULL);
            }
        } else if (strcmp(tag, "sc") == 0 && n == 3) {
            if (field_ll(l, f[1], &v[0]) < 0)
                goto fail;
            *(long long *)tp_map_put(s->classes, f[2], strlen(f[2]), NULL) += v[0];
        } else if (strcmp(tag, "k") == 0 && n == 5) {
            if (field_ll(l, f[1], &v[0]) < 0 || field_ll(l, f[2], &v[1]) < 0)
                goto fail;
            if (sink) {
                if (sink->key(sink->arg, s, f[4], v[0], v[1], s->label ? f[3] : NULL) < 0)
                    goto fail;
                continue;
            }
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
        } else {
            bad = 1;
        }
        if (bad) {
            tp_err(path, tp_lines_line(l), "malformed summary record '%s'", tag);
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
