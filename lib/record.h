/*
 * Records of tp's own text files (the partial summary, the context, the spill files of
 * the merge): the one writer and the one set of field readers behind them. A record is
 * a line of TAB-separated fields, the first of them the tag where the format has tags;
 * strings are escaped as text.h says, numbers written in one way each (integers in
 * decimal, doubles with %.17g so that they read back to the same bits, CRC-32s as 8
 * lowercase hex digits), so that equal values give equal bytes. The reader side is
 * tp_lines (text.h), which splits and unescapes a line; the functions here parse its
 * fields strictly and word the messages, "FILE:LINE: malformed FORMAT ...".
 */
#ifndef TP_RECORD_H
#define TP_RECORD_H

#include "io.h"
#include "stats.h"
#include "text.h"

#include <stddef.h>

/*
 * Writing. Each call appends one field, after a TAB unless it is the record's first
 * field (counted in o->rec_n, as the CSV writer of io.h counts its fields), and
 * tp_rec_end ends the record with LF. All return 0, or -1 with an error recorded as
 * tp_out_write does. A record's calls can be chained with || (evaluated in order, unlike
 * |); after a failure the output is given up (tp_out_abort), not ended.
 */
int tp_rec_str(tp_out *o, const char *s);                 /* s escaped */
int tp_rec_mem(tp_out *o, const char *s, size_t n);       /* n bytes at s, escaped */
int tp_rec_int(tp_out *o, long long v);                   /* decimal */
int tp_rec_num(tp_out *o, double v);                      /* %.17g */
int tp_rec_crc(tp_out *o, unsigned long crc);             /* %08lx */
int tp_rec_ints(tp_out *o, const long long *v, size_t n); /* n decimal fields */
int tp_rec_end(tp_out *o);

/* The record "TAG<TAB>ESCAPED-S": a name-valued record; nothing when s is NULL. */
int tp_rec_name(tp_out *o, const char *tag, const char *s);

/*
 * Reading fields, strictly: the whole field must be the value. Each returns 0, or -1
 * with a message recorded that names the field but no file ("not an integer: 'x'",
 * "not a number: 'x'", "not a CRC-32 (8 hex digits): 'x'"); tp_rec_fail puts the file
 * and line before it.
 */
int tp_field_int(const char *s, long long *out);           /* int64 in decimal (tp_parse_int64) */
int tp_field_num(const char *s, double *out);              /* what strtod reads, nothing after */
int tp_field_crc(const char *s, unsigned long *out);       /* exactly 8 lowercase hex digits */
int tp_field_ints(char *const *f, size_t n, long long *v); /* f[0..n-1] into v[0..n-1] */

/*
 * A JSON string (RFC 8259): s between quotes, '"' and '\\' escaped with a backslash,
 * the control characters below 0x20 as \u00XX, every other byte (UTF-8 included) as it
 * is. 0 or -1 as tp_out_write. For the JSON files tp writes beside its records.
 */
int tp_json_str(tp_out *o, const char *s);

/* "FILE:LINE: malformed WHAT: " + the message recorded by a field reader. */
void tp_rec_fail(const tp_lines *l, const char *what);

/* "FILE:LINE: malformed WHAT record 'TAG'" ("malformed summary record 'k'"). */
void tp_rec_malformed(const tp_lines *l, const char *what, const char *tag);

/*
 * The 12 fields of a column's statistics, in this order, in both the summary ("stat"
 * record) and the context ("in" record): count missing nint nnum nbool ntrue imin imax
 * (integers) min max mean m2 (doubles). tp_colstat_write appends them as fields of the
 * record being written (0 or -1 as above). tp_colstat_read parses f[0..11] (the caller
 * has checked that they are there) into c, leaving c->declared as it is (the "decl"
 * records carry it); 0, or -1 with the first bad field's message recorded and c partly
 * filled.
 */
int tp_colstat_write(tp_out *o, const tp_colstat *c);
int tp_colstat_read(char *const *f, tp_colstat *c);
enum { TP_COLSTAT_FIELDS = 12 };

#endif
