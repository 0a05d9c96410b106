/* Sorted runs (runs.h): whatever the spills, the entries read back are those of one map
 * holding everything, in the kind's order, each key once with its values combined. */
#include "unit.h"

#include "err.h"
#include "runs.h"
#include "summary.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

struct seen {
    char **keys;
    long long *vals;
    size_t n, cap;
};

static int
record(void *arg, const char *key, size_t n, const void *val)
{
    struct seen *s = arg;
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 64;
        s->keys = realloc(s->keys, s->cap * sizeof *s->keys);
        s->vals = realloc(s->vals, s->cap * sizeof *s->vals);
    }
    s->keys[s->n] = malloc(n + 1);
    memcpy(s->keys[s->n], key, n + 1);
    memcpy(&s->vals[s->n], val, sizeof(long long));
    s->n++;
    return 0;
}

static void
seen_free(struct seen *s)
{
    for (size_t i = 0; i < s->n; i++)
        free(s->keys[i]);
    free(s->keys);
    free(s->vals);
}

static void
add(void *into, const void *from)
{
    long long a, b;
    memcpy(&a, into, sizeof a);
    memcpy(&b, from, sizeof b);
    a += b;
    memcpy(into, &a, sizeof a);
}

static const tp_runs_kind counts = {sizeof(long long), tp_runs_bytes, add, tp_runs_bytes_image};

/* n random keys from a small alphabet (repeats), spilled every `every` insertions. */
static void
check_counts(unsigned seed, int n, int every)
{
    srand(seed);
    tp_runfile *f = tp_runfile_new();
    tp_runs *r = tp_runs_new(f, &counts);
    tp_map *m = tp_map_new(sizeof(long long)), *all = tp_map_new(sizeof(long long));
    for (int i = 0; i < n; i++) {
        char key[16];
        int len = rand() % 6; /* "" included */
        for (int j = 0; j < len; j++)
            key[j] = (char)('a' + rand() % 4);
        key[len] = '\0';
        *(long long *)tp_map_put(m, key, (size_t)len, NULL) += 1;
        *(long long *)tp_map_put(all, key, (size_t)len, NULL) += 1;
        if (every && (i + 1) % every == 0)
            CHECK(tp_runs_spill(r, &m) == 0);
    }
    struct seen got = {0}, want = {0};
    CHECK(tp_runs_each(r, &counts, m, record, &got) == 0);
    CHECK(tp_runs_each(NULL, &counts, all, record, &want) == 0);
    CHECK(got.n == want.n && want.n == tp_map_size(all));
    int same = got.n == want.n, sorted = 1;
    for (size_t i = 0; same && i < got.n; i++)
        same = strcmp(got.keys[i], want.keys[i]) == 0 && got.vals[i] == want.vals[i];
    for (size_t i = 1; i < want.n; i++)
        sorted &= strcmp(want.keys[i - 1], want.keys[i]) < 0;
    CHECK(same);
    CHECK(sorted);
    if (every)
        CHECK(tp_runs_spilled(r) >= n / every);
    seen_free(&got);
    seen_free(&want);
    tp_map_free(m);
    tp_map_free(all);
    tp_runs_free(r);
    tp_runfile_free(f);
}

static int
stop_at_two(void *arg, const char *key, size_t n, const void *val)
{
    (void)key, (void)n, (void)val;
    return ++*(int *)arg == 2 ? 7 : 0;
}

/* tp_runs_sorted by images and by cmp alone give the same order: keys alike in their
 * first 8 bytes, shorter than 8, with NUL bytes and bytes past 0x7f; times of both signs */
static void
sorted_orders(void)
{
    tp_map *m = tp_map_new(0);
    unsigned long long x = 7;
    char key[32];
    for (int i = 0; i < 5000; i++) {
        x = x * 6364136223846793005ULL + 1442695040888963407ULL;
        size_t n = (size_t)(x >> 60) + 1; /* 1..16 bytes */
        for (size_t j = 0; j < n; j++)
            key[j] = "prefix00\0\xff\x80zA"[(x >> (4 * j % 56)) % 13 % (j < 8 ? 3 : 13)];
        tp_map_put(m, key, n, NULL);
    }
    static const tp_runs_kind by_cmp = {0, tp_runs_bytes, NULL, NULL};
    static const tp_runs_kind by_image = {0, tp_runs_bytes, NULL, tp_runs_bytes_image};
    size_t *a = tp_runs_sorted(m, &by_cmp), *b = tp_runs_sorted(m, &by_image);
    int same = 1, ordered = 1;
    for (size_t i = 0; i < tp_map_size(m); i++) {
        same &= a[i] == b[i];
        if (i > 0) {
            size_t na, nb;
            const char *ka = tp_map_key(m, b[i - 1], &na), *kb = tp_map_key(m, b[i], &nb);
            ordered &= tp_runs_bytes(ka, na, kb, nb) < 0;
        }
    }
    CHECK(tp_map_size(m) > 1000 && same && ordered);
    free(a);
    free(b);
    tp_map_free(m);
}

void
test_runs(void)
{
    sorted_orders();
    check_counts(1, 1000, 0);     /* no run: the map alone */
    check_counts(2, 1000, 1);     /* a run per entry: cascades of 16, then 256 */
    check_counts(3, 20000, 37);   /* runs of many levels */
    check_counts(4, 5000, 5000);  /* one run, the map empty */
    check_counts(5, 100000, 997); /* a long key space */
    /* fn's non-zero return stops the walk and is returned */
    tp_runfile *f = tp_runfile_new();
    tp_runs *r = tp_runs_new(f, &counts);
    tp_map *m = tp_map_new(sizeof(long long));
    tp_map_put(m, "x", 1, NULL);
    CHECK(tp_runs_spill(r, &m) == 0);
    tp_map_put(m, "y", 1, NULL);
    tp_map_put(m, "z", 1, NULL);
    int calls = 0;
    CHECK(tp_runs_each(r, &counts, m, stop_at_two, &calls) == 7 && calls == 2);
    /* the summary's kinds: the earliest key record, times in numeric order */
    tp_keyrec a = {5, 9, 1, -1}, b = {5, 3, 1, -1};
    tp_summary_keys_kind.combine(&a, &b);
    CHECK(a.row == 3);
    int64_t t1 = -2, t2 = 1;
    CHECK(tp_summary_times_kind.cmp((char *)&t1, 8, (char *)&t2, 8) < 0);
    /* an unwritable TMPDIR is an error naming it */
    const char *old = getenv("TMPDIR");
    char *saved = old ? strdup(old) : NULL;
    setenv("TMPDIR", "/nonexistent/tp-unit", 1);
    tp_runfile *bad = tp_runfile_new();
    tp_runs *rb = tp_runs_new(bad, &counts);
    tp_map_put(m, "w", 1, NULL);
    CHECK(tp_runs_spill(rb, &m) == -1);
    CHECK(strstr(tp_errmsg(), "/nonexistent/tp-unit") != NULL);
    if (saved)
        setenv("TMPDIR", saved, 1);
    else
        unsetenv("TMPDIR");
    free(saved);
    tp_runs_free(rb);
    tp_runfile_free(bad);
    tp_map_free(m);
    tp_runs_free(r);
    tp_runfile_free(f);
}
