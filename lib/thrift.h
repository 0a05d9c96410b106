/*
 * The Thrift compact protocol (apache/thrift doc/specs/thrift-compact-protocol.md), the
 * serialization of Parquet's footer and page headers (pqmeta.h): a reader over a byte
 * range and a writer that appends to a tp_bytes. The reader never reads outside its range
 * and never fails loudly: its first error is kept (message and whether more bytes could
 * have fixed it) and every later read returns zero, so a decoder can read a whole struct
 * and check the error once at the end. List, set and map sizes are checked against the
 * bytes left when their header is read (every element takes at least one byte), so a
 * caller may allocate a decoded count of elements without a check of its own.
 */
#ifndef TP_THRIFT_H
#define TP_THRIFT_H

#include "bytes.h"

#include <stddef.h>
#include <stdint.h>

/* Types of the compact protocol, as they appear in field headers and element types. */
enum {
    TP_TH_STOP = 0,
    TP_TH_TRUE = 1,  /* a bool field holding true; also a bool element type */
    TP_TH_FALSE = 2, /* a bool field holding false; the spec's bool element type */
    TP_TH_I8 = 3,
    TP_TH_I16 = 4,
    TP_TH_I32 = 5,
    TP_TH_I64 = 6,
    TP_TH_DOUBLE = 7,
    TP_TH_BINARY = 8,
    TP_TH_LIST = 9,
    TP_TH_SET = 10,
    TP_TH_MAP = 11,
    TP_TH_STRUCT = 12,
    TP_TH_UUID = 13
};

/* Structs nest at most this deep, in the reader (an error) and in the writer. */
#define TP_TH_MAXDEPTH 64

typedef struct tp_th_reader {
    const uint8_t *p, *end;           /* the bytes not read yet */
    int err;                          /* set by the first failed read; later reads return 0 */
    int truncated;                    /* that error was the bytes ending: more bytes may fix it */
    char msg[96];                     /* the error: "truncated", "nested too deep", ... */
    int depth;                        /* structs entered by tp_th_struct_begin */
    int16_t last[TP_TH_MAXDEPTH + 1]; /* last field id per struct level (for deltas) */
} tp_th_reader;

/* Start reading the n bytes at p (outside any struct: call tp_th_struct_begin first). */
void tp_th_reader_init(tp_th_reader *r, const uint8_t *p, size_t n);

/* Enter a struct (the top-level one, a struct field, a struct element); leave it after
 * tp_th_field returned TP_TH_STOP. Entering deeper than TP_TH_MAXDEPTH is an error. */
void tp_th_struct_begin(tp_th_reader *r);
void tp_th_struct_end(tp_th_reader *r);

/*
 * Read the next field header of the current struct: returns its type (TP_TH_TRUE and
 * TP_TH_FALSE carry a bool field's value, see tp_th_field_bool) with *id set, or
 * TP_TH_STOP at the end of the struct and after any error. An unknown type is an error.
 */
int tp_th_field(tp_th_reader *r, int16_t *id);

/* The value of a bool field whose header had type t (no bytes are read). */
static inline int
tp_th_field_bool(int t)
{
    return t == TP_TH_TRUE;
}

/* Values. Integers are range-checked ("integer out of range"); 0 after an error. */
int8_t tp_th_i8(tp_th_reader *r);
int16_t tp_th_i16(tp_th_reader *r);
int32_t tp_th_i32(tp_th_reader *r);
int64_t tp_th_i64(tp_th_reader *r);
double tp_th_double(tp_th_reader *r);
int tp_th_bool(tp_th_reader *r); /* a bool element (list, set, map): one byte, 1 is true */
/* A binary or string: returns a pointer into the range and its length in *n (NULL, 0 after
 * an error; a non-NULL pointer for an empty value). */
const uint8_t *tp_th_binary(tp_th_reader *r, size_t *n);

/* Read a list or set header: element type in *elem, count in *n (0 after an error). The
 * count is at most the bytes left ("list of N elements in M bytes" otherwise). */
void tp_th_list(tp_th_reader *r, int *elem, size_t *n);

/* Read a map header: key and value types, count (at most half the bytes left). */
void tp_th_map(tp_th_reader *r, int *ktype, int *vtype, size_t *n);

/* Skip one value however nested: of a field whose header had type t, or an element of a
 * list, set or map of element type t (they differ for bools: an element takes a byte). */
void tp_th_skip(tp_th_reader *r, int t);
void tp_th_skip_elem(tp_th_reader *r, int t);

/* Record an error of the caller's (a required field missing, a value out of range) the
 * way the reader records its own, unless one is recorded already. */
void tp_th_fail(tp_th_reader *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * The writer. Field headers use the short form when the id is 1 to 15 above the
 * previous field of the same struct, else the long form. Nesting beyond TP_TH_MAXDEPTH is
 * a programming error; the writer then keeps writing at the deepest level (ids may then
 * take the long form needlessly, the bytes stay valid).
 */
typedef struct tp_th_writer {
    tp_bytes *out;
    int depth;
    int16_t last[TP_TH_MAXDEPTH + 1];
} tp_th_writer;

void tp_th_writer_init(tp_th_writer *w, tp_bytes *out);

/* A field header; for a bool field use tp_th_w_field_bool instead (its value is the type). */
void tp_th_w_field(tp_th_writer *w, int16_t id, int type);
/* Begin a struct (after a TP_TH_STRUCT field header, as a list element or at top level);
 * end writes its stop byte. */
void tp_th_w_struct_begin(tp_th_writer *w);
void tp_th_w_struct_end(tp_th_writer *w);

void tp_th_w_i8(tp_th_writer *w, int8_t v);
void tp_th_w_i16(tp_th_writer *w, int16_t v);
void tp_th_w_i32(tp_th_writer *w, int32_t v);
void tp_th_w_i64(tp_th_writer *w, int64_t v);
void tp_th_w_double(tp_th_writer *w, double v);
void tp_th_w_bool(tp_th_writer *w, int v); /* a bool element */
void tp_th_w_binary(tp_th_writer *w, const void *p, size_t n);
/* A list header (also a set's); bools as elements: pass TP_TH_TRUE as the element type,
 * as Thrift's own Java and C++ writers do. */
void tp_th_w_list(tp_th_writer *w, int elem, size_t n);
void tp_th_w_map(tp_th_writer *w, int ktype, int vtype, size_t n);

/* Field header and value in one call. */
void tp_th_w_field_bool(tp_th_writer *w, int16_t id, int v);
void tp_th_w_field_i32(tp_th_writer *w, int16_t id, int32_t v);
void tp_th_w_field_i64(tp_th_writer *w, int16_t id, int64_t v);
void tp_th_w_field_binary(tp_th_writer *w, int16_t id, const void *p, size_t n);
void tp_th_w_field_string(tp_th_writer *w, int16_t id, const char *s);

#endif
