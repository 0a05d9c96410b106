/* The spill: dedup winners, times and distinct values reduced through sort(1). */
#include "err.h"
#include "sort.h"
#include "spill.h"
#include "unit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A spill in a new directory sub of the temporary directory dir (a mkdtemp template). */
static tp_spill *
new_spill(char *dir, char sub[64], const char *memory)
{
    CHECK(mkdtemp(dir) != NULL);
    snprintf(sub, 64, "%s/tmp", dir);
    tp_spill *sp = tp_spill_new(sub, memory);
    CHECK(sp != NULL);
    return sp;
}

/* The same records reduced in memory (a roomy -S size) and on disk through sort(1) (a
 * bound of 1 byte): the same results, only the messages name other places. */
static void
spill_case(const char *memory, int ondisk)
{
    char dir[] = "/tmp/tp-unit-spill-XXXXXX", sub[64];
    tp_spill *sp = new_spill(dir, sub, memory);
    if (!sp)
        return;
    /* shard 1 in memory: key "a" at t=5 row 3 (label "x"), key "b\tc" at t=1 row 0 */
    tp_summary *s = tp_summary_new();
    s->shard = 1;
    tp_map_put(s->labels, "x", 1, NULL);
    tp_keyrec *kr = tp_map_put(s->keys, "a", 1, NULL);
    *kr = (tp_keyrec){5, 3, 1, 0};
    kr = tp_map_put(s->keys, "b\tc", 3, NULL);
    *kr = (tp_keyrec){1, 0, 1, -1};
    CHECK(tp_spill_summary(sp, s) == 0);
    /* shard 0 through the sink: "a" earlier at t=5 (same time, lower shard wins) */
    s->shard = 0;
    const tp_summary_sink *k = tp_spill_sink(sp);
    CHECK(k->key(k->arg, s, "a", 5, 7, "y") == 0);
    CHECK(k->key(k->arg, s, "a", 9, 1, "z") == 0);
    CHECK(k->time(k->arg, 4, 2) == 0 && k->time(k->arg, -3, 1) == 0);
    CHECK(!tp_spill_has_distinct(sp));
    /* the columns numbered by name as first seen: b is 0, a is 1 */
    CHECK(k->distinct(k->arg, "b", "v") == 0 && k->distinct(k->arg, "a", "v") == 0);
    CHECK(k->distinct(k->arg, "b", "v") == 0 && k->distinct(k->arg, "b", "w") == 0);
    CHECK(tp_spill_distinct_ncols(sp) == 2 && strcmp(tp_spill_distinct_col(sp, 0), "b") == 0 &&
          strcmp(tp_spill_distinct_col(sp, 1), "a") == 0);
    CHECK(tp_spill_has_distinct(sp));
    tp_summary_free(s);

    tp_spill_rd *r = tp_spill_winners(sp);
    CHECK(r != NULL);
    tp_spill_win w;
    CHECK(tp_spill_next_winner(r, &w) == 1);
    CHECK(w.shard == 0 && w.row == 7 && w.t == 5 && strcmp(w.label, "y") == 0);
    CHECK(tp_spill_next_winner(r, &w) == 1);
    CHECK(w.shard == 1 && w.row == 0 && w.t == 1 && strcmp(w.label, "") == 0);
    CHECK(tp_spill_next_winner(r, &w) == 0);
    tp_spill_close(r);

    r = tp_spill_times(sp);
    int64_t t;
    long long n;
    CHECK(r && tp_spill_next_time(r, &t, &n) == 1 && t == -3 && n == 1);
    CHECK(tp_spill_next_time(r, &t, &n) == 1 && t == 4 && n == 2);
    CHECK(tp_spill_next_time(r, &t, &n) == 0);
    tp_spill_close(r);

    r = tp_spill_distinct(sp);
    size_t col, count[2] = {0, 0};
    int got;
    while (r && (got = tp_spill_next_distinct(r, 2, &col)) == 1)
        count[col]++;
    CHECK(r && got == 0 && count[0] == 2 && count[1] == 1);
    tp_spill_close(r);

    /* no keys at all: an empty reduction */
    r = tp_spill_winners(sp);
    CHECK(r && tp_spill_next_winner(r, &w) == 0);
    tp_spill_close(r);

    /* a column out of range is a malformed record */
    CHECK(k->distinct(k->arg, "c", "v") == 0); /* column 2 */
    r = tp_spill_distinct(sp);
    CHECK(r && tp_spill_next_distinct(r, 2, &col) < 0);
    CHECK(strstr(tp_errmsg(), ondisk
                                  ? "distinct.sorted:1: malformed distinct record"
                                  : "distinct (in memory):1: malformed distinct record") != NULL);
    tp_spill_close(r);

    tp_spill_free(sp);
    struct stat st;
    CHECK(stat(sub, &st) < 0); /* removed with everything in it */
    rmdir(dir);
}

/* Many keys (rows past 16 bits, times of both signs): in memory (the radix and run
 * sorts) and on disk (sort(1)) give the same winners in (shard, row) order and the same
 * time counts in time order. */
struct many {
    long long *shard, *row, *t, n;
    long long *tt, *tc, nt;
};

static void
many_case(const char *memory, struct many *m)
{
    char dir[] = "/tmp/tp-unit-spill-XXXXXX", sub[64];
    tp_spill *sp = new_spill(dir, sub, memory);
    if (!sp)
        return;
    const tp_summary_sink *k = tp_spill_sink(sp);
    tp_summary *s = tp_summary_new();
    unsigned long long x = 42;
    int ok = 1;
    for (long shard = 0; shard < 3; shard++) {
        s->shard = shard;
        for (long long i = 0; i < 70000; i++) {
            long long row = i * 7919 % 70000; /* rows out of order, as keys give them */
            x = x * 6364136223846793005ULL + 1442695040888963407ULL;
            char key[24];
            snprintf(key, sizeof key, "k%llu", (x >> 33) % 90000);
            int64_t t = (int64_t)((x >> 20) % 2000) - 1000;
            t *= 1099511627776LL; /* 2^40: digits beyond the low 16 bits */
            ok &= k->key(k->arg, s, key, t, row, "") == 0;
            if (row % 7 == 0)
                ok &= k->time(k->arg, t, (long long)(row % 5) + 1) == 0;
        }
    }
    CHECK(ok);
    tp_summary_free(s);
    tp_spill_rd *r = tp_spill_winners(sp);
    CHECK(r != NULL);
    tp_spill_win w;
    m->n = 0;
    m->shard = malloc(210000 * sizeof *m->shard);
    m->row = malloc(210000 * sizeof *m->row);
    m->t = malloc(210000 * sizeof *m->t);
    int order = 1;
    while (r && tp_spill_next_winner(r, &w) == 1) {
        m->shard[m->n] = w.shard, m->row[m->n] = w.row, m->t[m->n] = w.t;
        if (m->n > 0)
            order &= m->shard[m->n - 1] < w.shard ||
                     (m->shard[m->n - 1] == w.shard && m->row[m->n - 1] < w.row);
        m->n++;
    }
    CHECK(order);
    tp_spill_close(r);
    r = tp_spill_times(sp);
    CHECK(r != NULL);
    int64_t t;
    long long c;
    m->nt = 0;
    m->tt = malloc(40000 * sizeof *m->tt);
    m->tc = malloc(40000 * sizeof *m->tc);
    while (r && tp_spill_next_time(r, &t, &c) == 1) {
        if (m->nt > 0 && m->tt[m->nt - 1] == t) { /* equal times: their counts summed */
            m->tc[m->nt - 1] += c;
            continue;
        }
        order &= m->nt == 0 || m->tt[m->nt - 1] < t;
        m->tt[m->nt] = t, m->tc[m->nt++] = c;
    }
    CHECK(order);
    tp_spill_close(r);
    tp_spill_free(sp);
    rmdir(dir);
}

static void
spill_many(void)
{
    struct many a, b;
    many_case("1G", &a);
    many_case("64K", &b); /* beyond 64 KiB, on disk */
    CHECK(a.n > 60000 && a.n == b.n && a.nt > 1000 && a.nt == b.nt);
    int same = 1;
    for (long long i = 0; i < a.n && i < b.n; i++)
        same &= a.shard[i] == b.shard[i] && a.row[i] == b.row[i] && a.t[i] == b.t[i];
    for (long long i = 0; i < a.nt && i < b.nt; i++)
        same &= a.tt[i] == b.tt[i] && a.tc[i] == b.tc[i];
    CHECK(same);
    free(a.shard), free(a.row), free(a.t), free(a.tt), free(a.tc);
    free(b.shard), free(b.row), free(b.t), free(b.tt), free(b.tc);
}

void
test_spill(void)
{
    spill_many();
    spill_case("1M", 0);
    spill_case("1b", 1);
    /* the -S sizes as GNU sort reads them: the budget of the records in memory */
    CHECK(tp_sort_size_bytes("40M") == 40LL << 20 && tp_sort_size_bytes("1b") == 1);
    CHECK(tp_sort_size_bytes("2") == 2048 && tp_sort_size_bytes("3K") == 3072);
    CHECK(tp_sort_size_bytes("1G") == 1LL << 30 && tp_sort_size_bytes("1T") == 1LL << 40);
    CHECK(tp_sort_size_bytes("50%") > 0 && tp_sort_size_bytes("100%") >= tp_sort_size_bytes("50%"));
    CHECK(tp_sort_size_bytes("12Q") == -1 && tp_sort_size_bytes("") == -1 &&
          tp_sort_size_bytes("M") == -1 && tp_sort_size_bytes(NULL) == -1);
}
