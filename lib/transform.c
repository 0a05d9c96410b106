/*
 * The transform driver (transform.h): specs, chains, the row check, collection of the
 * fit pass, the merge and finish of tp-context --fit, the fit file and the apply of pass
 * 2. Operations are reached only through tp_ops[] (op.h).
 */
#include "transform.h"

#include "err.h"
#include "io.h"
#include "map.h"
#include "reader.h"
#include "record.h"
#include "sort.h"
#include "text.h"
#include "value.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char *
path2(const char *a, const char *b)
{
    size_t n = strlen(a) + strlen(b) + 2;
    char *p = tp_xmalloc(n);
    snprintf(p, n, "%s/%s", a, b);
    return p;
}

static int
is_impute(const tp_tf *t)
{
    return strcmp(t->op->name, "impute") == 0;
}

/* Whether the transform's input must be a number. */
static int
needs_num(const tp_tf *t)
{
    return (t->op->flags & TP_OP_NUMERIC) ||
           (t->op->acc && (t->op->acc(t) & (TP_ACC_MOMENTS | TP_ACC_NUMBERS)));
}

static unsigned
acc_of(const tp_tf *t)
{
    return t->op->acc ? t->op->acc(t) : 0;
}

tp_tfset *
tp_tfset_new(unsigned long long seed)
{
    tp_tfset *s = tp_xcalloc(1, sizeof *s);
    s->fit_on = TP_FIT_TRAIN;
    s->seed = seed;
    return s;
}

void
tp_tfset_free(tp_tfset *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++) {
        tp_tf *t = &s->tf[i];
        if (t->op->free)
            t->op->free(t);
        free(t->spec);
        free(t->col);
        tp_strv_free(t->key, t->nkv);
        tp_strv_free(t->val, t->nkv);
    }
    free(s->tf);
    free(s->in);
    free(s->trows);
    free(s->tmissing);
    free(s->nextra);
    for (size_t i = 0; i < s->ncols; i++)
        free(s->chain[i]);
    free(s->chain);
    free(s->chain_n);
    free(s);
}

/* Split spec at unescaped sep into malloc'd unescaped parts. */
static size_t
split_esc(const char *s, char sep, char ***out)
{
    size_t n = 0, cap = 4;
    char **v = tp_xmalloc(cap * sizeof *v);
    char *cur = tp_xmalloc(strlen(s) + 1);
    size_t len = 0;
    for (const char *p = s;; p++) {
        if (*p == '\\' && p[1]) {
            /* keep the escape for a later split on another separator */
            if (sep == ':' && p[1] != ':')
                cur[len++] = *p;
            cur[len++] = *++p;
            continue;
        }
        if (*p == sep || !*p) {
            cur[len] = 0;
            if (n == cap)
                v = tp_xrealloc(v, (cap *= 2) * sizeof *v);
            v[n++] = tp_xstrdup(cur);
            len = 0;
            if (!*p)
                break;
            continue;
        }
        cur[len++] = *p;
    }
    free(cur);
    *out = v;
    return n;
}

/* Unescape "\," and "\\" left by the ':' split. */
static void
unesc(char *s)
{
    char *w = s;
    for (char *p = s; *p; p++) {
        if (*p == '\\' && p[1])
            p++;
        *w++ = *p;
    }
    *w = 0;
}

/* Append s to the buffer b (length *len, capacity *cap), escaping ':', ',' and '\\'
 * when esc. */
static void
buf_put(char **b, size_t *len, size_t *cap, const char *s, int esc)
{
    for (; *s; s++) {
        if (*len + 3 > *cap)
            *b = tp_xrealloc(*b, (*cap = *cap * 2 + 16));
        if (esc && (*s == ':' || *s == ',' || *s == '\\'))
            (*b)[(*len)++] = '\\';
        (*b)[(*len)++] = *s;
    }
    (*b)[*len] = 0;
}

static char *
column_spec(const char *op, const char *col, char **key, char **val, size_t nkv)
{
    size_t len = 0, cap = 64;
    char *b = tp_xmalloc(cap);
    b[0] = 0;
    buf_put(&b, &len, &cap, op, 1);
    buf_put(&b, &len, &cap, ":", 0);
    buf_put(&b, &len, &cap, col, 1);
    for (size_t i = 0; i < nkv; i++) {
        buf_put(&b, &len, &cap, ":", 0);
        buf_put(&b, &len, &cap, key[i], 1);
        buf_put(&b, &len, &cap, "=", 0);
        buf_put(&b, &len, &cap, val[i], 1);
    }
    return b;
}

static void
op_names(char *buf, size_t size)
{
    size_t len = 0;
    buf[0] = 0;
    for (size_t i = 0; tp_ops[i] && len + 1 < size; i++)
        len += (size_t)snprintf(buf + len, size - len, "%s%s", i ? ", " : "", tp_ops[i]->name);
}

/* The transform before index k on the same column, or -1. */
static long
prev_on_col(const tp_tfset *s, size_t k)
{
    for (size_t j = k; j-- > 0;)
        if (strcmp(s->tf[j].col, s->tf[k].col) == 0)
            return (long)j;
    return -1;
}

static int
check_chain(tp_tfset *s, size_t k)
{
    tp_tf *t = &s->tf[k];
    long j = prev_on_col(s, k);
    if (j < 0)
        return 0;
    const tp_tf *p = &s->tf[j];
    if (!(p->op->flags & TP_OP_PREFIX)) {
        tp_err(NULL, 0,
               "--transform %s: '%s' is already transformed by %s; only impute, log1p or hash "
               "may come before another transform on a column",
               t->spec, t->col, p->op->name);
        return -1;
    }
    if (needs_num(t)) {
        /* a constant fill before a numeric transform must be a number */
        for (long i = j; i >= 0; i--) {
            const tp_tf *q = &s->tf[i];
            if (strcmp(q->col, t->col) != 0 || !is_impute(q))
                continue;
            const char *w = tp_tf_param(q, "with");
            double x;
            if (w && strcmp(w, "mean") && strcmp(w, "median") && strcmp(w, "mode") &&
                tp_parse_double(w, strlen(w), &x) < 0) {
                tp_err(NULL, 0, "--transform %s: the fill '%s' of %s is not a number", t->spec, w,
                       q->spec);
                return -1;
            }
        }
    }
    return 0;
}

int
tp_tfset_add(tp_tfset *s, const char *spec)
{
    char **part;
    size_t np = split_esc(spec, ':', &part);
    int rc = -1;
    char **cols = NULL;
    size_t nc = 0;
    if (np < 2 || !*part[0]) {
        tp_err(NULL, 0, "--transform %s: expected OP:COL[,COL...][:KEY=VALUE...]", spec);
        goto out;
    }
    unesc(part[0]);
    const tp_opdef *op = tp_op_find(part[0]);
    if (!op) {
        char names[256];
        op_names(names, sizeof names);
        tp_err(NULL, 0, "--transform %s: unknown operation '%s' (expected %s)", spec, part[0],
               names);
        goto out;
    }
    nc = split_esc(part[1], ',', &cols);
    size_t nkv = np - 2;
    char **key = tp_xcalloc(nkv + 1, sizeof *key), **val = tp_xcalloc(nkv + 1, sizeof *val);
    for (size_t i = 0; i < nkv; i++) {
        char *eq = strchr(part[2 + i], '=');
        if (!eq || eq == part[2 + i]) {
            tp_err(NULL, 0, "--transform %s: expected KEY=VALUE: '%s'", spec, part[2 + i]);
            tp_strv_free(key, i);
            tp_strv_free(val, i);
            goto out;
        }
        *eq = 0;
        key[i] = tp_xstrdup(part[2 + i]);
        val[i] = tp_xstrdup(eq + 1);
        unesc(key[i]);
        unesc(val[i]);
        int known = 0;
        for (size_t k = 0; op->keys && op->keys[k]; k++)
            known |= strcmp(op->keys[k], key[i]) == 0;
        for (size_t k = 0; k < i; k++)
            if (strcmp(key[k], key[i]) == 0) {
                tp_err(NULL, 0, "--transform %s: %s given twice", spec, key[i]);
                tp_strv_free(key, i + 1);
                tp_strv_free(val, i + 1);
                goto out;
            }
        if (!known) {
            char keys[256] = "";
            size_t len = 0;
            for (size_t k = 0; op->keys && op->keys[k] && len + 1 < sizeof keys; k++)
                len += (size_t)snprintf(keys + len, sizeof keys - len, "%s%s", k ? ", " : "",
                                        op->keys[k]);
            tp_err(NULL, 0, "--transform %s: %s takes no parameter '%s'%s%s%s", spec, op->name,
                   key[i], *keys ? " (it takes " : "", keys, *keys ? ")" : "");
            tp_strv_free(key, i + 1);
            tp_strv_free(val, i + 1);
            goto out;
        }
    }
    for (size_t c = 0; c < nc; c++) {
        if (!*cols[c]) {
            tp_err(NULL, 0, "--transform %s: empty column name", spec);
            tp_strv_free(key, nkv);
            tp_strv_free(val, nkv);
            goto out;
        }
    }
    for (size_t c = 0; c < nc; c++) {
        s->tf = tp_xrealloc(s->tf, (s->n + 1) * sizeof *s->tf);
        s->in = tp_xrealloc(s->in, (s->n + 1) * sizeof *s->in);
        tp_tf *t = &s->tf[s->n];
        memset(t, 0, sizeof *t);
        t->op = op;
        t->col = tp_xstrdup(cols[c]);
        t->nkv = nkv;
        t->key = tp_xcalloc(nkv + 1, sizeof *t->key);
        t->val = tp_xcalloc(nkv + 1, sizeof *t->val);
        for (size_t i = 0; i < nkv; i++) {
            t->key[i] = tp_xstrdup(key[i]);
            t->val[i] = tp_xstrdup(val[i]);
        }
        t->spec = column_spec(op->name, cols[c], key, val, nkv);
        t->seed = (uint64_t)s->seed;
        s->in[s->n] = -1;
        s->n++;
        if (op->parse && op->parse(t) < 0) {
            s->n--;
            free(t->spec);
            free(t->col);
            tp_strv_free(t->key, nkv);
            tp_strv_free(t->val, nkv);
            tp_strv_free(key, nkv);
            tp_strv_free(val, nkv);
            goto out;
        }
        if (check_chain(s, s->n - 1) < 0) {
            s->n--;
            if (op->free)
                op->free(t);
            free(t->spec);
            free(t->col);
            tp_strv_free(t->key, nkv);
            tp_strv_free(t->val, nkv);
            tp_strv_free(key, nkv);
            tp_strv_free(val, nkv);
            goto out;
        }
    }
    tp_strv_free(key, nkv);
    tp_strv_free(val, nkv);
    rc = 0;
out:
    tp_strv_free(part, np);
    if (cols)
        tp_strv_free(cols, nc);
    return rc;
}

int
tp_tfset_add_file(tp_tfset *s, const char *path)
{
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
    if (!f) {
        tp_err(path, 0, "%s", strerror(errno));
        return -1;
    }
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    long lineno = 0;
    int rc = 0;
    while (rc == 0 && (n = getline(&line, &cap, f)) >= 0) {
        lineno++;
        while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
            line[--n] = 0;
        char *p = line;
        while (*p == ' ' || *p == '\t')
            p++;
        if (!*p || *p == '#')
            continue;
        if (tp_tfset_add(s, p) < 0) {
            char *msg = tp_xstrdup(tp_errmsg());
            tp_err(path, lineno, "%s", msg);
            free(msg);
            rc = -1;
        }
    }
    if (rc == 0 && ferror(f)) {
        tp_err(path, 0, "%s", strerror(errno));
        rc = -1;
    }
    free(line);
    if (f != stdin)
        fclose(f);
    return rc;
}

int
tp_tfset_fit_on(tp_tfset *s, const char *value)
{
    if (strcmp(value, "train") == 0)
        s->fit_on = TP_FIT_TRAIN;
    else if (strcmp(value, "all") == 0)
        s->fit_on = TP_FIT_ALL;
    else {
        tp_err(NULL, 0, "--fit-on: expected train or all: '%s'", value);
        return -1;
    }
    return 0;
}

int
tp_tfset_roles(const tp_tfset *s, const char *label, const char *dedup, const char *temporal,
               const char *group)
{
    const char *names[] = {label, dedup, temporal, group};
    const char *what[] = {"label", "dedup key", "temporal", "group"};
    for (size_t i = 0; i < s->n; i++)
        for (int r = 0; r < 4; r++)
            if (names[r] && strcmp(names[r], s->tf[i].col) == 0) {
                tp_err(NULL, 0,
                       "--transform %s: '%s' is the %s column; the label, dedup key, temporal "
                       "and group columns cannot be transformed",
                       s->tf[i].spec, s->tf[i].col, what[r]);
                return -1;
            }
    return 0;
}

int
tp_tfset_needs_fit(const tp_tfset *s)
{
    for (size_t i = 0; i < s->n; i++)
        if (acc_of(&s->tf[i]))
            return 1;
    return 0;
}

int
tp_tfset_bind(tp_tfset *s, char *const *names, size_t n, const char *file)
{
    for (size_t i = 0; i < s->ncols; i++)
        free(s->chain[i]);
    free(s->chain);
    free(s->chain_n);
    s->ncols = n;
    s->chain = tp_xcalloc(n ? n : 1, sizeof *s->chain);
    s->chain_n = tp_xcalloc(n ? n : 1, sizeof *s->chain_n);
    for (size_t k = 0; k < s->n; k++) {
        long c = -1;
        for (size_t i = 0; i < n && c < 0; i++)
            if (strcmp(names[i], s->tf[k].col) == 0)
                c = (long)i;
        if (c < 0) {
            tp_err(file, file ? 1 : 0, "transform %s: column '%s' not found", s->tf[k].spec,
                   s->tf[k].col);
            return -1;
        }
        s->in[k] = c;
        s->chain[c] = tp_xrealloc(s->chain[c], (s->chain_n[c] + 1) * sizeof **s->chain);
        s->chain[c][s->chain_n[c]++] = k;
    }
    return 0;
}

/* Scratch for the extra columns an apply gives (the most any transform gives). */
static tp_tfval *
extras(size_t n)
{
    static tp_tfval *v;
    static size_t cap;
    if (n > cap) {
        cap = n;
        v = tp_xrealloc(v, cap * sizeof *v);
    }
    return v;
}

int
tp_tfset_check(tp_tfset *s, const char *const *f, const size_t *len, const long *idx, long *col,
               char *why, size_t whysize)
{
    for (size_t c = 0; c < s->ncols; c++) {
        if (!s->chain_n[c])
            continue;
        size_t fi = idx ? (size_t)idx[c] : c;
        tp_tfval v = {f[fi], len[fi], tp_is_missing(f[fi], len[fi])};
        for (size_t j = 0; j < s->chain_n[c]; j++) {
            tp_tf *t = &s->tf[s->chain[c][j]];
            double x;
            if (needs_num(t) && !v.missing && tp_tf_num(&v, &x) < 0) {
                *col = (long)c;
                snprintf(why, whysize, "%s: not a number: '%.*s'", t->op->name,
                         (int)(v.n > 900 ? 900 : v.n), v.s);
                return 1;
            }
            if (is_impute(t))
                continue;
            if (!(t->op->flags & TP_OP_PREFIX))
                break;
            tp_tfval out;
            if (t->op->apply(t, &v, &out, extras(4)) < 0) {
                *col = (long)c;
                snprintf(why, whysize, "%s", tp_errmsg());
                return 1;
            }
            v = out;
        }
    }
    return 0;
}

int
tp_tfset_exists(const char *dir, const char *name)
{
    char *p = path2(dir, name);
    int ok = access(p, F_OK) == 0;
    free(p);
    return ok;
}

int
tp_tfset_write_specs(const tp_tfset *s, const char *dir)
{
    if (tp_mkdirs(dir, 0777) < 0)
        return -1;
    char *p = path2(dir, "specs");
    tp_out *o = tp_out_open(p, 0);
    free(p);
    if (!o)
        return -1;
    int rc = tp_rec_str(o, "tp-transform-specs") || tp_rec_int(o, 1) || tp_rec_end(o);
    rc |= tp_rec_name(o, "fit_on", s->fit_on == TP_FIT_ALL ? "all" : "train");
    for (size_t i = 0; i < s->n; i++)
        rc |= tp_rec_name(o, "spec", s->tf[i].spec);
    rc |= tp_rec_str(o, "end") || tp_rec_end(o);
    if (rc) {
        tp_out_abort(o);
        return -1;
    }
    return tp_out_commit(o, NULL);
}

/* Open D/NAME and check its first record ("TAG<TAB>1"). */
static tp_lines *
open_versioned(const char *dir, const char *name, const char *tag)
{
    char *p = path2(dir, name);
    tp_lines *l = tp_lines_open(p);
    free(p);
    if (!l)
        return NULL;
    char **f;
    size_t n;
    int rc = tp_lines_next(l, &f, &n);
    if (rc <= 0 || n != 2 || strcmp(f[0], tag) != 0 || strcmp(f[1], "1") != 0) {
        if (rc >= 0)
            tp_err(tp_lines_name(l), tp_lines_line(l), "not a %s file (version 1)", tag);
        tp_lines_close(l);
        return NULL;
    }
    return l;
}

tp_tfset *
tp_tfset_read_specs(const char *dir, unsigned long long seed)
{
    tp_lines *l = open_versioned(dir, "specs", "tp-transform-specs");
    if (!l)
        return NULL;
    tp_tfset *s = tp_tfset_new(seed);
    char **f;
    size_t n;
    int rc, ended = 0;
    while ((rc = tp_lines_next(l, &f, &n)) == 1) {
        if (n == 2 && strcmp(f[0], "fit_on") == 0 && tp_tfset_fit_on(s, f[1]) == 0)
            continue;
        if (n == 2 && strcmp(f[0], "spec") == 0 && tp_tfset_add(s, f[1]) == 0)
            continue;
        if (n == 1 && strcmp(f[0], "end") == 0) {
            ended = 1;
            continue;
        }
        tp_rec_malformed(l, "specs", f[0]);
        rc = -1;
        break;
    }
    if (rc == 0 && !ended) {
        tp_err(tp_lines_name(l), tp_lines_line(l), "truncated specs file (no end record)");
        rc = -1;
    }
    tp_lines_close(l);
    if (rc < 0) {
        tp_tfset_free(s);
        return NULL;
    }
    return s;
}

/* ------------------------------------------------------------------ collection */

struct acc {
    long long rows, missing;
    tp_moments mom;
    tp_map *tally; /* value (or 8 bytes of a double) -> long long */
};

struct tp_tfcollect {
    tp_tfset *s;
    tp_out *o;
    size_t mem;
    long long rows;
    struct acc *a;
};

tp_tfcollect *
tp_tfcollect_new(tp_tfset *s, long shard, const char *path, size_t mem)
{
    tp_out *o = tp_out_open(path, 0);
    if (!o)
        return NULL;
    tp_tfcollect *c = tp_xcalloc(1, sizeof *c);
    c->s = s;
    c->o = o;
    c->mem = mem;
    c->a = tp_xcalloc(s->n ? s->n : 1, sizeof *c->a);
    for (size_t k = 0; k < s->n; k++) {
        tp_moments_init(&c->a[k].mom);
        if (acc_of(&s->tf[k]) & (TP_ACC_VALUES | TP_ACC_NUMBERS))
            c->a[k].tally = tp_map_new(sizeof(long long));
    }
    if (tp_rec_str(o, "tp-fit-partial") || tp_rec_int(o, 1) || tp_rec_end(o) ||
        tp_rec_str(o, "shard") || tp_rec_int(o, shard) || tp_rec_end(o)) {
        tp_tfcollect_abort(c);
        return NULL;
    }
    return c;
}

static int
flush_tallies(tp_tfcollect *c)
{
    int rc = 0;
    for (size_t k = 0; k < c->s->n; k++) {
        struct acc *a = &c->a[k];
        if (!a->tally || tp_map_size(a->tally) == 0)
            continue;
        int numbers = (acc_of(&c->s->tf[k]) & TP_ACC_NUMBERS) != 0;
        for (size_t i = 0; i < tp_map_size(a->tally) && rc == 0; i++) {
            size_t n;
            const char *key = tp_map_key(a->tally, i, &n);
            long long cnt = *(long long *)tp_map_val(a->tally, i);
            rc |= tp_rec_str(c->o, numbers ? "x" : "v") || tp_rec_int(c->o, (long long)k);
            if (numbers) {
                double x;
                char hex[17];
                memcpy(&x, key, sizeof x);
                tp_tally_numkey(x, hex);
                rc |= tp_rec_str(c->o, hex);
            } else {
                rc |= tp_rec_mem(c->o, key, n);
            }
            rc |= tp_rec_int(c->o, cnt) || tp_rec_end(c->o);
        }
        tp_map_free(a->tally);
        a->tally = tp_map_new(sizeof(long long));
    }
    return rc ? -1 : 0;
}

int
tp_tfcollect_row(tp_tfcollect *c, const char *const *f, const size_t *len, const long *idx)
{
    tp_tfset *s = c->s;
    c->rows++;
    size_t bytes = 0;
    for (size_t col = 0; col < s->ncols; col++) {
        if (!s->chain_n[col])
            continue;
        size_t fi = idx ? (size_t)idx[col] : col;
        tp_tfval v = {f[fi], len[fi], tp_is_missing(f[fi], len[fi])};
        for (size_t j = 0; j < s->chain_n[col]; j++) {
            size_t k = s->chain[col][j];
            tp_tf *t = &s->tf[k];
            unsigned acc = acc_of(t);
            if (acc) {
                struct acc *a = &c->a[k];
                a->rows++;
                if (v.missing) {
                    a->missing++;
                } else {
                    double x = 0;
                    if ((acc & (TP_ACC_MOMENTS | TP_ACC_NUMBERS)) && tp_tf_num(&v, &x) < 0) {
                        tp_err(NULL, 0, "%s: not a number: '%.*s'", t->op->name, (int)v.n, v.s);
                        return -1;
                    }
                    if (acc & TP_ACC_MOMENTS)
                        tp_moments_add(&a->mom, x);
                    if (acc & TP_ACC_VALUES)
                        *(long long *)tp_map_put(a->tally, v.s, v.n, NULL) += 1;
                    if (acc & TP_ACC_NUMBERS) {
                        if (x == 0)
                            x = 0;
                        *(long long *)tp_map_put(a->tally, &x, sizeof x, NULL) += 1;
                    }
                }
                if (a->tally)
                    bytes += tp_map_bytes(a->tally);
            }
            if (is_impute(t))
                continue;
            if (!(t->op->flags & TP_OP_PREFIX))
                break;
            tp_tfval out;
            if (t->op->apply(t, &v, &out, extras(4)) < 0)
                return -1;
            v = out;
        }
    }
    if (bytes > c->mem)
        return flush_tallies(c);
    return 0;
}

int
tp_tfcollect_finish(tp_tfcollect *c)
{
    int rc = flush_tallies(c);
    for (size_t k = 0; k < c->s->n && rc == 0; k++) {
        const struct acc *a = &c->a[k];
        if (!acc_of(&c->s->tf[k]))
            continue;
        const long long r[] = {(long long)k, a->rows, a->missing};
        rc |= tp_rec_str(c->o, "r") || tp_rec_ints(c->o, r, 3) || tp_rec_end(c->o);
        if (acc_of(&c->s->tf[k]) & TP_ACC_MOMENTS)
            rc |= tp_rec_str(c->o, "m") || tp_rec_int(c->o, (long long)k) ||
                  tp_rec_int(c->o, a->mom.n) || tp_rec_num(c->o, a->mom.mean) ||
                  tp_rec_num(c->o, a->mom.m2) || tp_rec_num(c->o, a->mom.min) ||
                  tp_rec_num(c->o, a->mom.max) || tp_rec_end(c->o);
    }
    rc |= tp_rec_str(c->o, "n") || tp_rec_int(c->o, c->rows) || tp_rec_end(c->o);
    rc |= tp_rec_str(c->o, "end") || tp_rec_end(c->o);
    if (rc) {
        tp_tfcollect_abort(c);
        return -1;
    }
    rc = tp_out_commit(c->o, NULL);
    c->o = NULL;
    tp_tfcollect_abort(c);
    return rc;
}

void
tp_tfcollect_abort(tp_tfcollect *c)
{
    if (!c)
        return;
    if (c->o)
        tp_out_abort(c->o);
    for (size_t k = 0; k < c->s->n; k++)
        tp_map_free(c->a[k].tally);
    free(c->a);
    free(c);
}

/* ------------------------------------------------------------------ merge and finish */

struct part {
    long shard;
    long long rows;
    long long *r; /* per transform: rows, missing */
    tp_moments *m;
};

struct tp_tffit {
    tp_tfset *s;
    char *dir, *tmp;
    const char *memory;
    tp_out **spill; /* per transform with a tally: DIR/tmp/tally-K */
    struct part *parts;
    size_t nparts;
};

tp_tffit *
tp_tffit_new(tp_tfset *s, const char *dir, const char *memory)
{
    char *tmp = path2(dir, "tmp");
    if (tp_mkdirs(tmp, 0777) < 0) {
        free(tmp);
        return NULL;
    }
    tp_tffit *f = tp_xcalloc(1, sizeof *f);
    f->s = s;
    f->dir = tp_xstrdup(dir);
    f->tmp = tmp;
    f->memory = memory ? memory : "40M";
    f->spill = tp_xcalloc(s->n ? s->n : 1, sizeof *f->spill);
    return f;
}

static char *
tmp_path(const tp_tffit *f, const char *what, size_t k)
{
    size_t n = strlen(f->tmp) + strlen(what) + 32;
    char *p = tp_xmalloc(n);
    snprintf(p, n, "%s/%s-%zu", f->tmp, what, k);
    return p;
}

static tp_out *
spill_of(tp_tffit *f, size_t k)
{
    if (!f->spill[k]) {
        char *p = tmp_path(f, "tally", k);
        f->spill[k] = tp_out_open(p, 0);
        free(p);
    }
    return f->spill[k];
}

int
tp_tffit_add(tp_tffit *f, const char *path)
{
    tp_lines *l = tp_lines_open(path);
    if (!l)
        return -1;
    tp_tfset *s = f->s;
    struct part p = {-1, -1, tp_xcalloc(2 * (s->n + 1), sizeof(long long)),
                     tp_xcalloc(s->n + 1, sizeof(tp_moments))};
    for (size_t k = 0; k < s->n; k++)
        tp_moments_init(&p.m[k]);
    char **fl;
    size_t n;
    int rc, ended = 0, first = 1;
    while ((rc = tp_lines_next(l, &fl, &n)) == 1) {
        long long k = -1;
        if (first) {
            first = 0;
            if (n != 2 || strcmp(fl[0], "tp-fit-partial") != 0 || strcmp(fl[1], "1") != 0) {
                tp_err(path, 1, "not a fit partial (tp-split --fit), version 1");
                rc = -1;
                break;
            }
            continue;
        }
        if (ended || n < 1) {
            rc = -2;
            break;
        }
        const char *tag = fl[0];
        if (n >= 2 && strcmp(tag, "n") && strcmp(tag, "shard") &&
            (tp_field_int(fl[1], &k) < 0 || k < 0 || (size_t)k >= s->n)) {
            rc = -2;
            break;
        }
        unsigned acc = k >= 0 ? acc_of(&s->tf[k]) : 0;
        if (strcmp(tag, "shard") == 0 && n == 2) {
            long long v;
            if (tp_field_int(fl[1], &v) < 0 || v < 0) {
                rc = -2;
                break;
            }
            p.shard = (long)v;
        } else if (strcmp(tag, "n") == 0 && n == 2) {
            if (tp_field_int(fl[1], &p.rows) < 0) {
                rc = -2;
                break;
            }
        } else if ((strcmp(tag, "v") == 0 && (acc & TP_ACC_VALUES)) ||
                   (strcmp(tag, "x") == 0 && (acc & TP_ACC_NUMBERS))) {
            long long cnt;
            double x;
            if (n != 4 || tp_field_int(fl[3], &cnt) < 0 || cnt < 1 ||
                (tag[0] == 'x' && tp_tally_numval(fl[2], &x) < 0)) {
                rc = -2;
                break;
            }
            tp_out *o = spill_of(f, (size_t)k);
            if (!o || tp_rec_str(o, fl[2]) || tp_rec_int(o, cnt) || tp_rec_end(o)) {
                rc = -1;
                break;
            }
        } else if (strcmp(tag, "r") == 0 && n == 4 && acc) {
            if (tp_field_ints(fl + 2, 2, p.r + 2 * k) < 0) {
                rc = -2;
                break;
            }
        } else if (strcmp(tag, "m") == 0 && n == 7 && (acc & TP_ACC_MOMENTS)) {
            tp_moments *m = &p.m[k];
            if (tp_field_int(fl[2], &m->n) < 0 || tp_field_num(fl[3], &m->mean) < 0 ||
                tp_field_num(fl[4], &m->m2) < 0 || tp_field_num(fl[5], &m->min) < 0 ||
                tp_field_num(fl[6], &m->max) < 0) {
                rc = -2;
                break;
            }
        } else if (strcmp(tag, "end") == 0 && n == 1) {
            ended = 1;
        } else {
            rc = -2;
            break;
        }
    }
    if (rc == -2) {
        tp_rec_malformed(l, "fit partial", n ? fl[0] : "");
        rc = -1;
    }
    if (rc == 0 && (!ended || p.shard < 0 || p.rows < 0)) {
        tp_err(path, tp_lines_line(l), "truncated fit partial (no end record)");
        rc = -1;
    }
    for (size_t i = 0; rc == 0 && i < f->nparts; i++)
        if (f->parts[i].shard == p.shard) {
            tp_err(path, 0, "a second fit partial of shard %ld", p.shard);
            rc = -1;
        }
    tp_lines_close(l);
    if (rc < 0) {
        free(p.r);
        free(p.m);
        return -1;
    }
    f->parts = tp_xrealloc(f->parts, (f->nparts + 1) * sizeof *f->parts);
    f->parts[f->nparts++] = p;
    return 0;
}

static int
cmp_part(const void *a, const void *b)
{
    const struct part *x = a, *y = b;
    return (x->shard > y->shard) - (x->shard < y->shard);
}

/* Sort tally-K, sum equal values into reduced-K; for values, order by count desc. */
static char *
reduce_tally(tp_tffit *f, size_t k, int numbers)
{
    tp_out *o = spill_of(f, k);
    f->spill[k] = NULL;
    if (!o || tp_out_commit(o, NULL) < 0)
        return NULL;
    char *in = tmp_path(f, "tally", k), *sorted = tmp_path(f, "sorted", k),
         *red = tmp_path(f, "reduced", k);
    static const char *const by_value[] = {"-k1,1", NULL};
    static const char *const by_count[] = {"-k1,1", "-k2,2", NULL};
    char *result = NULL;
    tp_lines *l = NULL;
    tp_out *w = NULL;
    if (tp_sort(in, sorted, by_value, f->memory, f->tmp) < 0)
        goto out;
    unlink(in);
    if (!(l = tp_lines_open(sorted)) || !(w = tp_out_open(red, 0)))
        goto out;
    char *cur = NULL;
    size_t curlen = 0;
    long long sum = 0;
    int have = 0, rc = 0;
    char **fl;
    size_t n;
    while (rc == 0) {
        int r = tp_lines_next(l, &fl, &n);
        long long cnt = 0;
        if (r < 0) {
            rc = -1;
            break;
        }
        if (r == 1 && (n != 2 || tp_field_int(fl[1], &cnt) < 0)) {
            tp_rec_malformed(l, "tally", n ? fl[0] : "");
            rc = -1;
            break;
        }
        if (have && (r == 0 || strlen(fl[0]) != curlen || memcmp(fl[0], cur, curlen) != 0)) {
            if (!numbers) {
                char inv[24];
                snprintf(inv, sizeof inv, "%019lld", (long long)(INT64_MAX - sum));
                rc |= tp_rec_str(w, inv);
            }
            rc |= tp_rec_mem(w, cur, curlen) || tp_rec_int(w, sum) || tp_rec_end(w);
            have = 0;
        }
        if (r == 0)
            break;
        if (!have) {
            curlen = strlen(fl[0]);
            cur = tp_xrealloc(cur, curlen + 1);
            memcpy(cur, fl[0], curlen + 1);
            sum = 0;
            have = 1;
        }
        sum += cnt;
    }
    free(cur);
    tp_lines_close(l);
    l = NULL;
    unlink(sorted);
    if (rc) {
        tp_out_abort(w);
        w = NULL;
        goto out;
    }
    rc = tp_out_commit(w, NULL);
    w = NULL;
    if (rc < 0)
        goto out;
    if (numbers) {
        result = red;
        red = NULL;
    } else {
        if (tp_sort(red, sorted, by_count, f->memory, f->tmp) < 0)
            goto out;
        unlink(red);
        result = sorted;
        sorted = NULL;
    }
out:
    if (l)
        tp_lines_close(l);
    if (w)
        tp_out_abort(w);
    free(in);
    free(sorted);
    free(red);
    return result;
}

/* The fill of the first impute before transform k on its column, passed through the
 * transforms between, into buf; NULL when none. */
static const char *
prefill(tp_tfset *s, size_t k, char *buf, size_t size)
{
    long c = s->in[k];
    size_t first = (size_t)-1;
    for (size_t k2 = 0; k2 < k; k2++)
        if ((c >= 0 ? s->in[k2] == c : strcmp(s->tf[k2].col, s->tf[k].col) == 0) &&
            is_impute(&s->tf[k2])) {
            first = k2;
            break;
        }
    if (first == (size_t)-1)
        return NULL;
    tp_tfval v = {"", 0, 1}, out;
    for (size_t k2 = first; k2 < k; k2++) {
        tp_tf *t = &s->tf[k2];
        if (strcmp(t->col, s->tf[k].col) != 0)
            continue;
        if (t->op->apply(t, &v, &out, extras(4)) < 0)
            return NULL;
        v = out;
    }
    if (v.missing)
        return NULL;
    snprintf(buf, size, "%.*s", (int)v.n, v.s);
    return buf;
}

/* The output columns of pass 2 into names/types (n input columns). */
static size_t
out_columns(tp_tfset *s, char *const *names, const char *const *types, size_t n, char ***onames,
            const char ***otypes, long **osrc)
{
    size_t no = 0, cap = n + 8;
    char **on = tp_xmalloc(cap * sizeof *on);
    const char **ot = tp_xmalloc(cap * sizeof *ot);
    long *os = tp_xmalloc(cap * sizeof *os);
    long src = -1;
#define PUSH(nm, ty)                                                                               \
    do {                                                                                           \
        if (no == cap) {                                                                           \
            cap *= 2;                                                                              \
            on = tp_xrealloc(on, cap * sizeof *on);                                                \
            ot = tp_xrealloc(ot, cap * sizeof *ot);                                                \
            os = tp_xrealloc(os, cap * sizeof *os);                                                \
        }                                                                                          \
        on[no] = (nm);                                                                             \
        os[no] = src;                                                                              \
        ot[no++] = (ty);                                                                           \
    } while (0)
    for (size_t i = 0; i < n; i++) {
        size_t nc = i < s->ncols ? s->chain_n[i] : 0;
        if (!nc) {
            src = (long)i;
            PUSH(tp_xstrdup(names[i]), types[i]);
            continue;
        }
        src = -1;
        const char *type = types[i];
        tp_tfcol **cols = tp_xcalloc(nc, sizeof *cols);
        size_t *ncol = tp_xcalloc(nc, sizeof *ncol);
        for (size_t j = 0; j < nc; j++) {
            tp_tf *t = &s->tf[s->chain[i][j]];
            t->op->columns(t, names[i], type, &cols[j], &ncol[j]);
            if (!(t->op->flags & TP_OP_LAST) && ncol[j] > 0)
                type = cols[j][0].type;
        }
        tp_tf *last = &s->tf[s->chain[i][nc - 1]];
        if (last->op->flags & TP_OP_LAST) {
            for (size_t c = 0; c < ncol[nc - 1]; c++) {
                PUSH(cols[nc - 1][c].name, cols[nc - 1][c].type);
                cols[nc - 1][c].name = NULL;
            }
        } else {
            PUSH(tp_xstrdup(names[i]), type);
        }
        for (size_t j = 0; j < nc; j++) {
            tp_tf *t = &s->tf[s->chain[i][j]];
            if (!(t->op->flags & TP_OP_LAST))
                for (size_t c = 1; c < ncol[j]; c++) {
                    PUSH(cols[j][c].name, cols[j][c].type);
                    cols[j][c].name = NULL;
                }
            for (size_t c = 0; c < ncol[j]; c++)
                free(cols[j][c].name);
            free(cols[j]);
        }
        free(cols);
        free(ncol);
    }
#undef PUSH
    *onames = on;
    *otypes = ot;
    *osrc = os;
    return no;
}

static int
write_json(tp_tfset *s, const char *dir, char **on, const char **ot, size_t no, const char *version)
{
    char *p = path2(dir, "transform.json");
    tp_out *o = tp_out_open(p, 0);
    free(p);
    if (!o)
        return -1;
    int rc = tp_out_printf(o, "{\n  \"tp_version\": ");
    rc |= tp_json_str(o, version);
    rc |= tp_out_printf(o, ",\n  \"fit_on\": \"%s\",\n  \"rows\": %lld,\n  \"transforms\": [\n",
                        s->fit_on == TP_FIT_ALL ? "all" : "train", s->rows);
    for (size_t k = 0; k < s->n; k++) {
        const tp_tf *t = &s->tf[k];
        rc |= tp_out_printf(o, "    {\"op\": \"%s\", \"column\": ", t->op->name);
        rc |= tp_json_str(o, t->col);
        rc |= tp_out_printf(o, ", \"params\": {");
        for (size_t i = 0; i < t->nkv; i++) {
            rc |= tp_out_printf(o, "%s", i ? ", " : "");
            rc |= tp_json_str(o, t->key[i]);
            rc |= tp_out_printf(o, ": ");
            rc |= tp_json_str(o, t->val[i]);
        }
        rc |= tp_out_printf(o, "}, \"rows\": %lld, \"missing\": %lld", s->trows[k], s->tmissing[k]);
        if (t->op->json)
            rc |= t->op->json(t, o);
        rc |= tp_out_printf(o, "}%s\n", k + 1 < s->n ? "," : "");
    }
    rc |= tp_out_printf(o, "  ],\n  \"columns\": [\n");
    for (size_t i = 0; i < no; i++) {
        rc |= tp_out_printf(o, "    {\"name\": ");
        rc |= tp_json_str(o, on[i]);
        rc |= tp_out_printf(o, ", \"type\": \"%s\"}%s\n", ot[i], i + 1 < no ? "," : "");
    }
    rc |= tp_out_printf(o, "  ]\n}\n");
    if (rc) {
        tp_out_abort(o);
        return -1;
    }
    return tp_out_commit(o, NULL);
}

static int
write_fit(tp_tfset *s, const char *dir, char **on, const char **ot, const long *os, size_t no)
{
    char *p = path2(dir, "fit");
    tp_out *o = tp_out_open(p, 0);
    free(p);
    if (!o)
        return -1;
    int rc = tp_rec_str(o, "tp-fit") || tp_rec_int(o, 1) || tp_rec_end(o);
    rc |= tp_rec_name(o, "fit_on", s->fit_on == TP_FIT_ALL ? "all" : "train");
    rc |= tp_rec_str(o, "rows") || tp_rec_int(o, s->rows) || tp_rec_end(o);
    rc |= tp_rec_str(o, "seed") || tp_rec_int(o, (long long)s->seed) || tp_rec_end(o);
    for (size_t k = 0; k < s->n && rc == 0; k++) {
        const tp_tf *t = &s->tf[k];
        rc |= tp_rec_str(o, "t") || tp_rec_int(o, (long long)k) || tp_rec_str(o, t->spec) ||
              tp_rec_int(o, s->trows[k]) || tp_rec_int(o, s->tmissing[k]);
        if (t->op->write_fit)
            rc |= t->op->write_fit(t, o);
        rc |= tp_rec_end(o);
    }
    for (size_t i = 0; i < no; i++)
        rc |= tp_rec_str(o, "col") || tp_rec_str(o, on[i]) || tp_rec_str(o, ot[i]) ||
              tp_rec_int(o, os[i]) || tp_rec_end(o);
    rc |= tp_rec_str(o, "end") || tp_rec_end(o);
    if (rc) {
        tp_out_abort(o);
        return -1;
    }
    return tp_out_commit(o, NULL);
}

static void
rmtree_tmp(const char *dir)
{
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)))
            if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
                char *p = path2(dir, e->d_name);
                unlink(p);
                free(p);
            }
        closedir(d);
    }
    rmdir(dir);
}

int
tp_tffit_finish(tp_tffit *f, char *const *names, const char *const *types, size_t n,
                const char *version)
{
    tp_tfset *s = f->s;
    int rc = 0;
    if (!s->chain && tp_tfset_bind(s, names, n, NULL) < 0)
        rc = -1;
    if (f->nparts) /* qsort's array may not be NULL, even for 0 elements */
        qsort(f->parts, f->nparts, sizeof *f->parts, cmp_part);
    free(s->trows);
    free(s->tmissing);
    s->trows = tp_xcalloc(s->n + 1, sizeof *s->trows);
    s->tmissing = tp_xcalloc(s->n + 1, sizeof *s->tmissing);
    s->rows = 0;
    tp_moments *mom = tp_xcalloc(s->n + 1, sizeof *mom);
    for (size_t k = 0; k < s->n; k++)
        tp_moments_init(&mom[k]);
    /* in shard order, so that the floating-point merge is the same for any order given */
    for (size_t i = 0; i < f->nparts; i++) {
        s->rows += f->parts[i].rows;
        for (size_t k = 0; k < s->n; k++) {
            s->trows[k] += f->parts[i].r[2 * k];
            s->tmissing[k] += f->parts[i].r[2 * k + 1];
            tp_moments_merge(&mom[k], &f->parts[i].m[k]);
        }
    }
    for (size_t k = 0; k < s->n && rc == 0; k++) {
        tp_tf *t = &s->tf[k];
        unsigned acc = acc_of(t);
        if (!acc) {
            s->trows[k] = s->rows;
            continue;
        }
        tp_fitdata d = {0};
        d.rows = s->trows[k];
        d.missing = s->tmissing[k];
        char fill[1024];
        const char *pf = d.missing > 0 ? prefill(s, k, fill, sizeof fill) : NULL;
        if (pf) {
            double x = 0;
            int isnum = tp_parse_double(pf, strlen(pf), &x) == 0;
            if ((acc & (TP_ACC_MOMENTS | TP_ACC_NUMBERS)) && !isnum) {
                tp_err(NULL, 0, "%s: the fill '%s' before it is not a number", t->spec, pf);
                rc = -1;
                break;
            }
            if (acc & TP_ACC_MOMENTS) {
                tp_moments pm = {d.missing, x, 0, x, x};
                tp_moments_merge(&mom[k], &pm);
            }
            if (acc & (TP_ACC_VALUES | TP_ACC_NUMBERS)) {
                tp_out *o = spill_of(f, k);
                char hex[17];
                if (acc & TP_ACC_NUMBERS)
                    tp_tally_numkey(x, hex);
                if (!o || tp_rec_str(o, (acc & TP_ACC_NUMBERS) ? hex : pf) ||
                    tp_rec_int(o, d.missing) || tp_rec_end(o)) {
                    rc = -1;
                    break;
                }
            }
            d.missing = 0;
        }
        d.values = d.rows - d.missing;
        d.mom = (acc & TP_ACC_MOMENTS) ? &mom[k] : NULL;
        char *tally = NULL;
        if (acc & (TP_ACC_VALUES | TP_ACC_NUMBERS)) {
            tally = reduce_tally(f, k, (acc & TP_ACC_NUMBERS) != 0);
            if (!tally || !(d.tally = tp_tally_open(tally, (acc & TP_ACC_NUMBERS) != 0))) {
                free(tally);
                rc = -1;
                break;
            }
        }
        d.dir = f->dir;
        d.memory = f->memory;
        d.tmpdir = f->tmp;
        d.col = t->col;
        d.index = (long)k;
        rc = t->op->finish(t, &d);
        tp_tally_close(d.tally);
        if (tally) {
            unlink(tally);
            free(tally);
        }
    }
    free(mom);
    char **on = NULL;
    const char **ot = NULL;
    long *os = NULL;
    size_t no = 0;
    if (rc == 0) {
        no = out_columns(s, names, types, n, &on, &ot, &os);
        rc = write_fit(s, f->dir, on, ot, os, no);
        if (rc == 0)
            rc = write_json(s, f->dir, on, ot, no, version);
        tp_strv_free(on, no);
        free(ot);
        free(os);
    }
    if (rc == 0)
        rc = tp_tfset_write_specs(s, f->dir);
    tp_tffit_abort(f);
    return rc;
}

void
tp_tffit_abort(tp_tffit *f)
{
    if (!f)
        return;
    for (size_t k = 0; k < f->s->n; k++)
        if (f->spill[k])
            tp_out_abort(f->spill[k]);
    free(f->spill);
    for (size_t i = 0; i < f->nparts; i++) {
        free(f->parts[i].r);
        free(f->parts[i].m);
    }
    free(f->parts);
    rmtree_tmp(f->tmp);
    free(f->tmp);
    free(f->dir);
    free(f);
}

/* ------------------------------------------------------------------ reading a fit */

tp_tfset *
tp_tfset_read_fit(const char *dir, unsigned long long seed)
{
    tp_lines *l = open_versioned(dir, "fit", "tp-fit");
    if (!l)
        return NULL;
    tp_tfset *s = tp_tfset_new(seed);
    char **f;
    size_t n;
    int rc, ended = 0;
    size_t cap = 0;
    long long rows = 0;
    while ((rc = tp_lines_next(l, &f, &n)) == 1) {
        if (n == 2 && strcmp(f[0], "fit_on") == 0 && tp_tfset_fit_on(s, f[1]) == 0)
            continue;
        if (n == 2 && strcmp(f[0], "rows") == 0 && tp_field_int(f[1], &rows) == 0)
            continue;
        long long seed_v;
        if (n == 2 && strcmp(f[0], "seed") == 0 && tp_field_int(f[1], &seed_v) == 0 &&
            seed_v >= 0 && s->n == 0) {
            s->seed = (unsigned long long)seed_v; /* the fitting run's: hash as it did */
            continue;
        }
        if (n == 4 && strcmp(f[0], "col") == 0)
            continue;
        if (n == 1 && strcmp(f[0], "end") == 0) {
            ended = 1;
            continue;
        }
        long long k;
        if (n >= 5 && strcmp(f[0], "t") == 0 && tp_field_int(f[1], &k) == 0 &&
            k == (long long)s->n) {
            if (tp_tfset_add(s, f[2]) < 0 || s->n != (size_t)k + 1) {
                rc = -1;
                break;
            }
            if (s->n > cap) {
                cap = s->n * 2;
                s->trows = tp_xrealloc(s->trows, cap * sizeof *s->trows);
                s->tmissing = tp_xrealloc(s->tmissing, cap * sizeof *s->tmissing);
            }
            tp_tf *t = &s->tf[k];
            if (tp_field_int(f[3], &s->trows[k]) == 0 && tp_field_int(f[4], &s->tmissing[k]) == 0 &&
                (!t->op->read_fit || t->op->read_fit(t, f + 5, n - 5, dir) == 0))
                continue;
            char *why = tp_xstrdup(tp_errmsg());
            tp_err(tp_lines_name(l), tp_lines_line(l), "malformed fit record of %s: %s", f[2],
                   *why ? why : "bad fields");
            free(why);
            rc = -1;
            break;
        }
        tp_rec_malformed(l, "fit", f[0]);
        rc = -1;
        break;
    }
    if (rc == 0 && !ended) {
        tp_err(tp_lines_name(l), tp_lines_line(l), "truncated fit file (no end record)");
        rc = -1;
    }
    tp_lines_close(l);
    if (rc < 0) {
        tp_tfset_free(s);
        return NULL;
    }
    s->rows = rows;
    return s;
}

long
tp_tfset_read_columns(const char *dir, char ***names, const char ***types, long **src)
{
    static const char *const kinds[] = {"int64", "float64", "bool", "object"};
    tp_lines *l = open_versioned(dir, "fit", "tp-fit");
    if (!l)
        return -1;
    size_t no = 0, cap = 16;
    char **on = tp_xmalloc(cap * sizeof *on);
    const char **ot = tp_xmalloc(cap * sizeof *ot);
    long *os = tp_xmalloc(cap * sizeof *os);
    char **f;
    size_t n;
    int rc;
    while ((rc = tp_lines_next(l, &f, &n)) == 1) {
        if (n != 4 || strcmp(f[0], "col") != 0)
            continue;
        const char *ty = NULL;
        long long sv;
        for (int i = 0; i < 4; i++)
            if (strcmp(f[2], kinds[i]) == 0)
                ty = kinds[i];
        if (!ty || tp_field_int(f[3], &sv) < 0 || sv < -1) {
            tp_rec_malformed(l, "fit", f[0]);
            rc = -1;
            break;
        }
        if (no == cap) {
            cap *= 2;
            on = tp_xrealloc(on, cap * sizeof *on);
            ot = tp_xrealloc(ot, cap * sizeof *ot);
            os = tp_xrealloc(os, cap * sizeof *os);
        }
        on[no] = tp_xstrdup(f[1]);
        os[no] = (long)sv;
        ot[no++] = ty;
    }
    tp_lines_close(l);
    if (rc < 0) {
        tp_strv_free(on, no);
        free(ot);
        free(os);
        return -1;
    }
    *names = on;
    *types = ot;
    if (src)
        *src = os;
    else
        free(os);
    return (long)no;
}

/* The extra columns transform k gives (all of them for TP_OP_LAST), from its columns. */
static size_t
nextra(tp_tfset *s, size_t k)
{
    if (!s->nextra) {
        s->nextra = tp_xcalloc(s->n + 1, sizeof *s->nextra);
        for (size_t i = 0; i < s->n; i++) {
            tp_tf *t = &s->tf[i];
            tp_tfcol *cols;
            size_t n;
            t->op->columns(t, t->col, "object", &cols, &n);
            for (size_t j = 0; j < n; j++)
                free(cols[j].name);
            free(cols);
            s->nextra[i] = (t->op->flags & TP_OP_LAST) ? n : n > 0 ? n - 1 : 0;
        }
    }
    return s->nextra[k];
}

int
tp_tfset_apply(tp_tfset *s, const char *const *f, const size_t *len,
               int (*put)(void *arg, const char *str, size_t n, int missing), void *arg)
{
    static tp_tfval *ex;
    static size_t excap;
    for (size_t c = 0; c < s->ncols; c++) {
        size_t nc = s->chain_n[c];
        tp_tfval v = {f[c], len[c], tp_is_missing(f[c], len[c])};
        if (!nc) {
            if (put(arg, v.s, v.n, v.missing) < 0)
                return -1;
            continue;
        }
        /* extra columns of every transform of the chain, kept until the value is out */
        size_t need = 0;
        for (size_t j = 0; j < nc; j++)
            need += nextra(s, s->chain[c][j]) + 1;
        if (need > excap) {
            excap = need;
            ex = tp_xrealloc(ex, excap * sizeof *ex);
        }
        size_t off[nc + 1];
        off[0] = 0;
        for (size_t j = 0; j < nc; j++) {
            tp_tf *t = &s->tf[s->chain[c][j]];
            tp_tfval out = {"", 0, 1};
            if (t->op->apply(t, &v, &out, ex + off[j]) < 0)
                return -1;
            v = out;
            off[j + 1] = off[j] + nextra(s, s->chain[c][j]) + 1;
        }
        tp_tf *last = &s->tf[s->chain[c][nc - 1]];
        int rc = 0;
        if (last->op->flags & TP_OP_LAST) {
            for (size_t i = 0; i < nextra(s, s->chain[c][nc - 1]) && rc == 0; i++) {
                const tp_tfval *e = &ex[off[nc - 1] + i];
                rc = put(arg, e->s, e->n, e->missing);
            }
        } else {
            rc = put(arg, v.s, v.n, v.missing);
        }
        for (size_t j = 0; j < nc && rc == 0; j++) {
            tp_tf *t = &s->tf[s->chain[c][j]];
            if (t->op->flags & TP_OP_LAST)
                continue;
            for (size_t i = 0; i < nextra(s, s->chain[c][j]) && rc == 0; i++) {
                const tp_tfval *e = &ex[off[j] + i];
                rc = put(arg, e->s, e->n, e->missing);
            }
        }
        if (rc < 0)
            return -1;
    }
    return 0;
}

/* ------------------------------------------------------------------ reuse (--fit-from) */

static int
copy_file(const char *from, const char *to)
{
    tp_in *in = tp_in_open(from);
    if (!in)
        return -1;
    tp_out *o = tp_out_open(to, 0);
    if (!o) {
        tp_in_close(in);
        return -1;
    }
    char buf[65536];
    ssize_t n;
    int rc = 0;
    while (rc == 0 && (n = tp_in_read(in, buf, sizeof buf)) > 0)
        rc = tp_out_write(o, buf, (size_t)n);
    if (n < 0)
        rc = -1;
    tp_in_close(in);
    if (rc) {
        tp_out_abort(o);
        return -1;
    }
    return tp_out_commit(o, NULL);
}

int
tp_tfset_copy_fit(const char *from, const char *to)
{
    static const char *const files[] = {"specs", "fit", "transform.json", "labels", NULL};
    if (!tp_tfset_exists(from, "fit")) {
        tp_err(from, 0, "no fitted transforms here (the transform directory of an earlier run)");
        return -1;
    }
    char *vto = path2(to, "vocab");
    int rc = tp_mkdirs(vto, 0777);
    for (size_t i = 0; rc == 0 && files[i]; i++) {
        if (!tp_tfset_exists(from, files[i]))
            continue;
        char *a = path2(from, files[i]), *b = path2(to, files[i]);
        rc = copy_file(a, b);
        free(a);
        free(b);
    }
    char *vfrom = path2(from, "vocab");
    DIR *d = rc == 0 ? opendir(vfrom) : NULL;
    if (rc == 0 && !d && errno != ENOENT) {
        tp_err(vfrom, 0, "%s", strerror(errno));
        rc = -1;
    }
    struct dirent *e;
    while (rc == 0 && d && (e = readdir(d))) {
        size_t n = strlen(e->d_name);
        if (n < 5 || (strcmp(e->d_name + n - 4, ".txt") && strcmp(e->d_name + n - 4, ".idx")))
            continue;
        char *a = path2(vfrom, e->d_name), *b = path2(vto, e->d_name);
        rc = copy_file(a, b);
        free(a);
        free(b);
    }
    if (d)
        closedir(d);
    free(vfrom);
    free(vto);
    return rc;
}

int
tp_tfset_rebind_fit(const char *dir, char *const *names, const char *const *types, size_t n,
                    unsigned long long seed)
{
    tp_tfset *s = tp_tfset_read_fit(dir, seed);
    if (!s)
        return -1;
    int rc = tp_tfset_bind(s, names, n, NULL);
    if (rc == 0) {
        char **on;
        const char **ot;
        long *os;
        size_t no = out_columns(s, names, types, n, &on, &ot, &os);
        rc = write_fit(s, dir, on, ot, os, no);
        tp_strv_free(on, no);
        free(ot);
        free(os);
    }
    tp_tfset_free(s);
    return rc;
}

int
tp_labels_write(const char *dir, const char *col, int vocab, char *const *values, size_t n)
{
    if (tp_mkdirs(dir, 0777) < 0)
        return -1;
    char *p = path2(dir, "labels");
    tp_out *o = tp_out_open(p, 0);
    free(p);
    if (!o)
        return -1;
    int rc = tp_rec_str(o, "tp-labels") || tp_rec_int(o, 1) || tp_rec_end(o);
    rc |= tp_rec_name(o, "label", col);
    rc |= tp_rec_str(o, "vocab") || tp_rec_int(o, vocab) || tp_rec_end(o);
    for (size_t i = 0; i < n; i++)
        rc |= tp_rec_name(o, "v", values[i]);
    rc |= tp_rec_str(o, "end") || tp_rec_end(o);
    if (rc) {
        tp_out_abort(o);
        return -1;
    }
    return tp_out_commit(o, NULL);
}

long
tp_labels_read(const char *dir, char **col, int *vocab, char ***values)
{
    tp_lines *l = open_versioned(dir, "labels", "tp-labels");
    if (!l)
        return -1;
    char **f;
    size_t nf, n = 0;
    int rc, ended = 0;
    long long v = -1;
    char *c = NULL;
    char **vals = NULL;
    while ((rc = tp_lines_next(l, &f, &nf)) == 1) {
        if (nf == 2 && strcmp(f[0], "label") == 0 && !c) {
            c = tp_xstrdup(f[1]);
        } else if (nf == 2 && strcmp(f[0], "vocab") == 0 && tp_field_int(f[1], &v) == 0 &&
                   (v == 0 || v == 1)) {
        } else if (nf == 2 && strcmp(f[0], "v") == 0) {
            vals = tp_xrealloc(vals, (n + 1) * sizeof *vals);
            vals[n++] = tp_xstrdup(f[1]);
        } else if (nf == 1 && strcmp(f[0], "end") == 0) {
            ended = 1;
        } else {
            tp_rec_malformed(l, "labels", f[0]);
            rc = -1;
            break;
        }
    }
    if (rc == 0 && (!ended || !c || v < 0)) {
        tp_err(tp_lines_name(l), tp_lines_line(l), "truncated labels file");
        rc = -1;
    }
    tp_lines_close(l);
    if (rc < 0) {
        free(c);
        tp_strv_free(vals, n);
        return -1;
    }
    *col = c;
    *vocab = (int)v;
    *values = vals;
    return (long)n;
}
