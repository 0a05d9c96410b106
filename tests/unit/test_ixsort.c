/* Sorting an index: the radix sort and the natural merge sort against qsort. */
#include "ixsort.h"
#include "unit.h"

#include <stdlib.h>
#include <string.h>

static uint64_t *keys; /* the keys of the elements 0..n-1 */

static uint64_t
key_of(const void *arg, size_t v)
{
    (void)arg;
    return keys[v];
}

static int
cmp_keys(const void *a, const void *b)
{
    uint64_t x = keys[*(const size_t *)a], y = keys[*(const size_t *)b];
    if (x != y)
        return x < y ? -1 : 1;
    /* ties by element: a total order */
    return (*(const size_t *)a > *(const size_t *)b) - (*(const size_t *)a < *(const size_t *)b);
}

void
test_ixsort(void)
{
    enum { N = 50000 };
    keys = malloc(N * sizeof *keys);
    size_t *a = malloc(N * sizeof *a), *b = malloc(N * sizeof *b);
    unsigned long long x = 99;
    for (int round = 0; round < 3; round++) {
        for (size_t i = 0; i < N; i++) {
            x = x * 6364136223846793005ULL + 1442695040888963407ULL;
            /* round 0: all 64 bits; 1: small numbers, many equal; 2: one high digit */
            keys[i] = round == 0 ? x : round == 1 ? (x >> 33) % 1000 : (x >> 60) << 48;
            a[i] = b[i] = i;
        }
        tp_ixsort_radix(a, N, key_of, NULL);
        qsort(b, N, sizeof *b, cmp_keys); /* ties by element: the radix sort is stable */
        CHECK(memcmp(a, b, N * sizeof *a) == 0);
        /* sorted runs: 7 runs of ascending keys, then all at random */
        for (size_t i = 0; i < N; i++)
            a[i] = b[i] = i;
        qsort(b, N, sizeof *b, cmp_keys);
        for (size_t r = 0; r < 7; r++) /* a: the sorted order cut into 7, dealt out */
            qsort(a + r * (N / 7), r == 6 ? N - 6 * (N / 7) : N / 7, sizeof *a, cmp_keys);
        for (size_t i = 0; i < N; i++) /* reverse: runs of one, the worst case */
            b[i] = N - 1 - i;
        size_t *c = malloc(N * sizeof *c);
        for (size_t i = 0; i < N; i++)
            c[i] = i;
        qsort(c, N, sizeof *c, cmp_keys);
        tp_ixsort_runs(a, N, cmp_keys);
        CHECK(memcmp(a, c, N * sizeof *a) == 0);
        tp_ixsort_runs(b, N, cmp_keys);
        CHECK(memcmp(b, c, N * sizeof *b) == 0);
        free(c);
    }
    size_t one = 5;
    tp_ixsort_radix(&one, 1, key_of, NULL);
    tp_ixsort_runs(&one, 1, cmp_keys);
    tp_ixsort_runs(NULL, 0, cmp_keys);
    CHECK(one == 5);
    free(keys);
    free(a);
    free(b);
}
