/*
 * The Thrift compact protocol: reading field headers and values from a bounded byte range,
 * skipping values of any type, and writing them. Every read checks the bytes left first;
 * the first failure is recorded in the reader and turns every later read into a no-op
 * that returns zero, so that the loops of a decoder end by themselves (a field loop sees
 * TP_TH_STOP, a list loop is bounded by a count already checked against the bytes).
 */
#include "thrift.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

void
tp_th_reader_init(tp_th_reader *r, const uint8_t *p, size_t n)
{
    memset(r, 0, sizeof *r);
    r->p = p;
    r->end = p + n;
}

void
tp_th_fail(tp_th_reader *r, const char *fmt, ...)
{
    if (r->err)
        return;
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(r->msg, sizeof r->msg, fmt, ap);
    va_end(ap);
    r->err = 1;
    r->p = r->end;
}

/* The bytes ended before the value did: more bytes might make it whole. */
static void
truncated(tp_th_reader *r)
{
    if (r->err)
        return;
    tp_th_fail(r, "truncated");
    r->truncated = 1;
}

static size_t
left(const tp_th_reader *r)
{
    return (size_t)(r->end - r->p);
}

/* ULEB128, at most 10 bytes (64 bits). */
static uint64_t
varint(tp_th_reader *r)
{
    uint64_t v = 0;
    if (r->err)
        return 0;
    for (int i = 0; i < 10; i++) {
        if (r->p == r->end) {
            truncated(r);
            return 0;
        }
        uint8_t b = *r->p++;
        /* the tenth byte holds bit 63 only */
        if (i == 9 && (b & 0x7E)) {
            tp_th_fail(r, "integer out of range");
            return 0;
        }
        v |= (uint64_t)(b & 0x7F) << (7 * i);
        if (!(b & 0x80))
            return v;
    }
    tp_th_fail(r, "varint longer than 10 bytes");
    return 0;
}

static int64_t
unzigzag(uint64_t v)
{
    return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}

static uint64_t
zigzag(int64_t v)
{
    return ((uint64_t)v << 1) ^ (v < 0 ? UINT64_MAX : 0);
}

static int64_t
ranged(tp_th_reader *r, int64_t min, int64_t max)
{
    int64_t v = unzigzag(varint(r));
    if (v < min || v > max) {
        tp_th_fail(r, "integer out of range");
        return 0;
    }
    return v;
}

int8_t
tp_th_i8(tp_th_reader *r)
{
    if (r->err)
        return 0;
    if (r->p == r->end) {
        truncated(r);
        return 0;
    }
    int b = *r->p++;
    return (int8_t)(b < 128 ? b : b - 256);
}

int16_t
tp_th_i16(tp_th_reader *r)
{
    return (int16_t)ranged(r, INT16_MIN, INT16_MAX);
}

int32_t
tp_th_i32(tp_th_reader *r)
{
    return (int32_t)ranged(r, INT32_MIN, INT32_MAX);
}

int64_t
tp_th_i64(tp_th_reader *r)
{
    return unzigzag(varint(r));
}

double
tp_th_double(tp_th_reader *r)
{
    double d = 0;
    if (r->err)
        return 0;
    if (left(r) < 8) {
        truncated(r);
        return 0;
    }
    uint64_t u = 0;
    for (int i = 7; i >= 0; i--)
        u = u << 8 | r->p[i];
    r->p += 8;
    memcpy(&d, &u, sizeof d);
    return d;
}

int
tp_th_bool(tp_th_reader *r)
{
    /* the spec writes false as 0, Thrift's Java and C++ writers as 2: only 1 is true */
    return tp_th_i8(r) == 1;
}

const uint8_t *
tp_th_binary(tp_th_reader *r, size_t *n)
{
    *n = 0;
    uint64_t len = varint(r);
    if (r->err)
        return NULL;
    if (len > left(r)) {
        truncated(r);
        return NULL;
    }
    const uint8_t *s = r->p;
    r->p += len;
    *n = (size_t)len;
    return s;
}

static int
known_type(int t)
{
    return t >= TP_TH_TRUE && t <= TP_TH_UUID;
}

void
tp_th_struct_begin(tp_th_reader *r)
{
    if (r->depth >= TP_TH_MAXDEPTH) {
        tp_th_fail(r, "nested too deep");
        return;
    }
    r->depth++;
    r->last[r->depth] = 0;
}

void
tp_th_struct_end(tp_th_reader *r)
{
    if (r->depth > 0)
        r->depth--;
}

int
tp_th_field(tp_th_reader *r, int16_t *id)
{
    *id = 0;
    if (r->err)
        return TP_TH_STOP;
    if (r->p == r->end) {
        truncated(r);
        return TP_TH_STOP;
    }
    uint8_t b = *r->p++;
    int t = b & 0x0F, delta = b >> 4;
    if (t == TP_TH_STOP)
        return TP_TH_STOP;
    if (!known_type(t)) {
        tp_th_fail(r, "unknown field type %d", t);
        return TP_TH_STOP;
    }
    int32_t fid;
    if (delta) {
        fid = (int32_t)r->last[r->depth] + delta;
        if (fid > INT16_MAX) {
            tp_th_fail(r, "field id out of range");
            return TP_TH_STOP;
        }
    } else {
        fid = tp_th_i16(r);
        if (r->err)
            return TP_TH_STOP;
    }
    r->last[r->depth] = (int16_t)fid;
    *id = (int16_t)fid;
    return t;
}

void
tp_th_list(tp_th_reader *r, int *elem, size_t *n)
{
    *elem = 0;
    *n = 0;
    if (r->err)
        return;
    if (r->p == r->end) {
        truncated(r);
        return;
    }
    uint8_t b = *r->p++;
    uint64_t size = b >> 4;
    int t = b & 0x0F;
    if (size == 15) {
        size = varint(r);
        if (r->err)
            return;
        if (size > INT32_MAX) {
            tp_th_fail(r, "list of %llu elements", (unsigned long long)size);
            return;
        }
    }
    if (size > 0 && !known_type(t)) {
        tp_th_fail(r, "unknown element type %d", t);
        return;
    }
    if (size > left(r)) {
        tp_th_fail(r, "list of %llu elements in %zu bytes", (unsigned long long)size, left(r));
        r->truncated = 1;
        return;
    }
    *elem = t;
    *n = (size_t)size;
}

void
tp_th_map(tp_th_reader *r, int *ktype, int *vtype, size_t *n)
{
    *ktype = *vtype = 0;
    *n = 0;
    uint64_t size = varint(r);
    if (r->err || size == 0)
        return;
    if (size > INT32_MAX) {
        tp_th_fail(r, "map of %llu entries", (unsigned long long)size);
        return;
    }
    if (r->p == r->end) {
        truncated(r);
        return;
    }
    uint8_t b = *r->p++;
    int k = b >> 4, v = b & 0x0F;
    if (!known_type(k) || !known_type(v)) {
        tp_th_fail(r, "unknown map element types %d, %d", k, v);
        return;
    }
    /* a key and a value take a byte each at least */
    if (size > left(r) / 2) {
        tp_th_fail(r, "map of %llu entries in %zu bytes", (unsigned long long)size, left(r));
        r->truncated = 1;
        return;
    }
    *ktype = k;
    *vtype = v;
    *n = (size_t)size;
}

static void
skip_bytes(tp_th_reader *r, size_t n)
{
    if (r->err)
        return;
    if (left(r) < n) {
        truncated(r);
        return;
    }
    r->p += n;
}

/*
 * Skip one value. level counts the lists, sets and maps entered by this skip; structs
 * count through r->depth. Together they bound the recursion, whatever the input.
 */
static void
skip(tp_th_reader *r, int t, int elem, int level)
{
    size_t n, len;
    int et, kt, vt;
    int16_t id;
    if (r->err)
        return;
    switch (t) {
    case TP_TH_TRUE:
    case TP_TH_FALSE:
        if (elem)
            skip_bytes(r, 1);
        break;
    case TP_TH_I8:
        skip_bytes(r, 1);
        break;
    case TP_TH_I16:
    case TP_TH_I32:
    case TP_TH_I64:
        varint(r);
        break;
    case TP_TH_DOUBLE:
        skip_bytes(r, 8);
        break;
    case TP_TH_UUID:
        skip_bytes(r, 16);
        break;
    case TP_TH_BINARY:
        tp_th_binary(r, &len);
        break;
    case TP_TH_LIST:
    case TP_TH_SET:
    case TP_TH_MAP:
        if (r->depth + level >= TP_TH_MAXDEPTH) {
            tp_th_fail(r, "nested too deep");
            return;
        }
        if (t == TP_TH_MAP) {
            tp_th_map(r, &kt, &vt, &n);
            for (size_t i = 0; i < n && !r->err; i++) {
                skip(r, kt, 1, level + 1);
                skip(r, vt, 1, level + 1);
            }
        } else {
            tp_th_list(r, &et, &n);
            for (size_t i = 0; i < n && !r->err; i++)
                skip(r, et, 1, level + 1);
        }
        break;
    case TP_TH_STRUCT:
        if (r->depth + level >= TP_TH_MAXDEPTH) {
            tp_th_fail(r, "nested too deep");
            return;
        }
        tp_th_struct_begin(r);
        while ((et = tp_th_field(r, &id)) != TP_TH_STOP)
            skip(r, et, 0, level);
        tp_th_struct_end(r);
        break;
    default:
        tp_th_fail(r, "unknown type %d", t);
        break;
    }
}

void
tp_th_skip(tp_th_reader *r, int t)
{
    skip(r, t, 0, 0);
}

void
tp_th_skip_elem(tp_th_reader *r, int t)
{
    skip(r, t, 1, 0);
}

/* The writer. */

void
tp_th_writer_init(tp_th_writer *w, tp_bytes *out)
{
    memset(w, 0, sizeof *w);
    w->out = out;
}

static void
w_varint(tp_th_writer *w, uint64_t v)
{
    uint8_t buf[10];
    size_t n = 0;
    while (v >= 0x80) {
        buf[n++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    buf[n++] = (uint8_t)v;
    tp_bytes_put(w->out, buf, n);
}

void
tp_th_w_field(tp_th_writer *w, int16_t id, int type)
{
    int32_t delta = (int32_t)id - w->last[w->depth];
    /* past the depth limit the level's last id is shared: only absolute ids stay right */
    if (delta > 0 && delta <= 15 && w->depth < TP_TH_MAXDEPTH) {
        tp_bytes_byte(w->out, (uint8_t)(delta << 4 | type));
    } else {
        tp_bytes_byte(w->out, (uint8_t)type);
        w_varint(w, zigzag(id));
    }
    w->last[w->depth] = id;
}

void
tp_th_w_struct_begin(tp_th_writer *w)
{
    if (w->depth < TP_TH_MAXDEPTH)
        w->depth++;
    w->last[w->depth] = 0;
}

void
tp_th_w_struct_end(tp_th_writer *w)
{
    tp_bytes_byte(w->out, TP_TH_STOP);
    if (w->depth > 0)
        w->depth--;
}

void
tp_th_w_i8(tp_th_writer *w, int8_t v)
{
    tp_bytes_byte(w->out, (uint8_t)v);
}

void
tp_th_w_i16(tp_th_writer *w, int16_t v)
{
    w_varint(w, zigzag(v));
}

void
tp_th_w_i32(tp_th_writer *w, int32_t v)
{
    w_varint(w, zigzag(v));
}

void
tp_th_w_i64(tp_th_writer *w, int64_t v)
{
    w_varint(w, zigzag(v));
}

void
tp_th_w_double(tp_th_writer *w, double v)
{
    uint64_t u;
    uint8_t b[8];
    memcpy(&u, &v, sizeof u);
    for (int i = 0; i < 8; i++)
        b[i] = (uint8_t)(u >> (8 * i));
    tp_bytes_put(w->out, b, 8);
}

void
tp_th_w_bool(tp_th_writer *w, int v)
{
    tp_bytes_byte(w->out, v ? 1 : 0);
}

void
tp_th_w_binary(tp_th_writer *w, const void *p, size_t n)
{
    w_varint(w, n);
    tp_bytes_put(w->out, p, n);
}

void
tp_th_w_list(tp_th_writer *w, int elem, size_t n)
{
    if (n < 15) {
        tp_bytes_byte(w->out, (uint8_t)(n << 4 | (size_t)elem));
    } else {
        tp_bytes_byte(w->out, (uint8_t)(0xF0 | elem));
        w_varint(w, n);
    }
}

void
tp_th_w_map(tp_th_writer *w, int ktype, int vtype, size_t n)
{
    w_varint(w, n);
    if (n)
        tp_bytes_byte(w->out, (uint8_t)(ktype << 4 | vtype));
}

void
tp_th_w_field_bool(tp_th_writer *w, int16_t id, int v)
{
    tp_th_w_field(w, id, v ? TP_TH_TRUE : TP_TH_FALSE);
}

void
tp_th_w_field_i32(tp_th_writer *w, int16_t id, int32_t v)
{
    tp_th_w_field(w, id, TP_TH_I32);
    tp_th_w_i32(w, v);
}

void
tp_th_w_field_i64(tp_th_writer *w, int16_t id, int64_t v)
{
    tp_th_w_field(w, id, TP_TH_I64);
    tp_th_w_i64(w, v);
}

void
tp_th_w_field_binary(tp_th_writer *w, int16_t id, const void *p, size_t n)
{
    tp_th_w_field(w, id, TP_TH_BINARY);
    tp_th_w_binary(w, p, n);
}

void
tp_th_w_field_string(tp_th_writer *w, int16_t id, const char *s)
{
    tp_th_w_field_binary(w, id, s, strlen(s));
}
