/*
 * Sorted runs of a map in a temporary file, merged back in key order (runs.h).
 */
#include "runs.h"

#include "err.h"
#include "ixsort.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

enum { FANIN = 16, WBUF = 1 << 16, RBUF = 1 << 14 };

struct tp_runfile {
    int fd;     /* -1 until the first run */
    char *dir;  /* where it lies, for messages */
    off_t end;  /* bytes written to the file */
    char *wbuf; /* entries not yet written, at offset end */
    size_t wlen;
};

typedef struct run {
    off_t off, bytes;
    int level;
} run;

struct tp_runs {
    tp_runfile *f;
    const tp_runs_kind *k;
    run *runs;
    size_t nruns, cap;
    long long spilled;
};

int
tp_runs_bytes(const char *a, size_t na, const char *b, size_t nb)
{
    int c = memcmp(a, b, na < nb ? na : nb);
    return c ? c : (na > nb) - (na < nb);
}

tp_runfile *
tp_runfile_new(void)
{
    tp_runfile *f = tp_xmalloc(sizeof *f);
    memset(f, 0, sizeof *f);
    f->fd = -1;
    return f;
}

void
tp_runfile_free(tp_runfile *f)
{
    if (!f)
        return;
    if (f->fd >= 0)
        close(f->fd);
    free(f->dir);
    free(f->wbuf);
    free(f);
}

static int
file_open(tp_runfile *f)
{
    if (f->fd >= 0)
        return 0;
    const char *dir = getenv("TMPDIR");
    if (!dir || !*dir)
        dir = "/tmp";
    f->dir = tp_xstrdup(dir);
    char *name = tp_xmalloc(strlen(dir) + 32);
    sprintf(name, "%s/tp-runs.XXXXXX", dir);
    f->fd = mkstemp(name);
    int e = errno;
    if (f->fd >= 0)
        unlink(name);
    free(name);
    if (f->fd < 0) {
        tp_err(NULL, 0, "%s: cannot create a temporary file for sorted runs: %s", dir, strerror(e));
        return -1;
    }
    f->wbuf = tp_xmalloc(WBUF);
    return 0;
}

static int
file_flush(tp_runfile *f)
{
    size_t done = 0;
    while (done < f->wlen) {
        ssize_t w = pwrite(f->fd, f->wbuf + done, f->wlen - done, f->end + (off_t)done);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            tp_err(NULL, 0, "%s: cannot write the temporary file of sorted runs: %s", f->dir,
                   w < 0 ? strerror(errno) : "no space");
            return -1;
        }
        done += (size_t)w;
    }
    f->end += (off_t)f->wlen;
    f->wlen = 0;
    return 0;
}

static int
file_put(tp_runfile *f, const void *p, size_t n)
{
    const char *s = p;
    while (n > 0) {
        if (f->wlen == WBUF && file_flush(f) < 0)
            return -1;
        size_t k = WBUF - f->wlen < n ? WBUF - f->wlen : n;
        memcpy(f->wbuf + f->wlen, s, k);
        f->wlen += k, s += k, n -= k;
    }
    return 0;
}

/* One entry: 4-byte key length, the key, a NUL, the value. */
static int
put_entry(tp_runfile *f, const char *key, size_t n, const void *val, size_t vsize)
{
    uint32_t len = (uint32_t)n;
    return file_put(f, &len, sizeof len) || file_put(f, key, n) || file_put(f, "", 1) ||
                   file_put(f, val, vsize)
               ? -1
               : 0;
}

tp_runs *
tp_runs_new(tp_runfile *f, const tp_runs_kind *k)
{
    tp_runs *r = tp_xmalloc(sizeof *r);
    memset(r, 0, sizeof *r);
    r->f = f;
    r->k = k;
    return r;
}

void
tp_runs_free(tp_runs *r)
{
    if (r)
        free(r->runs);
    free(r);
}

long long
tp_runs_spilled(const tp_runs *r)
{
    return r ? r->spilled : 0;
}

/* A source of the merge: a run being read, or a map through its sorted index. */
typedef struct src {
    const char *key;
    size_t n;
    const void *val;
    /* a run */
    int fd;
    off_t pos, end;
    char *buf;
    size_t cap, len, at;
    /* a map (mem = 1; m may be NULL: no entry) */
    int mem;
    const tp_map *m;
    size_t *ix, i, count;
} src;

static const tp_runs_kind *sort_kind;
static const tp_map *sort_map;

static int
cmp_ix(const void *a, const void *b)
{
    size_t na, nb;
    const char *ka = tp_map_key(sort_map, *(const size_t *)a, &na);
    const char *kb = tp_map_key(sort_map, *(const size_t *)b, &nb);
    return sort_kind->cmp(ka, na, kb, nb);
}

uint64_t
tp_runs_bytes_image(const char *key, size_t n)
{
    uint64_t v = 0;
    for (size_t i = 0; i < 8; i++)
        v = v << 8 | (i < n ? (unsigned char)key[i] : 0);
    return v;
}

static uint64_t
image_of(const tp_map *m, const tp_runs_kind *k, size_t i)
{
    size_t n;
    const char *key = tp_map_key(m, i, &n);
    return k->image(key, n);
}

/* tp_ixsort_key of the map being sorted (sort_map, sort_kind) */
static uint64_t
image_key(const void *arg, size_t i)
{
    (void)arg;
    return image_of(sort_map, sort_kind, i);
}

size_t *
tp_runs_sorted(const tp_map *m, const tp_runs_kind *k)
{
    size_t n = tp_map_size(m);
    size_t *ix = tp_xmalloc((n ? n : 1) * sizeof *ix);
    for (size_t i = 0; i < n; i++)
        ix[i] = i;
    sort_kind = k;
    sort_map = m;
    if (!k->image || n < 2) {
        qsort(ix, n, sizeof *ix, cmp_ix);
        return ix;
    }
    tp_ixsort_radix(ix, n, image_key, NULL);
    /* runs of equal images (keys alike in their first 8 bytes): by cmp */
    for (size_t i = 0; i < n;) {
        uint64_t v = image_of(m, k, ix[i]);
        size_t j = i + 1;
        while (j < n && image_of(m, k, ix[j]) == v)
            j++;
        if (j - i > 1)
            qsort(ix + i, j - i, sizeof *ix, cmp_ix);
        i = j;
    }
    return ix;
}

/* Make need bytes from at readable in s->buf. 1, 0 at the run's end, -1 on error. */
static int
src_fill(src *s, size_t need, const char *dir)
{
    if (s->len - s->at >= need)
        return 1;
    memmove(s->buf, s->buf + s->at, s->len - s->at);
    s->len -= s->at;
    s->at = 0;
    if (need > s->cap) {
        s->cap = need > 2 * s->cap ? need : 2 * s->cap;
        s->buf = tp_xrealloc(s->buf, s->cap);
    }
    while (s->len < need) {
        if (s->pos >= s->end)
            return 0;
        size_t want = s->cap - s->len;
        if ((off_t)want > s->end - s->pos)
            want = (size_t)(s->end - s->pos);
        ssize_t got = pread(s->fd, s->buf + s->len, want, s->pos);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0) {
            tp_err(NULL, 0, "%s: cannot read the temporary file of sorted runs: %s", dir,
                   got < 0 ? strerror(errno) : "cut short");
            return -1;
        }
        s->len += (size_t)got;
        s->pos += got;
    }
    return 1;
}

/* The source's next entry into key, n, val. 1, 0 at the end, -1 on error. */
static int
src_next(src *s, size_t vsize, const char *dir)
{
    if (s->mem) {
        if (s->i >= s->count)
            return 0;
        s->key = tp_map_key(s->m, s->ix[s->i], &s->n);
        s->val = tp_map_val(s->m, s->ix[s->i]);
        s->i++;
        return 1;
    }
    int got = src_fill(s, sizeof(uint32_t), dir);
    if (got <= 0)
        return got;
    uint32_t len;
    memcpy(&len, s->buf + s->at, sizeof len);
    size_t whole = sizeof len + len + 1 + vsize;
    if ((got = src_fill(s, whole, dir)) <= 0) {
        if (got == 0)
            tp_err(NULL, 0, "%s: the temporary file of sorted runs is cut short", dir);
        return -1;
    }
    s->key = s->buf + s->at + sizeof len;
    s->n = len;
    s->val = s->key + len + 1;
    s->at += whole;
    return 1;
}

/* A binary heap of source indexes, the least key on top (Knuth 5.2.3). */
typedef struct heap {
    src *s;
    size_t *h, n;
    const tp_runs_kind *k;
} heap;

static int
less(const heap *q, size_t a, size_t b)
{
    const src *x = &q->s[a], *y = &q->s[b];
    int c = q->k->cmp(x->key, x->n, y->key, y->n);
    return c < 0 || (c == 0 && a < b);
}

static void
sift_down(heap *q, size_t i)
{
    for (;;) {
        size_t l = 2 * i + 1, m = i;
        if (l < q->n && less(q, q->h[l], q->h[m]))
            m = l;
        if (l + 1 < q->n && less(q, q->h[l + 1], q->h[m]))
            m = l + 1;
        if (m == i)
            return;
        size_t t = q->h[i];
        q->h[i] = q->h[m];
        q->h[m] = t;
        i = m;
    }
}

/*
 * Merge the ns sources: fn(arg, key, n, value) once per key, values combined. The
 * sources' buffers are freed.
 */
static int
merge(src *s, size_t ns, const tp_runs_kind *k, const char *dir,
      int (*fn)(void *, const char *, size_t, const void *), void *arg)
{
    heap q = {s, tp_xmalloc((ns ? ns : 1) * sizeof(size_t)), 0, k};
    int rc = 0;
    for (size_t i = 0; i < ns && rc == 0; i++) {
        int got = src_next(&s[i], k->vsize, dir);
        if (got < 0)
            rc = -1;
        else if (got)
            q.h[q.n++] = i;
    }
    for (size_t i = q.n; i-- > 0;)
        sift_down(&q, i);
    /* the key being combined: its bytes and its value (aligned for combine) */
    size_t kcap = 256, vs = k->vsize ? k->vsize : 1;
    char *key = tp_xmalloc(kcap);
    size_t n = 0;
    int have = 0;
    long double valign[(64 + sizeof(long double) - 1) / sizeof(long double)];
    void *val = vs <= sizeof valign ? (void *)valign : tp_xmalloc(vs);
    void *other = tp_xmalloc(vs);
    while (rc == 0 && q.n > 0) {
        src *t = &s[q.h[0]];
        if (have && k->cmp(key, n, t->key, t->n) == 0) {
            memcpy(other, t->val, k->vsize);
            k->combine(val, other);
        } else {
            if (have && (rc = fn(arg, key, n, val)) != 0)
                break;
            if (t->n + 1 > kcap) {
                kcap = 2 * (t->n + 1);
                key = tp_xrealloc(key, kcap);
            }
            memcpy(key, t->key, t->n);
            key[t->n] = '\0';
            n = t->n;
            memcpy(val, t->val, k->vsize);
            have = 1;
        }
        int got = src_next(t, k->vsize, dir);
        if (got < 0)
            rc = -1;
        else if (got == 0)
            q.h[0] = q.h[--q.n];
        if (q.n > 0)
            sift_down(&q, 0);
    }
    if (rc == 0 && have)
        rc = fn(arg, key, n, val);
    free(key);
    if (val != (void *)valign)
        free(val);
    free(other);
    free(q.h);
    for (size_t i = 0; i < ns; i++) {
        free(s[i].buf);
        free(s[i].ix);
    }
    return rc;
}

static void
src_run(src *s, const tp_runfile *f, const run *r)
{
    memset(s, 0, sizeof *s);
    s->fd = f->fd;
    s->pos = r->off;
    s->end = r->off + r->bytes;
    s->cap = RBUF;
    s->buf = tp_xmalloc(s->cap);
}

static void
src_map(src *s, const tp_map *m, const tp_runs_kind *k)
{
    memset(s, 0, sizeof *s);
    s->mem = 1;
    s->m = m;
    s->count = m ? tp_map_size(m) : 0;
    s->ix = m ? tp_runs_sorted(m, k) : tp_xmalloc(1);
}

struct writer {
    tp_runfile *f;
    size_t vsize;
    long long n;
};

static int
write_one(void *arg, const char *key, size_t n, const void *val)
{
    struct writer *w = arg;
    w->n++;
    return put_entry(w->f, key, n, val, w->vsize);
}

/* Append a run of level to r's list. */
static void
add_run(tp_runs *r, off_t off, int level)
{
    if (r->nruns == r->cap) {
        r->cap = r->cap ? 2 * r->cap : 8;
        r->runs = tp_xrealloc(r->runs, r->cap * sizeof *r->runs);
    }
    r->runs[r->nruns++] = (run){off, r->f->end - off, level};
}

/* Merge the FANIN runs of level into one of level + 1, while a level has that many. */
static int
cascade(tp_runs *r)
{
    for (int level = 0;; level++) {
        size_t at[FANIN], n = 0;
        for (size_t i = 0; i < r->nruns && n < FANIN; i++)
            if (r->runs[i].level == level)
                at[n++] = i;
        if (n < FANIN)
            return 0;
        src s[FANIN];
        for (size_t i = 0; i < n; i++)
            src_run(&s[i], r->f, &r->runs[at[i]]);
        off_t off = r->f->end;
        struct writer w = {r->f, r->k->vsize, 0};
        if (merge(s, n, r->k, r->f->dir, write_one, &w) < 0 || file_flush(r->f) < 0)
            return -1;
        /* drop the merged runs (at[] ascending: from the last down) */
        for (size_t i = n; i-- > 0;)
            memmove(&r->runs[at[i]], &r->runs[at[i] + 1], (r->nruns - at[i] - 1) * sizeof *r->runs);
        r->nruns -= n;
        add_run(r, off, level + 1);
    }
}

int
tp_runs_spill(tp_runs *r, tp_map **m)
{
    if (tp_map_size(*m) == 0)
        return 0;
    if (file_open(r->f) < 0 || file_flush(r->f) < 0)
        return -1;
    off_t off = r->f->end;
    src s;
    src_map(&s, *m, r->k);
    struct writer w = {r->f, r->k->vsize, 0};
    if (merge(&s, 1, r->k, r->f->dir, write_one, &w) < 0 || file_flush(r->f) < 0)
        return -1;
    r->spilled += w.n;
    add_run(r, off, 0);
    tp_map_free(*m);
    *m = tp_map_new(r->k->vsize);
    return cascade(r);
}

int
tp_runs_each(const tp_runs *r, const tp_runs_kind *k, const tp_map *m,
             int (*fn)(void *arg, const char *key, size_t n, const void *val), void *arg)
{
    size_t nr = r ? r->nruns : 0;
    src *s = tp_xmalloc((nr + 1) * sizeof *s);
    for (size_t i = 0; i < nr; i++)
        src_run(&s[i], r->f, &r->runs[i]);
    src_map(&s[nr], m, r ? r->k : k);
    int rc = merge(s, nr + 1, r ? r->k : k, r ? r->f->dir : "", fn, arg);
    free(s);
    return rc;
}
