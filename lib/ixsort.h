/*
 * Sorting an index (an array of size_t naming elements, such as offsets of records or
 * insertion numbers of map entries) without qsort's comparison callbacks where the data
 * allow: by 64-bit keys with a radix sort, or by a comparison that is cheap on data
 * already made of sorted runs with a natural merge sort.
 */
#ifndef TP_IXSORT_H
#define TP_IXSORT_H

#include <stddef.h>
#include <stdint.h>

/* The key of element v of an index, whose unsigned order is the order wanted. */
typedef uint64_t tp_ixsort_key(const void *arg, size_t v);

/*
 * Sort ix[0..n) by key(arg, ix[i]): an LSD radix sort (Knuth, TAOCP vol. 3, 5.2.5), 16
 * bits a pass, a pass left out where every element has the same digit (most of the high
 * digits of small numbers). Stable: sorting by a minor key, then by a major one, orders
 * by (major, minor). Beside the index it takes only its copy and 65,536 counts, as much
 * as qsort's merge sort: the keys are asked for at each pass, not kept.
 */
void tp_ixsort_radix(size_t *ix, size_t n, tp_ixsort_key *key, const void *arg);

/*
 * Sort ix[0..n) by cmp (on pointers to two elements of ix, as qsort's), a total order: a
 * natural merge sort (Knuth, TAOCP vol. 3, 5.2.4, algorithm N in its bottom-up form),
 * each pass merging adjacent ascending runs, so that data that come as k sorted runs
 * take O(n log k) comparisons instead of qsort's O(n log n). As much memory as qsort's.
 */
void tp_ixsort_runs(size_t *ix, size_t n, int (*cmp)(const void *, const void *));

#endif
