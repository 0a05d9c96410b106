/*
 * The categorical operations (vocab, onehot, impute) through the op.h interface alone,
 * as the driver will run them: parse, finish on a hand-written tally, write_fit and
 * read_fit, json, columns, apply. And the vocabulary files under them (vocab.h): the
 * bytes written, the lookup in memory and by pread, and JSON strings (record.h).
 */
#include "err.h"
#include "hash.h"
#include "op.h"
#include "reader.h"
#include "record.h"
#include "unit.h"
#include "vocab.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static char dir[] = "/tmp/tp-unit-opcat-XXXXXX";

/* A transform as the driver builds it: op, spec, column and KEY=VALUE strings. */
static void
mk(tp_tf *t, const char *op, const char *spec, const char *col, const char *const *kv)
{
    memset(t, 0, sizeof *t);
    t->op = tp_op_find(op);
    t->spec = tp_xstrdup(spec);
    t->col = tp_xstrdup(col);
    while (kv && kv[t->nkv])
        t->nkv++;
    t->key = tp_xcalloc(t->nkv + 1, sizeof *t->key);
    t->val = tp_xcalloc(t->nkv + 1, sizeof *t->val);
    for (size_t i = 0; i < t->nkv; i++) {
        const char *eq = strchr(kv[i], '=');
        t->key[i] = tp_xmemdup(kv[i], (size_t)(eq - kv[i]));
        t->val[i] = tp_xstrdup(eq + 1);
    }
}

static void
rm(tp_tf *t)
{
    if (t->op && t->op->free)
        t->op->free(t);
    tp_strv_free(t->key, t->nkv);
    tp_strv_free(t->val, t->nkv);
    free(t->spec);
    free(t->col);
}

/* A tally file of "VALUE<TAB>COUNT" lines (numbers: VALUE the number's key). */
static tp_tally_rd *
tally(const char *name, int numbers, const char *const *v, const double *x, const long long *c,
      size_t n)
{
    char path[128];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    tp_out *o = tp_out_open(path, 0);
    for (size_t i = 0; i < n; i++) {
        char key[17];
        if (numbers)
            tp_tally_numkey(x[i], key);
        tp_rec_str(o, numbers ? key : v[i]);
        tp_rec_int(o, c[i]);
        tp_rec_end(o);
    }
    tp_out_commit(o, NULL);
    return tp_tally_open(path, numbers);
}

static void
fitdata(tp_fitdata *d, const char *col, tp_tally_rd *r, long long rows, long long values)
{
    memset(d, 0, sizeof *d);
    d->rows = rows;
    d->values = values;
    d->missing = rows - values;
    d->tally = r;
    d->dir = dir;
    d->memory = "1M";
    d->tmpdir = dir;
    d->col = col;
}

/* Apply to text (NULL: missing) and compare what is passed on with want (NULL: missing). */
static int
gives(tp_tf *t, const char *in, const char *want, tp_tfval *extra)
{
    tp_tfval v = {in ? in : "", in ? strlen(in) : 0, in == NULL}, out;
    if (t->op->apply(t, &v, &out, extra) < 0)
        return 0;
    if (!want)
        return out.missing;
    return !out.missing && out.n == strlen(want) && memcmp(out.s, want, out.n) == 0;
}

/* o's bytes equal want; o emptied. */
static int
bytes_are(tp_out *o, const char *want)
{
    int ok = o->len == strlen(want) && memcmp(o->buf, want, o->len) == 0;
    if (!ok)
        fprintf(stderr, "got '%.*s'\n", (int)o->len, o->buf);
    o->len = 0;
    o->rec_n = 0;
    return ok;
}

static int
file_is(const char *path, const char *want)
{
    char buf[512] = {0};
    FILE *fp = fopen(path, "r");
    if (!fp)
        return 0;
    size_t got = fread(buf, 1, sizeof buf - 1, fp);
    fclose(fp);
    return got == strlen(want) && memcmp(buf, want, got) == 0;
}

/* write_fit into memory, then read_fit of those fields into a fresh transform u. */
static int
round_trip(tp_tf *t, tp_tf *u, const char *want)
{
    tp_out *o = tp_out_mem();
    int ok = t->op->write_fit(t, o) == 0 && tp_rec_end(o) == 0;
    char *line = tp_xmemdup(o->buf, o->len - 1);
    ok = ok && bytes_are(o, want);
    tp_out_abort(o);
    char **f = NULL;
    size_t cap = 0, n = tp_fields_split(line, &f, &cap);
    ok = ok && u->op->read_fit(u, f, n, dir) == 0;
    free(f);
    free(line);
    return ok;
}

static int
json_is(const tp_tf *t, const char *want)
{
    tp_out *o = tp_out_mem();
    int ok = t->op->json(t, o) == 0 && bytes_are(o, want);
    tp_out_abort(o);
    return ok;
}

static int
is_file(const char *rel)
{
    char path[256];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", dir, rel);
    return stat(path, &st) == 0;
}

static void
test_files(void)
{
    char *s = tp_vocab_name("a/b");
    CHECK(strcmp(s, "a%2Fb") == 0);
    free(s);
    s = tp_vocab_name("..");
    CHECK(strcmp(s, "%2E.") == 0);
    free(s);
    s = tp_vocab_name("Az09_.=+-x y%\xc3\xa9");
    CHECK(strcmp(s, "Az09_.=+-x%20y%25%C3%A9") == 0);
    free(s);

    tp_out *o = tp_out_mem();
    CHECK(tp_json_str(o, "a\"b\\c\n\x01\x1f \xc3\xa9/") == 0);
    CHECK(bytes_are(o, "\"a\\\"b\\\\c\\u000a\\u0001\\u001f \xc3\xa9/\""));
    tp_out_abort(o);

    /* the awkward values: TAB, LF, backslash, a control byte that sorts below TAB, a
     * prefix of another value (escaped "a" < "a\\tb" and "a\x01" < "a\\..."), UTF-8 */
    const char *vals[] = {"a\tb", "line\nbreak", "back\\slash", "a", "a\x01", "z\xc3\xa9", "A"};
    const long long counts[] = {9, 7, 7, 5, 3, 2, 1};
    enum { NV = 7 };
    tp_vocab_w *w = tp_vocab_create(dir, "s%2Fv", "1M", NULL);
    CHECK(w != NULL);
    if (!w)
        return;
    for (int i = 0; i < NV; i++)
        CHECK(tp_vocab_add(w, vals[i], strlen(vals[i]), counts[i]) == 0);
    CHECK(!is_file("vocab/s%2Fv.txt")); /* nothing under the final names before the end */
    CHECK(tp_vocab_finish(w) == 0);
    char path[256];
    snprintf(path, sizeof path, "%s/vocab/s%%2Fv.txt", dir);
    CHECK(file_is(path,
                  "9 a\\tb\n7 line\\nbreak\n7 back\\\\slash\n5 a\n3 a\x01\n2 z\xc3\xa9\n1 A\n"));
    snprintf(path, sizeof path, "%s/vocab/s%%2Fv.idx", dir);
    CHECK(file_is(path, "A\t6\na\t3\na\x01\t4\na\\tb\t0\nback\\\\slash\t2\nline\\nbreak\t1\n"
                        "z\xc3\xa9\t5\n"));
    char sub[256];
    snprintf(sub, sizeof sub, "%s/vocab", dir);
    DIR *dp = opendir(sub);
    int nfiles = 0;
    for (struct dirent *e; dp && (e = readdir(dp));)
        nfiles += e->d_name[0] != '.';
    if (dp)
        closedir(dp);
    CHECK(nfiles == 2); /* no temporary left */

    char **v;
    long long *c;
    CHECK(tp_vocab_values(dir, "s%2Fv", 100, &v, &c) == NV);
    for (int i = 0; i < NV; i++)
        CHECK(strcmp(v[i], vals[i]) == 0 && c[i] == counts[i]);
    tp_strv_free(v, NV);
    free(c);
    CHECK(tp_vocab_values(dir, "s%2Fv", 6, &v, &c) == -1);
    snprintf(path, sizeof path, "%s/vocab/s%%2Fv.txt: more than 6 values", dir);
    CHECK(strcmp(tp_errmsg(), path) == 0);

    /* the lookup: in memory, then in place (pread) with the same answers */
    for (int pass = 0; pass < 2; pass++) {
        tp_vocab_mem_limit = pass ? 0 : 8LL << 20;
        tp_vocab *vb = tp_vocab_open(dir, "s%2Fv");
        CHECK(vb != NULL);
        if (!vb)
            continue;
        for (int i = 0; i < NV; i++)
            CHECK(tp_vocab_id(vb, vals[i], strlen(vals[i])) == i);
        CHECK(tp_vocab_id(vb, "", 0) == -1);
        CHECK(tp_vocab_id(vb, "a\t", 2) == -1);
        CHECK(tp_vocab_id(vb, "0", 1) == -1);  /* before the first */
        CHECK(tp_vocab_id(vb, "zz", 2) == -1); /* after the last */
        CHECK(tp_vocab_id(vb, "b", 1) == -1);  /* between */
        CHECK(tp_vocab_size(vb) == NV);
        tp_vocab_close(vb);
    }

    /* a vocabulary over many windows of the file, with a value longer than a window */
    enum { NB = 3000 };
    w = tp_vocab_create(dir, "big", NULL, NULL);
    char val[32], *longv = tp_xmalloc(20001);
    memset(longv, 'm', 20000);
    longv[20000] = '\0';
    for (int i = 0; i < NB; i++) {
        snprintf(val, sizeof val, "v%d", i * 7919 % NB);
        tp_vocab_add(w, i == NB / 2 ? longv : val, i == NB / 2 ? 20000 : strlen(val), NB - i);
    }
    CHECK(tp_vocab_finish(w) == 0);
    for (int pass = 0; pass < 2; pass++) {
        tp_vocab_mem_limit = pass ? 100 : 8LL << 20;
        tp_vocab *vb = tp_vocab_open(dir, "big");
        CHECK(vb != NULL);
        if (!vb)
            continue;
        int bad = 0;
        for (int i = 0; i < NB; i++) {
            snprintf(val, sizeof val, "v%d", i * 7919 % NB);
            long long id =
                i == NB / 2 ? tp_vocab_id(vb, longv, 20000) : tp_vocab_id(vb, val, strlen(val));
            bad += id != i;
            snprintf(val, sizeof val, "v%dx", i);
            bad += tp_vocab_id(vb, val, strlen(val)) != -1;
        }
        CHECK(bad == 0);
        CHECK(tp_vocab_id(vb, longv, 19999) == -1);
        CHECK(tp_vocab_size(vb) == NB);
        CHECK(tp_vocab_id(vb, "v1919", 5) == 1 && tp_vocab_id(vb, "v1081", 5) == NB - 1);
        tp_vocab_close(vb);
    }
    free(longv);

    /* a malformed or missing lookup names the file (and the line, in memory) */
    snprintf(path, sizeof path, "%s/vocab/bad.idx", dir);
    FILE *fp = fopen(path, "w");
    fputs("a\t0\nb\n", fp);
    fclose(fp);
    tp_vocab_mem_limit = 8LL << 20;
    CHECK(tp_vocab_open(dir, "bad") == NULL);
    char want[300];
    snprintf(want, sizeof want, "%s:2: malformed vocabulary lookup record", path);
    CHECK(strcmp(tp_errmsg(), want) == 0);
    fp = fopen(path, "w");
    fputs("b\t0\na\t1\n", fp);
    fclose(fp);
    CHECK(tp_vocab_open(dir, "bad") == NULL && strstr(tp_errmsg(), ":2: vocabulary lookup file "
                                                                   "not sorted"));
    fp = fopen(path, "w");
    fputs("a\t0\nb\tx\n", fp);
    fclose(fp);
    tp_vocab_mem_limit = 0;
    tp_vocab *vb = tp_vocab_open(dir, "bad");
    CHECK(vb && tp_vocab_id(vb, "b", 1) == -2 && strstr(tp_errmsg(), "at byte 4"));
    tp_vocab_close(vb);
    tp_vocab_mem_limit = 8LL << 20;
    CHECK(tp_vocab_open(dir, "none") == NULL && strstr(tp_errmsg(), "none.idx: cannot open"));

    /* given up: nothing left */
    w = tp_vocab_create(dir, "gone", NULL, NULL);
    tp_vocab_add(w, "x", 1, 1);
    tp_vocab_abort(w);
    CHECK(!is_file("vocab/gone.txt") && !is_file("vocab/gone.idx"));
}

static void
test_vocab(void)
{
    tp_tf t;
    const char *bad[] = {"top_k=0", NULL};
    mk(&t, "vocab", "vocab:x:top_k=0", "x", bad);
    CHECK(t.op == &tp_op_vocab && t.op->acc(&t) == TP_ACC_VALUES);
    CHECK(t.op->parse(&t) == -1);
    CHECK(strcmp(tp_errmsg(), "--transform vocab:x:top_k=0: top_k: not an integer in [1, "
                              "9223372036854775807]: '0'") == 0);
    rm(&t);
    const char *bad2[] = {"oov=-1", NULL};
    mk(&t, "vocab", "vocab:x:oov=-1", "x", bad2);
    CHECK(t.op->parse(&t) == -1 && strstr(tp_errmsg(), "oov: not an integer in [0, "));
    rm(&t);

    /* by count descending, then bytewise: b 3, a 2, c 2, d 1 */
    const char *v[] = {"b", "a", "c", "d"};
    const long long c[] = {3, 2, 2, 1};
    const char *kv[] = {"top_k=2", NULL};
    mk(&t, "vocab", "vocab:a/b:top_k=2", "a/b", kv);
    CHECK(t.op->parse(&t) == 0);
    tp_fitdata d;
    fitdata(&d, "a/b", tally("t1", 0, v, NULL, c, 4), 10, 8);
    CHECK(t.op->finish(&t, &d) == 0);
    tp_tally_close(d.tally);
    CHECK(is_file("vocab/a%2Fb.txt") && is_file("vocab/a%2Fb.idx"));
    CHECK(gives(&t, "b", "0", NULL) && gives(&t, "a", "1", NULL));
    CHECK(gives(&t, "c", "-1", NULL) && gives(&t, NULL, "-1", NULL));
    CHECK(json_is(&t, ", \"size\": 2, \"vocabulary_file\": \"vocab/a%2Fb.txt\", \"top_k\": 2, "
                      "\"min_freq\": 1, \"oov\": 0, \"missing\": null"));
    tp_tfcol *cols;
    size_t ncols;
    t.op->columns(&t, "a/b", "object", &cols, &ncols);
    CHECK(ncols == 1 && strcmp(cols[0].name, "a/b") == 0 && strcmp(cols[0].type, "int64") == 0);
    free(cols[0].name);
    free(cols);
    tp_tf u;
    mk(&u, "vocab", "vocab:a/b:top_k=2", "a/b", kv);
    CHECK(round_trip(&t, &u, "2\t2\t1\t0\t0\t0\ta%2Fb\n"));
    CHECK(gives(&u, "b", "0", NULL) && gives(&u, "a", "1", NULL) && gives(&u, "d", "-1", NULL));
    rm(&u);
    rm(&t);

    /* min_freq, oov buckets (hash keyed 0, whatever the seed), missing= */
    const char *kv2[] = {"min_freq=2", "oov=3", "missing=-7", NULL};
    mk(&t, "vocab", "vocab:x:min_freq=2:oov=3:missing=-7", "x", kv2);
    t.seed = 42;
    CHECK(t.op->parse(&t) == 0);
    fitdata(&d, "x", tally("t2", 0, v, NULL, c, 4), 10, 8);
    CHECK(t.op->finish(&t, &d) == 0);
    tp_tally_close(d.tally);
    char want[32];
    snprintf(want, sizeof want, "%llu", 3 + (unsigned long long)(tp_hash_value(0, "d", 1) % 3));
    CHECK(gives(&t, "c", "2", NULL) && gives(&t, "d", want, NULL));
    snprintf(want, sizeof want, "%llu", 3 + (unsigned long long)(tp_hash_value(0, "zz", 2) % 3));
    CHECK(gives(&t, "zz", want, NULL) && gives(&t, NULL, "-7", NULL));
    CHECK(json_is(&t, ", \"size\": 3, \"vocabulary_file\": \"vocab/x.txt\", \"top_k\": null, "
                      "\"min_freq\": 2, \"oov\": 3, \"missing\": -7"));
    mk(&u, "vocab", "vocab:x", "x", NULL);
    CHECK(round_trip(&t, &u, "3\t0\t2\t3\t1\t-7\tx\n"));
    CHECK(gives(&u, "zz", want, NULL) && gives(&u, NULL, "-7", NULL) && gives(&u, "c", "2", NULL));
    rm(&u);
    rm(&t);

    /* a missing value without missing=: the empty string's bucket */
    const char *kv3[] = {"oov=5", NULL};
    mk(&t, "vocab", "vocab:x:oov=5", "x", kv3);
    CHECK(t.op->parse(&t) == 0);
    fitdata(&d, "x", tally("t3", 0, v, NULL, c, 4), 10, 8);
    CHECK(t.op->finish(&t, &d) == 0);
    tp_tally_close(d.tally);
    snprintf(want, sizeof want, "%llu", 4 + (unsigned long long)(tp_hash_value(0, "", 0) % 5));
    CHECK(gives(&t, NULL, want, NULL) && gives(&t, "d", "3", NULL));
    rm(&t);

    /* no values: an empty vocabulary */
    mk(&t, "vocab", "vocab:e", "e", NULL);
    CHECK(t.op->parse(&t) == 0);
    fitdata(&d, "e", tally("t4", 0, NULL, NULL, NULL, 0), 3, 0);
    CHECK(t.op->finish(&t, &d) == 0);
    tp_tally_close(d.tally);
    CHECK(gives(&t, "a", "-1", NULL) && gives(&t, NULL, "-1", NULL));
    CHECK(json_is(&t, ", \"size\": 0, \"vocabulary_file\": \"vocab/e.txt\", \"top_k\": null, "
                      "\"min_freq\": 1, \"oov\": 0, \"missing\": null"));
    rm(&t);
}

static void
test_onehot(void)
{
    tp_tf t, u;
    const char *v[] = {"b", "a", "c", "d"};
    const long long c[] = {3, 2, 2, 1};
    const char *kv[] = {"min_freq=2", NULL};
    mk(&t, "onehot", "onehot:h:min_freq=2", "h", kv);
    CHECK(t.op == &tp_op_onehot && (t.op->flags & TP_OP_LAST) && t.op->acc(&t) == TP_ACC_VALUES);
    CHECK(t.op->parse(&t) == 0);
    tp_fitdata d;
    fitdata(&d, "h", tally("o1", 0, v, NULL, c, 4), 9, 8);
    CHECK(t.op->finish(&t, &d) == 0);
    tp_tally_close(d.tally);
    tp_tfcol *cols;
    size_t n;
    t.op->columns(&t, "h", "object", &cols, &n);
    CHECK(n == 3 && strcmp(cols[0].name, "h=b") == 0 && strcmp(cols[1].name, "h=a") == 0 &&
          strcmp(cols[2].name, "h=c") == 0 && strcmp(cols[2].type, "int64") == 0);
    for (size_t i = 0; i < n; i++)
        free(cols[i].name);
    free(cols);
    tp_tfval x[3];
    CHECK(gives(&t, "a", NULL, x) && x[0].s[0] == '0' && x[1].s[0] == '1' && x[2].s[0] == '0');
    CHECK(x[1].n == 1 && !x[1].missing);
    CHECK(gives(&t, "d", NULL, x) && x[0].s[0] == '0' && x[1].s[0] == '0' && x[2].s[0] == '0');
    CHECK(gives(&t, NULL, NULL, x) && x[0].s[0] == '0' && x[1].s[0] == '0' && x[2].s[0] == '0');
    CHECK(json_is(&t, ", \"size\": 3, \"vocabulary_file\": \"vocab/h.txt\", \"top_k\": null, "
                      "\"min_freq\": 2"));
    mk(&u, "onehot", "onehot:h", "h", NULL);
    CHECK(round_trip(&t, &u, "3\t0\t2\th\n"));
    CHECK(gives(&u, "c", NULL, x) && x[0].s[0] == '0' && x[1].s[0] == '0' && x[2].s[0] == '1');
    rm(&u);
    rm(&t);

    /* no values: no columns */
    mk(&t, "onehot", "onehot:e", "e", NULL);
    CHECK(t.op->parse(&t) == 0);
    fitdata(&d, "e", tally("o2", 0, NULL, NULL, NULL, 0), 2, 0);
    CHECK(t.op->finish(&t, &d) == 0);
    tp_tally_close(d.tally);
    t.op->columns(&t, "e", "object", &cols, &n);
    CHECK(n == 0);
    free(cols);
    CHECK(gives(&t, "a", NULL, x));
    rm(&t);

    /* the cap, with top_k applied: 65540 values */
    enum { NV = 65540 };
    char **vals = tp_xmalloc(NV * sizeof *vals);
    long long *cnt = tp_xmalloc(NV * sizeof *cnt);
    for (int i = 0; i < NV; i++) {
        char s[16];
        snprintf(s, sizeof s, "v%05d", i);
        vals[i] = tp_xstrdup(s);
        cnt[i] = 1;
    }
    const char *none[] = {NULL}, *k1[] = {"top_k=65538", NULL}, *k2[] = {"top_k=65536", NULL};
    const char *const *ks[] = {none, k1, k2};
    const char *specs[] = {"onehot:w", "onehot:w:top_k=65538", "onehot:w:top_k=65536"};
    const char *msgs[] = {"onehot:w: 65540 values, more than 65536 one-hot columns (use top_k=)",
                          "onehot:w:top_k=65538: 65538 values, more than 65536 one-hot columns "
                          "(use top_k=)",
                          NULL};
    for (int i = 0; i < 3; i++) {
        mk(&t, "onehot", specs[i], "w", ks[i]);
        CHECK(t.op->parse(&t) == 0);
        fitdata(&d, "w", tally("o3", 0, (const char *const *)vals, NULL, cnt, NV), NV, NV);
        int rc = t.op->finish(&t, &d);
        tp_tally_close(d.tally);
        if (msgs[i]) {
            CHECK(rc == -1 && strcmp(tp_errmsg(), msgs[i]) == 0);
            CHECK(!is_file("vocab/w.txt") && !is_file("vocab/w.idx"));
        } else {
            CHECK(rc == 0);
            t.op->columns(&t, "w", "object", &cols, &n);
            CHECK(n == 65536 && strcmp(cols[65535].name, "w=v65535") == 0);
            for (size_t j = 0; j < n; j++)
                free(cols[j].name);
            free(cols);
        }
        rm(&t);
    }
    tp_strv_free(vals, NV);
    free(cnt);
}

static void
test_impute(void)
{
    tp_tf t, u;
    tp_fitdata d;
    char spec[64];
    const char *withs[] = {"mean", "median", "mode", "0", NULL};
    const unsigned accs[] = {TP_ACC_MOMENTS, TP_ACC_NUMBERS, TP_ACC_VALUES, 0};
    for (int i = 0; withs[i]; i++) {
        char kv[32];
        snprintf(kv, sizeof kv, "with=%s", withs[i]);
        const char *kvs[] = {kv, NULL};
        mk(&t, "impute", "impute:x", "x", kvs);
        CHECK(t.op->acc(&t) == accs[i]);
        rm(&t);
    }
    mk(&t, "impute", "impute:x", "x", NULL);
    CHECK(t.op == &tp_op_impute && t.op->flags == TP_OP_PREFIX && t.op->acc(&t) == TP_ACC_MOMENTS);
    rm(&t);
    const char *bad[] = {"indicator=2", NULL}, *bad2[] = {"with=NA", NULL};
    mk(&t, "impute", "impute:x:indicator=2", "x", bad);
    CHECK(t.op->parse(&t) == -1 && strcmp(tp_errmsg(), "--transform impute:x:indicator=2: "
                                                       "indicator: not an integer in [0, 1]: "
                                                       "'2'") == 0);
    rm(&t);
    mk(&t, "impute", "impute:x:with=NA", "x", bad2);
    CHECK(t.op->parse(&t) == -1 && strcmp(tp_errmsg(), "--transform impute:x:with=NA: with: a "
                                                       "missing value cannot be the fill: "
                                                       "'NA'") == 0);
    rm(&t);

    /* mean, with the indicator */
    const char *kvm[] = {"indicator=1", NULL};
    mk(&t, "impute", "impute:x:indicator=1", "x", kvm);
    CHECK(t.op->parse(&t) == 0);
    tp_moments m;
    tp_moments_init(&m);
    for (int i = 1; i <= 4; i++)
        tp_moments_add(&m, i);
    fitdata(&d, "x", NULL, 6, 4);
    d.mom = &m;
    CHECK(t.op->finish(&t, &d) == 0);
    tp_tfval x[1];
    CHECK(gives(&t, NULL, "2.5", x) && x[0].n == 1 && x[0].s[0] == '1' && !x[0].missing);
    CHECK(gives(&t, "7", "7", x) && x[0].s[0] == '0');
    tp_tfcol *cols;
    size_t n;
    t.op->columns(&t, "x", "int64", &cols, &n);
    CHECK(n == 2 && strcmp(cols[0].name, "x") == 0 && strcmp(cols[0].type, "float64") == 0 &&
          strcmp(cols[1].name, "x_missing") == 0 && strcmp(cols[1].type, "int64") == 0);
    free(cols[0].name);
    free(cols[1].name);
    free(cols);
    CHECK(json_is(&t, ", \"with\": \"mean\", \"fill\": \"2.5\", \"indicator\": true"));
    mk(&u, "impute", "impute:x", "x", NULL);
    CHECK(round_trip(&t, &u, "mean\t2.5\t1\n"));
    CHECK(gives(&u, NULL, "2.5", x) && x[0].s[0] == '1');
    rm(&u);
    rm(&t);

    /* median: odd count, even count, the two middle ranks in one entry or two */
    struct {
        double x[4];
        long long c[4];
        size_t n;
        const char *want;
    } med[] = {
        {{1, 2, 10}, {1, 1, 1}, 3, "2"},
        {{1, 2, 3, 10}, {1, 1, 1, 1}, 4, "2.5"},
        {{1, 5}, {2, 2}, 2, "3"},
        {{1, 4, 9}, {1, 2, 1}, 3, "4"},
        {{-3, -0.5, 8}, {1, 1, 3}, 3, "8"},
        {{-3, -0.5, 8}, {2, 1, 1}, 3, "-1.75"},
        {{0.1, 0.2}, {1, 1}, 2, "0.15000000000000002"},
        {{7}, {1}, 1, "7"},
        {{1e308}, {2}, 1, "inf"}, /* numpy's (a + b) / 2 overflows */
    };
    for (size_t i = 0; i < sizeof med / sizeof med[0]; i++) {
        const char *kv[] = {"with=median", NULL};
        mk(&t, "impute", "impute:x:with=median", "x", kv);
        CHECK(t.op->parse(&t) == 0);
        long long total = 0;
        for (size_t j = 0; j < med[i].n; j++)
            total += med[i].c[j];
        fitdata(&d, "x", tally("m", 1, NULL, med[i].x, med[i].c, med[i].n), total + 1, total);
        CHECK(t.op->finish(&t, &d) == 0);
        tp_tally_close(d.tally);
        if (!gives(&t, NULL, med[i].want, NULL)) {
            CHECK(!"median");
            fprintf(stderr, "median case %zu\n", i);
        }
        rm(&t);
    }

    /* mode: the first of the tally (most frequent, ties bytewise) keeps the input type */
    const char *mv[] = {"10", "9", "11"};
    const long long mc[] = {2, 2, 1};
    const char *kvo[] = {"with=mode", NULL};
    mk(&t, "impute", "impute:x:with=mode", "x", kvo);
    CHECK(t.op->parse(&t) == 0);
    fitdata(&d, "x", tally("mo", 0, mv, NULL, mc, 3), 7, 5);
    CHECK(t.op->finish(&t, &d) == 0);
    tp_tally_close(d.tally);
    CHECK(gives(&t, NULL, "10", NULL) && gives(&t, "9", "9", NULL));
    t.op->columns(&t, "x", "int64", &cols, &n);
    CHECK(n == 1 && strcmp(cols[0].type, "int64") == 0);
    free(cols[0].name);
    free(cols);
    rm(&t);

    /* no values to fit on */
    for (int i = 0; i < 3; i++) {
        char kv[32];
        snprintf(kv, sizeof kv, "with=%s", withs[i]);
        snprintf(spec, sizeof spec, "impute:x:with=%s", withs[i]);
        const char *kvs[] = {kv, NULL};
        mk(&t, "impute", spec, "x", kvs);
        CHECK(t.op->parse(&t) == 0);
        tp_moments_init(&m);
        fitdata(&d, "x", tally("none", i == 1, NULL, NULL, NULL, 0), 5, 0);
        d.mom = &m;
        CHECK(t.op->finish(&t, &d) == -1);
        char want[128];
        snprintf(want, sizeof want, "%s: no values to fit on (5 fitting rows, all missing)", spec);
        CHECK(strcmp(tp_errmsg(), want) == 0);
        tp_tally_close(d.tally);
        rm(&t);
    }

    /* a constant: no fit; the column's type is the input's when the constant is of it */
    struct {
        const char *value, *intype, *type;
    } cs[] = {
        {"7", "int64", "int64"},      {"7.5", "int64", "object"}, {"7", "float64", "float64"},
        {"x", "float64", "object"},   {"true", "bool", "bool"},   {"7", "object", "object"},
        {"a\"b", "object", "object"},
    };
    for (size_t i = 0; i < sizeof cs / sizeof cs[0]; i++) {
        char kv[32];
        snprintf(kv, sizeof kv, "with=%s", cs[i].value);
        const char *kvs[] = {kv, NULL};
        mk(&t, "impute", "impute:x", "x", kvs);
        CHECK(t.op->parse(&t) == 0);
        fitdata(&d, "x", NULL, 4, 0);
        CHECK(t.op->finish(&t, &d) == 0);
        CHECK(gives(&t, NULL, cs[i].value, NULL) && gives(&t, "q", "q", NULL));
        t.op->columns(&t, "x", cs[i].intype, &cols, &n);
        CHECK(n == 1 && strcmp(cols[0].type, cs[i].type) == 0);
        free(cols[0].name);
        free(cols);
        rm(&t);
    }
    const char *kvc[] = {"with=a\"b\tc", NULL};
    mk(&t, "impute", "impute:x", "x", kvc);
    CHECK(t.op->parse(&t) == 0);
    CHECK(json_is(&t, ", \"with\": \"constant\", \"fill\": \"a\\\"b\\u0009c\", \"indicator\": "
                      "false"));
    mk(&u, "impute", "impute:x", "x", NULL);
    CHECK(round_trip(&t, &u, "constant\ta\"b\\tc\t0\n"));
    CHECK(gives(&u, NULL, "a\"b\tc", NULL));
    rm(&u);
    rm(&t);
}

void
test_ops_cat(void)
{
    if (!mkdtemp(dir)) {
        CHECK(!"mkdtemp");
        return;
    }
    test_files();
    test_vocab();
    test_onehot();
    test_impute();
    tp_vocab_mem_limit = 8LL << 20;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    CHECK(system(cmd) == 0);
}
