/*
 * JSON records over yajl (see json.h). Input is fed to yajl one line piece at a time, so
 * that every record and every error knows its line (yajl counts no lines), and a JSON
 * Lines error can be recovered from at the next line. The flattener keeps one buffer of
 * the current record's values and one of the current column name; no allocation
 * happens per field once they have grown.
 */
#include "json.h"

#include "err.h"
#include "map.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl/yajl_parse.h>

enum { MAXDEPTH = 1024 };

#define STR_(x) #x
#define STR(x) STR_(x)

struct tp_json {
    char *name;
    char *records; /* dotted path of the array of records, or NULL */
    tp_json_cb cb;
    yajl_handle h;

    tp_map *cols; /* column name -> index (insertion order) */
    int fixed;    /* the columns are fixed: an unknown key is a bad record */
    size_t ncols, ccap;
    size_t *voff, *vlen; /* per column: the current record's value in vbuf */
    long long *vset;     /* per column: the record number that set it */
    const char **fp;
    size_t *fl;

    char *vbuf; /* the current record's values, NUL-terminated */
    size_t vlen_used, vcap;
    char *nbuf; /* the current column name */
    size_t nlen, ncap;
    size_t *plen; /* per nesting level in the record: length of the name prefix */
    long *kpos;   /* per nesting level in the record: position of the current key */

    /* columns new in the current record, added at its end in pandas' order: the keys
     * of each object that hold no object first, then those of its nested objects */
    struct pend {
        size_t name, nlen, vec, vlen; /* in pbuf: the name; its order vector */
        size_t voff, len;             /* its value in vbuf */
    } * pend;
    size_t npend, pcap;
    char *pbuf;
    size_t plen_used, pbcap;

    char *cbuf; /* compact JSON of an array being captured */
    size_t clen, ccap2;
    int cdepth;            /* open containers in the capture (0: not capturing) */
    unsigned char *ccomma; /* per capture level: a value was written (a comma is due) */
    int cafter_key;

    char *dbuf;   /* document level: the path of keys to the current value */
    size_t *dlen; /* per depth: its length before the key */
    char *dkind;  /* per depth: 'm' map, 'a' array */
    size_t dn;

    int depth;       /* open containers */
    int rec_level;   /* in a record: nesting level (0 = the record's object), -1 outside */
    int elems_depth; /* depth of the array whose elements are records, -1 none */
    int found;       /* the records path was found in the current document */
    long long recno; /* records begun */
    long rec_line;
    char why[256]; /* the current record is bad: why */
    char whycol[128];
    int has_whycol;

    long line;         /* line being fed */
    long long offset;  /* bytes fed before the current piece */
    long value_line;   /* line where the current top-level value began */
    int in_value;      /* a top-level value is open */
    int lines;         /* -1 unknown, 1 JSON Lines, 0 one document */
    long long nvalues; /* top-level values completed */
    int skip_line;     /* after an error in JSON Lines: drop input up to the end of the line */
    int values;        /* an array element that is not an object is a record {"value": it} */
    int single;        /* the current record is such an element, an array being captured */
    int rc;            /* a callback's nonzero value, or -1 */
    int fatal;         /* an error recorded */

    /* --explode: the arrays at these columns of a record go element by element to their
     * reader (tp_json_explode) instead of into a cell */
    char **xpath;
    tp_json **xto;
    size_t nx;
    int xdepth;   /* inside such an array: its open containers (0: not inside) */
    tp_json *xon; /* its reader, or NULL (the elements are dropped) */
};

static void *
grow(void *p, size_t *cap, size_t need, size_t elem)
{
    if (need <= *cap)
        return p;
    size_t c = *cap ? *cap : 64;
    while (c < need)
        c *= 2;
    *cap = c;
    return tp_xrealloc(p, c * elem);
}

static void
col_room(tp_json *j)
{
    if (j->ncols < j->ccap)
        return;
    size_t c = j->ccap ? 2 * j->ccap : 64;
    j->voff = tp_xrealloc(j->voff, c * sizeof *j->voff);
    j->vlen = tp_xrealloc(j->vlen, c * sizeof *j->vlen);
    j->vset = tp_xrealloc(j->vset, c * sizeof *j->vset);
    j->fp = tp_xrealloc(j->fp, c * sizeof *j->fp);
    j->fl = tp_xrealloc(j->fl, c * sizeof *j->fl);
    j->ccap = c;
}

static long
new_col(tp_json *j, const char *name, size_t n)
{
    int created;
    tp_map_put(j->cols, name, n, &created);
    long i = tp_map_index(j->cols, name, n);
    if (created) {
        col_room(j);
        j->vset[j->ncols] = -1;
        j->ncols++;
    }
    return i;
}

size_t
tp_json_add_col(tp_json *j, const char *name)
{
    return (size_t)new_col(j, name, strlen(name));
}

void
tp_json_schema(tp_json *j, char *const *cols, size_t n)
{
    for (size_t i = 0; i < n; i++)
        new_col(j, cols[i], strlen(cols[i]));
    j->fixed = 1;
}

void
tp_json_truncate(tp_json *j, size_t n)
{
    if (n >= j->ncols)
        return;
    tp_map *m = tp_map_new(0); /* (rare: a map has no removal) */
    for (size_t i = 0; i < n; i++) {
        size_t len;
        const char *k = tp_map_key(j->cols, i, &len);
        tp_map_put(m, k, len, NULL);
    }
    tp_map_free(j->cols);
    j->cols = m;
    j->ncols = n;
}

size_t
tp_json_ncols(const tp_json *j)
{
    return j->ncols;
}

const char *
tp_json_col(const tp_json *j, size_t i)
{
    return tp_map_key(j->cols, i, NULL);
}

int
tp_json_lines(const tp_json *j)
{
    return j->lines == 1;
}

/* The current record is bad (the first reason is kept). */
static void
rec_bad(tp_json *j, const char *col, const char *fmt, const char *a)
{
    if (j->why[0])
        return;
    snprintf(j->why, sizeof j->why, fmt, a);
    j->has_whycol = col != NULL;
    if (col)
        snprintf(j->whycol, sizeof j->whycol, "%s", col);
}

static int
report_bad(tp_json *j, long line)
{
    int rc = j->cb.bad ? j->cb.bad(j->cb.arg, line, j->has_whycol ? j->whycol : NULL, j->why) : 0;
    j->why[0] = '\0';
    if (rc)
        j->rc = rc;
    return rc;
}

/* A new column of the current record, with its value at vbuf[off..off+n). */
static void
pend_add(tp_json *j, size_t off, size_t n)
{
    for (size_t k = 0; k < j->npend; k++) {
        struct pend *p = &j->pend[k];
        if (p->nlen == j->nlen && memcmp(j->pbuf + p->name, j->nbuf, j->nlen) == 0) {
            p->voff = off; /* a key given twice: the last value, as Python's json */
            p->len = n;
            return;
        }
    }
    j->pend = grow(j->pend, &j->pcap, j->npend + 1, sizeof *j->pend);
    struct pend *p = &j->pend[j->npend++];
    size_t vl = 5 * ((size_t)j->rec_level + 1);
    j->pbuf = grow(j->pbuf, &j->pbcap, j->plen_used + j->nlen + vl, 1);
    p->name = j->plen_used;
    p->nlen = j->nlen;
    memcpy(j->pbuf + p->name, j->nbuf, j->nlen);
    p->vec = p->name + p->nlen;
    p->vlen = vl;
    unsigned char *v = (unsigned char *)j->pbuf + p->vec;
    for (int l = 0; l <= j->rec_level; l++, v += 5) {
        unsigned long pos = (unsigned long)j->kpos[l];
        v[0] = l < j->rec_level; /* the key at level l opened an object: after the others */
        v[1] = (unsigned char)(pos >> 24), v[2] = (unsigned char)(pos >> 16);
        v[3] = (unsigned char)(pos >> 8), v[4] = (unsigned char)pos;
    }
    j->plen_used += p->nlen + vl;
    p->voff = off;
    p->len = n;
}

static const char *pend_buf; /* for pend_cmp (tp is single-threaded) */

static int
pend_cmp(const void *a, const void *b)
{
    const struct pend *x = a, *y = b;
    size_t n = x->vlen < y->vlen ? x->vlen : y->vlen;
    int c = memcmp(pend_buf + x->vec, pend_buf + y->vec, n);
    return c ? c : (x->vlen > y->vlen) - (x->vlen < y->vlen);
}

/* The new columns of a good record, in pandas' order, with their values. */
static void
pend_flush(tp_json *j)
{
    pend_buf = j->pbuf;
    qsort(j->pend, j->npend, sizeof *j->pend, pend_cmp);
    for (size_t k = 0; k < j->npend; k++) {
        struct pend *p = &j->pend[k];
        long i = new_col(j, j->pbuf + p->name, p->nlen);
        j->voff[i] = p->voff;
        j->vlen[i] = p->len;
        j->vset[i] = j->recno;
    }
    j->npend = 0;
    j->plen_used = 0;
}

/* A value of the current record for the column named nbuf[0..nlen). */
static void
emit(tp_json *j, const char *s, size_t n)
{
    if (j->why[0])
        return;
    long i = tp_map_index(j->cols, j->nbuf, j->nlen);
    if (i < 0 && j->fixed) {
        rec_bad(j, NULL, "key '%s' is not a column of the schema found in pass 1", j->nbuf);
        return;
    }
    if (n && memchr(s, '\0', n)) {
        rec_bad(j, j->nbuf, "%s", "NUL byte in value");
        return;
    }
    j->vbuf = grow(j->vbuf, &j->vcap, j->vlen_used + n + 1, 1);
    memcpy(j->vbuf + j->vlen_used, s, n);
    j->vbuf[j->vlen_used + n] = '\0';
    if (i < 0) {
        pend_add(j, j->vlen_used, n);
        j->vlen_used += n + 1;
        return;
    }
    j->voff[i] = j->vlen_used;
    j->vlen[i] = n;
    j->vset[i] = j->recno;
    j->vlen_used += n + 1;
}

static void
rec_begin(tp_json *j)
{
    j->recno++;
    j->rec_level = 0;
    j->rec_line = j->line;
    j->vlen_used = 0;
    j->nlen = 0;
    j->plen[0] = 0;
    j->kpos[0] = -1;
    j->npend = 0;
    j->plen_used = 0;
}

static int
rec_end(tp_json *j)
{
    j->rec_level = -1;
    if (j->why[0]) {
        j->npend = 0;
        j->plen_used = 0;
        return report_bad(j, j->rec_line);
    }
    if (j->npend)
        pend_flush(j);
    for (size_t i = 0; i < j->ncols; i++) {
        if (j->vset[i] == j->recno) {
            j->fp[i] = j->vbuf + j->voff[i];
            j->fl[i] = j->vlen[i];
        } else {
            j->fp[i] = "";
            j->fl[i] = 0;
        }
    }
    int rc = j->cb.record ? j->cb.record(j->cb.arg, j->fp, j->fl, j->ncols, j->rec_line) : 0;
    if (rc)
        j->rc = rc;
    return rc;
}

/* Capture: compact JSON of an array (and what it holds) into cbuf. */
static void
cput(tp_json *j, const char *s, size_t n)
{
    j->cbuf = grow(j->cbuf, &j->ccap2, j->clen + n + 1, 1);
    memcpy(j->cbuf + j->clen, s, n);
    j->clen += n;
}

static void
cput_string(tp_json *j, const unsigned char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    cput(j, "\"", 1);
    size_t run = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = s[i];
        if (c >= 0x20 && c != '"' && c != '\\')
            continue;
        cput(j, (const char *)s + run, i - run);
        run = i + 1;
        char e[6] = {'\\', 0, 0, 0, 0, 0};
        size_t k = 2;
        switch (c) {
        case '"':
        case '\\':
            e[1] = (char)c;
            break;
        case '\n':
            e[1] = 'n';
            break;
        case '\r':
            e[1] = 'r';
            break;
        case '\t':
            e[1] = 't';
            break;
        case '\b':
            e[1] = 'b';
            break;
        case '\f':
            e[1] = 'f';
            break;
        default:
            e[1] = 'u', e[2] = '0', e[3] = '0', e[4] = hex[c >> 4], e[5] = hex[c & 15];
            k = 6;
        }
        cput(j, e, k);
    }
    cput(j, (const char *)s + run, n - run);
    cput(j, "\"", 1);
}

/* Before a value in the capture: the comma it may need. */
static void
cvalue(tp_json *j)
{
    if (j->cafter_key)
        j->cafter_key = 0;
    else if (j->ccomma[j->cdepth])
        cput(j, ",", 1);
    j->ccomma[j->cdepth] = 1;
}

/* The capture is done: the array's text is the value of the current key. */
static void
cdone(tp_json *j)
{
    emit(j, j->cbuf, j->clen);
    j->clen = 0;
}

static int
stop(tp_json *j)
{
    return j->rc == 0;
}

/* Inside an exploded array: the event went to its reader (when there is one); a value it
 * stopped on (a callback's, or -1) stops this one too. */
static int
fwd_done(tp_json *j)
{
    if (j->xon && j->xon->rc && !j->rc)
        j->rc = j->xon->rc;
    return stop(j);
}

/* The reader of the elements of an exploded array at the column nbuf, or NULL. */
static long
explode_at(const tp_json *j)
{
    for (size_t k = 0; k < j->nx; k++)
        if (strlen(j->xpath[k]) == j->nlen && memcmp(j->xpath[k], j->nbuf, j->nlen) == 0)
            return (long)k;
    return -1;
}

/* A scalar at document level (outside records): a bad record where one was expected. */
static void
doc_scalar(tp_json *j)
{
    if (j->depth == j->elems_depth || (j->depth == 0 && !j->records)) {
        j->rec_line = j->line;
        j->recno++;
        rec_bad(j, NULL, "%s",
                j->depth == 0 ? "a record is a JSON object: found a value that is not an object "
                                "or an array of objects"
                              : "a record is a JSON object: found an array element that is not");
        report_bad(j, j->line);
    }
}

static void top_done(tp_json *j);

/* values mode: the element at hand is the record {"value": element} */
static void
value_record(tp_json *j)
{
    rec_begin(j);
    j->nbuf = grow(j->nbuf, &j->ncap, 8, 1);
    memcpy(j->nbuf, "value", 6);
    j->nlen = 5;
    j->kpos[0] = 0;
}

static int
scalar(tp_json *j, const char *s, size_t n, int is_string)
{
    if (j->cdepth > 0) {
        cvalue(j);
        if (is_string)
            cput_string(j, (const unsigned char *)s, n);
        else
            cput(j, s, n);
    } else if (j->rec_level >= 0) {
        emit(j, s, n);
    } else if (j->values && j->depth == j->elems_depth) {
        value_record(j);
        emit(j, s, n);
        rec_end(j);
    } else {
        if (j->depth == 0 && !j->in_value)
            j->value_line = j->line;
        doc_scalar(j);
        if (j->depth == 0)
            top_done(j);
    }
    return stop(j);
}

static int
on_null(void *ctx)
{
    tp_json *j = ctx;
    if (j->xdepth) {
        if (j->xon)
            on_null(j->xon);
        return fwd_done(j);
    }
    if (j->cdepth == 0 && j->rec_level >= 0) {
        /* a column, with a missing value */
        emit(j, "", 0);
        return stop(j);
    }
    if (j->cdepth == 0 && j->values && j->depth == j->elems_depth) {
        value_record(j);
        emit(j, "", 0);
        rec_end(j);
        return stop(j);
    }
    return scalar(j, "null", 4, 0);
}

static int
on_boolean(void *ctx, int v)
{
    tp_json *j = ctx;
    if (j->xdepth) {
        if (j->xon)
            on_boolean(j->xon, v);
        return fwd_done(j);
    }
    return scalar(ctx, v ? "true" : "false", v ? 4 : 5, 0);
}

static int
on_number(void *ctx, const char *s, size_t n)
{
    tp_json *j = ctx;
    if (j->xdepth) {
        if (j->xon)
            on_number(j->xon, s, n);
        return fwd_done(j);
    }
    if (n > TP_JSON_NUMBER_MAX && j->rec_level >= 0) {
        char m[32];
        snprintf(m, sizeof m, "%zu", n);
        rec_bad(j, j->cdepth ? NULL : j->nbuf,
                "a number of %s bytes: too long to keep (at most " STR(TP_JSON_NUMBER_MAX) ")", m);
        return stop(j);
    }
    return scalar(j, s, n, 0);
}

static int
on_string(void *ctx, const unsigned char *s, size_t n)
{
    tp_json *j = ctx;
    if (j->xdepth) {
        if (j->xon)
            on_string(j->xon, s, n);
        return fwd_done(j);
    }
    return scalar(ctx, (const char *)s, n, 1);
}

/* Document level: the path of the value that follows key s[0..n). */
static void
doc_key(tp_json *j, const char *s, size_t n)
{
    size_t d = (size_t)j->depth; /* the map holding the key is at depth d (1-based) */
    size_t base = j->dlen[d - 1];
    size_t need = base + n + 2;
    j->dbuf = grow(j->dbuf, &j->dn, need, 1);
    if (d > 1)
        j->dbuf[base++] = '.';
    memcpy(j->dbuf + base, s, n);
    j->dbuf[base + n] = '\0';
    j->dlen[d] = base + n;
}

/* Whether the value at the current document position is at the records path. */
static int
at_records(tp_json *j)
{
    if (!j->records || j->depth == 0)
        return 0;
    for (int d = 1; d <= j->depth; d++)
        if (j->dkind[d] != 'm')
            return 0;
    return strlen(j->records) == j->dlen[j->depth] &&
           memcmp(j->dbuf, j->records, j->dlen[j->depth]) == 0;
}

static int
on_map_key(void *ctx, const unsigned char *s, size_t n)
{
    tp_json *j = ctx;
    if (j->xdepth) {
        if (j->xon)
            on_map_key(j->xon, s, n);
        return fwd_done(j);
    }
    if (j->cdepth > 0) {
        if (j->ccomma[j->cdepth])
            cput(j, ",", 1);
        j->ccomma[j->cdepth] = 1;
        cput_string(j, s, n);
        cput(j, ":", 1);
        j->cafter_key = 1;
    } else if (j->rec_level >= 0) {
        size_t base = j->plen[j->rec_level];
        j->kpos[j->rec_level]++;
        j->nbuf = grow(j->nbuf, &j->ncap, base + n + 2, 1);
        memcpy(j->nbuf + base, s, n);
        j->nlen = base + n;
        j->nbuf[j->nlen] = '\0';
    } else {
        doc_key(j, (const char *)s, n);
    }
    return stop(j);
}

static void reset_state(tp_json *j);

static int
open_container(tp_json *j, char kind)
{
    if (j->xdepth) {
        j->xdepth++;
        if (j->xon)
            open_container(j->xon, kind);
        return fwd_done(j);
    }
    if (j->depth == 0 && !j->in_value) {
        j->in_value = 1;
        j->value_line = j->line;
    }
    if (j->depth + 1 >= MAXDEPTH) {
        tp_err(j->name, j->line, "JSON nested deeper than %d levels", MAXDEPTH - 1);
        j->fatal = 1;
        j->rc = -1;
        return 0;
    }
    if (j->cdepth > 0) {
        cvalue(j);
        cput(j, kind == 'm' ? "{" : "[", 1);
        j->ccomma[++j->cdepth] = 0;
    } else if (j->rec_level >= 0) {
        long x = kind == 'a' && j->nx ? explode_at(j) : -1;
        if (x >= 0) {
            /* an exploded array: its column is empty, its elements the records of its
             * reader, which reads it as a document of its own (the array) */
            emit(j, "", 0);
            j->xdepth = 1;
            j->xon = j->why[0] ? NULL : j->xto[x]; /* a bad record's elements: dropped */
            if (j->xon) {
                reset_state(j->xon);
                j->xon->line = j->line;
                open_container(j->xon, 'a');
            }
            return fwd_done(j);
        }
        if (kind == 'a') {
            j->cdepth = 1;
            j->ccomma[1] = 0;
            j->cafter_key = 0;
            j->clen = 0;
            cput(j, "[", 1);
        } else {
            /* a nested object: its keys are NAME.KEY */
            j->rec_level++;
            j->kpos[j->rec_level] = -1;
            j->nbuf = grow(j->nbuf, &j->ncap, j->nlen + 2, 1);
            j->nbuf[j->nlen] = '.';
            j->plen[j->rec_level] = j->nlen + 1;
        }
    } else if (kind == 'm' && (j->depth == j->elems_depth || (j->depth == 0 && !j->records))) {
        rec_begin(j);
    } else if (kind == 'a' && ((j->depth == 0 && !j->records) || at_records(j))) {
        if (at_records(j))
            j->found = 1;
        j->elems_depth = j->depth + 1;
    } else if (j->depth == j->elems_depth && j->values) {
        /* an array element that is an array: {"value": its compact JSON} */
        value_record(j);
        j->single = 1;
        j->cdepth = 1;
        j->ccomma[1] = 0;
        j->cafter_key = 0;
        j->clen = 0;
        cput(j, "[", 1);
    } else if (j->depth == j->elems_depth) {
        /* an array element that is not an object: a bad record, its content ignored */
        doc_scalar(j);
    }
    j->depth++;
    j->dkind[j->depth] = kind;
    if (j->rec_level < 0 && j->cdepth == 0)
        j->dlen[j->depth] = j->dlen[j->depth - 1];
    return stop(j);
}

static void
top_done(tp_json *j)
{
    j->in_value = 0;
    j->nvalues++;
    if (j->lines < 0)
        j->lines = j->value_line == j->line;
    if (j->records && !j->found && !j->fatal) {
        tp_err(j->name, j->value_line, "--records %s: no array of records at that path",
               j->records);
        j->fatal = 1;
        j->rc = -1;
    }
    j->found = 0;
}

static int
close_container(tp_json *j, char kind)
{
    if (j->xdepth) {
        if (j->xon) {
            j->xon->line = j->line;
            close_container(j->xon, kind);
        }
        if (--j->xdepth == 0) {
            int rc = fwd_done(j);
            j->xon = NULL;
            return rc;
        }
        return fwd_done(j);
    }
    j->depth--;
    if (j->cdepth > 0) {
        cput(j, kind == 'm' ? "}" : "]", 1);
        if (--j->cdepth == 0) {
            cdone(j);
            if (j->single) {
                j->single = 0;
                rec_end(j);
            }
        } else
            j->ccomma[j->cdepth] = 1;
    } else if (j->rec_level > 0) {
        j->rec_level--;
    } else if (j->rec_level == 0) {
        rec_end(j);
    } else if (j->depth + 1 == j->elems_depth) {
        j->elems_depth = -1;
    }
    if (j->depth == 0 && j->rc == 0)
        top_done(j);
    return stop(j);
}

static int
on_start_map(void *ctx)
{
    return open_container(ctx, 'm');
}

static int
on_end_map(void *ctx)
{
    return close_container(ctx, 'm');
}

static int
on_start_array(void *ctx)
{
    return open_container(ctx, 'a');
}

static int
on_end_array(void *ctx)
{
    return close_container(ctx, 'a');
}

static const yajl_callbacks callbacks = {
    on_null,      on_boolean, NULL,       NULL,           on_number,    on_string,
    on_start_map, on_map_key, on_end_map, on_start_array, on_end_array,
};

/* The parse state, to read a new value from its start. */
static void
reset_state(tp_json *j)
{
    j->depth = 0;
    j->rec_level = -1;
    j->elems_depth = -1;
    j->cdepth = 0;
    j->clen = 0;
    j->in_value = 0;
    j->found = 0;
    j->single = 0;
    j->why[0] = '\0';
    j->xdepth = 0;
    j->xon = NULL;
    j->rc = 0;
    j->fatal = 0;
}

static void
reset(tp_json *j)
{
    if (j->h)
        yajl_free(j->h);
    j->h = yajl_alloc(&callbacks, NULL, j);
    if (!j->h)
        tp_fatal(1, "out of memory");
    yajl_config(j->h, yajl_allow_multiple_values, 1);
    int rc = j->rc, fatal = j->fatal;
    reset_state(j);
    j->rc = rc;
    j->fatal = fatal;
}

void
tp_json_explode(tp_json *j, const char *path, tp_json *x)
{
    j->xpath = tp_xrealloc(j->xpath, (j->nx + 1) * sizeof *j->xpath);
    j->xto = tp_xrealloc(j->xto, (j->nx + 1) * sizeof *j->xto);
    j->xpath[j->nx] = tp_xstrdup(path);
    j->xto[j->nx++] = x;
}

void
tp_json_values(tp_json *j, int on)
{
    j->values = on;
}

void
tp_json_restart(tp_json *j)
{
    reset(j);
    j->line = 1;
    j->offset = 0;
    j->lines = -1;
    j->skip_line = 0;
    j->rc = 0;
    j->fatal = 0;
}

tp_json *
tp_json_new(const char *name, const char *records, const tp_json_cb *cb)
{
    tp_json *j = tp_xcalloc(1, sizeof *j);
    j->name = name ? tp_xstrdup(name) : NULL;
    j->records = records && *records ? tp_xstrdup(records) : NULL;
    if (cb)
        j->cb = *cb;
    j->cols = tp_map_new(0);
    j->plen = tp_xmalloc(MAXDEPTH * sizeof *j->plen);
    j->kpos = tp_xmalloc(MAXDEPTH * sizeof *j->kpos);
    j->ccomma = tp_xmalloc(MAXDEPTH);
    j->dlen = tp_xcalloc(MAXDEPTH, sizeof *j->dlen);
    j->dkind = tp_xcalloc(MAXDEPTH, 1);
    j->dn = 64;
    j->dbuf = tp_xmalloc(j->dn);
    j->line = 1;
    j->lines = -1;
    col_room(j);
    reset(j);
    return j;
}

void
tp_json_free(tp_json *j)
{
    if (!j)
        return;
    if (j->h)
        yajl_free(j->h);
    tp_map_free(j->cols);
    free(j->name);
    free(j->records);
    free(j->voff);
    free(j->vlen);
    free(j->vset);
    free(j->fp);
    free(j->fl);
    free(j->vbuf);
    free(j->nbuf);
    free(j->plen);
    free(j->kpos);
    free(j->pend);
    free(j->pbuf);
    free(j->cbuf);
    free(j->ccomma);
    free(j->dbuf);
    free(j->dlen);
    free(j->dkind);
    for (size_t k = 0; k < j->nx; k++)
        free(j->xpath[k]);
    free(j->xpath);
    free(j->xto);
    free(j);
}

/* yajl's message without its trailing newline. */
static void
yajl_message(tp_json *j, char *out, size_t cap)
{
    unsigned char *e = yajl_get_error(j->h, 0, NULL, 0);
    snprintf(out, cap, "%s", e ? (const char *)e : "invalid JSON");
    yajl_free_error(j->h, e);
    size_t n = strlen(out);
    while (n > 0 && (out[n - 1] == '\n' || out[n - 1] == ' ' || out[n - 1] == '.'))
        out[--n] = '\0';
}

/* A syntax error at byte at of the piece being fed. */
static int
syntax_error(tp_json *j, size_t at, int piece_ends_line)
{
    char m[200];
    yajl_message(j, m, sizeof m);
    /* JSON Lines (or a first value still on its first line): a bad record */
    if (j->lines == 1 || (j->lines < 0 && (!j->in_value || j->value_line == j->line))) {
        if (j->lines < 0)
            j->lines = 1;
        reset(j);
        j->recno++;
        rec_bad(j, NULL, "not JSON: %s", m);
        j->skip_line = !piece_ends_line;
        return report_bad(j, j->line);
    }
    /* yajl counts the byte at fault as consumed: its offset from the start, 0-based */
    tp_err(j->name, j->line, "not JSON: %s (byte %lld)", m,
           j->offset + (long long)(at > 0 ? at - 1 : 0));
    j->fatal = 1;
    return j->rc = -1;
}

static int
feed_piece(tp_json *j, const char *s, size_t n)
{
    int ends_line = n > 0 && s[n - 1] == '\n';
    if (j->skip_line) {
        j->skip_line = !ends_line;
        return 0;
    }
    yajl_status st = yajl_parse(j->h, (const unsigned char *)s, n);
    if (j->rc)
        return j->rc;
    if (st == yajl_status_error)
        return syntax_error(j, yajl_get_bytes_consumed(j->h), ends_line);
    if (ends_line && (j->in_value || j->depth > 0)) {
        if (j->lines < 0 && j->value_line == j->line)
            j->lines = 0; /* the first value goes on: one document */
        else if (j->lines == 1) {
            /* a JSON Lines value does not go on past its line */
            reset(j);
            j->recno++;
            rec_bad(j, NULL, "%s",
                    "not JSON: the value goes on after the end of its line (JSON Lines hold "
                    "one value a line)");
            return report_bad(j, j->line);
        }
    }
    return 0;
}

int
tp_json_feed(tp_json *j, const char *s, size_t n)
{
    const char *end = s + n;
    while (s < end && j->rc == 0) {
        const char *nl = memchr(s, '\n', (size_t)(end - s));
        const char *stop_at = nl ? nl + 1 : end;
        feed_piece(j, s, (size_t)(stop_at - s));
        j->offset += stop_at - s;
        if (nl)
            j->line++;
        s = stop_at;
    }
    return j->rc;
}

int
tp_json_end(tp_json *j)
{
    if (j->rc)
        return j->rc;
    if (j->skip_line)
        return 0;
    yajl_status st = yajl_complete_parse(j->h);
    if (j->rc)
        return j->rc;
    if (st == yajl_status_error || j->in_value || j->depth > 0) {
        char m[200];
        if (st == yajl_status_error)
            yajl_message(j, m, sizeof m);
        else
            snprintf(m, sizeof m, "premature EOF");
        if (j->lines == 1) {
            j->recno++;
            rec_bad(j, NULL, "not JSON: %s (the last line was cut short)", m);
            return report_bad(j, j->line);
        }
        tp_err(j->name, j->line, "not JSON: %s: the document was cut short (byte %lld)", m,
               j->offset);
        return j->rc = -1;
    }
    return 0;
}

static int
ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

int
tp_json_sniff(const char *path, const char *s, size_t n)
{
    static const char *const ext[] = {".json",    ".jsonl",    ".ndjson",
                                      ".json.gz", ".jsonl.gz", ".ndjson.gz"};
    for (size_t i = 0; path && i < sizeof ext / sizeof *ext; i++)
        if (ends_with(path, ext[i]))
            return 1;
    size_t i = n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n'))
        i++;
    if (i >= n || (s[i] != '{' && s[i] != '['))
        return 0;
    char open = s[i++];
    while (i < n && (s[i] == ' ' || s[i] == '\t' || s[i] == '\r' || s[i] == '\n'))
        i++;
    if (i >= n)
        return 0;
    return open == '{' ? s[i] == '"' || s[i] == '}' : s[i] == '{' || s[i] == ']';
}
