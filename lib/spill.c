/*
 * Spilling the merge's unbounded records to files and reducing them through sort(1).
 */
#include "spill.h"

#include "err.h"
#include "io.h"
#include "record.h"
#include "sort.h"
#include "value.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct tp_spill {
    const char *dir;    /* the temporary directory (the caller's) */
    const char *memory; /* sort(1) -S */
    tp_out *keys, *times, *distinct;
    tp_summary_sink sink;
};

struct tp_spill_rd {
    tp_lines *l;
    char *path; /* the sorted file, removed by tp_spill_close */
};

static char *
join(const char *a, const char *b)
{
    size_t n = strlen(a) + strlen(b) + 2;
    char *p = tp_xmalloc(n);
    snprintf(p, n, "%s/%s", a, b);
    return p;
}

tp_spill *
tp_spill_new(const char *dir, const char *memory)
{
    if (tp_mkdirs(dir, 0777) < 0)
        return NULL;
    tp_spill *sp = tp_xcalloc(1, sizeof *sp);
    sp->dir = dir;
    sp->memory = memory;
    return sp;
}

void
tp_spill_free(tp_spill *sp)
{
    if (!sp)
        return;
    tp_out_abort(sp->keys);
    tp_out_abort(sp->times);
    tp_out_abort(sp->distinct);
    /* record files, sorted files, and sort(1)'s temporary files */
    DIR *d = opendir(sp->dir);
    if (d) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            char *p = join(sp->dir, e->d_name);
            unlink(p);
            free(p);
        }
        closedir(d);
    }
    rmdir(sp->dir);
    free(sp);
}

/* Open DIR/NAME for appending records, once. */
static tp_out *
record_file(tp_spill *sp, tp_out **o, const char *name)
{
    if (!*o) {
        char *p = join(sp->dir, name);
        *o = tp_out_open(p, 0);
        free(p);
    }
    return *o;
}

static int
close_records(tp_out **o)
{
    int rc = 0;
    if (*o)
        rc = tp_out_commit(*o, NULL);
    *o = NULL;
    return rc;
}

static int
put_key(tp_spill *sp, const char *key, size_t n, int64_t t, long shard, long long row,
        const char *label, size_t ln)
{
    tp_out *o = record_file(sp, &sp->keys, "keys");
    if (!o)
        return -1;
    int rc = tp_rec_mem(o, key, n) || tp_rec_int(o, t) || tp_rec_int(o, shard) ||
             tp_rec_int(o, row) || tp_rec_mem(o, label, ln) || tp_rec_end(o);
    return rc ? -1 : 0;
}

int
tp_spill_time(tp_spill *sp, int64_t t, long long count)
{
    tp_out *o = record_file(sp, &sp->times, "times");
    if (!o)
        return -1;
    return tp_rec_int(o, t) || tp_rec_int(o, count) || tp_rec_end(o) ? -1 : 0;
}

int
tp_spill_keys(tp_spill *sp, const tp_summary *s)
{
    int rc = 0;
    for (size_t i = 0; i < tp_map_size(s->keys) && rc == 0; i++) {
        size_t n, ln = 0;
        const char *k = tp_map_key(s->keys, i, &n);
        const tp_keyrec *kr = tp_map_val(s->keys, i);
        const char *lv = kr->label >= 0 ? tp_map_key(s->labels, (size_t)kr->label, &ln) : "";
        rc = put_key(sp, k, n, kr->t, kr->shard, kr->row, lv, ln);
    }
    return rc;
}

int
tp_spill_summary(tp_spill *sp, const tp_summary *s)
{
    int rc = tp_spill_keys(sp, s);
    for (size_t i = 0; i < tp_map_size(s->times) && rc == 0; i++) {
        int64_t t;
        memcpy(&t, tp_map_key(s->times, i, NULL), sizeof t);
        rc = tp_spill_time(sp, t, *(long long *)tp_map_val(s->times, i));
    }
    return rc;
}

static int
sink_key(void *arg, const tp_summary *s, const char *key, int64_t t, long long row,
         const char *label)
{
    return put_key(arg, key, strlen(key), t, s->shard, row, label ? label : "",
                   label ? strlen(label) : 0);
}

static int
sink_time(void *arg, int64_t t, long long count)
{
    return tp_spill_time(arg, t, count);
}

static int
sink_distinct(void *arg, long col, const char *value)
{
    tp_spill *sp = arg;
    tp_out *o = record_file(sp, &sp->distinct, "distinct");
    if (!o)
        return -1;
    return tp_rec_int(o, col) || tp_rec_str(o, value) || tp_rec_end(o) ? -1 : 0;
}

const tp_summary_sink *
tp_spill_sink(tp_spill *sp)
{
    sp->sink.key = sink_key;
    sp->sink.time = sink_time;
    sp->sink.distinct = sink_distinct;
    sp->sink.arg = sp;
    return &sp->sink;
}

int
tp_spill_has_distinct(const tp_spill *sp)
{
    return sp->distinct != NULL;
}

/* Sort DIR/IN into DIR/IN.sorted; the input is removed. The sorted path, or NULL. */
static char *
sort_records(tp_spill *sp, const char *in, const char *const *keys)
{
    char *pin = join(sp->dir, in);
    size_t n = strlen(pin) + 8;
    char *pout = tp_xmalloc(n);
    snprintf(pout, n, "%s.sorted", pin);
    int rc = tp_sort(pin, pout, keys, sp->memory, sp->dir);
    unlink(pin);
    free(pin);
    if (rc < 0) {
        unlink(pout);
        free(pout);
        return NULL;
    }
    return pout;
}

/* Read the sorted file path (taken over: removed and freed on failure too). */
static tp_spill_rd *
open_sorted(char *path)
{
    if (!path)
        return NULL;
    tp_lines *l = tp_lines_open(path);
    if (!l) {
        unlink(path);
        free(path);
        return NULL;
    }
    tp_spill_rd *r = tp_xmalloc(sizeof *r);
    r->l = l;
    r->path = path;
    return r;
}

/* Close the records of *o (created empty when there are none) and sort them. */
static tp_spill_rd *
reduce(tp_spill *sp, tp_out **o, const char *name, const char *const *keys)
{
    if (!record_file(sp, o, name) || close_records(o) < 0)
        return NULL;
    return open_sorted(sort_records(sp, name, keys));
}

void
tp_spill_close(tp_spill_rd *r)
{
    if (!r)
        return;
    tp_lines_close(r->l);
    unlink(r->path);
    free(r->path);
    free(r);
}

const char *
tp_spill_name(const tp_spill_rd *r)
{
    return tp_lines_name(r->l);
}

long
tp_spill_line(const tp_spill_rd *r)
{
    return tp_lines_line(r->l);
}

tp_spill_rd *
tp_spill_winners(tp_spill *sp)
{
    /* the first record of each key in (key, t, shard, row) order wins */
    static const char *const kkeys[] = {"-k1,1", "-k2,2n", "-k3,3n", "-k4,4n", NULL};
    static const char *const wkeys[] = {"-k1,1n", "-k2,2n", NULL};
    tp_spill_rd *r = reduce(sp, &sp->keys, "keys", kkeys);
    if (!r)
        return NULL;
    char *wpath = join(sp->dir, "winners");
    tp_out *w = tp_out_open(wpath, 0);
    free(wpath);
    char *prev = NULL, **f;
    size_t n;
    int got = 0, rc = w ? 0 : -1;
    while (rc == 0 && (got = tp_lines_next(r->l, &f, &n)) == 1) {
        if (n != 5) {
            tp_err(r->path, tp_lines_line(r->l), "malformed key record");
            rc = -1;
            break;
        }
        if (prev && strcmp(prev, f[0]) == 0)
            continue;
        free(prev);
        prev = tp_xstrdup(f[0]);
        rc = tp_rec_str(w, f[2]) || tp_rec_str(w, f[3]) || tp_rec_str(w, f[1]) ||
                     tp_rec_str(w, f[4]) || tp_rec_end(w)
                 ? -1
                 : 0;
    }
    if (got < 0)
        rc = -1;
    free(prev);
    tp_spill_close(r);
    if (rc) {
        tp_out_abort(w);
        return NULL;
    }
    if (tp_out_commit(w, NULL) < 0)
        return NULL;
    return open_sorted(sort_records(sp, "winners", wkeys));
}

int
tp_spill_next_winner(tp_spill_rd *r, tp_spill_win *w)
{
    char **f;
    size_t n;
    int got = tp_lines_next(r->l, &f, &n);
    if (got != 1)
        return got;
    int64_t shard, row, t;
    if (n != 4 || tp_parse_int64(f[0], strlen(f[0]), &shard) < 0 ||
        tp_parse_int64(f[1], strlen(f[1]), &row) < 0 ||
        tp_parse_int64(f[2], strlen(f[2]), &t) < 0) {
        tp_err(r->path, tp_lines_line(r->l), "malformed winner record");
        return -1;
    }
    w->shard = shard;
    w->row = row;
    w->t = t;
    w->label = f[3];
    return 1;
}

tp_spill_rd *
tp_spill_times(tp_spill *sp)
{
    static const char *const tkeys[] = {"-k1,1n", NULL};
    return reduce(sp, &sp->times, "times", tkeys);
}

int
tp_spill_next_time(tp_spill_rd *r, int64_t *t, long long *count)
{
    char **f;
    size_t n;
    int got = tp_lines_next(r->l, &f, &n);
    if (got != 1)
        return got;
    int64_t c;
    if (n != 2 || tp_parse_int64(f[0], strlen(f[0]), t) < 0 ||
        tp_parse_int64(f[1], strlen(f[1]), &c) < 0) {
        tp_err(r->path, tp_lines_line(r->l), "malformed time record");
        return -1;
    }
    *count = c;
    return 1;
}

tp_spill_rd *
tp_spill_distinct(tp_spill *sp)
{
    static const char *const dkeys[] = {"-u", "-k1,1n", "-k2,2", NULL};
    if (close_records(&sp->distinct) < 0)
        return NULL;
    return open_sorted(sort_records(sp, "distinct", dkeys));
}

int
tp_spill_next_distinct(tp_spill_rd *r, size_t ncols, size_t *col)
{
    char **f;
    size_t n;
    int got = tp_lines_next(r->l, &f, &n);
    if (got != 1)
        return got;
    int64_t c;
    if (n != 2 || tp_parse_int64(f[0], strlen(f[0]), &c) < 0 || c < 0 || (size_t)c >= ncols) {
        tp_err(r->path, tp_lines_line(r->l), "malformed distinct record");
        return -1;
    }
    *col = (size_t)c;
    return 1;
}
