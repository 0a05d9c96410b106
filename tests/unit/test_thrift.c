/* Unit tests for the Thrift compact protocol (lib/thrift.h). */
#include "thrift.h"
#include "unit.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int
bytes_are(const tp_bytes *b, const char *hex_expected, size_t n)
{
    return b->len == n && memcmp(b->p, hex_expected, n) == 0;
}

static void
test_varints(void)
{
    static const int64_t vals[] = {0,         1,         -1,        63,          -64,
                                   64,        -65,       50399,     INT32_MAX,   INT32_MIN,
                                   INT64_MAX, INT64_MIN, 1LL << 40, -(1LL << 40)};
    tp_bytes b = {0};
    tp_th_writer w;
    tp_th_writer_init(&w, &b);

    /* zigzag: 0 -> 0, -1 -> 1, 1 -> 2, -64 -> 127, 64 -> 128 (two bytes) */
    tp_th_w_i32(&w, 0);
    tp_th_w_i32(&w, -1);
    tp_th_w_i32(&w, 1);
    tp_th_w_i32(&w, -64);
    tp_th_w_i32(&w, 64);
    CHECK(bytes_are(&b, "\x00\x01\x02\x7f\x80\x01", 6));
    b.len = 0;
    tp_th_w_i64(&w, INT64_MIN); /* zigzag: 2^64 - 1, ten bytes */
    CHECK(bytes_are(&b, "\xff\xff\xff\xff\xff\xff\xff\xff\xff\x01", 10));
    b.len = 0;

    for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++)
        tp_th_w_i64(&w, vals[i]);
    tp_th_reader r;
    tp_th_reader_init(&r, b.p, b.len);
    for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++)
        CHECK(tp_th_i64(&r) == vals[i]);
    CHECK(!r.err && r.p == r.end);

    /* i16 and i32 are range-checked */
    b.len = 0;
    tp_th_w_i64(&w, (int64_t)INT32_MAX + 1);
    tp_th_reader_init(&r, b.p, b.len);
    CHECK(tp_th_i32(&r) == 0 && r.err && strcmp(r.msg, "integer out of range") == 0);
    b.len = 0;
    tp_th_w_i32(&w, INT16_MIN);
    tp_th_w_i32(&w, INT16_MIN - 1);
    tp_th_reader_init(&r, b.p, b.len);
    CHECK(tp_th_i16(&r) == INT16_MIN && !r.err);
    CHECK(tp_th_i16(&r) == 0 && r.err);

    /* eleven bytes, or a tenth byte above bit 63, are errors */
    const uint8_t eleven[] = {0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01};
    tp_th_reader_init(&r, eleven, sizeof eleven);
    CHECK(tp_th_i64(&r) == 0 && r.err && !r.truncated);
    const uint8_t big[] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02};
    tp_th_reader_init(&r, big, sizeof big);
    CHECK(tp_th_i64(&r) == 0 && r.err && strcmp(r.msg, "integer out of range") == 0);
    /* a varint that runs to the end is truncated */
    tp_th_reader_init(&r, eleven, 5);
    CHECK(tp_th_i64(&r) == 0 && r.err && r.truncated && strcmp(r.msg, "truncated") == 0);
    /* after an error every read returns 0 */
    CHECK(tp_th_i32(&r) == 0 && tp_th_i8(&r) == 0);

    /* i8 is one raw byte; double 8 bytes little-endian */
    b.len = 0;
    tp_th_w_i8(&w, -2);
    tp_th_w_double(&w, 1.0);
    tp_th_w_double(&w, -0.15625);
    CHECK(b.len == 17 && b.p[0] == 0xfe && memcmp(b.p + 1, "\0\0\0\0\0\0\xf0\x3f", 8) == 0);
    tp_th_reader_init(&r, b.p, b.len);
    CHECK(tp_th_i8(&r) == -2);
    CHECK(tp_th_double(&r) == 1.0);
    CHECK(tp_th_double(&r) == -0.15625);
    CHECK(!r.err);
    tp_th_reader_init(&r, b.p + 1, 7);
    CHECK(tp_th_double(&r) == 0 && r.truncated);

    /* binary: length then bytes; a length past the end is truncated */
    b.len = 0;
    tp_th_w_binary(&w, "", 0);
    tp_th_w_binary(&w, "abc", 3);
    CHECK(bytes_are(&b,
                    "\x00\x03"
                    "abc",
                    5));
    tp_th_reader_init(&r, b.p, b.len);
    size_t n;
    const uint8_t *s = tp_th_binary(&r, &n);
    CHECK(s && n == 0);
    s = tp_th_binary(&r, &n);
    CHECK(s && n == 3 && memcmp(s, "abc", 3) == 0 && !r.err);
    tp_th_reader_init(&r, b.p + 1, 3);
    CHECK(tp_th_binary(&r, &n) == NULL && n == 0 && r.truncated);
    tp_bytes_free(&b);
}

static void
test_fields(void)
{
    static const int16_t ids[] = {1, 2, 17, 33, 5, -3, 32767, 4};
    tp_bytes b = {0};
    tp_th_writer w;
    tp_th_writer_init(&w, &b);
    tp_th_w_struct_begin(&w);
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++)
        tp_th_w_field_i32(&w, ids[i], (int32_t)i);
    tp_th_w_field_bool(&w, 5, 1);
    tp_th_w_field_bool(&w, 6, 0);
    tp_th_w_struct_end(&w);
    /* 1: delta 1; 2: delta 1; 17: delta 15 (short); 33: delta 16 (long form) */
    CHECK(b.p[0] == 0x15 && b.p[2] == 0x15 && b.p[4] == 0xf5);
    CHECK(b.p[6] == 0x05 && b.p[7] == 66 && b.p[8] == 6);
    CHECK(b.p[b.len - 3] == 0x11 && b.p[b.len - 2] == 0x12 && b.p[b.len - 1] == 0);

    tp_th_reader r;
    int16_t id;
    int t;
    tp_th_reader_init(&r, b.p, b.len);
    tp_th_struct_begin(&r);
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
        t = tp_th_field(&r, &id);
        CHECK(t == TP_TH_I32 && id == ids[i]);
        CHECK(tp_th_i32(&r) == (int32_t)i);
    }
    t = tp_th_field(&r, &id);
    CHECK(id == 5 && tp_th_field_bool(t) == 1);
    t = tp_th_field(&r, &id);
    CHECK(id == 6 && t == TP_TH_FALSE && tp_th_field_bool(t) == 0);
    CHECK(tp_th_field(&r, &id) == TP_TH_STOP && !r.err && r.p == r.end);
    tp_th_struct_end(&r);

    /* nested structs keep their own last id */
    b.len = 0;
    tp_th_w_struct_begin(&w);
    tp_th_w_field(&w, 10, TP_TH_STRUCT);
    tp_th_w_struct_begin(&w);
    tp_th_w_field_i32(&w, 1, 7);
    tp_th_w_struct_end(&w);
    tp_th_w_field_i32(&w, 11, 8);
    tp_th_w_struct_end(&w);
    CHECK(bytes_are(&b, "\xac\x15\x0e\x00\x15\x10\x00", 7));
    tp_th_reader_init(&r, b.p, b.len);
    tp_th_struct_begin(&r);
    CHECK(tp_th_field(&r, &id) == TP_TH_STRUCT && id == 10);
    tp_th_struct_begin(&r);
    CHECK(tp_th_field(&r, &id) == TP_TH_I32 && id == 1 && tp_th_i32(&r) == 7);
    CHECK(tp_th_field(&r, &id) == TP_TH_STOP);
    tp_th_struct_end(&r);
    CHECK(tp_th_field(&r, &id) == TP_TH_I32 && id == 11 && tp_th_i32(&r) == 8);
    CHECK(tp_th_field(&r, &id) == TP_TH_STOP && !r.err);

    /* unknown field type; a delta past INT16_MAX */
    const uint8_t bad[] = {0x1e};
    tp_th_reader_init(&r, bad, 1);
    tp_th_struct_begin(&r);
    CHECK(tp_th_field(&r, &id) == TP_TH_STOP && r.err &&
          strcmp(r.msg, "unknown field type 14") == 0);
    const uint8_t far[] = {0x05, 0xfe, 0xff, 0x03, 0x00, 0x25};
    tp_th_reader_init(&r, far, sizeof far);
    tp_th_struct_begin(&r);
    CHECK(tp_th_field(&r, &id) == TP_TH_I32 && id == 32767 && tp_th_i32(&r) == 0);
    CHECK(tp_th_field(&r, &id) == TP_TH_STOP && r.err);
    tp_bytes_free(&b);
}

static void
test_lists(void)
{
    tp_bytes b = {0};
    tp_th_writer w;
    tp_th_reader r;
    int et;
    size_t n;
    tp_th_writer_init(&w, &b);

    /* 14 elements: short form; 15 and 300: long form */
    static const size_t sizes[] = {0, 1, 14, 15, 300};
    for (size_t k = 0; k < sizeof sizes / sizeof sizes[0]; k++) {
        b.len = 0;
        tp_th_w_list(&w, TP_TH_I32, sizes[k]);
        for (size_t i = 0; i < sizes[k]; i++)
            tp_th_w_i32(&w, (int32_t)i - 5);
        if (sizes[k] == 14)
            CHECK(b.p[0] == 0xe5);
        if (sizes[k] == 15)
            CHECK(b.p[0] == 0xf5 && b.p[1] == 15);
        if (sizes[k] == 300)
            CHECK(b.p[0] == 0xf5 && b.p[1] == 0xac && b.p[2] == 0x02);
        tp_th_reader_init(&r, b.p, b.len);
        tp_th_list(&r, &et, &n);
        CHECK(n == sizes[k] && (n == 0 || et == TP_TH_I32));
        int ok = 1;
        for (size_t i = 0; i < n; i++)
            ok &= tp_th_i32(&r) == (int32_t)i - 5;
        CHECK(ok && !r.err && r.p == r.end);
    }

    /* bools: a byte each; 1 is true, 0 (the spec) and 2 (Java, C++) are false */
    b.len = 0;
    tp_th_w_list(&w, TP_TH_TRUE, 3);
    tp_th_w_bool(&w, 1);
    tp_th_w_bool(&w, 0);
    tp_th_w_bool(&w, 1);
    tp_bytes_byte(&b, 2);
    CHECK(bytes_are(&b, "\x31\x01\x00\x01\x02", 5));
    tp_th_reader_init(&r, b.p, b.len);
    tp_th_list(&r, &et, &n);
    CHECK(n == 3 && et == TP_TH_TRUE);
    CHECK(tp_th_bool(&r) == 1 && tp_th_bool(&r) == 0 && tp_th_bool(&r) == 1);
    CHECK(tp_th_bool(&r) == 0 && !r.err);

    /* a count beyond the bytes left is refused before anyone allocates */
    b.len = 0;
    tp_th_w_list(&w, TP_TH_STRUCT, 1000);
    tp_bytes_put(&b, "\0\0", 2);
    tp_th_reader_init(&r, b.p, b.len);
    tp_th_list(&r, &et, &n);
    CHECK(n == 0 && r.err && r.truncated);
    CHECK(strcmp(r.msg, "list of 1000 elements in 2 bytes") == 0);
    /* a count beyond int32 */
    const uint8_t huge[] = {0xf5, 0xff, 0xff, 0xff, 0xff, 0x7f};
    tp_th_reader_init(&r, huge, sizeof huge);
    tp_th_list(&r, &et, &n);
    CHECK(n == 0 && r.err && !r.truncated);

    /* maps */
    b.len = 0;
    tp_th_w_map(&w, TP_TH_BINARY, TP_TH_I32, 0);
    tp_th_w_map(&w, TP_TH_BINARY, TP_TH_I32, 2);
    tp_th_w_binary(&w, "a", 1);
    tp_th_w_i32(&w, 1);
    tp_th_w_binary(&w, "b", 1);
    tp_th_w_i32(&w, 2);
    CHECK(b.p[0] == 0 && b.p[1] == 2 && b.p[2] == 0x85);
    tp_th_reader_init(&r, b.p, b.len);
    int kt, vt;
    tp_th_map(&r, &kt, &vt, &n);
    CHECK(n == 0 && !r.err);
    tp_th_map(&r, &kt, &vt, &n);
    CHECK(n == 2 && kt == TP_TH_BINARY && vt == TP_TH_I32);
    const uint8_t mapbig[] = {0x03, 0x85, 0x00, 0x00, 0x00, 0x00};
    tp_th_reader_init(&r, mapbig, sizeof mapbig);
    tp_th_map(&r, &kt, &vt, &n);
    CHECK(n == 0 && r.err && strcmp(r.msg, "map of 3 entries in 4 bytes") == 0);
    tp_bytes_free(&b);
}

/* A struct with a value of every type, nested containers among them, then field 20. */
static void
write_everything(tp_th_writer *w)
{
    tp_th_w_struct_begin(w);
    tp_th_w_field_bool(w, 1, 1);
    tp_th_w_field_bool(w, 2, 0);
    tp_th_w_field(w, 3, TP_TH_I8);
    tp_th_w_i8(w, 9);
    tp_th_w_field(w, 4, TP_TH_I16);
    tp_th_w_i16(w, -300);
    tp_th_w_field_i32(w, 5, 123456);
    tp_th_w_field_i64(w, 6, -1234567890123LL);
    tp_th_w_field(w, 7, TP_TH_DOUBLE);
    tp_th_w_double(w, 2.5);
    tp_th_w_field_string(w, 8, "hello");
    /* 9: list<struct{1: list<bool>, 2: struct{}}> */
    tp_th_w_field(w, 9, TP_TH_LIST);
    tp_th_w_list(w, TP_TH_STRUCT, 2);
    for (int i = 0; i < 2; i++) {
        tp_th_w_struct_begin(w);
        tp_th_w_field(w, 1, TP_TH_LIST);
        tp_th_w_list(w, TP_TH_TRUE, 3);
        tp_th_w_bool(w, 1);
        tp_th_w_bool(w, 0);
        tp_th_w_bool(w, 1);
        tp_th_w_field(w, 2, TP_TH_STRUCT);
        tp_th_w_struct_begin(w);
        tp_th_w_struct_end(w);
        tp_th_w_struct_end(w);
    }
    /* 10: set<i64> of 20 */
    tp_th_w_field(w, 10, TP_TH_SET);
    tp_th_w_list(w, TP_TH_I64, 20);
    for (int i = 0; i < 20; i++)
        tp_th_w_i64(w, (int64_t)i * 1000000007LL);
    /* 11: map<binary, list<double>> */
    tp_th_w_field(w, 11, TP_TH_MAP);
    tp_th_w_map(w, TP_TH_BINARY, TP_TH_LIST, 2);
    tp_th_w_binary(w, "k1", 2);
    tp_th_w_list(w, TP_TH_DOUBLE, 1);
    tp_th_w_double(w, 1.5);
    tp_th_w_binary(w, "k2", 2);
    tp_th_w_list(w, TP_TH_DOUBLE, 0);
    /* 12: a struct holding a map<i32, struct>, an empty map and a uuid */
    tp_th_w_field(w, 12, TP_TH_STRUCT);
    tp_th_w_struct_begin(w);
    tp_th_w_field(w, 1, TP_TH_MAP);
    tp_th_w_map(w, TP_TH_I32, TP_TH_STRUCT, 1);
    tp_th_w_i32(w, 5);
    tp_th_w_struct_begin(w);
    tp_th_w_field_string(w, 300, "far");
    tp_th_w_struct_end(w);
    tp_th_w_field(w, 2, TP_TH_MAP);
    tp_th_w_map(w, 0, 0, 0);
    tp_th_w_field(w, 3, TP_TH_UUID);
    tp_bytes_put(w->out, "0123456789abcdef", 16);
    tp_th_w_struct_end(w);
    tp_th_w_field_i32(w, 20, 4242);
    tp_th_w_struct_end(w);
}

static void
test_skip(void)
{
    tp_bytes b = {0};
    tp_th_writer w;
    tp_th_reader r;
    int16_t id;
    int t;
    tp_th_writer_init(&w, &b);
    write_everything(&w);

    /* skip every field but 20 */
    tp_th_reader_init(&r, b.p, b.len);
    tp_th_struct_begin(&r);
    int32_t v = 0, fields = 0;
    while ((t = tp_th_field(&r, &id)) != TP_TH_STOP) {
        fields++;
        if (id == 20 && t == TP_TH_I32)
            v = tp_th_i32(&r);
        else
            tp_th_skip(&r, t);
    }
    tp_th_struct_end(&r);
    CHECK(!r.err && v == 4242 && fields == 13 && r.p == r.end && r.depth == 0);

    /* the whole struct as one value */
    tp_th_reader_init(&r, b.p, b.len);
    tp_th_skip(&r, TP_TH_STRUCT);
    CHECK(!r.err && r.p == r.end);

    /* cut at every byte: an error that says truncated, and no read past the cut (ASan) */
    int all = 1;
    for (size_t k = 0; k < b.len; k++) {
        uint8_t *cut = malloc(k ? k : 1);
        memcpy(cut, b.p, k);
        tp_th_reader_init(&r, cut, k);
        tp_th_skip(&r, TP_TH_STRUCT);
        all &= r.err && r.truncated;
        free(cut);
    }
    CHECK(all);

    /* nesting: 100 structs deep, 100 lists deep, 100 maps deep */
    uint8_t deep[300];
    memset(deep, 0x1c, 100); /* field 1, struct */
    memset(deep + 100, 0, 100);
    tp_th_reader_init(&r, deep, 200);
    tp_th_skip(&r, TP_TH_STRUCT);
    CHECK(r.err && !r.truncated && strcmp(r.msg, "nested too deep") == 0);
    memset(deep, 0x19, 300); /* list of 1 list */
    tp_th_reader_init(&r, deep, 300);
    tp_th_skip(&r, TP_TH_LIST);
    CHECK(r.err && strcmp(r.msg, "nested too deep") == 0);
    for (int i = 0; i < 100; i++) { /* map of 1 entry: i8 key 0, a map value */
        deep[3 * i] = 1;
        deep[3 * i + 1] = 0x3b;
        deep[3 * i + 2] = 0;
    }
    tp_th_reader_init(&r, deep, 300);
    tp_th_skip(&r, TP_TH_MAP);
    CHECK(r.err && strcmp(r.msg, "nested too deep") == 0);
    /* the limit itself is fine: 63 structs inside the one skipped */
    memset(deep, 0x1c, 63);
    memset(deep + 63, 0, 64);
    tp_th_reader_init(&r, deep, 127);
    tp_th_skip(&r, TP_TH_STRUCT);
    CHECK(!r.err && r.p == r.end);

    /* tp_th_fail keeps the first error */
    tp_th_reader_init(&r, b.p, b.len);
    tp_th_fail(&r, "first %d", 1);
    tp_th_fail(&r, "second");
    CHECK(r.err && strcmp(r.msg, "first 1") == 0 && tp_th_field(&r, &id) == TP_TH_STOP);
    tp_bytes_free(&b);
}

void
test_thrift(void)
{
    test_varints();
    test_fields();
    test_lists();
    test_skip();
}
