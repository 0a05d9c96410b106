/*
 * Field and option value parsing: the missing-value table, strict integers, doubles,
 * booleans and the temporal formats of the split.
 */
#include "value.h"

#include "err.h"

#include <errno.h>
#include <stdio.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define TOK(s)                                                                                     \
    {                                                                                              \
        s, sizeof(s) - 1                                                                           \
    }
static const struct {
    const char *s;
    size_t n;
} missing[] = {
    TOK("NA"),   TOK("N/A"),      TOK("n/a"),    TOK("NaN"),     TOK("nan"),     TOK("-NaN"),
    TOK("-nan"), TOK("NULL"),     TOK("null"),   TOK("None"),    TOK("<NA>"),    TOK("#N/A"),
    TOK("#NA"),  TOK("#N/A N/A"), TOK("1.#IND"), TOK("-1.#IND"), TOK("1.#QNAN"), TOK("-1.#QNAN"),
};

int
tp_is_missing(const char *s, size_t n)
{
    if (n == 0)
        return 1;
    if (n > 8)
        return 0;
    /* Every token starts with one of these bytes; most values leave here. */
    unsigned char c = (unsigned char)s[0];
    if (c != 'N' && c != 'n' && c != '-' && c != '<' && c != '#' && c != '1')
        return 0;
    /* numbers pass here: after '-' a token has N, n or 1, after '1' a '.' */
    if (n > 1 &&
        ((c == '-' && s[1] != 'N' && s[1] != 'n' && s[1] != '1') || (c == '1' && s[1] != '.')))
        return 0;
    for (size_t i = 0; i < sizeof missing / sizeof missing[0]; i++)
        if (missing[i].n == n && missing[i].s[0] == (char)c && memcmp(missing[i].s, s, n) == 0)
            return 1;
    return 0;
}

int
tp_utf8_valid(const char *s, size_t n)
{
    const unsigned char *p = (const unsigned char *)s, *end = p + n;
    while (p < end) {
        /* ASCII runs are the common case: 8 bytes at a time */
        while (end - p >= 8) {
            uint64_t w;
            memcpy(&w, p, 8);
            if (w & 0x8080808080808080ULL)
                break;
            p += 8;
        }
        if (p == end)
            break;
        unsigned c = *p;
        if (c < 0x80) {
            p++;
            continue;
        }
        size_t k;
        unsigned min;
        unsigned cp;
        if (c >= 0xC2 && c <= 0xDF) {
            k = 1, min = 0x80, cp = c & 0x1F;
        } else if (c >= 0xE0 && c <= 0xEF) {
            k = 2, min = 0x800, cp = c & 0x0F;
        } else if (c >= 0xF0 && c <= 0xF4) {
            k = 3, min = 0x10000, cp = c & 0x07;
        } else {
            return 0;
        }
        if ((size_t)(end - p) <= k)
            return 0;
        for (size_t i = 1; i <= k; i++) {
            if ((p[i] & 0xC0) != 0x80)
                return 0;
            cp = cp << 6 | (p[i] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return 0;
        p += k + 1;
    }
    return 1;
}

int
tp_parse_int64(const char *s, size_t n, int64_t *out)
{
    size_t i = 0;
    int neg = 0;
    if (n > 0 && (s[0] == '-' || s[0] == '+')) {
        neg = s[0] == '-';
        i = 1;
    }
    if (i == n)
        return -1;
    uint64_t v = 0;
    uint64_t lim = neg ? (uint64_t)INT64_MAX + 1 : (uint64_t)INT64_MAX;
    for (; i < n; i++) {
        unsigned d = (unsigned char)s[i] - '0';
        if (d > 9)
            return -1;
        if (v > (lim - d) / 10)
            return -1;
        v = v * 10 + d;
    }
    *out = neg ? (int64_t)(0 - v) : (int64_t)v;
    return 0;
}

/*
 * The common case without strtod: [sign] digits [. digits], with a significand below
 * 2^53 and at most 22 digits after the point. Both the significand and 10^k are then
 * exact doubles, and one IEEE division rounds their quotient correctly: the same double
 * strtod gives (Clinger 1990, "How to read floating point numbers accurately", the
 * fast path). 1 when done, 0 when strtod must decide.
 */
static int
fast_decimal(const char *s, size_t n, double *out)
{
    static const double p10[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                 1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    size_t i = 0;
    int neg = 0, dot = 0, frac = 0, nd = 0;
    uint64_t m = 0;
    if (s[0] == '-' || s[0] == '+') {
        neg = s[0] == '-';
        i = 1;
    }
    for (; i < n; i++) {
        unsigned d = (unsigned char)s[i] - '0';
        if (d <= 9) {
            if (m >= (UINT64_C(1) << 53) / 10)
                return 0;
            m = m * 10 + d;
            nd++;
            frac += dot;
        } else if (s[i] == '.' && !dot) {
            dot = 1;
        } else {
            return 0;
        }
    }
    if (nd == 0 || frac > 22)
        return 0;
    double v = (double)m / p10[frac];
    *out = neg ? -v : v;
    return 1;
}

int
tp_parse_double(const char *s, size_t n, double *out)
{
    if (n == 0)
        return -1;
    if (fast_decimal(s, n, out))
        return 0;
    /* Only sign, digits, '.', exponent and the letters of inf/infinity may appear:
     * rejects hexadecimal forms and leading blanks, and most text without strtod. */
    static const char ok[256] = {
        ['0'] = 1, ['1'] = 1, ['2'] = 1, ['3'] = 1, ['4'] = 1, ['5'] = 1, ['6'] = 1,
        ['7'] = 1, ['8'] = 1, ['9'] = 1, ['.'] = 1, ['+'] = 1, ['-'] = 1, ['e'] = 1,
        ['E'] = 1, ['i'] = 1, ['I'] = 1, ['n'] = 1, ['N'] = 1, ['f'] = 1, ['F'] = 1,
        ['t'] = 1, ['T'] = 1, ['y'] = 1, ['Y'] = 1,
    };
    for (size_t i = 0; i < n; i++)
        if (!ok[(unsigned char)s[i]])
            return -1;
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (end != s + n || isnan(v))
        return -1;
    /* ERANGE: overflow gives +-HUGE_VAL, underflow a tiny value; both are numbers. */
    *out = v;
    return 0;
}

int
tp_parse_bool(const char *s, size_t n, int *out)
{
    if (n < 4 || n > 5 || ((s[0] | 0x20) != 't' && (s[0] | 0x20) != 'f'))
        return -1; /* most text leaves here */
    if (n == 4 && strncasecmp(s, "true", 4) == 0) {
        *out = 1;
        return 0;
    }
    if (n == 5 && strncasecmp(s, "false", 5) == 0) {
        *out = 0;
        return 0;
    }
    return -1;
}

/* Read exactly k digits at s[*i]; -1 when fewer digits are there. */
static int
digits(const char *s, size_t n, size_t *i, int k, int *out)
{
    int v = 0;
    for (int j = 0; j < k; j++, (*i)++) {
        if (*i >= n || s[*i] < '0' || s[*i] > '9')
            return -1;
        v = v * 10 + (s[*i] - '0');
    }
    *out = v;
    return 0;
}

static int64_t
days_from_civil(int64_t y, int m, int d)
{
    y -= m <= 2;
    int64_t era = (y >= 0 ? y : y - 399) / 400;
    int64_t yoe = y - era * 400;
    int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static int
days_in_month(int y, int m)
{
    static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return dm[m - 1];
}

int
tp_parse_time(const char *s, size_t n, int64_t *us)
{
    int64_t epoch;
    if (tp_parse_int64(s, n, &epoch) == 0) {
        if (epoch >= 100000000000LL || epoch <= -100000000000LL) {
            if (epoch > INT64_MAX / 1000 || epoch < INT64_MIN / 1000)
                return -1;
            *us = epoch * 1000;
        } else {
            *us = epoch * 1000000;
        }
        return 0;
    }
    size_t i = 0;
    int y, mo, d, h = 0, mi = 0, sec = 0;
    if (digits(s, n, &i, 4, &y) < 0 || i >= n || (s[i] != '-' && s[i] != '/'))
        return -1;
    char sep = s[i++];
    if (digits(s, n, &i, 2, &mo) < 0 || i >= n || s[i++] != sep || digits(s, n, &i, 2, &d) < 0)
        return -1;
    if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo))
        return -1;
    int64_t frac = 0, offset = 0;
    if (i < n) {
        if (!(s[i] == ' ' || (s[i] == 'T' && sep == '-')))
            return -1;
        i++;
        if (digits(s, n, &i, 2, &h) < 0 || i >= n || s[i++] != ':' || digits(s, n, &i, 2, &mi) < 0)
            return -1;
        if (i < n && s[i] == ':') {
            i++;
            if (digits(s, n, &i, 2, &sec) < 0)
                return -1;
            if (i < n && s[i] == '.' && sep == '-') {
                i++;
                int nd = 0;
                while (i < n && s[i] >= '0' && s[i] <= '9') {
                    if (nd < 6) {
                        frac = frac * 10 + (s[i] - '0');
                        nd++;
                    }
                    i++;
                }
                if (nd == 0)
                    return -1;
                for (; nd < 6; nd++)
                    frac *= 10;
            }
        }
        /* second 60 is a leap second (ISO 8601, RFC 3339: at the end of any minute in a
         * zone with an offset); counted as POSIX time counts it, as the next second */
        if (h > 23 || mi > 59 || sec > 60)
            return -1;
        if (i < n && sep == '-') {
            if (s[i] == 'Z') {
                i++;
            } else if (s[i] == '+' || s[i] == '-') {
                int sign = s[i++] == '-' ? -1 : 1, oh, om;
                if (digits(s, n, &i, 2, &oh) < 0)
                    return -1;
                if (i < n && s[i] == ':')
                    i++;
                if (digits(s, n, &i, 2, &om) < 0 || oh > 23 || om > 59)
                    return -1;
                offset = sign * ((int64_t)oh * 3600 + om * 60);
            }
        }
        if (i != n)
            return -1;
    }
    int64_t secs = days_from_civil(y, mo, d) * 86400 + (int64_t)h * 3600 + mi * 60 + sec - offset;
    *us = secs * 1000000 + frac;
    return 0;
}

int
tp_opt_ll(const char *name, const char *s, long long min, long long max, long long *out)
{
    char *end;
    errno = 0;
    long long v = strtoll(s, &end, 10);
    if (*s == '\0' || *end != '\0' || errno == ERANGE || v < min || v > max ||
        strchr(" \t\n", *s)) {
        tp_err(NULL, 0, "%s: not an integer in [%lld, %lld]: '%s'", name, min, max, s);
        return -1;
    }
    *out = v;
    return 0;
}

int
tp_parse_ratio(const char *name, const char *s, tp_ratio *out)
{
    uint64_t num = 0, den = 1;
    const char *p = s;
    int digits = 0, frac = 0;
    for (; *p >= '0' && *p <= '9'; p++, digits++)
        num = num * 10 + (uint64_t)(*p - '0');
    if (digits > 1 || num > 1)
        goto bad;
    if (*p == '.') {
        for (p++; *p >= '0' && *p <= '9'; p++, frac++) {
            if (frac == 18)
                goto bad;
            num = num * 10 + (uint64_t)(*p - '0');
            den *= 10;
        }
    }
    if (*p != '\0' || digits + frac == 0 || num > den)
        goto bad;
    out->num = num;
    out->den = den;
    return 0;
bad:
    tp_err(NULL, 0, "%s: not a decimal number in [0, 1]: '%s'", name, s);
    return -1;
}

uint64_t
tp_ratio_floor(uint64_t n, tp_ratio r)
{
    return (uint64_t)((unsigned __int128)n * r.num / r.den);
}

uint64_t
tp_ratio_ceil(uint64_t n, tp_ratio r)
{
    return (uint64_t)(((unsigned __int128)n * r.num + r.den - 1) / r.den);
}

void
tp_ratio_format(tp_ratio r, char *buf, size_t size)
{
    if (r.num == r.den) {
        snprintf(buf, size, "1");
        return;
    }
    int w = 0;
    for (uint64_t d = r.den; d > 1; d /= 10)
        w++;
    if (w == 0) {
        snprintf(buf, size, "0");
        return;
    }
    snprintf(buf, size, "0.%0*llu", w, (unsigned long long)r.num);
    /* trim trailing zeros of the fraction, keep at least one digit */
    size_t n = strlen(buf);
    while (n > 3 && buf[n - 1] == '0')
        buf[--n] = '\0';
}
