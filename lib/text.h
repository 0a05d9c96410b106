/*
 * tp's own line-oriented text files (partial summaries, the context, keep lists): one
 * record a line, fields separated by TAB, strings escaped so that any byte string fits
 * in a field: backslash as "\\", TAB as "\t", LF as "\n", CR as "\r". Plain text keeps
 * the files inspectable with grep and diff, and versioned by their first line.
 */
#ifndef TP_TEXT_H
#define TP_TEXT_H

#include "io.h"

#include <stddef.h>

/* Write n bytes of s escaped. 0 or -1 as tp_out_write. */
int tp_out_esc(tp_out *o, const char *s, size_t n);

/* printf to an output (at most 4 KiB per call). 0 or -1. */
int tp_out_printf(tp_out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/*
 * The tp stream: the rows between tp's own pass-2 stages (tp-transform --stream |
 * tp-split | tp-write), in the format above, so that a stage splits a line on TAB and
 * unescapes it instead of parsing CSV (tp-formats(5)). The first line is
 * "tp-stream<TAB>1<TAB>NCOLS", the second the NCOLS column names, then one row a line
 * with NCOLS fields (a missing value empty). tp_reader_open reads it as it reads CSV.
 * tp_out_stream_start writes the first line; tp_out_stream_field writes a field (TAB
 * before all but a record's first); tp_out_stream_end ends the record. 0 or -1.
 */
#define TP_STREAM_MAGIC "tp-stream\t1\t"

/*
 * A child line of the tp stream (--explode): an element of an exploded array, after the
 * row it belongs to, as TP_STREAM_CHILD then the fields PATH (the child table), PARENT
 * (the row's _parent), INDEX (its position in the array) and the element's fields, in
 * the child table's columns. The escapes above never put '>' after a backslash, so no
 * row begins so. tp-split passes the child lines of a row it writes on with it;
 * tp-write writes them to the child table of the row's split.
 */
#define TP_STREAM_CHILD "\\>"
int tp_out_stream_start(tp_out *o, size_t ncols);
int tp_out_stream_field(tp_out *o, const char *s, size_t n);
int tp_out_stream_end(tp_out *o);

/*
 * Unescape the n bytes at s in place (the escapes above); the new length in *len.
 * 0, or -1 when a backslash is not followed by one of \\ t n r (s is then undefined).
 */
int tp_unescape(char *s, size_t n, size_t *len);

typedef struct tp_lines tp_lines;

/* Open a text file (may be gzip) for record reading; NULL with an error recorded. */
tp_lines *tp_lines_open(const char *path);

/*
 * Next record: its fields, unescaped in place and NUL-terminated, in *f (valid until the
 * next call), their count in *n. Returns 1, 0 at end, or -1 with an error recorded.
 */
int tp_lines_next(tp_lines *l, char ***f, size_t *n);

/*
 * Byte offset in the file of the record tp_lines_next returned last (its first byte),
 * for a plain (not gzip) file; a reader can come back to it with pread.
 */
long long tp_lines_offset(const tp_lines *l);

/*
 * Split the NUL-terminated record s in place into its TAB-separated fields, unescaped:
 * pointers into s in (*f)[0..n-1], n returned. *f and *cap are a reusable array (NULL
 * and 0 the first time; grown with realloc; the caller frees *f).
 */
size_t tp_fields_split(char *s, char ***f, size_t *cap);

/* Current line number and file name, for messages. */
long tp_lines_line(const tp_lines *l);
const char *tp_lines_name(const tp_lines *l);

void tp_lines_close(tp_lines *l);

#endif
