/*
 * Parquet values as text (pqvalue.h): the formatters that turn each physical or logical
 * Parquet value into the field text tp-scan and the later stages read as if it came from
 * a CSV file. They run once per value, so integers, dates and times are written by hand
 * (no printf); floating point goes through printf's correctly rounded "%.*g" and reads
 * the result back to find the fewest digits. Nothing here allocates, and every input,
 * however hostile, gives well-formed text within the stated bound.
 */
#include "pqvalue.h"

#include "pqmeta.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Two decimal digits per table entry: halves the divisions of the integer writers. */
static const char digits2[201] = "00010203040506070809"
                                 "10111213141516171819"
                                 "20212223242526272829"
                                 "30313233343536373839"
                                 "40414243444546474849"
                                 "50515253545556575859"
                                 "60616263646566676869"
                                 "70717273747576777879"
                                 "80818283848586878889"
                                 "90919293949596979899";

static int
ndigits(uint64_t v)
{
    int n = 1;
    while (v >= 10000) {
        v /= 10000;
        n += 4;
    }
    if (v >= 1000)
        return n + 3;
    if (v >= 100)
        return n + 2;
    if (v >= 10)
        return n + 1;
    return n;
}

/* v in exactly w digits (w at least the digits v needs), no NUL. */
static void
put_fixed(uint64_t v, int w, char *out)
{
    char *p = out + w;
    while (v >= 100) {
        unsigned r = (unsigned)(v % 100);
        v /= 100;
        p -= 2;
        memcpy(p, digits2 + 2 * r, 2);
    }
    if (v >= 10) {
        p -= 2;
        memcpy(p, digits2 + 2 * v, 2);
    } else {
        *--p = (char)('0' + v);
    }
    while (p > out)
        *--p = '0';
}

/* v with at least w digits, no NUL; returns the length. */
static size_t
put_u64(uint64_t v, int w, char *out)
{
    int n = ndigits(v);
    if (n < w)
        n = w;
    put_fixed(v, n, out);
    return (size_t)n;
}

static uint64_t
magnitude(int64_t v)
{
    return v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
}

size_t
tp_pq_fmt_i64(int64_t v, char *buf)
{
    size_t n = 0;
    if (v < 0)
        buf[n++] = '-';
    n += put_u64(magnitude(v), 1, buf + n);
    buf[n] = '\0';
    return n;
}

size_t
tp_pq_fmt_u64(uint64_t v, char *buf)
{
    size_t n = put_u64(v, 1, buf);
    buf[n] = '\0';
    return n;
}

static size_t
put_str(const char *s, char *buf)
{
    size_t n = strlen(s);
    memcpy(buf, s, n + 1);
    return n;
}

size_t
tp_pq_fmt_double(double v, char *buf)
{
    if (isnan(v))
        return put_str("NaN", buf);
    if (isinf(v))
        return put_str(v < 0 ? "-inf" : "inf", buf);
    /* Whole numbers below 1e15 are what "%.15g" writes as plain digits: the common case
     * (counts, ids stored as double) skips printf and strtod. */
    if (v > -1e15 && v < 1e15) {
        int64_t i = (int64_t)v;
        if ((double)i == v && !(i == 0 && signbit(v)))
            return tp_pq_fmt_i64(i, buf);
    }
    int n = 0;
    for (int prec = 15; prec <= 17; prec++) {
        n = snprintf(buf, TP_PQ_VALUE_MAX + 1, "%.*g", prec, v);
        if (prec == 17 || strtod(buf, NULL) == v)
            break;
    }
    return (size_t)n;
}

size_t
tp_pq_fmt_float(float v, char *buf)
{
    if (isnan(v))
        return put_str("NaN", buf);
    if (isinf(v))
        return put_str(v < 0 ? "-inf" : "inf", buf);
    if (v > -1e6f && v < 1e6f) {
        int32_t i = (int32_t)v;
        if ((float)i == v && !(i == 0 && signbit(v)))
            return tp_pq_fmt_i64(i, buf);
    }
    int n = 0;
    for (int prec = 6; prec <= 9; prec++) {
        n = snprintf(buf, TP_PQ_VALUE_MAX + 1, "%.*g", prec, (double)v);
        if (prec == 9 || strtof(buf, NULL) == v)
            break;
    }
    return (size_t)n;
}

/*
 * The binary16 nearest to x >= 0 (ties to even), as its 15 magnitude bits. Rounding the
 * decimal text to double first and then to half rounds twice, but cannot change the
 * result: a decimal of at most 5 significant digits that is not exactly a half midpoint
 * lies at least 2^-42 (relative) away from every midpoint, far beyond the 2^-53 of the
 * first rounding. (Through float, 2^-24, it could.)
 */
static unsigned
half_from_double(double x)
{
    if (isnan(x))
        return 0x7E00;
    if (x >= 65520.0) /* midpoint of 65504 and 2^16: ties to the even one, infinity */
        return 0x7C00;
    double t;
    unsigned base;
    if (x < 0x1p-14) { /* subnormal: units of 2^-24 */
        t = x * 0x1p24;
        base = 0;
    } else {
        int e;
        frexp(x, &e);         /* x = f * 2^e, f in [0.5, 1): half exponent e - 1 */
        t = ldexp(x, 11 - e); /* in [1024, 2048) */
        base = (unsigned)(e - 1 + 15) << 10;
        base -= 1024; /* the implicit bit, added back by t */
    }
    unsigned i = (unsigned)t;
    double frac = t - i; /* exact */
    if (frac > 0.5 || (frac == 0.5 && (i & 1)))
        i++;
    /* A carry out of the mantissa moves into the exponent field, as it should. */
    return base + i;
}

static double
half_to_double(unsigned h)
{
    unsigned e = (h >> 10) & 0x1F, m = h & 0x3FF;
    double v;
    if (e == 0)
        v = ldexp(m, -24);
    else if (e == 31)
        v = m ? NAN : INFINITY;
    else
        v = ldexp(1024 + m, (int)e - 25);
    return (h & 0x8000) ? -v : v;
}

size_t
tp_pq_fmt_float16(const uint8_t *p, char *buf)
{
    unsigned h = (unsigned)p[0] | (unsigned)p[1] << 8;
    unsigned mag = h & 0x7FFF;
    size_t n = 0;
    if (mag > 0x7C00)
        return put_str("NaN", buf);
    if (h & 0x8000)
        buf[n++] = '-';
    if (mag == 0x7C00)
        return n + put_str("inf", buf + n);
    double v = half_to_double(mag);
    /* Whole numbers (all from 1024 up) in full: %g would write 65504 as 6.55e+04. */
    if (v == floor(v))
        return n + tp_pq_fmt_u64((uint64_t)v, buf + n);
    /* 5 significant digits tell any two binary16 values apart (11 bits of precision). */
    int len = 0;
    for (int prec = 1; prec <= 5; prec++) {
        len = snprintf(buf + n, TP_PQ_VALUE_MAX, "%.*g", prec, v);
        if (prec == 5 || half_from_double(strtod(buf + n, NULL)) == mag)
            break;
    }
    return n + (size_t)len;
}

/*
 * The nd digits at dig (no leading zeros, "0" for zero) with a sign and scale digits
 * after the point: the text of a DECIMAL. A negative scale appends zeros.
 */
static size_t
put_scaled(const char *dig, size_t nd, int neg, int scale, char *buf)
{
    size_t n = 0;
    if (neg)
        buf[n++] = '-';
    if (scale <= 0) {
        memcpy(buf + n, dig, nd);
        n += nd;
        if (!(nd == 1 && dig[0] == '0')) {
            memset(buf + n, '0', (size_t) - (long)scale);
            n += (size_t) - (long)scale;
        }
    } else if (nd > (size_t)scale) {
        size_t ni = nd - (size_t)scale;
        memcpy(buf + n, dig, ni);
        n += ni;
        buf[n++] = '.';
        memcpy(buf + n, dig + ni, (size_t)scale);
        n += (size_t)scale;
    } else {
        buf[n++] = '0';
        buf[n++] = '.';
        memset(buf + n, '0', (size_t)scale - nd);
        n += (size_t)scale - nd;
        memcpy(buf + n, dig, nd);
        n += nd;
    }
    buf[n] = '\0';
    return n;
}

/* The scales decimal64 writes exactly: the longest text, INT64_MIN at either end, is
 * then TP_PQ_VALUE_MAX bytes at most. */
enum { DEC64_SCALE_MIN = -(TP_PQ_VALUE_MAX - 20), DEC64_SCALE_MAX = TP_PQ_VALUE_MAX - 3 };

static size_t
dec_u64(uint64_t mag, int neg, int scale, char *buf)
{
    char dig[20];
    size_t nd = put_u64(mag, 1, dig);
    return put_scaled(dig, nd, neg, scale, buf);
}

size_t
tp_pq_fmt_decimal64(int64_t v, int scale, char *buf)
{
    if (scale < DEC64_SCALE_MIN)
        scale = DEC64_SCALE_MIN;
    if (scale > DEC64_SCALE_MAX)
        scale = DEC64_SCALE_MAX;
    return dec_u64(magnitude(v), v < 0, scale, buf);
}

size_t
tp_pq_fmt_decimal_be(const uint8_t *p, size_t n, int scale, char *buf)
{
    if (n == 0)
        return put_scaled("0", 1, 0, scale, buf);
    /* Leading bytes that only extend the sign carry no value. */
    while (n > 1 && ((p[0] == 0x00 && !(p[1] & 0x80)) || (p[0] == 0xFF && (p[1] & 0x80)))) {
        p++;
        n--;
    }
    int neg = (p[0] & 0x80) != 0;
    if (n <= 8) {
        uint64_t u = neg ? UINT64_MAX : 0;
        for (size_t i = 0; i < n; i++)
            u = u << 8 | p[i];
        return dec_u64(neg ? ~u + 1 : u, neg, scale, buf);
    }
    if (n > TP_PQ_DECIMAL_BE_MAX) {
        buf[0] = '\0';
        return 0;
    }
    /* Little-endian 32-bit limbs, sign-extended, then negated to the magnitude (which
     * fits: it is at most 2^(8n-1)). */
    uint32_t limb[TP_PQ_DECIMAL_BE_MAX / 4];
    size_t nl = (n + 3) / 4;
    for (size_t k = 0; k < nl; k++) {
        uint32_t w = 0;
        for (size_t j = 0; j < 4; j++) {
            size_t i = 4 * k + j; /* byte i from the least significant */
            uint32_t b = i < n ? p[n - 1 - i] : (neg ? 0xFF : 0);
            w |= b << (8 * j);
        }
        limb[k] = neg ? ~w : w;
    }
    if (neg) {
        for (size_t k = 0; k < nl && ++limb[k] == 0; k++)
            ;
    }
    /* Nine digits per pass of division by 10^9, least significant first, written from
     * the end of dig. 8n bits need at most 2.41n + 1 digits. */
    char dig[TP_PQ_DECIMAL_BE_MAX * 5 / 2 + 10];
    char *d = dig + sizeof dig;
    while (nl > 0 && limb[nl - 1] == 0)
        nl--;
    while (nl > 0) {
        uint64_t rem = 0;
        for (size_t k = nl; k-- > 0;) {
            uint64_t cur = rem << 32 | limb[k];
            limb[k] = (uint32_t)(cur / 1000000000u);
            rem = cur % 1000000000u;
        }
        while (nl > 0 && limb[nl - 1] == 0)
            nl--;
        if (nl > 0) {
            d -= 9;
            put_fixed(rem, 9, d);
        } else {
            int w = ndigits(rem);
            d -= w;
            put_fixed(rem, w, d);
        }
    }
    return put_scaled(d, (size_t)(dig + sizeof dig - d), neg, scale, buf);
}

/* Floor division and its remainder in 0..m-1 (m > 0). */
static int64_t
floordiv(int64_t v, int64_t m, int64_t *rem)
{
    int64_t q = v / m, r = v % m;
    if (r < 0) {
        q--;
        r += m;
    }
    *rem = r;
    return q;
}

/* civil_from_days (Hinnant): days since 1970-01-01 to "YYYY-MM-DD", no NUL. */
static size_t
put_date(int64_t days, char *out)
{
    /* Days are counted from 0000-03-01 so that the leap day ends each 400-year era;
     * days fits far from overflow (at most about 2^40 here, from INT64 milliseconds). */
    int64_t z = days + 719468;
    int64_t doe;
    int64_t era = floordiv(z, 146097, &doe);                             /* day of era, 0..146096 */
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365; /* 0..399 */
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);               /* 0..365 */
    int64_t mp = (5 * doy + 2) / 153; /* month from March, 0..11 */
    int64_t day = doy - (153 * mp + 2) / 5 + 1;
    int64_t month = mp < 10 ? mp + 3 : mp - 9;
    int64_t year = yoe + era * 400 + (month <= 2);
    size_t n = 0;
    if (year < 0)
        out[n++] = '-';
    n += put_u64(magnitude(year), 4, out + n);
    out[n] = '-';
    put_fixed((uint64_t)month, 2, out + n + 1);
    out[n + 3] = '-';
    put_fixed((uint64_t)day, 2, out + n + 4);
    return n + 6;
}

/* ".fraction" of frac (< 10^w) in w digits less the trailing zeros; nothing for 0. */
static size_t
put_frac(uint64_t frac, int w, char *out)
{
    if (frac == 0)
        return 0;
    while (frac % 10 == 0) {
        frac /= 10;
        w--;
    }
    out[0] = '.';
    put_fixed(frac, w, out + 1);
    return (size_t)w + 1;
}

/* "MM:SS" of the second of the hour, no NUL. */
static void
put_mmss(unsigned soh, char *out)
{
    put_fixed(soh / 60, 2, out);
    out[2] = ':';
    put_fixed(soh % 60, 2, out + 3);
}

/* Units per second and fraction digits of a time unit; 0 for an unknown unit. */
static int64_t
unit_scale(int unit, int *w)
{
    switch (unit) {
    case TP_PQ_MILLIS:
        *w = 3;
        return 1000;
    case TP_PQ_MICROS:
        *w = 6;
        return 1000000;
    case TP_PQ_NANOS:
        *w = 9;
        return 1000000000;
    }
    return 0;
}

/* Date, time of day (sod seconds, frac in w digits) and NUL. */
static size_t
put_datetime(int64_t days, uint64_t sod, uint64_t frac, int w, char *buf)
{
    size_t n = put_date(days, buf);
    buf[n++] = ' ';
    put_fixed(sod / 3600, 2, buf + n);
    buf[n + 2] = ':';
    put_mmss((unsigned)(sod % 3600), buf + n + 3);
    n += 8;
    n += put_frac(frac, w, buf + n);
    buf[n] = '\0';
    return n;
}

size_t
tp_pq_fmt_date(int32_t days, char *buf)
{
    size_t n = put_date(days, buf);
    buf[n] = '\0';
    return n;
}

size_t
tp_pq_fmt_timestamp(int64_t v, int unit, char *buf)
{
    int w;
    int64_t ups = unit_scale(unit, &w);
    if (ups == 0) {
        buf[0] = '\0';
        return 0;
    }
    int64_t frac, sod;
    int64_t secs = floordiv(v, ups, &frac);
    int64_t days = floordiv(secs, 86400, &sod);
    return put_datetime(days, (uint64_t)sod, (uint64_t)frac, w, buf);
}

size_t
tp_pq_fmt_int96(const uint8_t *p, char *buf)
{
    uint64_t u = 0;
    for (int i = 7; i >= 0; i--)
        u = u << 8 | p[i];
    int64_t nanos;
    memcpy(&nanos, &u, sizeof nanos); /* two's complement, without a signed overflow */
    uint32_t jd =
        (uint32_t)p[8] | (uint32_t)p[9] << 8 | (uint32_t)p[10] << 16 | (uint32_t)p[11] << 24;
    /* Nanoseconds beyond one day (bad files) move into the day count. */
    int64_t nod, frac, sod;
    int64_t days = (int64_t)jd - 2440588 + floordiv(nanos, 86400 * INT64_C(1000000000), &nod);
    sod = floordiv(nod, 1000000000, &frac);
    return put_datetime(days, (uint64_t)sod, (uint64_t)frac, 9, buf);
}

size_t
tp_pq_fmt_time(int64_t v, int unit, char *buf)
{
    int w;
    int64_t ups = unit_scale(unit, &w);
    if (ups == 0) {
        buf[0] = '\0';
        return 0;
    }
    size_t n = 0;
    if (v < 0)
        buf[n++] = '-';
    uint64_t mag = magnitude(v), secs = mag / (uint64_t)ups;
    n += put_u64(secs / 3600, 2, buf + n);
    buf[n] = ':';
    put_mmss((unsigned)(secs % 3600), buf + n + 1);
    n += 6;
    n += put_frac(mag % (uint64_t)ups, w, buf + n);
    buf[n] = '\0';
    return n;
}

size_t
tp_pq_fmt_uuid(const uint8_t *p, char *buf)
{
    static const char hex[] = "0123456789abcdef";
    size_t n = 0;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            buf[n++] = '-';
        buf[n++] = hex[p[i] >> 4];
        buf[n++] = hex[p[i] & 15];
    }
    buf[n] = '\0';
    return n;
}
