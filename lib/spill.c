/*
 * Spilling the merge's unbounded records to files and reducing them through sort(1).
 */
#include "spill.h"

#include "err.h"
#include "io.h"
#include "ixsort.h"
#include "map.h"
#include "record.h"
#include "sort.h"
#include "value.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The kinds of records, each held in memory while the budget allows, else in a file. */
enum { KEYS, TIMES, DISTINCT, NKINDS };

static const char *const kind_name[NKINDS] = {"keys", "times", "distinct"};

struct kind {
    tp_out *o;       /* the record file, once the kind is on disk */
    int ondisk;      /* every record of the kind is in the file */
    char *mem;       /* in memory: packed records (mem_key, mem_time, mem_distinct) */
    size_t len, cap; /* bytes used and allocated */
    size_t n;        /* records in memory */
};

struct tp_spill {
    const char *dir;    /* the temporary directory (the caller's) */
    const char *memory; /* sort(1) -S */
    size_t budget;      /* bytes the records may take in memory: the -S size */
    size_t used;        /* bytes they take (records and their sort index) */
    struct kind k[NKINDS];
    int has_distinct;
    tp_map *dcols; /* the columns of the distinct records by name, numbered as first seen */
    tp_summary_sink sink;
};

/* A record in memory. Keys: the header, then the key and the label bytes and a spare
 * byte; distinct values: the header, then the value. Packed at 8-byte boundaries. */
struct mem_key {
    int64_t t, row, shard;
    uint32_t klen, llen;
};
struct mem_time {
    int64_t t;
    long long count;
};
struct mem_distinct {
    int64_t col;
    uint64_t vlen;
};

struct tp_spill_rd {
    tp_lines *l;  /* a sorted file, or NULL when the records are in memory */
    char *path;   /* the sorted file, removed by tp_spill_close; or the kind's name */
    tp_spill *sp; /* in memory: the spill whose kind is read */
    int kind;
    size_t *ix; /* in memory: offsets of the records in order */
    size_t n, i;
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
    long long b = tp_sort_size_bytes(memory);
    sp->budget = b > 0 ? (size_t)b : 0;
    sp->dcols = tp_map_new(0);
    return sp;
}

void
tp_spill_free(tp_spill *sp)
{
    if (!sp)
        return;
    for (int k = 0; k < NKINDS; k++) {
        tp_out_abort(sp->k[k].o);
        free(sp->k[k].mem);
    }
    tp_map_free(sp->dcols);
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
record_file(tp_spill *sp, int kind)
{
    tp_out **o = &sp->k[kind].o;
    if (!*o) {
        char *p = join(sp->dir, kind_name[kind]);
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

static size_t
pad8(size_t n)
{
    return (n + 7) & ~(size_t)7;
}

/* The text record of an in-memory record at off (the format of the record files). */
static int
write_text(tp_out *o, int kind, const char *mem, size_t off)
{
    if (kind == KEYS) {
        struct mem_key h;
        memcpy(&h, mem + off, sizeof h);
        const char *key = mem + off + sizeof h, *label = key + h.klen;
        return tp_rec_mem(o, key, h.klen) || tp_rec_int(o, h.t) || tp_rec_int(o, h.shard) ||
                       tp_rec_int(o, h.row) || tp_rec_mem(o, label, h.llen) || tp_rec_end(o)
                   ? -1
                   : 0;
    }
    if (kind == TIMES) {
        struct mem_time h;
        memcpy(&h, mem + off, sizeof h);
        return tp_rec_int(o, h.t) || tp_rec_int(o, h.count) || tp_rec_end(o) ? -1 : 0;
    }
    struct mem_distinct h;
    memcpy(&h, mem + off, sizeof h);
    return tp_rec_int(o, h.col) || tp_rec_mem(o, mem + off + sizeof h, h.vlen) || tp_rec_end(o) ? -1
                                                                                                : 0;
}

/* The size of the in-memory record at off. */
static size_t
rec_size(int kind, const char *mem, size_t off)
{
    if (kind == KEYS) {
        struct mem_key h;
        memcpy(&h, mem + off, sizeof h);
        return pad8(sizeof h + h.klen + h.llen + 1); /* + 1: room for a NUL */
    }
    if (kind == TIMES)
        return sizeof(struct mem_time);
    struct mem_distinct h;
    memcpy(&h, mem + off, sizeof h);
    return pad8(sizeof h + h.vlen);
}

/* Move the kind's records from memory to its file, for good. */
static int
to_disk(tp_spill *sp, int kind)
{
    struct kind *k = &sp->k[kind];
    tp_out *o = record_file(sp, kind);
    int rc = o ? 0 : -1;
    for (size_t off = 0; rc == 0 && off < k->len; off += rec_size(kind, k->mem, off))
        rc = write_text(o, kind, k->mem, off);
    sp->used -= k->len + k->n * sizeof(size_t);
    free(k->mem);
    k->mem = NULL;
    k->len = k->cap = k->n = 0;
    k->ondisk = 1;
    return rc;
}

/*
 * Room for a record of size bytes of kind in memory (and its slot in the sort index):
 * a pointer to it, or NULL when the kind is on disk (then or from now on: the budget is
 * spent). *rc is -1 when moving the records to disk failed.
 */
static char *
mem_room(tp_spill *sp, int kind, size_t size, int *rc)
{
    struct kind *k = &sp->k[kind];
    *rc = 0;
    if (k->ondisk)
        return NULL;
    if (sp->used + size + sizeof(size_t) > sp->budget) {
        *rc = to_disk(sp, kind);
        return NULL;
    }
    if (k->len + size > k->cap) {
        size_t cap = k->cap ? 2 * k->cap : 65536;
        while (cap < k->len + size)
            cap *= 2;
        k->mem = tp_xrealloc(k->mem, cap);
        k->cap = cap;
    }
    char *p = k->mem + k->len;
    k->len += size;
    k->n++;
    sp->used += size + sizeof(size_t);
    return p;
}

static int
put_key(tp_spill *sp, const char *key, size_t n, int64_t t, long shard, long long row,
        const char *label, size_t ln)
{
    int rc;
    struct mem_key h = {t, row, shard, (uint32_t)n, (uint32_t)ln};
    char *p = NULL;
    if (n <= UINT32_MAX && ln <= UINT32_MAX) /* lengths that fit the header */
        p = mem_room(sp, KEYS, pad8(sizeof h + n + ln + 1), &rc);
    else
        rc = sp->k[KEYS].ondisk ? 0 : to_disk(sp, KEYS);
    if (p) {
        memcpy(p, &h, sizeof h);
        memcpy(p + sizeof h, key, n);
        memcpy(p + sizeof h + n, label, ln);
        return 0;
    }
    if (rc < 0)
        return -1;
    tp_out *o = record_file(sp, KEYS);
    if (!o)
        return -1;
    rc = tp_rec_mem(o, key, n) || tp_rec_int(o, t) || tp_rec_int(o, shard) || tp_rec_int(o, row) ||
         tp_rec_mem(o, label, ln) || tp_rec_end(o);
    return rc ? -1 : 0;
}

int
tp_spill_time(tp_spill *sp, int64_t t, long long count)
{
    int rc;
    char *p = mem_room(sp, TIMES, sizeof(struct mem_time), &rc);
    if (p) {
        struct mem_time h = {t, count};
        memcpy(p, &h, sizeof h);
        return 0;
    }
    if (rc < 0)
        return -1;
    tp_out *o = record_file(sp, TIMES);
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

/* A column is numbered by its name: the shards' own indexes differ where their columns
 * do (JSON shards, each with its keys), and the names are what the union is made of. */
static int
sink_distinct(void *arg, const char *name, const char *value)
{
    tp_spill *sp = arg;
    size_t n = strlen(value);
    int rc;
    sp->has_distinct = 1;
    long col = tp_map_index(sp->dcols, name, strlen(name));
    if (col < 0) {
        tp_map_put(sp->dcols, name, strlen(name), NULL);
        col = (long)tp_map_size(sp->dcols) - 1;
    }
    char *p = mem_room(sp, DISTINCT, pad8(sizeof(struct mem_distinct) + n), &rc);
    if (p) {
        struct mem_distinct h = {col, n};
        memcpy(p, &h, sizeof h);
        memcpy(p + sizeof h, value, n);
        return 0;
    }
    if (rc < 0)
        return -1;
    tp_out *o = record_file(sp, DISTINCT);
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
    return sp->has_distinct;
}

size_t
tp_spill_distinct_ncols(const tp_spill *sp)
{
    return tp_map_size(sp->dcols);
}

const char *
tp_spill_distinct_col(const tp_spill *sp, size_t col)
{
    return tp_map_key(sp->dcols, col, NULL);
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
    tp_spill_rd *r = tp_xcalloc(1, sizeof *r);
    r->l = l;
    r->path = path;
    return r;
}

/* Close the records of a kind on disk (created empty when there are none), sort them. */
static tp_spill_rd *
reduce(tp_spill *sp, int kind, const char *const *keys)
{
    if (!record_file(sp, kind) || close_records(&sp->k[kind].o) < 0)
        return NULL;
    return open_sorted(sort_records(sp, kind_name[kind], keys));
}

/* In memory: the kind's records, by the offsets of the records in their order. */
static const char *sort_mem; /* the records qsort compares */

static int
cmp_key(const void *a, const void *b)
{
    struct mem_key x, y;
    size_t oa = *(const size_t *)a, ob = *(const size_t *)b;
    memcpy(&x, sort_mem + oa, sizeof x);
    memcpy(&y, sort_mem + ob, sizeof y);
    int c = memcmp(sort_mem + oa + sizeof x, sort_mem + ob + sizeof y,
                   x.klen < y.klen ? x.klen : y.klen);
    if (c || x.klen != y.klen)
        return c ? c : x.klen < y.klen ? -1 : 1;
    if (x.t != y.t)
        return x.t < y.t ? -1 : 1;
    if (x.shard != y.shard)
        return x.shard < y.shard ? -1 : 1;
    return (x.row > y.row) - (x.row < y.row);
}

static int
cmp_distinct(const void *a, const void *b)
{
    struct mem_distinct x, y;
    size_t oa = *(const size_t *)a, ob = *(const size_t *)b;
    memcpy(&x, sort_mem + oa, sizeof x);
    memcpy(&y, sort_mem + ob, sizeof y);
    if (x.col != y.col)
        return x.col < y.col ? -1 : 1;
    int c = memcmp(sort_mem + oa + sizeof x, sort_mem + ob + sizeof y,
                   x.vlen < y.vlen ? x.vlen : y.vlen);
    return c ? c : (x.vlen > y.vlen) - (x.vlen < y.vlen);
}

/* The two keys a record is sorted by with radix_sort, as unsigned 64-bit integers whose
 * order is that of the values (a signed one with its sign bit flipped). */
typedef void radix_keys(const char *rec, uint64_t *major, uint64_t *minor);

static void
winner_keys(const char *rec, uint64_t *major, uint64_t *minor)
{
    struct mem_key h;
    memcpy(&h, rec, sizeof h);
    *major = (uint64_t)h.shard ^ ((uint64_t)1 << 63);
    *minor = (uint64_t)h.row ^ ((uint64_t)1 << 63);
}

static void
time_keys(const char *rec, uint64_t *major, uint64_t *minor)
{
    struct mem_time h;
    memcpy(&h, rec, sizeof h);
    *major = (uint64_t)h.t ^ ((uint64_t)1 << 63);
    *minor = (uint64_t)h.count ^ ((uint64_t)1 << 63);
}

struct radix_arg {
    const char *mem;
    radix_keys *keys;
    int major;
};

/* The key of a pass over the record at off: its minor or major key, or off itself. */
static uint64_t
radix_key(const void *arg, size_t off)
{
    const struct radix_arg *a = arg;
    if (!a->keys)
        return off;
    uint64_t major, minor;
    a->keys(a->mem + off, &major, &minor);
    return a->major ? major : minor;
}

/* Sort the n records at offsets ix of mem by (major, minor) of keys (the minor key
 * first, then the major: the radix sort is stable), or the offsets themselves ascending
 * when keys is NULL. */
static void
radix_sort(size_t *ix, size_t n, const char *mem, radix_keys *keys)
{
    struct radix_arg a = {mem, keys, 0};
    if (keys)
        tp_ixsort_radix(ix, n, radix_key, &a);
    a.major = 1;
    tp_ixsort_radix(ix, n, radix_key, &a);
}

/* A reader over the kind's records in memory, sorted by the radix keys, else with cmp
 * (the index was counted in the budget when the records came). */
static tp_spill_rd *
open_memory(tp_spill *sp, int kind, int (*cmp)(const void *, const void *), radix_keys *keys)
{
    struct kind *k = &sp->k[kind];
    tp_spill_rd *r = tp_xcalloc(1, sizeof *r);
    r->sp = sp;
    r->kind = kind;
    char *base = join(sp->dir, kind_name[kind]);
    size_t n = strlen(base) + 16;
    r->path = tp_xmalloc(n);
    snprintf(r->path, n, "%s (in memory)", base); /* for messages: no such file */
    free(base);
    r->ix = tp_xmalloc((k->n ? k->n : 1) * sizeof *r->ix);
    size_t i = 0;
    for (size_t off = 0; off < k->len; off += rec_size(kind, k->mem, off))
        r->ix[i++] = off;
    r->n = i;
    sort_mem = k->mem;
    if (keys)
        radix_sort(r->ix, r->n, k->mem, keys);
    else
        tp_ixsort_runs(r->ix, r->n, cmp);
    return r;
}

/* The kind's records in memory are read: they are gone. */
static void
consume(tp_spill *sp, int kind)
{
    struct kind *k = &sp->k[kind];
    sp->used -= k->len + k->n * sizeof(size_t);
    free(k->mem);
    k->mem = NULL;
    k->len = k->cap = k->n = 0;
}

void
tp_spill_close(tp_spill_rd *r)
{
    if (!r)
        return;
    if (r->l) {
        tp_lines_close(r->l);
        unlink(r->path);
    } else {
        consume(r->sp, r->kind);
        free(r->ix);
    }
    free(r->path);
    free(r);
}

const char *
tp_spill_name(const tp_spill_rd *r)
{
    return r->l ? tp_lines_name(r->l) : r->path;
}

long
tp_spill_line(const tp_spill_rd *r)
{
    return r->l ? tp_lines_line(r->l) : (long)r->i;
}

/*
 * Keep only the w records of r->ix[0..w) of kind in memory: moved to the front of its
 * block in their order there, the block shrunk, and r->ix their new offsets in that
 * order; the memory they no longer take is back in the budget.
 */
static void
compact(tp_spill *sp, int kind, tp_spill_rd *r, size_t w)
{
    struct kind *k = &sp->k[kind];
    radix_sort(r->ix, w, NULL, NULL); /* by offset */
    size_t len = 0;
    for (size_t i = 0; i < w; i++) {
        size_t size = rec_size(kind, k->mem, r->ix[i]);
        memmove(k->mem + len, k->mem + r->ix[i], size);
        r->ix[i] = len;
        len += size;
    }
    sp->used -= (k->len - len) + (k->n - w) * sizeof(size_t);
    k->len = len;
    k->n = w;
    k->cap = len ? len : 1;
    k->mem = tp_xrealloc(k->mem, k->cap);
    r->ix = tp_xrealloc(r->ix, (w ? w : 1) * sizeof *r->ix);
    r->n = w;
}

tp_spill_rd *
tp_spill_winners(tp_spill *sp)
{
    if (!sp->k[KEYS].ondisk) {
        /* the first record of each key in (key, t, shard, row) order wins */
        tp_spill_rd *r = open_memory(sp, KEYS, cmp_key, NULL);
        const char *mem = sp->k[KEYS].mem;
        size_t w = 0;
        for (size_t i = 0; i < r->n; i++) {
            struct mem_key x, y;
            if (w > 0) {
                memcpy(&x, mem + r->ix[w - 1], sizeof x);
                memcpy(&y, mem + r->ix[i], sizeof y);
                if (x.klen == y.klen &&
                    memcmp(mem + r->ix[w - 1] + sizeof x, mem + r->ix[i] + sizeof y, x.klen) == 0)
                    continue;
            }
            r->ix[w++] = r->ix[i];
        }
        compact(sp, KEYS, r, w);
        radix_sort(r->ix, r->n, sp->k[KEYS].mem, winner_keys); /* by (shard, row) */
        return r;
    }
    /* on disk: the same through sort(1) */
    static const char *const kkeys[] = {"-k1,1", "-k2,2n", "-k3,3n", "-k4,4n", NULL};
    static const char *const wkeys[] = {"-k1,1n", "-k2,2n", NULL};
    tp_spill_rd *r = reduce(sp, KEYS, kkeys);
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
    if (!r->l) {
        if (r->i == r->n)
            return 0;
        const char *mem = r->sp->k[KEYS].mem;
        struct mem_key h;
        size_t off = r->ix[r->i++];
        memcpy(&h, mem + off, sizeof h);
        /* the label NUL-terminated, in the record's slot of the key (no longer needed) */
        char *p = r->sp->k[KEYS].mem + off + sizeof h;
        memmove(p, p + h.klen, h.llen);
        p[h.llen] = '\0';
        w->shard = h.shard;
        w->row = h.row;
        w->t = h.t;
        w->label = p;
        return 1;
    }
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
    if (!sp->k[TIMES].ondisk)
        return open_memory(sp, TIMES, NULL, time_keys);
    static const char *const tkeys[] = {"-k1,1n", NULL};
    return reduce(sp, TIMES, tkeys);
}

int
tp_spill_next_time(tp_spill_rd *r, int64_t *t, long long *count)
{
    if (!r->l) {
        if (r->i == r->n)
            return 0;
        struct mem_time h;
        memcpy(&h, r->sp->k[TIMES].mem + r->ix[r->i++], sizeof h);
        *t = h.t;
        *count = h.count;
        return 1;
    }
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
    if (!sp->k[DISTINCT].ondisk)
        return open_memory(sp, DISTINCT, cmp_distinct, NULL);
    static const char *const dkeys[] = {"-u", "-k1,1n", "-k2,2", NULL};
    if (close_records(&sp->k[DISTINCT].o) < 0)
        return NULL;
    return open_sorted(sort_records(sp, kind_name[DISTINCT], dkeys));
}

int
tp_spill_next_distinct(tp_spill_rd *r, size_t ncols, size_t *col)
{
    if (!r->l) {
        /* a run of equal (column, value) records is one distinct value */
        const char *mem = r->sp->k[DISTINCT].mem;
        while (r->i > 0 && r->i < r->n) {
            sort_mem = mem;
            if (cmp_distinct(&r->ix[r->i - 1], &r->ix[r->i]) != 0)
                break;
            r->i++;
        }
        if (r->i == r->n)
            return 0;
        struct mem_distinct h;
        memcpy(&h, mem + r->ix[r->i++], sizeof h);
        if (h.col < 0 || (size_t)h.col >= ncols) {
            tp_err(r->path, (long)r->i, "malformed distinct record");
            return -1;
        }
        *col = (size_t)h.col;
        return 1;
    }
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
