/*
 * Parquet writer (pqwrite.h): rows are parsed and buffered per column (definition bytes
 * and PLAIN-encoded values) for one row group; a full group is written column by
 * column, each column chunk as an optional dictionary page followed by v1 data pages of
 * about PAGE_BYTES, straight into the tp_out stream; the footer is built from what the
 * chunks recorded. Everything written is a function of the rows and the options: the
 * dictionary keeps insertion order, statistics are exact, codecs are deterministic.
 */
#include "pqwrite.h"
#include "version.h"

#include "bytes.h"
#include "err.h"
#include "io.h"
#include "map.h"
#include "pqcodec.h"
#include "pqenc.h"
#include "pqmeta.h"
#include "value.h"

#include <math.h>
#include <stdio.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* tp has no release number of its own yet; readers parse "NAME version X.Y.Z". */
#define CREATED_BY "tp version " TP_VERSION

enum {
    PAGE_BYTES = 1 << 20,  /* target uncompressed size of a data page's values */
    PAGE_ROWS = 1 << 20,   /* and its rows (num_values is an int32) */
    DICT_BYTES = 1 << 20,  /* a dictionary above this is given up for PLAIN */
    VALUE_MAX = 0x7fff0000 /* a string longer cannot be in a page (int32 sizes) */
};

struct pqcol {
    char *name;
    int kind;
    tp_bytes def; /* one byte per row of the group: 1 value, 0 null */
    tp_bytes val; /* the values, PLAIN (8 bytes LE; 1 byte per bool; 4-byte LE length + bytes) */
    size_t nval;
    int has_minmax;
    int64_t imin, imax;
    double dmin, dmax;
    int bmin, bmax;
    size_t smin, smax; /* offsets in val of the least and greatest string (at its length) */
};

union scratch {
    int64_t i;
    double d;
    int b;
};

struct tp_pq_writer {
    tp_out *out;
    char *path;
    size_t ncols;
    struct pqcol *cols;
    int codec;
    long long group_max;
    size_t max_bytes;
    long long group_rows, total_rows;
    size_t buffered;
    long long off; /* bytes handed to out */
    tp_pq_kv *kv;
    size_t nkv;
    tp_pq_rowgroup *rgs;
    size_t nrg, caprg;
    union scratch *sc;
    long bad_col; /* the column of the last refused value, -1 after an I/O error */
    tp_bytes body, comp, hdr;
    uint32_t *lv; /* levels or dictionary indices of a chunk */
    size_t lvcap;
};

int
tp_pq_kind(const char *type)
{
    static const char *const names[] = {"int64", "float64", "bool", "object"};
    for (int i = 0; i < 4; i++)
        if (strcmp(type, names[i]) == 0)
            return i; /* TP_PQW_INT64 .. TP_PQW_STRING in that order */
    return -1;
}

int
tp_pq_codec_parse(const char *name)
{
    static const struct {
        const char *name;
        int codec;
    } t[] = {{"snappy", TP_PQ_SNAPPY},
             {"zstd", TP_PQ_ZSTD},
             {"gzip", TP_PQ_GZIP},
             {"none", TP_PQ_UNCOMPRESSED}};
    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
        if (strcasecmp(name, t[i].name) == 0)
            return t[i].codec;
    return -1;
}

static void
put_le32(uint8_t *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}

static void
put_le64(uint8_t *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(v >> (8 * i));
}


static uint64_t
dbits(double d)
{
    uint64_t u;
    memcpy(&u, &d, sizeof u);
    return u;
}

static int
write_bytes(tp_pq_writer *w, const void *p, size_t n)
{
    if (tp_out_write(w->out, p, n) < 0)
        return -1;
    w->off += (long long)n;
    return 0;
}

tp_pq_writer *
tp_pq_writer_open(const char *path, size_t ncols, const char *const *names, const int *kinds,
                  int codec, long long row_group_rows, size_t max_bytes, const char *const *kv_keys,
                  const char *const *kv_values, size_t nkv)
{
    if (row_group_rows < 1 || max_bytes < 1 ||
        (codec != TP_PQ_UNCOMPRESSED && codec != TP_PQ_SNAPPY && codec != TP_PQ_GZIP &&
         codec != TP_PQ_ZSTD)) {
        tp_err(path, 0, "bad Parquet writer options");
        return NULL;
    }
    for (size_t i = 0; i < ncols; i++)
        if (kinds[i] < TP_PQW_INT64 || kinds[i] > TP_PQW_STRING) {
            tp_err(path, 0, "column '%s': no Parquet type for kind %d", names[i], kinds[i]);
            return NULL;
        }
    tp_out *o = tp_out_open(path, 0);
    if (!o)
        return NULL;
    tp_pq_writer *w = tp_xcalloc(1, sizeof *w);
    w->out = o;
    w->path = tp_xstrdup(path);
    w->ncols = ncols;
    w->cols = tp_xcalloc(ncols ? ncols : 1, sizeof *w->cols);
    w->sc = tp_xcalloc(ncols ? ncols : 1, sizeof *w->sc);
    for (size_t i = 0; i < ncols; i++) {
        w->cols[i].name = tp_xstrdup(names[i]);
        w->cols[i].kind = kinds[i];
    }
    w->codec = codec;
    w->bad_col = -1;
    w->group_max = row_group_rows;
    w->max_bytes = max_bytes;
    w->nkv = nkv;
    w->kv = tp_xcalloc(nkv ? nkv : 1, sizeof *w->kv);
    for (size_t i = 0; i < nkv; i++) {
        w->kv[i].key = tp_xstrdup(kv_keys[i]);
        w->kv[i].value = kv_values[i] ? tp_xstrdup(kv_values[i]) : NULL;
    }
    if (write_bytes(w, "PAR1", 4) < 0) {
        tp_pq_writer_abort(w);
        return NULL;
    }
    return w;
}

/* PLAIN bytes of a statistics value (no length prefix). */
static void
stat_value(const struct pqcol *c, int max, uint8_t **p, size_t *n)
{
    uint8_t *b;
    switch (c->kind) {
    case TP_PQW_INT64:
        b = tp_xmalloc(8);
        put_le64(b, (uint64_t)(max ? c->imax : c->imin));
        *n = 8;
        break;
    case TP_PQW_DOUBLE: {
        /* parquet.thrift, ColumnOrder: a zero min is written -0.0, a zero max +0.0 */
        double d = max ? c->dmax : c->dmin;
        if (d == 0)
            d = max ? 0.0 : -0.0;
        b = tp_xmalloc(8);
        put_le64(b, dbits(d));
        *n = 8;
        break;
    }
    case TP_PQW_BOOL:
        b = tp_xmalloc(1);
        b[0] = (uint8_t)(max ? c->bmax : c->bmin);
        *n = 1;
        break;
    default: {
        size_t at = max ? c->smax : c->smin;
        uint32_t len = tp_le32(c->val.p + at);
        b = (uint8_t *)tp_xmemdup((const char *)c->val.p + at + 4, len);
        *n = len;
        break;
    }
    }
    *p = b;
}

/* Byte-wise unsigned comparison of two strings in val (offsets at their lengths). */
static int
str_cmp(const uint8_t *a, const uint8_t *b)
{
    uint32_t la = tp_le32(a), lb = tp_le32(b);
    int r = memcmp(a + 4, b + 4, la < lb ? la : lb);
    return r ? r : (la > lb) - (la < lb);
}

/*
 * Append one page (header then the stored bytes of w->body) to the file; *usize gets
 * the header plus uncompressed body size. 0 or -1.
 */
static int
emit_page(tp_pq_writer *w, tp_pq_page *h, long long *usize)
{
    if (w->body.len > INT32_MAX) {
        tp_err(w->path, 0, "a Parquet page of %zu bytes is too large", w->body.len);
        return -1;
    }
    const tp_bytes *stored = &w->body;
    if (w->codec != TP_PQ_UNCOMPRESSED) {
        w->comp.len = 0;
        if (tp_pq_compress(w->codec, w->body.p, w->body.len, &w->comp) < 0) {
            char msg[1024];
            snprintf(msg, sizeof msg, "%s", tp_errmsg());
            tp_err(w->path, 0, "%s", msg);
            return -1;
        }
        if (w->comp.len > INT32_MAX) {
            tp_err(w->path, 0, "a compressed Parquet page of %zu bytes is too large", w->comp.len);
            return -1;
        }
        stored = &w->comp;
    }
    h->uncompressed_page_size = (int32_t)w->body.len;
    h->compressed_page_size = (int32_t)stored->len;
    w->hdr.len = 0;
    tp_pq_page_encode(h, &w->hdr);
    if (write_bytes(w, w->hdr.p, w->hdr.len) < 0 || write_bytes(w, stored->p, stored->len) < 0)
        return -1;
    *usize += (long long)(w->hdr.len + w->body.len);
    return 0;
}

static uint32_t *
lv_room(tp_pq_writer *w, size_t n)
{
    if (w->lvcap < n) {
        w->lvcap = n;
        w->lv = tp_xrealloc(w->lv, n * sizeof *w->lv);
    }
    return w->lv;
}

/*
 * Dictionary for the string column c: indices into w->lv, the dictionary page body
 * into w->body. Returns the bit width of the indices, or 0 when the dictionary does not
 * pay (too large, or not smaller than the PLAIN values).
 */
static int
build_dict(tp_pq_writer *w, const struct pqcol *c, size_t *ndict)
{
    if (c->nval == 0)
        return 0;
    uint32_t *idx = lv_room(w, c->nval);
    tp_map *m = tp_map_new(sizeof(uint32_t));
    size_t dict_bytes = 0, off = 0;
    int ok = 1;
    for (size_t k = 0; k < c->nval; k++) {
        uint32_t len = tp_le32(c->val.p + off);
        int created;
        uint32_t *slot = tp_map_put(m, c->val.p + off + 4, len, &created);
        if (created) {
            *slot = (uint32_t)(tp_map_size(m) - 1);
            dict_bytes += 4 + (size_t)len;
            if (dict_bytes > DICT_BYTES) {
                ok = 0;
                break;
            }
        }
        idx[k] = *slot;
        off += 4 + (size_t)len;
    }
    int bw = 0;
    if (ok) {
        *ndict = tp_map_size(m);
        bw = tp_pq_bit_width(*ndict - 1);
        if (bw < 1)
            bw = 1;
        if (dict_bytes + 1 + (c->nval * (size_t)bw + 7) / 8 >= c->val.len)
            bw = 0;
    }
    if (bw) {
        w->body.len = 0;
        for (size_t i = 0; i < *ndict; i++) {
            size_t n;
            const char *k = tp_map_key(m, i, &n);
            uint8_t *p = tp_bytes_reserve(&w->body, 4);
            put_le32(p, (uint32_t)n);
            w->body.len += 4;
            tp_bytes_put(&w->body, k, n);
        }
    }
    tp_map_free(m);
    return bw;
}

/* Write column c's chunk of the current group; fill ch. 0 or -1. */
static int
write_chunk(tp_pq_writer *w, struct pqcol *c, tp_pq_chunk *ch)
{
    static const int ptype[] = {TP_PQ_INT64, TP_PQ_DOUBLE, TP_PQ_BOOLEAN, TP_PQ_BYTE_ARRAY};
    tp_pq_colmeta *cm = &ch->meta;
    size_t nrows = c->def.len, ndict = 0;
    long long start = w->off, usize = 0;
    int bw = c->kind == TP_PQW_STRING ? build_dict(w, c, &ndict) : 0;

    ch->file_offset = start;
    ch->has_meta = 1;
    cm->type = ptype[c->kind];
    cm->path = tp_xmalloc(sizeof *cm->path);
    cm->path[0] = c->name; /* owned by the column */
    cm->npath = 1;
    cm->codec = w->codec;
    cm->num_values = (int64_t)nrows;
    cm->encodings = tp_xmalloc(3 * sizeof *cm->encodings);
    cm->encodings[0] = TP_PQ_PLAIN;
    cm->encodings[1] = TP_PQ_RLE;
    cm->nencodings = 2;
    if (bw) {
        cm->encodings[cm->nencodings++] = TP_PQ_RLE_DICTIONARY;
        cm->has_dictionary_page_offset = 1;
        cm->dictionary_page_offset = start;
        tp_pq_page h = {0};
        h.type = TP_PQ_DICTIONARY_PAGE;
        h.num_values = (int32_t)ndict;
        h.encoding = TP_PQ_PLAIN;
        if (emit_page(w, &h, &usize) < 0)
            return -1;
    }
    cm->data_page_offset = w->off;

    size_t r = 0, v = 0, off = 0;
    const uint8_t *def = c->def.p;
    uint32_t *levels = NULL;
    size_t levcap = 0;
    if (nrows == 0)
        return 0;
    do {
        size_t r0 = r, v0 = v, off0 = off, est = 0;
        while (r < nrows && est < PAGE_BYTES && r - r0 < PAGE_ROWS) {
            if (def[r]) {
                size_t sz = c->kind == TP_PQW_STRING ? 4 + (size_t)tp_le32(c->val.p + off)
                            : c->kind == TP_PQW_BOOL ? 1
                                                     : 8;
                est += bw ? 4 : sz;
                off += sz;
                v++;
            }
            r++;
        }
        /* definition levels: RLE hybrid at width 1 after a 4-byte LE length */
        w->body.len = 0;
        tp_bytes_reserve(&w->body, 4);
        w->body.len = 4;
        if (r - r0 > levcap) { /* (w->lv holds the dictionary indices) */
            levcap = r - r0;
            levels = tp_xrealloc(levels, levcap * sizeof *levels);
        }
        for (size_t i = r0; i < r; i++)
            levels[i - r0] = def[i];
        tp_pq_rle_encode(levels, r - r0, 1, &w->body);
        put_le32(w->body.p, (uint32_t)(w->body.len - 4));
        if (bw) {
            tp_bytes_byte(&w->body, (uint8_t)bw);
            tp_pq_rle_encode(w->lv + v0, v - v0, bw, &w->body);
        } else if (c->kind == TP_PQW_BOOL) {
            uint8_t *p = tp_bytes_reserve(&w->body, (v - v0 + 7) / 8);
            memset(p, 0, (v - v0 + 7) / 8);
            for (size_t i = v0; i < v; i++)
                if (c->val.p[i])
                    p[(i - v0) / 8] |= (uint8_t)(1u << ((i - v0) % 8));
            w->body.len += (v - v0 + 7) / 8;
        } else if (off > off0) { /* (val.p is NULL while no value was buffered) */
            tp_bytes_put(&w->body, c->val.p + off0, off - off0);
        }
        tp_pq_page h = {0};
        h.type = TP_PQ_DATA_PAGE;
        h.num_values = (int32_t)(r - r0);
        h.encoding = bw ? TP_PQ_RLE_DICTIONARY : TP_PQ_PLAIN;
        h.def_encoding = TP_PQ_RLE;
        h.rep_encoding = TP_PQ_RLE;
        if (emit_page(w, &h, &usize) < 0) {
            free(levels);
            return -1;
        }
    } while (r < nrows);
    free(levels);

    cm->total_uncompressed_size = usize;
    cm->total_compressed_size = w->off - start;
    cm->has_stats = 1;
    cm->stats.has_null_count = 1;
    cm->stats.null_count = (int64_t)(nrows - c->nval);
    if (c->has_minmax) {
        uint8_t *p;
        stat_value(c, 0, &p, &cm->stats.min_len);
        cm->stats.min = p;
        stat_value(c, 1, &p, &cm->stats.max_len);
        cm->stats.max = p;
        cm->stats.has_min = cm->stats.has_max = 1;
    }
    return 0;
}

static void
free_chunk(tp_pq_chunk *ch)
{
    free(ch->meta.path);
    free(ch->meta.encodings);
    free((void *)ch->meta.stats.min);
    free((void *)ch->meta.stats.max);
}

/* Write the buffered row group, then empty the buffers. 0 or -1. */
static int
flush_group(tp_pq_writer *w)
{
    if (w->group_rows == 0)
        return 0;
    if (w->nrg == w->caprg) {
        w->caprg = w->caprg ? 2 * w->caprg : 8;
        w->rgs = tp_xrealloc(w->rgs, w->caprg * sizeof *w->rgs);
    }
    tp_pq_rowgroup *rg = &w->rgs[w->nrg++];
    memset(rg, 0, sizeof *rg);
    rg->columns = tp_xcalloc(w->ncols ? w->ncols : 1, sizeof *rg->columns);
    rg->ncolumns = w->ncols;
    rg->num_rows = w->group_rows;
    for (size_t i = 0; i < w->ncols; i++) {
        struct pqcol *c = &w->cols[i];
        if (write_chunk(w, c, &rg->columns[i]) < 0)
            return -1;
        rg->total_byte_size += rg->columns[i].meta.total_uncompressed_size;
        c->def.len = c->val.len = 0;
        /* memory goes back after a large group: the bound is on what is buffered */
        if (c->val.cap > (1u << 20))
            tp_bytes_free(&c->val);
        if (c->def.cap > (1u << 20))
            tp_bytes_free(&c->def);
        c->nval = 0;
        c->has_minmax = 0;
    }
    w->group_rows = 0;
    w->buffered = 0;
    return 0;
}

int
tp_pq_writer_row(tp_pq_writer *w, const char *const *f, const size_t *len)
{
    static const char *const kname[] = {"an int64", "a float64", "a bool"};
    /* parse the whole row first: a bad value leaves the writer as it was */
    for (size_t i = 0; i < w->ncols; i++) {
        struct pqcol *c = &w->cols[i];
        if (tp_is_missing(f[i], len[i]))
            continue;
        int bad = 0;
        switch (c->kind) {
        case TP_PQW_INT64:
            bad = tp_parse_int64(f[i], len[i], &w->sc[i].i) < 0;
            break;
        case TP_PQW_DOUBLE:
            bad = tp_parse_double(f[i], len[i], &w->sc[i].d) < 0;
            break;
        case TP_PQW_BOOL:
            bad = tp_parse_bool(f[i], len[i], &w->sc[i].b) < 0;
            break;
        default:
            if (len[i] > VALUE_MAX) {
                tp_err(NULL, 0, "column '%s': a value of %zu bytes is too long for Parquet",
                       c->name, len[i]);
                w->bad_col = (long)i;
                return -1;
            }
        }
        if (bad) {
            tp_err(NULL, 0, "column '%s': not %s: '%.900s'", c->name, kname[c->kind], f[i]);
            w->bad_col = (long)i;
            return -1;
        }
    }
    for (size_t i = 0; i < w->ncols; i++) {
        struct pqcol *c = &w->cols[i];
        size_t before = c->val.len;
        if (tp_is_missing(f[i], len[i])) {
            tp_bytes_byte(&c->def, 0);
            w->buffered++;
            continue;
        }
        tp_bytes_byte(&c->def, 1);
        int first = !c->has_minmax;
        switch (c->kind) {
        case TP_PQW_INT64: {
            int64_t x = w->sc[i].i;
            put_le64(tp_bytes_reserve(&c->val, 8), (uint64_t)x);
            c->val.len += 8;
            if (first || x < c->imin)
                c->imin = x;
            if (first || x > c->imax)
                c->imax = x;
            c->has_minmax = 1;
            break;
        }
        case TP_PQW_DOUBLE: {
            double x = w->sc[i].d;
            put_le64(tp_bytes_reserve(&c->val, 8), dbits(x));
            c->val.len += 8;
            if (!isnan(x)) { /* NaN never goes into the statistics */
                if (first || x < c->dmin)
                    c->dmin = x;
                if (first || x > c->dmax)
                    c->dmax = x;
                c->has_minmax = 1;
            }
            break;
        }
        case TP_PQW_BOOL: {
            int x = w->sc[i].b;
            tp_bytes_byte(&c->val, (uint8_t)x);
            if (first || x < c->bmin)
                c->bmin = x;
            if (first || x > c->bmax)
                c->bmax = x;
            c->has_minmax = 1;
            break;
        }
        default:
            put_le32(tp_bytes_reserve(&c->val, 4), (uint32_t)len[i]);
            c->val.len += 4;
            tp_bytes_put(&c->val, f[i], len[i]);
            if (first || str_cmp(c->val.p + before, c->val.p + c->smin) < 0)
                c->smin = before;
            if (first || str_cmp(c->val.p + before, c->val.p + c->smax) > 0)
                c->smax = before;
            c->has_minmax = 1;
        }
        c->nval++;
        w->buffered += 1 + (c->val.len - before);
    }
    w->bad_col = -1;
    w->group_rows++;
    w->total_rows++;
    if (w->group_rows >= w->group_max || w->buffered >= w->max_bytes)
        return flush_group(w);
    return 0;
}

static void
free_writer(tp_pq_writer *w)
{
    for (size_t g = 0; g < w->nrg; g++) {
        for (size_t i = 0; i < w->rgs[g].ncolumns; i++)
            free_chunk(&w->rgs[g].columns[i]);
        free(w->rgs[g].columns);
    }
    free(w->rgs);
    for (size_t i = 0; i < w->ncols; i++) {
        free(w->cols[i].name);
        tp_bytes_free(&w->cols[i].def);
        tp_bytes_free(&w->cols[i].val);
    }
    for (size_t i = 0; i < w->nkv; i++) {
        free(w->kv[i].key);
        free(w->kv[i].value);
    }
    free(w->kv);
    free(w->cols);
    free(w->sc);
    free(w->lv);
    tp_bytes_free(&w->body);
    tp_bytes_free(&w->comp);
    tp_bytes_free(&w->hdr);
    free(w->path);
    free(w);
}

size_t
tp_pq_writer_buffered(const tp_pq_writer *w)
{
    return w->buffered;
}

int
tp_pq_writer_flush(tp_pq_writer *w)
{
    return flush_group(w);
}

int
tp_pq_writer_commit(tp_pq_writer *w)
{
    static char root[] = "schema", created_by[] = CREATED_BY;
    if (flush_group(w) < 0) {
        tp_pq_writer_abort(w);
        return -1;
    }
    tp_pq_meta m = {0};
    m.version = 2; /* RLE_DICTIONARY data pages are a format 2 encoding */
    m.nschema = w->ncols + 1;
    m.schema = tp_xcalloc(m.nschema, sizeof *m.schema);
    for (size_t i = 0; i < m.nschema; i++) {
        tp_pq_schema *s = &m.schema[i];
        s->converted = TP_PQ_CT_NONE;
        s->logical = TP_PQ_LT_NONE;
        if (i == 0) {
            s->name = root;
            s->type = -1;
            s->repetition = TP_PQ_REP_NONE;
            s->num_children = (int32_t)w->ncols;
            continue;
        }
        const struct pqcol *c = &w->cols[i - 1];
        static const int ptype[] = {TP_PQ_INT64, TP_PQ_DOUBLE, TP_PQ_BOOLEAN, TP_PQ_BYTE_ARRAY};
        s->name = c->name;
        s->type = ptype[c->kind];
        s->repetition = TP_PQ_OPTIONAL;
        if (c->kind == TP_PQW_STRING) {
            s->converted = TP_PQ_CT_UTF8;
            s->logical = TP_PQ_LT_STRING;
        }
    }
    m.num_rows = w->total_rows;
    m.row_groups = w->rgs;
    m.nrow_groups = w->nrg;
    m.kv = w->kv;
    m.nkv = w->nkv;
    m.created_by = created_by;
    m.ncolumn_orders = w->ncols;
    tp_bytes foot = {0};
    tp_pq_meta_encode(&m, &foot);
    free(m.schema);
    uint8_t tail[8];
    put_le32(tail, (uint32_t)foot.len);
    memcpy(tail + 4, "PAR1", 4);
    int rc =
        foot.len > UINT32_MAX || write_bytes(w, foot.p, foot.len) < 0 || write_bytes(w, tail, 8) < 0
            ? -1
            : 0;
    tp_bytes_free(&foot);
    if (rc < 0) {
        tp_pq_writer_abort(w);
        return -1;
    }
    rc = tp_out_commit(w->out, NULL);
    w->out = NULL;
    free_writer(w);
    return rc;
}

void
tp_pq_writer_abort(tp_pq_writer *w)
{
    if (!w)
        return;
    tp_out_abort(w->out);
    free_writer(w);
}

long long
tp_pq_writer_bytes(const tp_pq_writer *w)
{
    return w->off;
}

long
tp_pq_writer_bad_column(const tp_pq_writer *w)
{
    return w->bad_col;
}
