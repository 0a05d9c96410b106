/*
 * Unit tests for the Parquet writer: files written to a temporary directory are read
 * back with pqmeta's decoder and pqenc's RLE decoder, independently of the writer's
 * own code paths, and checked field by field (layout, schema, row groups, pages,
 * statistics, dictionary choice, bad values, determinism).
 */
#include "unit.h"

#include "err.h"
#include "pqcodec.h"
#include "pqenc.h"
#include "pqmeta.h"
#include "pqwrite.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char dir[] = "/tmp/tp-unit-pqwrite.XXXXXX";

static uint8_t *
slurp(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long sz = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *p = malloc(sz > 0 ? (size_t)sz : 1);
    *n = fread(p, 1, (size_t)sz, f);
    fclose(f);
    return p;
}

static uint32_t
le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static int64_t
le64(const uint8_t *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    return (int64_t)v;
}

/* Decode the footer of the file bytes p[0..n); 0 or -1. */
static int
footer(const uint8_t *p, size_t n, tp_pq_meta *m)
{
    memset(m, 0, sizeof *m);
    if (n < 12 || memcmp(p, "PAR1", 4) != 0 || memcmp(p + n - 4, "PAR1", 4) != 0)
        return -1;
    uint32_t flen = le32(p + n - 8);
    if (flen > n - 12)
        return -1;
    return tp_pq_meta_decode(p + n - 8 - flen, flen, m);
}

static int
add(tp_pq_writer *w, const char *a, const char *b, const char *c, const char *d)
{
    const char *f[] = {a, b, c, d};
    size_t len[] = {strlen(a), strlen(b), strlen(c), strlen(d)};
    return tp_pq_writer_row(w, f, len);
}

static const char *const names[] = {"i", "x", "b", "s"};
static const int kinds[] = {TP_PQW_INT64, TP_PQW_DOUBLE, TP_PQW_BOOL, TP_PQW_STRING};

static void
small_file(const char *path, int codec, long long group)
{
    static const char *const k[] = {"tp.signature"}, *const v[] = {"i,x,b,s\n"};
    tp_pq_writer *w = tp_pq_writer_open(path, 4, names, kinds, codec, group, 1 << 20, k, v, 1);
    CHECK(w != NULL);
    if (!w)
        return;
    CHECK(add(w, "7", "1.5", "true", "z") == 0);
    CHECK(add(w, "-3", "-0", "NA", "\303\251") == 0);
    CHECK(add(w, "", "0", "FALSE", "") == 0);
    /* a bad value: refused, the writer unchanged */
    CHECK(add(w, "12x", "1", "true", "a") == -1);
    CHECK(tp_pq_writer_bad_column(w) == 0);
    CHECK(strcmp(tp_errmsg(), "column 'i': not an int64: '12x'") == 0);
    CHECK(add(w, "1", "1", "yes", "a") == -1);
    CHECK(tp_pq_writer_bad_column(w) == 2);
    CHECK(strcmp(tp_errmsg(), "column 'b': not a bool: 'yes'") == 0);
    CHECK(add(w, "1", "abc", "true", "a") == -1);
    CHECK(strcmp(tp_errmsg(), "column 'x': not a float64: 'abc'") == 0);
    CHECK(add(w, "9223372036854775807", "1e300", "true", "a") == 0);
    CHECK(tp_pq_writer_bytes(w) >= 4);
    CHECK(tp_pq_writer_commit(w) == 0);
}

static void
test_layout(void)
{
    char path[256];
    snprintf(path, sizeof path, "%s/a.parquet", dir);
    small_file(path, TP_PQ_UNCOMPRESSED, 1000);
    size_t n;
    uint8_t *p = slurp(path, &n);
    CHECK(p != NULL);
    if (!p)
        return;
    tp_pq_meta m;
    CHECK(footer(p, n, &m) == 0);
    CHECK(m.num_rows == 4);
    CHECK(m.nschema == 5);
    CHECK(m.nschema == 5 && strcmp(m.schema[0].name, "schema") == 0 &&
          m.schema[0].num_children == 4);
    CHECK(m.nschema == 5 && m.schema[1].type == TP_PQ_INT64 &&
          m.schema[1].repetition == TP_PQ_OPTIONAL && strcmp(m.schema[1].name, "i") == 0);
    CHECK(m.nschema == 5 && m.schema[2].type == TP_PQ_DOUBLE && m.schema[3].type == TP_PQ_BOOLEAN);
    CHECK(m.nschema == 5 && m.schema[4].type == TP_PQ_BYTE_ARRAY &&
          m.schema[4].logical == TP_PQ_LT_STRING && m.schema[4].converted == TP_PQ_CT_UTF8);
    CHECK(m.created_by && strcmp(m.created_by, "tp version 0.1.0") == 0);
    CHECK(m.nkv == 1 && strcmp(m.kv[0].key, "tp.signature") == 0 &&
          strcmp(m.kv[0].value, "i,x,b,s\n") == 0);
    CHECK(m.ncolumn_orders == 4);
    CHECK(m.nrow_groups == 1);
    if (m.nrow_groups == 1 && m.row_groups[0].ncolumns == 4) {
        tp_pq_chunk *c = m.row_groups[0].columns;
        CHECK(m.row_groups[0].num_rows == 4);
        /* int64: min -3, max INT64_MAX, one null */
        tp_pq_colmeta *cm = &c[0].meta;
        CHECK(cm->num_values == 4 && cm->codec == TP_PQ_UNCOMPRESSED);
        CHECK(cm->stats.has_null_count && cm->stats.null_count == 1);
        CHECK(cm->stats.has_min && cm->stats.min_len == 8 && le64(cm->stats.min) == -3);
        CHECK(cm->stats.has_max && le64(cm->stats.max) == INT64_MAX);
        CHECK(cm->data_page_offset == 4 && c[0].file_offset == 4);
        CHECK(!cm->has_dictionary_page_offset);
        /* the first data page: header, def levels 1 1 0 1, values 7 -3 MAX */
        tp_pq_page h;
        long hl = tp_pq_page_decode(p + 4, n - 4, &h);
        CHECK(hl > 0);
        if (hl > 0) {
            const uint8_t *b = p + 4 + hl;
            CHECK(h.type == TP_PQ_DATA_PAGE && h.num_values == 4 && h.encoding == TP_PQ_PLAIN &&
                  h.def_encoding == TP_PQ_RLE);
            CHECK(h.compressed_page_size == h.uncompressed_page_size);
            uint32_t dl = le32(b), lv[4];
            CHECK(tp_pq_rle_decode(b + 4, dl, 1, lv, 4) > 0);
            CHECK(lv[0] == 1 && lv[1] == 1 && lv[2] == 0 && lv[3] == 1);
            CHECK((size_t)h.uncompressed_page_size == 4 + dl + 24);
            CHECK(le64(b + 4 + dl) == 7 && le64(b + 4 + dl + 8) == -3);
            CHECK(cm->total_compressed_size == hl + h.compressed_page_size);
        }
        /* double: -0 and 0 make min -0.0 and max 1e300 */
        cm = &c[1].meta;
        double d;
        CHECK(cm->stats.null_count == 0);
        memcpy(&d, cm->stats.min, 8);
        CHECK(d == 0 && signbit(d));
        memcpy(&d, cm->stats.max, 8);
        CHECK(d == 1e300);
        /* bool: NA is a null; min false, max true */
        cm = &c[2].meta;
        CHECK(cm->stats.null_count == 1 && cm->stats.min_len == 1 && cm->stats.min[0] == 0 &&
              cm->stats.max[0] == 1);
        /* string: byte-wise unsigned order puts "\303\251" after "z"; "" is a null */
        cm = &c[3].meta;
        CHECK(cm->stats.null_count == 1);
        CHECK(cm->stats.min_len == 1 && memcmp(cm->stats.min, "a", 1) == 0);
        CHECK(cm->stats.max_len == 2 && memcmp(cm->stats.max, "\303\251", 2) == 0);
        CHECK(c[1].file_offset > c[0].file_offset && c[2].file_offset > c[1].file_offset);
    }
    tp_pq_meta_free(&m);
    free(p);

    /* same rows, same options: same bytes; every codec reads back as a footer */
    char path2[256];
    snprintf(path2, sizeof path2, "%s/b.parquet", dir);
    small_file(path2, TP_PQ_UNCOMPRESSED, 1000);
    size_t n2;
    uint8_t *p1 = slurp(path, &n), *p2 = slurp(path2, &n2);
    CHECK(p1 && p2 && n == n2 && memcmp(p1, p2, n) == 0);
    free(p1);
    free(p2);
    int codecs[] = {TP_PQ_SNAPPY, TP_PQ_GZIP, TP_PQ_ZSTD};
    for (int i = 0; i < 3; i++) {
        small_file(path2, codecs[i], 2);
        p2 = slurp(path2, &n2);
        CHECK(p2 && footer(p2, n2, &m) == 0);
        /* row groups of 2 rows: 4 rows make 2 groups */
        CHECK(m.nrow_groups == 2 && m.row_groups[1].num_rows == 2);
        CHECK(m.nrow_groups == 2 && m.row_groups[0].columns[0].meta.codec == codecs[i]);
        if (m.nrow_groups == 2) {
            /* the first page of the second group decompresses to its size */
            tp_pq_colmeta *cm = &m.row_groups[1].columns[0].meta;
            tp_pq_page h;
            size_t off = (size_t)cm->data_page_offset;
            long hl = tp_pq_page_decode(p2 + off, n2 - off, &h);
            CHECK(hl > 0);
            if (hl > 0) {
                uint8_t *u = malloc((size_t)h.uncompressed_page_size);
                CHECK(tp_pq_decompress(codecs[i], p2 + off + hl, (size_t)h.compressed_page_size, u,
                                       (size_t)h.uncompressed_page_size) == 0);
                CHECK(le64(u + 4 + le32(u)) == INT64_MAX);
                free(u);
            }
        }
        tp_pq_meta_free(&m);
        free(p2);
    }
    unlink(path);
    unlink(path2);
}

/* Strings: a column of few distinct values is dictionary encoded, one of unique values
 * is not; a group flushes at max_bytes. */
static void
test_dictionary(void)
{
    char path[256];
    snprintf(path, sizeof path, "%s/d.parquet", dir);
    const char *nm[] = {"rep", "uniq"};
    int kd[] = {TP_PQW_STRING, TP_PQW_STRING};
    tp_pq_writer *w =
        tp_pq_writer_open(path, 2, nm, kd, TP_PQ_UNCOMPRESSED, 1000000, 1 << 20, NULL, NULL, 0);
    CHECK(w != NULL);
    if (!w)
        return;
    char buf[32];
    for (int i = 0; i < 3000; i++) {
        snprintf(buf, sizeof buf, "value-%06d", i);
        const char *f[] = {i % 3 == 0 ? "red" : i % 3 == 1 ? "green" : "blue", buf};
        size_t len[] = {strlen(f[0]), strlen(f[1])};
        CHECK(tp_pq_writer_row(w, f, len) == 0 || (printf("%s\n", tp_errmsg()), 0));
    }
    CHECK(tp_pq_writer_commit(w) == 0);
    size_t n;
    uint8_t *p = slurp(path, &n);
    tp_pq_meta m;
    CHECK(p && footer(p, n, &m) == 0);
    CHECK(m.nrow_groups == 1);
    if (m.nrow_groups == 1) {
        tp_pq_colmeta *a = &m.row_groups[0].columns[0].meta, *b = &m.row_groups[0].columns[1].meta;
        CHECK(a->has_dictionary_page_offset && a->dictionary_page_offset == 4);
        CHECK(a->nencodings == 3 && a->encodings[2] == TP_PQ_RLE_DICTIONARY);
        CHECK(!b->has_dictionary_page_offset && b->nencodings == 2);
        tp_pq_page h;
        long hl = tp_pq_page_decode(p + 4, n - 4, &h);
        CHECK(hl > 0 && h.type == TP_PQ_DICTIONARY_PAGE && h.num_values == 3);
        /* the dictionary in first-seen order: red, green, blue */
        CHECK(hl > 0 && le32(p + 4 + hl) == 3 && memcmp(p + 4 + hl + 4, "red", 3) == 0);
        CHECK(a->stats.min_len == 4 && memcmp(a->stats.min, "blue", 4) == 0);
        CHECK(b->stats.max_len == 12 && memcmp(b->stats.max, "value-002999", 12) == 0);
    }
    tp_pq_meta_free(&m);
    free(p);

    /* max_bytes: a group holds at most about that many bytes of values */
    w = tp_pq_writer_open(path, 2, nm, kd, TP_PQ_SNAPPY, 1000000, 1000, NULL, NULL, 0);
    for (int i = 0; i < 100; i++) {
        snprintf(buf, sizeof buf, "value-%06d", i);
        const char *f[] = {"x", buf};
        size_t len[] = {1, strlen(buf)};
        tp_pq_writer_row(w, f, len);
    }
    CHECK(tp_pq_writer_commit(w) == 0);
    p = slurp(path, &n);
    CHECK(p && footer(p, n, &m) == 0);
    /* a row buffers 2 definition bytes + 5 + 16 value bytes: 1000 bytes take 44 rows */
    CHECK(m.nrow_groups == 3 && m.row_groups[0].num_rows == 44 && m.num_rows == 100);
    tp_pq_meta_free(&m);
    free(p);
    unlink(path);
}

static void
test_misc(void)
{
    CHECK(tp_pq_kind("int64") == TP_PQW_INT64 && tp_pq_kind("float64") == TP_PQW_DOUBLE);
    CHECK(tp_pq_kind("bool") == TP_PQW_BOOL && tp_pq_kind("object") == TP_PQW_STRING);
    CHECK(tp_pq_kind("int32") == -1);
    CHECK(tp_pq_codec_parse("SNAPPY") == TP_PQ_SNAPPY && tp_pq_codec_parse("zstd") == TP_PQ_ZSTD);
    CHECK(tp_pq_codec_parse("Gzip") == TP_PQ_GZIP &&
          tp_pq_codec_parse("none") == TP_PQ_UNCOMPRESSED);
    CHECK(tp_pq_codec_parse("lz4") == -1 && tp_pq_codec_parse("") == -1);
    /* an empty file: no row groups, still a valid footer */
    char path[256];
    snprintf(path, sizeof path, "%s/e.parquet", dir);
    tp_pq_writer *w =
        tp_pq_writer_open(path, 4, names, kinds, TP_PQ_SNAPPY, 10, 100, NULL, NULL, 0);
    CHECK(w && tp_pq_writer_commit(w) == 0);
    size_t n;
    uint8_t *p = slurp(path, &n);
    tp_pq_meta m;
    CHECK(p && footer(p, n, &m) == 0 && m.num_rows == 0 && m.nrow_groups == 0);
    tp_pq_meta_free(&m);
    free(p);
    unlink(path);
    /* abort leaves nothing; a directory that does not exist is an error */
    snprintf(path, sizeof path, "%s/f.parquet", dir);
    w = tp_pq_writer_open(path, 4, names, kinds, TP_PQ_SNAPPY, 10, 100, NULL, NULL, 0);
    CHECK(w && add(w, "1", "2", "true", "x") == 0);
    tp_pq_writer_abort(w);
    CHECK(access(path, F_OK) != 0);
    snprintf(path, sizeof path, "%s/no/such/g.parquet", dir);
    CHECK(tp_pq_writer_open(path, 4, names, kinds, TP_PQ_SNAPPY, 10, 100, NULL, NULL, 0) == NULL);
    CHECK(tp_pq_writer_open(path, 4, names, kinds, 99, 10, 100, NULL, NULL, 0) == NULL);
    /* /dev/full: the commit fails */
    w = tp_pq_writer_open("/dev/full", 4, names, kinds, TP_PQ_SNAPPY, 10, 100, NULL, NULL, 0);
    CHECK(w != NULL);
    if (w) {
        add(w, "1", "2", "true", "x");
        CHECK(tp_pq_writer_commit(w) == -1);
    }
}

void
test_pqwrite(void)
{
    if (!mkdtemp(dir)) {
        CHECK(!"mkdtemp");
        return;
    }
    test_layout();
    test_dictionary();
    test_misc();
    rmdir(dir);
}
