/*
 * Parquet values as text (pqvalue.h): exact vectors for every formatter, the extremes
 * of each type, hostile inputs (INT96 days out of range, oversized decimals), and
 * round-trip properties over random doubles and floats and over all 65536 binary16s.
 */
#include "pqmeta.h"
#include "pqvalue.h"
#include "unit.h"

#include <float.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char buf[TP_PQ_VALUE_MAX + 1];

/* Formatted text equals want, and the returned length is its length. */
static int
is(size_t n, const char *want)
{
    if (n == strlen(want) && strcmp(buf, want) == 0)
        return 1;
    fprintf(stderr, "  got '%s' (%zu), want '%s'\n", buf, n, want);
    return 0;
}

static size_t
dbl(double v)
{
    return tp_pq_fmt_double(v, buf);
}

static size_t
flt(float v)
{
    return tp_pq_fmt_float(v, buf);
}

static size_t
f16(unsigned h)
{
    uint8_t p[2] = {(uint8_t)h, (uint8_t)(h >> 8)};
    return tp_pq_fmt_float16(p, buf);
}

static uint64_t rng = 0x9E3779B97F4A7C15u;

static uint64_t
next(void)
{
    /* xorshift64*: fixed seed, same numbers on every run */
    rng ^= rng >> 12;
    rng ^= rng << 25;
    rng ^= rng >> 27;
    return rng * 0x2545F4914F6CDD1Du;
}

static void
test_double(void)
{
    CHECK(is(dbl(0.0), "0"));
    CHECK(is(dbl(-0.0), "-0"));
    CHECK(is(dbl(0.1), "0.1"));
    CHECK(is(dbl(1.0 / 3), "0.3333333333333333"));
    CHECK(is(dbl(2.0 / 3), "0.6666666666666666"));
    CHECK(is(dbl(1e16), "1e+16"));
    CHECK(is(dbl(1e15), "1e+15"));
    CHECK(is(dbl(999999999999999.0), "999999999999999"));
    CHECK(is(dbl(-999999999999999.0), "-999999999999999"));
    CHECK(is(dbl(100), "100"));
    CHECK(is(dbl(-42), "-42"));
    CHECK(is(dbl(123456.789), "123456.789"));
    CHECK(is(dbl(0.1 + 0.2), "0.30000000000000004"));
    CHECK(is(dbl(5e-324), "4.94065645841247e-324"));
    CHECK(is(dbl(DBL_MAX), "1.7976931348623157e+308"));
    CHECK(is(dbl(-DBL_MAX), "-1.7976931348623157e+308"));
    CHECK(is(dbl(DBL_MIN), "2.2250738585072014e-308"));
    CHECK(is(dbl(1.5), "1.5"));
    CHECK(is(dbl(-2.5e-5), "-2.5e-05"));
    CHECK(is(dbl(9007199254740993.0), "9007199254740992"));
    CHECK(is(dbl(NAN), "NaN"));
    CHECK(is(dbl(-NAN), "NaN"));
    CHECK(is(dbl(INFINITY), "inf"));
    CHECK(is(dbl(-INFINITY), "-inf"));

    /* Random bit patterns: reads back, no longer than %.17g, and the first of 15, 16,
     * 17 digits that reads back. */
    int bad = 0;
    for (int i = 0; i < 20000; i++) {
        uint64_t u = next();
        double v;
        memcpy(&v, &u, sizeof v);
        if (i % 4 == 0) /* also ordinary magnitudes, not only the extremes of bits */
            v = (double)(int64_t)(u >> 11) / (double)(1 + (next() >> 40));
        size_t n = dbl(v);
        if (isnan(v)) {
            bad += strcmp(buf, "NaN") != 0;
            continue;
        }
        char ref[64];
        int p = 15;
        for (; p < 17; p++) {
            snprintf(ref, sizeof ref, "%.*g", p, v);
            if (strtod(ref, NULL) == v)
                break;
        }
        snprintf(ref, sizeof ref, "%.*g", p, v);
        bad += n != strlen(buf) || strtod(buf, NULL) != v || strcmp(buf, ref) != 0 ||
               n > TP_PQ_VALUE_MAX;
    }
    CHECK(bad == 0);
}

static void
test_float(void)
{
    CHECK(is(flt(0.1f), "0.1"));
    CHECK(is(flt(-0.0f), "-0"));
    CHECK(is(flt(0.0f), "0"));
    CHECK(is(flt(1.0f / 3), "0.33333334"));
    CHECK(is(flt(16777217.0f), "16777216"));
    CHECK(is(flt(123456.0f), "123456"));
    CHECK(is(flt(1234567.0f), "1234567"));
    CHECK(is(flt(1e10f), "1e+10"));
    CHECK(is(flt(3.14159f), "3.14159"));
    CHECK(is(flt(FLT_MAX), "3.4028235e+38"));
    CHECK(is(flt(FLT_MIN), "1.1754944e-38"));
    CHECK(is(flt(1e-45f), "1.4013e-45"));
    CHECK(is(flt(NAN), "NaN"));
    CHECK(is(flt(INFINITY), "inf"));
    CHECK(is(flt(-INFINITY), "-inf"));
    int bad = 0;
    for (int i = 0; i < 20000; i++) {
        uint32_t u = (uint32_t)next();
        float v;
        memcpy(&v, &u, sizeof v);
        if (isnan(v))
            continue;
        size_t n = flt(v);
        bad += n != strlen(buf) || strtof(buf, NULL) != v || n > 16;
        char ref[32];
        for (int p = 6; p <= 9; p++) {
            snprintf(ref, sizeof ref, "%.*g", p, (double)v);
            if (strtof(ref, NULL) == v)
                break;
        }
        bad += strcmp(ref, buf) != 0;
    }
    CHECK(bad == 0);
}

/* Value of the positive binary16 h (h < 0x7C00), written independently of pqvalue.c. */
static double
half_value(unsigned h)
{
    unsigned e = h >> 10, m = h & 0x3FF;
    return e ? ldexp(1024 + m, (int)e - 25) : ldexp(m, -24);
}

/* The positive binary16 nearest to x, ties to even, by search (0x7C00 is infinity: it
 * stands for 2^16 in the rounding). */
static unsigned
half_nearest(double x)
{
    unsigned lo = 0, hi = 0x7C00; /* half_value(lo) <= x < value(hi) */
    if (x >= 65536.0)
        return 0x7C00;
    while (hi - lo > 1) {
        unsigned mid = (lo + hi) / 2;
        if (half_value(mid) <= x)
            lo = mid;
        else
            hi = mid;
    }
    double a = x - half_value(lo), b = (hi == 0x7C00 ? 65536.0 : half_value(hi)) - x;
    if (a < b)
        return lo;
    if (b < a)
        return hi;
    return (lo & 1) ? hi : lo;
}

static void
test_float16(void)
{
    CHECK(is(f16(0x3C00), "1"));
    CHECK(is(f16(0xBC00), "-1"));
    CHECK(is(f16(0x3555), "0.3333"));
    CHECK(is(f16(0x7BFF), "65504"));
    CHECK(is(f16(0x0001), "6e-08"));
    CHECK(is(f16(0x03FF), "6.1e-05"));
    CHECK(is(f16(0x0400), "6.104e-05"));
    CHECK(is(f16(0x3E00), "1.5"));
    CHECK(is(f16(0x4248), "3.14"));
    CHECK(is(f16(0x2E66), "0.1"));
    CHECK(is(f16(0x6800), "2048"));
    CHECK(is(f16(0x6801), "2050"));
    CHECK(is(f16(0x7B53), "60000"));
    CHECK(is(f16(0x4900), "10"));
    CHECK(is(f16(0x5640), "100"));
    CHECK(is(f16(0x7C00), "inf"));
    CHECK(is(f16(0xFC00), "-inf"));
    CHECK(is(f16(0x7E00), "NaN"));
    CHECK(is(f16(0xFE01), "NaN"));
    CHECK(is(f16(0x7C01), "NaN"));
    CHECK(is(f16(0x0000), "0"));
    CHECK(is(f16(0x8000), "-0"));

    /* Every binary16: the text reads back to the same bits, and no shorter %.*g does. */
    int bad = 0;
    for (unsigned h = 0; h < 0x10000; h++) {
        unsigned mag = h & 0x7FFF;
        size_t n = f16(h);
        if (mag > 0x7C00) {
            bad += strcmp(buf, "NaN") != 0;
            continue;
        }
        bad += n != strlen(buf) || n > 12 || (buf[0] == '-') != ((h & 0x8000) != 0);
        const char *s = buf + (buf[0] == '-');
        if (mag == 0x7C00) {
            bad += strcmp(s, "inf") != 0;
            continue;
        }
        bad += half_nearest(strtod(s, NULL)) != mag;
        char ref[32];
        double v = half_value(mag);
        for (int p = 1; p <= 5; p++) {
            snprintf(ref, sizeof ref, "%.*g", p, v);
            if (v == floor(v)) /* whole numbers in full */
                snprintf(ref, sizeof ref, "%.0f", v);
            if (half_nearest(strtod(ref, NULL)) == mag)
                break;
        }
        bad += strcmp(ref, s) != 0;
    }
    CHECK(bad == 0);
}

static void
test_ints(void)
{
    CHECK(is(tp_pq_fmt_i64(0, buf), "0"));
    CHECK(is(tp_pq_fmt_i64(-1, buf), "-1"));
    CHECK(is(tp_pq_fmt_i64(7, buf), "7"));
    CHECK(is(tp_pq_fmt_i64(10, buf), "10"));
    CHECK(is(tp_pq_fmt_i64(99, buf), "99"));
    CHECK(is(tp_pq_fmt_i64(100, buf), "100"));
    CHECK(is(tp_pq_fmt_i64(1000, buf), "1000"));
    CHECK(is(tp_pq_fmt_i64(10000, buf), "10000"));
    CHECK(is(tp_pq_fmt_i64(INT64_MAX, buf), "9223372036854775807"));
    CHECK(is(tp_pq_fmt_i64(INT64_MIN, buf), "-9223372036854775808"));
    CHECK(is(tp_pq_fmt_u64(UINT64_MAX, buf), "18446744073709551615"));
    CHECK(is(tp_pq_fmt_u64(0, buf), "0"));
    int bad = 0;
    for (int i = 0; i < 20000; i++) {
        int64_t v = (int64_t)(next() >> (next() % 64));
        if (i & 1)
            v = -v;
        char ref[32];
        snprintf(ref, sizeof ref, "%lld", (long long)v);
        size_t n = tp_pq_fmt_i64(v, buf);
        bad += n != strlen(ref) || strcmp(ref, buf) != 0;
    }
    CHECK(bad == 0);
}

static void
test_decimal64(void)
{
    CHECK(is(tp_pq_fmt_decimal64(12345, 2, buf), "123.45"));
    CHECK(is(tp_pq_fmt_decimal64(-5, 2, buf), "-0.05"));
    CHECK(is(tp_pq_fmt_decimal64(100, 2, buf), "1.00"));
    CHECK(is(tp_pq_fmt_decimal64(0, 3, buf), "0.000"));
    CHECK(is(tp_pq_fmt_decimal64(0, 0, buf), "0"));
    CHECK(is(tp_pq_fmt_decimal64(42, 0, buf), "42"));
    CHECK(is(tp_pq_fmt_decimal64(-42, 0, buf), "-42"));
    CHECK(is(tp_pq_fmt_decimal64(5, 1, buf), "0.5"));
    CHECK(is(tp_pq_fmt_decimal64(-123, 3, buf), "-0.123"));
    CHECK(is(tp_pq_fmt_decimal64(INT64_MIN, 0, buf), "-9223372036854775808"));
    CHECK(is(tp_pq_fmt_decimal64(INT64_MIN, 5, buf), "-92233720368547.75808"));
    CHECK(is(tp_pq_fmt_decimal64(INT64_MIN, 19, buf), "-0.9223372036854775808"));
    CHECK(is(tp_pq_fmt_decimal64(INT64_MIN, 20, buf), "-0.09223372036854775808"));
    CHECK(is(tp_pq_fmt_decimal64(INT64_MAX, 18, buf), "9.223372036854775807"));
    CHECK(is(tp_pq_fmt_decimal64(1, 40, buf), "0.0000000000000000000000000000000000000001"));
    CHECK(is(tp_pq_fmt_decimal64(1, -2, buf), "100"));
    CHECK(is(tp_pq_fmt_decimal64(0, -2, buf), "0"));
    /* Scales beyond what fits are clamped: the bound holds for the extremes. */
    CHECK(tp_pq_fmt_decimal64(INT64_MIN, 61, buf) == TP_PQ_VALUE_MAX);
    CHECK(tp_pq_fmt_decimal64(INT64_MIN, 1000000, buf) == TP_PQ_VALUE_MAX);
    CHECK(tp_pq_fmt_decimal64(INT64_MIN, -44, buf) == TP_PQ_VALUE_MAX);
    CHECK(tp_pq_fmt_decimal64(INT64_MIN, -1000000, buf) == TP_PQ_VALUE_MAX);
    CHECK(strlen(buf) == TP_PQ_VALUE_MAX && buf[0] == '-' && buf[63] == '0');
}

/* n bytes big-endian of v, sign-extended. */
static void
be_of(int64_t v, uint8_t *p, size_t n)
{
    uint64_t u = (uint64_t)v;
    for (size_t i = 0; i < n; i++) {
        p[n - 1 - i] = i < 8 ? (uint8_t)(u >> (8 * i)) : (v < 0 ? 0xFF : 0);
    }
}

static void
test_decimal_be(void)
{
    static char big[3 * 300 + 100];
    const uint8_t m1[] = {0xFF};
    CHECK(tp_pq_fmt_decimal_be(m1, 1, 0, big) == 2 && strcmp(big, "-1") == 0);
    const uint8_t m128[] = {0x80};
    CHECK(tp_pq_fmt_decimal_be(m128, 1, 0, big) == 4 && strcmp(big, "-128") == 0);
    const uint8_t p127[] = {0x7F};
    CHECK(tp_pq_fmt_decimal_be(p127, 1, 2, big) == 4 && strcmp(big, "1.27") == 0);
    CHECK(tp_pq_fmt_decimal_be(NULL, 0, 0, big) == 1 && strcmp(big, "0") == 0);
    CHECK(tp_pq_fmt_decimal_be(NULL, 0, 2, big) == 4 && strcmp(big, "0.00") == 0);
    const uint8_t z16[16] = {0};
    CHECK(tp_pq_fmt_decimal_be(z16, 16, 3, big) == 5 && strcmp(big, "0.000") == 0);
    const uint8_t max38[16] = {0x4b, 0x3b, 0x4c, 0xa8, 0x5a, 0x86, 0xc4, 0x7a,
                               0x09, 0x8a, 0x22, 0x3f, 0xff, 0xff, 0xff, 0xff};
    CHECK(tp_pq_fmt_decimal_be(max38, 16, 10, big) == 39 &&
          strcmp(big, "9999999999999999999999999999.9999999999") == 0);
    const uint8_t min38[16] = {0xb4, 0xc4, 0xb3, 0x57, 0xa5, 0x79, 0x3b, 0x85,
                               0xf6, 0x75, 0xdd, 0xc0, 0x00, 0x00, 0x00, 0x01};
    CHECK(tp_pq_fmt_decimal_be(min38, 16, 38, big) == 41 &&
          strcmp(big, "-0.99999999999999999999999999999999999999") == 0);
    uint8_t i128min[16] = {0x80};
    CHECK(tp_pq_fmt_decimal_be(i128min, 16, 0, big) == 40 &&
          strcmp(big, "-170141183460469231731687303715884105728") == 0);
    const uint8_t neg[16] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xfd, 0x62,
                             0xbd, 0x49, 0xb1, 0x89, 0x8e, 0xbd, 0xbb, 0x35};
    CHECK(tp_pq_fmt_decimal_be(neg, 16, 3, big) == 25 &&
          strcmp(big, "-12345678901234567890.123") == 0);
    uint8_t m1x16[16];
    memset(m1x16, 0xFF, sizeof m1x16);
    CHECK(tp_pq_fmt_decimal_be(m1x16, 16, 2, big) == 5 && strcmp(big, "-0.01") == 0);
    const uint8_t max76[32] = {0x16, 0x1b, 0xcc, 0xa7, 0x11, 0x99, 0x15, 0xb5, 0x07, 0x64, 0xb4,
                               0xab, 0xe8, 0x65, 0x29, 0x79, 0x77, 0x75, 0xa5, 0xf1, 0x71, 0x95,
                               0x0f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    size_t n = tp_pq_fmt_decimal_be(max76, 32, 0, big);
    CHECK(n == 76 && strspn(big, "9") == 76 && big[76] == '\0');
    n = tp_pq_fmt_decimal_be(max76, 32, 76, big);
    CHECK(n == 78 && strncmp(big, "0.", 2) == 0 && strspn(big + 2, "9") == 76);
    uint8_t i256[32];
    memset(i256, 0xFF, sizeof i256);
    i256[0] = 0x7F;
    CHECK(tp_pq_fmt_decimal_be(i256, 32, 0, big) == 77 &&
          strcmp(big, "5789604461865809771178549250434395392663499233282028201972879200395656481"
                      "9967") == 0);
    memset(i256, 0, sizeof i256);
    i256[0] = 0x80;
    CHECK(tp_pq_fmt_decimal_be(i256, 32, 4, big) == 79 &&
          strcmp(big, "-578960446186580977117854925043439539266349923328202820197287920039565648"
                      "1.9968") == 0);
    CHECK(tp_pq_fmt_decimal_be(p127, 1, -3, big) == 6 && strcmp(big, "127000") == 0);

    /* Up to 8 significant bytes, at any length: the same text as decimal64. */
    int bad = 0;
    for (int i = 0; i < 5000; i++) {
        int64_t v = (int64_t)(next() >> (next() % 64));
        if (i & 1)
            v = -v;
        int scale = (int)(next() % 25);
        size_t len = 1 + next() % 40;
        uint8_t p[40];
        be_of(v, p, len);
        /* len may cut v; compare with what the bytes hold */
        int64_t held = v;
        if (len < 8) {
            uint64_t u = (uint64_t)v << (64 - 8 * len);
            memcpy(&held, &u, sizeof held);
            held >>= 64 - 8 * len; /* arithmetic shift on every platform tp builds on */
        }
        char want[TP_PQ_VALUE_MAX + 1];
        size_t wn = tp_pq_fmt_decimal64(held, scale, want);
        n = tp_pq_fmt_decimal_be(p, len, scale, big);
        bad += n != wn || strcmp(big, want) != 0;
    }
    CHECK(bad == 0);

    /* 10^600 - 1 in 256 bytes (the largest length), and its negation. */
    uint8_t p[300];
    memset(p, 0, sizeof p);
    p[255] = 1;
    for (int k = 0; k < 600; k++) { /* times 10 */
        unsigned carry = 0;
        for (int i = 255; i >= 0; i--) {
            unsigned x = p[i] * 10u + carry;
            p[i] = (uint8_t)x;
            carry = x >> 8;
        }
    }
    for (int i = 255; i >= 0 && p[i]-- == 0; i--) /* minus 1 */
        ;
    CHECK(p[0] < 0x80);
    n = tp_pq_fmt_decimal_be(p, 256, 0, big);
    CHECK(n == 600 && strspn(big, "9") == 600 && big[600] == '\0');
    for (int i = 0; i < 256; i++)
        p[i] = (uint8_t)~p[i];
    for (int i = 255; i >= 0 && ++p[i] == 0; i--)
        ;
    n = tp_pq_fmt_decimal_be(p, 256, 600, big);
    CHECK(n == 603 && strncmp(big, "-0.", 3) == 0 && strspn(big + 3, "9") == 600);
    /* Longer than the bound only through sign bytes: still converted. */
    memmove(p + 44, p, 256);
    memset(p, 0xFF, 44);
    n = tp_pq_fmt_decimal_be(p, 300, 0, big);
    CHECK(n == 601 && big[0] == '-' && strspn(big + 1, "9") == 600);
    /* Really longer: refused with "". */
    p[0] = 0x80;
    CHECK(tp_pq_fmt_decimal_be(p, 300, 0, big) == 0 && big[0] == '\0');
    memset(p, 0, 300);
    p[0] = 0x01;
    CHECK(tp_pq_fmt_decimal_be(p, 257, 0, big) == 0 && big[0] == '\0');
    CHECK(tp_pq_fmt_decimal_be(p + 1, 256, 0, big) == 1 && strcmp(big, "0") == 0);
}

static void
test_date(void)
{
    struct {
        int32_t d;
        const char *s;
    } v[] = {
        {0, "1970-01-01"},
        {-1, "1969-12-31"},
        {18262, "2020-01-01"},
        {11016, "2000-02-29"},
        {-25508, "1900-03-01"},
        {-25509, "1900-02-28"},
        {59, "1970-03-01"},
        {2932896, "9999-12-31"},
        {2932897, "10000-01-01"},
        {-719162, "0001-01-01"},
        {-719528, "0000-01-01"},
        {-719469, "0000-02-29"},
        {-719468, "0000-03-01"},
        {-719529, "-0001-12-31"},
        {-719893, "-0001-01-01"},
        {INT32_MAX, "5881580-07-11"},
        {INT32_MIN, "-5877641-06-23"},
        {-1000000000, "-2735938-12-29"},
    };
    for (size_t i = 0; i < sizeof v / sizeof v[0]; i++)
        CHECK(is(tp_pq_fmt_date(v[i].d, buf), v[i].s));
    /* Consecutive days over 800 years step through valid dates in order. */
    int bad = 0;
    char prev[TP_PQ_VALUE_MAX + 1] = "";
    for (int32_t d = -400 * 365; d < 400 * 366; d++) {
        tp_pq_fmt_date(d, buf);
        int y, m, dd;
        bad += sscanf(buf, "%d-%d-%d", &y, &m, &dd) != 3 || m < 1 || m > 12 || dd < 1 || dd > 31 ||
               strcmp(prev, buf) >= 0;
        memcpy(prev, buf, sizeof prev);
    }
    CHECK(bad == 0);
}

static void
test_timestamp(void)
{
    CHECK(is(tp_pq_fmt_timestamp(0, TP_PQ_MILLIS, buf), "1970-01-01 00:00:00"));
    CHECK(is(tp_pq_fmt_timestamp(0, TP_PQ_MICROS, buf), "1970-01-01 00:00:00"));
    CHECK(is(tp_pq_fmt_timestamp(0, TP_PQ_NANOS, buf), "1970-01-01 00:00:00"));
    CHECK(is(tp_pq_fmt_timestamp(1500, TP_PQ_MILLIS, buf), "1970-01-01 00:00:01.5"));
    CHECK(is(tp_pq_fmt_timestamp(1, TP_PQ_MICROS, buf), "1970-01-01 00:00:00.000001"));
    CHECK(is(tp_pq_fmt_timestamp(-1, TP_PQ_MICROS, buf), "1969-12-31 23:59:59.999999"));
    CHECK(is(tp_pq_fmt_timestamp(-1, TP_PQ_NANOS, buf), "1969-12-31 23:59:59.999999999"));
    CHECK(is(tp_pq_fmt_timestamp(-1000, TP_PQ_MILLIS, buf), "1969-12-31 23:59:59"));
    CHECK(is(tp_pq_fmt_timestamp(-86400000, TP_PQ_MILLIS, buf), "1969-12-31 00:00:00"));
    CHECK(is(tp_pq_fmt_timestamp(INT64_C(1700000000123456789), TP_PQ_NANOS, buf),
             "2023-11-14 22:13:20.123456789"));
    CHECK(is(tp_pq_fmt_timestamp(INT64_C(1700000000120000), TP_PQ_MICROS, buf),
             "2023-11-14 22:13:20.12"));
    CHECK(is(tp_pq_fmt_timestamp(INT64_MAX, TP_PQ_NANOS, buf), "2262-04-11 23:47:16.854775807"));
    CHECK(is(tp_pq_fmt_timestamp(INT64_MIN, TP_PQ_NANOS, buf), "1677-09-21 00:12:43.145224192"));
    CHECK(is(tp_pq_fmt_timestamp(INT64_MAX, TP_PQ_MILLIS, buf), "292278994-08-17 07:12:55.807"));
    CHECK(is(tp_pq_fmt_timestamp(INT64_MIN, TP_PQ_MILLIS, buf), "-292275055-05-16 16:47:04.192"));
    CHECK(is(tp_pq_fmt_timestamp(5, 0, buf), ""));
    CHECK(is(tp_pq_fmt_timestamp(5, 4, buf), ""));
}

static size_t
int96(int64_t nanos, uint32_t jd)
{
    uint8_t p[12];
    uint64_t u = (uint64_t)nanos;
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(u >> (8 * i));
    for (int i = 0; i < 4; i++)
        p[8 + i] = (uint8_t)(jd >> (8 * i));
    return tp_pq_fmt_int96(p, buf);
}

static void
test_int96(void)
{
    CHECK(is(int96(0, 2440588), "1970-01-01 00:00:00"));
    /* As Spark writes 2009-01-01 00:00:00 UTC: bytes 00*8 31 75 25 00. */
    const uint8_t spark[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0x31, 0x75, 0x25, 0x00};
    CHECK(is(tp_pq_fmt_int96(spark, buf), "2009-01-01 00:00:00"));
    CHECK(is(int96(INT64_C(45296789012345), 2454833), "2009-01-01 12:34:56.789012345"));
    CHECK(is(int96(1, 2440587), "1969-12-31 00:00:00.000000001"));
    /* Out-of-day nanoseconds carry into the days (bad files). */
    CHECK(is(int96(INT64_C(86400000000000), 2440588), "1970-01-02 00:00:00"));
    CHECK(is(int96(-1, 2440588), "1969-12-31 23:59:59.999999999"));
    CHECK(is(int96(INT64_MIN, 2440588), "1677-09-21 00:12:43.145224192"));
    CHECK(is(int96(INT64_MAX, 2440588), "2262-04-11 23:47:16.854775807"));
    CHECK(is(int96(0, 0), "-4713-11-24 00:00:00")); /* Julian day 0 */
    CHECK(int96(INT64_MIN, 0) > 0 && buf[0] == '-');
    CHECK(int96(INT64_MAX, UINT32_MAX) <= TP_PQ_VALUE_MAX);
    CHECK(is(int96(0, UINT32_MAX), "11754508-12-13 00:00:00"));
}

static void
test_time(void)
{
    CHECK(is(tp_pq_fmt_time(0, TP_PQ_MILLIS, buf), "00:00:00"));
    CHECK(is(tp_pq_fmt_time(45296789, TP_PQ_MILLIS, buf), "12:34:56.789"));
    CHECK(is(tp_pq_fmt_time(INT64_C(45296000001), TP_PQ_MICROS, buf), "12:34:56.000001"));
    CHECK(is(tp_pq_fmt_time(INT64_C(45296789012345), TP_PQ_NANOS, buf), "12:34:56.789012345"));
    CHECK(is(tp_pq_fmt_time(INT64_C(86399999999), TP_PQ_MICROS, buf), "23:59:59.999999"));
    CHECK(is(tp_pq_fmt_time(86400000, TP_PQ_MILLIS, buf), "24:00:00"));
    CHECK(is(tp_pq_fmt_time(-1500, TP_PQ_MILLIS, buf), "-00:00:01.5"));
    CHECK(is(tp_pq_fmt_time(INT64_MIN, TP_PQ_MILLIS, buf), "-2562047788015:12:55.808"));
    CHECK(is(tp_pq_fmt_time(INT64_MAX, TP_PQ_NANOS, buf), "2562047:47:16.854775807"));
    CHECK(is(tp_pq_fmt_time(1, 9, buf), ""));
}

static void
test_uuid(void)
{
    const uint8_t u[16] = {0x12, 0x3e, 0x45, 0x67, 0xe8, 0x9b, 0x12, 0xd3,
                           0xa4, 0x56, 0x42, 0x66, 0x14, 0x17, 0x40, 0x00};
    CHECK(is(tp_pq_fmt_uuid(u, buf), "123e4567-e89b-12d3-a456-426614174000"));
    uint8_t f[16];
    memset(f, 0xFF, sizeof f);
    CHECK(is(tp_pq_fmt_uuid(f, buf), "ffffffff-ffff-ffff-ffff-ffffffffffff"));
}

void
test_pqvalue(void)
{
    test_double();
    test_float();
    test_float16();
    test_ints();
    test_decimal64();
    test_decimal_be();
    test_date();
    test_timestamp();
    test_int96();
    test_time();
    test_uuid();
}
