/*
 * Vocabulary files (vocab.h): written as a stream while a finish reads its tally, the
 * lookup file sorted by GNU sort in bounded memory, both committed atomically through
 * io.h; looked up from a sorted array when the lookup file is small, else by binary
 * search over its sorted lines with pread, as look(1) searches a sorted file, so that a
 * pass-2 worker holds a few pages of a vocabulary however large it is.
 */
#include "vocab.h"

#include "err.h"
#include "io.h"
#include "pqvalue.h"
#include "reader.h"
#include "sort.h"
#include "text.h"
#include "value.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

long long tp_vocab_mem_limit = 8LL << 20;

char *
tp_vocab_name(const char *col)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = strlen(col);
    char *s = tp_xmalloc(3 * n + 1), *w = s;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)col[i];
        int plain = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                    strchr("_.=+-", c);
        if (plain && !(i == 0 && c == '.')) { /* a leading '.' would hide the file, or be ".." */
            *w++ = (char)c;
        } else {
            *w++ = '%';
            *w++ = hex[c >> 4];
            *w++ = hex[c & 15];
        }
    }
    *w = '\0';
    return s;
}

/* DIR/vocab/NAME.EXT (malloc'd); ext NULL gives DIR/vocab. */
static char *
vocab_path(const char *dir, const char *name, const char *ext)
{
    size_t cap = strlen(dir) + strlen(name) + 16;
    char *p = tp_xmalloc(cap);
    if (ext)
        snprintf(p, cap, "%s/vocab/%s.%s", dir, name, ext);
    else
        snprintf(p, cap, "%s/vocab", dir);
    return p;
}

struct tp_vocab_w {
    tp_out *txt, *idx;
    char *memory, *tmpdir;
    long long n;
};

tp_vocab_w *
tp_vocab_create(const char *dir, const char *name, const char *memory, const char *tmpdir)
{
    char *vdir = vocab_path(dir, name, NULL);
    if (tp_mkdirs(vdir, 0777) < 0) {
        free(vdir);
        return NULL;
    }
    tp_vocab_w *w = tp_xcalloc(1, sizeof *w);
    w->memory = tp_xstrdup(memory ? memory : "32M");
    w->tmpdir = tmpdir ? tp_xstrdup(tmpdir) : vdir;
    if (tmpdir)
        free(vdir);
    char *txt = vocab_path(dir, name, "txt"), *idx = vocab_path(dir, name, "idx");
    w->txt = tp_out_open(txt, 0);
    w->idx = w->txt ? tp_out_open(idx, 0) : NULL;
    if (w->idx && !w->idx->tmp) { /* the lookup is sorted in its temporary file */
        tp_err(idx, 0, "not a regular file");
        tp_out_abort(w->idx);
        w->idx = NULL;
    }
    free(txt);
    free(idx);
    if (!w->idx) {
        tp_vocab_abort(w);
        return NULL;
    }
    return w;
}

int
tp_vocab_add(tp_vocab_w *w, const char *value, size_t n, long long count)
{
    char num[24];
    size_t k = tp_pq_fmt_i64(count, num);
    num[k++] = ' ';
    if (tp_out_write(w->txt, num, k) < 0 || tp_out_esc(w->txt, value, n) < 0 ||
        tp_out_byte(w->txt, '\n') < 0)
        return -1;
    num[0] = '\t';
    k = 1 + tp_pq_fmt_i64(w->n, num + 1);
    num[k++] = '\n';
    if (tp_out_esc(w->idx, value, n) < 0 || tp_out_write(w->idx, num, k) < 0)
        return -1;
    w->n++;
    return 0;
}

static void
free_w(tp_vocab_w *w)
{
    free(w->memory);
    free(w->tmpdir);
    free(w);
}

int
tp_vocab_finish(tp_vocab_w *w)
{
    static const char *const keys[] = {"-k1,1", NULL};
    /* The lookup is sorted in place in the temporary file of its output (sort -o may
     * name its input): the same inode, so the commit's fsync and rename then make it
     * the final file atomically, and no other file is ever visible. */
    if (tp_out_flush(w->idx) < 0 ||
        tp_sort(w->idx->tmp, w->idx->tmp, keys, w->memory, w->tmpdir) < 0) {
        tp_vocab_abort(w);
        return -1;
    }
    char *txt = tp_xstrdup(w->txt->path);
    int rc = tp_out_commit(w->txt, NULL);
    w->txt = NULL;
    if (rc < 0) {
        tp_vocab_abort(w);
    } else if ((rc = tp_out_commit(w->idx, NULL)) < 0) {
        unlink(txt);
        free_w(w);
    } else {
        free_w(w);
    }
    free(txt);
    return rc;
}

void
tp_vocab_abort(tp_vocab_w *w)
{
    if (!w)
        return;
    tp_out_abort(w->txt);
    tp_out_abort(w->idx);
    free_w(w);
}

long long
tp_vocab_fit(const tp_fitdata *d, const char *name, long long top_k, long long min_freq)
{
    tp_vocab_w *w = tp_vocab_create(d->dir, name, d->memory, d->tmpdir);
    if (!w)
        return -1;
    long long k = 0;
    while (d->tally && (top_k <= 0 || k < top_k)) {
        const char *s;
        size_t n;
        long long count;
        int rc = tp_tally_next(d->tally, &s, &n, NULL, &count);
        if (rc < 0 || (rc > 0 && count >= min_freq && tp_vocab_add(w, s, n, count) < 0)) {
            tp_vocab_abort(w);
            return -1;
        }
        if (rc == 0 || count < min_freq) /* by count descending: none of the rest has it */
            break;
        k++;
    }
    return tp_vocab_finish(w) < 0 ? -1 : k;
}

/* One entry of a lookup file read into memory: the escaped value at data + off. */
typedef struct ent {
    uint32_t off, len;
    long long id;
} ent;

struct tp_vocab {
    char *path;
    int fd;         /* -1 when read into memory */
    long long size; /* bytes of the lookup file */
    long long n;    /* values; -1 until counted (pread) */
    char *data;     /* in memory: the file */
    ent *e;         /* ... and its entries in order */
    tp_out *q;      /* the value looked up, escaped as in the file */
    char *win;      /* pread: a window of the file, bytes [woff, woff + wlen) */
    long long woff;
    size_t wlen;
    char *line; /* pread: the line read last */
    size_t lcap;
    struct node *top; /* pread: the lines of the first probes, TOP_DEPTH levels */
    char *keys;       /* ... their values, TOP_BYTES at most */
    size_t nkeys;
};

/* The window of a pread lookup; the levels and bytes of the probes kept in memory. */
enum { WIN = 8192, TOP_DEPTH = 12, TOP_BYTES = 1 << 20 };

/*
 * Every lookup starts with the same probes: the bisection's lo and hi, and so the line
 * it reads, depend only on the comparisons made before, so the probes form a fixed
 * binary tree (node 1 the root, 2i and 2i + 1 the children of i). Its top levels are
 * kept once read (4095 lines, at most 1 MiB of values): a lookup then reads from the
 * file only its last probes, most of them within one window.
 */
typedef struct node {
    long long s, e, id; /* the line's start and end, its id; e == 0: not read yet */
    size_t koff, klen;  /* its value in keys */
} node;

/* Bytewise order of the escaped values, as LC_ALL=C sort -k1,1 orders them. */
static int
cmp(const char *a, size_t an, const char *b, size_t bn)
{
    int c = memcmp(a, b, an < bn ? an : bn);
    return c ? c : an < bn ? -1 : an > bn;
}

/* n bytes at off, all of them (the file does not change under a reader). 0 or -1. */
static int
read_at(int fd, const char *path, char *buf, size_t n, long long off)
{
    size_t got = 0;
    while (got < n) {
        ssize_t r = pread(fd, buf + got, n - got, (off_t)(off + (long long)got));
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0) {
            tp_err(path, 0, "read error:");
            return -1;
        }
        if (r == 0) {
            tp_err(path, 0, "file shrank while being read");
            return -1;
        }
        got += (size_t)r;
    }
    return 0;
}

/* Parse "VALUE<TAB>ID" (NUL at s[n]): the value's length and the id, or -1. */
static int
parse_line(char *s, size_t n, size_t *klen, long long *id)
{
    char *tab = memchr(s, '\t', n);
    int64_t v;
    if (!tab || tp_parse_int64(tab + 1, (size_t)(s + n - tab - 1), &v) < 0 || v < 0)
        return -1;
    *klen = (size_t)(tab - s);
    *id = v;
    return 0;
}

static int
load_memory(tp_vocab *v, int fd)
{
    size_t size = (size_t)v->size;
    v->data = tp_xmalloc(size + 1);
    if (read_at(fd, v->path, v->data, size, 0) < 0)
        return -1;
    v->data[size] = '\0';
    if (size > 0 && v->data[size - 1] != '\n') {
        tp_err(v->path, 0, "truncated file (no end of line)");
        return -1;
    }
    long long n = 0;
    for (size_t i = 0; i < size; i++)
        n += v->data[i] == '\n';
    v->n = n;
    v->e = tp_xmalloc((size_t)(n ? n : 1) * sizeof *v->e);
    char *s = v->data;
    for (long long i = 0; i < n; i++) {
        char *nl = memchr(s, '\n', (size_t)(v->data + size - s));
        size_t len = (size_t)(nl - s), klen;
        *nl = '\0';
        ent *e = &v->e[i];
        if (memchr(s, '\0', len) || parse_line(s, len, &klen, &e->id) < 0 || e->id >= n) {
            tp_err(v->path, (long)(i + 1), "malformed vocabulary lookup record");
            return -1;
        }
        e->off = (uint32_t)(s - v->data);
        e->len = (uint32_t)klen;
        if (i > 0 && cmp(v->data + e[-1].off, e[-1].len, s, klen) >= 0) {
            tp_err(v->path, (long)(i + 1), "vocabulary lookup file not sorted");
            return -1;
        }
        s = nl + 1;
    }
    return 0;
}

tp_vocab *
tp_vocab_open(const char *dir, const char *name)
{
    tp_vocab *v = tp_xcalloc(1, sizeof *v);
    v->path = vocab_path(dir, name, "idx");
    v->fd = -1;
    v->n = -1;
    v->q = tp_out_mem();
    int fd = open(v->path, O_RDONLY);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) < 0) {
        tp_err(v->path, 0, "cannot open:");
        goto fail;
    }
    if (!S_ISREG(st.st_mode)) {
        tp_err(v->path, 0, "not a regular file");
        goto fail;
    }
    v->size = (long long)st.st_size;
    if (v->size <= tp_vocab_mem_limit && v->size < (long long)UINT32_MAX) { /* ent's offsets */
        if (load_memory(v, fd) < 0)
            goto fail;
        close(fd);
        return v;
    }
    char last;
    if (read_at(fd, v->path, &last, 1, v->size - 1) < 0)
        goto fail;
    if (last != '\n') {
        tp_err(v->path, 0, "truncated file (no end of line)");
        goto fail;
    }
    v->fd = fd;
    v->win = tp_xmalloc(WIN);
    v->lcap = 256;
    v->line = tp_xmalloc(v->lcap);
    v->top = tp_xcalloc((size_t)1 << TOP_DEPTH, sizeof *v->top);
    v->keys = tp_xmalloc(TOP_BYTES);
    return v;
fail:
    if (fd >= 0)
        close(fd);
    v->fd = -1;
    tp_vocab_close(v);
    return NULL;
}

/* Make the window hold byte off (0 <= off < size), reading WIN bytes around it. */
static int
win_cover(tp_vocab *v, long long off)
{
    if (off >= v->woff && off < v->woff + (long long)v->wlen)
        return 0;
    long long start = off > WIN / 2 ? off - WIN / 2 : 0;
    long long len = v->size - start < WIN ? v->size - start : WIN;
    v->wlen = 0;
    if (read_at(v->fd, v->path, v->win, (size_t)len, start) < 0)
        return -1;
    v->woff = start;
    v->wlen = (size_t)len;
    return 0;
}

/*
 * The line holding byte m (0 <= m < size) into v->line: its start, its end (after the
 * LF), the escaped value's length and the id. 0 or -1 with an error recorded.
 */
static int
line_at(tp_vocab *v, long long m, long long *start, long long *end, size_t *klen, long long *id)
{
    long long s = m; /* back to the byte after the previous LF, or 0 */
    while (s > 0) {
        if (win_cover(v, s - 1) < 0)
            return -1;
        const char *w = v->win;
        long long i = s - 1 - v->woff;
        while (i >= 0 && w[i] != '\n')
            i--;
        if (i >= 0) {
            s = v->woff + i + 1;
            break;
        }
        s = v->woff;
    }
    size_t len = 0;
    long long p = s;
    for (;;) { /* forward to the LF (the file ends with one) */
        if (win_cover(v, p) < 0)
            return -1;
        const char *from = v->win + (p - v->woff);
        size_t avail = v->wlen - (size_t)(p - v->woff);
        const char *nl = memchr(from, '\n', avail);
        size_t take = nl ? (size_t)(nl - from) : avail;
        if (len + take + 1 > v->lcap) {
            while (len + take + 1 > v->lcap)
                v->lcap *= 2;
            v->line = tp_xrealloc(v->line, v->lcap);
        }
        memcpy(v->line + len, from, take);
        len += take;
        p += (long long)take;
        if (nl)
            break;
    }
    v->line[len] = '\0';
    *start = s;
    *end = s + (long long)len + 1;
    if (memchr(v->line, '\0', len) || parse_line(v->line, len, klen, id) < 0) {
        tp_err(v->path, 0, "malformed vocabulary lookup record at byte %lld", s);
        return -1;
    }
    return 0;
}

long long
tp_vocab_id(tp_vocab *v, const char *value, size_t n)
{
    v->q->len = 0;
    tp_out_esc(v->q, value, n); /* in memory: cannot fail */
    const char *q = v->q->buf;
    size_t qn = v->q->len;
    if (v->fd < 0) {
        long long lo = 0, hi = v->n;
        while (lo < hi) {
            long long mid = lo + (hi - lo) / 2;
            const ent *e = &v->e[mid];
            int c = cmp(v->data + e->off, e->len, q, qn);
            if (c == 0)
                return e->id;
            if (c < 0)
                lo = mid + 1;
            else
                hi = mid;
        }
        return -1;
    }
    /* Bisection over byte offsets: lines before lo hold smaller values, lines from hi
     * on larger ones; each probe reads the line that holds the middle byte. */
    long long lo = 0, hi = v->size;
    for (size_t at = 1; lo < hi;) {
        long long s, e, id;
        size_t klen;
        const char *key;
        node *t = at < ((size_t)1 << TOP_DEPTH) ? &v->top[at] : NULL;
        if (t && t->e > 0) {
            s = t->s, e = t->e, id = t->id, klen = t->klen;
            key = v->keys + t->koff;
        } else {
            if (line_at(v, lo + (hi - lo) / 2, &s, &e, &klen, &id) < 0)
                return -2;
            key = v->line;
            if (t && v->nkeys + klen <= TOP_BYTES) {
                memcpy(v->keys + v->nkeys, key, klen);
                *t = (node){s, e, id, v->nkeys, klen};
                v->nkeys += klen;
            }
        }
        int c = cmp(key, klen, q, qn);
        if (c == 0)
            return id;
        if (c < 0)
            lo = e, at = 2 * at + 1;
        else
            hi = s, at = 2 * at;
        if (at >= ((size_t)1 << TOP_DEPTH))
            at = (size_t)1 << TOP_DEPTH; /* below the kept levels: stays there */
    }
    return -1;
}

long long
tp_vocab_size(const tp_vocab *cv)
{
    if (cv->n >= 0)
        return cv->n;
    /* Counted once, on demand: the cache is the object's own (allocated, not const). */
    tp_vocab *v = (tp_vocab *)cv;
    long long n = 0;
    char buf[WIN];
    for (long long off = 0; off < v->size;) {
        size_t len = v->size - off < WIN ? (size_t)(v->size - off) : WIN;
        if (read_at(v->fd, v->path, buf, len, off) < 0)
            return -1;
        for (size_t i = 0; i < len; i++)
            n += buf[i] == '\n';
        off += (long long)len;
    }
    v->n = n;
    return n;
}

void
tp_vocab_close(tp_vocab *v)
{
    if (!v)
        return;
    if (v->fd >= 0)
        close(v->fd);
    tp_out_abort(v->q);
    free(v->path);
    free(v->data);
    free(v->e);
    free(v->win);
    free(v->line);
    free(v->top);
    free(v->keys);
    free(v);
}

long
tp_vocab_values(const char *dir, const char *name, long max, char ***values, long long **counts)
{
    char *path = vocab_path(dir, name, "txt");
    tp_lines *l = tp_lines_open(path);
    long n = 0, cap = 0;
    char **v = NULL;
    long long *c = NULL;
    if (!l)
        goto fail;
    for (;;) {
        char **f;
        size_t nf;
        int rc = tp_lines_next(l, &f, &nf);
        if (rc < 0)
            goto fail;
        if (rc == 0)
            break;
        char *sp = nf == 1 ? strchr(f[0], ' ') : NULL;
        int64_t count;
        if (sp)
            *sp = '\0';
        if (!sp || tp_parse_int64(f[0], (size_t)(sp - f[0]), &count) < 0 || count < 0) {
            tp_err(path, tp_lines_line(l), "malformed vocabulary record");
            goto fail;
        }
        if (n == max) {
            tp_err(path, 0, "more than %ld values", max);
            goto fail;
        }
        if (n == cap) {
            cap = cap ? 2 * cap : 64;
            v = tp_xrealloc(v, (size_t)cap * sizeof *v);
            c = tp_xrealloc(c, (size_t)cap * sizeof *c);
        }
        v[n] = tp_xstrdup(sp + 1);
        c[n++] = count;
    }
    tp_lines_close(l);
    free(path);
    *values = v;
    *counts = c;
    return n;
fail:
    tp_lines_close(l);
    free(path);
    tp_strv_free(v, (size_t)n);
    free(c);
    return -1;
}
