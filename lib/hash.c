/*
 * SipHash-2-4, after the reference implementation by Aumasson and Bernstein (CC0).
 */
#include "hash.h"

#include <stdlib.h>
#include <string.h>

#define ROTL(x, b) (uint64_t)(((x) << (b)) | ((x) >> (64 - (b))))

#define SIPROUND                                                                                   \
    do {                                                                                           \
        v0 += v1;                                                                                  \
        v1 = ROTL(v1, 13);                                                                         \
        v1 ^= v0;                                                                                  \
        v0 = ROTL(v0, 32);                                                                         \
        v2 += v3;                                                                                  \
        v3 = ROTL(v3, 16);                                                                         \
        v3 ^= v2;                                                                                  \
        v0 += v3;                                                                                  \
        v3 = ROTL(v3, 21);                                                                         \
        v3 ^= v0;                                                                                  \
        v2 += v1;                                                                                  \
        v1 = ROTL(v1, 17);                                                                         \
        v1 ^= v2;                                                                                  \
        v2 = ROTL(v2, 32);                                                                         \
    } while (0)

static uint64_t
load_le64(const unsigned char *p)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--)
        v = v << 8 | p[i];
    return v;
}

uint64_t
tp_siphash(const void *p, size_t n, uint64_t k0, uint64_t k1)
{
    const unsigned char *in = p;
    uint64_t v0 = 0x736f6d6570736575ULL ^ k0;
    uint64_t v1 = 0x646f72616e646f6dULL ^ k1;
    uint64_t v2 = 0x6c7967656e657261ULL ^ k0;
    uint64_t v3 = 0x7465646279746573ULL ^ k1;
    uint64_t b = (uint64_t)n << 56;
    size_t full = n - n % 8;
    for (size_t i = 0; i < full; i += 8) {
        uint64_t m = load_le64(in + i);
        v3 ^= m;
        SIPROUND;
        SIPROUND;
        v0 ^= m;
    }
    for (size_t i = 0; i < n % 8; i++)
        b |= (uint64_t)in[full + i] << (8 * i);
    v3 ^= b;
    SIPROUND;
    SIPROUND;
    v0 ^= b;
    v2 ^= 0xff;
    SIPROUND;
    SIPROUND;
    SIPROUND;
    SIPROUND;
    return v0 ^ v1 ^ v2 ^ v3;
}

uint64_t
tp_hash_value(uint64_t seed, const char *s, size_t n)
{
    /* SipHash is a stream over the bytes: hash 'v' + value without a copy for short
     * values, and through a buffer only when needed. */
    unsigned char small[256];
    if (n < sizeof small) {
        small[0] = 'v';
        memcpy(small + 1, s, n);
        return tp_siphash(small, n + 1, seed, 0);
    }
    unsigned char *big = (unsigned char *)malloc(n + 1);
    if (!big)
        return 0;
    big[0] = 'v';
    memcpy(big + 1, s, n);
    uint64_t h = tp_siphash(big, n + 1, seed, 0);
    free(big);
    return h;
}

uint64_t
tp_hash_row(uint64_t seed, uint64_t global_row)
{
    unsigned char buf[9];
    buf[0] = 'r';
    for (int i = 0; i < 8; i++)
        buf[1 + i] = (unsigned char)(global_row >> (8 * i));
    return tp_siphash(buf, sizeof buf, seed, 0);
}

static uint64_t
feistel(uint64_t seed, uint64_t n, unsigned half, uint64_t x)
{
    uint64_t mask = half == 64 ? ~0ULL : (1ULL << half) - 1;
    uint64_t l = x >> half, r = x & mask;
    unsigned char buf[18];
    buf[0] = 'p';
    for (int i = 0; i < 8; i++)
        buf[2 + i] = (unsigned char)(n >> (8 * i));
    for (int round = 0; round < 6; round++) {
        buf[1] = (unsigned char)round;
        for (int i = 0; i < 8; i++)
            buf[10 + i] = (unsigned char)(r >> (8 * i));
        uint64_t f = tp_siphash(buf, sizeof buf, seed, 0) & mask;
        uint64_t t = r;
        r = l ^ f;
        l = t;
    }
    return l << half | r;
}

uint64_t
tp_permute(uint64_t seed, uint64_t n, uint64_t i)
{
    if (n <= 1)
        return 0;
    unsigned w = 2;
    while (w < 64 && (1ULL << w) < n)
        w += 2;
    /* n > 2^62 is beyond any shard set; w = 64 would need 32-bit halves anyway */
    uint64_t y = i;
    do
        y = feistel(seed, n, w / 2, y);
    while (y >= n);
    return y;
}
