/*
 * Sorting an index: LSD radix sort by 64-bit keys, natural merge sort by a comparison.
 */
#include "ixsort.h"

#include "err.h"

#include <stdlib.h>
#include <string.h>

/* After the passes: the sorted index in ix (src, the last written, or ix itself). */
static void
done(size_t *ix, size_t *src, size_t *tmp, size_t n)
{
    if (src != ix)
        memcpy(ix, src, n * sizeof *ix);
    free(tmp);
}

void
tp_ixsort_radix(size_t *ix, size_t n, tp_ixsort_key *key, const void *arg)
{
    if (n < 2)
        return;
    size_t *tmp = tp_xmalloc(n * sizeof *tmp), *src = ix, *dst = tmp;
    size_t *count = tp_xmalloc(65536 * sizeof *count);
    for (int shift = 0; shift < 64; shift += 16) {
        memset(count, 0, 65536 * sizeof *count);
        for (size_t i = 0; i < n; i++)
            count[(key(arg, src[i]) >> shift) & 0xFFFF]++;
        if (count[(key(arg, src[0]) >> shift) & 0xFFFF] == n)
            continue; /* one digit for all: the order stays */
        size_t sum = 0;
        for (size_t d = 0; d < 65536; d++) {
            size_t c = count[d];
            count[d] = sum;
            sum += c;
        }
        for (size_t i = 0; i < n; i++)
            dst[count[(key(arg, src[i]) >> shift) & 0xFFFF]++] = src[i];
        size_t *t = src;
        src = dst;
        dst = t;
    }
    done(ix, src, tmp, n);
    free(count);
}

/* The end of the ascending run of v that begins at i. */
static size_t
run_end(const size_t *v, size_t i, size_t n, int (*cmp)(const void *, const void *))
{
    size_t j = i + 1;
    while (j < n && cmp(&v[j - 1], &v[j]) <= 0)
        j++;
    return j;
}

void
tp_ixsort_runs(size_t *ix, size_t n, int (*cmp)(const void *, const void *))
{
    size_t *tmp = n > 1 ? tp_xmalloc(n * sizeof *tmp) : NULL, *src = ix, *dst = tmp;
    while (n > 1) {
        size_t i = 0, j = run_end(src, 0, n, cmp);
        if (j == n)
            break; /* one run: sorted */
        while (i < n) {
            size_t m = j < n ? run_end(src, j, n, cmp) : n, a = i, b = j, o = i;
            while (a < j && b < m) /* equal elements do not occur: the order is total */
                dst[o++] = cmp(&src[b], &src[a]) < 0 ? src[b++] : src[a++];
            while (a < j)
                dst[o++] = src[a++];
            while (b < m)
                dst[o++] = src[b++];
            i = m;
            j = i < n ? run_end(src, i, n, cmp) : n;
        }
        size_t *t = src;
        src = dst;
        dst = t;
    }
    done(ix, src, tmp, n);
}
