/*
 * Fuzz target: tp-split. The first byte chooses the command line, the rest is the stream
 * from tp-transform:
 *   bits 0-2: the context, build/fuzz/ctx/N (see fuzz-transform.c): temporal, random,
 *             stratified (with and without dedup), group and hash splits, a
 *             validation job
 *   bits 3-4: --on-bad-row fail, skip, quarantine --rejects, skip --rejects
 *   bit 5:    -a FILE (the audit records)
 *   bits 6-7: -n 0, no -n (the context's only shard), -n 1 (a shard the context does
 *             not know), -n 0
 * A successful run's output is read back and must be the input's rows in order (less
 * the bad ones), each with every field as given and a split the mode allows: the job
 * for a job other than training; for temporal, every train time before every val time
 * before every test time; for group and hash, one split per group value; for random
 * and stratified, per split (and class) no more rows than the context gives it, and
 * exactly as many when the shard is complete. The audit's row, label and time records
 * must agree with the output, and the rejects file holds exactly the bad rows.
 */
#define FUZZ_NOPT 1
#include "driver.c"

#include "map.h"

static const char *const splits[] = {"train", "val", "test"};

static void
fuzz_options(struct fuzz *z)
{
    uint8_t a = z->opt[0];
    fuzz_ctx(a & 7); /* a missing context is an error of the setup, not of the tool */
    fuzz_arg(z, "-c");
    fuzz_arg(z, fuzz_ctx_dir(a & 7));
    if (a >> 6 != 1) {
        fuzz_arg(z, "-n");
        fuzz_arg(z, a >> 6 == 2 ? "1" : "0");
    }
    fuzz_policy(z, (a >> 3) & 3);
    if (a & 32) {
        fuzz_arg(z, "-a");
        fuzz_arg(z, fuzz_path("audit"));
    }
}

enum { BY_JOB, BY_TIME, BY_RANK, BY_CLASS, BY_HASH };

/* How tp-split(1) splits under context c. */
static int
how(const tp_context *c)
{
    if (strcmp(c->job, "training") != 0 || c->nin == 0)
        return BY_JOB;
    if (strcmp(c->split, "temporal") == 0 && c->temporal >= 0)
        return BY_TIME;
    if (strcmp(c->split, "random") == 0)
        return BY_RANK;
    if (strcmp(c->split, "stratified") == 0 && c->label >= 0)
        return BY_CLASS;
    if (c->splitcol >= 0)
        return BY_HASH;
    fuzz_fail("context with mode '%s': no split", c->split);
}

static int
split_index(const char *s)
{
    for (int i = 0; i < 3; i++)
        if (strcmp(s, splits[i]) == 0)
            return i;
    return -1;
}

struct per_split {
    long long rows, labels;
    int has_time;
    int64_t tmin, tmax;
};

/* The audit file against what the output shows per split. */
static void
check_audit(const struct per_split *ps, const char *job, long long keys)
{
    FILE *f = fopen(fuzz_path("audit"), "r");
    if (!f)
        fuzz_fail("no audit file");
    char *line = NULL;
    size_t cap = 0;
    long long nkeys = 0;
    struct per_split got[4] = {{0}};
    ssize_t len;
    while ((len = getline(&line, &cap, f)) > 0) {
        line[len - 1] = '\0';
        char *tab = strchr(line, '\t');
        if (!tab)
            fuzz_fail("audit: a line without a tab: '%s'", line);
        *tab = '\0';
        char *split = tab + 1, *rest = strchr(split, '\t');
        if (strcmp(line, "k") == 0) {
            nkeys++;
            continue;
        }
        if (!rest)
            fuzz_fail("audit: a '%s' line without a value", line);
        *rest++ = '\0';
        int i = job ? (strcmp(split, job) == 0 ? 3 : -1) : split_index(split);
        if (i < 0)
            fuzz_fail("audit: split '%s'", split);
        if (strcmp(line, "rows") == 0) {
            got[i].rows += atoll(rest);
        } else if (strcmp(line, "label") == 0) {
            got[i].labels += atoll(strrchr(rest, '\t') ? strrchr(rest, '\t') + 1 : "");
        } else if (strcmp(line, "time") == 0) {
            long long lo, hi;
            if (sscanf(rest, "%lld\t%lld", &lo, &hi) != 2)
                fuzz_fail("audit: time line '%s'", rest);
            got[i].has_time = 1;
            got[i].tmin = lo;
            got[i].tmax = hi;
        } else {
            fuzz_fail("audit: record '%s'", line);
        }
    }
    free(line);
    fclose(f);
    for (int i = 0; i < 4; i++) {
        if (got[i].rows != ps[i].rows)
            fuzz_fail("audit: %lld rows of split %d, %lld in the output", got[i].rows, i,
                      ps[i].rows);
        if (got[i].labels != ps[i].labels)
            fuzz_fail("audit: %lld label counts of split %d, %lld in the output", got[i].labels, i,
                      ps[i].labels);
        if (got[i].has_time != ps[i].has_time ||
            (ps[i].has_time && (got[i].tmin != ps[i].tmin || got[i].tmax != ps[i].tmax)))
            fuzz_fail("audit: time range of split %d differs from the output", i);
    }
    if (nkeys != keys)
        fuzz_fail("audit: %lld key records, %lld expected", nkeys, keys);
}

static void
fuzz_check(struct fuzz *z)
{
    uint8_t a = z->opt[0];
    int policy = (a >> 3) & 3 ? TP_BAD_SKIP : TP_BAD_FAIL;
    const char *rejects = fuzz_path("rejects.csv");
    if (z->status != 0) {
        if (exists(rejects))
            fuzz_fail("a failed run left a rejects file");
        if ((a & 32) && exists(fuzz_path("audit")))
            fuzz_fail("a failed run left an audit file");
        return;
    }
    const tp_context *c = fuzz_ctx(a & 7);
    int by = how(c);
    struct table o, t;
    table_load_mem(&o, z->out, z->nout, ',', TP_BAD_FAIL);
    if (o.rc != 0)
        fuzz_fail("the output does not read back: %s", o.msg);
    table_load(&t, z->in, ',', NULL, 0, policy);
    if (t.rc != 0)
        fuzz_fail("tp-split succeeded on a stream the reader refuses: %s", t.msg);
    if (o.ncols != t.ncols + 1 || strcmp(o.cols[0], "tp:split") != 0)
        fuzz_fail("output header: %zu columns, the first '%s'", o.ncols, o.cols[0]);
    for (size_t i = 0; i < t.ncols; i++)
        if (strcmp(o.cols[i + 1], t.cols[i]) != 0)
            fuzz_fail("output column %zu is '%s', '%s' in the input", i + 1, o.cols[i + 1],
                      t.cols[i]);

    /* the columns tp-split reads, by their output names */
    long col = by == BY_TIME    ? table_col(&t, c->out[c->temporal])
               : by == BY_CLASS ? table_col(&t, c->out[c->label])
               : by == BY_HASH  ? table_col(&t, c->out[c->splitcol])
                                : -1;
    long lcol = c->label >= 0 ? table_col(&t, c->out[c->label]) : -1;
    long tcol = c->temporal >= 0 ? table_col(&t, c->out[c->temporal]) : -1;
    long kcol = c->dedup >= 0 ? table_col(&t, c->out[c->dedup]) : -1;
    long gcol = c->splitcol >= 0 ? table_col(&t, c->out[c->splitcol]) : -1;
    long long keys_per_row = (kcol >= 0) + (gcol >= 0 && gcol != kcol);
    struct per_split ps[4] = {{0}}; /* train, val, test, the job */
    tp_map *groups = tp_map_new(sizeof(int));
    tp_map *classes = tp_map_new(3 * sizeof(long long));
    long long bad_dates = 0;
    size_t j = 0;
    for (size_t k = 0; k < t.nrows; k++) {
        const struct rec *r = &t.rows[k];
        int64_t when;
        if (by == BY_TIME && tp_parse_time(r->f[col], r->len[col], &when) < 0) {
            bad_dates++;
            continue;
        }
        if (j == o.nrows)
            fuzz_fail("row %lld of the input is missing from the output", r->index);
        const struct rec *w = &o.rows[j++];
        for (size_t i = 0; i < t.ncols; i++)
            if (!field_eq(w, i + 1, r, i))
                fuzz_fail("output row %zu differs from input row %lld in column '%s'", j - 1,
                          r->index, t.cols[i]);
        int s = by == BY_JOB ? (strcmp(w->f[0], c->job) == 0 ? 3 : -1) : split_index(w->f[0]);
        if (s < 0)
            fuzz_fail("output row %zu: split '%s'", j - 1, w->f[0]);
        ps[s].rows++;
        ps[s].labels += lcol >= 0;
        if (tcol >= 0 && tp_parse_time(r->f[tcol], r->len[tcol], &when) == 0) {
            if (!ps[s].has_time || when < ps[s].tmin)
                ps[s].tmin = when;
            if (!ps[s].has_time || when > ps[s].tmax)
                ps[s].tmax = when;
            ps[s].has_time = 1;
        }
        if (by == BY_HASH) {
            int missing = is_missing(r, col), created;
            int *g =
                tp_map_put(groups, missing ? "" : r->f[col], missing ? 0 : r->len[col], &created);
            if (!created && *g != s)
                fuzz_fail("group '%s' in splits %d and %d", r->f[col], *g, s);
            *g = s;
        }
        if (by == BY_CLASS)
            ((long long *)tp_map_put(classes, r->f[col], r->len[col], NULL))[s]++;
    }
    if (j != o.nrows)
        fuzz_fail("%zu rows in the output, %zu expected", o.nrows, j);

    if (by == BY_TIME) {
        for (int s = 0; s < 2; s++)
            for (int u = s + 1; u < 3; u++)
                if (ps[s].has_time && ps[u].has_time && ps[s].tmax >= ps[u].tmin)
                    fuzz_fail("a %s row at or after a %s row", splits[s], splits[u]);
        if ((!c->has_train_cut && (ps[1].rows || ps[2].rows)) || (!c->has_test_cut && ps[2].rows))
            fuzz_fail("rows in a split beyond a cutoff the context does not have");
    }
    if (by == BY_RANK) {
        long long want[3] = {c->n_train, c->n_val, c->n_test};
        int complete = c->nshards == 1 && (long long)o.nrows == c->shards[0].kept;
        for (int s = 0; s < 3; s++)
            if (ps[s].rows > want[s] || (complete && ps[s].rows != want[s]))
                fuzz_fail("random: %lld %s rows, %lld in the context", ps[s].rows, splits[s],
                          want[s]);
    }
    if (by == BY_CLASS) {
        for (size_t i = 0; i < tp_map_size(classes); i++) {
            const char *v = tp_map_key(classes, i, NULL);
            const long long *got = tp_map_val(classes, i);
            const tp_class *cl = NULL;
            for (size_t k = 0; k < c->nclass && !cl; k++)
                if (strcmp(c->classes[k].value, v) == 0)
                    cl = &c->classes[k];
            if (!cl)
                fuzz_fail("stratified: class '%s' is not in the context", v);
            long long want[3] = {cl->n_train, cl->n_val, cl->n_test};
            int complete = c->nshards == 1 && got[0] + got[1] + got[2] == cl->n;
            for (int s = 0; s < 3; s++)
                if (got[s] > want[s] || (complete && got[s] != want[s]))
                    fuzz_fail("stratified: class '%s': %lld %s rows, %lld in the context", v,
                              got[s], splits[s], want[s]);
        }
    }
    if (a & 32)
        check_audit(ps, by == BY_JOB ? c->job : NULL, (long long)o.nrows * keys_per_row);
    if (((a >> 3) & 3) >= 2 && t.bad + bad_dates > 0)
        check_rejects(rejects, z->in, t.bad + bad_dates);
    else if (exists(rejects))
        fuzz_fail("a rejects file without bad rows or without --rejects");
    tp_map_free(groups);
    tp_map_free(classes);
    table_free(&o);
    table_free(&t);
}
