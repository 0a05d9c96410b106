/*
 * Parquet row reader: a Parquet file as rows of text fields, for the row reader
 * (reader.h), which hands every shard to the tools the same way whatever its format.
 *
 * Columns: each top-level field of the schema that holds no repetition gives one column
 * per leaf, named by its path joined with '.' (a STRUCT a with leaves b and c gives
 * a.b and a.c); a field that holds a repetition (a LIST, a MAP, a legacy repeated
 * field) is one column holding the row's value as compact JSON ("[1,2]", {"k":1},
 * null inside for null elements), following the LIST and MAP rules and their
 * backward-compatibility rules of apache/parquet-format LogicalTypes.md, assembled
 * from repetition and definition levels as in Melnik et al., "Dremel: Interactive
 * Analysis of Web-Scale Datasets" (VLDB 2010). Values are text by the rules of
 * pqvalue.h; a null is an empty field (a missing value).
 *
 * Memory: the footer, then for each column one page at a time: its compressed bytes,
 * its decompressed bytes, its levels and decoded values, and the column's dictionary
 * page; plus the current row's text. A JSON column also holds the current row's levels
 * and values. Nothing is sized by the row group or the file. A page may not declare
 * more than TP_PQ_PAGE_MAX bytes uncompressed.
 *
 * The file is read with pread, so it must be seekable (a regular file, or the
 * decompressed copy reader.c makes of a gzip or a pipe). Rows come in file order.
 * Errors are recorded as "FILE: column 'x': message" or "FILE: message".
 */
#ifndef TP_PQREAD_H
#define TP_PQREAD_H

#include <stddef.h>

enum { TP_PQ_PAGE_MAX = 1 << 30 };

typedef struct tp_pq_reader tp_pq_reader;

/*
 * Read the footer of the size bytes of fd (which the reader does not close) and set up
 * the columns; name is used in messages (copied). Returns NULL with an error recorded
 * for a file that is not Parquet, is truncated, encrypted, or uses what tp does not read
 * (named in the message).
 */
tp_pq_reader *tp_pq_open(int fd, long long size, const char *name);

/* Output columns and their names (valid until tp_pq_close). */
size_t tp_pq_ncols(const tp_pq_reader *r);
const char *tp_pq_colname(const tp_pq_reader *r, size_t i);

/*
 * The type the schema declares for column i, as the context names types: "int64"
 * (INT32, INT64 and integer annotations, DECIMAL of scale 0), "float64" (FLOAT, DOUBLE,
 * FLOAT16, DECIMAL of scale > 0), "bool" (BOOLEAN), or NULL when the values decide
 * (strings, dates, times, JSON columns): the upstream job writes numbers as strings.
 */
const char *tp_pq_coltype(const tp_pq_reader *r, size_t i);

/* Rows the footer declares. */
long long tp_pq_nrows(const tp_pq_reader *r);

/*
 * Next row: *f and *len get ncols fields (NUL-terminated text, valid until the next
 * call). Returns 1 for a row, 0 at the end, -1 with an error recorded.
 * *bad is set to a reason when the row is well formed but a value is not text tp
 * accepts ("invalid UTF-8 in value", column in *badcol), else to NULL: the row reader
 * then applies the bad-row policy.
 */
int tp_pq_next(tp_pq_reader *r, const char *const **f, const size_t **len, const char **bad,
               const char **badcol);

void tp_pq_close(tp_pq_reader *r);

#endif
