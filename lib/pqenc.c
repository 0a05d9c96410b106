/*
 * Parquet's non-PLAIN encodings (see pqenc.h and apache/parquet-format Encodings.md).
 * These decoders run once per value on the hot path of reading a file, so bit-packed data
 * is unpacked eight values at a time from unaligned 64-bit little-endian loads, through
 * one copy of the loop per bit width (the width is a constant in each, so shifts and
 * masks fold away). A 64-bit load may reach up to 9 bytes past the group it unpacks:
 * groups near the end of the buffer are first copied into a zero-padded scratch array,
 * so that nothing outside [p, p + n) is read. Counts and lengths from the data are
 * checked against the bytes left before they are used; sums wrap in unsigned arithmetic
 * as the specification asks of DELTA_BINARY_PACKED.
 */
#include "pqenc.h"

#include "err.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#define ALWAYS_INLINE inline __attribute__((always_inline))

/* DELTA_BYTE_ARRAY rebuilds values from prefixes of earlier ones, so a few bytes of page
 * can stand for any amount of text: one call refuses to rebuild more than this. */
#define MAX_REBUILT ((uint64_t)1 << 30)

static ALWAYS_INLINE uint64_t
load64(const uint8_t *s)
{
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    uint64_t v;
    memcpy(&v, s, 8);
    return v;
#else
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | s[i];
    return v;
#endif
}

/* ULEB128 of up to 64 bits at p[*pos..n); -1 if it runs past n or past 10 bytes. */
static ALWAYS_INLINE int
uleb(const uint8_t *p, size_t n, size_t *pos, uint64_t *v)
{
    uint64_t x = 0;
    for (int shift = 0; shift < 64; shift += 7) {
        if (*pos >= n)
            return -1;
        uint8_t b = p[(*pos)++];
        x |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) {
            *v = x;
            return 0;
        }
    }
    return -1;
}

static uint64_t
unzigzag(uint64_t z)
{
    return (z >> 1) ^ (0 - (z & 1));
}

static int64_t
as_int64(uint64_t x)
{
    int64_t v;
    memcpy(&v, &x, sizeof v);
    return v;
}

static int64_t
as_int32(uint64_t x)
{
    uint32_t u = (uint32_t)x;
    int32_t v;
    memcpy(&v, &u, sizeof v);
    return v;
}

/* ---- 32-bit unpacking (RLE hybrid) ---- */

/* 8 values of w (1..32) bits from s; reads s[0 .. (7w)/8 + 8). */
static ALWAYS_INLINE void
unpack8_32(const uint8_t *s, int w, uint32_t *o)
{
    const uint64_t mask = (UINT64_C(1) << w) - 1;
    for (int i = 0; i < 8; i++)
        o[i] = (uint32_t)((load64(s + ((i * w) >> 3)) >> ((i * w) & 7)) & mask);
}

static ALWAYS_INLINE void
groups32(const uint8_t *s, size_t groups, int w, uint32_t *o)
{
    for (size_t g = 0; g < groups; g++)
        unpack8_32(s + g * (size_t)w, w, o + 8 * g);
}

#define W4(m, a) m(a + 1) m(a + 2) m(a + 3) m(a + 4)
#define W16(m, a) W4(m, a) W4(m, a + 4) W4(m, a + 8) W4(m, a + 12)
#define CASE32(W)                                                                                  \
    case W:                                                                                        \
        groups32(s, groups, W, o);                                                                 \
        break;

static void
groups32_any(const uint8_t *s, size_t groups, int w, uint32_t *o)
{
    switch (w) {
        W16(CASE32, 0)
        W16(CASE32, 16)
    }
}

/*
 * want values of w (0..32) bits from the avail bytes at s, which hold at least
 * ceil(want * w / 8) bytes: whole groups where 64-bit loads stay inside, the rest
 * through a zero-padded copy.
 */
static void
bitunpack32(const uint8_t *s, size_t avail, int w, uint32_t *o, size_t want)
{
    if (w == 0) {
        memset(o, 0, want * sizeof *o);
        return;
    }
    size_t full = want / 8;
    size_t safe = avail >= (size_t)w + 8 ? (avail - 8) / (size_t)w : 0;
    size_t fast = full < safe ? full : safe;
    groups32_any(s, fast, w, o);
    for (size_t g = fast; g * 8 < want; g++) {
        uint8_t tmp[48] = {0};
        uint32_t v[8];
        size_t at = g * (size_t)w, have = avail - at;
        memcpy(tmp, s + at, have < (size_t)w ? have : (size_t)w);
        unpack8_32(tmp, w, v);
        size_t k = want - g * 8 < 8 ? want - g * 8 : 8;
        memcpy(o + g * 8, v, k * sizeof *v);
    }
}

long
tp_pq_rle_decode(const uint8_t *p, size_t n, int width, uint32_t *out, size_t count)
{
    if (width < 0 || width > 32) {
        tp_err(NULL, 0, "RLE: bit width %d", width);
        return -1;
    }
    if (n > LONG_MAX) {
        tp_err(NULL, 0, "RLE: %zu bytes are too many", n);
        return -1;
    }
    size_t pos = 0, got = 0, vbytes = ((size_t)width + 7) / 8;
    while (got < count) {
        uint64_t h;
        if (uleb(p, n, &pos, &h) < 0)
            goto early;
        size_t left = count - got;
        if (h & 1) {
            uint64_t groups = h >> 1;
            if (groups == 0) {
                tp_err(NULL, 0, "RLE: bit-packed run of 0 values");
                return -1;
            }
            size_t want = groups >= (left + 7) / 8 ? left : (size_t)groups * 8;
            /* only the bits of wanted values need be there: writers pad the last group,
             * but a reader need not insist */
            uint64_t need = ((uint64_t)want * (uint64_t)width + 7) / 8;
            if (need > n - pos)
                goto early;
            bitunpack32(p + pos, n - pos, width, out + got, want);
            got += want;
            /* groups * width cannot overflow once groups is known to be below n */
            uint64_t run = groups > n - pos ? n - pos : groups * (uint64_t)width;
            pos += run < n - pos ? (size_t)run : n - pos;
        } else {
            uint64_t len = h >> 1;
            if (len == 0) {
                tp_err(NULL, 0, "RLE: run of 0 values");
                return -1;
            }
            if (n - pos < vbytes)
                goto early;
            uint32_t v = 0;
            for (size_t i = 0; i < vbytes; i++)
                v |= (uint32_t)p[pos + i] << (8 * i);
            pos += vbytes;
            if (width < 32 && v >> width) {
                tp_err(NULL, 0, "RLE: run value %u does not fit in %d bits", v, width);
                return -1;
            }
            size_t k = len < left ? (size_t)len : left;
            uint32_t *o = out + got;
            for (size_t i = 0; i < k; i++)
                o[i] = v;
            got += k;
        }
    }
    return (long)pos;
early:
    tp_err(NULL, 0, "RLE data ends early");
    return -1;
}

/* Append a varint. */
static void
put_uleb(tp_bytes *out, uint64_t v)
{
    while (v >= 0x80) {
        tp_bytes_byte(out, (uint8_t)(v | 0x80));
        v >>= 7;
    }
    tp_bytes_byte(out, (uint8_t)v);
}

/* Values v[0..k) as bit-packed runs of at most 63 groups (one header byte each); k is a
 * multiple of 8 except at the very end of the data, where the last group gets zeros. */
static void
put_packed(tp_bytes *out, const uint32_t *v, size_t k, int width, uint32_t mask)
{
    while (k > 0) {
        size_t groups = (k + 7) / 8;
        if (groups > 63)
            groups = 63;
        size_t take = groups * 8 < k ? groups * 8 : k;
        tp_bytes_byte(out, (uint8_t)(groups << 1 | 1));
        uint8_t *d = tp_bytes_reserve(out, groups * (size_t)width + 1);
        size_t at = 0;
        for (size_t g = 0; g < groups; g++) {
            uint64_t acc = 0;
            int bits = 0;
            for (size_t i = 0; i < 8; i++) {
                size_t j = g * 8 + i;
                uint64_t x = j < take ? (v[j] & mask) : 0;
                acc |= x << bits;
                bits += width;
                while (bits >= 8) {
                    d[at++] = (uint8_t)acc;
                    acc >>= 8;
                    bits -= 8;
                }
            }
        }
        out->len += at;
        v += take;
        k -= take;
    }
}

void
tp_pq_rle_encode(const uint32_t *v, size_t count, int width, tp_bytes *out)
{
    uint32_t mask = width >= 32 ? UINT32_MAX : (UINT32_C(1) << width) - 1;
    size_t vbytes = ((size_t)width + 7) / 8;
    size_t lit = 0, i = 0; /* v[lit..i): values waiting to be bit-packed */
    while (i < count) {
        uint32_t x = v[i] & mask;
        size_t run = 1;
        while (i + run < count && (v[i + run] & mask) == x)
            run++;
        if (run < 8) {
            i += run;
            continue;
        }
        /* an RLE run may only start after a whole number of literal groups: lend the
         * literals what they lack from the start of the run */
        size_t lack = (8 - (i - lit) % 8) % 8;
        if (run - lack < 8) {
            i += run;
            continue;
        }
        i += lack;
        run -= lack;
        put_packed(out, v + lit, i - lit, width, mask);
        while (run > 0) {
            /* run lengths are at most 2^31 - 1 (Encodings.md) */
            size_t r = run > INT32_MAX ? INT32_MAX : run;
            put_uleb(out, (uint64_t)r << 1);
            for (size_t b = 0; b < vbytes; b++)
                tp_bytes_byte(out, (uint8_t)(x >> (8 * b)));
            run -= r;
            i += r;
        }
        lit = i;
    }
    put_packed(out, v + lit, count - lit, width, mask);
}

int
tp_pq_bit_width(uint64_t max)
{
    int w = 0;
    while (max) {
        w++;
        max >>= 1;
    }
    return w;
}

/* ---- 64-bit unpacking (DELTA_BINARY_PACKED miniblocks) ---- */

/* 8 values of w (1..64) bits from s; reads s[0 .. (7w)/8 + 9). */
static ALWAYS_INLINE void
unpack8_64(const uint8_t *s, int w, uint64_t *o)
{
    const uint64_t mask = w == 64 ? UINT64_MAX : (UINT64_C(1) << w) - 1;
    for (int i = 0; i < 8; i++) {
        int off = i * w, sh = off & 7;
        uint64_t x = load64(s + (off >> 3)) >> sh;
        if (w > 56 && sh)
            x |= (uint64_t)s[(off >> 3) + 8] << (64 - sh);
        o[i] = x & mask;
    }
}

static ALWAYS_INLINE void
groups64(const uint8_t *s, size_t groups, int w, uint64_t *o)
{
    for (size_t g = 0; g < groups; g++)
        unpack8_64(s + g * (size_t)w, w, o + 8 * g);
}

#define CASE64(W)                                                                                  \
    case W:                                                                                        \
        groups64(s, groups, W, o);                                                                 \
        break;

static void
groups64_any(const uint8_t *s, size_t groups, int w, uint64_t *o)
{
    switch (w) {
        W16(CASE64, 0)
        W16(CASE64, 16)
        W16(CASE64, 32)
        W16(CASE64, 48)
    }
}

/* groups whole groups of w (0..64) bits, all present in the avail bytes at s (loads may
 * reach into the bytes after the groups, never past avail). */
static void
bitunpack64(const uint8_t *s, size_t avail, int w, uint64_t *o, size_t groups)
{
    if (w == 0) {
        memset(o, 0, groups * 8 * sizeof *o);
        return;
    }
    size_t safe = avail >= (size_t)w + 9 ? (avail - 9) / (size_t)w : 0;
    size_t fast = groups < safe ? groups : safe;
    groups64_any(s, fast, w, o);
    for (size_t g = fast; g < groups; g++) {
        uint8_t tmp[80] = {0};
        memcpy(tmp, s + g * (size_t)w, (size_t)w);
        unpack8_64(tmp, w, o + 8 * g);
    }
}

/*
 * DELTA_BINARY_PACKED into o64 (as signed bits-bit values) or, for byte array lengths,
 * into o32 (bits 32; a negative value is an error). With to_end the blocks of the values
 * past count are walked too (not decoded), so that the bytes used reach the end of the
 * encoded data, where DELTA_LENGTH_BYTE_ARRAY's bytes start. what names the encoding in
 * messages.
 */
static long
delta_core(const uint8_t *p, size_t n, int bits, size_t count, int64_t *o64, uint32_t *o32,
           int to_end, const char *what)
{
    if (bits != 32 && bits != 64) {
        tp_err(NULL, 0, "%s: %d-bit values", what, bits);
        return -1;
    }
    if (n > LONG_MAX) {
        tp_err(NULL, 0, "%s: %zu bytes are too many", what, n);
        return -1;
    }
    size_t pos = 0;
    uint64_t bsize, nmb, total, fz;
    if (uleb(p, n, &pos, &bsize) < 0 || uleb(p, n, &pos, &nmb) < 0 ||
        uleb(p, n, &pos, &total) < 0 || uleb(p, n, &pos, &fz) < 0)
        goto early;
    if (bsize == 0 || bsize % 128 || bsize > ((uint64_t)1 << 31)) {
        tp_err(NULL, 0, "%s: block size %llu is not a multiple of 128 up to 2^31", what,
               (unsigned long long)bsize);
        return -1;
    }
    if (nmb == 0 || bsize % nmb || bsize / nmb % 32) {
        tp_err(NULL, 0, "%s: %llu miniblocks do not cut a block of %llu into multiples of 32", what,
               (unsigned long long)nmb, (unsigned long long)bsize);
        return -1;
    }
    if (total < count) {
        tp_err(NULL, 0, "%s: %zu values wanted, the header has %llu", what, count,
               (unsigned long long)total);
        return -1;
    }
    uint64_t last = unzigzag(fz);
    if (bits == 32 && (as_int64(last) < INT32_MIN || as_int64(last) > INT32_MAX)) {
        tp_err(NULL, 0, "%s: first value %lld does not fit in 32 bits", what,
               (long long)as_int64(last));
        return -1;
    }
    size_t got = 0; /* values stored */
    if (count > 0) {
        if (o64) {
            o64[0] = as_int64(last);
        } else if (as_int64(last) < 0) {
            goto negative;
        } else {
            o32[0] = (uint32_t)last;
        }
        got = 1;
    }
    /* deltas still to walk: those of wanted values, or all with to_end */
    uint64_t left = to_end ? (total ? total - 1 : 0) : (count ? count - 1 : 0);
    size_t per = (size_t)(bsize / nmb);
    uint64_t buf[256];
    while (left > 0) {
        uint64_t mdz;
        if (uleb(p, n, &pos, &mdz) < 0)
            goto early;
        uint64_t md = unzigzag(mdz);
        if (n - pos < nmb)
            goto early;
        const uint8_t *widths = p + pos;
        pos += (size_t)nmb;
        /* the bit widths of miniblocks past the last value may be anything; the
         * miniblocks themselves are then absent */
        for (size_t m = 0; m < nmb && left > 0; m++) {
            int w = widths[m];
            if (w > bits) {
                tp_err(NULL, 0, "%s: bit width %d", what, w);
                return -1;
            }
            size_t mbytes = per * (size_t)w / 8;
            if (mbytes > n - pos)
                goto early;
            size_t take = left < per ? (size_t)left : per;
            size_t want = got < count ? (take < count - got ? take : count - got) : 0;
            for (size_t done = 0; done < want;) {
                size_t k = want - done < 256 ? want - done : 256;
                /* done is a multiple of 256, so the chunk starts on a byte */
                size_t at = done * (size_t)w / 8;
                bitunpack64(p + pos + at, n - pos - at, w, buf, (k + 7) / 8);
                if (o64) {
                    int64_t *o = o64 + got + done;
                    if (bits == 64) {
                        for (size_t j = 0; j < k; j++)
                            o[j] = as_int64(last += md + buf[j]);
                    } else {
                        for (size_t j = 0; j < k; j++)
                            o[j] = as_int32(last += md + buf[j]);
                    }
                } else {
                    uint32_t *o = o32 + got + done;
                    uint32_t neg = 0;
                    for (size_t j = 0; j < k; j++) {
                        last += md + buf[j];
                        o[j] = (uint32_t)last;
                        neg |= (uint32_t)last;
                    }
                    if (neg & 0x80000000u)
                        goto negative;
                }
                done += k;
            }
            got += want;
            left -= take;
            pos += mbytes;
        }
    }
    return (long)pos;
early:
    tp_err(NULL, 0, "%s data ends early", what);
    return -1;
negative:
    tp_err(NULL, 0, "%s: negative length", what);
    return -1;
}

long
tp_pq_delta_decode(const uint8_t *p, size_t n, int bits, int64_t *out, size_t count)
{
    return delta_core(p, n, bits, count, out, NULL, 0, "DELTA_BINARY_PACKED");
}

long
tp_pq_delta_length_decode(const uint8_t *p, size_t n, size_t count, const uint8_t **ptr,
                          uint32_t *len)
{
    long used = delta_core(p, n, 32, count, NULL, len, 1, "DELTA_LENGTH_BYTE_ARRAY");
    if (used < 0)
        return -1;
    size_t pos = (size_t)used;
    for (size_t i = 0; i < count; i++) {
        if (len[i] > n - pos) {
            tp_err(NULL, 0, "DELTA_LENGTH_BYTE_ARRAY: lengths beyond the data");
            return -1;
        }
        ptr[i] = p + pos;
        pos += len[i];
    }
    return (long)pos;
}

long
tp_pq_delta_bytes_decode(const uint8_t *p, size_t n, size_t count, tp_bytes *store, size_t *off,
                         uint32_t *len)
{
    if (count > SIZE_MAX / sizeof(uint32_t)) {
        tp_err(NULL, 0, "DELTA_BYTE_ARRAY: %zu values are too many", count);
        return -1;
    }
    uint32_t *pre = tp_xmalloc(count ? count * sizeof *pre : 1);
    long ret = -1;
    long a = delta_core(p, n, 32, count, NULL, pre, 1, "DELTA_BYTE_ARRAY prefix lengths");
    if (a < 0)
        goto out;
    /* the suffix lengths go to len, overwritten by the value lengths as they are built */
    long b = delta_core(p + a, n - (size_t)a, 32, count, NULL, len, 1,
                        "DELTA_BYTE_ARRAY suffix lengths");
    if (b < 0)
        goto out;
    size_t pos = (size_t)a + (size_t)b, prev_off = 0;
    uint64_t prev_len = 0, rebuilt = 0;
    for (size_t i = 0; i < count; i++) {
        uint32_t pl = pre[i], sl = len[i];
        if (pl > prev_len) {
            tp_err(NULL, 0,
                   "DELTA_BYTE_ARRAY: prefix of %u bytes, longer than the previous value "
                   "(%llu bytes)",
                   pl, (unsigned long long)prev_len);
            goto out;
        }
        if (sl > n - pos) {
            tp_err(NULL, 0, "DELTA_BYTE_ARRAY: suffixes beyond the data");
            goto out;
        }
        uint64_t vlen = (uint64_t)pl + sl;
        rebuilt += vlen;
        if (vlen > UINT32_MAX || rebuilt > MAX_REBUILT) {
            tp_err(NULL, 0, "DELTA_BYTE_ARRAY: values add up to more than %llu bytes",
                   (unsigned long long)MAX_REBUILT);
            goto out;
        }
        off[i] = store->len;
        if (vlen) {
            uint8_t *d = tp_bytes_reserve(store, (size_t)vlen);
            if (pl)
                memcpy(d, store->p + prev_off, pl);
            if (sl)
                memcpy(d + pl, p + pos, sl);
            store->len += (size_t)vlen;
        }
        len[i] = (uint32_t)vlen;
        prev_off = off[i];
        prev_len = vlen;
        pos += sl;
    }
    ret = (long)pos;
out:
    free(pre);
    return ret;
}

/* Byte k of value i is at p[k * count + i]: gather each value from its width streams. */
static ALWAYS_INLINE void
bss_fixed(const uint8_t *p, size_t count, size_t w, uint8_t *out)
{
    for (size_t i = 0; i < count; i++)
        for (size_t k = 0; k < w; k++)
            out[i * w + k] = p[k * count + i];
}

int
tp_pq_bss_decode(const uint8_t *p, size_t n, size_t count, size_t width, uint8_t *out)
{
    if (width == 0 || count > SIZE_MAX / width || count * width != n) {
        tp_err(NULL, 0, "BYTE_STREAM_SPLIT: %zu bytes for %zu values of %zu bytes", n, count,
               width);
        return -1;
    }
    switch (width) {
    case 2:
        bss_fixed(p, count, 2, out);
        break;
    case 4:
        bss_fixed(p, count, 4, out);
        break;
    case 8:
        bss_fixed(p, count, 8, out);
        break;
    default:
        /* one stream at a time: reads in order, writes strided */
        for (size_t k = 0; k < width; k++) {
            const uint8_t *s = p + k * count;
            for (size_t i = 0; i < count; i++)
                out[i * width + k] = s[i];
        }
    }
    return 0;
}
