/*
 * Fuzz target: the row reader alone, and the value parsers on every field; data that
 * starts with "PAR1" is read as Parquet (make fuzz seeds it with the Apache Parquet test
 * corpus, ../shared/data/parquet-testing). Two option
 * bytes, then the data:
 *   byte 0, bit 0:    TSV instead of CSV
 *           bits 1-2: bad-row policy fail, skip, quarantine (skip with a callback), skip
 *           bits 3-4: the data as given (a gzip corpus file stays gzip), gzip-compressed
 *                     in one member, in two members cut at byte 1, or compressed and
 *                     truncated at byte 1 (as a fraction of 256 of its length)
 *   byte 1:           that fraction
 * Checks: every row has the header's field count and a larger index and line than the
 * one before; rows delivered plus bad rows make the count; data read through gzip,
 * in one member or two, gives the same rows, the same status and the same message as
 * read plain; gzip truncated after its magic bytes gives a prefix of those rows and an
 * error.
 */
#include "check.c"

struct run {
    size_t ncols, n, cap;
    uint64_t *digest; /* per row delivered: FNV-1a over its fields */
    long last_line;
    long long last_index, bad;
    int rc;
    char msg[1024];
    int with_callback;
    long long called;
};

static int
on_header(void *arg, tp_reader *r)
{
    struct run *u = arg;
    u->ncols = tp_reader_ncols(r);
    return 0;
}

static int
on_row(void *arg, const tp_row *row)
{
    struct run *u = arg;
    if (row->n != u->ncols)
        fuzz_fail("row %lld: %zu fields, %zu in the header", row->index, row->n, u->ncols);
    if (row->index <= u->last_index || row->line < u->last_line)
        fuzz_fail("row %lld at line %ld after row %lld at line %ld", row->index, row->line,
                  u->last_index, u->last_line);
    u->last_index = row->index;
    u->last_line = row->line;
    uint64_t h = 14695981039346656037u;
    for (size_t i = 0; i < row->n; i++) {
        int64_t v;
        double d;
        int b;
        tp_is_missing(row->f[i], row->len[i]);
        tp_parse_int64(row->f[i], row->len[i], &v);
        tp_parse_double(row->f[i], row->len[i], &d);
        tp_parse_bool(row->f[i], row->len[i], &b);
        tp_parse_time(row->f[i], row->len[i], &v);
        for (size_t k = 0; k < row->len[i]; k++)
            h = (h ^ (unsigned char)row->f[i][k]) * 1099511628211u;
        h = (h ^ 0x100) * 1099511628211u; /* field end */
    }
    if (u->n == u->cap) {
        u->cap = u->cap ? 2 * u->cap : 64;
        u->digest = realloc(u->digest, u->cap * sizeof *u->digest);
    }
    u->digest[u->n++] = h;
    return 0;
}

static int
on_bad(void *arg, const tp_bad *b)
{
    struct run *u = arg;
    u->called++;
    if (b->index <= u->last_index)
        fuzz_fail("bad row %lld after row %lld", b->index, u->last_index);
    u->last_index = b->index;
    return 0;
}

static void
run_reader(struct run *u, const char *path, uint8_t opt)
{
    memset(u, 0, sizeof *u);
    u->last_index = -1;
    tp_reader *r = tp_reader_open(path, opt & 1 ? '\t' : ',', NULL, 0);
    if (!r)
        fuzz_fail("cannot open %s: %s", path, tp_errmsg());
    int policy = (opt >> 1) & 3;
    tp_reader_policy(r, policy == 3 ? TP_BAD_SKIP : policy, policy == 2 ? on_bad : NULL);
    u->rc = tp_reader_run(r, on_header, on_row, u);
    if (u->rc)
        snprintf(u->msg, sizeof u->msg, "%s", tp_errmsg());
    u->bad = tp_reader_bad(r);
    if ((long long)u->n + u->bad != tp_reader_rows(r))
        fuzz_fail("%zu rows delivered and %lld bad, but %lld counted", u->n, u->bad,
                  tp_reader_rows(r));
    if (policy == 2 && u->called != u->bad)
        fuzz_fail("%lld bad rows, the callback called %lld times", u->bad, u->called);
    tp_reader_close(r);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    uint8_t opt = data[0], frac = data[1];
    const uint8_t *body = data + 2;
    size_t n = size - 2;
    int mode = (opt >> 3) & 3;
    int fd = mem_file(body, n);
    if (fd < 0)
        return 0;
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    static struct run plain, gz;
    run_reader(&plain, path, opt);
    /* data that is gzip already reads the same through zlib either way: compare only
     * what is compressed here */
    int compare = mode != 0 && !(n >= 2 && body[0] == 0x1f && body[1] == 0x8b);
    if (compare) {
        if (ftruncate(fd, 0) < 0 || lseek(fd, 0, SEEK_SET) < 0)
            fuzz_fail("cannot rewrite the data file");
        size_t cut = mode == 2 ? n * frac / 256 : n;
        if (gzip_to(fd, body, n, cut) < 0)
            fuzz_fail("cannot compress");
        off_t full = lseek(fd, 0, SEEK_END);
        off_t keep = mode == 3 ? full * frac / 256 : full;
        if (ftruncate(fd, keep) < 0)
            fuzz_fail("ftruncate");
        lseek(fd, 0, SEEK_SET);
        run_reader(&gz, path, opt);
        if (mode == 3 && keep < 2) {
            /* too short to be told from plain data (the magic is 2 bytes) */
        } else if (mode == 3 && keep < full) {
            if (gz.rc == 0)
                fuzz_fail("gzip data cut at %lld of %lld bytes read without an error",
                          (long long)keep, (long long)full);
            if (gz.n > plain.n ||
                (gz.n && memcmp(gz.digest, plain.digest, gz.n * sizeof *gz.digest)))
                fuzz_fail("truncated gzip gives rows that are not a prefix of the data's");
        } else {
            if (gz.rc != plain.rc || strcmp(gz.msg, plain.msg) != 0)
                fuzz_fail("gzip: status %d '%s', plain: %d '%s'", gz.rc, gz.msg, plain.rc,
                          plain.msg);
            if (gz.n != plain.n || gz.bad != plain.bad ||
                (gz.n && memcmp(gz.digest, plain.digest, gz.n * sizeof *gz.digest)))
                fuzz_fail("gzip: %zu rows, %lld bad; plain: %zu rows, %lld bad (or other rows)",
                          gz.n, gz.bad, plain.n, plain.bad);
        }
        free(gz.digest);
    }
    free(plain.digest);
    close(fd);
    return 0;
}
