/*
 * Parquet values as text: the fixed rules by which every Parquet value enters the
 * pipeline as a field, so that everything downstream works as for CSV (tp-scan(1),
 * PARQUET). Each function writes at most TP_PQ_VALUE_MAX bytes plus a NUL into buf
 * and returns the length written (without the NUL), except the decimal of a long byte
 * string, which states its own bound. No function allocates.
 *
 * Calendar: civil_from_days, H. Hinnant, "chrono-Compatible Low-Level Date Algorithms"
 * (2013), proleptic Gregorian; years outside 0000..9999 are written with as many digits
 * as they need and a '-' sign before the year when negative. INT96: 8 bytes
 * little-endian nanoseconds of the day, then 4 bytes little-endian Julian day number
 * (2440588 is 1970-01-01), as Impala and Spark write it. FLOAT16: IEEE 754 binary16,
 * little-endian (LogicalTypes.md).
 */
#ifndef TP_PQVALUE_H
#define TP_PQVALUE_H

#include <stddef.h>
#include <stdint.h>

enum { TP_PQ_VALUE_MAX = 64 };

/*
 * Shortest decimal that reads back (strtod) to the same double: printf "%.15g", else
 * "%.16g", else "%.17g" (15 digits always round-trip a decimal of up to 15 digits,
 * DBL_DIG, so the first that reads back is the shortest). NaN is "NaN", infinities are
 * "inf" and "-inf"; -0.0 is "-0".
 */
size_t tp_pq_fmt_double(double v, char *buf);

/* The same for a float (strtof), with 6 to 9 digits (FLT_DIG = 6). */
size_t tp_pq_fmt_float(float v, char *buf);

/* FLOAT16 (2 bytes, little-endian): shortest decimal that converts back to the same
 * binary16 (rounding to nearest even), "NaN", "inf", "-inf". */
size_t tp_pq_fmt_float16(const uint8_t *p, char *buf);

/* Decimal integers. */
size_t tp_pq_fmt_i64(int64_t v, char *buf);
size_t tp_pq_fmt_u64(uint64_t v, char *buf);

/*
 * DECIMAL: the unscaled value v with scale digits after the point, exactly: v = 12345,
 * scale 2 is "123.45"; -5, 2 is "-0.05"; 100, 2 is "1.00" (the scale's digits are kept);
 * scale 0 has no point. scale in 0..38 (a larger scale or a negative one is written
 * with the digits the value needs: "1E-40" is never produced, the caller refuses such a
 * schema).
 */
size_t tp_pq_fmt_decimal64(int64_t v, int scale, char *buf);

/*
 * DECIMAL from a big-endian two's complement integer of n bytes (FIXED_LEN_BYTE_ARRAY,
 * BYTE_ARRAY). buf must hold 3 * n + scale + 4 bytes (callers size it from the
 * schema's type_length or the value's length, which the page already bounds). n = 0 is
 * the value 0.
 */
size_t tp_pq_fmt_decimal_be(const uint8_t *p, size_t n, int scale, char *buf);

/* DATE: days since 1970-01-01 as "YYYY-MM-DD". */
size_t tp_pq_fmt_date(int32_t days, char *buf);

/*
 * TIMESTAMP: v units since 1970-01-01T00:00:00 (unit TP_PQ_MILLIS, TP_PQ_MICROS or
 * TP_PQ_NANOS of pqmeta.h) as "YYYY-MM-DD HH:MM:SS" followed by ".fraction" with the
 * unit's digits, trailing zeros dropped (no fraction when it is 0). Negative values
 * are before 1970 (the fraction is still counted forward from the second).
 */
size_t tp_pq_fmt_timestamp(int64_t v, int unit, char *buf);

/* INT96 timestamp (12 bytes, see above) as a TP_PQ_NANOS timestamp. */
size_t tp_pq_fmt_int96(const uint8_t *p, char *buf);

/* TIME: v units since midnight as "HH:MM:SS[.fraction]", as for timestamps. */
size_t tp_pq_fmt_time(int64_t v, int unit, char *buf);

/* UUID (16 bytes) as lowercase 8-4-4-4-12 hex. */
size_t tp_pq_fmt_uuid(const uint8_t *p, char *buf);

#endif
