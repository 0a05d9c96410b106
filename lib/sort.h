/*
 * External sorting through GNU sort, so that tp-context works on more dedup keys and
 * temporal values than fit in memory (SPEC section 6): records are written to a file,
 * sorted by sort(1) within a memory bound (-S) with temporary files (-T), and read back
 * in order. GNU sort is a well-kept external merge sort; tp does not carry its own.
 */
#ifndef TP_SORT_H
#define TP_SORT_H

/*
 * Sort the tab-separated lines of file in into file out with "LC_ALL=C sort -t TAB
 * -S mem -T tmpdir KEY... -o out in", where keys are sort(1) key options such as
 * "-k1,1" or "-k2,2n" (NULL-terminated). Returns 0, or -1 with an error recorded when
 * sort cannot be run or fails (its own message goes to standard error).
 */
int tp_sort(const char *in, const char *out, const char *const *keys, const char *mem,
            const char *tmpdir);

/* Check a sort(1) -S size: digits with an optional suffix b K M G T or %. 0 or -1. */
int tp_sort_size_ok(const char *s);

/*
 * The bytes a sort(1) -S size stands for, as GNU sort reads it: no suffix or K is KiB,
 * b bytes, M MiB, G GiB, T TiB, % a percentage of the physical memory. -1 when s is not
 * such a size (tp_sort_size_ok).
 */
long long tp_sort_size_bytes(const char *s);

#endif
