/*
 * Parquet row reader (pqread.h). The schema becomes a tree of nodes with their maximum
 * definition and repetition levels; each leaf has a cursor that walks its column chunk
 * page by page (pread, CRC check, decompression, levels, values) and yields
 * (repetition, definition, value) triples. A flat output column takes one triple per
 * row from its leaf; a JSON column gathers the row's triples of every leaf below it and
 * assembles the nested value from the levels (Dremel record assembly).
 */
#include "pqread.h"

#include "bytes.h"
#include "err.h"
#include "pqcodec.h"
#include "pqenc.h"
#include "pqmeta.h"
#include "pqvalue.h"
#include "value.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

/* Level entries one page may declare: bounds the level and index arrays of a page. */
enum { PAGE_VALUES_MAX = 1 << 24 };
/*
 * Bytes of the arrays sized by a page's entry count (levels, dictionary indices,
 * values decoded from DELTA and RLE encodings) that all columns together may hold: a
 * page's entries cost next to nothing in the file (an RLE run of 2^24 nulls is a few
 * bytes), so every column of a small file could otherwise claim PAGE_VALUES_MAX of them.
 */
enum { HELD_MAX = 128 << 20 };
/* Schema nesting tp reads: levels fit a byte, and the paths (every node's is its
 * ancestors' names joined) and the recursions over the tree stay small. */
enum { DEPTH_MAX = 100 };
/* Bytes of a DECIMAL held in a byte array that tp renders. */
enum { DECIMAL_BYTES_MAX = 128 };

/* How a leaf's values become text. */
enum {
    K_BOOL,
    K_I32,
    K_U32,
    K_I64,
    K_U64,
    K_FLOAT,
    K_DOUBLE,
    K_F16,
    K_DEC32,
    K_DEC64,
    K_DECBE,
    K_DATE,
    K_TIME32,
    K_TIME64,
    K_TS,
    K_INT96,
    K_UUID,
    K_STRING,
    K_BINARY
};

struct node {
    const tp_pq_schema *el;
    struct node *parent;
    struct node **child;
    size_t nchild;
    int def, rep; /* maximum levels at this node */
    int depth;    /* 0 for the root */
    long leaf;    /* index in r->leaf, or -1 for a group */
    size_t first_leaf, nleaves;
    char *path;
};

/* The triples of one row of a leaf under a JSON column. */
struct rowlev {
    uint8_t *def, *rep;
    size_t *off, *len; /* value text in txt */
    uint8_t *quote;    /* the value is a JSON string */
    size_t n, cap, cur;
    tp_bytes txt;
};

struct leaf {
    struct node *node;
    const tp_pq_schema *el;
    int type, kind, width; /* width: bytes of a fixed-size value, 0 for BYTE_ARRAY */
    int scale, unit;
    int max_def, max_rep;

    /* column chunk */
    int codec;
    uint64_t pos, end;
    long long values_left;
    long rg;

    /* page */
    tp_bytes raw, dec;
    uint8_t *def, *rep; /* NULL when the maximum level is 0: all 0 */
    uint32_t *idx;
    size_t levcap, idxcap, scratchcap, vstorecap;
    size_t nlev, lev_i;
    const uint8_t *vfix;
    tp_bytes scratch;
    const uint8_t **vptr;
    uint32_t *vlen;
    size_t vcap;
    tp_bytes vstore;
    size_t *voff;
    size_t voffcap;
    size_t nval, val_i;
    int dict_enc; /* values are dictionary indices */

    /* dictionary */
    int has_dict;
    tp_bytes dictbuf;
    size_t ndict;
    const uint8_t **dptr;
    uint32_t *dlen;

    struct rowlev rl;
};

struct column {
    char *name;
    struct node *node; /* a leaf (flat) or the root of a JSON value */
    int json;
    const char *type;
};

struct tp_pq_reader {
    int fd;
    long long size;
    char *name;
    tp_pq_meta meta;
    struct node *nodes;
    size_t nnodes;
    struct leaf *leaf;
    size_t nleaf;
    struct column *col;
    size_t ncol, colcap;
    long rg;           /* current row group, -1 before the first */
    long long rg_left; /* rows left in it */
    long long rows;

    tp_bytes rowtxt;
    size_t *off, *len;
    const char **fp;
    tp_bytes tmp;
    uint32_t *lev32; /* levels as decoded, before they are checked and narrowed */
    size_t lev32cap;
    size_t held; /* bytes of the arrays HELD_MAX bounds */
    const char *bad, *badcol;
    char why[200];
};

static void
cerr(tp_pq_reader *r, const char *col, const char *fmt, const char *a)
{
    char m[1100];
    snprintf(m, sizeof m, fmt, a);
    if (col)
        tp_err(r->name, 0, "column '%s': %s", col, m);
    else
        tp_err(r->name, 0, "%s", m);
}

/* The message a pq* module recorded, prefixed with file and column. */
static void
lib_err(tp_pq_reader *r, const char *col)
{
    char m[1024];
    size_t n = strlen(tp_errmsg());
    n = n < sizeof m - 1 ? n : sizeof m - 1;
    memcpy(m, tp_errmsg(), n);
    m[n] = '\0';
    cerr(r, col, "%s", m);
}

static int
read_at(tp_pq_reader *r, uint64_t off, size_t n, uint8_t *buf)
{
    size_t got = 0;
    while (got < n) {
        ssize_t k = pread(r->fd, buf + got, n - got, (off_t)(off + got));
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0) {
            tp_err(r->name, 0, "read error:");
            return -1;
        }
        if (k == 0) {
            tp_err(r->name, 0, "file ends early (truncated?)");
            return -1;
        }
        got += (size_t)k;
    }
    return 0;
}


static const char *
enc_name(int e)
{
    static const char *const n[] = {
        "PLAIN",          "GROUP_VAR_INT",       "PLAIN_DICTIONARY",        "RLE",
        "BIT_PACKED",     "DELTA_BINARY_PACKED", "DELTA_LENGTH_BYTE_ARRAY", "DELTA_BYTE_ARRAY",
        "RLE_DICTIONARY", "BYTE_STREAM_SPLIT"};
    return e >= 0 && e < (int)(sizeof n / sizeof *n) ? n[e] : NULL;
}

static const char *
type_name(int t)
{
    static const char *const n[] = {"BOOLEAN", "INT32",  "INT64",      "INT96",
                                    "FLOAT",   "DOUBLE", "BYTE_ARRAY", "FIXED_LEN_BYTE_ARRAY"};
    return t >= 0 && t < 8 ? n[t] : "?";
}

/* ---- schema ---- */

static int
is_list(const tp_pq_schema *e)
{
    return e->logical == TP_PQ_LT_LIST || e->converted == TP_PQ_CT_LIST;
}

static int
is_map(const tp_pq_schema *e)
{
    return e->logical == TP_PQ_LT_MAP || e->converted == TP_PQ_CT_MAP ||
           e->converted == TP_PQ_CT_MAP_KEY_VALUE;
}

/* Has the subtree a repeated field? */
static int
has_repetition(const struct node *n)
{
    if (n->el->repetition == TP_PQ_REPEATED || is_list(n->el) || is_map(n->el))
        return 1;
    for (size_t i = 0; i < n->nchild; i++)
        if (has_repetition(n->child[i]))
            return 1;
    return 0;
}

/* The rendering kind of a leaf, or -1 with an error. */
static int
leaf_kind(tp_pq_reader *r, struct leaf *L)
{
    const tp_pq_schema *e = L->el;
    int t = e->type, lt = e->logical, ct = e->converted;
    const char *col = L->node->path;
    L->width = t == TP_PQ_INT32 || t == TP_PQ_FLOAT    ? 4
               : t == TP_PQ_INT64 || t == TP_PQ_DOUBLE ? 8
               : t == TP_PQ_INT96                      ? 12
               : t == TP_PQ_BOOLEAN                    ? 1
                                                       : 0;
    if (t == TP_PQ_FIXED_LEN_BYTE_ARRAY) {
        if (e->type_length <= 0 || e->type_length > (1 << 20)) {
            char b[32];
            snprintf(b, sizeof b, "%d", (int)e->type_length);
            cerr(r, col, "FIXED_LEN_BYTE_ARRAY of length %s", b);
            return -1;
        }
        L->width = e->type_length;
    }
    int k = -1;
    const char *what = NULL;
    if (lt == TP_PQ_LT_DECIMAL || ct == TP_PQ_CT_DECIMAL) {
        L->scale = lt == TP_PQ_LT_DECIMAL ? e->lt_scale : e->scale;
        what = "DECIMAL";
        if (L->scale < 0 || L->scale > 100) {
            cerr(r, col, "DECIMAL scale %s is not supported",
                 L->scale < 0 ? "below 0" : "above 100");
            return -1;
        }
        k = t == TP_PQ_INT32                                           ? K_DEC32
            : t == TP_PQ_INT64                                         ? K_DEC64
            : t == TP_PQ_BYTE_ARRAY || t == TP_PQ_FIXED_LEN_BYTE_ARRAY ? K_DECBE
                                                                       : -1;
    } else if (lt == TP_PQ_LT_DATE || ct == TP_PQ_CT_DATE) {
        what = "DATE";
        k = t == TP_PQ_INT32 ? K_DATE : -1;
    } else if (lt == TP_PQ_LT_TIME || ct == TP_PQ_CT_TIME_MILLIS || ct == TP_PQ_CT_TIME_MICROS) {
        what = "TIME";
        L->unit = lt == TP_PQ_LT_TIME          ? e->lt_unit
                  : ct == TP_PQ_CT_TIME_MILLIS ? TP_PQ_MILLIS
                                               : TP_PQ_MICROS;
        k = t == TP_PQ_INT32 && L->unit == TP_PQ_MILLIS                               ? K_TIME32
            : t == TP_PQ_INT64 && (L->unit == TP_PQ_MICROS || L->unit == TP_PQ_NANOS) ? K_TIME64
                                                                                      : -1;
    } else if (lt == TP_PQ_LT_TIMESTAMP || ct == TP_PQ_CT_TIMESTAMP_MILLIS ||
               ct == TP_PQ_CT_TIMESTAMP_MICROS) {
        what = "TIMESTAMP";
        L->unit = lt == TP_PQ_LT_TIMESTAMP          ? e->lt_unit
                  : ct == TP_PQ_CT_TIMESTAMP_MILLIS ? TP_PQ_MILLIS
                                                    : TP_PQ_MICROS;
        k = t == TP_PQ_INT64 && L->unit >= TP_PQ_MILLIS && L->unit <= TP_PQ_NANOS ? K_TS
            : t == TP_PQ_INT96                                                    ? K_INT96
                                                                                  : -1;
    } else if (lt == TP_PQ_LT_INTEGER || (ct >= TP_PQ_CT_UINT_8 && ct <= TP_PQ_CT_INT_64)) {
        what = "INTEGER";
        int sign = lt == TP_PQ_LT_INTEGER ? e->lt_signed : ct >= TP_PQ_CT_INT_8;
        k = t == TP_PQ_INT32   ? (sign ? K_I32 : K_U32)
            : t == TP_PQ_INT64 ? (sign ? K_I64 : K_U64)
                               : -1;
    } else if (lt == TP_PQ_LT_UUID) {
        what = "UUID";
        k = t == TP_PQ_FIXED_LEN_BYTE_ARRAY && L->width == 16 ? K_UUID : -1;
    } else if (lt == TP_PQ_LT_FLOAT16) {
        what = "FLOAT16";
        k = t == TP_PQ_FIXED_LEN_BYTE_ARRAY && L->width == 2 ? K_F16 : -1;
    } else if (lt == TP_PQ_LT_STRING || lt == TP_PQ_LT_ENUM || lt == TP_PQ_LT_JSON ||
               ct == TP_PQ_CT_UTF8 || ct == TP_PQ_CT_ENUM || ct == TP_PQ_CT_JSON) {
        what = "STRING";
        k = t == TP_PQ_BYTE_ARRAY || t == TP_PQ_FIXED_LEN_BYTE_ARRAY ? K_STRING : -1;
    } else {
        switch (t) {
        case TP_PQ_BOOLEAN:
            k = K_BOOL;
            break;
        case TP_PQ_INT32:
            k = K_I32;
            break;
        case TP_PQ_INT64:
            k = K_I64;
            break;
        case TP_PQ_INT96:
            k = K_INT96;
            break;
        case TP_PQ_FLOAT:
            k = K_FLOAT;
            break;
        case TP_PQ_DOUBLE:
            k = K_DOUBLE;
            break;
        case TP_PQ_BYTE_ARRAY:
        case TP_PQ_FIXED_LEN_BYTE_ARRAY:
            k = K_BINARY;
            break;
        default: {
            char b[32];
            snprintf(b, sizeof b, "%d", t);
            cerr(r, col, "unknown physical type %s", b);
            return -1;
        }
        }
    }
    if (k < 0) {
        char m[96];
        snprintf(m, sizeof m, "%s annotation on %s is not valid", what, type_name(t));
        cerr(r, col, "%s", m);
        return -1;
    }
    L->kind = k;
    return 0;
}

static char *
join_path(const char *a, const char *b)
{
    if (!a || !*a)
        return tp_xstrdup(b);
    size_t n = strlen(a), m = strlen(b);
    char *s = tp_xmalloc(n + m + 2);
    memcpy(s, a, n);
    s[n] = '.';
    memcpy(s + n + 1, b, m + 1);
    return s;
}

/* Build the node tree from the depth-first schema list. */
static int
build_tree(tp_pq_reader *r)
{
    const tp_pq_meta *m = &r->meta;
    if (m->nschema == 0 || m->schema[0].num_children < 0) {
        cerr(r, NULL, "%s", "footer: empty schema");
        return -1;
    }
    r->nnodes = m->nschema;
    r->nodes = tp_xcalloc(m->nschema, sizeof *r->nodes);
    /* a stack of groups whose children are being read */
    size_t *stack = tp_xmalloc(m->nschema * sizeof *stack);
    size_t *left = tp_xmalloc(m->nschema * sizeof *left);
    size_t sp = 0, nleaf = 0;
    int rc = 0;
    for (size_t i = 0; i < m->nschema && rc == 0; i++) {
        struct node *n = &r->nodes[i];
        n->el = &m->schema[i];
        n->leaf = -1;
        if (i > 0) {
            while (sp > 0 && left[sp - 1] == 0)
                sp--;
            if (sp == 0) {
                cerr(r, NULL, "%s", "footer: schema has elements outside the root");
                rc = -1;
                break;
            }
            struct node *p = &r->nodes[stack[sp - 1]];
            left[sp - 1]--;
            n->parent = p;
            p->child[p->nchild++] = n;
            int rep = n->el->repetition;
            if (rep < TP_PQ_REQUIRED || rep > TP_PQ_REPEATED) {
                cerr(r, n->el->name, "%s", "footer: schema element without a valid repetition");
                rc = -1;
                break;
            }
            n->def = p->def + (rep != TP_PQ_REQUIRED);
            n->rep = p->rep + (rep == TP_PQ_REPEATED);
            n->depth = p->depth + 1;
            if (n->depth > DEPTH_MAX) {
                cerr(r, n->el->name, "%s", "schema nested more than 100 levels deep");
                rc = -1;
                break;
            }
            n->path = join_path(p->path, n->el->name);
        } else {
            n->path = tp_xstrdup("");
        }
        int32_t nc = n->el->num_children;
        if (nc < 0 || (size_t)nc > m->nschema - 1 - i) {
            cerr(r, i ? n->path : NULL, "%s",
                 "footer: schema element with a bad number of children");
            rc = -1;
            break;
        }
        if (nc > 0) {
            n->child = tp_xmalloc((size_t)nc * sizeof *n->child);
            stack[sp] = i;
            left[sp] = (size_t)nc;
            sp++;
        } else if (i > 0) {
            if (n->el->type < 0) {
                cerr(r, n->path, "%s", "group without fields");
                rc = -1;
                break;
            }
            n->leaf = (long)nleaf++;
        } else {
            cerr(r, NULL, "%s", "footer: schema without columns");
            rc = -1;
        }
    }
    while (rc == 0 && sp > 0 && left[sp - 1] == 0)
        sp--;
    if (rc == 0 && sp > 0) {
        cerr(r, NULL, "%s", "footer: schema ends inside a group");
        rc = -1;
    }
    free(stack);
    free(left);
    if (rc)
        return -1;
    r->nleaf = nleaf;
    r->leaf = tp_xcalloc(nleaf ? nleaf : 1, sizeof *r->leaf);
    /* leaves in schema order (the order of the column chunks); first_leaf per node */
    for (size_t i = 0; i < r->nnodes; i++) {
        struct node *n = &r->nodes[i];
        if (n->leaf >= 0) {
            struct leaf *L = &r->leaf[n->leaf];
            L->node = n;
            L->el = n->el;
            L->type = n->el->type;
            L->max_def = n->def;
            L->max_rep = n->rep;
            if (leaf_kind(r, L) < 0)
                return -1;
            for (struct node *a = n; a; a = a->parent) {
                if (a->nleaves == 0)
                    a->first_leaf = (size_t)n->leaf;
                a->nleaves++;
            }
        }
    }
    return 0;
}

static const char *
declared_type(const struct leaf *L)
{
    switch (L->kind) {
    case K_BOOL:
        return "bool";
    case K_I32:
    case K_U32:
    case K_I64:
    case K_U64:
        return "int64";
    case K_FLOAT:
    case K_DOUBLE:
    case K_F16:
        return "float64";
    case K_DEC32:
    case K_DEC64:
    case K_DECBE:
        return L->scale == 0 ? "int64" : "float64";
    default:
        return NULL;
    }
}

static void
add_columns(tp_pq_reader *r, struct node *n)
{
    if (n->leaf < 0 && !has_repetition(n)) {
        for (size_t i = 0; i < n->nchild; i++)
            add_columns(r, n->child[i]);
        return;
    }
    if (r->ncol == r->colcap) {
        r->colcap = r->colcap ? 2 * r->colcap : 16;
        r->col = tp_xrealloc(r->col, r->colcap * sizeof *r->col);
    }
    struct column *c = &r->col[r->ncol++];
    c->name = n->path;
    c->node = n;
    c->json = n->leaf < 0 || has_repetition(n);
    c->type = c->json ? NULL : declared_type(&r->leaf[n->leaf]);
}

/* ---- footer ---- */

/*
 * Where a column chunk's pages begin: its dictionary page when it has one, else its
 * first data page. Writers get these offsets wrong both ways (a dictionary offset of 0,
 * apache/parquet-testing dict-page-offset-zero.parquet; a data page offset of 0 before a
 * real dictionary, column_chunk_key_value_metadata.parquet), so the smallest offset
 * that can be one (past the magic) is taken.
 */
static long long
chunk_begin(const tp_pq_colmeta *cm)
{
    long long d = cm->has_dictionary_page_offset ? cm->dictionary_page_offset : -1;
    long long p = cm->data_page_offset;
    if (d >= 4 && (p < 4 || d < p))
        return d;
    return p;
}

tp_pq_reader *
tp_pq_open(int fd, long long size, const char *name)
{
    tp_pq_reader *r = tp_xcalloc(1, sizeof *r);
    r->fd = fd;
    r->size = size;
    r->name = tp_xstrdup(name);
    r->rg = -1;
    uint8_t tail[8], head[4];
    if (size < 12 || read_at(r, 0, 4, head) < 0 || read_at(r, (uint64_t)size - 8, 8, tail) < 0) {
        if (size < 12)
            tp_err(r->name, 0, "not a Parquet file: %lld bytes", size);
        goto fail;
    }
    if (memcmp(tail + 4, "PARE", 4) == 0) {
        tp_err(r->name, 0, "encrypted Parquet files are not supported");
        goto fail;
    }
    if (memcmp(head, "PAR1", 4) != 0 || memcmp(tail + 4, "PAR1", 4) != 0) {
        tp_err(r->name, 0, "not a Parquet file (no PAR1 magic at both ends)");
        goto fail;
    }
    uint32_t flen = tp_le32(tail);
    if ((long long)flen > size - 12) {
        tp_err(r->name, 0, "footer length %lu is beyond the file (%lld bytes)", (unsigned long)flen,
               size);
        goto fail;
    }
    uint8_t *fb = tp_xmalloc(flen ? flen : 1);
    if (read_at(r, (uint64_t)size - 8 - flen, flen, fb) < 0) {
        free(fb);
        goto fail;
    }
    int drc = tp_pq_meta_decode(fb, flen, &r->meta);
    free(fb);
    if (drc < 0) {
        lib_err(r, NULL);
        goto fail;
    }
    if (r->meta.encrypted) {
        tp_err(r->name, 0, "encrypted Parquet files are not supported");
        goto fail;
    }
    if (build_tree(r) < 0)
        goto fail;
    for (size_t i = 0; i < r->nodes[0].nchild; i++)
        add_columns(r, r->nodes[0].child[i]);
    r->off = tp_xmalloc((r->ncol ? r->ncol : 1) * sizeof *r->off);
    r->len = tp_xmalloc((r->ncol ? r->ncol : 1) * sizeof *r->len);
    r->fp = tp_xmalloc((r->ncol ? r->ncol : 1) * sizeof *r->fp);
    /* check every row group's chunks up front, so that a bad offset is found before rows */
    long long footer_at = size - 8 - (long long)flen;
    for (size_t g = 0; g < r->meta.nrow_groups; g++) {
        const tp_pq_rowgroup *rg = &r->meta.row_groups[g];
        if (rg->ncolumns != r->nleaf) {
            tp_err(r->name, 0, "row group %zu has %zu column chunks, the schema %zu columns", g,
                   rg->ncolumns, r->nleaf);
            goto fail;
        }
        if (rg->num_rows < 0) {
            tp_err(r->name, 0, "row group %zu: negative row count", g);
            goto fail;
        }
        for (size_t j = 0; j < rg->ncolumns; j++) {
            const tp_pq_chunk *c = &rg->columns[j];
            const char *cn = r->leaf[j].node->path;
            if (c->encrypted) {
                cerr(r, cn, "%s", "encrypted columns are not supported");
                goto fail;
            }
            if (c->file_path) {
                cerr(r, cn, "data in another file ('%s') is not supported", c->file_path);
                goto fail;
            }
            if (!c->has_meta) {
                cerr(r, cn, "%s", "column chunk without metadata");
                goto fail;
            }
            const tp_pq_colmeta *cm = &c->meta;
            if (cm->type != r->leaf[j].type) {
                char m[128];
                snprintf(m, sizeof m, "column chunk of type %s, schema says %s",
                         type_name(cm->type), type_name(r->leaf[j].type));
                cerr(r, cn, "%s", m);
                goto fail;
            }
            if (!tp_pq_codec_name(cm->codec) || cm->codec == TP_PQ_LZO) {
                char b[64];
                snprintf(b, sizeof b, "%s", tp_pq_codec_name(cm->codec) ? "LZO" : "unknown");
                cerr(r, cn, "compression codec %s is not supported", b);
                goto fail;
            }
            long long start = chunk_begin(cm);
            if (start < 4 || cm->total_compressed_size < 0 ||
                cm->total_compressed_size > footer_at - start || cm->num_values < 0) {
                char m[160];
                snprintf(m, sizeof m,
                         "column chunk at offset %lld of %lld bytes is outside the data "
                         "(4 to %lld)",
                         start, (long long)cm->total_compressed_size, footer_at);
                cerr(r, cn, "%s", m);
                goto fail;
            }
        }
    }
    TP_TRACK(r, tp_pq_close);
    return r;
fail:
    tp_pq_close(r);
    return NULL;
}

size_t
tp_pq_ncols(const tp_pq_reader *r)
{
    return r->ncol;
}

const char *
tp_pq_colname(const tp_pq_reader *r, size_t i)
{
    return r->col[i].name;
}

const char *
tp_pq_coltype(const tp_pq_reader *r, size_t i)
{
    return r->col[i].type;
}

long long
tp_pq_nrows(const tp_pq_reader *r)
{
    return r->meta.num_rows;
}

/* ---- pages ---- */

static void
chunk_start(tp_pq_reader *r, struct leaf *L, long g)
{
    const tp_pq_colmeta *cm = &r->meta.row_groups[g].columns[L - r->leaf].meta;
    long long start = chunk_begin(cm);
    L->pos = (uint64_t)start;
    L->end = (uint64_t)start + (uint64_t)cm->total_compressed_size;
    L->codec = cm->codec;
    L->values_left = cm->num_values;
    L->rg = g;
    L->has_dict = 0;
    L->ndict = 0;
    L->nlev = L->lev_i = 0;
    L->nval = L->val_i = 0;
}

/*
 * Account for an array of n elements of size bytes whose capacity is *cap, before it is
 * grown to n: 0, or -1 with an error when the arrays of all columns would exceed
 * HELD_MAX. Updates *cap.
 */
static int
hold(tp_pq_reader *r, struct leaf *L, size_t *cap, size_t n, size_t size)
{
    if (n <= *cap)
        return 0;
    size_t more = (n - *cap) * size; /* n <= PAGE_VALUES_MAX, size <= 24: no overflow */
    if (more > HELD_MAX - r->held) {
        cerr(r, L->node->path, "%s",
             "pages claim more values than tp holds at once (128 MiB of levels and "
             "decoded values over all columns)");
        return -1;
    }
    r->held += more;
    *cap = n;
    return 0;
}

static int
grow_u32(tp_pq_reader *r, struct leaf *L, uint32_t **a, size_t *cap, size_t n)
{
    size_t had = *cap;
    if (hold(r, L, cap, n, sizeof **a) < 0)
        return -1;
    if (n > had)
        *a = tp_xrealloc(*a, n * sizeof **a);
    return 0;
}

/* L->scratch reserved for n bytes, within HELD_MAX. */
static uint8_t *
scratch(tp_pq_reader *r, struct leaf *L, size_t n)
{
    if (hold(r, L, &L->scratchcap, n, 1) < 0)
        return NULL;
    L->scratch.len = 0;
    return tp_bytes_reserve(&L->scratch, n);
}

/* Plain BYTE_ARRAY values: n values at p[0..len) into ptr/len arrays. */
static int
plain_ba(tp_pq_reader *r, struct leaf *L, const uint8_t *p, size_t len, size_t n,
         const uint8_t ***ptr, uint32_t **lens, size_t *cap)
{
    if (n > len / 4) {
        cerr(r, L->node->path, "%s", "PLAIN data ends early");
        return -1;
    }
    if (n > *cap) {
        *cap = n;
        *ptr = tp_xrealloc(*ptr, n * sizeof **ptr);
        *lens = tp_xrealloc(*lens, n * sizeof **lens);
    }
    size_t at = 0; /* n <= len / 4: these arrays are bounded by the page's bytes */
    for (size_t i = 0; i < n; i++) {
        if (len - at < 4) {
            cerr(r, L->node->path, "%s", "PLAIN data ends early");
            return -1;
        }
        uint32_t k = tp_le32(p + at);
        at += 4;
        if (k > len - at) {
            cerr(r, L->node->path, "%s", "PLAIN value runs past the end of its page");
            return -1;
        }
        (*ptr)[i] = p + at;
        (*lens)[i] = k;
        at += k;
    }
    return 0;
}

static int
read_dictionary(tp_pq_reader *r, struct leaf *L, const tp_pq_page *h, const uint8_t *p, size_t n)
{
    const char *cn = L->node->path;
    if (h->encoding != TP_PQ_PLAIN && h->encoding != TP_PQ_PLAIN_DICTIONARY) {
        cerr(r, cn, "dictionary page encoding %s is not supported",
             enc_name(h->encoding) ? enc_name(h->encoding) : "unknown");
        return -1;
    }
    if (h->num_values < 0) {
        cerr(r, cn, "%s", "dictionary page with a negative value count");
        return -1;
    }
    L->dictbuf.len = 0;
    tp_bytes_put(&L->dictbuf, p, n);
    size_t nv = (size_t)h->num_values;
    if (L->type == TP_PQ_BYTE_ARRAY) {
        size_t cap = 0;
        free(L->dptr);
        free(L->dlen);
        L->dptr = NULL;
        L->dlen = NULL;
        if (plain_ba(r, L, L->dictbuf.p, n, nv, &L->dptr, &L->dlen, &cap) < 0)
            return -1;
    } else if (L->type == TP_PQ_BOOLEAN) {
        cerr(r, cn, "%s", "dictionary page for a BOOLEAN column");
        return -1;
    } else if (nv > n / (size_t)L->width) {
        cerr(r, cn, "%s", "dictionary page ends early");
        return -1;
    }
    L->ndict = nv;
    L->has_dict = 1;
    return 0;
}

/* count levels up to max, RLE in the n bytes at p, into out (checked, as bytes). */
static int
levels(tp_pq_reader *r, struct leaf *L, const uint8_t *p, size_t n, int max, uint8_t *out,
       size_t count)
{
    const char *cn = L->node->path;
    size_t had = r->lev32cap;
    if (hold(r, L, &r->lev32cap, count, sizeof *r->lev32) < 0)
        return -1;
    if (count > had)
        r->lev32 = tp_xrealloc(r->lev32, count * sizeof *r->lev32);
    if (tp_pq_rle_decode(p, n, tp_pq_bit_width((uint64_t)max), r->lev32, count) < 0) {
        lib_err(r, cn);
        return -1;
    }
    for (size_t i = 0; i < count; i++) {
        if (r->lev32[i] > (uint32_t)max) {
            char m[96];
            snprintf(m, sizeof m, "level %lu above the maximum %d", (unsigned long)r->lev32[i],
                     max);
            cerr(r, cn, "%s", m);
            return -1;
        }
        out[i] = (uint8_t)r->lev32[i]; /* max <= DEPTH_MAX */
    }
    return 0;
}

/* Levels of a v1 page: 4-byte length, then RLE; advances *p, *n. */
static int
levels_v1(tp_pq_reader *r, struct leaf *L, int enc, int max, const uint8_t **p, size_t *n,
          uint8_t *out, size_t count)
{
    const char *cn = L->node->path;
    if (enc != TP_PQ_RLE) {
        cerr(r, cn, "level encoding %s is not supported",
             enc_name(enc) ? enc_name(enc) : "unknown");
        return -1;
    }
    if (*n < 4 || tp_le32(*p) > *n - 4) {
        cerr(r, cn, "%s", "levels run past the end of the page");
        return -1;
    }
    size_t k = tp_le32(*p);
    if (levels(r, L, *p + 4, k, max, out, count) < 0)
        return -1;
    *p += 4 + k;
    *n -= 4 + k;
    return 0;
}

/* Decode nval non-null values of the page at p[0..n). */
static int
decode_values(tp_pq_reader *r, struct leaf *L, int enc, const uint8_t *p, size_t n)
{
    const char *cn = L->node->path;
    size_t nv = L->nval;
    int t = L->type;
    L->dict_enc = 0;
    switch (enc) {
    case TP_PQ_PLAIN:
        if (t == TP_PQ_BYTE_ARRAY)
            return plain_ba(r, L, p, n, nv, &L->vptr, &L->vlen, &L->vcap);
        if (t == TP_PQ_BOOLEAN) {
            if (nv > n * 8) {
                cerr(r, cn, "%s", "PLAIN data ends early");
                return -1;
            }
            uint8_t *o = scratch(r, L, nv ? nv : 1);
            if (!o)
                return -1;
            for (size_t i = 0; i < nv; i++)
                o[i] = (uint8_t)(p[i >> 3] >> (i & 7) & 1);
            L->vfix = o;
            return 0;
        }
        if (nv > n / (size_t)L->width) {
            cerr(r, cn, "%s", "PLAIN data ends early");
            return -1;
        }
        L->vfix = p;
        return 0;
    case TP_PQ_PLAIN_DICTIONARY:
    case TP_PQ_RLE_DICTIONARY: {
        if (!L->has_dict) {
            cerr(r, cn, "%s", "dictionary-encoded page without a dictionary page");
            return -1;
        }
        if (nv == 0)
            return 0;
        if (n < 1 || p[0] > 32) {
            cerr(r, cn, "%s",
                 n < 1 ? "dictionary indices missing" : "dictionary index bit width above 32");
            return -1;
        }
        if (grow_u32(r, L, &L->idx, &L->idxcap, nv) < 0)
            return -1;
        if (tp_pq_rle_decode(p + 1, n - 1, p[0], L->idx, nv) < 0) {
            lib_err(r, cn);
            return -1;
        }
        for (size_t i = 0; i < nv; i++)
            if (L->idx[i] >= L->ndict) {
                char m[128];
                snprintf(m, sizeof m,
                         "dictionary index %lu out of range (the dictionary holds %zu)",
                         (unsigned long)L->idx[i], L->ndict);
                cerr(r, cn, "%s", m);
                return -1;
            }
        L->dict_enc = 1;
        return 0;
    }
    case TP_PQ_RLE: {
        if (t != TP_PQ_BOOLEAN)
            break;
        if (n < 4 || tp_le32(p) > n - 4) {
            cerr(r, cn, "%s", "RLE data runs past the end of the page");
            return -1;
        }
        if (grow_u32(r, L, &L->idx, &L->idxcap, nv ? nv : 1) < 0)
            return -1;
        if (tp_pq_rle_decode(p + 4, tp_le32(p), 1, L->idx, nv) < 0) {
            lib_err(r, cn);
            return -1;
        }
        uint8_t *o = scratch(r, L, nv ? nv : 1);
        if (!o)
            return -1;
        for (size_t i = 0; i < nv; i++)
            o[i] = (uint8_t)L->idx[i];
        L->vfix = o;
        return 0;
    }
    case TP_PQ_DELTA_BINARY_PACKED: {
        if (t != TP_PQ_INT32 && t != TP_PQ_INT64)
            break;
        uint8_t *o = scratch(r, L, nv * (size_t)L->width + 1);
        if (!o)
            return -1;
        /* the decoded integers: a temporary array, within HELD_MAX while it lives */
        size_t tmp = 0;
        if (hold(r, L, &tmp, nv, sizeof(int64_t)) < 0)
            return -1;
        r->held -= tmp * sizeof(int64_t);
        int64_t *v = tp_xmalloc((nv ? nv : 1) * sizeof *v);
        long used = nv ? tp_pq_delta_decode(p, n, t == TP_PQ_INT32 ? 32 : 64, v, nv) : 0;
        if (used < 0) {
            free(v);
            lib_err(r, cn);
            return -1;
        }
        for (size_t i = 0; i < nv; i++) {
            uint64_t u = (uint64_t)v[i];
            for (int b = 0; b < L->width; b++)
                o[i * (size_t)L->width + (size_t)b] = (uint8_t)(u >> (8 * b));
        }
        free(v);
        L->vfix = o;
        return 0;
    }
    case TP_PQ_DELTA_LENGTH_BYTE_ARRAY:
        if (t != TP_PQ_BYTE_ARRAY)
            break;
        if (nv > L->vcap) {
            if (hold(r, L, &L->vcap, nv, sizeof *L->vptr + sizeof *L->vlen) < 0)
                return -1;
            L->vptr = tp_xrealloc(L->vptr, nv * sizeof *L->vptr);
            L->vlen = tp_xrealloc(L->vlen, nv * sizeof *L->vlen);
        }
        if (nv && tp_pq_delta_length_decode(p, n, nv, L->vptr, L->vlen) < 0) {
            lib_err(r, cn);
            return -1;
        }
        return 0;
    case TP_PQ_DELTA_BYTE_ARRAY: {
        if (t != TP_PQ_BYTE_ARRAY && t != TP_PQ_FIXED_LEN_BYTE_ARRAY)
            break;
        if (nv > L->vcap) {
            if (hold(r, L, &L->vcap, nv, sizeof *L->vptr + sizeof *L->vlen) < 0)
                return -1;
            L->vptr = tp_xrealloc(L->vptr, nv * sizeof *L->vptr);
            L->vlen = tp_xrealloc(L->vlen, nv * sizeof *L->vlen);
        }
        if (nv > L->voffcap) {
            if (hold(r, L, &L->voffcap, nv, sizeof *L->voff) < 0)
                return -1;
            L->voff = tp_xrealloc(L->voff, nv * sizeof *L->voff);
        }
        L->vstore.len = 0;
        /* the values rebuilt from prefixes may be far longer than the page (a long first
         * value, then prefixes of its length and empty suffixes): add up the prefix
         * lengths first, so that the store stays within HELD_MAX */
        if (nv) {
            size_t tmp = 0;
            if (hold(r, L, &tmp, nv, sizeof(int64_t)) < 0)
                return -1;
            r->held -= tmp * sizeof(int64_t);
            int64_t *pre = tp_xmalloc(nv * sizeof *pre);
            uint64_t sum = n;
            if (tp_pq_delta_decode(p, n, 32, pre, nv) >= 0)
                for (size_t i = 0; i < nv && sum <= HELD_MAX; i++)
                    sum += pre[i] > 0 ? (uint64_t)pre[i] : 0;
            free(pre);
            if (hold(r, L, &L->vstorecap, sum < HELD_MAX ? (size_t)sum : HELD_MAX + 1, 1) < 0)
                return -1;
        }
        if (nv && tp_pq_delta_bytes_decode(p, n, nv, &L->vstore, L->voff, L->vlen) < 0) {
            lib_err(r, cn);
            return -1;
        }
        for (size_t i = 0; i < nv; i++) {
            if (t == TP_PQ_FIXED_LEN_BYTE_ARRAY && L->vlen[i] != (uint32_t)L->width) {
                cerr(r, cn, "%s", "DELTA_BYTE_ARRAY value of the wrong length");
                return -1;
            }
            L->vptr[i] = L->vstore.p + L->voff[i];
        }
        if (t == TP_PQ_FIXED_LEN_BYTE_ARRAY) {
            /* rejoin as plain fixed-size values */
            uint8_t *o = scratch(r, L, nv * (size_t)L->width + 1);
            if (!o)
                return -1;
            for (size_t i = 0; i < nv; i++)
                memcpy(o + i * (size_t)L->width, L->vptr[i], (size_t)L->width);
            L->vfix = o;
        }
        return 0;
    }
    case TP_PQ_BYTE_STREAM_SPLIT: {
        if (t == TP_PQ_BYTE_ARRAY || t == TP_PQ_BOOLEAN || t == TP_PQ_INT96)
            break;
        if (nv > n / (size_t)L->width || nv * (size_t)L->width != n) {
            cerr(r, cn, "%s", "BYTE_STREAM_SPLIT data of the wrong size");
            return -1;
        }
        uint8_t *o = tp_bytes_reserve(&L->scratch, n + 1);
        if (tp_pq_bss_decode(p, n, nv, (size_t)L->width, o) < 0) {
            lib_err(r, cn);
            return -1;
        }
        L->vfix = o;
        return 0;
    }
    default: {
        const char *en = enc_name(enc);
        cerr(r, cn, "encoding %s is not supported", en ? en : "unknown");
        return -1;
    }
    }
    char m[128];
    snprintf(m, sizeof m, "encoding %s is not valid for %s", enc_name(enc), type_name(t));
    cerr(r, cn, "%s", m);
    return -1;
}

/* Load the next data page with values. 1: loaded, 0: end of the chunk, -1: error. */
static int
load_page(tp_pq_reader *r, struct leaf *L)
{
    const char *cn = L->node->path;
    for (;;) {
        if (L->values_left <= 0 || L->pos >= L->end)
            return 0;
        /* the header: read a little, more when it is longer */
        size_t want = 256;
        tp_pq_page h;
        long hl;
        for (;;) {
            uint64_t left = L->end - L->pos;
            size_t n = want < left ? want : (size_t)left;
            L->raw.len = 0;
            uint8_t *b = tp_bytes_reserve(&L->raw, n);
            if (read_at(r, L->pos, n, b) < 0)
                return -1;
            memset(&h, 0, sizeof h);
            hl = tp_pq_page_decode(b, n, &h);
            if (hl < 0) {
                lib_err(r, cn);
                return -1;
            }
            if (hl > 0)
                break;
            if (n == left) {
                cerr(r, cn, "%s", "page header runs past the end of the column chunk");
                return -1;
            }
            if (want > (64u << 20)) {
                cerr(r, cn, "%s", "page header longer than 64 MiB");
                return -1;
            }
            want *= 4;
        }
        L->pos += (uint64_t)hl;
        if (h.compressed_page_size < 0 || h.uncompressed_page_size < 0 ||
            (uint64_t)h.compressed_page_size > L->end - L->pos) {
            cerr(r, cn, "%s", "page runs past the end of the column chunk");
            return -1;
        }
        if (h.uncompressed_page_size > TP_PQ_PAGE_MAX) {
            cerr(r, cn, "%s", "page larger than 1 GiB uncompressed");
            return -1;
        }
        size_t csz = (size_t)h.compressed_page_size, usz = (size_t)h.uncompressed_page_size;
        if (h.type != TP_PQ_DATA_PAGE && h.type != TP_PQ_DATA_PAGE_V2 &&
            h.type != TP_PQ_DICTIONARY_PAGE) {
            L->pos += csz; /* index pages and unknown kinds: not needed */
            continue;
        }
        L->raw.len = 0;
        uint8_t *raw = tp_bytes_reserve(&L->raw, csz + 1);
        if (read_at(r, L->pos, csz, raw) < 0)
            return -1;
        L->pos += csz;
        if (h.has_crc && (uint32_t)crc32(0L, raw, (uInt)csz) != h.crc) {
            char m[96];
            snprintf(m, sizeof m, "page CRC mismatch (page says %08lx, data has %08lx)",
                     (unsigned long)h.crc, (unsigned long)crc32(0L, raw, (uInt)csz));
            cerr(r, cn, "%s", m);
            return -1;
        }
        const uint8_t *body = raw;
        size_t blen = csz;
        size_t lev = 0; /* v2: level bytes, stored uncompressed before the values */
        int compressed = L->codec != TP_PQ_UNCOMPRESSED;
        if (h.type == TP_PQ_DATA_PAGE_V2) {
            if (h.rep_len < 0 || h.def_len < 0 ||
                (size_t)h.rep_len + (size_t)h.def_len > (csz < usz ? csz : usz)) {
                cerr(r, cn, "%s", "page levels longer than the page");
                return -1;
            }
            lev = (size_t)h.rep_len + (size_t)h.def_len;
            compressed = compressed && h.is_compressed;
        }
        if (compressed) {
            L->dec.len = 0;
            uint8_t *d = tp_bytes_reserve(&L->dec, usz + 1);
            memcpy(d, raw, lev);
            if (tp_pq_decompress(L->codec, raw + lev, csz - lev, d + lev, usz - lev) < 0) {
                lib_err(r, cn);
                return -1;
            }
            body = d;
            blen = usz;
        } else if (usz != csz) {
            cerr(r, cn, "%s", "uncompressed page whose two sizes differ");
            return -1;
        }
        if (h.type == TP_PQ_DICTIONARY_PAGE) {
            if (read_dictionary(r, L, &h, body, blen) < 0)
                return -1;
            continue;
        }
        if (h.num_values < 0 || h.num_values > PAGE_VALUES_MAX) {
            cerr(r, cn, "%s", "page with a bad value count");
            return -1;
        }
        size_t nv = (size_t)h.num_values;
        if ((long long)nv > L->values_left) {
            cerr(r, cn, "%s", "pages hold more values than the column chunk");
            return -1;
        }
        L->values_left -= (long long)nv;
        if (nv == 0)
            continue;
        if (nv > L->levcap) {
            if (hold(r, L, &L->levcap, nv, (size_t)(L->max_def > 0) + (L->max_rep > 0)) < 0)
                return -1;
            if (L->max_def > 0)
                L->def = tp_xrealloc(L->def, nv);
            if (L->max_rep > 0)
                L->rep = tp_xrealloc(L->rep, nv);
        }
        const uint8_t *p = body;
        size_t n = blen;
        if (h.type == TP_PQ_DATA_PAGE) {
            if (L->max_rep > 0 &&
                levels_v1(r, L, h.rep_encoding, L->max_rep, &p, &n, L->rep, nv) < 0)
                return -1;
            if (L->max_def > 0 &&
                levels_v1(r, L, h.def_encoding, L->max_def, &p, &n, L->def, nv) < 0)
                return -1;
        } else {
            if (L->max_rep > 0 && levels(r, L, p, (size_t)h.rep_len, L->max_rep, L->rep, nv) < 0)
                return -1;
            p += h.rep_len;
            if (L->max_def > 0 && levels(r, L, p, (size_t)h.def_len, L->max_def, L->def, nv) < 0)
                return -1;
            p += h.def_len;
            n -= lev;
        }
        size_t nonnull = nv;
        if (L->max_def > 0) {
            nonnull = 0;
            for (size_t i = 0; i < nv; i++)
                nonnull += L->def[i] == L->max_def;
        }
        L->nlev = nv;
        L->lev_i = 0;
        L->nval = nonnull;
        L->val_i = 0;
        if (decode_values(r, L, h.encoding, p, n) < 0)
            return -1;
        return 1;
    }
}

/* ---- values ---- */

static void
value_at(const struct leaf *L, size_t j, const uint8_t **p, size_t *n)
{
    if (L->dict_enc) {
        size_t k = L->idx[j];
        if (L->type == TP_PQ_BYTE_ARRAY) {
            *p = L->dptr[k];
            *n = L->dlen[k];
        } else {
            *p = L->dictbuf.p + k * (size_t)L->width;
            *n = (size_t)L->width;
        }
    } else if (L->type == TP_PQ_BYTE_ARRAY) {
        *p = L->vptr[j];
        *n = L->vlen[j];
    } else {
        *p = L->vfix + j * (size_t)L->width;
        *n = (size_t)L->width;
    }
}

/* Binary without a text annotation: as is when it is UTF-8 without control characters,
 * else with every byte that is not printable ASCII, and '\', written \xHH (as DuckDB
 * shows a BLOB). */
static void
put_binary(tp_bytes *o, const uint8_t *p, size_t n)
{
    int plain = 1;
    for (size_t i = 0; i < n && plain; i++)
        plain = p[i] >= 0x20 && p[i] != 0x7f;
    if (plain && tp_utf8_valid((const char *)p, n)) {
        tp_bytes_put(o, p, n);
        return;
    }
    static const char hex[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        if (p[i] >= 0x20 && p[i] < 0x7f && p[i] != '\\') {
            tp_bytes_byte(o, p[i]);
        } else {
            uint8_t e[4] = {'\\', 'x', (uint8_t)hex[p[i] >> 4], (uint8_t)hex[p[i] & 15]};
            tp_bytes_put(o, e, 4);
        }
    }
}

/*
 * Append value j of L as text to o. *quote gets 1 when the value is a string in JSON.
 * Returns 0, or a reason when the value is not acceptable text.
 */
static const char *
render(struct leaf *L, size_t j, tp_bytes *o, int *quote)
{
    const uint8_t *p;
    size_t n;
    value_at(L, j, &p, &n);
    char *b = (char *)tp_bytes_reserve(o, TP_PQ_VALUE_MAX + 1);
    size_t k = 0;
    *quote = 0;
    switch (L->kind) {
    case K_BOOL:
        k = p[0] ? 4 : 5;
        memcpy(b, p[0] ? "true" : "false", k);
        break;
    case K_I32:
        k = tp_pq_fmt_i64((int32_t)tp_le32(p), b);
        break;
    case K_U32:
        k = tp_pq_fmt_u64(tp_le32(p), b);
        break;
    case K_I64:
        k = tp_pq_fmt_i64((int64_t)tp_le64(p), b);
        break;
    case K_U64:
        k = tp_pq_fmt_u64(tp_le64(p), b);
        break;
    case K_FLOAT: {
        uint32_t u = tp_le32(p);
        float f;
        memcpy(&f, &u, 4);
        k = tp_pq_fmt_float(f, b);
        *quote = f != f || f - f != 0;
        break;
    }
    case K_DOUBLE: {
        uint64_t u = tp_le64(p);
        double d;
        memcpy(&d, &u, 8);
        k = tp_pq_fmt_double(d, b);
        *quote = d != d || d - d != 0;
        break;
    }
    case K_F16:
        k = tp_pq_fmt_float16(p, b);
        *quote = (b[0] == 'N' || b[0] == 'i' || b[1] == 'i');
        break;
    case K_DEC32:
        k = tp_pq_fmt_decimal64((int32_t)tp_le32(p), L->scale, b);
        break;
    case K_DEC64:
        k = tp_pq_fmt_decimal64((int64_t)tp_le64(p), L->scale, b);
        break;
    case K_DECBE:
        if (n > DECIMAL_BYTES_MAX)
            return "DECIMAL value longer than 128 bytes";
        b = (char *)tp_bytes_reserve(o, 3 * n + (size_t)L->scale + 8);
        k = tp_pq_fmt_decimal_be(p, n, L->scale, b);
        break;
    case K_DATE:
        k = tp_pq_fmt_date((int32_t)tp_le32(p), b);
        *quote = 1;
        break;
    case K_TIME32:
        k = tp_pq_fmt_time((int32_t)tp_le32(p), L->unit, b);
        *quote = 1;
        break;
    case K_TIME64:
        k = tp_pq_fmt_time((int64_t)tp_le64(p), L->unit, b);
        *quote = 1;
        break;
    case K_TS:
        k = tp_pq_fmt_timestamp((int64_t)tp_le64(p), L->unit, b);
        *quote = 1;
        break;
    case K_INT96:
        k = tp_pq_fmt_int96(p, b);
        *quote = 1;
        break;
    case K_UUID:
        k = tp_pq_fmt_uuid(p, b);
        *quote = 1;
        break;
    case K_STRING:
        *quote = 1;
        if (memchr(p, 0, n))
            return "NUL byte in value";
        if (!tp_utf8_valid((const char *)p, n))
            return "invalid UTF-8 in value";
        tp_bytes_put(o, p, n);
        return NULL;
    default:
        *quote = 1;
        put_binary(o, p, n);
        return NULL;
    }
    o->len += k;
    return NULL;
}

/*
 * Take the next triple of L: *def, *rep, and *j the index of its value (when
 * def == max_def). Returns 1, 0 at the end of the chunk, -1 on error.
 */
static int
take(tp_pq_reader *r, struct leaf *L, int *def, int *rep, size_t *j)
{
    if (L->lev_i == L->nlev) {
        int rc = load_page(r, L);
        if (rc <= 0)
            return rc;
    }
    *def = L->def ? L->def[L->lev_i] : 0;
    *rep = L->rep ? L->rep[L->lev_i] : 0;
    L->lev_i++;
    if (*def == L->max_def) {
        if (L->val_i >= L->nval) {
            cerr(r, L->node->path, "%s", "fewer values than definition levels");
            return -1;
        }
        *j = L->val_i++;
    }
    return 1;
}

/* Repetition level of the next triple, or -1 at the end of the chunk, -2 on error. */
static int
peek_rep(tp_pq_reader *r, struct leaf *L)
{
    if (L->lev_i == L->nlev) {
        int rc = load_page(r, L);
        if (rc < 0)
            return -2;
        if (rc == 0)
            return -1;
    }
    return L->rep ? L->rep[L->lev_i] : 0;
}

/* ---- JSON assembly ---- */

static void
json_str(tp_bytes *o, const char *s, size_t n)
{
    static const char hex[] = "0123456789abcdef";
    tp_bytes_byte(o, '"');
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') {
            tp_bytes_byte(o, '\\');
            tp_bytes_byte(o, c);
        } else if (c < 0x20) {
            const char *e = c == '\n' ? "\\n" : c == '\t' ? "\\t" : c == '\r' ? "\\r" : NULL;
            if (e) {
                tp_bytes_put(o, e, 2);
            } else {
                uint8_t u[6] = {'\\', 'u', '0', '0', (uint8_t)hex[c >> 4], (uint8_t)hex[c & 15]};
                tp_bytes_put(o, u, 6);
            }
        } else {
            tp_bytes_byte(o, c);
        }
    }
    tp_bytes_byte(o, '"');
}

/* Gather the current row's triples of every leaf under column node n. */
static int
gather(tp_pq_reader *r, struct node *n)
{
    for (size_t k = 0; k < n->nleaves; k++) {
        struct leaf *L = &r->leaf[n->first_leaf + k];
        struct rowlev *rl = &L->rl;
        rl->n = rl->cur = 0;
        rl->txt.len = 0;
        for (;;) {
            if (rl->n > 0) {
                int pr = peek_rep(r, L);
                if (pr == -2)
                    return -1;
                if (pr <= 0)
                    break;
            }
            int def, rep;
            size_t j = 0;
            int rc = take(r, L, &def, &rep, &j);
            if (rc < 0)
                return -1;
            if (rc == 0) {
                cerr(r, L->node->path, "%s", "column chunk ends before its row group");
                return -1;
            }
            if (rl->n == 0 && rep != 0) {
                cerr(r, L->node->path, "%s", "a row starts with a repetition level above 0");
                return -1;
            }
            if (rl->n == rl->cap) {
                rl->cap = rl->cap ? 2 * rl->cap : 16;
                rl->def = tp_xrealloc(rl->def, rl->cap);
                rl->rep = tp_xrealloc(rl->rep, rl->cap);
                rl->quote = tp_xrealloc(rl->quote, rl->cap);
                rl->off = tp_xrealloc(rl->off, rl->cap * sizeof *rl->off);
                rl->len = tp_xrealloc(rl->len, rl->cap * sizeof *rl->len);
            }
            size_t i = rl->n++;
            rl->def[i] = (uint8_t)def;
            rl->rep[i] = (uint8_t)rep;
            rl->off[i] = rl->txt.len;
            rl->quote[i] = 0;
            if (def == L->max_def) {
                int q;
                const char *why = render(L, j, &rl->txt, &q);
                if (why) {
                    if (!r->bad) {
                        r->bad = why;
                        r->badcol = L->node->path;
                    }
                }
                rl->quote[i] = (uint8_t)q;
            }
            rl->len[i] = rl->txt.len - rl->off[i];
        }
    }
    return 0;
}

static int node_value(tp_pq_reader *r, struct node *n, tp_bytes *o);

/* Triple i of a leaf's row as JSON: a string quoted, a number or boolean as it is. */
static void
leaf_text(const struct rowlev *rl, size_t i, tp_bytes *o)
{
    if (rl->quote[i])
        json_str(o, (const char *)rl->txt.p + rl->off[i], rl->len[i]);
    else
        tp_bytes_put(o, rl->txt.p + rl->off[i], rl->len[i]);
}

/* One instance of group n as a JSON object of its fields, in schema order. */
static int
struct_value(tp_pq_reader *r, struct node *n, tp_bytes *o)
{
    tp_bytes_byte(o, '{');
    for (size_t c = 0; c < n->nchild; c++) {
        if (c)
            tp_bytes_byte(o, ',');
        json_str(o, n->child[c]->el->name, strlen(n->child[c]->el->name));
        tp_bytes_byte(o, ':');
        if (node_value(r, n->child[c], o) < 0)
            return -1;
    }
    tp_bytes_byte(o, '}');
    return 0;
}

/* The leaf whose levels decide presence and repetition for node n. */
static struct rowlev *
lead(tp_pq_reader *r, struct node *n)
{
    return &r->leaf[n->first_leaf].rl;
}

static int
short_levels(tp_pq_reader *r, struct node *n)
{
    cerr(r, n->path, "%s", "inconsistent repetition and definition levels");
    return -1;
}

/* Skip one triple in every leaf under n (a null or empty instance). */
static int
skip_instance(tp_pq_reader *r, struct node *n)
{
    for (size_t k = 0; k < n->nleaves; k++) {
        struct rowlev *rl = &r->leaf[n->first_leaf + k].rl;
        if (rl->cur >= rl->n)
            return short_levels(r, n);
        rl->cur++;
    }
    return 0;
}

/* A repeated node's elements, each rendered by elem (the node itself as a non-repeated
 * value, or its one child). */
static int
elements(tp_pq_reader *r, struct node *rep, struct node *elem, int as_map, tp_bytes *o)
{
    struct rowlev *ld = lead(r, rep);
    if (ld->cur >= ld->n)
        return short_levels(r, rep);
    tp_bytes_byte(o, as_map ? '{' : '[');
    if (ld->def[ld->cur] < rep->def) {
        if (skip_instance(r, rep) < 0)
            return -1;
        tp_bytes_byte(o, as_map ? '}' : ']');
        return 0;
    }
    for (int first = 1;; first = 0) {
        if (!first)
            tp_bytes_byte(o, ',');
        if (as_map) {
            /* key_value group: key (first child), value (second child, if any) */
            struct node *key = rep->child[0];
            size_t at = o->len;
            if (node_value(r, key, o) < 0)
                return -1;
            if (o->len == at || o->p[at] != '"') {
                /* a key that is not a string (a number, null) is quoted as its text */
                size_t klen = o->len - at;
                char *kt = tp_xmemdup((const char *)o->p + at, klen);
                o->len = at;
                json_str(o, kt, klen);
                free(kt);
            }
            tp_bytes_byte(o, ':');
            if (rep->nchild > 1) {
                if (node_value(r, rep->child[1], o) < 0)
                    return -1;
            } else {
                tp_bytes_put(o, "null", 4);
            }
        } else if (elem == rep) {
            /* the repeated node itself, as a required value */
            if (rep->leaf >= 0) {
                struct rowlev *rl = &r->leaf[rep->leaf].rl;
                if (rl->cur >= rl->n)
                    return short_levels(r, rep);
                leaf_text(rl, rl->cur++, o);
            } else if (struct_value(r, rep, o) < 0) {
                return -1;
            }
        } else if (node_value(r, elem, o) < 0) {
            return -1;
        }
        if (ld->cur >= ld->n || ld->rep[ld->cur] != rep->rep)
            break;
    }
    tp_bytes_byte(o, as_map ? '}' : ']');
    return 0;
}

/* One instance of node n (not repeated itself, or a repeated child reached through a
 * struct: then its elements as a list). */
static int
node_value(tp_pq_reader *r, struct node *n, tp_bytes *o)
{
    if (n->el->repetition == TP_PQ_REPEATED) {
        /* a legacy repeated field outside a LIST: a list of its instances */
        return elements(r, n, n, 0, o);
    }
    struct rowlev *ld = lead(r, n);
    if (ld->cur >= ld->n)
        return short_levels(r, n);
    if (ld->def[ld->cur] < n->def) {
        if (skip_instance(r, n) < 0)
            return -1;
        tp_bytes_put(o, "null", 4);
        return 0;
    }
    if (n->leaf >= 0) {
        leaf_text(ld, ld->cur++, o);
        return 0;
    }
    if ((is_list(n->el) || is_map(n->el)) && n->nchild == 1 &&
        n->child[0]->el->repetition == TP_PQ_REPEATED) {
        struct node *rp = n->child[0];
        if (is_map(n->el) || rp->el->converted == TP_PQ_CT_MAP_KEY_VALUE) {
            if (rp->leaf >= 0)
                return elements(r, rp, rp, 0, o); /* a map of keys only, as a list */
            return elements(r, rp, rp, 1, o);
        }
        /* LIST backward-compatibility rules (LogicalTypes.md) */
        struct node *elem = rp;
        if (rp->leaf < 0 && rp->nchild == 1 && strcmp(rp->el->name, "array") != 0) {
            size_t nl = strlen(n->el->name);
            const char *rn = rp->el->name;
            if (!(strlen(rn) == nl + 6 && strncmp(rn, n->el->name, nl) == 0 &&
                  strcmp(rn + nl, "_tuple") == 0))
                elem = rp->child[0];
        }
        return elements(r, rp, elem, 0, o);
    }
    return struct_value(r, n, o);
}

/* ---- rows ---- */

static int
next_group(tp_pq_reader *r)
{
    while (r->rg_left == 0) {
        if (r->rg + 1 >= (long)r->meta.nrow_groups)
            return 0;
        r->rg++;
        r->rg_left = r->meta.row_groups[r->rg].num_rows;
        for (size_t i = 0; i < r->nleaf; i++)
            chunk_start(r, &r->leaf[i], r->rg);
    }
    return 1;
}

int
tp_pq_next(tp_pq_reader *r, const char *const **f, const size_t **len, const char **bad,
           const char **badcol)
{
    int g = next_group(r);
    if (g <= 0)
        return g;
    r->bad = r->badcol = NULL;
    r->rowtxt.len = 0;
    for (size_t c = 0; c < r->ncol; c++) {
        struct column *col = &r->col[c];
        r->off[c] = r->rowtxt.len;
        if (!col->json) {
            struct leaf *L = &r->leaf[col->node->leaf];
            int def, rep;
            size_t j = 0;
            int rc = take(r, L, &def, &rep, &j);
            if (rc < 0)
                return -1;
            if (rc == 0) {
                tp_err(r->name, 0, "column '%s': row group %ld ends after %lld of its %lld rows",
                       col->name, r->rg,
                       (long long)(r->meta.row_groups[r->rg].num_rows - r->rg_left),
                       (long long)r->meta.row_groups[r->rg].num_rows);
                return -1;
            }
            if (def == L->max_def) {
                int q;
                const char *why = render(L, j, &r->rowtxt, &q);
                if (why && !r->bad) {
                    r->bad = why;
                    r->badcol = col->name;
                }
            }
        } else {
            if (gather(r, col->node) < 0)
                return -1;
            r->tmp.len = 0;
            if (node_value(r, col->node, &r->tmp) < 0)
                return -1;
            for (size_t k = 0; k < col->node->nleaves; k++) {
                struct rowlev *rl = &r->leaf[col->node->first_leaf + k].rl;
                if (rl->cur != rl->n)
                    return short_levels(r, col->node);
            }
            /* a null at the column's root is a missing value, not the text "null" */
            if (!(r->tmp.len == 4 && memcmp(r->tmp.p, "null", 4) == 0))
                tp_bytes_put(&r->rowtxt, r->tmp.p, r->tmp.len);
        }
        r->len[c] = r->rowtxt.len - r->off[c];
        tp_bytes_byte(&r->rowtxt, 0);
    }
    for (size_t c = 0; c < r->ncol; c++)
        r->fp[c] = (const char *)r->rowtxt.p + r->off[c];
    r->rg_left--;
    r->rows++;
    *f = r->fp;
    *len = r->len;
    *bad = r->bad;
    *badcol = r->badcol;
    return 1;
}

void
tp_pq_close(tp_pq_reader *r)
{
    if (!r)
        return;
    TP_UNTRACK(r);
    for (size_t i = 0; i < r->nleaf; i++) {
        struct leaf *L = &r->leaf[i];
        tp_bytes_free(&L->raw);
        tp_bytes_free(&L->dec);
        tp_bytes_free(&L->scratch);
        tp_bytes_free(&L->vstore);
        tp_bytes_free(&L->dictbuf);
        free(L->def);
        free(L->rep);
        free(L->idx);
        free(L->vptr);
        free(L->vlen);
        free(L->voff);
        free(L->dptr);
        free(L->dlen);
        free(L->rl.def);
        free(L->rl.rep);
        free(L->rl.off);
        free(L->rl.len);
        free(L->rl.quote);
        tp_bytes_free(&L->rl.txt);
    }
    for (size_t i = 0; i < r->nnodes; i++) {
        free(r->nodes[i].child);
        free(r->nodes[i].path);
    }
    free(r->nodes);
    free(r->leaf);
    free(r->col);
    free(r->off);
    free(r->len);
    free(r->fp);
    tp_bytes_free(&r->rowtxt);
    tp_bytes_free(&r->tmp);
    free(r->lev32);
    tp_pq_meta_free(&r->meta);
    free(r->name);
    free(r);
}
