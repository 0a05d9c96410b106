/*
 * Helpers of the fuzz targets' result checks (included by driver.c and fuzz-reader.c):
 * a failed check prints what was violated and aborts, so that libFuzzer keeps the input
 * as a crash; files are read back whole into tables with the library's own reader, and
 * the checks compare those tables with what the tool was given.
 */
#define _GNU_SOURCE
#include "err.h"
#include "reader.h"
#include "value.h"

#include <ftw.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

/* Not every target uses every helper. */
#define HELPER static __attribute__((unused))

/* Printed before the message of a failed check: how to rerun the input. */
static void (*fuzz_fail_context)(void);

__attribute__((format(printf, 1, 2), noreturn)) static void
fuzz_fail(const char *fmt, ...)
{
    fprintf(stderr, "\nfuzz check failed: ");
    va_list ap;
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    if (fuzz_fail_context)
        fuzz_fail_context();
    abort();
}

/* A file descriptor holding n bytes at p (a memfd), rewound; -1 when none is left. */
HELPER int
mem_file(const void *p, size_t n)
{
    int fd = memfd_create("tp-fuzz", 0);
    if (fd < 0)
        return -1;
    if (n && write(fd, p, n) != (ssize_t)n) {
        close(fd);
        return -1;
    }
    lseek(fd, 0, SEEK_SET);
    return fd;
}

/* Write n bytes at p gzip-compressed to fd: one gzip member of the first cut bytes,
 * then, when cut < n, a second member of the rest; rewound. -1 on failure. */
HELPER int
gzip_to(int fd, const void *p, size_t n, size_t cut)
{
    int parts = cut < n ? 2 : 1;
    for (int m = 0; m < parts; m++) {
        size_t at = m ? cut : 0, end = m == parts - 1 ? n : cut;
        int fd2 = dup(fd);
        gzFile gz = fd2 < 0 ? NULL : gzdopen(fd2, "wb6");
        if (!gz) {
            if (fd2 >= 0)
                close(fd2);
            return -1;
        }
        if (end > at && gzwrite(gz, (const char *)p + at, (unsigned)(end - at)) <= 0) {
            gzclose(gz);
            return -1;
        }
        if (gzclose(gz) != Z_OK)
            return -1;
    }
    lseek(fd, 0, SEEK_SET);
    return 0;
}

/* One record as read: its fields (NUL-terminated copies), line and row index. */
struct rec {
    size_t n;
    char **f;
    size_t *len;
    long line;
    long long index;
};

/* A whole file as the reader delivers it. */
struct table {
    int rc;         /* tp_reader_run's result (or -1 when the file did not open) */
    char msg[1024]; /* the error recorded when rc != 0 */
    size_t ncols;
    char **cols;
    size_t nrows, cap;
    struct rec *rows;
    long long total, bad; /* tp_reader_rows and tp_reader_bad at the end */
    int json;             /* the input was JSON (its columns are its keys) */
};

static int
table_header(void *arg, tp_reader *r)
{
    struct table *t = arg;
    t->ncols = tp_reader_ncols(r);
    t->json = tp_reader_is_json(r);
    t->cols = calloc(t->ncols + 1, sizeof *t->cols);
    for (size_t i = 0; i < t->ncols; i++)
        t->cols[i] = strdup(tp_reader_col(r, i));
    return 0;
}

static int
table_row(void *arg, const tp_row *row)
{
    struct table *t = arg;
    if (row->n != t->ncols)
        fuzz_fail("reader: row %lld has %zu fields, the header %zu", row->index, row->n, t->ncols);
    if (t->nrows && row->index <= t->rows[t->nrows - 1].index)
        fuzz_fail("reader: row index %lld after %lld", row->index, t->rows[t->nrows - 1].index);
    if (t->nrows == t->cap) {
        t->cap = t->cap ? 2 * t->cap : 16;
        t->rows = realloc(t->rows, t->cap * sizeof *t->rows);
    }
    struct rec *r = &t->rows[t->nrows++];
    r->n = row->n;
    r->f = malloc((row->n + 1) * sizeof *r->f);
    r->len = malloc((row->n + 1) * sizeof *r->len);
    for (size_t i = 0; i < row->n; i++) {
        if (row->f[i][row->len[i]] != '\0')
            fuzz_fail("reader: field %zu of row %lld is not NUL-terminated", i, row->index);
        r->f[i] = malloc(row->len[i] + 1);
        memcpy(r->f[i], row->f[i], row->len[i] + 1);
        r->len[i] = row->len[i];
    }
    r->line = row->line;
    r->index = row->index;
    return 0;
}

/* Read path (delim, signature, policy as a tool would) into t. */
HELPER void
table_load(struct table *t, const char *path, char delim, char *const *sig, size_t nsig, int policy)
{
    memset(t, 0, sizeof *t);
    tp_reader *r = tp_reader_open(path, delim, sig, nsig);
    if (!r) {
        t->rc = -1;
        snprintf(t->msg, sizeof t->msg, "%s", tp_errmsg());
        return;
    }
    tp_reader_policy(r, policy, NULL);
    t->rc = tp_reader_run(r, table_header, table_row, t);
    if (t->rc)
        snprintf(t->msg, sizeof t->msg, "%s", tp_errmsg());
    t->total = tp_reader_rows(r);
    t->bad = tp_reader_bad(r);
    if (t->bad > t->total || (long long)t->nrows != t->total - t->bad)
        fuzz_fail("reader: %zu rows delivered, %lld counted, %lld bad", t->nrows, t->total, t->bad);
    tp_reader_close(r);
}

/* The same for bytes in memory. */
HELPER void
table_load_mem(struct table *t, const void *p, size_t n, char delim, int policy)
{
    int fd = mem_file(p, n);
    if (fd < 0)
        fuzz_fail("memfd: out of descriptors");
    char path[64];
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    table_load(t, path, delim, NULL, 0, policy);
    close(fd);
}

HELPER void
table_free(struct table *t)
{
    for (size_t i = 0; i < t->ncols; i++)
        free(t->cols[i]);
    free(t->cols);
    for (size_t i = 0; i < t->nrows; i++) {
        for (size_t j = 0; j < t->rows[i].n; j++)
            free(t->rows[i].f[j]);
        free(t->rows[i].f);
        free(t->rows[i].len);
    }
    free(t->rows);
    memset(t, 0, sizeof *t);
}

/* Index of column name in t, or -1. */
HELPER long
table_col(const struct table *t, const char *name)
{
    for (size_t i = 0; i < t->ncols; i++)
        if (strcmp(t->cols[i], name) == 0)
            return (long)i;
    return -1;
}

/* Field i of a equals field j of b, byte for byte. */
HELPER int
field_eq(const struct rec *a, size_t i, const struct rec *b, size_t j)
{
    return a->len[i] == b->len[j] && memcmp(a->f[i], b->f[j], a->len[i]) == 0;
}

HELPER int
is_missing(const struct rec *r, long i)
{
    return tp_is_missing(r->f[i], r->len[i]);
}

/* Regular files under a directory, as paths relative to it (sorted). */
static struct {
    size_t root, n, cap;
    char **v;
} walk;

static int
walk_one(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)ftw;
    if (flag == FTW_F || (flag != FTW_D && flag != FTW_DP && !S_ISDIR(st->st_mode))) {
        if (walk.n == walk.cap) {
            walk.cap = walk.cap ? 2 * walk.cap : 16;
            walk.v = realloc(walk.v, walk.cap * sizeof *walk.v);
        }
        walk.v[walk.n++] = strdup(path + walk.root);
    }
    return 0;
}

static int
cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Fills *files (free with files_free); returns the count (0 when dir does not exist). */
HELPER size_t
files_under(const char *dir, char ***files)
{
    walk.root = strlen(dir) + 1;
    walk.n = 0;
    walk.cap = 0;
    walk.v = NULL;
    nftw(dir, walk_one, 16, FTW_PHYS);
    if (walk.n)
        qsort(walk.v, walk.n, sizeof *walk.v, cmp_str);
    *files = walk.v;
    return walk.n;
}

HELPER void
files_free(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

HELPER int
exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

/*
 * The quarantine file at path holds nbad records, each naming the shard in. Read under
 * skip: a record keeps the bytes of its row, which made it bad (invalid UTF-8, a NUL),
 * but it is still one well-formed CSV record of 5 fields.
 */
HELPER void
check_rejects(const char *path, const char *in, long long nbad)
{
    struct table q;
    table_load(&q, path, ',', NULL, 0, TP_BAD_SKIP);
    if (q.rc != 0 || q.ncols != 5 || q.total != nbad)
        fuzz_fail("quarantine file: %lld records for %lld bad rows (%s)", q.total, nbad, q.msg);
    for (size_t k = 0; k < q.nrows; k++)
        if (strcmp(q.rows[k].f[0], in) != 0)
            fuzz_fail("quarantine file: record %zu names '%s'", k, q.rows[k].f[0]);
    table_free(&q);
}
