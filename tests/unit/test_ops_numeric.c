/*
 * The numeric transforms (zscore, minmax, bucketize, hash, log1p) through the operation
 * interface alone (op.h), as the driver will call them: parse of a spec, finish on
 * accumulators filled by hand (moments by tp_moments_add, tallies written as files),
 * the fit record written and read back, JSON members, output columns and apply; the
 * quantile boundaries against a brute-force computation on random data.
 */
#include "err.h"
#include "hash.h"
#include "op.h"
#include "record.h"
#include "text.h"
#include "unit.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* A transform from "OP:COL[:KEY=VALUE...]", parsed: 0, or -1 (t->op NULL when the
 * operation is unknown). Values hold no ':' in these tests. */
static int
tf_new(tp_tf *t, const char *spec, uint64_t seed)
{
    memset(t, 0, sizeof *t);
    t->spec = tp_xstrdup(spec);
    t->seed = seed;
    char *s = tp_xstrdup(spec), *save = NULL;
    char *op = strtok_r(s, ":", &save), *col = strtok_r(NULL, ":", &save), *kv;
    t->op = tp_op_find(op);
    t->col = tp_xstrdup(col ? col : "");
    t->key = tp_xcalloc(8, sizeof *t->key);
    t->val = tp_xcalloc(8, sizeof *t->val);
    while ((kv = strtok_r(NULL, ":", &save)) && t->nkv < 8) {
        char *eq = strchr(kv, '=');
        t->key[t->nkv] = tp_xmemdup(kv, eq ? (size_t)(eq - kv) : strlen(kv));
        t->val[t->nkv++] = tp_xstrdup(eq ? eq + 1 : "");
    }
    free(s);
    return t->op ? t->op->parse(t) : -1;
}

static void
tf_free(tp_tf *t)
{
    if (t->op && t->op->free)
        t->op->free(t);
    for (size_t i = 0; i < t->nkv; i++)
        free(t->key[i]), free(t->val[i]);
    free(t->key), free(t->val), free(t->spec), free(t->col);
}

/* The usage message of a spec that does not parse, or "" when it parses. */
static const char *
parse_err(const char *spec)
{
    static char msg[1024];
    tp_tf t;
    int rc = tf_new(&t, spec, 0);
    snprintf(msg, sizeof msg, "%s", rc < 0 ? tp_errmsg() : "");
    tf_free(&t);
    return msg;
}

/* apply to s (NULL: missing) as text: "<missing>", or "<error: MESSAGE>". */
static const char *
ap(tp_tf *t, const char *s)
{
    static char res[1100];
    tp_tfval in = {s, s ? strlen(s) : 0, s == NULL}, out;
    if (t->op->apply(t, &in, &out, NULL) < 0)
        snprintf(res, sizeof res, "<error: %s>", tp_errmsg());
    else if (out.missing)
        snprintf(res, sizeof res, "<missing>");
    else
        snprintf(res, sizeof res, "%.*s", (int)out.n, out.s);
    return res;
}

static int
ap_is(tp_tf *t, const char *s, const char *want)
{
    const char *got = ap(t, s);
    if (strcmp(got, want) == 0)
        return 1;
    fprintf(stderr, "%s: apply '%s': got '%s', want '%s'\n", t->spec, s ? s : "<missing>", got,
            want);
    return 0;
}

/* The fit record's fields as write_fit gives them, TAB-separated (no LF). */
static const char *
fit_text(const tp_tf *t)
{
    static char res[4096];
    tp_out *o = tp_out_mem();
    int rc = t->op->write_fit(t, o);
    snprintf(res, sizeof res, "%s%.*s", rc < 0 ? "<error>" : "", (int)o->len, o->buf);
    tp_out_abort(o);
    return res;
}

static const char *
json_text(const tp_tf *t)
{
    static char res[4096];
    tp_out *o = tp_out_mem();
    int rc = t->op->json(t, o);
    snprintf(res, sizeof res, "%s%.*s", rc < 0 ? "<error>" : "", (int)o->len, o->buf);
    tp_out_abort(o);
    return res;
}

/* A fresh transform of t's spec that reads t's fit record back (as --fit-from does):
 * 0, or -1 with the message recorded. */
static int
reread(const tp_tf *t, tp_tf *u)
{
    char *line = tp_xstrdup(fit_text(t)), **f = NULL;
    size_t cap = 0, n = *line ? tp_fields_split(line, &f, &cap) : 0;
    int rc = tf_new(u, t->spec, t->seed);
    if (rc == 0)
        rc = u->op->read_fit(u, f, n, "/nonexistent");
    free(f);
    free(line);
    return rc;
}

/* read_fit of the fields given as one TAB-separated string on a fresh t of spec. */
static const char *
read_err(const char *spec, const char *fields)
{
    static char msg[1024];
    tp_tf t;
    char *line = tp_xstrdup(fields), **f = NULL;
    size_t cap = 0, n = *line ? tp_fields_split(line, &f, &cap) : 0;
    int rc = tf_new(&t, spec, 0);
    if (rc == 0)
        rc = t.op->read_fit(&t, f, n, "/nonexistent");
    snprintf(msg, sizeof msg, "%s", rc < 0 ? tp_errmsg() : "");
    free(f);
    free(line);
    tf_free(&t);
    return msg;
}

/* Moments over xs[0..n-1], finish, and the fit record. */
static int
fit_moments(tp_tf *t, const double *xs, size_t n, long long missing)
{
    tp_moments m;
    tp_moments_init(&m);
    for (size_t i = 0; i < n; i++)
        tp_moments_add(&m, xs[i]);
    tp_fitdata d = {.rows = (long long)n + missing,
                    .missing = missing,
                    .values = (long long)n,
                    .mom = &m,
                    .col = t->col};
    return t->op->finish(t, &d);
}

/* Every value of ins gives the same output through t and through its re-read fit. */
static int
same_after_reread(const tp_tf *t, const char *const *ins)
{
    tp_tf u;
    int ok = reread(t, &u) == 0;
    for (size_t i = 0; ok && ins[i]; i++) {
        char a[1100];
        snprintf(a, sizeof a, "%s", ap((tp_tf *)t, ins[i]));
        ok = ap_is(&u, ins[i], a);
    }
    ok = ok && strcmp(fit_text(t), fit_text(&u)) == 0 && strcmp(json_text(t), json_text(&u)) == 0;
    tf_free(&u);
    return ok;
}

static int
columns_are(const tp_tf *t, const char *intype, const char *type)
{
    tp_tfcol *c = NULL;
    size_t n = 0;
    t->op->columns(t, "col", intype, &c, &n);
    int ok = n == 1 && strcmp(c[0].name, "col") == 0 && strcmp(c[0].type, type) == 0;
    for (size_t i = 0; i < n; i++)
        free(c[i].name);
    free(c);
    return ok;
}

static const char *const edge_ins[] = {"0",      "-0",  "1",    "2.5",    "-3",    "1e308",
                                       "-1e308", "inf", "-inf", "1e-320", "7.125", NULL};

static void
test_zscore(void)
{
    CHECK(strcmp(parse_err("zscore:x"), "") == 0);
    tp_tf t;
    CHECK(tf_new(&t, "zscore:x", 0) == 0);
    CHECK(t.op->flags == TP_OP_NUMERIC && t.op->acc(&t) == TP_ACC_MOMENTS);
    CHECK(t.op->keys[0] == NULL);
    CHECK(columns_are(&t, "int64", "float64"));
    const double xs[] = {1, 2, 3, 4};
    CHECK(fit_moments(&t, xs, 4, 3) == 0);
    /* mean 2.5, population std sqrt(1.25) (StandardScaler; pandas' std() would be n-1) */
    CHECK(strcmp(fit_text(&t), "2.5\t1.1180339887498949") == 0);
    CHECK(strcmp(json_text(&t), ", \"mean\": 2.5, \"std\": 1.1180339887498949") == 0);
    CHECK(ap_is(&t, "2.5", "0"));
    CHECK(ap_is(&t, "4", "1.3416407864998738"));
    CHECK(ap_is(&t, "1", "-1.3416407864998738"));
    CHECK(ap_is(&t, "inf", "inf") && ap_is(&t, "-inf", "-inf"));
    CHECK(ap_is(&t, NULL, "<missing>"));
    CHECK(ap_is(&t, "-0", "-2.23606797749979"));
    CHECK(same_after_reread(&t, edge_ins));
    tf_free(&t);

    /* std 0: every value gives 0, the mean itself included, and -0 is written 0 */
    CHECK(tf_new(&t, "zscore:x", 0) == 0);
    const double same[] = {-0.0, 0, 0};
    CHECK(fit_moments(&t, same, 3, 0) == 0);
    CHECK(strcmp(fit_text(&t), "0\t0") == 0);
    CHECK(ap_is(&t, "0", "0") && ap_is(&t, "-0", "0") && ap_is(&t, "5", "0"));
    CHECK(ap_is(&t, "inf", "0"));
    CHECK(same_after_reread(&t, edge_ins));
    /* one value: std 0 too */
    const double one[] = {-5};
    CHECK(fit_moments(&t, one, 1, 0) == 0 && ap_is(&t, "-5", "0"));
    tf_free(&t);

    CHECK(tf_new(&t, "zscore:x", 0) == 0);
    CHECK(fit_moments(&t, NULL, 0, 5) < 0);
    CHECK(strcmp(tp_errmsg(), "zscore:x: no values to fit on (5 fitting rows, all missing)") == 0);
    const double withinf[] = {1, INFINITY};
    CHECK(fit_moments(&t, withinf, 2, 0) < 0);
    CHECK(strstr(tp_errmsg(), "zscore:x: the fit is not finite (mean inf") == tp_errmsg());
    const double huge[] = {1e300, -1e300};
    CHECK(fit_moments(&t, huge, 2, 0) < 0); /* M2 overflows */
    tf_free(&t);

    CHECK(strcmp(read_err("zscore:x", "1\t2"), "") == 0);
    CHECK(strcmp(read_err("zscore:x", "1"), "1 fields for zscore, expected 2 (mean std)") == 0);
    CHECK(strcmp(read_err("zscore:x", "1\t2\t3"), "3 fields for zscore, expected 2 (mean std)") ==
          0);
    CHECK(strcmp(read_err("zscore:x", "1\tx"), "not a number: 'x'") == 0);
    CHECK(strcmp(read_err("zscore:x", "1\t-1"),
                 "zscore: not a finite mean and std >= 0: '1' '-1'") == 0);
    CHECK(strcmp(read_err("zscore:x", "inf\t1"),
                 "zscore: not a finite mean and std >= 0: 'inf' '1'") == 0);
    CHECK(strcmp(read_err("zscore:x", "1\tnan"),
                 "zscore: not a finite mean and std >= 0: '1' 'nan'") == 0);
}

static void
test_minmax(void)
{
    CHECK(strcmp(parse_err("minmax:x"), "") == 0);
    CHECK(strcmp(parse_err("minmax:x:clip=0"), "") == 0);
    CHECK(strcmp(parse_err("minmax:x:clip=1"), "") == 0);
    CHECK(strcmp(parse_err("minmax:x:clip=2"),
                 "--transform minmax:x:clip=2: clip: not an integer in [0, 1]: '2'") == 0);
    CHECK(strcmp(parse_err("minmax:x:clip=true"),
                 "--transform minmax:x:clip=true: clip: not an integer in [0, 1]: 'true'") == 0);
    CHECK(strcmp(parse_err("minmax:x:clip="),
                 "--transform minmax:x:clip=: clip: not an integer in [0, 1]: ''") == 0);
    CHECK(strcmp(parse_err("minmax:x:clip= 1"),
                 "--transform minmax:x:clip= 1: clip: not an integer in [0, 1]: ' 1'") == 0);

    tp_tf t;
    CHECK(tf_new(&t, "minmax:x", 0) == 0);
    CHECK(t.op->flags == TP_OP_NUMERIC && t.op->acc(&t) == TP_ACC_MOMENTS);
    CHECK(strcmp(t.op->keys[0], "clip") == 0 && t.op->keys[1] == NULL);
    CHECK(columns_are(&t, "float64", "float64"));
    const double xs[] = {4, -2, 10, 1};
    CHECK(fit_moments(&t, xs, 4, 0) == 0);
    CHECK(strcmp(fit_text(&t), "-2\t10\t0") == 0);
    CHECK(strcmp(json_text(&t), ", \"min\": -2, \"max\": 10, \"clip\": false") == 0);
    CHECK(ap_is(&t, "-2", "0") && ap_is(&t, "10", "1") && ap_is(&t, "4", "0.5"));
    CHECK(ap_is(&t, "22", "2") && ap_is(&t, "-14", "-1")); /* outside, not clipped */
    CHECK(ap_is(&t, "inf", "inf") && ap_is(&t, "-inf", "-inf"));
    CHECK(ap_is(&t, "-0", "0.16666666666666666"));
    CHECK(ap_is(&t, NULL, "<missing>"));
    CHECK(same_after_reread(&t, edge_ins));
    tf_free(&t);

    CHECK(tf_new(&t, "minmax:x:clip=1", 0) == 0);
    CHECK(fit_moments(&t, xs, 4, 0) == 0);
    CHECK(strcmp(fit_text(&t), "-2\t10\t1") == 0);
    CHECK(strcmp(json_text(&t), ", \"min\": -2, \"max\": 10, \"clip\": true") == 0);
    CHECK(ap_is(&t, "22", "1") && ap_is(&t, "-14", "0") && ap_is(&t, "4", "0.5"));
    CHECK(ap_is(&t, "inf", "1") && ap_is(&t, "-inf", "0"));
    CHECK(same_after_reread(&t, edge_ins));
    tf_free(&t);

    /* max == min: 0 for everything, clipped or not */
    CHECK(tf_new(&t, "minmax:x", 0) == 0);
    const double same[] = {3, 3};
    CHECK(fit_moments(&t, same, 2, 0) == 0);
    CHECK(ap_is(&t, "3", "0") && ap_is(&t, "100", "0") && ap_is(&t, "-inf", "0"));
    CHECK(same_after_reread(&t, edge_ins));
    /* a range wider than DBL_MAX: no overflow to NaN */
    const double wide[] = {-1.5e308, 1.5e308};
    CHECK(fit_moments(&t, wide, 2, 0) == 0);
    CHECK(ap_is(&t, "1.5e308", "1") && ap_is(&t, "-1.5e308", "0") && ap_is(&t, "0", "0.5"));
    CHECK(ap_is(&t, "inf", "inf"));
    CHECK(same_after_reread(&t, edge_ins));
    CHECK(fit_moments(&t, NULL, 0, 2) < 0);
    CHECK(strcmp(tp_errmsg(), "minmax:x: no values to fit on (2 fitting rows, all missing)") == 0);
    const double withinf[] = {1, -INFINITY};
    CHECK(fit_moments(&t, withinf, 2, 0) < 0);
    CHECK(strcmp(tp_errmsg(),
                 "minmax:x: the fit is not finite (min -inf, max 1): infinite values") == 0);
    tf_free(&t);

    CHECK(strcmp(read_err("minmax:x", "1\t2\t0"), "") == 0);
    CHECK(strcmp(read_err("minmax:x", "1\t2"), "2 fields for minmax, expected 3 (min max clip)") ==
          0);
    CHECK(strcmp(read_err("minmax:x", "2\t1\t0"), "minmax: not a finite min <= max: '2' '1'") == 0);
    CHECK(strcmp(read_err("minmax:x", "1\t2\t2"), "minmax: clip not 0 or 1: '2'") == 0);
    CHECK(strcmp(read_err("minmax:x", "1\t2\tno"), "not an integer: 'no'") == 0);
    /* the record's clip is the fit's */
    tp_tf u;
    char line[] = "0\t10\t1", **f = NULL;
    size_t cap = 0, n = tp_fields_split(line, &f, &cap);
    CHECK(tf_new(&u, "minmax:x", 0) == 0 && u.op->read_fit(&u, f, n, ".") == 0);
    CHECK(ap_is(&u, "20", "1"));
    free(f);
    tf_free(&u);
}

/* A tally file of the sorted xs[0..n-1] as the driver leaves it: one line per distinct
 * number, ascending, "KEY<TAB>COUNT". */
static void
write_tally(const char *path, const double *xs, size_t n)
{
    FILE *fp = fopen(path, "w");
    CHECK(fp != NULL);
    if (!fp)
        return;
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && xs[j] == xs[i])
            j++;
        char key[17];
        tp_tally_numkey(xs[i], key);
        fprintf(fp, "%s\t%zu\n", key, j - i);
        i = j;
    }
    CHECK(fclose(fp) == 0);
}

static int
cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* finish of t on the values xs[0..n-1] (sorted here) through a tally file in dir. */
static int
fit_numbers(tp_tf *t, const char *dir, double *xs, size_t n, long long missing)
{
    char path[256];
    snprintf(path, sizeof path, "%s/tally", dir);
    if (n > 0)
        qsort(xs, n, sizeof *xs, cmp_double);
    write_tally(path, xs, n);
    tp_tally_rd *r = tp_tally_open(path, 1);
    CHECK(r != NULL);
    if (!r)
        return -1;
    tp_fitdata d = {.rows = (long long)n + missing,
                    .missing = missing,
                    .values = (long long)n,
                    .tally = r,
                    .col = t->col};
    int rc = t->op->finish(t, &d);
    tp_tally_close(r);
    unlink(path);
    return rc;
}

/* The boundaries by definition, from the sorted xs: the record "count b_1 ...". */
static void
brute_boundaries(const double *xs, size_t n, long long nb, char *out, size_t size, double *b,
                 size_t *count)
{
    size_t len = 0;
    *count = 0;
    for (long long i = 1; i < nb; i++) {
        double x = xs[(size_t)((unsigned long long)i * n / (unsigned long long)nb)];
        if (*count == 0 || b[*count - 1] != x)
            b[(*count)++] = x;
    }
    len += (size_t)snprintf(out + len, size - len, "%zu", *count);
    for (size_t i = 0; i < *count && len < size; i++)
        len += (size_t)snprintf(out + len, size - len, "\t%.17g", b[i]);
}

static void
test_bucketize(const char *dir)
{
    CHECK(strcmp(parse_err("bucketize:x:buckets=2"), "") == 0);
    CHECK(strcmp(parse_err("bucketize:x:buckets=1000000"), "") == 0);
    CHECK(strcmp(parse_err("bucketize:x"), "--transform bucketize:x: buckets=N is required") == 0);
    CHECK(strcmp(parse_err("bucketize:x:buckets=0"),
                 "--transform bucketize:x:buckets=0: buckets: not an integer in [2, 1000000]: "
                 "'0'") == 0);
    CHECK(strcmp(parse_err("bucketize:x:buckets=1"),
                 "--transform bucketize:x:buckets=1: buckets: not an integer in [2, 1000000]: "
                 "'1'") == 0);
    CHECK(strcmp(parse_err("bucketize:x:buckets=1000001"),
                 "--transform bucketize:x:buckets=1000001: buckets: not an integer in [2, "
                 "1000000]: '1000001'") == 0);
    CHECK(strcmp(parse_err("bucketize:x:buckets=4x"),
                 "--transform bucketize:x:buckets=4x: buckets: not an integer in [2, 1000000]: "
                 "'4x'") == 0);

    tp_tf t;
    CHECK(tf_new(&t, "bucketize:x:buckets=4", 0) == 0);
    CHECK(t.op->flags == TP_OP_NUMERIC && t.op->acc(&t) == TP_ACC_NUMBERS);
    CHECK(strcmp(t.op->keys[0], "buckets") == 0 && t.op->keys[1] == NULL);
    CHECK(columns_are(&t, "float64", "int64"));
    /* 8 values, ranks 2, 4, 6: 3, 5, 7 */
    double xs[] = {8, 7, 6, 5, 4, 3, 2, 1};
    CHECK(fit_numbers(&t, dir, xs, 8, 1) == 0);
    CHECK(strcmp(fit_text(&t), "3\t3\t5\t7") == 0);
    CHECK(strcmp(json_text(&t), ", \"boundaries\": [3, 5, 7]") == 0);
    /* a value equal to a boundary is in the bucket above it */
    CHECK(ap_is(&t, "1", "0") && ap_is(&t, "2.999", "0") && ap_is(&t, "3", "1"));
    CHECK(ap_is(&t, "5", "2") && ap_is(&t, "6.5", "2") && ap_is(&t, "7", "3"));
    CHECK(ap_is(&t, "1e300", "3") && ap_is(&t, "inf", "3") && ap_is(&t, "-inf", "0"));
    CHECK(ap_is(&t, NULL, "<missing>"));
    CHECK(same_after_reread(&t, edge_ins));
    tf_free(&t);

    /* duplicates collapse; -0 and 0 are one number, and x = -0 meets a boundary 0 */
    CHECK(tf_new(&t, "bucketize:x:buckets=3", 0) == 0);
    double zs[] = {-0.0, 0, 0, 0, -0.0, 1};
    CHECK(fit_numbers(&t, dir, zs, 6, 0) == 0);
    CHECK(strcmp(fit_text(&t), "1\t0") == 0);
    CHECK(ap_is(&t, "-0", "1") && ap_is(&t, "0", "1") && ap_is(&t, "-1e-320", "0"));
    CHECK(same_after_reread(&t, edge_ins));
    /* fewer values than buckets: rank 0 is a boundary too */
    double few[] = {5, 9};
    tf_free(&t);
    CHECK(tf_new(&t, "bucketize:x:buckets=5", 0) == 0);
    CHECK(fit_numbers(&t, dir, few, 2, 0) == 0);
    CHECK(strcmp(fit_text(&t), "2\t5\t9") == 0);
    CHECK(ap_is(&t, "4", "0") && ap_is(&t, "5", "1") && ap_is(&t, "9", "2"));
    CHECK(fit_numbers(&t, dir, NULL, 0, 3) < 0);
    CHECK(strcmp(tp_errmsg(),
                 "bucketize:x:buckets=5: no values to fit on (3 fitting rows, all missing)") == 0);
    double inf[] = {1, 2, INFINITY, INFINITY, INFINITY};
    CHECK(fit_numbers(&t, dir, inf, 5, 0) < 0);
    CHECK(strcmp(tp_errmsg(), "bucketize:x:buckets=5: an infinite boundary (inf): the fit needs "
                              "finite values") == 0);
    double inftail[] = {1, 2, 3, 4, 5, INFINITY}; /* ranks 1..4 of 6: inf is no boundary */
    CHECK(fit_numbers(&t, dir, inftail, 6, 0) == 0);
    CHECK(strcmp(fit_text(&t), "4\t2\t3\t4\t5") == 0);
    tf_free(&t);

    /* a tally that disagrees with the count of values */
    CHECK(tf_new(&t, "bucketize:x:buckets=2", 0) == 0);
    char path[256];
    snprintf(path, sizeof path, "%s/tally", dir);
    double two[] = {1, 2};
    write_tally(path, two, 2);
    tp_tally_rd *r = tp_tally_open(path, 1);
    tp_fitdata d = {.rows = 3, .values = 3, .tally = r};
    CHECK(r && t.op->finish(&t, &d) < 0);
    CHECK(strcmp(tp_errmsg(), "bucketize:x:buckets=2: the tally holds 2 values, 3 counted") == 0);
    tp_tally_close(r);
    d.tally = r = tp_tally_open(path, 1);
    d.values = d.rows = 1;
    CHECK(r && t.op->finish(&t, &d) < 0);
    CHECK(strcmp(tp_errmsg(),
                 "bucketize:x:buckets=2: the tally is longer than the values counted") == 0);
    tp_tally_close(r);
    FILE *fp = fopen(path, "w");
    char k1[17], k2[17];
    tp_tally_numkey(2, k1);
    tp_tally_numkey(1, k2);
    fprintf(fp, "%s\t1\n%s\t1\n", k1, k2);
    fclose(fp);
    d.tally = r = tp_tally_open(path, 1);
    d.values = d.rows = 2;
    CHECK(r && t.op->finish(&t, &d) < 0);
    CHECK(strcmp(tp_errmsg(), "bucketize:x:buckets=2: the tally is not ascending") == 0);
    tp_tally_close(r);
    unlink(path);
    tf_free(&t);

    CHECK(strcmp(read_err("bucketize:x:buckets=3", "2\t1\t2"), "") == 0);
    CHECK(strcmp(read_err("bucketize:x:buckets=3", ""),
                 "no fields for bucketize, expected count b_1 ...") == 0);
    CHECK(strcmp(read_err("bucketize:x:buckets=3", "3\t1\t2\t3"),
                 "bucketize: 3 boundaries in 3 fields (buckets=3)") == 0);
    CHECK(strcmp(read_err("bucketize:x:buckets=3", "2\t1"),
                 "bucketize: 2 boundaries in 1 fields (buckets=3)") == 0);
    CHECK(strcmp(read_err("bucketize:x:buckets=3", "0"),
                 "bucketize: 0 boundaries in 0 fields (buckets=3)") == 0);
    CHECK(strcmp(read_err("bucketize:x:buckets=3", "2\t2\t2"),
                 "bucketize: boundary 2 not finite and above the last: '2'") == 0);
    CHECK(strcmp(read_err("bucketize:x:buckets=3", "2\t1\tinf"),
                 "bucketize: boundary 2 not finite and above the last: 'inf'") == 0);
    CHECK(strcmp(read_err("bucketize:x:buckets=3", "2\t1\tz"), "not a number: 'z'") == 0);

    /* random data with many duplicates against the definition, boundaries and buckets */
    srand(11);
    enum { MAXN = 600 };
    static double vals[MAXN], b[MAXN];
    int bad = 0;
    for (int round = 0; round < 300 && !bad; round++) {
        size_t n = 1 + (size_t)rand() % MAXN;
        int distinct = 1 + rand() % (round % 3 == 0 ? 4 : 60);
        for (size_t i = 0; i < n; i++)
            vals[i] = (rand() % distinct - distinct / 2) * 0.25;
        long long nb = 2 + rand() % (round % 5 == 0 ? 1200 : 12);
        char spec[64], want[16384];
        snprintf(spec, sizeof spec, "bucketize:x:buckets=%lld", nb);
        CHECK(tf_new(&t, spec, 0) == 0);
        CHECK(fit_numbers(&t, dir, vals, n, 0) == 0);
        size_t count;
        brute_boundaries(vals, n, nb, want, sizeof want, b, &count);
        if (strcmp(fit_text(&t), want) != 0) {
            fprintf(stderr, "%s n=%zu: got '%s', want '%s'\n", spec, n, fit_text(&t), want);
            bad = 1;
        }
        /* each fitting value and each midpoint between boundaries */
        for (size_t i = 0; i < n + count && !bad; i++) {
            double x = i < n ? vals[i] : b[i - n] - 0.125;
            long long k = 0;
            while ((size_t)k < count && b[k] <= x)
                k++;
            char in[32], out[32];
            snprintf(in, sizeof in, "%.17g", x);
            snprintf(out, sizeof out, "%lld", k);
            bad = !ap_is(&t, in, out);
        }
        tf_free(&t);
    }
    CHECK(!bad);
}

static void
test_hash_op(void)
{
    CHECK(strcmp(parse_err("hash:x:buckets=1"), "") == 0);
    CHECK(strcmp(parse_err("hash:x:buckets=2147483647"), "") == 0);
    CHECK(strcmp(parse_err("hash:x"), "--transform hash:x: buckets=N is required") == 0);
    CHECK(strcmp(parse_err("hash:x:buckets=0"),
                 "--transform hash:x:buckets=0: buckets: not an integer in [1, 2147483647]: "
                 "'0'") == 0);
    CHECK(strcmp(parse_err("hash:x:buckets=2147483648"),
                 "--transform hash:x:buckets=2147483648: buckets: not an integer in [1, "
                 "2147483647]: '2147483648'") == 0);
    CHECK(strcmp(parse_err("hash:x:buckets=-3"),
                 "--transform hash:x:buckets=-3: buckets: not an integer in [1, 2147483647]: "
                 "'-3'") == 0);

    tp_tf t;
    CHECK(tf_new(&t, "hash:x:buckets=1000", 42) == 0);
    CHECK(t.op->flags == TP_OP_PREFIX && t.op->acc(&t) == 0);
    CHECK(strcmp(t.op->keys[0], "buckets") == 0 && t.op->keys[1] == NULL);
    CHECK(columns_are(&t, "object", "int64"));
    tp_fitdata d = {.rows = 0};
    CHECK(t.op->finish(&t, &d) == 0);
    CHECK(strcmp(fit_text(&t), "") == 0);
    CHECK(strcmp(json_text(&t), ", \"buckets\": 1000, \"seed\": 42") == 0);
    /* the split hash, pinned in test_hash.c: 0x64958ae8a32f3856 % 1000 */
    char want[32];
    snprintf(want, sizeof want, "%llu", (unsigned long long)(0x64958ae8a32f3856ULL % 1000));
    CHECK(ap_is(&t, "C0001", want));
    CHECK(ap_is(&t, NULL, "<missing>"));
    /* text, not numbers: "1" and "1.0" are different values; "" is hashed as given */
    snprintf(want, sizeof want, "%llu", (unsigned long long)(tp_hash_value(42, "1.0", 3) % 1000));
    CHECK(ap_is(&t, "1.0", want));
    const char *const ins[] = {"C0001", "", "abc", "1", "1.0", "-0", NULL};
    CHECK(same_after_reread(&t, ins));
    tf_free(&t);

    /* another seed, another bucket; buckets=1 gives 0 for everything */
    tp_tf u;
    CHECK(tf_new(&t, "hash:x:buckets=2147483647", 1) == 0);
    CHECK(tf_new(&u, "hash:x:buckets=2147483647", 2) == 0);
    char a[64];
    snprintf(a, sizeof a, "%s", ap(&t, "C0001"));
    CHECK(strcmp(a, ap(&u, "C0001")) != 0);
    snprintf(want, sizeof want, "%llu",
             (unsigned long long)(tp_hash_value(1, "C0001", 5) % 2147483647ULL));
    CHECK(strcmp(a, want) == 0);
    tf_free(&t);
    tf_free(&u);
    CHECK(tf_new(&t, "hash:x:buckets=1", 7) == 0);
    CHECK(ap_is(&t, "anything", "0"));
    tf_free(&t);

    CHECK(strcmp(read_err("hash:x:buckets=3", ""), "") == 0);
    CHECK(strcmp(read_err("hash:x:buckets=3", "1"), "1 fields for hash, expected none") == 0);
}

static void
test_log1p(void)
{
    CHECK(strcmp(parse_err("log1p:x"), "") == 0);
    tp_tf t;
    CHECK(tf_new(&t, "log1p:x", 0) == 0);
    CHECK(t.op->flags == (TP_OP_NUMERIC | TP_OP_PREFIX) && t.op->acc(&t) == 0);
    CHECK(t.op->keys[0] == NULL);
    CHECK(columns_are(&t, "int64", "float64"));
    tp_fitdata d = {.rows = 0};
    CHECK(t.op->finish(&t, &d) == 0);
    CHECK(strcmp(fit_text(&t), "") == 0);
    CHECK(strcmp(json_text(&t), "") == 0);
    CHECK(ap_is(&t, "0", "0") && ap_is(&t, "-0", "0"));
    CHECK(ap_is(&t, "1e-20", "1e-20")); /* where log(1 + x) would give 0 */
    CHECK(ap_is(&t, "1", "0.6931471805599453"));
    CHECK(ap_is(&t, "-0.5", "-0.6931471805599453"));
    CHECK(ap_is(&t, "inf", "inf"));
    CHECK(ap_is(&t, NULL, "<missing>"));
    CHECK(ap_is(&t, "-1", "<error: log1p: not greater than -1: '-1'>"));
    CHECK(ap_is(&t, "-1.5", "<error: log1p: not greater than -1: '-1.5'>"));
    CHECK(ap_is(&t, "-inf", "<error: log1p: not greater than -1: '-inf'>"));
    const char *const ins[] = {"0", "-0", "1", "1e308", "inf", "-0.999", NULL};
    CHECK(same_after_reread(&t, ins));
    tf_free(&t);
    CHECK(strcmp(read_err("log1p:x", "0"), "1 fields for log1p, expected none") == 0);
}

void
test_ops_numeric(void)
{
    CHECK(tp_op_find("zscore") == &tp_op_zscore && tp_op_find("minmax") == &tp_op_minmax);
    CHECK(tp_op_find("bucketize") == &tp_op_bucketize && tp_op_find("hash") == &tp_op_hash);
    CHECK(tp_op_find("log1p") == &tp_op_log1p && tp_op_find("log") == NULL);
    char dir[] = "/tmp/tp-unit-opnum-XXXXXX";
    CHECK(mkdtemp(dir) != NULL);
    test_zscore();
    test_minmax();
    test_bucketize(dir);
    test_hash_op();
    test_log1p();
    rmdir(dir);
}
