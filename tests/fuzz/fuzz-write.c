/*
 * Fuzz target: tp-write. The first two bytes choose the command line, the rest is the
 * stream from tp-split:
 *   byte 0, bits 0-1: -f csv, tsv, csv.gz, tsv.gz
 *   bits 2-3: --on-bad-row fail, skip, quarantine --rejects, skip --rejects
 *   bit 4:    -c build/fuzz/ctx/1 (the rows expected: those the random split keeps)
 *   bit 5:    -r FILE (the report)
 *   bit 6:    -n 7 instead of the default shard 0
 *   bit 7:    -q
 *   byte 1, bit 0: -f parquet instead (and no -c: every column a string, so that the
 *             file reads back as the input's text, a missing value as an empty field)
 *           bits 1-2: --compression snappy, zstd, gzip, none
 *           bit 3: --row-group-size 3 (several row groups)
 * After a successful run the output directory holds exactly one file per split of the
 * input, under its final name (no temporary file), and each reads back (through gzip
 * where it is compressed) as the input's rows of that split, in order, field for
 * field; the report gives each file's rows and size, the rejects file exactly the bad
 * rows. After a failed run no file is left at all.
 */
#define FUZZ_NOPT 2
#include "driver.c"

static const char *const formats[] = {"csv", "tsv", "csv.gz", "tsv.gz"};
static const char *const codecs[] = {"snappy", "zstd", "gzip", "none"};

static int
parquet(const struct fuzz *z)
{
    return z->opt[1] & 1;
}

static void
fuzz_options(struct fuzz *z)
{
    uint8_t a = z->opt[0], b = z->opt[1];
    fuzz_arg(z, "-f");
    fuzz_arg(z, parquet(z) ? "parquet" : formats[a & 3]);
    if (parquet(z)) {
        fuzz_arg(z, "--compression");
        fuzz_arg(z, codecs[(b >> 1) & 3]);
        if (b & 8) {
            fuzz_arg(z, "--row-group-size");
            fuzz_arg(z, "3");
        }
    }
    fuzz_policy(z, (a >> 2) & 3);
    if ((a & 16) && !parquet(z)) {
        fuzz_ctx(1); /* a missing context is an error of the setup, not of the tool */
        fuzz_arg(z, "-c");
        fuzz_arg(z, fuzz_ctx_dir(1));
    }
    if (a & 32) {
        fuzz_arg(z, "-r");
        fuzz_arg(z, fuzz_path("report"));
    }
    if (a & 64) {
        fuzz_arg(z, "-n");
        fuzz_arg(z, "7");
    }
    if (a & 128)
        fuzz_arg(z, "-q");
    fuzz_arg(z, fuzz_path("out"));
}

/* The report's line for split name: its rows and bytes; 0 when there is none. */
static int
report_line(const char *name, long long *rows, long long *bytes)
{
    FILE *f = fopen(fuzz_path("report"), "r");
    if (!f)
        fuzz_fail("no report file");
    char split[128];
    int found = 0;
    long long r, b;
    while (fscanf(f, "split\t%127[^\t]\t%lld\t%lld\n", split, &r, &b) == 3)
        if (strcmp(split, name) == 0) {
            *rows = r;
            *bytes = b;
            found++;
        }
    fclose(f);
    return found;
}

static void
fuzz_check(struct fuzz *z)
{
    uint8_t a = z->opt[0];
    int policy = (a >> 2) & 3 ? TP_BAD_SKIP : TP_BAD_FAIL;
    const char *rejects = fuzz_path("rejects.csv"), *ext = parquet(z) ? "parquet" : formats[a & 3];
    char **files;
    size_t nfiles = files_under(fuzz_path("out"), &files);
    if (z->status != 0) {
        if (nfiles)
            fuzz_fail("a failed run left %s", files[0]);
        if (exists(rejects) || exists(fuzz_path("report")))
            fuzz_fail("a failed run left a rejects file or a report");
        files_free(files, nfiles);
        return;
    }
    struct table t;
    table_load(&t, z->in, ',', NULL, 0, policy);
    if (t.rc != 0)
        fuzz_fail("tp-write succeeded on a stream the reader refuses: %s", t.msg);

    /* the splits in the order of their first row */
    const char *names[16];
    size_t nnames = 0;
    for (size_t k = 0; k < t.nrows; k++) {
        size_t i = 0;
        while (i < nnames && strcmp(names[i], t.rows[k].f[0]) != 0)
            i++;
        if (i == nnames) {
            if (nnames == 16)
                fuzz_fail("more than 16 splits accepted");
            names[nnames++] = t.rows[k].f[0];
        }
    }
    if (nfiles != nnames)
        fuzz_fail("%zu files for %zu splits", nfiles, nnames);
    for (size_t i = 0; i < nnames; i++) {
        char want[256];
        snprintf(want, sizeof want, "%s/part-%05d.%s", names[i], a & 64 ? 7 : 0, ext);
        size_t f = 0;
        while (f < nfiles && strcmp(files[f], want) != 0)
            f++;
        if (f == nfiles)
            fuzz_fail("no file %s (the first is %s)", want, files[0]);

        char path[512];
        snprintf(path, sizeof path, "%s/%s", fuzz_path("out"), want);
        /* Only tp:split: a Parquet file of no columns, which no reader takes back */
        if (parquet(z) && t.ncols == 1)
            continue;
        struct table w;
        table_load(&w, path, ext[0] == 't' ? '\t' : ',', NULL, 0, TP_BAD_FAIL);
        if (w.rc != 0)
            fuzz_fail("%s does not read back: %s", want, w.msg);
        /* Only tp:split: the files have no columns, no CSV form. (A lone empty field is
         * written "", issue 7 item 9, and reads back.) */
        if (t.ncols == 1) {
            table_free(&w);
            continue;
        }
        if (w.ncols != t.ncols - 1)
            fuzz_fail("%s: %zu columns, %zu in the input", want, w.ncols, t.ncols - 1);
        for (size_t c = 0; c < w.ncols; c++)
            if (strcmp(w.cols[c], t.cols[c + 1]) != 0)
                fuzz_fail("%s: column %zu is '%s', '%s' in the input", want, c, w.cols[c],
                          t.cols[c + 1]);
        size_t j = 0;
        long long rows = 0;
        for (size_t k = 0; k < t.nrows; k++) {
            const struct rec *r = &t.rows[k];
            if (strcmp(r->f[0], names[i]) != 0)
                continue;
            rows++;
            if (j == w.nrows)
                fuzz_fail("%s: row %lld of the input is missing", want, r->index);
            for (size_t c = 1; c < r->n; c++)
                if (parquet(z) && is_missing(r, (long)c) ? w.rows[j].len[c - 1] != 0
                                                         : !field_eq(&w.rows[j], c - 1, r, c))
                    fuzz_fail("%s: row %zu differs from input row %lld in column '%s'", want, j,
                              r->index, t.cols[c]);
            j++;
        }
        if (j != w.nrows)
            fuzz_fail("%s: %zu rows, %zu expected", want, w.nrows, j);
        if (a & 32) {
            long long rr, bytes;
            struct stat st;
            if (report_line(names[i], &rr, &bytes) != 1 || stat(path, &st) != 0 || rr != rows ||
                bytes != st.st_size)
                fuzz_fail("report for %s: not one line of %lld rows and %lld bytes", want, rows,
                          (long long)st.st_size);
        }
        table_free(&w);
    }
    if ((a & 16) && !parquet(z) && !(a & 64) && (long long)t.nrows != fuzz_ctx(1)->shards[0].kept)
        fuzz_fail("%zu rows accepted, %lld expected by the context", t.nrows,
                  fuzz_ctx(1)->shards[0].kept);
    if (((a >> 2) & 3) >= 2 && t.bad > 0)
        check_rejects(rejects, z->in, t.bad);
    else if (exists(rejects))
        fuzz_fail("a rejects file without bad rows or without --rejects");
    files_free(files, nfiles);
    table_free(&t);
}
