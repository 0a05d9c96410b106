/*
 * Parquet's FileMetaData and PageHeader (parquet.thrift) read from and written to the
 * Thrift compact protocol through thrift.h. Each struct has one decode function: a loop
 * over its fields that keeps the ones tp uses, skips the others (also a known field of
 * an unexpected type, as Thrift's generated code does) and checks at the end that the
 * required fields came. A decode stops at the reader's first error; what it allocated so
 * far is reachable from the output structure, so tp_pq_meta_free frees it either way.
 */
#include "pqmeta.h"

#include "err.h"
#include "thrift.h"

#include <stdlib.h>
#include <string.h>

#define BIT(id) (1u << (id))

/* The first required field missing from seen, as "WHAT without NAME". */
static void
require(tp_th_reader *r, uint32_t seen, uint32_t need, const char *what, const char *const *names)
{
    uint32_t miss = need & ~seen;
    for (int id = 0; id < 32 && miss; id++)
        if (miss & BIT(id)) {
            tp_th_fail(r, "%s without %s", what, names[id]);
            return;
        }
}

/* An integer field of any integer type, range-checked; another type is skipped (0). */
static int
get_int(tp_th_reader *r, int t, int64_t min, int64_t max, int64_t *v)
{
    int64_t x;
    switch (t) {
    case TP_TH_I8:
        x = tp_th_i8(r);
        break;
    case TP_TH_I16:
        x = tp_th_i16(r);
        break;
    case TP_TH_I32:
        x = tp_th_i32(r);
        break;
    case TP_TH_I64:
        x = tp_th_i64(r);
        break;
    default:
        tp_th_skip(r, t);
        return 0;
    }
    if (r->err)
        return 0;
    if (x < min || x > max) {
        tp_th_fail(r, "integer out of range");
        return 0;
    }
    *v = x;
    return 1;
}

static int
get_i32(tp_th_reader *r, int t, int32_t *v)
{
    int64_t x;
    if (!get_int(r, t, INT32_MIN, INT32_MAX, &x))
        return 0;
    *v = (int32_t)x;
    return 1;
}

/* An i32 that must not be negative (sizes, counts, lengths). */
static int
get_count(tp_th_reader *r, int t, int32_t *v, const char *what)
{
    if (!get_i32(r, t, v))
        return 0;
    if (*v < 0) {
        tp_th_fail(r, "%s %ld below 0", what, (long)*v);
        return 0;
    }
    return 1;
}

static int
get_enum(tp_th_reader *r, int t, int *v)
{
    int32_t x;
    if (!get_i32(r, t, &x))
        return 0;
    *v = x;
    return 1;
}

static int
get_i64(tp_th_reader *r, int t, int64_t *v)
{
    return get_int(r, t, INT64_MIN, INT64_MAX, v);
}

/* An i64 that must not be negative (row counts, sizes, offsets). */
static int
get_size64(tp_th_reader *r, int t, int64_t *v, const char *what)
{
    if (!get_i64(r, t, v))
        return 0;
    if (*v < 0) {
        tp_th_fail(r, "%s %lld below 0", what, (long long)*v);
        return 0;
    }
    return 1;
}

static int
get_bool(tp_th_reader *r, int t, int *v)
{
    if (t != TP_TH_TRUE && t != TP_TH_FALSE) {
        tp_th_skip(r, t);
        return 0;
    }
    *v = tp_th_field_bool(t);
    return 1;
}

/* A string field into *dst (malloc'd, NUL-terminated; a previous value is freed). */
static int
get_string(tp_th_reader *r, int t, char **dst)
{
    size_t n;
    if (t != TP_TH_BINARY) {
        tp_th_skip(r, t);
        return 0;
    }
    const uint8_t *s = tp_th_binary(r, &n);
    if (!s)
        return 0;
    free(*dst);
    *dst = tp_xmemdup((const char *)s, n);
    return 1;
}

/* A binary field into a malloc'd copy at *dst, *len (a previous value is freed). */
static int
get_bytes(tp_th_reader *r, int t, const uint8_t **dst, size_t *len)
{
    size_t n;
    if (t != TP_TH_BINARY) {
        tp_th_skip(r, t);
        return 0;
    }
    const uint8_t *s = tp_th_binary(r, &n);
    if (!s)
        return 0;
    free((void *)*dst);
    *dst = (const uint8_t *)tp_xmemdup((const char *)s, n);
    *len = n;
    return 1;
}

/* A list header whose elements must have type want; another list is skipped (0). */
static int
get_list(tp_th_reader *r, int t, int want, size_t *n)
{
    int et;
    if (t != TP_TH_LIST && t != TP_TH_SET) {
        tp_th_skip(r, t);
        return 0;
    }
    tp_th_list(r, &et, n);
    if (r->err)
        return 0;
    /* an empty list's element type says nothing */
    if (*n > 0 && et != want) {
        for (size_t i = 0; i < *n && !r->err; i++)
            tp_th_skip_elem(r, et);
        return 0;
    }
    return 1;
}

/* Freeing. */

static void
stats_free(tp_pq_stats *s)
{
    free((void *)s->min);
    free((void *)s->max);
    memset(s, 0, sizeof *s);
}

static void
schema_free(tp_pq_schema *e, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(e[i].name);
    free(e);
}

static void
strings_free(char **s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(s[i]);
    free(s);
}

static void
colmeta_free(tp_pq_colmeta *c)
{
    free(c->encodings);
    strings_free(c->path, c->npath);
    stats_free(&c->stats);
    memset(c, 0, sizeof *c);
}

static void
rowgroups_free(tp_pq_rowgroup *g, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < g[i].ncolumns; j++) {
            free(g[i].columns[j].file_path);
            colmeta_free(&g[i].columns[j].meta);
        }
        free(g[i].columns);
    }
    free(g);
}

static void
kv_free(tp_pq_kv *kv, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(kv[i].key);
        free(kv[i].value);
    }
    free(kv);
}

void
tp_pq_meta_free(tp_pq_meta *m)
{
    schema_free(m->schema, m->nschema);
    rowgroups_free(m->row_groups, m->nrow_groups);
    kv_free(m->kv, m->nkv);
    free(m->created_by);
    memset(m, 0, sizeof *m);
}

/* Decoding the footer. */

static void
decode_stats(tp_th_reader *r, tp_pq_stats *s)
{
    int16_t id;
    int t;
    tp_th_struct_begin(r);
    while ((t = tp_th_field(r, &id)) != TP_TH_STOP) {
        switch (id) {
        case 3:
            s->has_null_count = get_size64(r, t, &s->null_count, "null count");
            break;
        case 5:
            if (get_bytes(r, t, &s->max, &s->max_len))
                s->has_max = 1;
            break;
        case 6:
            if (get_bytes(r, t, &s->min, &s->min_len))
                s->has_min = 1;
            break;
        case 9:
            s->has_nan_count = get_size64(r, t, &s->nan_count, "NaN count");
            break;
        default:
            tp_th_skip(r, t);
        }
    }
    tp_th_struct_end(r);
}

/* TimeUnit: a union of empty structs; the member's id is the unit. */
static void
decode_unit(tp_th_reader *r, int *unit)
{
    int16_t id;
    int t;
    tp_th_struct_begin(r);
    while ((t = tp_th_field(r, &id)) != TP_TH_STOP) {
        if (t == TP_TH_STRUCT && id >= TP_PQ_MILLIS && id <= TP_PQ_NANOS)
            *unit = id;
        tp_th_skip(r, t);
    }
    tp_th_struct_end(r);
}

static const char *const decimal_names[] = {[1] = "scale", [2] = "precision"};
static const char *const time_names[] = {[1] = "isAdjustedToUTC", [2] = "unit"};
static const char *const int_names[] = {[1] = "bitWidth", [2] = "isSigned"};

/* One member of the LogicalType union, the struct of member id (DECIMAL, TIME, ...). */
static void
decode_logical_member(tp_th_reader *r, int member, tp_pq_schema *e)
{
    int16_t id;
    int t;
    uint32_t seen = 0;
    int64_t x;
    tp_th_struct_begin(r);
    while ((t = tp_th_field(r, &id)) != TP_TH_STOP) {
        int ok = 0;
        if (member == TP_PQ_LT_DECIMAL && id == 1)
            ok = get_i32(r, t, &e->lt_scale);
        else if (member == TP_PQ_LT_DECIMAL && id == 2)
            ok = get_i32(r, t, &e->lt_precision);
        else if ((member == TP_PQ_LT_TIME || member == TP_PQ_LT_TIMESTAMP) && id == 1)
            ok = get_bool(r, t, &e->lt_utc);
        else if ((member == TP_PQ_LT_TIME || member == TP_PQ_LT_TIMESTAMP) && id == 2) {
            e->lt_unit = 0;
            if (t == TP_TH_STRUCT)
                decode_unit(r, &e->lt_unit);
            else
                tp_th_skip(r, t);
            ok = e->lt_unit != 0;
        } else if (member == TP_PQ_LT_INTEGER && id == 1) {
            if ((ok = get_int(r, t, INT8_MIN, INT8_MAX, &x)))
                e->lt_bits = (int)x;
        } else if (member == TP_PQ_LT_INTEGER && id == 2)
            ok = get_bool(r, t, &e->lt_signed);
        else
            tp_th_skip(r, t);
        if (ok)
            seen |= BIT(id);
    }
    tp_th_struct_end(r);
    if (r->err)
        return;
    if (member == TP_PQ_LT_DECIMAL)
        require(r, seen, BIT(1) | BIT(2), "DECIMAL logical type", decimal_names);
    else if (member == TP_PQ_LT_TIME)
        require(r, seen, BIT(1) | BIT(2), "TIME logical type", time_names);
    else if (member == TP_PQ_LT_TIMESTAMP)
        require(r, seen, BIT(1) | BIT(2), "TIMESTAMP logical type", time_names);
    else if (member == TP_PQ_LT_INTEGER) {
        require(r, seen, BIT(1) | BIT(2), "INTEGER logical type", int_names);
        if (!r->err && e->lt_bits != 8 && e->lt_bits != 16 && e->lt_bits != 32 && e->lt_bits != 64)
            tp_th_fail(r, "INTEGER logical type of %d bits", e->lt_bits);
    }
}

static void
decode_logical(tp_th_reader *r, tp_pq_schema *e)
{
    int16_t id;
    int t;
    tp_th_struct_begin(r);
    while ((t = tp_th_field(r, &id)) != TP_TH_STOP) {
        if (t != TP_TH_STRUCT || id <= 0) {
            tp_th_skip(r, t);
            continue;
        }
        e->logical = id;
        e->lt_scale = e->lt_precision = e->lt_unit = e->lt_utc = e->lt_bits = e->lt_signed = 0;
        decode_logical_member(r, id, e);
    }
    tp_th_struct_end(r);
}

static const char *const schema_names[] = {[4] = "name"};

static void
decode_schema(tp_th_reader *r, tp_pq_schema *e)
{
    int16_t id;
    int t;
    uint32_t seen = 0;
    e->type = -1;
    e->repetition = TP_PQ_REP_NONE;
    e->converted = TP_PQ_CT_NONE;
    tp_th_struct_begin(r);
    while ((t = tp_th_field(r, &id)) != TP_TH_STOP) {
        switch (id) {
        case 1:
            if (get_enum(r, t, &e->type) &&
                (e->type < TP_PQ_BOOLEAN || e->type > TP_PQ_FIXED_LEN_BYTE_ARRAY))
                tp_th_fail(r, "unknown physical type %d", e->type);
            break;
        case 2:
            get_count(r, t, &e->type_length, "type length");
            break;
        case 3:
            if (get_enum(r, t, &e->repetition) &&
                (e->repetition < TP_PQ_REQUIRED || e->repetition > TP_PQ_REPEATED))
                tp_th_fail(r, "unsupported repetition %d", e->repetition);
            break;
        case 4:
            if (get_string(r, t, &e->name))
                seen |= BIT(4);
            break;
        case 5:
            get_count(r, t, &e->num_children, "number of children");
            break;
        case 6:
            get_enum(r, t, &e->converted);
            break;
        case 7:
            get_i32(r, t, &e->scale);
            break;
        case 8:
            get_i32(r, t, &e->precision);
            break;
        case 10:
            if (t == TP_TH_STRUCT)
                decode_logical(r, e);
            else
                tp_th_skip(r, t);
            break;
        default:
            tp_th_skip(r, t);
        }
    }
    tp_th_struct_end(r);
    if (!e->name)
        e->name = tp_xstrdup("");
    if (!r->err)
        require(r, seen, BIT(4), "schema element", schema_names);
}

static const char *const colmeta_names[] = {
    [1] = "type",
    [2] = "encodings",
    [3] = "path_in_schema",
    [4] = "codec",
    [5] = "num_values",
    [6] = "total_uncompressed_size",
    [7] = "total_compressed_size",
    [9] = "data_page_offset",
};

static void
decode_colmeta(tp_th_reader *r, tp_pq_colmeta *c)
{
    int16_t id;
    int t;
    uint32_t seen = 0;
    size_t n;
    int ok;
    tp_th_struct_begin(r);
    while ((t = tp_th_field(r, &id)) != TP_TH_STOP) {
        ok = 0;
        switch (id) {
        case 1:
            ok = get_enum(r, t, &c->type);
            if (ok && (c->type < TP_PQ_BOOLEAN || c->type > TP_PQ_FIXED_LEN_BYTE_ARRAY))
                tp_th_fail(r, "unknown physical type %d", c->type);
            break;
        case 2:
            if ((ok = get_list(r, t, TP_TH_I32, &n))) {
                free(c->encodings);
                c->encodings = tp_xcalloc(n ? n : 1, sizeof *c->encodings);
                c->nencodings = n;
                for (size_t i = 0; i < n && !r->err; i++)
                    c->encodings[i] = tp_th_i32(r);
            }
            break;
        case 3:
            if ((ok = get_list(r, t, TP_TH_BINARY, &n))) {
                strings_free(c->path, c->npath);
                c->path = tp_xcalloc(n ? n : 1, sizeof *c->path);
                c->npath = n;
                for (size_t i = 0; i < n && !r->err; i++) {
                    size_t len;
                    const uint8_t *s = tp_th_binary(r, &len);
                    if (s)
                        c->path[i] = tp_xmemdup((const char *)s, len);
                }
            }
            break;
        case 4:
            ok = get_enum(r, t, &c->codec);
            break;
        case 5:
            ok = get_size64(r, t, &c->num_values, "number of values");
            break;
        case 6:
            ok = get_size64(r, t, &c->total_uncompressed_size, "uncompressed size");
            break;
        case 7:
            ok = get_size64(r, t, &c->total_compressed_size, "compressed size");
            break;
        case 9:
            ok = get_size64(r, t, &c->data_page_offset, "data page offset");
            break;
        case 11:
            c->has_dictionary_page_offset =
                get_size64(r, t, &c->dictionary_page_offset, "dictionary page offset");
            break;
        case 12:
            if (t == TP_TH_STRUCT) {
                stats_free(&c->stats);
                decode_stats(r, &c->stats);
                c->has_stats = 1;
            } else {
                tp_th_skip(r, t);
            }
            break;
        default:
            tp_th_skip(r, t);
        }
        if (ok)
            seen |= BIT(id);
    }
    tp_th_struct_end(r);
    if (!r->err)
        require(r, seen, BIT(1) | BIT(2) | BIT(3) | BIT(4) | BIT(5) | BIT(6) | BIT(7) | BIT(9),
                "column metadata", colmeta_names);
}

static void
decode_chunk(tp_th_reader *r, tp_pq_chunk *c)
{
    int16_t id;
    int t;
    tp_th_struct_begin(r);
    while ((t = tp_th_field(r, &id)) != TP_TH_STOP) {
        switch (id) {
        case 1:
            get_string(r, t, &c->file_path);
            break;
        case 2:
            /* required by the IDL, deprecated, and ignored by tp: 0 when absent */
            get_i64(r, t, &c->file_offset);
            break;
        case 3:
            if (t == TP_TH_STRUCT) {
                colmeta_free(&c->meta);
                c->has_meta = 1;
                decode_colmeta(r, &c->meta);
            } else {
                tp_th_skip(r, t);
            }
            break;
        case 8:
        case 9:
            c->encrypted = 1;
            tp_th_skip(r, t);
            break;
        default:
            tp_th_skip(r, t);
        }
    }
    tp_th_struct_end(r);
}

static const char *const rowgroup_names[] = {
    [1] = "columns", [2] = "total_byte_size", [3] = "num_rows"};

static void
decode_rowgroup(tp_th_reader *r, tp_pq_rowgroup *g)
{
    int16_t id;
    int t;
    uint32_t seen = 0;
    size_t n;
    int ok;
    tp_th_struct_begin(r);
    while ((t = tp_th_field(r, &id)) != TP_TH_STOP) {
        ok = 0;
        switch (id) {
        case 1:
            if ((ok = get_list(r, t, TP_TH_STRUCT, &n))) {
                for (size_t j = 0; j < g->ncolumns; j++) {
                    free(g->columns[j].file_path);
                    colmeta_free(&g->columns[j].meta);
                }
                free(g->columns);
                g->columns = tp_xcalloc(n ? n : 1, sizeof *g->columns);
                g->ncolumns = n;
                for (size_t i = 0; i < n && !r->err; i++)
                    decode_chunk(r, &g->columns[i]);
            }
            break;
        case 2:
            ok = get_i64(r, t, &g->total_byte_size);
            break;
        case 3:
            ok = get_size64(r, t, &g->num_rows, "number of rows");
            break;
        default:
            tp_th_skip(r, t);
        }
        if (ok)
            seen |= BIT(id);
    }
    tp_th_struct_end(r);
    if (!r->err)
        require(r, seen, BIT(1) | BIT(2) | BIT(3), "row group", rowgroup_names);
}

static const char *const kv_names[] = {[1] = "key"};

static void
decode_kv(tp_th_reader *r, tp_pq_kv *kv)
{
    int16_t id;
    int t;
    uint32_t seen = 0;
    tp_th_struct_begin(r);
    while ((t = tp_th_field(r, &id)) != TP_TH_STOP) {
        if (id == 1 && get_string(r, t, &kv->key))
            seen |= BIT(1);
        else if (id == 2)
            get_string(r, t, &kv->value);
        else if (id != 1)
            tp_th_skip(r, t);
    }
    tp_th_struct_end(r);
    if (!kv->key)
        kv->key = tp_xstrdup("");
    if (!r->err)
        require(r, seen, BIT(1), "key-value metadata", kv_names);
}

static const char *const meta_names[] = {
    [1] = "version", [2] = "schema", [3] = "num_rows", [4] = "row_groups"};

static void
decode_meta(tp_th_reader *r, tp_pq_meta *m)
{
    int16_t id;
    int t;
    uint32_t seen = 0;
    size_t n;
    int ok;
    tp_th_struct_begin(r);
    while ((t = tp_th_field(r, &id)) != TP_TH_STOP) {
        ok = 0;
        switch (id) {
        case 1:
            ok = get_i32(r, t, &m->version);
            break;
        case 2:
            if ((ok = get_list(r, t, TP_TH_STRUCT, &n))) {
                schema_free(m->schema, m->nschema);
                m->schema = tp_xcalloc(n ? n : 1, sizeof *m->schema);
                m->nschema = n;
                for (size_t i = 0; i < n && !r->err; i++)
                    decode_schema(r, &m->schema[i]);
            }
            break;
        case 3:
            ok = get_size64(r, t, &m->num_rows, "number of rows");
            break;
        case 4:
            if ((ok = get_list(r, t, TP_TH_STRUCT, &n))) {
                rowgroups_free(m->row_groups, m->nrow_groups);
                m->row_groups = tp_xcalloc(n ? n : 1, sizeof *m->row_groups);
                m->nrow_groups = n;
                for (size_t i = 0; i < n && !r->err; i++)
                    decode_rowgroup(r, &m->row_groups[i]);
            }
            break;
        case 5:
            if (get_list(r, t, TP_TH_STRUCT, &n)) {
                kv_free(m->kv, m->nkv);
                m->kv = tp_xcalloc(n ? n : 1, sizeof *m->kv);
                m->nkv = n;
                for (size_t i = 0; i < n && !r->err; i++)
                    decode_kv(r, &m->kv[i]);
            }
            break;
        case 6:
            get_string(r, t, &m->created_by);
            break;
        case 7:
            if (get_list(r, t, TP_TH_STRUCT, &n)) {
                m->ncolumn_orders = n;
                for (size_t i = 0; i < n && !r->err; i++)
                    tp_th_skip_elem(r, TP_TH_STRUCT);
            }
            break;
        case 8:
            m->encrypted = 1;
            tp_th_skip(r, t);
            break;
        default:
            tp_th_skip(r, t);
        }
        if (ok)
            seen |= BIT(id);
    }
    tp_th_struct_end(r);
    if (!r->err)
        require(r, seen, BIT(1) | BIT(2) | BIT(3) | BIT(4), "file metadata", meta_names);
}

int
tp_pq_meta_decode(const uint8_t *p, size_t n, tp_pq_meta *m)
{
    tp_th_reader r;
    memset(m, 0, sizeof *m);
    tp_th_reader_init(&r, p, n);
    decode_meta(&r, m);
    if (r.err) {
        tp_err(NULL, 0, "footer: %s", r.msg);
        return -1;
    }
    return 0;
}

/* Encoding the footer. */

static void
encode_stats(tp_th_writer *w, const tp_pq_stats *s)
{
    tp_th_w_struct_begin(w);
    if (s->has_null_count)
        tp_th_w_field_i64(w, 3, s->null_count);
    if (s->has_max)
        tp_th_w_field_binary(w, 5, s->max, s->max_len);
    if (s->has_min)
        tp_th_w_field_binary(w, 6, s->min, s->min_len);
    if (s->has_nan_count)
        tp_th_w_field_i64(w, 9, s->nan_count);
    tp_th_w_struct_end(w);
}

static void
encode_logical(tp_th_writer *w, const tp_pq_schema *e)
{
    tp_th_w_struct_begin(w); /* the union */
    tp_th_w_field(w, (int16_t)e->logical, TP_TH_STRUCT);
    tp_th_w_struct_begin(w); /* its member */
    switch (e->logical) {
    case TP_PQ_LT_DECIMAL:
        tp_th_w_field_i32(w, 1, e->lt_scale);
        tp_th_w_field_i32(w, 2, e->lt_precision);
        break;
    case TP_PQ_LT_TIME:
    case TP_PQ_LT_TIMESTAMP:
        tp_th_w_field_bool(w, 1, e->lt_utc);
        tp_th_w_field(w, 2, TP_TH_STRUCT);
        tp_th_w_struct_begin(w); /* TimeUnit */
        tp_th_w_field(w, (int16_t)e->lt_unit, TP_TH_STRUCT);
        tp_th_w_struct_begin(w);
        tp_th_w_struct_end(w);
        tp_th_w_struct_end(w);
        break;
    case TP_PQ_LT_INTEGER:
        tp_th_w_field(w, 1, TP_TH_I8);
        tp_th_w_i8(w, (int8_t)e->lt_bits);
        tp_th_w_field_bool(w, 2, e->lt_signed);
        break;
    }
    tp_th_w_struct_end(w);
    tp_th_w_struct_end(w);
}

static void
encode_schema(tp_th_writer *w, const tp_pq_schema *e)
{
    tp_th_w_struct_begin(w);
    if (e->type >= 0)
        tp_th_w_field_i32(w, 1, e->type);
    if (e->type_length > 0)
        tp_th_w_field_i32(w, 2, e->type_length);
    if (e->repetition >= 0)
        tp_th_w_field_i32(w, 3, e->repetition);
    tp_th_w_field_string(w, 4, e->name ? e->name : "");
    if (e->num_children > 0)
        tp_th_w_field_i32(w, 5, e->num_children);
    if (e->converted >= 0)
        tp_th_w_field_i32(w, 6, e->converted);
    /* scale and precision go with a decimal (precision >= 1); 0 reads back as absent */
    if (e->converted == TP_PQ_CT_DECIMAL || e->scale || e->precision) {
        tp_th_w_field_i32(w, 7, e->scale);
        tp_th_w_field_i32(w, 8, e->precision);
    }
    if (e->logical > 0) {
        tp_th_w_field(w, 10, TP_TH_STRUCT);
        encode_logical(w, e);
    }
    tp_th_w_struct_end(w);
}

static void
encode_colmeta(tp_th_writer *w, const tp_pq_colmeta *c)
{
    tp_th_w_struct_begin(w);
    tp_th_w_field_i32(w, 1, c->type);
    tp_th_w_field(w, 2, TP_TH_LIST);
    tp_th_w_list(w, TP_TH_I32, c->nencodings);
    for (size_t i = 0; i < c->nencodings; i++)
        tp_th_w_i32(w, c->encodings[i]);
    tp_th_w_field(w, 3, TP_TH_LIST);
    tp_th_w_list(w, TP_TH_BINARY, c->npath);
    for (size_t i = 0; i < c->npath; i++)
        tp_th_w_binary(w, c->path[i], strlen(c->path[i]));
    tp_th_w_field_i32(w, 4, c->codec);
    tp_th_w_field_i64(w, 5, c->num_values);
    tp_th_w_field_i64(w, 6, c->total_uncompressed_size);
    tp_th_w_field_i64(w, 7, c->total_compressed_size);
    tp_th_w_field_i64(w, 9, c->data_page_offset);
    if (c->has_dictionary_page_offset)
        tp_th_w_field_i64(w, 11, c->dictionary_page_offset);
    if (c->has_stats) {
        tp_th_w_field(w, 12, TP_TH_STRUCT);
        encode_stats(w, &c->stats);
    }
    tp_th_w_struct_end(w);
}

static void
encode_chunk(tp_th_writer *w, const tp_pq_chunk *c)
{
    tp_th_w_struct_begin(w);
    if (c->file_path)
        tp_th_w_field_string(w, 1, c->file_path);
    tp_th_w_field_i64(w, 2, c->file_offset);
    if (c->has_meta) {
        tp_th_w_field(w, 3, TP_TH_STRUCT);
        encode_colmeta(w, &c->meta);
    }
    tp_th_w_struct_end(w);
}

static void
encode_rowgroup(tp_th_writer *w, const tp_pq_rowgroup *g)
{
    tp_th_w_struct_begin(w);
    tp_th_w_field(w, 1, TP_TH_LIST);
    tp_th_w_list(w, TP_TH_STRUCT, g->ncolumns);
    for (size_t i = 0; i < g->ncolumns; i++)
        encode_chunk(w, &g->columns[i]);
    tp_th_w_field_i64(w, 2, g->total_byte_size);
    tp_th_w_field_i64(w, 3, g->num_rows);
    tp_th_w_struct_end(w);
}

void
tp_pq_meta_encode(const tp_pq_meta *m, tp_bytes *out)
{
    tp_th_writer w;
    tp_th_writer_init(&w, out);
    tp_th_w_struct_begin(&w);
    tp_th_w_field_i32(&w, 1, m->version);
    tp_th_w_field(&w, 2, TP_TH_LIST);
    tp_th_w_list(&w, TP_TH_STRUCT, m->nschema);
    for (size_t i = 0; i < m->nschema; i++)
        encode_schema(&w, &m->schema[i]);
    tp_th_w_field_i64(&w, 3, m->num_rows);
    tp_th_w_field(&w, 4, TP_TH_LIST);
    tp_th_w_list(&w, TP_TH_STRUCT, m->nrow_groups);
    for (size_t i = 0; i < m->nrow_groups; i++)
        encode_rowgroup(&w, &m->row_groups[i]);
    if (m->nkv > 0) {
        tp_th_w_field(&w, 5, TP_TH_LIST);
        tp_th_w_list(&w, TP_TH_STRUCT, m->nkv);
        for (size_t i = 0; i < m->nkv; i++) {
            tp_th_w_struct_begin(&w);
            tp_th_w_field_string(&w, 1, m->kv[i].key);
            if (m->kv[i].value)
                tp_th_w_field_string(&w, 2, m->kv[i].value);
            tp_th_w_struct_end(&w);
        }
    }
    if (m->created_by)
        tp_th_w_field_string(&w, 6, m->created_by);
    if (m->ncolumn_orders > 0) {
        /* ColumnOrder is a union; member 1 is the empty struct TypeDefinedOrder */
        tp_th_w_field(&w, 7, TP_TH_LIST);
        tp_th_w_list(&w, TP_TH_STRUCT, m->ncolumn_orders);
        for (size_t i = 0; i < m->ncolumn_orders; i++) {
            tp_th_w_struct_begin(&w);
            tp_th_w_field(&w, 1, TP_TH_STRUCT);
            tp_th_w_struct_begin(&w);
            tp_th_w_struct_end(&w);
            tp_th_w_struct_end(&w);
        }
    }
    tp_th_w_struct_end(&w);
}

/* Page headers. */

static const char *const dp_names[] = {
    [1] = "num_values",
    [2] = "encoding",
    [3] = "definition_level_encoding",
    [4] = "repetition_level_encoding",
};

static void
decode_data_page(tp_th_reader *r, tp_pq_page *h)
{
    int16_t id;
    int t, ok;
    uint32_t seen = 0;
    tp_th_struct_begin(r);
    while ((t = tp_th_field(r, &id)) != TP_TH_STOP) {
        ok = 0;
        switch (id) {
        case 1:
            ok = get_count(r, t, &h->num_values, "number of values");
            break;
        case 2:
            ok = get_enum(r, t, &h->encoding);
            break;
        case 3:
            ok = get_enum(r, t, &h->def_encoding);
            break;
        case 4:
            ok = get_enum(r, t, &h->rep_encoding);
            break;
        default:
            tp_th_skip(r, t); /* statistics (5) included */
        }
        if (ok)
            seen |= BIT(id);
    }
    tp_th_struct_end(r);
    if (!r->err)
        require(r, seen, BIT(1) | BIT(2) | BIT(3) | BIT(4), "data page header", dp_names);
}

static void
decode_dict_page(tp_th_reader *r, tp_pq_page *h)
{
    int16_t id;
    int t, ok;
    uint32_t seen = 0;
    tp_th_struct_begin(r);
    while ((t = tp_th_field(r, &id)) != TP_TH_STOP) {
        ok = 0;
        if (id == 1)
            ok = get_count(r, t, &h->num_values, "number of values");
        else if (id == 2)
            ok = get_enum(r, t, &h->encoding);
        else
            tp_th_skip(r, t);
        if (ok)
            seen |= BIT(id);
    }
    tp_th_struct_end(r);
    if (!r->err)
        require(r, seen, BIT(1) | BIT(2), "dictionary page header", dp_names);
}

static const char *const v2_names[] = {
    [1] = "num_values",
    [2] = "num_nulls",
    [3] = "num_rows",
    [4] = "encoding",
    [5] = "definition_levels_byte_length",
    [6] = "repetition_levels_byte_length",
};

static void
decode_v2_page(tp_th_reader *r, tp_pq_page *h)
{
    int16_t id;
    int t, ok;
    uint32_t seen = 0;
    tp_th_struct_begin(r);
    while ((t = tp_th_field(r, &id)) != TP_TH_STOP) {
        ok = 0;
        switch (id) {
        case 1:
            ok = get_count(r, t, &h->num_values, "number of values");
            break;
        case 2:
            ok = get_count(r, t, &h->num_nulls, "number of nulls");
            break;
        case 3:
            ok = get_count(r, t, &h->num_rows, "number of rows");
            break;
        case 4:
            ok = get_enum(r, t, &h->encoding);
            break;
        case 5:
            ok = get_count(r, t, &h->def_len, "definition levels length");
            break;
        case 6:
            ok = get_count(r, t, &h->rep_len, "repetition levels length");
            break;
        case 7:
            get_bool(r, t, &h->is_compressed);
            break;
        default:
            tp_th_skip(r, t); /* statistics (8) included */
        }
        if (ok)
            seen |= BIT(id);
    }
    tp_th_struct_end(r);
    if (!r->err)
        require(r, seen, BIT(1) | BIT(2) | BIT(3) | BIT(4) | BIT(5) | BIT(6), "data page header v2",
                v2_names);
}

static const char *const page_names[] = {
    [1] = "type",
    [2] = "uncompressed_page_size",
    [3] = "compressed_page_size",
    [5] = "data_page_header",
    [7] = "dictionary_page_header",
    [8] = "data_page_header_v2",
};

long
tp_pq_page_decode(const uint8_t *p, size_t n, tp_pq_page *h)
{
    tp_th_reader r;
    int16_t id;
    int t, ok;
    uint32_t seen = 0;
    int32_t crc = 0;
    /* the sub-header of each kind apart: the one the type names is kept, whatever the
     * order of the fields */
    tp_pq_page sub[3];
    memset(h, 0, sizeof *h);
    memset(sub, 0, sizeof sub);
    for (int i = 0; i < 3; i++)
        sub[i].is_compressed = 1;
    tp_th_reader_init(&r, p, n);
    tp_th_struct_begin(&r);
    while ((t = tp_th_field(&r, &id)) != TP_TH_STOP) {
        ok = 0;
        switch (id) {
        case 1:
            ok = get_enum(&r, t, &h->type);
            break;
        case 2:
            ok = get_count(&r, t, &h->uncompressed_page_size, "uncompressed page size");
            break;
        case 3:
            ok = get_count(&r, t, &h->compressed_page_size, "compressed page size");
            break;
        case 4:
            if ((h->has_crc = get_i32(&r, t, &crc)))
                h->crc = (uint32_t)crc;
            break;
        case 5:
        case 7:
        case 8:
            if (t != TP_TH_STRUCT) {
                tp_th_skip(&r, t);
                break;
            }
            ok = 1;
            if (id == 5)
                decode_data_page(&r, &sub[0]);
            else if (id == 7)
                decode_dict_page(&r, &sub[1]);
            else
                decode_v2_page(&r, &sub[2]);
            break;
        default:
            tp_th_skip(&r, t);
        }
        if (ok)
            seen |= BIT(id);
    }
    tp_th_struct_end(&r);
    if (!r.err) {
        uint32_t need = BIT(1) | BIT(2) | BIT(3);
        const tp_pq_page *s = NULL;
        if (h->type == TP_PQ_DATA_PAGE)
            need |= BIT(5), s = &sub[0];
        else if (h->type == TP_PQ_DICTIONARY_PAGE)
            need |= BIT(7), s = &sub[1];
        else if (h->type == TP_PQ_DATA_PAGE_V2)
            need |= BIT(8), s = &sub[2];
        require(&r, seen, need, "page header", page_names);
        if (s) {
            h->num_values = s->num_values;
            h->encoding = s->encoding;
            h->def_encoding = s->def_encoding;
            h->rep_encoding = s->rep_encoding;
            h->num_nulls = s->num_nulls;
            h->num_rows = s->num_rows;
            h->def_len = s->def_len;
            h->rep_len = s->rep_len;
        }
        h->is_compressed = h->type == TP_PQ_DATA_PAGE_V2 ? sub[2].is_compressed : 1;
    }
    if (r.err) {
        if (r.truncated)
            return 0;
        tp_err(NULL, 0, "page header: %s", r.msg);
        return -1;
    }
    return (long)(r.p - p);
}

void
tp_pq_page_encode(const tp_pq_page *h, tp_bytes *out)
{
    tp_th_writer w;
    tp_th_writer_init(&w, out);
    tp_th_w_struct_begin(&w);
    tp_th_w_field_i32(&w, 1, h->type);
    tp_th_w_field_i32(&w, 2, h->uncompressed_page_size);
    tp_th_w_field_i32(&w, 3, h->compressed_page_size);
    if (h->has_crc) {
        /* the IDL's i32 holds the CRC's bits; converted without implementation-defined
         * behaviour */
        int32_t crc =
            h->crc <= INT32_MAX ? (int32_t)h->crc : (int32_t)(h->crc - 0x80000000u) + INT32_MIN;
        tp_th_w_field_i32(&w, 4, crc);
    }
    switch (h->type) {
    case TP_PQ_DATA_PAGE:
        tp_th_w_field(&w, 5, TP_TH_STRUCT);
        tp_th_w_struct_begin(&w);
        tp_th_w_field_i32(&w, 1, h->num_values);
        tp_th_w_field_i32(&w, 2, h->encoding);
        tp_th_w_field_i32(&w, 3, h->def_encoding);
        tp_th_w_field_i32(&w, 4, h->rep_encoding);
        if (h->has_stats) {
            tp_th_w_field(&w, 5, TP_TH_STRUCT);
            encode_stats(&w, &h->stats);
        }
        tp_th_w_struct_end(&w);
        break;
    case TP_PQ_DICTIONARY_PAGE:
        tp_th_w_field(&w, 7, TP_TH_STRUCT);
        tp_th_w_struct_begin(&w);
        tp_th_w_field_i32(&w, 1, h->num_values);
        tp_th_w_field_i32(&w, 2, h->encoding);
        tp_th_w_struct_end(&w);
        break;
    case TP_PQ_DATA_PAGE_V2:
        tp_th_w_field(&w, 8, TP_TH_STRUCT);
        tp_th_w_struct_begin(&w);
        tp_th_w_field_i32(&w, 1, h->num_values);
        tp_th_w_field_i32(&w, 2, h->num_nulls);
        tp_th_w_field_i32(&w, 3, h->num_rows);
        tp_th_w_field_i32(&w, 4, h->encoding);
        tp_th_w_field_i32(&w, 5, h->def_len);
        tp_th_w_field_i32(&w, 6, h->rep_len);
        tp_th_w_field_bool(&w, 7, h->is_compressed);
        if (h->has_stats) {
            tp_th_w_field(&w, 8, TP_TH_STRUCT);
            encode_stats(&w, &h->stats);
        }
        tp_th_w_struct_end(&w);
        break;
    }
    tp_th_w_struct_end(&w);
}
