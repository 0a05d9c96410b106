/*
 * Sorted runs: a map (map.h) that grows with the rows of one shard (tp-scan's dedup
 * keys, temporal values and distinct values) is kept within a memory bound by writing
 * its entries, sorted, as a run to a temporary file and starting it again empty; what
 * the map and its runs hold together is read back in key order, the entries of one key
 * combined into one. Runs are merged as in a tiered (log-structured) merge: 16 runs of
 * one level become one run of the next, so an entry is written about log16(runs) times
 * and a read merges at most 15 runs a level. External merge sort: Knuth, TAOCP vol. 3,
 * section 5.4.1 (multiway merging with a heap, a priority queue).
 *
 * The runs of a process share one temporary file (tp_runfile), created in TMPDIR (else
 * /tmp) on the first run and unlinked at once, so nothing stays behind whatever ends the
 * process. Its format is private to this file: per entry a 4-byte key length, the key
 * bytes and the value bytes. The file only grows (a merged run's space is not reused).
 */
#ifndef TP_RUNS_H
#define TP_RUNS_H

#include "map.h"

#include <stddef.h>
#include <stdint.h>

/*
 * A kind of map: its value size, its key order (a total order of byte strings: negative,
 * 0 or positive as for memcmp) and how the value of a key seen again is combined into
 * the one kept (into: the value kept so far; from: the other, the same key). The order
 * of combination is not defined: combine must be commutative and associative.
 */
typedef struct tp_runs_kind {
    size_t vsize;
    int (*cmp)(const char *a, size_t na, const char *b, size_t nb);
    void (*combine)(void *into, const void *from);
    /* optional, for sorting: a 64-bit image of a key whose order agrees with cmp
     * (image(a) < image(b) implies cmp(a, b) < 0); keys of equal images are ordered by
     * cmp. NULL: keys are sorted by cmp alone. */
    uint64_t (*image)(const char *key, size_t n);
} tp_runs_kind;

/* Key order of bytes (memcmp, then the shorter first), for tp_runs_kind.cmp. */
int tp_runs_bytes(const char *a, size_t na, const char *b, size_t nb);

/* The image of tp_runs_bytes: a key's first 8 bytes, big-endian, zero-padded. */
uint64_t tp_runs_bytes_image(const char *key, size_t n);

/*
 * The insertion indexes of m's entries (tp_map_key) in k's key order: an LSD radix sort
 * of the keys' images (Knuth, TAOCP vol. 3, 5.2.5), 16 bits a pass, then qsort of each
 * run of equal images by cmp; qsort by cmp without an image (keys are unique, so the
 * order is the same either way). Freed by the caller with free; never NULL.
 */
size_t *tp_runs_sorted(const tp_map *m, const tp_runs_kind *k);

typedef struct tp_runfile tp_runfile;

/* A temporary file for runs (opened on the first run). Free with tp_runfile_free. */
tp_runfile *tp_runfile_new(void);
void tp_runfile_free(tp_runfile *f); /* closes the file; NULL is ignored */

typedef struct tp_runs tp_runs;

/* The runs of one map of kind k (kept by pointer) in the file f (kept, must outlive it). */
tp_runs *tp_runs_new(tp_runfile *f, const tp_runs_kind *k);
void tp_runs_free(tp_runs *r); /* NULL is ignored */

/*
 * Write the entries of *m, sorted, as a run and replace *m by an empty map of the same
 * value size (its memory given back). 0, or -1 with "TMPDIR: ..." recorded when the
 * temporary file cannot be created or written (a full disk).
 */
int tp_runs_spill(tp_runs *r, tp_map **m);

/* Entries written to runs so far (before combination), for tests and reports. */
long long tp_runs_spilled(const tp_runs *r);

/*
 * Call fn(arg, key, n, value) for every key of m and of r's runs (r may be NULL: m's
 * entries alone), in the order of k (r's kind when r is given), once per key with its
 * values combined. The key is NUL-terminated; key and value are valid during the call.
 * Neither m nor the runs change. Stops at the first non-zero return of fn and returns
 * it; else 0, or -1 with an error recorded when the file cannot be read.
 */
int tp_runs_each(const tp_runs *r, const tp_runs_kind *k, const tp_map *m,
                 int (*fn)(void *arg, const char *key, size_t n, const void *val), void *arg);

#endif
