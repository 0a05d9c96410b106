/*
 * Unit tests for the Parquet footer and page headers (lib/pqmeta.h): round trips of
 * hand-built structures, every truncation of their encodings, hostile footers, and the
 * footers and first page headers of the real files in ../shared/data (skipped when that
 * directory is absent; TP_SHARED_DATA overrides the path).
 */
#include "pqmeta.h"
#include "pqcodec.h"
#include "err.h"
#include "unit.h"

#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NLEAF 28 /* 8 annotated leaves and 20 plain ones: lists of >= 15 elements */

static int
str_eq(const char *a, const char *b)
{
    if (!a || !b)
        return a == b;
    return strcmp(a, b) == 0;
}

static int
bytes_eq(const uint8_t *a, size_t na, const uint8_t *b, size_t nb)
{
    return na == nb && (na == 0 || memcmp(a, b, na) == 0);
}

static int
stats_eq(const tp_pq_stats *a, const tp_pq_stats *b)
{
    if (a->has_null_count != b->has_null_count || a->has_min != b->has_min ||
        a->has_max != b->has_max || a->has_nan_count != b->has_nan_count)
        return 0;
    if (a->has_null_count && a->null_count != b->null_count)
        return 0;
    if (a->has_nan_count && a->nan_count != b->nan_count)
        return 0;
    if (a->has_min && !bytes_eq(a->min, a->min_len, b->min, b->min_len))
        return 0;
    if (a->has_max && !bytes_eq(a->max, a->max_len, b->max, b->max_len))
        return 0;
    return 1;
}

static int
schema_eq(const tp_pq_schema *a, const tp_pq_schema *b)
{
    return str_eq(a->name, b->name) && a->type == b->type && a->type_length == b->type_length &&
           a->repetition == b->repetition && a->num_children == b->num_children &&
           a->converted == b->converted && a->scale == b->scale && a->precision == b->precision &&
           a->logical == b->logical && a->lt_scale == b->lt_scale &&
           a->lt_precision == b->lt_precision && a->lt_unit == b->lt_unit &&
           a->lt_utc == b->lt_utc && a->lt_bits == b->lt_bits && a->lt_signed == b->lt_signed;
}

static int
colmeta_eq(const tp_pq_colmeta *a, const tp_pq_colmeta *b)
{
    if (a->type != b->type || a->nencodings != b->nencodings || a->npath != b->npath ||
        a->codec != b->codec || a->num_values != b->num_values ||
        a->total_uncompressed_size != b->total_uncompressed_size ||
        a->total_compressed_size != b->total_compressed_size ||
        a->data_page_offset != b->data_page_offset ||
        a->has_dictionary_page_offset != b->has_dictionary_page_offset ||
        (a->has_dictionary_page_offset && a->dictionary_page_offset != b->dictionary_page_offset) ||
        a->has_stats != b->has_stats || (a->has_stats && !stats_eq(&a->stats, &b->stats)))
        return 0;
    for (size_t i = 0; i < a->nencodings; i++)
        if (a->encodings[i] != b->encodings[i])
            return 0;
    for (size_t i = 0; i < a->npath; i++)
        if (!str_eq(a->path[i], b->path[i]))
            return 0;
    return 1;
}

static int
meta_eq(const tp_pq_meta *a, const tp_pq_meta *b)
{
    if (a->version != b->version || a->nschema != b->nschema || a->num_rows != b->num_rows ||
        a->nrow_groups != b->nrow_groups || a->nkv != b->nkv ||
        !str_eq(a->created_by, b->created_by) || a->ncolumn_orders != b->ncolumn_orders ||
        a->encrypted != b->encrypted)
        return 0;
    for (size_t i = 0; i < a->nschema; i++)
        if (!schema_eq(&a->schema[i], &b->schema[i]))
            return 0;
    for (size_t i = 0; i < a->nrow_groups; i++) {
        const tp_pq_rowgroup *ga = &a->row_groups[i], *gb = &b->row_groups[i];
        if (ga->ncolumns != gb->ncolumns || ga->total_byte_size != gb->total_byte_size ||
            ga->num_rows != gb->num_rows)
            return 0;
        for (size_t j = 0; j < ga->ncolumns; j++) {
            const tp_pq_chunk *ca = &ga->columns[j], *cb = &gb->columns[j];
            if (!str_eq(ca->file_path, cb->file_path) || ca->file_offset != cb->file_offset ||
                ca->has_meta != cb->has_meta || ca->encrypted != cb->encrypted ||
                (ca->has_meta && !colmeta_eq(&ca->meta, &cb->meta)))
                return 0;
        }
    }
    for (size_t i = 0; i < a->nkv; i++)
        if (!str_eq(a->kv[i].key, b->kv[i].key) || !str_eq(a->kv[i].value, b->kv[i].value))
            return 0;
    return 1;
}

/* A footer using every field tp_pq_meta has; statics only (nothing to free). */
static tp_pq_schema schema[1 + NLEAF];
static char names[NLEAF][8];
static char *paths[NLEAF][1];
static int encodings[] = {TP_PQ_PLAIN, TP_PQ_RLE, TP_PQ_RLE_DICTIONARY};
static tp_pq_chunk chunks[2][NLEAF];
static tp_pq_rowgroup groups[2];
static tp_pq_kv kvs[] = {{"ARROW:schema", "abc"}, {"novalue", NULL}};

static void
leaf(int i, const char *name, int type, int rep, int converted, int logical)
{
    tp_pq_schema *e = &schema[1 + i];
    memset(e, 0, sizeof *e);
    snprintf(names[i], sizeof names[i], "%s", name);
    e->name = names[i];
    e->type = type;
    e->repetition = rep;
    e->converted = converted;
    e->logical = logical;
}

static void
sample(tp_pq_meta *m)
{
    memset(m, 0, sizeof *m);
    memset(&schema[0], 0, sizeof schema[0]);
    schema[0].name = "schema";
    schema[0].type = -1;
    schema[0].repetition = TP_PQ_REP_NONE;
    schema[0].num_children = NLEAF;
    schema[0].converted = TP_PQ_CT_NONE;
    leaf(0, "id", TP_PQ_INT64, TP_PQ_REQUIRED, TP_PQ_CT_INT_64, TP_PQ_LT_INTEGER);
    schema[1].lt_bits = 64;
    schema[1].lt_signed = 1;
    leaf(1, "name", TP_PQ_BYTE_ARRAY, TP_PQ_OPTIONAL, TP_PQ_CT_UTF8, TP_PQ_LT_STRING);
    leaf(2, "price", TP_PQ_FIXED_LEN_BYTE_ARRAY, TP_PQ_OPTIONAL, TP_PQ_CT_DECIMAL,
         TP_PQ_LT_DECIMAL);
    schema[3].type_length = 16;
    schema[3].scale = schema[3].lt_scale = 4;
    schema[3].precision = schema[3].lt_precision = 38;
    leaf(3, "ts", TP_PQ_INT64, TP_PQ_OPTIONAL, TP_PQ_CT_TIMESTAMP_MICROS, TP_PQ_LT_TIMESTAMP);
    schema[4].lt_unit = TP_PQ_MICROS;
    schema[4].lt_utc = 1;
    leaf(4, "t", TP_PQ_INT32, TP_PQ_REPEATED, TP_PQ_CT_TIME_MILLIS, TP_PQ_LT_TIME);
    schema[5].lt_unit = TP_PQ_MILLIS;
    leaf(5, "d", TP_PQ_INT32, TP_PQ_OPTIONAL, TP_PQ_CT_DATE, TP_PQ_LT_DATE);
    leaf(6, "u16", TP_PQ_INT32, TP_PQ_OPTIONAL, TP_PQ_CT_UINT_16, TP_PQ_LT_INTEGER);
    schema[7].lt_bits = 16;
    leaf(7, "f16", TP_PQ_FIXED_LEN_BYTE_ARRAY, TP_PQ_OPTIONAL, TP_PQ_CT_NONE, TP_PQ_LT_FLOAT16);
    schema[8].type_length = 2;
    for (int i = 8; i < NLEAF; i++) {
        char n[8];
        snprintf(n, sizeof n, "c%d", i);
        leaf(i, n, i % 2 ? TP_PQ_DOUBLE : TP_PQ_INT32, TP_PQ_REQUIRED, TP_PQ_CT_NONE, 0);
    }
    for (int g = 0; g < 2; g++) {
        int64_t off = 4 + g * 100000;
        for (int i = 0; i < NLEAF; i++) {
            tp_pq_chunk *c = &chunks[g][i];
            memset(c, 0, sizeof *c);
            paths[i][0] = names[i];
            c->file_offset = off;
            c->has_meta = !(g == 1 && i == 5);
            c->meta.type = schema[1 + i].type;
            c->meta.encodings = encodings;
            c->meta.nencodings = 1 + (size_t)(i % 3);
            c->meta.path = paths[i];
            c->meta.npath = 1;
            c->meta.codec = i % 2 ? TP_PQ_ZSTD : TP_PQ_SNAPPY;
            c->meta.num_values = 1000 + i;
            c->meta.total_uncompressed_size = 5000 + i;
            c->meta.total_compressed_size = 3000 + i;
            c->meta.has_dictionary_page_offset = i % 4 == 0;
            c->meta.dictionary_page_offset = off;
            c->meta.data_page_offset = off + (i % 4 == 0 ? 50 : 0);
            c->meta.has_stats = i % 3 != 2;
            c->meta.stats.has_null_count = 1;
            c->meta.stats.null_count = i;
            c->meta.stats.has_min = i % 2;
            c->meta.stats.min = (const uint8_t *)"\x01\x00\x00\x00";
            c->meta.stats.min_len = 4;
            c->meta.stats.has_max = 1;
            c->meta.stats.max = (const uint8_t *)"";
            c->meta.stats.max_len = 0;
            c->meta.stats.has_nan_count = i == 9;
            c->meta.stats.nan_count = 3;
            off += 3000 + i;
        }
        chunks[g][3].file_path = g ? "other.parquet" : NULL;
        groups[g].columns = chunks[g];
        groups[g].ncolumns = NLEAF;
        groups[g].total_byte_size = 123456789012LL + g;
        groups[g].num_rows = 1000;
    }
    m->version = 1;
    m->schema = schema;
    m->nschema = 1 + NLEAF;
    m->num_rows = 2000;
    m->row_groups = groups;
    m->nrow_groups = 2;
    m->kv = kvs;
    m->nkv = 2;
    m->created_by = "tp unit test";
    m->ncolumn_orders = NLEAF;
}

static void
test_meta_roundtrip(void)
{
    tp_pq_meta m, d;
    tp_bytes b = {0};
    sample(&m);
    tp_pq_meta_encode(&m, &b);
    CHECK(tp_pq_meta_decode(b.p, b.len, &d) == 0);
    CHECK(meta_eq(&m, &d));
    CHECK(d.schema[3].type_length == 16 && d.schema[4].lt_unit == TP_PQ_MICROS);
    CHECK(d.row_groups[1].columns[5].has_meta == 0);
    CHECK(strcmp(d.row_groups[1].columns[3].file_path, "other.parquet") == 0);
    tp_pq_meta_free(&d);
    CHECK(d.schema == NULL && d.nschema == 0);

    /* bytes after the footer's struct are not read */
    tp_bytes_put(&b, "junk", 4);
    CHECK(tp_pq_meta_decode(b.p, b.len, &d) == 0 && meta_eq(&m, &d));
    tp_pq_meta_free(&d);
    b.len -= 4;

    /* without the optional parts */
    m.nkv = 0;
    m.created_by = NULL;
    m.ncolumn_orders = 0;
    m.nrow_groups = 0;
    tp_bytes b2 = {0};
    tp_pq_meta_encode(&m, &b2);
    CHECK(tp_pq_meta_decode(b2.p, b2.len, &d) == 0 && meta_eq(&m, &d));
    CHECK(d.kv == NULL && d.created_by == NULL && d.nrow_groups == 0);
    tp_pq_meta_free(&d);
    tp_bytes_free(&b2);

    /* every cut of the full encoding fails cleanly and frees (valgrind, ASan) */
    int all = 1;
    for (size_t k = 0; k < b.len; k++) {
        uint8_t *cut = malloc(k ? k : 1);
        memcpy(cut, b.p, k);
        all &= tp_pq_meta_decode(cut, k, &d) == -1;
        all &= strncmp(tp_errmsg(), "footer: ", 8) == 0;
        tp_pq_meta_free(&d);
        free(cut);
    }
    CHECK(all);

    /* every single-byte change decodes or fails, without a crash or a leak */
    for (size_t k = 0; k < b.len; k++) {
        static const uint8_t xors[] = {0x01, 0x10, 0x80, 0xff};
        for (size_t x = 0; x < sizeof xors; x++) {
            b.p[k] ^= xors[x];
            (void)tp_pq_meta_decode(b.p, b.len, &d);
            tp_pq_meta_free(&d);
            b.p[k] ^= xors[x];
        }
    }
    tp_bytes_free(&b);
}

static int
decode_fails(const void *p, size_t n, const char *msg)
{
    tp_pq_meta d;
    int rc = tp_pq_meta_decode(p, n, &d);
    tp_pq_meta_free(&d);
    if (rc != -1 || strcmp(tp_errmsg(), msg) != 0) {
        fprintf(stderr, "decode: rc %d, message '%s', expected '%s'\n", rc, tp_errmsg(), msg);
        return 0;
    }
    return 1;
}

static void
test_meta_hostile(void)
{
    CHECK(decode_fails("", 0, "footer: truncated"));
    /* version 1, then a schema list claiming 2,000,000,000 elements */
    CHECK(decode_fails("\x15\x02\x19\xfc\x80\xa8\xd6\xb9\x07", 9,
                       "footer: list of 2000000000 elements in 0 bytes"));
    /* only the version */
    CHECK(decode_fails("\x15\x02\x00", 3, "footer: file metadata without schema"));
    /* the version as a string: skipped, so missing */
    CHECK(decode_fails("\x18\x01x\x00", 4, "footer: file metadata without version"));
    /* a schema element without its name */
    CHECK(decode_fails("\x15\x02\x19\x1c\x15\x02\x00\x16\x00\x19\x0c\x00", 12,
                       "footer: schema element without name"));
    /* an unknown physical type */
    CHECK(decode_fails("\x15\x02\x19\x1c\x15\x20\x00", 7, "footer: unknown physical type 16"));
    /* a negative row count */
    CHECK(decode_fails("\x15\x02\x19\x0c\x16\x01\x00", 7, "footer: number of rows -1 below 0"));
    /* an unknown field 20 nesting 100 structs */
    uint8_t deep[210];
    deep[0] = 0x0c;
    deep[1] = 40; /* field id 20, zigzag */
    memset(deep + 2, 0x1c, 100);
    memset(deep + 102, 0, 101);
    CHECK(decode_fails(deep, 203, "footer: nested too deep"));

    /* unknown fields of every kind are skipped: field 20 as a struct, then the rest */
    tp_bytes b = {0};
    tp_pq_meta m, d;
    sample(&m);
    tp_bytes_put(&b,
                 "\x0c\x28\x18\x03"
                 "abc\x1b\x01\x85\x01x\x02\x00",
                 14);
    tp_bytes e = {0};
    tp_pq_meta_encode(&m, &e);
    /* e starts with field 1 in short form; after field 20 it needs the long form */
    tp_bytes_put(&b, "\x05\x02", 2);
    tp_bytes_put(&b, e.p + 1, e.len - 1);
    CHECK(tp_pq_meta_decode(b.p, b.len, &d) == 0 && meta_eq(&m, &d));
    tp_pq_meta_free(&d);
    tp_bytes_free(&b);
    tp_bytes_free(&e);
}

static int
page_eq(const tp_pq_page *a, const tp_pq_page *b)
{
    return a->type == b->type && a->uncompressed_page_size == b->uncompressed_page_size &&
           a->compressed_page_size == b->compressed_page_size && a->has_crc == b->has_crc &&
           a->crc == b->crc && a->num_values == b->num_values && a->encoding == b->encoding &&
           a->def_encoding == b->def_encoding && a->rep_encoding == b->rep_encoding &&
           a->num_nulls == b->num_nulls && a->num_rows == b->num_rows && a->def_len == b->def_len &&
           a->rep_len == b->rep_len && a->is_compressed == b->is_compressed;
}

static void
test_page(void)
{
    tp_pq_page pages[4];
    memset(pages, 0, sizeof pages);
    pages[0].type = TP_PQ_DATA_PAGE;
    pages[0].uncompressed_page_size = 100000;
    pages[0].compressed_page_size = 4321;
    pages[0].has_crc = 1;
    pages[0].crc = 0xDEADBEEF;
    pages[0].num_values = 5000;
    pages[0].encoding = TP_PQ_RLE_DICTIONARY;
    pages[0].def_encoding = TP_PQ_RLE;
    pages[0].rep_encoding = TP_PQ_BIT_PACKED;
    pages[0].is_compressed = 1;
    pages[0].has_stats = 1;
    pages[0].stats.has_min = pages[0].stats.has_max = 1;
    pages[0].stats.min = (const uint8_t *)"aa";
    pages[0].stats.min_len = 2;
    pages[0].stats.max = (const uint8_t *)"zzz";
    pages[0].stats.max_len = 3;
    pages[1].type = TP_PQ_DICTIONARY_PAGE;
    pages[1].uncompressed_page_size = pages[1].compressed_page_size = 77;
    pages[1].num_values = 7;
    pages[1].encoding = TP_PQ_PLAIN;
    pages[1].is_compressed = 1;
    pages[1].has_crc = 1;
    pages[1].crc = 0x12345678;
    pages[2].type = TP_PQ_DATA_PAGE_V2;
    pages[2].uncompressed_page_size = 2000;
    pages[2].compressed_page_size = 1000;
    pages[2].num_values = 300;
    pages[2].num_nulls = 12;
    pages[2].num_rows = 290;
    pages[2].encoding = TP_PQ_DELTA_BINARY_PACKED;
    pages[2].def_len = 40;
    pages[2].rep_len = 8;
    pages[2].is_compressed = 0;
    pages[3].type = TP_PQ_INDEX_PAGE;
    pages[3].uncompressed_page_size = pages[3].compressed_page_size = 5;
    pages[3].is_compressed = 1;

    for (int i = 0; i < 4; i++) {
        tp_bytes b = {0};
        tp_pq_page d;
        tp_pq_page_encode(&pages[i], &b);
        size_t len = b.len;
        CHECK(tp_pq_page_decode(b.p, b.len, &d) == (long)len);
        CHECK(page_eq(&pages[i], &d) && d.has_stats == 0);
        /* the page's bytes follow the header */
        tp_bytes_put(&b, "PAGEDATA", 8);
        CHECK(tp_pq_page_decode(b.p, b.len, &d) == (long)len && page_eq(&pages[i], &d));
        /* every cut inside the header asks for more bytes */
        int all = 1;
        for (size_t k = 0; k < len; k++) {
            uint8_t *cut = malloc(k ? k : 1);
            memcpy(cut, b.p, k);
            all &= tp_pq_page_decode(cut, k, &d) == 0;
            free(cut);
        }
        CHECK(all);
        tp_bytes_free(&b);
    }

    tp_pq_page d;
    /* type 0, sizes 10 and -5 */
    CHECK(tp_pq_page_decode((const uint8_t *)"\x15\x00\x15\x14\x15\x09\x00", 7, &d) == -1);
    CHECK(strcmp(tp_errmsg(), "page header: compressed page size -5 below 0") == 0);
    CHECK(tp_pq_page_decode((const uint8_t *)"\x15\x00\x15\x14\x15\x14\x00", 7, &d) == -1);
    CHECK(strcmp(tp_errmsg(), "page header: page header without data_page_header") == 0);
    /* a dictionary page header without its encoding */
    CHECK(tp_pq_page_decode((const uint8_t *)"\x15\x04\x15\x14\x15\x14\x4c\x15\x02\x00\x00", 11,
                            &d) == -1);
    CHECK(strcmp(tp_errmsg(), "page header: dictionary page header without encoding") == 0);
    /* an overlong varint is malformed, not short */
    CHECK(tp_pq_page_decode((const uint8_t *)"\x15\xff\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 12,
                            &d) == -1);
}

/* Reading the real files. */

static uint8_t *
slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, len = 0, got;
    uint8_t *p = tp_xmalloc(cap);
    while ((got = fread(p + len, 1, cap - len, f)) > 0) {
        len += got;
        if (len == cap)
            p = tp_xrealloc(p, cap *= 2);
    }
    fclose(f);
    *n = len;
    return p;
}

/* The footer of a file read whole: NULL unless it ends "len PAR1" with a sane len. */
static const uint8_t *
footer(const uint8_t *p, size_t n, size_t *flen)
{
    if (n < 12 || memcmp(p + n - 4, "PAR1", 4) != 0)
        return NULL;
    uint32_t len = (uint32_t)p[n - 8] | (uint32_t)p[n - 7] << 8 | (uint32_t)p[n - 6] << 16 |
                   (uint32_t)p[n - 5] << 24;
    if (len > n - 12)
        return NULL;
    *flen = len;
    return p + n - 8 - len;
}

static size_t
leaves(const tp_pq_meta *m)
{
    size_t k = 0;
    for (size_t i = 1; i < m->nschema; i++)
        k += m->schema[i].num_children == 0;
    return k;
}

/* Decode the first page header of every column chunk; returns how many decoded. */
static size_t
first_pages(const uint8_t *p, size_t n, const tp_pq_meta *m, int *bad)
{
    size_t ok = 0;
    for (size_t g = 0; g < m->nrow_groups; g++)
        for (size_t c = 0; c < m->row_groups[g].ncolumns; c++) {
            const tp_pq_chunk *ch = &m->row_groups[g].columns[c];
            if (!ch->has_meta)
                continue;
            int64_t off = ch->meta.data_page_offset;
            /* some writers put 0 for "no dictionary" (dict-page-offset-zero.parquet) */
            if (ch->meta.has_dictionary_page_offset && ch->meta.dictionary_page_offset > 0 &&
                ch->meta.dictionary_page_offset < off)
                off = ch->meta.dictionary_page_offset;
            if (off < 4 || (uint64_t)off >= n)
                continue;
            tp_pq_page h;
            long r = tp_pq_page_decode(p + off, n - (size_t)off, &h);
            if (r > 0 && h.compressed_page_size <= (int64_t)(n - (size_t)off - (size_t)r))
                ok++;
            else
                *bad = 1;
        }
    return ok;
}

static const char *
data_dir(void)
{
    const char *d = getenv("TP_SHARED_DATA");
    return d && *d ? d : "../shared/data";
}

static void
test_alltypes_plain(void)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/parquet-testing/alltypes_plain.parquet", data_dir());
    size_t n, flen;
    uint8_t *p = slurp(path, &n);
    if (!p) {
        fprintf(stderr, "test_pqmeta: SKIP: %s absent\n", path);
        return;
    }
    const uint8_t *f = footer(p, n, &flen);
    tp_pq_meta m;
    CHECK(f && tp_pq_meta_decode(f, flen, &m) == 0);
    static const char *const want[] = {
        "id",        "bool_col",   "tinyint_col",     "smallint_col", "int_col",      "bigint_col",
        "float_col", "double_col", "date_string_col", "string_col",   "timestamp_col"};
    CHECK(m.nschema == 12);
    if (m.nschema == 12)
        for (size_t i = 0; i < 11; i++)
            CHECK(strcmp(m.schema[1 + i].name, want[i]) == 0);
    CHECK(m.schema[0].num_children == 11 && m.schema[1].type == TP_PQ_INT32);
    CHECK(m.schema[11].type == TP_PQ_INT96 && m.schema[10].type == TP_PQ_BYTE_ARRAY);
    CHECK(m.num_rows == 8 && m.nrow_groups == 1);
    CHECK(m.nrow_groups == 1 && m.row_groups[0].ncolumns == 11 && m.row_groups[0].num_rows == 8);
    /* the first page of each chunk, at the dictionary page when there is one */
    size_t pages = 0;
    for (size_t c = 0; m.nrow_groups == 1 && c < m.row_groups[0].ncolumns; c++) {
        const tp_pq_colmeta *cm = &m.row_groups[0].columns[c].meta;
        CHECK(m.row_groups[0].columns[c].has_meta && cm->npath == 1 &&
              strcmp(cm->path[0], want[c]) == 0 && cm->num_values == 8);
        int64_t off =
            cm->has_dictionary_page_offset ? cm->dictionary_page_offset : cm->data_page_offset;
        tp_pq_page h;
        long r =
            off > 0 && (uint64_t)off < n ? tp_pq_page_decode(p + off, n - (size_t)off, &h) : -1;
        CHECK(r > 0);
        if (r <= 0)
            continue;
        pages++;
        CHECK(h.type == (cm->has_dictionary_page_offset ? TP_PQ_DICTIONARY_PAGE : TP_PQ_DATA_PAGE));
        CHECK(h.compressed_page_size >= 0 && off + r + h.compressed_page_size <= (int64_t)n);
        if (h.type == TP_PQ_DICTIONARY_PAGE) {
            /* the data page follows the dictionary page */
            int64_t next = off + r + h.compressed_page_size;
            CHECK(next == cm->data_page_offset);
            tp_pq_page h2;
            r = tp_pq_page_decode(p + next, n - (size_t)next, &h2);
            CHECK(r > 0 && h2.type == TP_PQ_DATA_PAGE && h2.num_values == 8);
        }
    }
    CHECK(pages == 11);
    tp_pq_meta_free(&m);
    free(p);
}

static void
test_flights(void)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/flights-3m-parquet/part-00000.parquet", data_dir());
    size_t n, flen;
    uint8_t *p = slurp(path, &n);
    if (!p) {
        fprintf(stderr, "test_pqmeta: SKIP: %s absent\n", path);
        return;
    }
    const uint8_t *f = footer(p, n, &flen);
    tp_pq_meta m;
    CHECK(f && tp_pq_meta_decode(f, flen, &m) == 0);
    CHECK(m.num_rows == 3000000 && m.nrow_groups == 11);
    int64_t rows = 0;
    int zstd = 1;
    for (size_t g = 0; g < m.nrow_groups; g++) {
        rows += m.row_groups[g].num_rows;
        for (size_t c = 0; c < m.row_groups[g].ncolumns; c++)
            zstd &= m.row_groups[g].columns[c].has_meta &&
                    m.row_groups[g].columns[c].meta.codec == TP_PQ_ZSTD;
    }
    CHECK(rows == 3000000 && zstd);
    int bad = 0;
    CHECK(first_pages(p, n, &m, &bad) == m.nrow_groups * leaves(&m) && !bad);
    tp_pq_meta_free(&m);
    free(p);
}

/* Every footer of a directory: a good one must decode, a bad one may fail but cleanly. */
static void
test_dir(const char *sub, int good)
{
    char dir[4096], path[8192];
    snprintf(dir, sizeof dir, "%s/%s", data_dir(), sub);
    DIR *d = opendir(dir);
    if (!d) {
        fprintf(stderr, "test_pqmeta: SKIP: %s absent\n", dir);
        return;
    }
    struct dirent *de;
    int files = 0;
    while ((de = readdir(d))) {
        size_t nl = strlen(de->d_name);
        if (nl < 8 || strcmp(de->d_name + nl - 8, ".parquet") != 0)
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, de->d_name);
        size_t n, flen;
        uint8_t *p = slurp(path, &n);
        if (!p)
            continue;
        const uint8_t *f = footer(p, n, &flen);
        if (!f) { /* an encrypted footer ("PARE") or a broken tail */
            CHECK(!good || memcmp(p + n - 4, "PARE", 4) == 0);
            free(p);
            continue;
        }
        files++;
        tp_pq_meta m;
        int rc = tp_pq_meta_decode(f, flen, &m);
        if (good) {
            if (rc != 0)
                fprintf(stderr, "test_pqmeta: %s: %s\n", de->d_name, tp_errmsg());
            CHECK(rc == 0);
        }
        if (rc == 0) {
            int64_t rows = 0, cols_ok = 1;
            for (size_t g = 0; g < m.nrow_groups; g++) {
                rows += m.row_groups[g].num_rows;
                cols_ok &= m.row_groups[g].ncolumns == leaves(&m);
            }
            int bad = 0;
            size_t pages = first_pages(p, n, &m, &bad);
            if (good) {
                if (rows != m.num_rows || !cols_ok || bad)
                    fprintf(stderr, "test_pqmeta: %s: rows %lld of %lld, columns %s, pages %zu%s\n",
                            de->d_name, (long long)rows, (long long)m.num_rows,
                            cols_ok ? "ok" : "wrong", pages, bad ? ", a bad one" : "");
                CHECK(rows == m.num_rows && cols_ok && !bad);
            }
        }
        tp_pq_meta_free(&m);
        free(p);
    }
    closedir(d);
    CHECK(files > 0);
}

void
test_pqmeta(void)
{
    test_meta_roundtrip();
    test_meta_hostile();
    test_page();
    test_alltypes_plain();
    test_flights();
    test_dir("parquet-testing", 1);
    test_dir("parquet-testing/bad_data", 0);
}
