/*
 * Fuzz target: tp-transform. The first byte chooses the command line, the rest is the
 * shard:
 *   bits 0-2: the context, build/fuzz/ctx/N (tests/fuzz/contexts.sh: temporal with
 *             dedup, random, stratified, stratified with dedup, group, hash on the
 *             label column without -l, temporal with --concat, a validation job)
 *   bits 3-4: --on-bad-row fail, skip, quarantine --rejects, skip --rejects
 *   bit 5:    --tsv
 *   bit 6:    -s with the sample's header (the shard is headerless)
 *   bit 7:    -n 1, a shard the context does not know, instead of -n 0
 * A successful run's output is read back and must be exactly the rows of the shard that
 * pass 2 keeps (a label, a time and a key where the context has them, and for dedup a
 * row of the keep list), each with every field as in the shard, the label mapped through
 * the vocabulary and the concatenated columns joined; the rejects file holds exactly
 * the bad rows.
 */
#define FUZZ_NOPT 1
#include "driver.c"


static void
fuzz_options(struct fuzz *z)
{
    uint8_t a = z->opt[0];
    fuzz_ctx(a & 7); /* a missing context is an error of the setup, not of the tool */
    fuzz_arg(z, "-c");
    fuzz_arg(z, fuzz_ctx_dir(a & 7));
    fuzz_arg(z, "-n");
    fuzz_arg(z, a & 128 ? "1" : "0");
    fuzz_policy(z, (a >> 3) & 3);
    if (a & 32)
        fuzz_arg(z, "--tsv");
    if (a & 64) {
        fuzz_arg(z, "-s");
        fuzz_arg(z, fuzz_signature());
    }
}

/* The row indexes of the keep list of shard 0, ascending; their count. */
static size_t
keep_list(int n, long long **v)
{
    char *path = tp_keep_path(fuzz_ctx_dir(n), 0);
    FILE *f = fopen(path, "r");
    if (!f)
        fuzz_fail("cannot read %s", path);
    size_t k = 0, cap = 16;
    *v = malloc(cap * sizeof **v);
    long long x;
    while (fscanf(f, "%lld", &x) == 1) {
        if (k == cap)
            *v = realloc(*v, (cap *= 2) * sizeof **v);
        (*v)[k++] = x;
    }
    fclose(f);
    free(path);
    return k;
}

/* Output row o is input row r through the context: 0 when it is, else the column. */
static long
differs(const tp_context *c, const struct rec *o, const struct rec *r)
{
    for (size_t i = 0; i < c->nin; i++) {
        if ((long)i == c->label && c->vocab) {
            int64_t k;
            if (tp_parse_int64(o->f[i], o->len[i], &k) < 0 || k < 0 || (size_t)k >= c->nvocab ||
                strcmp(c->vocabv[k], r->f[i]) != 0)
                return (long)i + 1;
        } else if (is_missing(r, (long)i) ? o->len[i] != 0 : !field_eq(o, i, r, i)) {
            return (long)i + 1; /* a missing value is written empty, whatever its spelling */
        }
    }
    for (size_t k = 0; k < c->nconcat; k++) {
        char buf[65536];
        size_t len = 0;
        for (size_t j = 0; j < c->concat[k].n; j++) {
            size_t s = c->concat[k].src[j];
            int missing = is_missing(r, (long)s);
            size_t n = missing ? 9 : r->len[s];
            if (len + n + 1 > sizeof buf)
                return 0; /* too long to check here */
            if (j)
                buf[len++] = '|';
            memcpy(buf + len, missing ? "[MISSING]" : r->f[s], n);
            len += n;
        }
        if (o->len[c->nin + k] != len || memcmp(o->f[c->nin + k], buf, len) != 0)
            return (long)(c->nin + k) + 1;
    }
    return 0;
}

static void
fuzz_check(struct fuzz *z)
{
    uint8_t a = z->opt[0];
    int n = a & 7, policy = (a >> 3) & 3 ? TP_BAD_SKIP : TP_BAD_FAIL;
    const char *rejects = fuzz_path("rejects.csv");
    if (z->status != 0) {
        if (exists(rejects))
            fuzz_fail("a failed run left a rejects file");
        return;
    }
    const tp_context *c = fuzz_ctx(n);
    struct table o, t;
    table_load_mem(&o, z->out, z->nout, ',', TP_BAD_FAIL);
    if (o.rc != 0)
        fuzz_fail("the output does not read back: %s", o.msg);
    if (o.ncols != c->nout)
        fuzz_fail("%zu columns in the output, %zu in the context", o.ncols, c->nout);
    for (size_t i = 0; i < c->nout; i++)
        if (strcmp(o.cols[i], c->out[i]) != 0)
            fuzz_fail("output column %zu is '%s', '%s' in the context", i, o.cols[i], c->out[i]);
    table_load(&t, z->in, a & 32 ? '\t' : ',', a & 64 ? sample_cols : NULL, a & 64 ? NSAMPLE : 0,
               policy);
    if (t.rc != 0)
        fuzz_fail("tp-transform succeeded on a shard the reader refuses: %s", t.msg);

    long long *keep = NULL, bad_dates = 0;
    size_t nkeep = c->dedup >= 0 ? keep_list(n, &keep) : 0, k = 0, j = 0;
    for (size_t i = 0; i < t.nrows; i++) {
        const struct rec *r = &t.rows[i];
        int64_t when;
        if (c->temporal >= 0 && !is_missing(r, c->temporal) &&
            tp_parse_time(r->f[c->temporal], r->len[c->temporal], &when) < 0) {
            bad_dates++;
            continue;
        }
        if ((c->label >= 0 && is_missing(r, c->label)) ||
            (c->temporal >= 0 && is_missing(r, c->temporal)) ||
            (c->dedup >= 0 && is_missing(r, c->dedup)))
            continue;
        if (c->dedup >= 0) {
            while (k < nkeep && keep[k] < r->index)
                k++;
            if (k == nkeep || keep[k] != r->index)
                continue;
        }
        if (j == o.nrows)
            fuzz_fail("row %lld of the shard is missing from the output", r->index);
        long col = differs(c, &o.rows[j], r);
        if (col)
            fuzz_fail("output row %zu differs from row %lld of the shard in column '%s'", j,
                      r->index, c->out[col - 1]);
        j++;
    }
    if (j != o.nrows)
        fuzz_fail("%zu rows in the output, %zu expected", o.nrows, j);
    if (c->dedup >= 0 && o.nrows != nkeep)
        fuzz_fail("%zu rows in the output, %zu in the keep list", o.nrows, nkeep);
    if (((a >> 3) & 3) >= 2 && t.bad + bad_dates > 0)
        check_rejects(rejects, z->in, t.bad + bad_dates);
    else if (exists(rejects))
        fuzz_fail("a rejects file without bad rows or without --rejects");
    free(keep);
    table_free(&o);
    table_free(&t);
}
