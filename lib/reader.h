/*
 * The row reader: CSV (RFC 4180) or TSV shards, plain or gzip, tokenized by libcsv in
 * strict mode, delivered one record at a time with its physical line number.
 *
 * The reader owns one growing buffer for the current record; no allocation happens per
 * field. The header (first record, or a signature given by the caller for headerless
 * shards) is checked for duplicate names; every data record must have as many fields
 * as the header ("expected N fields, found M"). A leading UTF-8 BOM is dropped; CRLF
 * and LF are both line ends; blank lines are skipped (as pandas does); NUL bytes in the
 * data are an error.
 */
#ifndef TP_READER_H
#define TP_READER_H

#include <stddef.h>

/* One record. Pointers are valid only during the callback that receives the row. */
typedef struct tp_row {
    size_t n;          /* number of fields */
    const char **f;    /* f[i]: field i, NUL-terminated (bytes exactly as in the data) */
    const size_t *len; /* len[i]: length of f[i] in bytes */
    long line;         /* 1-based physical line where the record starts */
    long long index;   /* 0-based data row index in the shard, header excluded */
    /* tp stream input with tp_reader_raw on: the row's line as read (escaped, its
     * fields TAB-separated, without the LF), nraw bytes; else NULL */
    const char *raw;
    size_t nraw;
} tp_row;

typedef struct tp_reader tp_reader;

/*
 * Open path ("-" = standard input). delim is ',' or '\t'. signature, when non-NULL,
 * lists nsig column names and means the input has no header line. Returns NULL with
 * an error recorded when the file cannot be opened. The reader refers to signature
 * without copying it: it must outlive the reader.
 */
tp_reader *tp_reader_open(const char *path, char delim, char *const *signature, size_t nsig);

/* What to do with a bad row (SPEC section 9, --on-bad-row). */
enum { TP_BAD_FAIL, TP_BAD_SKIP, TP_BAD_QUARANTINE };

/* "fail", "skip" or "quarantine" to TP_BAD_*, or -1. */
int tp_parse_policy(const char *s);

/*
 * A bad row: a record with the wrong number of fields, a NUL byte or invalid UTF-8 in a
 * field, a malformed or unterminated quoted field, or a value a tool rejects (a bad
 * date). It still takes a row index, so that every pass numbers rows the same way.
 */
typedef struct tp_bad {
    long line;          /* physical line where the record starts */
    long long index;    /* its row index */
    const char *column; /* the column at fault, or NULL */
    const char *reason; /* e.g. "expected 5 fields, found 4" */
    size_t n;           /* the fields read, for a quarantine file */
    const char *const *f;
    const size_t *len;
} tp_bad;

/* Called for each bad row under skip and quarantine; nonzero stops reading. */
typedef int (*tp_bad_fn)(void *arg, const tp_bad *b);

/*
 * Set the bad-row policy (default TP_BAD_FAIL: the first bad row is an error naming
 * file, line, column and value). Under the other policies bad rows are counted, passed
 * to fn (may be NULL) and skipped. A header with a fault is always an error.
 */
void tp_reader_policy(tp_reader *r, int policy, tp_bad_fn fn);

/*
 * A tool's own verdict on a row it was given: "column 'COL': REASON". Under
 * TP_BAD_FAIL records the error "FILE:LINE: column 'COL': REASON" and returns -1;
 * otherwise counts the row as bad, calls the bad-row callback and returns 0 (the tool
 * then skips the row), or the callback's nonzero value.
 */
int tp_reader_reject(tp_reader *r, const tp_row *row, const char *column, const char *reason);

/* Bad rows seen so far. */
long long tp_reader_bad(const tp_reader *r);

/*
 * Called once before the first data row (or at end of input when there is none) with
 * the header known: tp_reader_ncols / tp_reader_col. A 0-byte input without signature
 * has 0 columns. Return 0 to go on; nonzero stops reading and is returned by
 * tp_reader_run.
 */
typedef int (*tp_header_fn)(void *arg, tp_reader *r);

/* Called for each data row; nonzero stops reading and is returned by tp_reader_run. */
typedef int (*tp_row_fn)(void *arg, const tp_row *row);

/*
 * Read the whole input. Returns 0 at the end of a well-formed input, -1 after a data or
 * I/O error (recorded as "FILE:LINE: message"), or the first nonzero callback value.
 */
int tp_reader_run(tp_reader *r, tp_header_fn on_header, tp_row_fn on_row, void *arg);

/* Whether the input is a tp stream (text.h) rather than CSV or TSV; known once the
 * header is (on_header). A stage that reads one writes one (tp-split). */
int tp_reader_is_stream(const tp_reader *r);

/*
 * JSON inputs (json.h): the dotted path of the array of records in each document (NULL:
 * a top-level array's elements, or each value, are the records); set before the run.
 */
void tp_reader_records(tp_reader *r, const char *path);

/*
 * --explode (json.h, tp_json_explode): the array at column path of a JSON record is
 * read element by element by x (whose record callback gets them, before the row they
 * belong to: its on_row, or the bad-row callback of a bad one), its column left empty,
 * so that an array of any size is read in bounded memory; before the run. No effect on
 * other inputs (their cell holds the array's text).
 */
struct tp_json;
void tp_reader_explode(tp_reader *r, const char *path, struct tp_json *x);

/*
 * A tp stream's child lines (text.h, TP_STREAM_CHILD): each goes to fn, row->f[0] the
 * table's PATH, then PARENT, INDEX and the element's fields, row->index that of the row
 * it follows; they are not rows (not counted). Without fn they are passed over.
 */
void tp_reader_children(tp_reader *r, tp_row_fn fn);

/*
 * A column a JSON input must have, added after its keys when no record has it (a label
 * or key column that a shard lacks: all its values are missing); before the run.
 */
void tp_reader_want(tp_reader *r, const char *name);

/*
 * The columns of pass 1's union (JSON, --expand-json, and a CSV, TSV or Parquet shard of
 * a data set with JSON shards), before the run: every record or row is laid out in them,
 * a column it lacks missing. The reader refers to cols without copying.
 */
void tp_reader_schema(tp_reader *r, char *const *cols, size_t n);

/*
 * --expand-json: column col of a CSV, TSV or Parquet input holds one JSON object per row
 * (or is empty); it is replaced where it stands by the columns COL.KEY of its flattened
 * keys (json.h), found by a first read of the input (or given by tp_reader_schema). A
 * value that is not a JSON object is a bad row: "column 'COL': not JSON: ...".
 */
void tp_reader_expand(tp_reader *r, const char *col);

/* Whether the input's columns are its keys: JSON, or --expand-json; known with the header. */
int tp_reader_is_json(const tp_reader *r);

/* Whether column i of a JSON input is one of tp_reader_want's, in no record. */
int tp_reader_col_absent(const tp_reader *r, size_t i);

size_t tp_reader_ncols(const tp_reader *r);
const char *tp_reader_col(const tp_reader *r, size_t i);
const char *tp_reader_name(const tp_reader *r);

/*
 * The type the input declares for column i ("int64", "float64", "bool"; see
 * tp_pq_coltype), or NULL when its values decide (every CSV and TSV column). Valid once
 * the header is known.
 */
const char *tp_reader_coltype(const tp_reader *r, size_t i);
long long tp_reader_rows(const tp_reader *r); /* data rows read so far (passed over too) */

/*
 * For tp stream input (text.h): give each row its line as read (tp_row.raw), for a
 * stage that writes the row on unchanged (tp-split), at the cost of one copy of the line.
 * No effect on other input.
 */
void tp_reader_raw(tp_reader *r, int on);

/*
 * The caller does not want the rows of index below index (0-based, as tp_row.index): the
 * reader may count such a row without tokenizing it or calling on_row, where a line of
 * CSV or TSV begins a record and holds no '"' (then it is one whole record). Call it
 * before tp_reader_run or from on_header or on_row (at a record's end), again with a
 * larger index as rows are read. Only for input known to hold no bad row (pass 1 found
 * none, and the run checks afterwards that the input is unchanged: tp_reader_input):
 * a bad row passed over is neither reported nor counted as bad. The quote count of
 * every line fed from then on says where records begin (valid CSV quotes in pairs).
 * No effect on JSON, Parquet, tp stream or --expand-json input.
 */
void tp_reader_skip_before(tp_reader *r, long long index);

/*
 * Size and CRC-32 of the input's bytes read so far, as in the file (see tp_in_sum): after
 * tp_reader_run returned 0, those of the whole input.
 */
void tp_reader_input(const tp_reader *r, long long *bytes, unsigned long *crc);

/* Index of the column named name, or -1. */
long tp_reader_find(const tp_reader *r, const char *name);

void tp_reader_close(tp_reader *r);

/* ',' or '\t': '\t' when force_tsv or path ends in ".tsv" or ".tsv.gz". */
char tp_delim_for(const char *path, int force_tsv);

/*
 * Read a signature file: one line of comma-separated column names (RFC 4180 quoting
 * allowed). Returns the number of names and stores a malloc'd array of malloc'd names
 * in *names (free with tp_strv_free), or -1 with an error recorded.
 */
long tp_read_signature(const char *path, char ***names);
void tp_strv_free(char **v, size_t n);

/*
 * Index of the first name in v[0..n) equal to an earlier one, or -1; the earlier one's
 * index in *earlier when non-NULL. Linear time.
 */
long tp_first_duplicate(const char *const *v, size_t n, size_t *earlier);

/*
 * The column tp-split puts first in its output to name each row's split, and tp-write
 * routes on. No data set may have a column of that name, or tp-write would find two:
 * tp-scan refuses it in a header and tp-context as a --concat name, both in pass 1.
 */
#define TP_SPLIT_COL "tp:split"
#define TP_SPLIT_COL_RESERVED "the split column of tp-split's output"

/*
 * Shard number of a file named "part-NNNNN[...]" (any number of digits after "part-",
 * directory ignored), or -1 when the name does not carry one (SPEC section 1).
 */
long tp_shard_number(const char *path);

#endif
