/*
 * Parquet value and level encodings other than PLAIN, as specified in
 * apache/parquet-format Encodings.md: the RLE / bit-packing hybrid (levels, dictionary
 * indices, RLE booleans), DELTA_BINARY_PACKED, DELTA_LENGTH_BYTE_ARRAY, DELTA_BYTE_ARRAY
 * and BYTE_STREAM_SPLIT. Decoders work on one whole page buffer and produce exactly the
 * number of values asked for; they read nothing outside [p, p + n) and treat data that
 * ends early, a bit width above the type's, a block header that overflows, or a count
 * that does not fit as an error. Errors are recorded by tp_err without a file name
 * ("RLE data ends early", "DELTA_BINARY_PACKED: bit width 65"), for the caller to
 * prefix with file and column. No decoder allocates except where stated.
 */
#ifndef TP_PQENC_H
#define TP_PQENC_H

#include "bytes.h"

#include <stddef.h>
#include <stdint.h>

/*
 * RLE / bit-packed hybrid without a length prefix: decode count values of width bits
 * (0..32; width 0 gives zeros) from the n bytes at p into out. Returns the number of
 * bytes used, or -1. Bit-packed groups of 8 values may run past the last value wanted;
 * only the bytes of the groups that hold wanted values must be present.
 */
long tp_pq_rle_decode(const uint8_t *p, size_t n, int width, uint32_t *out, size_t count);

/*
 * Append the RLE / bit-packed hybrid encoding of v[0..count) at width bits (0..32) to
 * out, without a length prefix: runs of 8 or more equal values as RLE runs, the rest in
 * bit-packed groups of 8 (the last group padded with zeros). Deterministic.
 */
void tp_pq_rle_encode(const uint32_t *v, size_t count, int width, tp_bytes *out);

/* Bits needed for values up to max (0 for 0): the width for levels and indices. */
int tp_pq_bit_width(uint64_t max);

/*
 * DELTA_BINARY_PACKED: decode count values from the n bytes at p into out, as 64-bit
 * integers (for INT32 columns bits is 32 and every value is checked to fit; arithmetic
 * wraps modulo 2^bits as the specification requires). The header's total value count
 * must be at least count. Returns the bytes used (up to the end of the last miniblock
 * that holds a wanted value: DELTA_LENGTH_BYTE_ARRAY's data follow there when count is
 * the total), or -1.
 */
long tp_pq_delta_decode(const uint8_t *p, size_t n, int bits, int64_t *out, size_t count);

/*
 * DELTA_LENGTH_BYTE_ARRAY: count values; ptr[i] points into p, len[i] is its length.
 * Returns bytes used, or -1 (a negative length, or lengths beyond the data).
 */
long tp_pq_delta_length_decode(const uint8_t *p, size_t n, size_t count, const uint8_t **ptr,
                               uint32_t *len);

/*
 * DELTA_BYTE_ARRAY (incremental encoding: prefix lengths, then suffixes as
 * DELTA_LENGTH_BYTE_ARRAY): count values rebuilt into store (appended; it grows), value
 * i at store->p + off[i], len[i] bytes. off is an offset, not a pointer, because store
 * moves as it grows. Returns bytes used, or -1 (a prefix longer than the previous value).
 * The lengths arrays are allocated and freed inside.
 */
long tp_pq_delta_bytes_decode(const uint8_t *p, size_t n, size_t count, tp_bytes *store,
                              size_t *off, uint32_t *len);

/*
 * BYTE_STREAM_SPLIT: count values of width bytes (2, 4, 8 or any FIXED_LEN_BYTE_ARRAY
 * width) in n bytes at p (n must be count * width) rejoined into out (count * width
 * bytes), as PLAIN would hold them. Returns 0 or -1.
 */
int tp_pq_bss_decode(const uint8_t *p, size_t n, size_t count, size_t width, uint8_t *out);

#endif
