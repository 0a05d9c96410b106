/*
 * Vocabulary files: the fitted vocabulary of a vocab or onehot transform, written in
 * bounded memory however many values it holds, and looked up in pass 2 in bounded
 * memory. Under a fit directory DIR, the vocabulary of column COL is two files:
 *   DIR/vocab/NAME.txt   one line per value in id order (id 0 first): "COUNT VALUE",
 *                        the count in decimal, one space, the value escaped as in
 *                        text.h (so that a value holding a line end stays one line);
 *                        as tf.Transform's vocabulary files with store_frequency;
 *   DIR/vocab/NAME.idx   the same values sorted bytewise (sort.h): "VALUE<TAB>ID", for
 *                        the lookup; VALUE escaped as above, and the order that of the
 *                        escaped bytes (LC_ALL=C sort -k1,1), which the lookup compares.
 * NAME is tp_vocab_name(COL): the column name with every byte outside [A-Za-z0-9_.=+-]
 * and a leading '.' written %XX (upper-case hex), so that any column name is one safe
 * file name ("a/b" -> "a%2Fb", ".." -> "%2E.").
 */
#ifndef TP_VOCAB_H
#define TP_VOCAB_H

#include "op.h"

#include <stddef.h>

/* The file name stem of col (malloc'd). */
char *tp_vocab_name(const char *col);

typedef struct tp_vocab_w tp_vocab_w;

/*
 * Start writing the vocabulary NAME (tp_vocab_name) under dir (DIR/vocab created as
 * needed); memory and tmpdir are for the sort of the lookup file (tp_sort; NULL: 32M
 * and DIR/vocab). NULL with an error recorded.
 */
tp_vocab_w *tp_vocab_create(const char *dir, const char *name, const char *memory,
                            const char *tmpdir);

/* Add the next value (its id is the number added before it) with its count. 0 or -1. */
int tp_vocab_add(tp_vocab_w *w, const char *value, size_t n, long long count);

/* Commit both files (the lookup sorted) and free w. 0, or -1 with an error recorded
 * (nothing is left behind). */
int tp_vocab_finish(tp_vocab_w *w);

/* Give up: remove what was written, free w. NULL is ignored. */
void tp_vocab_abort(tp_vocab_w *w);

typedef struct tp_vocab tp_vocab;

/*
 * Open the vocabulary NAME under dir for lookups. A lookup file of up to 8 MiB is read
 * into memory (a sorted array, binary search); a larger one is searched in place with
 * pread (O(log size) reads a lookup, a few pages cached), so that a vocabulary of ten
 * million values costs a pass-2 worker no more memory than a small one (the lines of
 * the bisection's first 12 levels are kept, at most 1 MiB of values, so that a lookup
 * reads only its last probes). NULL with an error recorded (a missing or malformed
 * file names the file, and the line for one read into memory).
 */
tp_vocab *tp_vocab_open(const char *dir, const char *name);

/* The id of value, -1 when it is not in the vocabulary, -2 with an error recorded. */
long long tp_vocab_id(tp_vocab *v, const char *value, size_t n);

/* Number of values. Counted on the first call for a lookup file searched in place (one
 * sequential read, so that opening one costs no read of the whole file); -1 with an
 * error recorded when that read fails. */
long long tp_vocab_size(const tp_vocab *v);

void tp_vocab_close(tp_vocab *v);

/*
 * Read the values of DIR/vocab/NAME.txt in id order into *values (malloc'd strings,
 * unescaped; free with tp_strv_free) and their counts into *counts (malloc'd), at most
 * max of them. Returns the number, or -1 with an error recorded (more than max values:
 * "DIR/vocab/NAME.txt: more than MAX values").
 */
long tp_vocab_values(const char *dir, const char *name, long max, char ***values,
                     long long **counts);

/*
 * The size in bytes up to which tp_vocab_open reads a lookup file into memory: 8 MiB.
 * For tests only (to take the pread path on a small file); nothing else sets it.
 */
extern long long tp_vocab_mem_limit;

/*
 * Fit a vocabulary from a tally (op.h, TP_ACC_VALUES: count descending, then bytewise)
 * as tf.Transform's vocabulary(top_k, frequency_threshold) does: the values of d->tally
 * in its order while their count is >= min_freq and fewer than top_k have been taken
 * (top_k <= 0: no limit), written as the vocabulary name under d->dir (tp_vocab_create
 * with d->memory and d->tmpdir; a NULL d->tally is an empty tally). The tally is left
 * just after the last value taken when top_k stopped it. Returns the number of values
 * taken, or -1 with an error recorded (nothing is left behind).
 */
long long tp_vocab_fit(const tp_fitdata *d, const char *name, long long top_k, long long min_freq);

#endif
