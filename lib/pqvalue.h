/*
 * Parquet values as text: the fixed rules by which every Parquet value enters the
 * pipeline as a field, so that everything downstream works as for CSV (tp-scan(1),
 * PARQUET). Each function writes at most TP_PQ_VALUE_MAX bytes plus a NUL into buf
 * and returns the length written (without the NUL), except the decimal of a long byte
 * string, which states its own bound. No function allocates.
 *
 * Calendar: civil_from_days, H. Hinnant, "chrono-Compatible Low-Level Date Algorithms"
 * (2013), proleptic Gregorian; the year has at least four digits (zero-padded: 0042) and
 * as many more as it needs (10000), with a '-' sign before it when negative (-0001 is
 * 2 BC), as in ISO 8601's expanded form. INT96: 8 bytes little-endian nanoseconds of the
 * day, then 4 bytes little-endian Julian day number (2440588 is 1970-01-01), as Impala
 * and Spark write it; the nanoseconds are read as signed and the day as unsigned.
 * FLOAT16: IEEE 754 binary16, little-endian (LogicalTypes.md).
 */
#ifndef TP_PQVALUE_H
#define TP_PQVALUE_H

#include <stddef.h>
#include <stdint.h>

enum { TP_PQ_VALUE_MAX = 64 };

/* The longest big-endian DECIMAL tp_pq_fmt_decimal_be converts, in bytes (2048 bits,
 * 617 digits); leading bytes that only repeat the sign do not count. */
enum { TP_PQ_DECIMAL_BE_MAX = 256 };

/*
 * Shortest decimal that reads back (strtod) to the same double: printf "%.15g", else
 * "%.16g", else "%.17g" (15 digits always round-trip a decimal of up to 15 digits,
 * DBL_DIG, so the first that reads back is the shortest). NaN is "NaN", infinities are
 * "inf" and "-inf"; -0.0 is "-0".
 */
size_t tp_pq_fmt_double(double v, char *buf);

/* The same for a float (strtof), with 6 to 9 digits (FLT_DIG = 6). */
size_t tp_pq_fmt_float(float v, char *buf);

/* FLOAT16 (2 bytes, little-endian): a whole number in full ("65504", not "6.55e+04"),
 * else the first of "%.1g" .. "%.5g" that converts back (rounding to nearest, ties to
 * even) to the same binary16; "NaN", "inf", "-inf", and "-0" for negative zero. */
size_t tp_pq_fmt_float16(const uint8_t *p, char *buf);

/* Decimal integers. */
size_t tp_pq_fmt_i64(int64_t v, char *buf);
size_t tp_pq_fmt_u64(uint64_t v, char *buf);

/*
 * DECIMAL: the unscaled value v with scale digits after the point, exactly: v = 12345,
 * scale 2 is "123.45"; -5, 2 is "-0.05"; 100, 2 is "1.00" (the scale's digits are kept);
 * scale 0 has no point. scale in 0..38 is what Parquet allows; any scale from -44 to 61
 * is written exactly in plain notation (1, 40 is "0.000...0001", never "1E-40"; 1, -2 is
 * "100"), one beyond is taken as the nearest of those, so that the text stays within
 * TP_PQ_VALUE_MAX (the caller refuses such a schema).
 */
size_t tp_pq_fmt_decimal64(int64_t v, int scale, char *buf);

/*
 * DECIMAL from a big-endian two's complement integer of n bytes (FIXED_LEN_BYTE_ARRAY,
 * BYTE_ARRAY). buf must hold 3 * n + scale + 4 bytes (callers size it from the
 * schema's type_length or the value's length, which the page already bounds); with a
 * negative scale (which Parquet does not allow), 3 * n - scale + 4, for the zeros it
 * appends. n = 0 is the value 0. n up to TP_PQ_DECIMAL_BE_MAX after the redundant sign
 * bytes: the caller checks; a longer value writes "" and returns 0.
 */
size_t tp_pq_fmt_decimal_be(const uint8_t *p, size_t n, int scale, char *buf);

/* DATE: days since 1970-01-01 as "YYYY-MM-DD". */
size_t tp_pq_fmt_date(int32_t days, char *buf);

/*
 * TIMESTAMP: v units since 1970-01-01T00:00:00 (unit TP_PQ_MILLIS, TP_PQ_MICROS or
 * TP_PQ_NANOS of pqmeta.h) as "YYYY-MM-DD HH:MM:SS" followed by ".fraction" with the
 * unit's digits, trailing zeros dropped (no fraction when it is 0). Negative values
 * are before 1970 (the fraction is still counted forward from the second: -1 us is
 * 1969-12-31 23:59:59.999999). Another unit writes "" and returns 0.
 */
size_t tp_pq_fmt_timestamp(int64_t v, int unit, char *buf);

/* INT96 timestamp (12 bytes, see above) as a TP_PQ_NANOS timestamp. Nanoseconds
 * outside one day (bad files) carry into the days, by floor division. */
size_t tp_pq_fmt_int96(const uint8_t *p, char *buf);

/* TIME: v units since midnight as "HH:MM:SS[.fraction]", as for timestamps. Values
 * outside a day (bad files) stay well formed: hours beyond 23 take the digits they
 * need, and a negative value is '-' before the text of its magnitude. */
size_t tp_pq_fmt_time(int64_t v, int unit, char *buf);

/* UUID (16 bytes) as lowercase 8-4-4-4-12 hex. */
size_t tp_pq_fmt_uuid(const uint8_t *p, char *buf);

#endif
