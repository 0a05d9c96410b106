/*
 * Row reader over libcsv. Input is fed to csv_parse one physical line at a time so that
 * every record and every error carries the line number where it is; libcsv itself does
 * not count lines.
 */
#include "reader.h"

#include "err.h"
#include "io.h"
#include "json.h"
#include "map.h"
#include "pqread.h"
#include "text.h"
#include "value.h"

#include <csv.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct tp_reader {
    tp_in *in;
    struct csv_parser p;
    char delim;
    char *name;

    char *buf; /* bytes of the current record's fields, each NUL-terminated */
    size_t blen, bcap;
    size_t *off, *flen;
    const char **fp;
    size_t nf, fcap;

    long line;     /* physical line being fed, 1-based */
    long rec_line; /* line where the current record started */
    long long rows;

    char **cols; /* header names */
    size_t ncols;
    int own_cols;
    int have_header;

    tp_header_fn on_header;
    tp_row_fn on_row;
    void *arg;
    int rc; /* nonzero: stop; value to return */

    int policy;
    tp_bad_fn on_bad;
    long long bad;
    const char **types;  /* declared column types (Parquet), NULL entries: inferred */
    char why[160];       /* fault found in a field of the current record, "" if none */
    const char *why_col; /* its column, or NULL */
    long why_line;
    int skip_line;         /* after a malformed quote: drop input up to the end of the line */
    long long skip_before; /* rows below this index may be passed over (tp_reader_skip_before) */
    int skip_on;           /* tp_reader_skip_before was called */
    int quote_odd;         /* with skip_on: an odd number of '"' fed since it was first set */
    int mid_line;          /* the last piece fed ended within a line (at a chunk's end) */
    int stream;            /* the input is a tp stream (text.h), not CSV */
    int piece_ok;          /* the piece being fed holds no NUL and is valid UTF-8 */
    int run_ok;            /* so are all pieces since the current record began */
    size_t stream_ncols;
    int want_raw; /* tp_reader_raw */
    char *raw;    /* the stream line being read, as read */
    size_t rawcap;
    int json;      /* the input is JSON (json.h) */
    char *records; /* --records PATH, or NULL */
    char **want;   /* columns a JSON input must have (absent ones are appended) */
    size_t nwant;
    size_t nseen;  /* JSON: the columns before nseen were keys of the input */
    char **schema; /* pass 2 of JSON or --expand-json: the union of pass 1 (not owned) */
    size_t nschema;

    /* --expand-json: columns whose JSON objects become columns COL.KEY */
    char **expand;
    size_t nexpand;
    long *xbase;  /* per expanded column: its index in the input's header */
    tp_json **xj; /* per expanded column: the parser of its cells, columns fixed */
    long *xoff;   /* per expanded column: index of its first key in the natural columns */
    char **ucols; /* the columns the caller sees, NULL when not expanding */
    size_t nucols;
    long *usrc; /* per column seen: the input column it is, or -1 (an expansion) */
    long *umap; /* per natural column (inputs, expansions in place): its index in ucols */
    long *nsrc; /* per natural column: the input column, or -1 (an expansion) */
    size_t nnat;
    char *ubuf; /* the current row's expanded values */
    size_t ulen, ucap;
    size_t *uoff, *ul, *nl; /* offsets and lengths of the natural values, lengths seen */
    const char **uf;
    int xpass;      /* a schema, but the input lays out its own rows (JSON, a stream) */
    int xk;         /* the expanded column being parsed */
    long xrecs;     /* values its cell held */
    char xwhy[256]; /* why its cell is bad, "" if not */
    tp_header_fn user_header;
    tp_row_fn user_row;
    void *user_arg;
    /* --explode: JSON arrays read element by element by these readers (tp_reader_explode) */
    char **epath;
    tp_json **ej;
    size_t nex;
    tp_row_fn on_child; /* tp stream: the child lines (tp_reader_children), or NULL */
};

int
tp_parse_policy(const char *s)
{
    static const char *const names[] = {"fail", "skip", "quarantine"};
    for (int i = 0; i < 3; i++)
        if (strcmp(s, names[i]) == 0)
            return i;
    return -1;
}

void
tp_reader_policy(tp_reader *r, int policy, tp_bad_fn fn)
{
    r->policy = policy;
    r->on_bad = fn;
}

long long
tp_reader_bad(const tp_reader *r)
{
    return r->bad;
}

static int no_space(unsigned char c);

static int
start_parser(tp_reader *r)
{
    if (csv_init(&r->p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL) != 0)
        tp_fatal(TP_EXIT_DATA, "out of memory");
    csv_set_delim(&r->p, (unsigned char)r->delim);
    csv_set_space_func(&r->p, no_space);
    return 0;
}

static int
no_space(unsigned char c)
{
    (void)c;
    return 0;
}

tp_reader *
tp_reader_open(const char *path, char delim, char *const *signature, size_t nsig)
{
    tp_in *in = tp_in_open(path);
    if (!in)
        return NULL;
    tp_reader *r = tp_xcalloc(1, sizeof *r);
    r->in = in;
    r->delim = delim;
    r->name = tp_xstrdup(path);
    r->run_ok = 1;
    start_parser(r);
    r->bcap = 4096;
    r->buf = tp_xmalloc(r->bcap);
    r->fcap = 64;
    r->off = tp_xmalloc(r->fcap * sizeof *r->off);
    r->flen = tp_xmalloc(r->fcap * sizeof *r->flen);
    r->fp = tp_xmalloc(r->fcap * sizeof *r->fp);
    r->line = 1;
    r->rec_line = 1;
    TP_TRACK(r, tp_reader_close);
    if (signature) {
        r->cols = (char **)signature;
        r->ncols = nsig;
        r->have_header = 1;
    }
    return r;
}

static void
fail(tp_reader *r, long line, const char *fmt, const char *a)
{
    if (r->rc)
        return;
    tp_err(r->name, line, fmt, a);
    r->rc = -1;
}

/* Room for field nf in the field arrays. */
static void
field_room(tp_reader *r, size_t nf)
{
    if (nf == r->fcap) {
        r->fcap *= 2;
        r->off = tp_xrealloc(r->off, r->fcap * sizeof *r->off);
        r->flen = tp_xrealloc(r->flen, r->fcap * sizeof *r->flen);
        r->fp = tp_xrealloc(r->fp, r->fcap * sizeof *r->fp);
    }
}

/* Copy n bytes to r->buf at r->blen (not advanced), with room for a NUL after them. */
static void
buf_append(tp_reader *r, const void *s, size_t n)
{
    if (r->blen + n + 1 > r->bcap) {
        while (r->blen + n + 1 > r->bcap)
            r->bcap *= 2;
        r->buf = tp_xrealloc(r->buf, r->bcap);
    }
    if (n)
        memcpy(r->buf + r->blen, s, n);
}

static void
on_field(void *s, size_t len, void *data)
{
    tp_reader *r = data;
    if (r->rc)
        return;
    if (r->nf == 0) {
        long nl = 0;
        for (const char *c = s; c && (c = memchr(c, '\n', len - (size_t)(c - (char *)s))); c++)
            nl++;
        r->rec_line = r->line - nl;
    }
    /* a field of valid pieces is valid: only those of an invalid one are checked */
    if (!r->why[0] && len && !r->run_ok) {
        const char *what = memchr(s, '\0', len)     ? "NUL byte in value"
                           : !tp_utf8_valid(s, len) ? "invalid UTF-8 in value"
                                                    : NULL;
        if (what) {
            if (!r->have_header) {
                fail(r, r->line, "header: %s", what);
                return;
            }
            r->why_col = r->nf < r->ncols ? r->cols[r->nf] : NULL;
            r->why_line = r->line;
            snprintf(r->why, sizeof r->why, "%s", what);
        }
    }
    field_room(r, r->nf);
    buf_append(r, s, len);
    r->buf[r->blen + len] = '\0';
    r->off[r->nf] = r->blen;
    r->flen[r->nf] = len;
    r->nf++;
    r->blen += len + 1;
}

static int
set_header(tp_reader *r)
{
    r->have_header = 1;
    long dup = tp_first_duplicate((const char *const *)r->cols, r->ncols, NULL);
    if (dup >= 0) {
        tp_err(r->name, 1, "duplicate column name '%s'", r->cols[dup]);
        return -1;
    }
    return r->on_header ? r->on_header(r->arg, r) : 0;
}

/* A bad record: an error under fail, else counted, reported and skipped. */
static void
bad_record(tp_reader *r, const tp_row *row, long line, const char *col, const char *why)
{
    if (r->policy == TP_BAD_FAIL) {
        if (col)
            tp_err(r->name, line, "column '%s': %s", col, why);
        else
            tp_err(r->name, line, "%s", why);
        r->rc = -1;
        return;
    }
    r->rows++;
    r->bad++;
    tp_bad b = {line, row->index, col, why, row->n, row->f, row->len};
    if (r->on_bad)
        r->rc = r->on_bad(r->user_row ? r->user_arg : r->arg, &b);
}

int
tp_reader_reject(tp_reader *r, const tp_row *row, const char *column, const char *reason)
{
    if (r->policy == TP_BAD_FAIL) {
        tp_err(r->name, row->line, "column '%s': %s", column, reason);
        return -1;
    }
    r->bad++;
    tp_bad b = {row->line, row->index, column, reason, row->n, row->f, row->len};
    return r->on_bad ? r->on_bad(r->user_row ? r->user_arg : r->arg, &b) : 0;
}

static void
on_record(int c, void *data)
{
    (void)c;
    tp_reader *r = data;
    size_t nf = r->nf;
    r->nf = 0;
    r->blen = 0;
    r->run_ok = r->piece_ok; /* the next record begins in this piece */
    if (r->rc)
        return;
    if (!r->have_header) {
        r->own_cols = 1;
        r->ncols = nf;
        r->cols = tp_xmalloc((nf ? nf : 1) * sizeof *r->cols);
        for (size_t i = 0; i < nf; i++)
            r->cols[i] = tp_xmemdup(r->buf + r->off[i], r->flen[i]);
        r->rc = set_header(r);
        return;
    }
    for (size_t i = 0; i < nf; i++)
        r->fp[i] = r->buf + r->off[i];
    tp_row row = {nf, r->fp, r->flen, r->rec_line, r->rows, NULL, 0};
    if (r->why[0]) {
        bad_record(r, &row, r->why_line, r->why_col, r->why);
        r->why[0] = '\0';
        return;
    }
    if (nf != r->ncols) {
        char m[96];
        snprintf(m, sizeof m, "expected %zu fields, found %zu", r->ncols, nf);
        bad_record(r, &row, r->rec_line, NULL, m);
        return;
    }
    r->rows++;
    if (r->on_row)
        r->rc = r->on_row(r->arg, &row);
}

static const char bad_quote[] = "malformed quoted field (a '\"' inside an unquoted field, "
                                "or text after a closing quote)";

/* The record being read is bad: report what was read of it, start afresh. */
static void
abandon_record(tp_reader *r, long line, const char *why)
{
    for (size_t i = 0; i < r->nf; i++)
        r->fp[i] = r->buf + r->off[i];
    tp_row row = {r->nf, r->fp, r->flen, line, r->rows, NULL, 0};
    if (!r->have_header) {
        fail(r, line, "header: %s", why);
        return;
    }
    bad_record(r, &row, line, NULL, why);
    r->nf = 0;
    r->blen = 0;
    r->why[0] = '\0';
    r->run_ok = 1; /* the next record begins with the next piece fed */
    csv_free(&r->p);
    start_parser(r);
}

/* The count of '"' in s[0..n), mod 2. */
static int
quotes_odd(const char *s, size_t n)
{
    int odd = 0;
    for (const char *q = s, *end = s + n; (q = memchr(q, '"', (size_t)(end - q))); q++)
        odd ^= 1;
    return odd;
}

/* A line fed at a record's start with no '"' and not blank is one record whole. */
static int
whole_record(const char *s, size_t n)
{
    if (memchr(s, '"', n))
        return 0;
    for (size_t i = 0; i < n; i++)
        if (s[i] != '\n' && s[i] != '\r')
            return 1;
    return 0; /* a blank line: no record (libcsv passes over it) */
}

static int
feed(tp_reader *r, const char *s, size_t n)
{
    /* libcsv grows its field buffer by a fixed block: a field of several megabytes would
     * cost one realloc per block, each a copy where realloc cannot grow in place. A block
     * as large as the buffer and this chunk makes the growth geometric and at most one
     * realloc per call. */
    size_t blk = csv_get_buffer_size(&r->p);
    csv_set_blk_size(&r->p, blk > n ? blk : n > 128 ? n : 128);
    /* one check of the whole piece instead of one per field (on_field) */
    r->piece_ok = !memchr(s, '\0', n) && tp_utf8_valid(s, n);
    r->run_ok &= r->piece_ok;
    if (csv_parse(&r->p, s, n, on_field, on_record, r) != n && !r->rc) {
        int e = csv_error(&r->p);
        if (e == CSV_EPARSE) {
            abandon_record(r, r->line, bad_quote);
            /* the rest of the line cannot be trusted: when it was not all fed here (it
             * goes on in the next chunk), drop that part too */
            r->skip_line = n == 0 || s[n - 1] != '\n';
        } else {
            fail(r, r->line, "%s", csv_strerror(e));
        }
    }
    return r->rc;
}

/*
 * A Parquet shard: the file itself when it is a plain regular file (pread), else (gzip,
 * a pipe) a copy of its decoded bytes in an unlinked temporary file. Either way the
 * input stream is read to its end, so that its size and CRC are those of the whole file.
 */
static int
spool(tp_reader *r, const char *first, size_t n, char *chunk, size_t cap, long long *size)
{
    const char *dir = getenv("TMPDIR");
    char *tmpl = tp_xmalloc(strlen(dir && *dir ? dir : "/tmp") + 16);
    sprintf(tmpl, "%s/tp-pq.XXXXXX", dir && *dir ? dir : "/tmp");
    int fd = mkstemp(tmpl);
    if (fd < 0) {
        tp_err(tmpl, 0, "cannot create a temporary file:");
        free(tmpl);
        return -1;
    }
    unlink(tmpl);
    *size = 0;
    const char *p = first;
    ssize_t got = (ssize_t)n;
    for (;;) {
        for (size_t done = 0; done < (size_t)got;) {
            ssize_t k = write(fd, p + done, (size_t)got - done);
            if (k < 0 && errno == EINTR)
                continue;
            if (k < 0) {
                tp_err(tmpl, 0, "cannot write a temporary copy of %s:", r->name);
                close(fd);
                free(tmpl);
                return -1;
            }
            done += (size_t)k;
        }
        *size += got;
        got = tp_in_read(r->in, chunk, cap);
        if (got < 0) {
            close(fd);
            free(tmpl);
            return -1;
        }
        if (got == 0)
            break;
        p = chunk;
    }
    free(tmpl);
    return fd;
}

/* One line of a tp stream, s[0..n) with s[n] writable: the header, a row or a child line. */
static void
stream_line(tp_reader *r, char *s, size_t n)
{
    s[n] = '\0';
    /* a child line: TP_STREAM_CHILD, then PATH, PARENT, INDEX and the element's fields */
    int child = r->have_header && n >= 2 && s[0] == '\\' && s[1] == '>';
    if (child && !r->on_child)
        return;
    if (child)
        s += 2, n -= 2;
    else if (r->want_raw && r->have_header) { /* before the fields are cut out of it */
        if (n + 1 > r->rawcap) {
            r->rawcap = 2 * (n + 1);
            r->raw = tp_xrealloc(r->raw, r->rawcap);
        }
        memcpy(r->raw, s, n + 1);
    }
    const char *why = memchr(s, '\0', n) ? "NUL byte in value" : NULL;
    const char *why_col = NULL;
    /* TAB and the escapes are ASCII: a valid line has valid fields, and only the fields
     * of an invalid one need a look of their own */
    int utf8 = tp_utf8_valid(s, n);
    size_t nf = 0;
    char *p = s, *end = s + n;
    while (n > 0 || r->stream_ncols > 0 || child) {
        size_t span = tp_span4(p, (size_t)(end - p), '\t', '\\', '\t', '\t');
        int esc = 0;
        while (p + span < end && p[span] == '\\') {
            esc = 1;
            span +=
                1 + tp_span4(p + span + 1, (size_t)(end - p - span - 1), '\t', '\\', '\t', '\t');
        }
        char *tab = p + span < end && p[span] == '\t' ? p + span : NULL;
        char *fe = tab ? tab : end;
        *fe = '\0';
        size_t len = (size_t)(fe - p);
        const char *bad = NULL;
        if (esc && tp_unescape(p, len, &len) < 0)
            bad = "malformed escape (a backslash not followed by \\\\, t, n or r)";
        else if (!utf8 && len && !tp_utf8_valid(p, len))
            bad = "invalid UTF-8 in value";
        p[len] = '\0';
        if (bad && !why) {
            why = bad;
            why_col = r->have_header && nf < r->ncols ? r->cols[nf] : NULL;
        }
        field_room(r, nf);
        r->fp[nf] = p;
        r->flen[nf++] = len;
        if (!tab)
            break;
        p = tab + 1;
    }
    if (!r->have_header) {
        if (why) {
            fail(r, r->line, "header: %s", why);
            return;
        }
        if (nf != r->stream_ncols) {
            char m[96];
            snprintf(m, sizeof m, "expected %zu columns, found %zu", r->stream_ncols, nf);
            fail(r, r->line, "tp stream header: %s", m);
            return;
        }
        r->own_cols = 1;
        r->ncols = nf;
        r->cols = tp_xmalloc((nf ? nf : 1) * sizeof *r->cols);
        for (size_t i = 0; i < nf; i++)
            r->cols[i] = tp_xmemdup(r->fp[i], r->flen[i]);
        r->rc = set_header(r);
        return;
    }
    if (child) {
        /* written by tp-transform: a broken one is a broken stream, not a bad row */
        if (why || nf < 3) {
            fail(r, r->line, "child line: %s",
                 why ? why : "expected PATH, PARENT, INDEX and the element's fields");
            return;
        }
        tp_row row = {nf, r->fp, r->flen, r->line, r->rows - 1, NULL, 0};
        r->rc = r->on_child(r->arg, &row);
        return;
    }
    tp_row row = {nf, r->fp, r->flen, r->line, r->rows, r->want_raw ? r->raw : NULL, n};
    if (why) {
        bad_record(r, &row, r->line, why_col, why);
        return;
    }
    if (nf != r->ncols) {
        char m[96];
        snprintf(m, sizeof m, "expected %zu fields, found %zu", r->ncols, nf);
        bad_record(r, &row, r->line, NULL, m);
        return;
    }
    r->rows++;
    if (r->on_row)
        r->rc = r->on_row(r->arg, &row);
}

/*
 * A tp stream (text.h): the first line "tp-stream<TAB>1<TAB>NCOLS", then the header and
 * the rows, one a line, split on TAB and unescaped in place; a line that goes on into the
 * next chunk is gathered in r->buf. A stream that does not end with a newline was cut
 * short (its writer failed): a data error.
 */
static int
run_stream(tp_reader *r, char *chunk, size_t got, size_t cap)
{
    r->stream = 1;
    char *nl = memchr(chunk, '\n', got);
    const char *num = chunk + strlen(TP_STREAM_MAGIC);
    int64_t nc = -1;
    if (r->have_header) {
        fail(r, 1, "%s", "a tp stream has its own header: no signature");
        return r->rc;
    }
    if (!nl || tp_parse_int64(num, (size_t)(nl - num), &nc) < 0 || nc < 0 || nc > 1000000000) {
        fail(r, 1, "%s", "malformed tp stream: expected tp-stream<TAB>1<TAB>NCOLS");
        return r->rc;
    }
    r->stream_ncols = (size_t)nc;
    r->line = 2;
    char *s = nl + 1, *end = chunk + got;
    r->blen = 0;
    for (;;) {
        while (r->rc == 0 && s < end) {
            nl = memchr(s, '\n', (size_t)(end - s));
            if (!nl) {
                /* the line goes on in the next chunk */
                size_t n = (size_t)(end - s);
                buf_append(r, s, n);
                r->blen += n;
                break;
            }
            if (r->blen > 0) {
                size_t n = (size_t)(nl - s);
                buf_append(r, s, n);
                stream_line(r, r->buf, r->blen + n);
                r->blen = 0;
            } else {
                stream_line(r, s, (size_t)(nl - s));
            }
            r->line++;
            s = nl + 1;
        }
        if (r->rc)
            return r->rc;
        ssize_t k = tp_in_read(r->in, chunk, cap);
        if (k < 0)
            return r->rc = -1;
        if (k == 0)
            break;
        s = chunk;
        end = chunk + k;
    }
    if (r->blen > 0)
        fail(r, r->line, "%s", "the tp stream was cut short (its last line has no newline)");
    else if (!r->have_header)
        fail(r, r->line, "%s", "the tp stream has no header line");
    return r->rc;
}

static int
run_parquet(tp_reader *r, char *chunk, size_t got, size_t cap)
{
    long long size;
    int fd = tp_in_file(r->in, &size), own = 0;
    if (fd < 0) {
        if ((fd = spool(r, chunk, got, chunk, cap, &size)) < 0)
            return r->rc = -1;
        own = 1;
    }
    tp_pq_reader *pq = tp_pq_open(fd, size, r->name);
    if (!pq) {
        if (own)
            close(fd);
        return r->rc = -1;
    }
    size_t nc = tp_pq_ncols(pq);
    if (r->have_header) {
        if (nc != r->ncols) {
            tp_err(r->name, 0, "the Parquet schema has %zu columns, the signature %zu", nc,
                   r->ncols);
            r->rc = -1;
        }
    } else {
        r->own_cols = 1;
        r->ncols = nc;
        r->cols = tp_xmalloc((nc ? nc : 1) * sizeof *r->cols);
        for (size_t i = 0; i < nc; i++)
            r->cols[i] = tp_xstrdup(tp_pq_colname(pq, i));
    }
    if (r->rc == 0) {
        r->types = tp_xcalloc(nc ? nc : 1, sizeof *r->types);
        for (size_t i = 0; i < nc; i++)
            r->types[i] = tp_pq_coltype(pq, i) ? tp_pq_coltype(pq, i) : NULL;
        r->rc = set_header(r);
    }
    while (r->rc == 0) {
        const char *const *f;
        const size_t *len;
        const char *bad, *badcol;
        int k = tp_pq_next(pq, &f, &len, &bad, &badcol);
        if (k < 0)
            r->rc = -1;
        if (k <= 0)
            break;
        /* a Parquet row's "line" is its row number, counted from 1 */
        tp_row row = {nc, (const char **)f, len, (long)(r->rows + 1), r->rows, NULL, 0};
        if (bad) {
            bad_record(r, &row, row.line, badcol, bad);
            continue;
        }
        r->rows++;
        if (r->on_row)
            r->rc = r->on_row(r->arg, &row);
    }
    tp_pq_close(pq);
    if (own)
        close(fd);
    /* the rest of the file, for its size and CRC */
    while (r->rc == 0) {
        ssize_t k = tp_in_read(r->in, chunk, cap);
        if (k < 0)
            r->rc = -1;
        if (k <= 0)
            break;
    }
    return r->rc;
}

void
tp_reader_records(tp_reader *r, const char *path)
{
    free(r->records);
    r->records = path && *path ? tp_xstrdup(path) : NULL;
}

void
tp_reader_want(tp_reader *r, const char *name)
{
    r->want = tp_xrealloc(r->want, (r->nwant + 1) * sizeof *r->want);
    r->want[r->nwant++] = tp_xstrdup(name);
}

int
tp_reader_is_json(const tp_reader *r)
{
    return r->json || r->nexpand > 0;
}

int
tp_reader_col_absent(const tp_reader *r, size_t i)
{
    return tp_reader_is_json(r) && i >= r->nseen && i < tp_reader_ncols(r);
}

void
tp_reader_explode(tp_reader *r, const char *path, tp_json *x)
{
    r->epath = tp_xrealloc(r->epath, (r->nex + 1) * sizeof *r->epath);
    r->ej = tp_xrealloc(r->ej, (r->nex + 1) * sizeof *r->ej);
    r->epath[r->nex] = tp_xstrdup(path);
    r->ej[r->nex++] = x;
}

void
tp_reader_children(tp_reader *r, tp_row_fn fn)
{
    r->on_child = fn;
}

void
tp_reader_schema(tp_reader *r, char *const *cols, size_t n)
{
    r->schema = (char **)cols;
    r->nschema = n;
}

void
tp_reader_expand(tp_reader *r, const char *col)
{
    r->expand = tp_xrealloc(r->expand, (r->nexpand + 1) * sizeof *r->expand);
    r->expand[r->nexpand++] = tp_xstrdup(col);
}

static int
json_record(void *arg, const char *const *f, const size_t *len, size_t n, long line)
{
    tp_reader *r = arg;
    tp_row row = {n, (const char **)f, len, line, r->rows, NULL, 0};
    r->rows++;
    return r->on_row ? r->on_row(r->arg, &row) : 0;
}

static int
json_bad(void *arg, long line, const char *col, const char *why)
{
    tp_reader *r = arg;
    tp_row row = {0, NULL, NULL, line, r->rows, NULL, 0};
    bad_record(r, &row, line, col, why);
    return r->rc;
}

/* Feed j the input: first[0..n) already read from in, then the rest of in. */
static int
json_pass(tp_json *j, tp_in *in, const char *first, size_t n, char *chunk, size_t cap)
{
    int bom = 1;
    for (;;) {
        if (!first) {
            ssize_t k = tp_in_read(in, chunk, cap);
            if (k < 0)
                return -1;
            if (k == 0)
                break;
            first = chunk;
            n = (size_t)k;
        }
        if (bom && n >= 3 && memcmp(first, "\xEF\xBB\xBF", 3) == 0)
            first += 3, n -= 3;
        bom = 0;
        int rc = tp_json_feed(j, first, n);
        if (rc)
            return rc;
        first = NULL;
    }
    return tp_json_end(j);
}

/*
 * A JSON shard (json.h). Without a schema given (the signature, or pass 1's union of
 * keys), a first read finds the columns, so that the header is known before the first
 * row: the input is read twice (standard input through a temporary copy).
 */
static int
run_json(tp_reader *r, char *chunk, size_t got, size_t cap)
{
    r->json = 1;
    tp_in *in = r->in;
    int fd = -1;
    char path[32];
    const char *first = chunk;
    if (r->schema && !r->have_header) {
        r->cols = r->schema;
        r->ncols = r->nschema;
        r->have_header = 1;
    }
    if (!r->have_header && strcmp(r->name, "-") == 0) {
        long long size;
        if ((fd = spool(r, chunk, got, chunk, cap, &size)) < 0)
            return r->rc = -1;
        snprintf(path, sizeof path, "/dev/fd/%d", fd);
        first = NULL; /* both reads are of the copy, opened below */
        got = 0;
    }
    if (!r->have_header) {
        tp_json *pre = tp_json_new(r->name, r->records, NULL);
        for (size_t k = 0; k < r->nex; k++)
            tp_json_explode(pre, r->epath[k], NULL); /* the column, not its elements */
        tp_in *again = tp_in_open(fd >= 0 ? path : r->name);
        char *buf = tp_xmalloc(cap); /* chunk holds the first bytes of the second read */
        int rc = again ? json_pass(pre, again, NULL, 0, buf, cap) : -1;
        free(buf);
        tp_in_close(again);
        if (rc == 0) {
            r->nseen = tp_json_ncols(pre);
            for (size_t i = 0; i < r->nwant; i++)
                tp_json_add_col(pre, r->want[i]);
            r->own_cols = 1;
            r->ncols = tp_json_ncols(pre);
            r->cols = tp_xmalloc((r->ncols ? r->ncols : 1) * sizeof *r->cols);
            for (size_t i = 0; i < r->ncols; i++)
                r->cols[i] = tp_xstrdup(tp_json_col(pre, i));
        }
        tp_json_free(pre);
        if (rc) {
            r->rc = -1;
            goto done;
        }
        if (fd >= 0) {
            /* the copy is read again from its start */
            if (!(in = tp_in_open(path))) {
                r->rc = -1;
                goto done;
            }
        }
    } else {
        r->nseen = r->ncols;
    }
    if ((r->rc = set_header(r)) != 0)
        goto done;
    tp_json_cb cb = {json_record, json_bad, r};
    tp_json *j = tp_json_new(r->name, r->records, &cb);
    tp_json_schema(j, r->cols, r->ncols);
    for (size_t k = 0; k < r->nex; k++)
        tp_json_explode(j, r->epath[k], r->ej[k]);
    int rc = json_pass(j, in, first, got, chunk, cap);
    tp_json_free(j);
    if (rc && !r->rc)
        r->rc = rc;
done:
    if (in != r->in)
        tp_in_close(in);
    if (fd >= 0)
        close(fd);
    return r->rc;
}

/*
 * --expand-json COL: a CSV, TSV or Parquet column holding one JSON object per row (or
 * nothing) is replaced, where it stands, by the columns COL.KEY of its flattened keys
 * (json.h): in pass 1 the keys of the whole shard, found by a first read; in pass 2 those
 * of the union schema, the row then laid out in its order.
 */
struct xdisc {
    tp_reader *r;
    tp_json **j;
    long *col;
};

static int
xd_header(void *arg, tp_reader *in)
{
    struct xdisc *d = arg;
    for (size_t k = 0; k < d->r->nexpand; k++)
        if ((d->col[k] = tp_reader_find(in, d->r->expand[k])) < 0) {
            tp_err(d->r->name, 1, "--expand-json column '%s' not found", d->r->expand[k]);
            return -1;
        }
    return 0;
}

static int
xd_row(void *arg, const tp_row *row)
{
    struct xdisc *d = arg;
    for (size_t k = 0; k < d->r->nexpand; k++) {
        long c = d->col[k];
        if (row->len[c] == 0)
            continue;
        tp_json_restart(d->j[k]);
        if (tp_json_feed(d->j[k], row->f[c], row->len[c]) == 0)
            tp_json_end(d->j[k]); /* a bad cell adds no key; pass 2 says why */
    }
    return 0;
}

static int
x_cell(void *arg, const char *const *f, const size_t *len, size_t n, long line)
{
    tp_reader *r = arg;
    (void)line;
    if (r->xrecs++ > 0) {
        if (!r->xwhy[0])
            snprintf(r->xwhy, sizeof r->xwhy, "%s", "not JSON: more than one JSON value");
        return 0;
    }
    size_t base = (size_t)r->xoff[r->xk];
    for (size_t i = 0; i < n; i++) {
        if (r->ulen + len[i] + 1 > r->ucap) {
            r->ucap = 2 * (r->ulen + len[i] + 1);
            r->ubuf = tp_xrealloc(r->ubuf, r->ucap);
        }
        memcpy(r->ubuf + r->ulen, f[i], len[i]);
        r->ubuf[r->ulen + len[i]] = '\0';
        r->uoff[base + i] = len[i] ? r->ulen : (size_t)-1;
        r->nl[base + i] = len[i];
        r->ulen += len[i] + 1;
    }
    return 0;
}

static int
x_bad(void *arg, long line, const char *col, const char *why)
{
    tp_reader *r = arg;
    (void)line;
    (void)col;
    if (!r->xwhy[0])
        snprintf(r->xwhy, sizeof r->xwhy, "%s",
                 strncmp(why, "a record is a JSON object", 25) == 0 ? "not a JSON object" : why);
    return 0;
}

static int
x_header(void *arg, tp_reader *r)
{
    (void)arg;
    if ((r->json || r->stream) && r->nexpand == 0) {
        /* a JSON input lays its records out in the schema itself (run_json) */
        r->xpass = 1;
        return r->user_header ? r->user_header(r->user_arg, r) : 0;
    }
    if (r->json || r->stream) {
        tp_err(r->name, 1, "--expand-json is for CSV, TSV and Parquet inputs");
        return -1;
    }
    size_t nx = r->nexpand;
    r->xbase = tp_xmalloc(nx * sizeof *r->xbase);
    r->xoff = tp_xmalloc(nx * sizeof *r->xoff);
    for (size_t k = 0; k < nx; k++) {
        r->xbase[k] = -1;
        for (size_t i = 0; i < r->ncols; i++)
            if (strcmp(r->cols[i], r->expand[k]) == 0)
                r->xbase[k] = (long)i;
        if (r->xbase[k] < 0) {
            tp_err(r->name, 1, "--expand-json column '%s' not found", r->expand[k]);
            return -1;
        }
    }
    /* the natural columns: the inputs, each expanded one replaced by its keys */
    char **nat = NULL;
    long *src = NULL;
    size_t nn = 0;
    for (size_t i = 0; i < r->ncols; i++) {
        long k = -1;
        for (size_t x = 0; x < nx; x++)
            if (r->xbase[x] == (long)i)
                k = (long)x;
        if (k < 0) {
            nat = tp_xrealloc(nat, (nn + 1) * sizeof *nat);
            src = tp_xrealloc(src, (nn + 1) * sizeof *src);
            nat[nn] = tp_xstrdup(r->cols[i]);
            src[nn++] = (long)i;
            continue;
        }
        r->xoff[k] = (long)nn;
        tp_json *j = r->xj[k];
        size_t pl = strlen(r->expand[k]);
        if (r->schema) {
            /* pass 2: the keys are the union's COL.KEY names */
            for (size_t c = 0; c < r->nschema; c++)
                if (strncmp(r->schema[c], r->expand[k], pl) == 0 && r->schema[c][pl] == '.' &&
                    tp_reader_find(r, r->schema[c]) < 0)
                    tp_json_add_col(j, r->schema[c] + pl + 1);
        }
        tp_json_schema(j, NULL, 0);
        for (size_t c = 0; c < tp_json_ncols(j); c++) {
            const char *key = tp_json_col(j, c);
            nat = tp_xrealloc(nat, (nn + 1) * sizeof *nat);
            src = tp_xrealloc(src, (nn + 1) * sizeof *src);
            nat[nn] = tp_xmalloc(pl + strlen(key) + 2);
            sprintf(nat[nn], "%s.%s", r->expand[k], key);
            src[nn++] = -1;
        }
    }
    r->nnat = nn;
    r->nsrc = tp_xmalloc((nn ? nn : 1) * sizeof *r->nsrc);
    memcpy(r->nsrc, src, nn * sizeof *src);
    r->umap = tp_xmalloc((nn ? nn : 1) * sizeof *r->umap);
    if (r->schema) {
        tp_map *m = tp_map_new(0);
        for (size_t c = 0; c < r->nschema; c++)
            tp_map_put(m, r->schema[c], strlen(r->schema[c]), NULL);
        for (size_t i = 0; i < nn; i++)
            if ((r->umap[i] = tp_map_index(m, nat[i], strlen(nat[i]))) < 0) {
                tp_err(r->name, 1, "column '%s' is not in the schema of pass 1", nat[i]);
                tp_map_free(m);
                tp_strv_free(nat, nn);
                free(src);
                return -1;
            }
        tp_map_free(m);
        r->nucols = r->nschema;
        r->ucols = tp_xmalloc((r->nschema ? r->nschema : 1) * sizeof *r->ucols);
        r->usrc = tp_xmalloc((r->nschema ? r->nschema : 1) * sizeof *r->usrc);
        for (size_t c = 0; c < r->nschema; c++) {
            r->ucols[c] = tp_xstrdup(r->schema[c]);
            r->usrc[c] = -1;
        }
        for (size_t i = 0; i < nn; i++)
            r->usrc[r->umap[i]] = src[i];
        tp_strv_free(nat, nn);
        free(src);
        r->nseen = r->nucols;
    } else {
        for (size_t i = 0; i < nn; i++)
            r->umap[i] = (long)i;
        r->nseen = nn;
        for (size_t w = 0; w < r->nwant; w++) {
            int have = 0;
            for (size_t i = 0; i < nn && !have; i++)
                have = strcmp(nat[i], r->want[w]) == 0;
            if (have)
                continue;
            nat = tp_xrealloc(nat, (nn + 1) * sizeof *nat);
            src = tp_xrealloc(src, (nn + 1) * sizeof *src);
            nat[nn] = tp_xstrdup(r->want[w]);
            src[nn++] = -1;
        }
        r->ucols = nat;
        r->nucols = nn;
        r->usrc = src;
    }
    size_t nu = r->nucols > r->nnat ? r->nucols : r->nnat;
    r->uoff = tp_xmalloc((nu ? nu : 1) * sizeof *r->uoff);
    r->ul = tp_xmalloc((nu ? nu : 1) * sizeof *r->ul);
    r->nl = tp_xmalloc((nu ? nu : 1) * sizeof *r->nl);
    r->uf = tp_xmalloc((nu ? nu : 1) * sizeof *r->uf);
    long dup = tp_first_duplicate((const char *const *)r->ucols, r->nucols, NULL);
    if (dup >= 0) {
        tp_err(r->name, 1, "duplicate column name '%s' (--expand-json)", r->ucols[dup]);
        return -1;
    }
    return r->user_header ? r->user_header(r->user_arg, r) : 0;
}

static int
x_row(void *arg, const tp_row *row)
{
    tp_reader *r = arg;
    if (r->xpass)
        return r->user_row ? r->user_row(r->user_arg, row) : 0;
    r->ulen = 0;
    for (size_t i = 0; i < r->nnat; i++)
        r->uoff[i] = (size_t)-1; /* missing */
    for (size_t k = 0; k < r->nexpand; k++) {
        long c = r->xbase[k];
        if (row->len[c] == 0)
            continue;
        r->xk = (int)k;
        r->xwhy[0] = '\0';
        r->xrecs = 0;
        tp_json *j = r->xj[k];
        tp_json_restart(j);
        int rc = tp_json_feed(j, row->f[c], row->len[c]);
        if (rc == 0)
            rc = tp_json_end(j);
        if (rc < 0 && !r->xwhy[0])
            snprintf(r->xwhy, sizeof r->xwhy, "%s", tp_errmsg());
        if (!r->xwhy[0] && r->xrecs == 0)
            snprintf(r->xwhy, sizeof r->xwhy, "%s", "not JSON: no value");
        if (r->xwhy[0]) {
            char why[300];
            snprintf(why, sizeof why, "%s", r->xwhy);
            return tp_reader_reject(r, row, r->expand[k], why);
        }
    }
    /* the inputs where they stand, the expansions from the buffer, in the order seen */
    for (size_t i = 0; i < r->nucols; i++) {
        r->uf[i] = "";
        r->ul[i] = 0;
    }
    for (size_t i = 0; i < r->nnat; i++) {
        long b = r->nsrc[i];
        if (b < 0 && r->uoff[i] == (size_t)-1)
            continue;
        r->uf[r->umap[i]] = b >= 0 ? row->f[b] : r->ubuf + r->uoff[i];
        r->ul[r->umap[i]] = b >= 0 ? row->len[b] : r->nl[i];
    }
    tp_row out = {r->nucols, r->uf, r->ul, row->line, row->index, NULL, 0};
    return r->user_row ? r->user_row(r->user_arg, &out) : 0;
}

/* Pass 1 of --expand-json: the keys of each expanded column over the whole input. */
static int
expand_discover(tp_reader *r)
{
    r->xj = tp_xcalloc(r->nexpand, sizeof *r->xj);
    for (size_t k = 0; k < r->nexpand; k++) {
        tp_json_cb cb = {x_cell, x_bad, r};
        r->xj[k] = tp_json_new(NULL, NULL, &cb);
    }
    if (r->schema)
        return 0;
    if (strcmp(r->name, "-") == 0) {
        tp_err(r->name, 0, "--expand-json reads its input twice: a file, not standard input");
        return -1;
    }
    struct xdisc d;
    d.r = r;
    d.j = tp_xcalloc(r->nexpand, sizeof *d.j);
    d.col = tp_xcalloc(r->nexpand, sizeof *d.col);
    for (size_t k = 0; k < r->nexpand; k++)
        d.j[k] = tp_json_new(NULL, NULL, NULL);
    tp_reader *in = tp_reader_open(r->name, r->delim, r->have_header ? r->cols : NULL,
                                   r->have_header ? r->ncols : 0);
    int rc = in ? tp_reader_run(in, xd_header, xd_row, &d) : -1;
    tp_reader_close(in);
    for (size_t k = 0; k < r->nexpand; k++) {
        for (size_t c = 0; rc == 0 && c < tp_json_ncols(d.j[k]); c++)
            tp_json_add_col(r->xj[k], tp_json_col(d.j[k], c));
        tp_json_free(d.j[k]);
    }
    free(d.j);
    free(d.col);
    return rc ? -1 : 0;
}

int
tp_reader_run(tp_reader *r, tp_header_fn on_header, tp_row_fn on_row, void *arg)
{
    /* --expand-json, or pass 2 of a data set whose columns are a union (JSON shards, with
     * CSV, TSV or Parquet ones among them): the rows laid out in the columns seen */
    if ((r->nexpand > 0 || r->schema) && !r->user_header && !r->user_row) {
        if (expand_discover(r) < 0)
            return -1;
        r->user_header = on_header;
        r->user_row = on_row;
        r->user_arg = arg;
        on_header = x_header;
        on_row = x_row;
        arg = r;
    }
    r->on_header = on_header;
    r->on_row = on_row;
    r->arg = arg;
    /* with a signature, on_header waits for the first bytes: a Parquet shard's header
     * comes with the types its schema declares, and must be delivered once */
    int sig = r->have_header;
    enum { CHUNK = 256 * 1024 };
    char *chunk = tp_xmalloc(CHUNK);
    int first = 1;
    for (;;) {
        ssize_t got = tp_in_read(r->in, chunk, CHUNK);
        if (got < 0) {
            r->rc = -1;
            break;
        }
        if (got == 0)
            break;
        const char *s = chunk, *end = chunk + got;
        if (first) {
            first = 0;
            /* Parquet: "PAR1" then a thrift compact struct whose first field is a
             * required i32 (a page header's type, or the footer's version: 0x15); a
             * text whose first line begins with PAR1 is CSV */
            if (got >= 4 && memcmp(s, "PAR1", 4) == 0 &&
                (got == 4 || (unsigned char)s[4] == 0x15)) {
                run_parquet(r, chunk, (size_t)got, CHUNK);
                free(chunk);
                return r->rc;
            }
            if ((size_t)got >= strlen(TP_STREAM_MAGIC) &&
                memcmp(s, TP_STREAM_MAGIC, strlen(TP_STREAM_MAGIC)) == 0) {
                run_stream(r, chunk, (size_t)got, CHUNK);
                free(chunk);
                return r->rc;
            }
            if (tp_json_sniff(r->name, s, (size_t)got)) {
                run_json(r, chunk, (size_t)got, CHUNK);
                free(chunk);
                return r->rc;
            }
            if (sig && (r->rc = set_header(r)) != 0)
                break;
            if (got >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0)
                s += 3;
        }
        while (s < end) {
            const char *nl = memchr(s, '\n', (size_t)(end - s));
            const char *stop = nl ? nl + 1 : end;
            if (r->skip_line) {
                r->skip_line = r->mid_line = nl == NULL;
            } else if (r->skip_before > r->rows && nl && !r->mid_line && r->have_header &&
                       !r->quote_odd && r->nexpand == 0 && whole_record(s, (size_t)(stop - s))) {
                r->rows++; /* an unwanted row of a clean input: counted, not tokenized */
            } else {
                if (r->skip_on)
                    r->quote_odd ^= quotes_odd(s, (size_t)(stop - s));
                r->mid_line = nl == NULL;
                if (feed(r, s, (size_t)(stop - s)) != 0)
                    break;
            }
            if (nl)
                r->line++;
            s = stop;
        }
        if (r->rc)
            break;
    }
    free(chunk);
    if (r->rc == 0 && first && sig)
        r->rc = set_header(r); /* 0-byte input with a signature */
    if (r->rc == 0 && csv_fini(&r->p, on_field, on_record, r) != 0 && r->rc == 0)
        abandon_record(r, r->rec_line, "unterminated quoted field at end of file");
    if (r->rc == 0 && !r->have_header)
        r->rc = set_header(r); /* 0-byte input: no columns, no rows */
    return r->rc;
}

int
tp_reader_is_stream(const tp_reader *r)
{
    return r->stream;
}

size_t
tp_reader_ncols(const tp_reader *r)
{
    return r->ucols ? r->nucols : r->ncols;
}

const char *
tp_reader_col(const tp_reader *r, size_t i)
{
    return r->ucols ? r->ucols[i] : r->cols[i];
}

const char *
tp_reader_coltype(const tp_reader *r, size_t i)
{
    if (r->ucols) {
        if (i >= r->nucols || r->usrc[i] < 0)
            return NULL;
        i = (size_t)r->usrc[i];
    }
    return r->types && i < r->ncols ? r->types[i] : NULL;
}

const char *
tp_reader_name(const tp_reader *r)
{
    return r->name;
}

void
tp_reader_skip_before(tp_reader *r, long long index)
{
    if (!r->skip_on)
        r->quote_odd = 0; /* set at a record's end (on_header, on_row) or before reading */
    r->skip_on = 1;
    r->skip_before = index;
}

void
tp_reader_raw(tp_reader *r, int on)
{
    r->want_raw = on;
}

long long
tp_reader_rows(const tp_reader *r)
{
    return r->rows;
}

void
tp_reader_input(const tp_reader *r, long long *bytes, unsigned long *crc)
{
    tp_in_sum(r->in, bytes, crc);
}

long
tp_reader_find(const tp_reader *r, const char *name)
{
    for (size_t i = 0; i < tp_reader_ncols(r); i++)
        if (strcmp(tp_reader_col(r, i), name) == 0)
            return (long)i;
    return -1;
}

void
tp_reader_close(tp_reader *r)
{
    if (!r)
        return;
    TP_UNTRACK(r);
    tp_in_close(r->in);
    csv_free(&r->p);
    if (r->own_cols)
        tp_strv_free(r->cols, r->ncols);
    free(r->types);
    free(r->records);
    tp_strv_free(r->want, r->nwant);
    tp_strv_free(r->epath, r->nex);
    free(r->ej);
    for (size_t k = 0; r->xj && k < r->nexpand; k++)
        tp_json_free(r->xj[k]);
    free(r->xj);
    tp_strv_free(r->expand, r->nexpand);
    free(r->xbase);
    tp_strv_free(r->ucols, r->nucols);
    free(r->usrc);
    free(r->umap);
    free(r->nsrc);
    free(r->xoff);
    free(r->ubuf);
    free(r->uoff);
    free(r->ul);
    free(r->nl);
    free(r->uf);
    free(r->raw);
    free(r->buf);
    free(r->off);
    free(r->flen);
    free(r->fp);
    free(r->name);
    free(r);
}

static int
ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

char
tp_delim_for(const char *path, int force_tsv)
{
    return force_tsv || ends_with(path, ".tsv") || ends_with(path, ".tsv.gz") ? '\t' : ',';
}

struct sigread {
    char **names;
    size_t n;
};

static int
sig_header(void *arg, tp_reader *r)
{
    struct sigread *s = arg;
    s->n = tp_reader_ncols(r);
    s->names = tp_xmalloc((s->n ? s->n : 1) * sizeof *s->names);
    for (size_t i = 0; i < s->n; i++)
        s->names[i] = tp_xstrdup(tp_reader_col(r, i));
    return 0;
}

static int
sig_row(void *arg, const tp_row *row)
{
    (void)arg;
    (void)row;
    return 1; /* more than one line */
}

long
tp_read_signature(const char *path, char ***names)
{
    tp_reader *r = tp_reader_open(path, ',', NULL, 0);
    if (!r)
        return -1;
    struct sigread s = {NULL, 0};
    int rc = tp_reader_run(r, sig_header, sig_row, &s);
    if (rc == 1)
        tp_err(path, 2, "a signature file holds one line of column names");
    if (rc == 0 && s.n == 0)
        tp_err(path, 0, "empty signature file");
    tp_reader_close(r);
    if (rc != 0 || s.n == 0) {
        tp_strv_free(s.names, s.n);
        return -1;
    }
    *names = s.names;
    return (long)s.n;
}

long
tp_first_duplicate(const char *const *v, size_t n, size_t *earlier)
{
    /* a hash map name -> first index: linear in the number of names (a header may have
     * 100,000 columns, and comparing each with all before it took seconds per tool) */
    tp_map *seen = tp_map_new(sizeof(size_t));
    long dup = -1;
    for (size_t i = 0; i < n && dup < 0; i++) {
        int created;
        size_t *first = tp_map_put(seen, v[i], strlen(v[i]), &created);
        if (created) {
            *first = i;
        } else {
            dup = (long)i;
            if (earlier)
                *earlier = *first;
        }
    }
    tp_map_free(seen);
    return dup;
}

void
tp_strv_free(char **v, size_t n)
{
    if (!v)
        return;
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

long
tp_shard_number(const char *path)
{
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    if (strncmp(base, "part-", 5) != 0)
        return -1;
    long v = 0;
    const char *p = base + 5;
    if (*p < '0' || *p > '9')
        return -1;
    for (; *p >= '0' && *p <= '9'; p++) {
        if (v > 99999999)
            return -1;
        v = v * 10 + (*p - '0');
    }
    return v;
}
