/* Value parsing: missing tokens, strict numbers, booleans, temporal formats, ratios. */
#include "context.h"
#include "reader.h"
#include "unit.h"
#include "value.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define S(x) x, strlen(x)

static void
missing(void)
{
    static const char *const yes[] = {"",       "NA",      "N/A",     "n/a",     "NaN",
                                      "nan",    "-NaN",    "-nan",    "NULL",    "null",
                                      "None",   "<NA>",    "#N/A",    "#NA",     "#N/A N/A",
                                      "1.#IND", "-1.#IND", "1.#QNAN", "-1.#QNAN"};
    for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
        CHECK(tp_is_missing(S(yes[i])));
    CHECK(!tp_is_missing(S("na")));
    CHECK(!tp_is_missing(S("NONE")));
    CHECK(!tp_is_missing(S(" ")));
    CHECK(!tp_is_missing(S("0")));
    CHECK(!tp_is_missing(S("NAN ")));
    /* numbers that begin as tokens do */
    CHECK(!tp_is_missing(S("-5")) && !tp_is_missing(S("-538.14")) && !tp_is_missing(S("1.5")));
    CHECK(!tp_is_missing(S("1")) && !tp_is_missing(S("-")) && !tp_is_missing(S("10")));
    CHECK(!tp_is_missing(S("-1.#INF")) && !tp_is_missing(S("1.#INF")));
}

static void
numbers(void)
{
    int64_t i;
    double d;
    int b;
    CHECK(tp_parse_int64(S("0"), &i) == 0 && i == 0);
    CHECK(tp_parse_int64(S("-42"), &i) == 0 && i == -42);
    CHECK(tp_parse_int64(S("+7"), &i) == 0 && i == 7);
    CHECK(tp_parse_int64(S("9223372036854775807"), &i) == 0 && i == INT64_MAX);
    CHECK(tp_parse_int64(S("-9223372036854775808"), &i) == 0 && i == INT64_MIN);
    CHECK(tp_parse_int64(S("9223372036854775808"), &i) < 0);
    CHECK(tp_parse_int64(S("1.0"), &i) < 0);
    CHECK(tp_parse_int64(S(" 1"), &i) < 0);
    CHECK(tp_parse_int64(S("1 "), &i) < 0);
    CHECK(tp_parse_int64(S("-"), &i) < 0);
    CHECK(tp_parse_int64(S(""), &i) < 0);
    CHECK(tp_parse_double(S("1.5"), &d) == 0 && d == 1.5);
    CHECK(tp_parse_double(S("-2e3"), &d) == 0 && d == -2000);
    CHECK(tp_parse_double(S(".5"), &d) == 0 && d == 0.5);
    CHECK(tp_parse_double(S("inf"), &d) == 0 && d > 1e308);
    CHECK(tp_parse_double(S("1e999"), &d) == 0);
    CHECK(tp_parse_double(S("nan"), &d) < 0);
    CHECK(tp_parse_double(S("0x10"), &d) < 0);
    CHECK(tp_parse_double(S("1.5x"), &d) < 0);
    CHECK(tp_parse_double(S(" 1"), &d) < 0);
    CHECK(tp_parse_double(S("abc"), &d) < 0);
    CHECK(tp_parse_bool(S("TRUE"), &b) == 0 && b == 1);
    CHECK(tp_parse_bool(S("False"), &b) == 0 && b == 0);
    CHECK(tp_parse_bool(S("yes"), &b) < 0);
    CHECK(tp_parse_bool(S("1"), &b) < 0);
    CHECK(tp_parse_bool(S("tru"), &b) < 0 && tp_parse_bool(S("truee"), &b) < 0);
    CHECK(tp_parse_bool(S("green"), &b) < 0 && tp_parse_bool(S("blue"), &b) < 0);
    CHECK(tp_parse_bool(S("fALSE"), &b) == 0 && b == 0 && tp_parse_bool(S("tRuE"), &b) == 0 && b);
}

/* Decimals built to hit the fast path's edges (2^53, 22 fraction digits, signs, a lone
 * point) must parse to the very double strtod gives, bit for bit. */
static void
doubles_as_strtod(void)
{
    static const char *const edge[] = {
        "9007199254740991",
        "9007199254740992",
        "9007199254740993",
        "900719925474099.3",
        "0.1",
        "0.3",
        "-0.0",
        "+0.0",
        "0.0000000000000000000001",
        "1.00000000000000000000001",
        "5.",
        ".",
        "-.",
        "+",
        "1..2",
        "-",
        "123456789012345678901234567890",
        "2.2250738585072014",
    };
    uint64_t x = 88172645463325252u; /* xorshift64 (Marsaglia 2003) */
    char buf[48];
    int mismatch = 0;
    for (size_t k = 0; k < 200000 + sizeof edge / sizeof edge[0]; k++) {
        const char *str = buf;
        if (k < sizeof edge / sizeof edge[0]) {
            str = edge[k];
        } else {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            size_t len = 0, nd = 1 + x % 24, point = (x >> 8) % (nd + 2);
            if ((x >> 16) & 1)
                buf[len++] = (x >> 17) & 1 ? '-' : '+';
            uint64_t y = x;
            for (size_t j = 0; j < nd; j++) {
                if (j == point)
                    buf[len++] = '.';
                y = y * 6364136223846793005u + 1442695040888963407u;
                buf[len++] = (char)('0' + (y >> 33) % 10);
            }
            buf[len] = '\0';
        }
        double got = 0, want;
        char *end;
        int rc = tp_parse_double(str, strlen(str), &got);
        want = strtod(str, &end);
        int ok_want = *str && *end == '\0' && end != str;
        if ((rc == 0) != ok_want || (rc == 0 && memcmp(&got, &want, sizeof got) != 0)) {
            if (mismatch++ < 5)
                fprintf(stderr, "tp_parse_double(\"%s\"): rc %d, %.17g; strtod %.17g\n", str, rc,
                        got, want);
        }
    }
    CHECK(mismatch == 0);
}

static int64_t
t(const char *s)
{
    int64_t us = -1;
    if (tp_parse_time(s, strlen(s), &us) < 0)
        return INT64_MIN;
    return us;
}

static void
times(void)
{
    const int64_t day = 86400LL * 1000000;
    CHECK(t("1970-01-01") == 0);
    CHECK(t("1970-01-02") == day);
    CHECK(t("2000-03-01") - t("2000-02-28") == 2 * day); /* leap year */
    CHECK(t("1900-03-01") - t("1900-02-28") == day);     /* not a leap year */
    CHECK(t("2025-01-01 00:00:01") == t("2025-01-01") + 1000000);
    CHECK(t("2025-01-01T00:00:01") == t("2025-01-01 00:00:01"));
    CHECK(t("2025-01-01T00:00:01Z") == t("2025-01-01 00:00:01"));
    CHECK(t("2025-01-01T02:00:00+02:00") == t("2025-01-01 00:00:00"));
    CHECK(t("2025-01-01T00:00:00-0130") == t("2025-01-01 01:30:00"));
    CHECK(t("2025-01-01 00:00:00.5") == t("2025-01-01") + 500000);
    CHECK(t("2025-01-01 00:00:00.1234567") == t("2025-01-01") + 123456);
    CHECK(t("2025/01/02") == t("2025-01-02"));
    CHECK(t("2025/01/02 03:04:05") == t("2025-01-02 03:04:05"));
    CHECK(t("1735689600") == t("2025-01-01"));    /* epoch seconds */
    CHECK(t("1735689600000") == t("2025-01-01")); /* epoch milliseconds */
    CHECK(t("-86400") == -day);
    CHECK(t("1969-12-31") == -day);
    CHECK(t("2025-13-01") == INT64_MIN);
    CHECK(t("2025-02-29") == INT64_MIN);
    CHECK(t("2025-04-31") == INT64_MIN);
    CHECK(t("2025-01-01 24:00:00") == INT64_MIN);
    CHECK(t("2025-01-01 10:60:00") == INT64_MIN);
    /* a leap second (ISO 8601, RFC 3339) is the instant of the next second, as in POSIX */
    CHECK(t("2016-12-31 23:59:60") == t("2017-01-01 00:00:00"));
    CHECK(t("2016-12-31T23:59:60Z") == t("2017-01-01"));
    CHECK(t("2016-12-31T23:59:60.5Z") == t("2017-01-01") + 500000);
    CHECK(t("2017-01-01T08:59:60+09:00") == t("2017-01-01")); /* the same leap second in Tokyo */
    CHECK(t("2016/12/31 23:59:60") == t("2017-01-01"));
    CHECK(t("2015-06-30 23:59:60") - t("2015-06-30 23:59:59") == 1000000);
    CHECK(t("2016-12-31 23:59:61") == INT64_MIN);
    CHECK(t("2016-12-31 23:59:99") == INT64_MIN);
    CHECK(t("2025-1-01") == INT64_MIN);
    CHECK(t("2025/01-01") == INT64_MIN);
    CHECK(t("2025/01/01T00:00:00") == INT64_MIN);
    CHECK(t("2025-01-01 00:00:00 ") == INT64_MIN);
    CHECK(t("2025-01-01x") == INT64_MIN);
    CHECK(t("yesterday") == INT64_MIN);
    CHECK(t("") == INT64_MIN);
    char buf[40];
    tp_format_time(t("2001-05-08 07:25:00"), buf, sizeof buf);
    CHECK(strcmp(buf, "2001-05-08 07:25:00") == 0);
    tp_format_time(t("1969-12-31 23:59:59.25"), buf, sizeof buf);
    CHECK(strcmp(buf, "1969-12-31 23:59:59.250000") == 0);
}

static void
ratios(void)
{
    tp_ratio r;
    char buf[32];
    CHECK(tp_parse_ratio("r", "0.7", &r) == 0 && r.num == 7 && r.den == 10);
    CHECK(tp_ratio_floor(10, r) == 7);
    CHECK(tp_ratio_floor(3000000, r) == 2100000);
    CHECK(tp_parse_ratio("r", "0.29", &r) == 0);
    CHECK(tp_ratio_floor(100, r) == 29); /* 100 * 0.29 is 28.999... in doubles */
    CHECK(tp_parse_ratio("q", "0.5", &r) == 0);
    CHECK(tp_ratio_ceil(3, r) == 2);
    CHECK(tp_ratio_ceil(4, r) == 2);
    CHECK(tp_ratio_floor(3, r) == 1);
    CHECK(tp_parse_ratio("r", "1", &r) == 0 && tp_ratio_floor(9, r) == 9);
    CHECK(tp_parse_ratio("r", "0", &r) == 0 && tp_ratio_ceil(9, r) == 0);
    CHECK(tp_parse_ratio("r", ".25", &r) == 0);
    tp_ratio_format(r, buf, sizeof buf);
    CHECK(strcmp(buf, "0.25") == 0);
    CHECK(tp_parse_ratio("r", "1.0", &r) == 0);
    tp_ratio_format(r, buf, sizeof buf);
    CHECK(strcmp(buf, "1") == 0);
    CHECK(tp_parse_ratio("r", "1.5", &r) < 0);
    CHECK(tp_parse_ratio("r", "-0.1", &r) < 0);
    CHECK(tp_parse_ratio("r", "0.7x", &r) < 0);
    CHECK(tp_parse_ratio("r", "", &r) < 0);
    CHECK(tp_parse_ratio("r", ".", &r) < 0);
    CHECK(tp_parse_ratio("r", "7e-1", &r) < 0);
    long long v;
    CHECK(tp_opt_ll("-n", "12", 0, 99, &v) == 0 && v == 12);
    CHECK(tp_opt_ll("-n", "100", 0, 99, &v) < 0);
    CHECK(tp_opt_ll("-n", "1x", 0, 99, &v) < 0);
    CHECK(tp_opt_ll("-n", "", 0, 99, &v) < 0);
    CHECK(tp_opt_ll("-n", " 1", 0, 99, &v) < 0);
}

static void
shards(void)
{
    CHECK(tp_shard_number("part-00007.csv") == 7);
    CHECK(tp_shard_number("/a/b/part-00123.csv.gz") == 123);
    CHECK(tp_shard_number("part-3-of-9.tsv") == 3);
    CHECK(tp_shard_number("data.csv") == -1);
    CHECK(tp_shard_number("part-x.csv") == -1);
    CHECK(tp_shard_number("/part-1/x.csv") == -1);
    CHECK(tp_delim_for("a.tsv", 0) == '\t');
    CHECK(tp_delim_for("a.tsv.gz", 0) == '\t');
    CHECK(tp_delim_for("a.csv", 0) == ',');
    CHECK(tp_delim_for("a.csv", 1) == '\t');
}

void
test_value(void)
{
    missing();
    numbers();
    doubles_as_strtod();
    times();
    ratios();
    shards();
}
