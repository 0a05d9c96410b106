/*
 * A growable byte buffer, for the Parquet writer and the codecs: bytes are appended at
 * the end and the buffer doubles as it grows (amortized O(1) per byte). Allocation
 * failure exits through tp_xrealloc (err.h), so appending cannot fail. Also the
 * little-endian loads the Parquet code shares.
 */
#ifndef TP_BYTES_H
#define TP_BYTES_H

#include "err.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

typedef struct tp_bytes {
    uint8_t *p; /* p[0..len): the bytes; NULL while cap == 0 */
    size_t len, cap;
} tp_bytes;

/* Make room for n more bytes; returns a pointer to p + len (len is not changed). */
static inline uint8_t *
tp_bytes_reserve(tp_bytes *b, size_t n)
{
    if (b->cap - b->len < n) {
        size_t cap = b->cap ? b->cap : 256;
        while (cap - b->len < n)
            cap *= 2;
        b->p = tp_xrealloc(b->p, cap);
        b->cap = cap;
    }
    return b->p + b->len;
}

/* Append n bytes at s. */
static inline void
tp_bytes_put(tp_bytes *b, const void *s, size_t n)
{
    if (n) {
        memcpy(tp_bytes_reserve(b, n), s, n);
        b->len += n;
    }
}

/* Append one byte. */
static inline void
tp_bytes_byte(tp_bytes *b, uint8_t c)
{
    *tp_bytes_reserve(b, 1) = c;
    b->len++;
}

/* Little-endian loads from unaligned bytes (Parquet's PLAIN values and lengths). */
static inline uint32_t
tp_le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint64_t
tp_le64(const uint8_t *p)
{
    return (uint64_t)tp_le32(p) | (uint64_t)tp_le32(p + 4) << 32;
}

/* Free the memory; the buffer is empty and may be reused. */
static inline void
tp_bytes_free(tp_bytes *b)
{
    free(b->p);
    b->p = NULL;
    b->len = b->cap = 0;
}

#endif
