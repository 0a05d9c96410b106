/*
 * Fuzz target: tp-scan. Two option bytes choose the command line, the rest is the shard:
 *   byte 0, bits 0-2: --split: default, temporal:orderDate, random, stratified,
 *                     group:customerId, hash:id, none, temporal:id
 *           bit 3:    -l label
 *           bits 4-5: default dedup, --no-dedup, --dedup customerId, --dedup emailAddress
 *           bits 6-7: --on-bad-row fail, skip, quarantine --rejects, skip --rejects
 *   byte 1, bit 0:    --tsv
 *           bit 1:    --distinct
 *           bit 2:    -s with the sample's header (the shard is headerless)
 *           bit 3:    the shard is gzip-compressed
 *           bit 4:    -n 3
 * A successful run's summary is read back and checked against the shard read again by
 * this target: rows and bad rows (the reader's and the bad dates), the count of every
 * column, the drops, the label values, the dedup keys, the distinct values and the
 * kept rows; the quarantine file holds exactly the bad rows.
 */
#define FUZZ_NOPT 2
#include "driver.c"

#include "map.h"
#include "summary.h"

static const char *const modes[] = {NULL,         "temporal:orderDate", "random",
                                    "stratified", "group:customerId",   "hash:id",
                                    "none",       "temporal:id"};
static const char *const dedups[] = {NULL, NULL, "customerId", "emailAddress"};

static void
fuzz_options(struct fuzz *z)
{
    uint8_t a = z->opt[0], b = z->opt[1];
    if (modes[a & 7]) {
        fuzz_arg(z, "--split");
        fuzz_arg(z, modes[a & 7]);
    }
    if (a & 8) {
        fuzz_arg(z, "-l");
        fuzz_arg(z, "label");
    }
    if (((a >> 4) & 3) == 1)
        fuzz_arg(z, "--no-dedup");
    if (dedups[(a >> 4) & 3]) {
        fuzz_arg(z, "--dedup");
        fuzz_arg(z, dedups[(a >> 4) & 3]);
    }
    fuzz_policy(z, a >> 6);
    if (b & 1)
        fuzz_arg(z, "--tsv");
    if (b & 2)
        fuzz_arg(z, "--distinct");
    if (b & 4) {
        fuzz_arg(z, "-s");
        fuzz_arg(z, fuzz_signature());
    }
    z->gzip = (b & 8) != 0;
    if (b & 16) {
        fuzz_arg(z, "-n");
        fuzz_arg(z, "3");
    }
    fuzz_arg(z, "-o");
    fuzz_arg(z, fuzz_path("summary"));
    z->usage = (a & 7) == 3 && !(a & 8); /* stratified needs a label */
}

static long long
sum_counts(const tp_map *m)
{
    long long n = 0;
    for (size_t i = 0; i < tp_map_size(m); i++)
        n += *(long long *)tp_map_val(m, i);
    return n;
}

static int
same_name(const char *got, const char *want)
{
    return got && want ? strcmp(got, want) == 0 : got == want;
}

static void
fuzz_check(struct fuzz *z)
{
    uint8_t a = z->opt[0], b = z->opt[1];
    int policy = a >> 6 ? TP_BAD_SKIP : TP_BAD_FAIL;
    const char *rejects = fuzz_path("rejects.csv");
    if (z->status != 0) {
        if (exists(rejects))
            fuzz_fail("a failed run left a rejects file");
        return;
    }
    tp_summary *s = tp_summary_read(fuzz_path("summary"), NULL);
    if (!s)
        fuzz_fail("the summary does not read back: %s", tp_errmsg());
    struct table t;
    table_load(&t, z->in, b & 1 ? '\t' : ',', b & 4 ? sample_cols : NULL, b & 4 ? NSAMPLE : 0,
               policy);
    if (t.rc != 0)
        fuzz_fail("tp-scan succeeded on a shard the reader refuses: %s", t.msg);
    /* JSON (json.h): a role's column that no record has is added, all missing, after the
     * keys (tp-scan(1)); the counts below do not model that case */
    for (size_t i = 0; s->absent && i < s->ncols; i++)
        if (s->absent[i]) {
            if (i < t.ncols)
                fuzz_fail("absent column '%s' before the shard's keys", s->cols[i]);
            tp_summary_free(s);
            table_free(&t);
            return;
        }

    /* the columns the options name, as tp-scan(1) resolves them */
    const char *mode = modes[a & 7];
    long ti = -1, li = a & 8 ? table_col(&t, "label") : -1, di = -1;
    if (mode && strncmp(mode, "temporal:", 9) == 0)
        ti = table_col(&t, mode + 9);
    else if (!mode)
        for (size_t i = 0; i < t.ncols && ti < 0; i++)
            if (strcmp(t.cols[i], "orderDate") == 0 || strcmp(t.cols[i], "transactionDate") == 0)
                ti = (long)i;
    if (dedups[(a >> 4) & 3])
        di = table_col(&t, dedups[(a >> 4) & 3]);
    else if (((a >> 4) & 3) == 0)
        di = table_col(&t, "customerId");
    char want_mode[32];
    snprintf(want_mode, sizeof want_mode, "%s", !mode ? (ti >= 0 ? "temporal" : "random") : mode);
    *strchrnul(want_mode, ':') = '\0';
    /* a 0-byte shard has no columns to name */
    if (t.ncols > 0 && !same_name(s->split, want_mode))
        fuzz_fail("split mode '%s' in the summary, '%s' expected", s->split, want_mode);
    if (t.ncols > 0 && (!same_name(s->label, li >= 0 ? "label" : NULL) ||
                        !same_name(s->dedup, di >= 0 ? t.cols[di] : NULL) ||
                        !same_name(s->temporal, ti >= 0 ? t.cols[ti] : NULL)))
        fuzz_fail("label, dedup or temporal column in the summary differ from the options");
    if (s->shard != (b & 16 ? 3 : 0) || s->header != (t.json ? 2 : !(b & 4)))
        fuzz_fail("shard %ld, header %d in the summary", s->shard, s->header);
    if (s->ncols != t.ncols)
        fuzz_fail("%zu columns in the summary, %zu in the shard", s->ncols, t.ncols);
    for (size_t i = 0; i < t.ncols; i++)
        if (strcmp(s->cols[i], t.cols[i]) != 0)
            fuzz_fail("column %zu is '%s' in the summary, '%s' in the shard", i, s->cols[i],
                      t.cols[i]);

    /* the shard's rows through tp-scan's rules, counted here */
    long long bad_dates = 0, good = 0, dl = 0, dt = 0, dk = 0, kept = 0;
    tp_map *labels = tp_map_new(0), *keys = tp_map_new(0);
    tp_map **distinct = calloc(t.ncols + 1, sizeof *distinct);
    for (size_t i = 0; i < t.ncols; i++)
        distinct[i] = tp_map_new(0);
    for (size_t k = 0; k < t.nrows; k++) {
        const struct rec *r = &t.rows[k];
        int64_t when;
        if (ti >= 0 && !is_missing(r, ti) && tp_parse_time(r->f[ti], r->len[ti], &when) < 0) {
            bad_dates++;
            continue;
        }
        good++;
        for (size_t i = 0; i < t.ncols; i++)
            if (!is_missing(r, (long)i))
                tp_map_put(distinct[i], r->f[i], r->len[i], NULL);
        if (li >= 0 && is_missing(r, li)) {
            dl++;
            continue;
        }
        if (li >= 0)
            tp_map_put(labels, r->f[li], r->len[li], NULL);
        if (ti >= 0 && is_missing(r, ti)) {
            dt++;
            continue;
        }
        if (di >= 0 && is_missing(r, di)) {
            dk++;
            continue;
        }
        if (di >= 0)
            tp_map_put(keys, r->f[di], r->len[di], NULL);
        kept++;
    }
    if (s->rows != t.total)
        fuzz_fail("%lld rows in the summary, %lld in the shard", s->rows, t.total);
    if (s->bad != t.bad + bad_dates)
        fuzz_fail("%lld bad rows in the summary, %lld + %lld bad dates in the shard", s->bad, t.bad,
                  bad_dates);
    for (size_t i = 0; i < t.ncols; i++)
        if (s->stats[i].count + s->stats[i].missing != good)
            fuzz_fail("column '%s': %lld values and %lld missing in the summary, %lld rows",
                      t.cols[i], s->stats[i].count, s->stats[i].missing, good);
    if (s->drop_label != dl || s->drop_time != dt || s->drop_key != dk)
        fuzz_fail("drops (label, time, key) %lld %lld %lld in the summary, %lld %lld %lld",
                  s->drop_label, s->drop_time, s->drop_key, dl, dt, dk);
    if (tp_map_size(s->labels) != tp_map_size(labels))
        fuzz_fail("%zu label values in the summary, %zu in the shard", tp_map_size(s->labels),
                  tp_map_size(labels));
    if (di >= 0 && tp_map_size(s->keys) != tp_map_size(keys))
        fuzz_fail("%zu dedup keys in the summary, %zu in the shard", tp_map_size(s->keys),
                  tp_map_size(keys));
    if (di < 0 && ti >= 0 && sum_counts(s->times) != kept)
        fuzz_fail("%lld rows counted by time in the summary, %lld kept", sum_counts(s->times),
                  kept);
    if (di < 0 && li >= 0 && sum_counts(s->classes) != kept)
        fuzz_fail("%lld rows counted by class in the summary, %lld kept", sum_counts(s->classes),
                  kept);
    for (size_t i = 0; (b & 2) && i < t.ncols; i++) {
        /* a column without values has no record in the file */
        size_t got = s->distinct && s->distinct[i] ? tp_map_size(s->distinct[i]) : 0;
        if (got != tp_map_size(distinct[i]))
            fuzz_fail("column '%s': %zu distinct values in the summary, %zu in the shard",
                      t.cols[i], got, tp_map_size(distinct[i]));
    }

    /* the rejects file (under quarantine or skip): one record per bad row, naming the
     * shard; none without bad rows */
    if ((a >> 6) >= 2 && s->bad > 0)
        check_rejects(rejects, z->in, s->bad);
    else if (exists(rejects))
        fuzz_fail("a rejects file without bad rows or without --rejects");

    for (size_t i = 0; i < t.ncols; i++)
        tp_map_free(distinct[i]);
    free(distinct);
    tp_map_free(labels);
    tp_map_free(keys);
    table_free(&t);
    tp_summary_free(s);
}
