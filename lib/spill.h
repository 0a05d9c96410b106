/*
 * The merge's unbounded state: the records of the partial summaries that grow with the
 * data (dedup keys, temporal values, distinct values) are held in memory while they fit
 * in the -S size the spill is given (tp_sort_size_bytes), each with its slot of a sort
 * index, and reduced there with qsort; a kind of record that does not fit is moved to a
 * record file in a temporary directory, for good, and reduced there through GNU sort
 * (sort.h) within the same bound, then read back in order (SPEC section 6). Either way
 * the merge's memory does not grow beyond the bound with rows or keys, and a reduction
 * gives the same records in the same order. The reductions:
 *   winners   the earliest row of each dedup key, in (key, t, shard, row) order, read
 *             back in (shard, row) order (in memory, the losers' records are dropped and
 *             the winners compacted before they are read);
 *   times     the temporal values with their counts, in time order;
 *   distinct  the distinct (column, value) pairs, in column order.
 * Spill files (TAB-separated, strings escaped as text.h says): DIR/keys "ESCKEY T SHARD
 * ROW ESCLABEL", DIR/times "T COUNT", DIR/distinct "COLUMN ESCVALUE"; the winners
 * "SHARD ROW T ESCLABEL". A sorted file is removed as soon as it has been read; records
 * in memory are freed once read.
 */
#ifndef TP_SPILL_H
#define TP_SPILL_H

#include "summary.h"
#include "text.h"

#include <stddef.h>
#include <stdint.h>

typedef struct tp_spill tp_spill;

/*
 * Spill into the directory dir (created if needed; the caller keeps dir, which must
 * outlive the spill) and sort with sort(1) -S memory (kept too). NULL with an error
 * recorded when dir cannot be created.
 */
tp_spill *tp_spill_new(const char *dir, const char *memory);

/* Give up open record files, remove dir and everything in it, free. NULL is ignored. */
void tp_spill_free(tp_spill *sp);

/*
 * Spill the dedup keys and temporal values held in s's maps (a summary read without a
 * sink, or built in memory); s is not changed. 0, or -1 with an error recorded.
 */
int tp_spill_summary(tp_spill *sp, const tp_summary *s);

/* Spill the dedup keys held in s's maps alone (scan_dedup.c). 0, or -1 as above. */
int tp_spill_keys(tp_spill *sp, const tp_summary *s);

/*
 * The sink that spills a summary's keys, times and distinct values as they are read
 * (tp_summary_read(path, tp_spill_sink(sp))). Valid as long as sp.
 */
const tp_summary_sink *tp_spill_sink(tp_spill *sp);

/* Spill one (time, count) record. 0, or -1 with an error recorded. */
int tp_spill_time(tp_spill *sp, int64_t t, long long count);

/* Whether any distinct value was spilled (the summaries were scanned with --distinct). */
int tp_spill_has_distinct(const tp_spill *sp);

/*
 * A reduction being read back: a sorted file, read once with the tp_spill_next_* of
 * the function that opened it. The next functions return 1 with a record, 0 at the
 * end, or -1 with an error recorded ("FILE:LINE: malformed winner record" and the
 * like). tp_spill_close removes the sorted file and frees r (NULL is ignored).
 */
typedef struct tp_spill_rd tp_spill_rd;

/* A dedup winner: the earliest row of its key. label: "" without label column. */
typedef struct tp_spill_win {
    long long shard, row;
    int64_t t;
    const char *label; /* unescaped, valid until the next call */
} tp_spill_win;

/*
 * Close the key records, sort them, keep the first of each key and sort the winners by
 * (shard, row). Every call consumes the keys spilled so far (none is fine). NULL with
 * an error recorded when a file cannot be written or read or sort fails.
 */
tp_spill_rd *tp_spill_winners(tp_spill *sp);
int tp_spill_next_winner(tp_spill_rd *r, tp_spill_win *w);

/* Close the time records and sort them by time (none is fine). NULL as above. */
tp_spill_rd *tp_spill_times(tp_spill *sp);
int tp_spill_next_time(tp_spill_rd *r, int64_t *t, long long *count);

/*
 * The columns of the distinct records: the sink numbers them by name (its callback's
 * col), 0 to tp_spill_distinct_ncols - 1 in the order first seen; the name of each.
 */
size_t tp_spill_distinct_ncols(const tp_spill *sp);
const char *tp_spill_distinct_col(const tp_spill *sp, size_t col);

/*
 * Close the distinct records (there must be some: tp_spill_has_distinct) and sort them
 * with duplicates removed. The next function gives the column number of each distinct
 * value (tp_spill_distinct_col), checked to be below ncols.
 */
tp_spill_rd *tp_spill_distinct(tp_spill *sp);
int tp_spill_next_distinct(tp_spill_rd *r, size_t ncols, size_t *col);

/* The sorted file and the line of the last record read, for messages. */
const char *tp_spill_name(const tp_spill_rd *r);
long tp_spill_line(const tp_spill_rd *r);

void tp_spill_close(tp_spill_rd *r);

#endif
