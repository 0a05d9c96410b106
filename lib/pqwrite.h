/*
 * Parquet writer: rows of text fields in, one Parquet file out (apache/parquet-format
 * README.md for the layout, parquet.thrift through pqmeta.h for the metadata,
 * Encodings.md for PLAIN, RLE_DICTIONARY and the RLE / bit-packing hybrid of the
 * definition levels). Every column is OPTIONAL (a missing value, tp_is_missing, is a
 * null) and of one of four kinds, taken from the context's metadata types:
 *   int64   -> INT64
 *   float64 -> DOUBLE
 *   bool    -> BOOLEAN
 *   object  -> BYTE_ARRAY annotated STRING (logical type and converted type UTF8)
 * Strings are dictionary encoded (RLE_DICTIONARY data pages after a PLAIN dictionary
 * page) while the dictionary pays, else PLAIN. Column chunks carry min/max/null_count
 * statistics (min_value/max_value) and the footer sets column_orders (TypeDefinedOrder)
 * and created_by "tp version X".
 *
 * Memory: rows are buffered column by column for one row group; the group is written
 * when it holds row_group_rows rows or its buffered values reach max_bytes, whichever
 * comes first, so the writer holds at most about max_bytes of values plus one encoded
 * column chunk, whatever the input size. The output goes through tp_out (io.h): a
 * temporary name renamed on commit, so a final name always holds a complete file.
 * Output bytes depend only on the rows and the options.
 */
#ifndef TP_PQWRITE_H
#define TP_PQWRITE_H

#include <stddef.h>

typedef struct tp_pq_writer tp_pq_writer;

enum { TP_PQW_INT64, TP_PQW_DOUBLE, TP_PQW_BOOL, TP_PQW_STRING };

/* "int64", "float64", "bool", "object" (metadata types) to TP_PQW_*, or -1. */
int tp_pq_kind(const char *type);

/* "snappy", "zstd", "gzip", "none" (any case) to a codec of pqcodec.h, or -1. */
int tp_pq_codec_parse(const char *name);

/*
 * Create path (as tp_out_open: "-" is standard output) for ncols columns named names[i]
 * of kind kinds[i]. codec from tp_pq_codec_parse; row_group_rows >= 1; max_bytes >= 1
 * (bytes of buffered values per row group). kv: nkv key/value pairs written to the
 * footer (copied). Returns NULL with an error recorded on failure.
 */
tp_pq_writer *tp_pq_writer_open(const char *path, size_t ncols, const char *const *names,
                                const int *kinds, int codec, long long row_group_rows,
                                size_t max_bytes, const char *const *kv_keys,
                                const char *const *kv_values, size_t nkv);

/*
 * Add one row of ncols fields (f[i], len[i] bytes, f[i][len[i]] == '\0'). A field that
 * is not of its column's kind (int64: tp_parse_int64, float64: tp_parse_double, bool:
 * tp_parse_bool) returns -1 with "column 'NAME': not an int64: 'VALUE'" recorded (the
 * caller adds file and line); an I/O error while writing a full row group returns -1
 * with "PATH: strerror".
 */
int tp_pq_writer_row(tp_pq_writer *w, const char *const *f, const size_t *len);

/*
 * After tp_pq_writer_row returned -1: the index of the column whose value was refused
 * (the row was not added and w takes further rows: the caller may skip the row as bad,
 * the message after "column 'NAME': " being the reason), or -1 after an I/O error (abort
 * w). (Added by the writer's implementation, for tp-write's bad-row policy.)
 */
long tp_pq_writer_bad_column(const tp_pq_writer *w);

/* Write the last row group and the footer, then commit (rename). 0 or -1; frees w. */
int tp_pq_writer_commit(tp_pq_writer *w);

/* Remove the temporary file and free w; NULL is ignored. */
void tp_pq_writer_abort(tp_pq_writer *w);

/* Bytes of values buffered for the current row group: most of the writer's memory. */
size_t tp_pq_writer_buffered(const tp_pq_writer *w);

/*
 * Write the buffered rows as a row group now (nothing when there are none), so that a
 * caller with several writers (tp-write: one per split) can keep the sum of their
 * buffers under one bound. The buffers of a large group are released. 0 or -1.
 */
int tp_pq_writer_flush(tp_pq_writer *w);

/* Bytes written to the file so far. */
long long tp_pq_writer_bytes(const tp_pq_writer *w);

#endif
