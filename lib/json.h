/*
 * JSON records: a streaming reader that turns JSON Lines or one JSON document (an array
 * of records, one record, or with a records path the array at that path) into flat rows,
 * parsed by yajl (a SAX-style parser: a document of any size is read element by element,
 * and numbers come as their text exactly as written).
 *
 * Flattening follows pandas.json_normalize with its default separator: a nested object's
 * keys become columns named by the path joined with '.'; a string is its decoded text, a
 * number its JSON text, true and false those words, null and an absent key a missing
 * (empty) value; an array is one column holding its compact JSON. The columns are the
 * keys in order of first appearance, or a fixed schema given by the caller (pass 2 maps
 * every record into the union schema of pass 1; a key outside it makes a bad record).
 *
 * The form is found from the content: a first value that ends on the line where it began
 * makes the input JSON Lines (one value a line; blank lines ignored), where a syntax error
 * is a bad record of its line and reading goes on with the next one; otherwise the input
 * is one document, where a syntax error is a data error naming its line and byte offset.
 * A record that is not an object is a bad record in either form.
 */
#ifndef TP_JSON_H
#define TP_JSON_H

#include <stddef.h>

/* Longest number kept, in bytes of its text; a longer one makes a bad record. */
#define TP_JSON_NUMBER_MAX 512

typedef struct tp_json tp_json;

typedef struct tp_json_cb {
    /* A record: n fields (n = tp_json_ncols at the time), f[i] NUL-terminated, "" for a
     * missing value; line where the record begins. Nonzero stops reading. */
    int (*record)(void *arg, const char *const *f, const size_t *len, size_t n, long line);
    /* A bad record, column or NULL, reason; nonzero stops reading. */
    int (*bad)(void *arg, long line, const char *col, const char *why);
    void *arg;
} tp_json_cb;

/*
 * A reader for the input named name (in messages). records: the dotted path of the
 * array of records in each document, or NULL. cb may be NULL members (records and bad
 * records are then only counted).
 */
tp_json *tp_json_new(const char *name, const char *records, const tp_json_cb *cb);
void tp_json_free(tp_json *j);

/* Fix the columns (before the first byte fed): keys outside them make bad records. */
void tp_json_schema(tp_json *j, char *const *cols, size_t n);

/* Add a column, when absent, after those found so far; its index. */
size_t tp_json_add_col(tp_json *j, const char *name);

/*
 * Feed n bytes (any cut). Returns 0, the nonzero value a callback returned, or -1 with
 * an error recorded ("NAME:LINE: ... (byte N)").
 */
int tp_json_feed(tp_json *j, const char *s, size_t n);

/* The end of the input: 0, a callback's value, or -1 (a truncated document). */
int tp_json_end(tp_json *j);

/*
 * Values mode (for exploded arrays): an array element that is not an object is the
 * record {"value": element} (an array element as its compact JSON) instead of a bad one.
 */
void tp_json_values(tp_json *j, int on);

/*
 * --explode: the array at column path of a record (its flattened name, as "items" or
 * "geometry.coordinates") is not gathered into a cell: its elements go to the reader x
 * one by one as they are parsed, x reading the array as its own input (make it a
 * values-mode reader; its record callback gets each element flattened in x's columns,
 * in order), and the record's value of path is then empty. So an array of any size is
 * read in bounded memory. The elements come before the record they belong to (its
 * record or bad-record callback, which follows them); the elements of a record already
 * bad when its array begins are dropped, as are all with x NULL. Before the first byte.
 */
void tp_json_explode(tp_json *j, const char *path, tp_json *x);

/* Read a new input with the same columns (the next cell of an exploded column). */
void tp_json_restart(tp_json *j);

/* Forget the columns from n on (those found in elements of a row found bad after them). */
void tp_json_truncate(tp_json *j, size_t n);

size_t tp_json_ncols(const tp_json *j);
const char *tp_json_col(const tp_json *j, size_t i);

/* Whether the input is JSON Lines (known after the first value), 1; one document, 0. */
int tp_json_lines(const tp_json *j);

/*
 * Whether an input is JSON: by its name (*.json, *.jsonl, *.ndjson, plain or .gz), or by
 * its first bytes s[0..n) (after a BOM and white space, '{' then '"' or '}', or '[' then
 * '{' or ']').
 */
int tp_json_sniff(const char *path, const char *s, size_t n);

#endif
