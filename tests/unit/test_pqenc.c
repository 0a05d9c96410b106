/*
 * Parquet encodings: the examples of Encodings.md byte for byte, RLE hybrid round trips
 * at every width with runs, alternations and noise, DELTA_BINARY_PACKED against a simple
 * reference encoder written here (bit by bit, unlike the decoder), the byte array
 * encodings, BYTE_STREAM_SPLIT, and hostile input: truncation at every length, zero-length
 * runs, widths above the type's, bad block headers, huge counts, bad prefixes. Input is
 * copied into buffers of exactly its size, so that a read past the end shows under ASan.
 */
#include "err.h"
#include "pqenc.h"
#include "unit.h"

#include <stdlib.h>
#include <string.h>

static uint64_t rng = 88172645463325252ULL;

static uint64_t
rnd(void)
{
    rng ^= rng << 13;
    rng ^= rng >> 7;
    rng ^= rng << 17;
    return rng;
}

/* A copy of p[0..n) in a buffer of exactly n bytes. */
static uint8_t *
exact(const uint8_t *p, size_t n)
{
    uint8_t *d = malloc(n ? n : 1);
    if (n)
        memcpy(d, p, n);
    return d;
}

static long
rle(const uint8_t *p, size_t n, int width, uint32_t *out, size_t count)
{
    uint8_t *d = exact(p, n);
    long r = tp_pq_rle_decode(d, n, width, out, count);
    free(d);
    return r;
}

/* LSB-first bit writer, one bit at a time: the reference the decoders are held to. */
typedef struct {
    tp_bytes *b;
    size_t bit;
} bitw;

static void
put_bits(bitw *w, uint64_t v, int width)
{
    for (int i = 0; i < width; i++) {
        if (w->bit % 8 == 0)
            tp_bytes_byte(w->b, 0);
        if (v >> i & 1)
            w->b->p[w->b->len - 1] |= (uint8_t)(1u << (w->bit % 8));
        w->bit++;
    }
}

static void
put_uleb(tp_bytes *b, uint64_t v)
{
    do {
        tp_bytes_byte(b, (uint8_t)((v & 0x7f) | (v > 0x7f ? 0x80 : 0)));
        v >>= 7;
    } while (v);
}

static uint64_t
zigzag(int64_t x)
{
    return ((uint64_t)x << 1) ^ (0 - ((uint64_t)x >> 63));
}

static void
rle_examples(void)
{
    /* Encodings.md: 0..7 at width 3 bit-packed are 10001000 11000110 11111010 */
    static const uint8_t packed[] = {0x03, 0x88, 0xc6, 0xfa};
    uint32_t v[64], want[8] = {0, 1, 2, 3, 4, 5, 6, 7};
    CHECK(rle(packed, 4, 3, v, 8) == 4 && memcmp(v, want, sizeof want) == 0);
    tp_bytes b = {0};
    tp_pq_rle_encode(want, 8, 3, &b);
    CHECK(b.len == 4 && memcmp(b.p, packed, 4) == 0);
    tp_bytes_free(&b);
    /* fewer values than the group holds */
    CHECK(rle(packed, 4, 3, v, 5) == 4 && memcmp(v, want, 5 * sizeof *v) == 0);
    /* only the bytes of wanted values need be there */
    CHECK(rle(packed, 3, 3, v, 5) == 3 && memcmp(v, want, 5 * sizeof *v) == 0);
    CHECK(rle(packed, 3, 3, v, 6) == -1);
    CHECK(strcmp(tp_errmsg(), "RLE data ends early") == 0);

    /* an RLE run of 5 sevens, then one of 300 values 0x1234 at width 13 (two bytes) */
    static const uint8_t runs[] = {0x0a, 0x07, 0xd8, 0x04, 0x34, 0x12};
    uint32_t *w = malloc(305 * sizeof *w);
    CHECK(tp_pq_rle_decode(runs, 2, 3, w, 5) == 2);
    CHECK(w[0] == 7 && w[4] == 7);
    CHECK(rle(runs + 2, 4, 13, w, 300) == 4 && w[0] == 0x1234 && w[299] == 0x1234);
    CHECK(rle(runs + 2, 4, 13, w, 301) == -1); /* data ends early */
    CHECK(rle(runs + 2, 4, 12, w, 3) == -1);   /* 0x1234 does not fit in 12 bits */
    CHECK(rle(runs + 2, 3, 13, w, 3) == -1);   /* value cut short */
    /* a run longer than needed stops at count */
    CHECK(rle(runs + 2, 4, 13, w, 10) == 4 && w[9] == 0x1234);
    free(w);

    /* width 0: all zeros, no value bytes */
    static const uint8_t zero[] = {0x14, 0x03};
    for (int i = 0; i < 64; i++)
        v[i] = 99;
    CHECK(rle(zero, 2, 0, v, 18) == 2 && v[0] == 0 && v[17] == 0);

    /* a bit-packed run of 100 groups (two-byte header) at width 1: LSB first */
    tp_bytes_free(&b);
    put_uleb(&b, 100 << 1 | 1);
    bitw bw = {&b, 0};
    for (int i = 0; i < 800; i++)
        put_bits(&bw, (uint64_t)(i % 3 == 0), 1);
    uint32_t *big = malloc(800 * sizeof *big);
    CHECK(rle(b.p, b.len, 1, big, 800) == (long)b.len);
    int ok = 1;
    for (int i = 0; i < 800; i++)
        ok &= big[i] == (uint32_t)(i % 3 == 0);
    CHECK(ok);
    free(big);
    tp_bytes_free(&b);
}

static void
rle_errors(void)
{
    uint32_t v[16];
    static const uint8_t data[] = {0x03, 0x88, 0xc6, 0xfa};
    CHECK(rle(data, 4, 33, v, 8) == -1);
    CHECK(strcmp(tp_errmsg(), "RLE: bit width 33") == 0);
    CHECK(rle(data, 4, -1, v, 8) == -1);
    CHECK(rle(data, 0, 3, v, 1) == -1);
    CHECK(rle(data, 0, 3, v, 0) == 0); /* nothing wanted, nothing read */
    /* run headers of 0, RLE or bit-packed: an error, never a loop */
    static const uint8_t z0[] = {0x00, 0x00, 0x00}, z1[] = {0x01, 0x01, 0x01};
    CHECK(rle(z0, 3, 1, v, 4) == -1);
    CHECK(rle(z1, 3, 1, v, 4) == -1);
    CHECK(rle(z0, 3, 0, v, 4) == -1);
    /* a varint that never ends, and one of 11 bytes */
    static const uint8_t cont[] = {0x80, 0x80, 0x80};
    CHECK(rle(cont, 3, 1, v, 1) == -1);
    static const uint8_t long11[] = {0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
                                     0x80, 0x80, 0x80, 0x80, 0x02};
    CHECK(rle(long11, 11, 0, v, 1) == -1);
    /* huge runs: an RLE run of ~2^62 zeros is fine, a bit-packed one without its bytes not */
    static const uint8_t huge_rle[] = {0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f};
    CHECK(rle(huge_rle, 9, 0, v, 16) == 9 && v[15] == 0);
    static const uint8_t huge_bp[] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f, 0x55};
    CHECK(rle(huge_bp, 10, 8, v, 16) == -1);
    CHECK(rle(huge_bp, 10, 0, v, 16) == 9);
    CHECK(rle(huge_bp, 10, 1, v, 8) == 10 && v[0] == 1 && v[1] == 0 && v[2] == 1);
}

static void
fill(uint32_t *v, size_t n, int pattern, int width)
{
    uint32_t mask = width >= 32 ? UINT32_MAX : (1u << width) - 1;
    for (size_t i = 0; i < n; i++) {
        switch (pattern) {
        case 0: /* constant */
            v[i] = 0x5a5a5a5au & mask;
            break;
        case 1: /* alternating */
            v[i] = (uint32_t)(i & 1) * mask;
            break;
        case 2: /* noise */
            v[i] = (uint32_t)rnd() & mask;
            break;
        case 3: /* runs of random lengths (1..20) among noise */
            if (i == 0 || rnd() % 20 == 0)
                v[i] = (uint32_t)rnd() & mask;
            else
                v[i] = v[i - 1];
            break;
        default: /* short runs: 7, 8 and 9 long */
            v[i] = (uint32_t)(i / (7 + i % 3)) & mask;
        }
    }
}

static void
rle_round_trips(void)
{
    static const size_t counts[] = {1, 7, 8, 9, 15, 16, 17, 100, 1000, 10007};
    uint32_t *v = malloc(10007 * sizeof *v), *d = malloc(10007 * sizeof *d);
    int bad = 0, trunc_bad = 0;
    for (int width = 0; width <= 32; width++) {
        for (int pattern = 0; pattern < 5; pattern++) {
            for (size_t ci = 0; ci < 10; ci++) {
                size_t n = counts[ci];
                fill(v, n, pattern, width);
                tp_bytes b = {0}, b2 = {0};
                tp_pq_rle_encode(v, n, width, &b);
                tp_pq_rle_encode(v, n, width, &b2);
                bad += b.len != b2.len || memcmp(b.p, b2.p, b.len) != 0;
                bad += rle(b.p, b.len, width, d, n) != (long)b.len;
                bad += memcmp(v, d, n * sizeof *v) != 0;
                /* every truncation: an error, or the right values from the bytes there */
                if (n <= 100) {
                    for (size_t k = 0; k < b.len; k++) {
                        long r = rle(b.p, k, width, d, n);
                        trunc_bad += r != -1 && (r > (long)k || memcmp(v, d, n * sizeof *v));
                    }
                }
                tp_bytes_free(&b);
                tp_bytes_free(&b2);
            }
        }
    }
    CHECK(bad == 0);
    CHECK(trunc_bad == 0);
    /* a constant column is one RLE run: header and value */
    fill(v, 8000, 0, 7);
    tp_bytes b = {0};
    tp_pq_rle_encode(v, 8000, 7, &b);
    CHECK(b.len == 3 && b.p[0] == (uint8_t)(16000 | 0x80) && b.p[1] == 16000 >> 7 &&
          b.p[2] == 0x5a);
    tp_bytes_free(&b);
    /* nothing to encode, nothing written */
    tp_pq_rle_encode(v, 0, 7, &b);
    CHECK(b.len == 0);
    free(v);
    free(d);
}

/*
 * Reference DELTA_BINARY_PACKED writer: blocks of 128 with 4 miniblocks of 32, deltas in
 * the width of the type; the unneeded miniblocks of the last block are left out and
 * their bit widths set to junk, as readers must accept.
 */
static void
delta_enc(const int64_t *v, size_t n, int bits, tp_bytes *b)
{
    put_uleb(b, 128);
    put_uleb(b, 4);
    put_uleb(b, n);
    put_uleb(b, zigzag(n ? v[0] : 0));
    for (size_t i = 1; i < n; i += 128) {
        size_t k = n - i < 128 ? n - i : 128;
        int64_t d[128];
        for (size_t j = 0; j < k; j++) {
            uint64_t diff = (uint64_t)v[i + j] - (uint64_t)v[i + j - 1];
            d[j] = bits == 32 ? (int32_t)(uint32_t)diff : (int64_t)diff;
        }
        int64_t min = d[0];
        for (size_t j = 1; j < k; j++)
            if (d[j] < min)
                min = d[j];
        put_uleb(b, zigzag(min));
        int w[4];
        for (int m = 0; m < 4; m++) {
            uint64_t max = 0;
            for (size_t j = (size_t)m * 32; j < k && j < (size_t)m * 32 + 32; j++) {
                uint64_t r = (uint64_t)d[j] - (uint64_t)min;
                if (r > max)
                    max = r;
            }
            w[m] = (size_t)m * 32 < k ? tp_pq_bit_width(max) : 0;
            tp_bytes_byte(b, (size_t)m * 32 < k ? (uint8_t)w[m] : 0xee);
        }
        bitw bw = {b, 0};
        for (int m = 0; m < 4 && (size_t)m * 32 < k; m++)
            for (size_t j = (size_t)m * 32; j < (size_t)m * 32 + 32; j++)
                put_bits(&bw, j < k ? (uint64_t)d[j] - (uint64_t)min : 0, w[m]);
    }
}

static long
delta(const uint8_t *p, size_t n, int bits, int64_t *out, size_t count)
{
    uint8_t *d = exact(p, n);
    long r = tp_pq_delta_decode(d, n, bits, out, count);
    free(d);
    return r;
}

static void
delta_examples(void)
{
    int64_t o[16];
    /* Encodings.md example 1 (1 2 3 4 5) with a valid block size: 128, 4 miniblocks */
    static const uint8_t ex1[] = {0x80, 0x01, 0x04, 0x05, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00};
    CHECK(delta(ex1, sizeof ex1, 64, o, 5) == 10);
    CHECK(o[0] == 1 && o[1] == 2 && o[2] == 3 && o[3] == 4 && o[4] == 5);
    CHECK(delta(ex1, sizeof ex1, 32, o, 5) == 10 && o[4] == 5);
    CHECK(delta(ex1, sizeof ex1, 64, o, 1) == 5 && o[0] == 1); /* no block needed */
    /* as printed there, with a block of 8 values: not a multiple of 128 */
    static const uint8_t ex1_8[] = {0x08, 0x01, 0x05, 0x02, 0x02, 0x00};
    CHECK(delta(ex1_8, sizeof ex1_8, 64, o, 5) == -1);
    /* example 2: 7 5 3 1 2 3 4 5; min delta -2, width 2, relative 0 0 0 3 3 3 3 */
    static const uint8_t ex2[] = {0x80, 0x01, 0x04, 0x08, 0x0e, 0x03, 0x02, 0x00, 0x00,
                                  0x00, 0xc0, 0x3f, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};
    static const int64_t want2[] = {7, 5, 3, 1, 2, 3, 4, 5};
    CHECK(delta(ex2, sizeof ex2, 64, o, 8) == (long)sizeof ex2);
    CHECK(memcmp(o, want2, sizeof want2) == 0);
    tp_bytes b = {0};
    delta_enc(want2, 8, 64, &b);
    CHECK(b.len == sizeof ex2 && memcmp(b.p, ex2, 5) == 0 && memcmp(b.p + 10, ex2 + 10, 8) == 0);
    tp_bytes_free(&b);
    /* every truncation is an error (the last miniblock is padded in full) */
    int bad = 0;
    for (size_t k = 0; k < sizeof ex2; k++)
        bad += delta(ex2, k, 64, o, 8) != -1;
    CHECK(bad == 0);
}

static void
delta_errors(void)
{
    int64_t o[8];
    tp_bytes b = {0};
#define HDR(bs, mb, total, first)                                                                  \
    do {                                                                                           \
        b.len = 0;                                                                                 \
        put_uleb(&b, bs);                                                                          \
        put_uleb(&b, mb);                                                                          \
        put_uleb(&b, total);                                                                       \
        put_uleb(&b, first);                                                                       \
    } while (0)
    HDR(0, 1, 1, 0);
    CHECK(delta(b.p, b.len, 64, o, 1) == -1);
    HDR(100, 1, 1, 0);
    CHECK(delta(b.p, b.len, 64, o, 1) == -1);
    HDR(129, 1, 1, 0);
    CHECK(delta(b.p, b.len, 64, o, 1) == -1);
    HDR((uint64_t)1 << 40, 1, 1, 0);
    CHECK(delta(b.p, b.len, 64, o, 1) == -1);
    HDR(128, 0, 1, 0);
    CHECK(delta(b.p, b.len, 64, o, 1) == -1);
    HDR(128, 3, 1, 0);
    CHECK(delta(b.p, b.len, 64, o, 1) == -1);
    HDR(128, 8, 1, 0); /* miniblocks of 16 */
    CHECK(delta(b.p, b.len, 64, o, 1) == -1);
    HDR(256, 8, 1, 0); /* miniblocks of 32 */
    CHECK(delta(b.p, b.len, 64, o, 1) == 5);
    /* the total must cover count; a huge total is fine while no value needs it */
    HDR(128, 4, 1, 2);
    CHECK(delta(b.p, b.len, 64, o, 2) == -1);
    HDR(128, 4, (uint64_t)1 << 62, 2);
    CHECK(delta(b.p, b.len, 64, o, 1) == (long)b.len && o[0] == 1);
    CHECK(delta(b.p, b.len, 64, o, 2) == -1); /* ends early */
    /* first value out of INT32's range */
    HDR(128, 4, 1, zigzag((int64_t)1 << 31));
    CHECK(delta(b.p, b.len, 32, o, 1) == -1);
    CHECK(delta(b.p, b.len, 64, o, 1) > 0 && o[0] == (int64_t)1 << 31);
    HDR(128, 4, 1, zigzag(INT32_MIN));
    CHECK(delta(b.p, b.len, 32, o, 1) > 0 && o[0] == INT32_MIN);
    CHECK(delta(b.p, b.len, 16, o, 1) == -1);
    /* bit widths above the type's */
    HDR(128, 4, 2, 0);
    tp_bytes_byte(&b, 0);
    uint8_t wid[4] = {33, 0, 0, 0};
    tp_bytes_put(&b, wid, 4);
    tp_bytes_put(&b, (uint8_t[33 * 4]){0}, 33 * 4);
    CHECK(delta(b.p, b.len, 32, o, 2) == -1);
    CHECK(strcmp(tp_errmsg(), "DELTA_BINARY_PACKED: bit width 33") == 0);
    CHECK(delta(b.p, b.len, 64, o, 2) == (long)b.len && o[1] == 0);
    b.p[b.len - 33 * 4 - 4] = 65;
    CHECK(delta(b.p, b.len, 64, o, 2) == -1);
    CHECK(strcmp(tp_errmsg(), "DELTA_BINARY_PACKED: bit width 65") == 0);
    /* the bit widths of the block must be there even when unused */
    HDR(128, 4, 2, 0);
    tp_bytes_byte(&b, 0);
    tp_bytes_put(&b, wid + 1, 3);
    CHECK(delta(b.p, b.len, 64, o, 2) == -1);
    tp_bytes_free(&b);
#undef HDR
}

static void
delta_round_trips(void)
{
    static const size_t counts[] = {0, 1, 2, 31, 32, 33, 128, 129, 130, 1000, 5000};
    int64_t *v = malloc(5000 * sizeof *v), *o = malloc(5000 * sizeof *o);
    int bad = 0;
    for (int bits = 32; bits <= 64; bits += 32) {
        for (int pattern = 0; pattern < 6; pattern++) {
            for (size_t ci = 0; ci < 11; ci++) {
                size_t n = counts[ci];
                for (size_t i = 0; i < n; i++) {
                    uint64_t r = rnd();
                    switch (pattern) {
                    case 0: /* ascending ids */
                        v[i] = 1000 + (int64_t)i * 3;
                        break;
                    case 1: /* small noise */
                        v[i] = (int64_t)(r % 100) - 50;
                        break;
                    case 2: /* full range: deltas wrap */
                        v[i] = (int64_t)r;
                        break;
                    case 3: /* extremes */
                        v[i] = r & 1 ? INT64_MAX : INT64_MIN;
                        break;
                    case 4: /* timestamps with jitter */
                        v[i] = 1700000000000LL + (int64_t)i * 1000 + (int64_t)(r % 7);
                        break;
                    default: /* constant */
                        v[i] = -42;
                    }
                    if (bits == 32)
                        v[i] = (int32_t)(uint32_t)v[i];
                }
                tp_bytes b = {0};
                delta_enc(v, n, bits, &b);
                bad += delta(b.p, b.len, bits, o, n) != (long)b.len;
                bad += n && memcmp(v, o, n * sizeof *v) != 0;
                if (n > 1)
                    bad += delta(b.p, b.len, bits, o, n - 1) <= 0 || memcmp(v, o, 8 * (n - 1));
                if (n <= 130)
                    for (size_t k = 0; k < b.len; k++)
                        bad += delta(b.p, k, bits, o, n) != -1;
                tp_bytes_free(&b);
            }
        }
    }
    CHECK(bad == 0);
    free(v);
    free(o);
}

/* DELTA_LENGTH_BYTE_ARRAY of strs[0..n) appended to b. */
static void
dlba_enc(const char *const *strs, size_t n, tp_bytes *b)
{
    int64_t *len = malloc((n ? n : 1) * sizeof *len);
    for (size_t i = 0; i < n; i++)
        len[i] = (int64_t)strlen(strs[i]);
    delta_enc(len, n, 32, b);
    for (size_t i = 0; i < n; i++)
        tp_bytes_put(b, strs[i], strlen(strs[i]));
    free(len);
}

static void
byte_arrays(void)
{
    /* Encodings.md: "Hello", "World", "Foobar", "ABCDEF" */
    static const char *const hw[] = {"Hello", "World", "Foobar", "ABCDEF"};
    tp_bytes b = {0};
    dlba_enc(hw, 4, &b);
    tp_bytes_put(&b, "tail", 4); /* whatever follows is not read */
    const uint8_t *ptr[4];
    uint32_t len[4];
    uint8_t *d = exact(b.p, b.len);
    CHECK(tp_pq_delta_length_decode(d, b.len, 4, ptr, len) == (long)b.len - 4);
    int ok = 1;
    for (int i = 0; i < 4; i++)
        ok &= len[i] == strlen(hw[i]) && memcmp(ptr[i], hw[i], len[i]) == 0;
    CHECK(ok);
    int bad = 0;
    for (size_t k = 0; k < b.len - 4; k++)
        bad += tp_pq_delta_length_decode(d, k, 4, ptr, len) != -1;
    CHECK(bad == 0);
    free(d);
    /* 200 strings: the lengths take two blocks */
    char *many[200];
    for (int i = 0; i < 200; i++) {
        many[i] = malloc(40);
        snprintf(many[i], 40, "%.*s", i % 37, "the quick brown fox jumps over the dog");
    }
    b.len = 0;
    dlba_enc((const char *const *)many, 200, &b);
    const uint8_t *mp[200];
    uint32_t ml[200];
    CHECK(tp_pq_delta_length_decode(b.p, b.len, 200, mp, ml) == (long)b.len);
    ok = 1;
    for (int i = 0; i < 200; i++)
        ok &= ml[i] == strlen(many[i]) && memcmp(mp[i], many[i], ml[i]) == 0;
    CHECK(ok);
    /* fewer values than the header holds: the bytes still start after all lengths */
    CHECK(tp_pq_delta_length_decode(b.p, b.len, 150, mp, ml) > 0);
    CHECK(ml[149] == strlen(many[149]) && memcmp(mp[149], many[149], ml[149]) == 0);
    for (int i = 0; i < 200; i++)
        free(many[i]);
    /* a negative length, and lengths beyond the data */
    int64_t neg[3] = {3, -1, 2};
    b.len = 0;
    delta_enc(neg, 3, 32, &b);
    tp_bytes_put(&b, "abcdefgh", 8);
    CHECK(tp_pq_delta_length_decode(b.p, b.len, 3, ptr, len) == -1);
    int64_t far[2] = {3, 100};
    b.len = 0;
    delta_enc(far, 2, 32, &b);
    tp_bytes_put(&b, "abcdefgh", 8);
    CHECK(tp_pq_delta_length_decode(b.p, b.len, 2, ptr, len) == -1);
    CHECK(strcmp(tp_errmsg(), "DELTA_LENGTH_BYTE_ARRAY: lengths beyond the data") == 0);
    /* a huge total in the header: walking its blocks ends with the data, not a hang */
    b.len = 0;
    put_uleb(&b, 128);
    put_uleb(&b, 4);
    put_uleb(&b, (uint64_t)1 << 60);
    put_uleb(&b, 0);
    CHECK(tp_pq_delta_length_decode(b.p, b.len, 1, ptr, len) == -1);

    /* DELTA_BYTE_ARRAY: "axis", "axle", "babble", "babyhood" */
    int64_t pre[4] = {0, 2, 0, 3};
    static const char *const suf[] = {"axis", "le", "babble", "yhood"};
    static const char *const full[] = {"axis", "axle", "babble", "babyhood"};
    b.len = 0;
    delta_enc(pre, 4, 32, &b);
    dlba_enc(suf, 4, &b);
    tp_bytes store = {0};
    tp_bytes_put(&store, "xyz", 3); /* values are appended */
    size_t off[4];
    d = exact(b.p, b.len);
    CHECK(tp_pq_delta_bytes_decode(d, b.len, 4, &store, off, len) == (long)b.len);
    ok = store.len == 3 + 4 + 4 + 6 + 8;
    for (int i = 0; i < 4 && ok; i++)
        ok &= len[i] == strlen(full[i]) && memcmp(store.p + off[i], full[i], len[i]) == 0;
    CHECK(ok);
    bad = 0;
    for (size_t k = 0; k < b.len; k++) {
        store.len = 0;
        bad += tp_pq_delta_bytes_decode(d, k, 4, &store, off, len) != -1;
    }
    CHECK(bad == 0);
    free(d);
    /* a prefix longer than the previous value, and a first value with a prefix */
    int64_t pre_bad[4] = {0, 5, 0, 3};
    b.len = 0;
    delta_enc(pre_bad, 4, 32, &b);
    dlba_enc(suf, 4, &b);
    CHECK(tp_pq_delta_bytes_decode(b.p, b.len, 4, &store, off, len) == -1);
    CHECK(strstr(tp_errmsg(), "longer than the previous value") != NULL);
    int64_t pre_first[4] = {1, 2, 0, 3};
    b.len = 0;
    delta_enc(pre_first, 4, 32, &b);
    dlba_enc(suf, 4, &b);
    CHECK(tp_pq_delta_bytes_decode(b.p, b.len, 4, &store, off, len) == -1);
    /* no values: only the two headers */
    b.len = 0;
    delta_enc(pre, 0, 32, &b);
    delta_enc(pre, 0, 32, &b);
    CHECK(tp_pq_delta_bytes_decode(b.p, b.len, 0, &store, off, len) == (long)b.len);
    /* many values made of one long prefix: refused past the limit instead of growing */
    tp_bytes_free(&b);
    size_t nv = 1100;
    int64_t *pl = malloc(nv * sizeof *pl), *sl = malloc(nv * sizeof *sl);
    for (size_t i = 0; i < nv; i++) {
        pl[i] = i ? 1 << 20 : 0;
        sl[i] = i ? 0 : 1 << 20;
    }
    delta_enc(pl, nv, 32, &b);
    delta_enc(sl, nv, 32, &b);
    tp_bytes_reserve(&b, 1 << 20);
    memset(b.p + b.len, 'a', 1 << 20);
    b.len += 1 << 20;
    size_t *offs = malloc(nv * sizeof *offs);
    uint32_t *lens = malloc(nv * sizeof *lens);
    store.len = 0;
    CHECK(tp_pq_delta_bytes_decode(b.p, b.len, 3, &store, offs, lens) > 0);
    CHECK(lens[2] == 1 << 20 && store.len == 3 << 20 && store.p[offs[2] + 12345] == 'a');
    store.len = 0;
    CHECK(tp_pq_delta_bytes_decode(b.p, b.len, nv, &store, offs, lens) == -1);
    CHECK(strstr(tp_errmsg(), "values add up to more than") != NULL && store.len == 0);
    free(pl);
    free(sl);
    free(offs);
    free(lens);
    tp_bytes_free(&store);
    tp_bytes_free(&b);
}

static void
byte_stream_split(void)
{
    /* Encodings.md: AA BB CC DD 00 11 22 33 A3 B4 C5 D6 */
    static const uint8_t split[] = {0xAA, 0x00, 0xA3, 0xBB, 0x11, 0xB4,
                                    0xCC, 0x22, 0xC5, 0xDD, 0x33, 0xD6};
    static const uint8_t plain[] = {0xAA, 0xBB, 0xCC, 0xDD, 0x00, 0x11,
                                    0x22, 0x33, 0xA3, 0xB4, 0xC5, 0xD6};
    uint8_t out[12];
    CHECK(tp_pq_bss_decode(split, 12, 3, 4, out) == 0 && memcmp(out, plain, 12) == 0);
    CHECK(tp_pq_bss_decode(split, 11, 3, 4, out) == -1);
    CHECK(tp_pq_bss_decode(split, 12, 4, 4, out) == -1);
    CHECK(tp_pq_bss_decode(split, 12, 3, 0, out) == -1);
    CHECK(tp_pq_bss_decode(split, 12, SIZE_MAX / 2, 4, out) == -1);
    CHECK(tp_pq_bss_decode(split, 0, 0, 4, out) == 0);
    static const size_t widths[] = {1, 2, 3, 4, 8, 12, 16};
    uint8_t src[16 * 37], dst[16 * 37], want[16 * 37];
    int bad = 0;
    for (size_t wi = 0; wi < 7; wi++) {
        size_t w = widths[wi], n = 37;
        for (size_t i = 0; i < n * w; i++)
            want[i] = (uint8_t)rnd();
        for (size_t i = 0; i < n; i++)
            for (size_t k = 0; k < w; k++)
                src[k * n + i] = want[i * w + k];
        bad += tp_pq_bss_decode(src, n * w, n, w, dst) != 0 || memcmp(dst, want, n * w);
    }
    CHECK(bad == 0);
}

void
test_pqenc(void)
{
    CHECK(tp_pq_bit_width(0) == 0);
    CHECK(tp_pq_bit_width(1) == 1);
    CHECK(tp_pq_bit_width(2) == 2 && tp_pq_bit_width(3) == 2);
    CHECK(tp_pq_bit_width(255) == 8 && tp_pq_bit_width(256) == 9);
    CHECK(tp_pq_bit_width(UINT32_MAX) == 32 && tp_pq_bit_width(UINT64_MAX) == 64);
    rle_examples();
    rle_errors();
    rle_round_trips();
    delta_examples();
    delta_errors();
    delta_round_trips();
    byte_arrays();
    byte_stream_split();
}
