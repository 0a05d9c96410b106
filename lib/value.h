/*
 * Strict parsing of field values and command-line numbers. Every number tp reads, from
 * data or from argv, goes through one of these, so "12abc", " 7", "1e999" and friends are
 * judged the same way everywhere.
 *
 * Field arguments are (s, n): n bytes at s, and s[n] must be '\0' (the CSV reader
 * guarantees it). Functions return 0 on success and -1 when the value is not of the
 * type; they do not record an error message (the caller knows file, line and column).
 */
#ifndef TP_VALUE_H
#define TP_VALUE_H

#include <stddef.h>
#include <stdint.h>

/*
 * 1 when the field is a missing value: empty, or one of the pandas read_csv defaults
 * NA N/A n/a NaN nan -NaN -nan NULL null None <NA> #N/A #NA "#N/A N/A" 1.#IND -1.#IND
 * 1.#QNAN -1.#QNAN (SPEC section 1); else 0.
 */
int tp_is_missing(const char *s, size_t n);

/* 1 when the n bytes at s are well-formed UTF-8 (RFC 3629: no overlong forms, no
 * surrogates, nothing above U+10FFFF), else 0. */
int tp_utf8_valid(const char *s, size_t n);

/* Decimal integer: optional sign then 1 or more digits, nothing else, within int64. */
int tp_parse_int64(const char *s, size_t n, int64_t *out);

/*
 * Decimal floating-point number as accepted by strtod, without leading or trailing
 * blanks, hexadecimal forms or NaN (NaN spellings are missing values instead).
 * "inf"/"infinity" and overflow to +-HUGE_VAL are accepted as numbers, as pandas does.
 */
int tp_parse_double(const char *s, size_t n, double *out);

/* "true" or "false" in any letter case; *out gets 1 or 0. */
int tp_parse_bool(const char *s, size_t n, int *out);

/*
 * Temporal value to microseconds since 1970-01-01T00:00:00Z (SPEC section 7):
 *   YYYY-MM-DD, YYYY-MM-DD[T| ]HH:MM[:SS[.fraction]][Z|+HH:MM|-HH:MM|+HHMM|-HHMM],
 *   YYYY/MM/DD[ HH:MM[:SS]], and integer epoch seconds, or epoch milliseconds when the
 *   absolute value is at least 100000000000 (year 5138 in seconds).
 * Values without an offset are taken as UTC; an offset is subtracted to give UTC.
 * Fractions beyond 6 digits are truncated. Calendar fields are range-checked (month
 * 1-12, day within the month, hour 0-23, minute 0-59, second 0-60). Second 60, a leap
 * second, is the instant of the next second (23:59:60 = 00:00:00 of the next day), as in
 * POSIX time, which has no leap seconds. Day counting:
 * days_from_civil, H. Hinnant, "chrono-Compatible Low-Level Date Algorithms" (2013).
 */
int tp_parse_time(const char *s, size_t n, int64_t *us);

/*
 * Command-line numbers. Return 0 and store on success; -1 with an error message
 * ("NAME: not a number in [MIN, MAX]: 'S'") recorded by tp_err otherwise.
 */
int tp_opt_ll(const char *name, const char *s, long long min, long long max, long long *out);

/*
 * Split ratios as exact decimal fractions, so that n_train = floor(n * r) is computed in
 * integers (SPEC section 7) and "0.7" means exactly 7/10, not the nearest double.
 */
typedef struct tp_ratio {
    uint64_t num, den; /* den is a power of ten, num <= den */
} tp_ratio;

/*
 * Parse a decimal in [0, 1] with at most 18 digits after the point ("0.7", ".25", "1",
 * "0"). Returns 0, or -1 with "NAME: not a decimal number in [0, 1]: 'S'" recorded.
 */
int tp_parse_ratio(const char *name, const char *s, tp_ratio *out);

/* floor(n * r) and ceil(n * r), exact (128-bit intermediate). */
uint64_t tp_ratio_floor(uint64_t n, tp_ratio r);
uint64_t tp_ratio_ceil(uint64_t n, tp_ratio r);

/* Write r as a decimal ("0.7") into buf (at least 24 bytes). */
void tp_ratio_format(tp_ratio r, char *buf, size_t size);

#endif
