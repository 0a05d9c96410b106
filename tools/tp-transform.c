/*
 * tp-transform: pass 2, first stage. Applies the context to one shard: renames columns,
 * maps the label through the global vocabulary, drops rows without a label, a temporal
 * value or a dedup key and rows that lost the dedup, and appends concatenated text
 * columns. Writes CSV to standard output, or with --stream the tp stream (text.h) that
 * tp-split and tp-write read without parsing CSV again.
 */
#include "context.h"
#include "err.h"
#include "rejects.h"
#include "scanop.h"
#include "io.h"
#include "json.h"
#include "reader.h"
#include "text.h"
#include "value.h"
#include "term.h"
#include "toolopt.h"
#include "transform.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The child lines of the row being read are kept in memory up to this many bytes, then
 * in an unlinked temporary file. */
#define SPOOL_MEM ((size_t)1 << 20)

static const char usage_text[] =
    "usage: tp-transform [-h] -c DIR [-n N] [-s FILE] [--before-fit] [--on-bad-row POLICY]\n"
    "                    [--records PATH] [--rejects FILE] [--stream] [--tsv] [FILE]\n";

static void
usage(int status)
{
    tp_usage(usage_text, status);
}

static void
bad(void)
{
    tp_warnx("%s", tp_errmsg());
    usage(TP_EXIT_USAGE);
}

struct xf {
    const tp_context *c;
    tp_out *out;
    int stream; /* --stream: write the tp stream, not CSV */
    const char *file;
    tp_roles roles; /* the columns of the scan operations (scanop.h) */
    tp_pass2 p2;    /* the row as written: the label by its id */
    tp_pass2set *ops;
    tp_reader *r;
    tp_rejects *rejects;
    tp_tfset *tf; /* the transforms: fitted (applied), or before the fit (checked) */
    char **fcols; /* with fitted transforms: the output columns they give */
    long nfcols;
    /* --explode with --stream: the elements of the row's arrays become child lines
     * (text.h) after it, spooled while the row is read (its fate and _parent unknown) */
    int xlines;
    long idcol;       /* --id: its input column, else -1 (_parent is SHARD:ROW) */
    tp_json **xj;     /* per child table: the reader of its elements, columns fixed */
    struct xk *xk;    /* per child table: its callback's state */
    tp_out *sm;       /* the spool in memory: "PATH<TAB>INDEX<TAB>FIELDS...\n" a line */
    int sfd;          /* the spool's file beyond SPOOL_MEM, or -1 */
    long long sbytes; /* bytes in it */
    tp_out *pm;       /* the row's _parent, escaped */
    int sstate;       /* copying a spool line out: 0 at its start, 1 in PATH, 2 after */
};

struct xk {
    struct xf *x;
    const char *path;
    long long index; /* elements of the row so far */
};

/* A field and the end of a record of the output, CSV or the tp stream. */
static int
put(struct xf *x, const char *s, size_t n)
{
    return x->stream ? tp_out_stream_field(x->out, s, n) : tp_out_rec_field(x->out, s, n, ',');
}

static int
put_end(struct xf *x)
{
    return x->stream ? tp_out_stream_end(x->out) : tp_out_rec_end(x->out);
}

static void spool_clear(struct xf *x);

static int
on_bad(void *arg, const tp_bad *b)
{
    struct xf *x = arg;
    if (x->xlines)
        spool_clear(x); /* a bad row's elements go nowhere */
    return x->rejects ? tp_rejects_add(x->rejects, b) : 0;
}

static int
write_header(struct xf *x)
{
    int rc = 0;
    if (x->stream)
        rc |= tp_out_stream_start(x->out, x->fcols ? (size_t)x->nfcols + x->c->nout - x->c->nin
                                                   : x->c->nout);
    if (x->fcols) {
        for (long i = 0; i < x->nfcols; i++)
            rc |= put(x, x->fcols[i], strlen(x->fcols[i]));
        for (size_t i = x->c->nin; i < x->c->nout; i++)
            rc |= put(x, x->c->out[i], strlen(x->c->out[i]));
        return rc | put_end(x);
    }
    for (size_t i = 0; i < x->c->nout; i++)
        rc |= put(x, x->c->out[i], strlen(x->c->out[i]));
    rc |= put_end(x);
    return rc;
}

/*
 * An exploded array's cell travels to tp-write (which writes the child rows to the split
 * of their row) as "JSON<TAB>PARENT", PARENT the row's identity SHARD:ROW: compact JSON
 * holds no TAB, so the first one ends it.
 */
static void
tag_exploded(struct xf *x, const char **f, size_t *len, const tp_row *row)
{
    static char *buf;
    static size_t cap;
    size_t need = 0;
    for (size_t k = 0; k < x->c->nx; k++)
        need += len[x->c->xcol[k]] + 48;
    if (need > cap) {
        cap = 2 * need;
        buf = tp_xrealloc(buf, cap);
    }
    static long id = -2;
    if (id == -2)
        id = x->c->idcol ? tp_context_col(x->c, x->c->idcol) : -1;
    if (id >= 0)
        need += len[id] * x->c->nx;
    if (need > cap) {
        cap = 2 * need;
        buf = tp_xrealloc(buf, cap);
    }
    char *p = buf;
    for (size_t k = 0; k < x->c->nx; k++) {
        long c = x->c->xcol[k];
        if (len[c] == 0)
            continue;
        int n = id >= 0 ? sprintf(p, "%.*s\t%.*s", (int)len[c], f[c], (int)len[id], f[id])
                        : sprintf(p, "%.*s\t%ld:%lld", (int)len[c], f[c], x->p2.shard, row->index);
        f[c] = p;
        len[c] = (size_t)n;
        p += n + 1;
    }
}

/* The spool's memory into its file (created on first use). 0, or -1 with an error. */
static int
spool_flush(struct xf *x)
{
    if (x->sfd < 0) {
        const char *dir = getenv("TMPDIR");
        char *tmpl = tp_xmalloc(strlen(dir && *dir ? dir : "/tmp") + 16);
        sprintf(tmpl, "%s/tp-x.XXXXXX", dir && *dir ? dir : "/tmp");
        x->sfd = mkstemp(tmpl);
        if (x->sfd < 0) {
            tp_err(tmpl, 0, "cannot create a temporary file:");
            free(tmpl);
            return -1;
        }
        unlink(tmpl);
        free(tmpl);
    }
    for (size_t done = 0; done < x->sm->len;) {
        ssize_t k = pwrite(x->sfd, x->sm->buf + done, x->sm->len - done, x->sbytes);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0) {
            tp_err("TMPDIR", 0, "cannot write the child rows of --explode:");
            return -1;
        }
        done += (size_t)k;
        x->sbytes += k;
    }
    x->sm->len = 0;
    return 0;
}

/* An element of an exploded array of the row being read: a spooled child line. */
static int
on_xchild(void *arg, const char *const *f, const size_t *len, size_t n, long line)
{
    struct xk *k = arg;
    struct xf *x = k->x;
    (void)line;
    char ix[32];
    int m = snprintf(ix, sizeof ix, "%lld", k->index++);
    int rc = tp_out_stream_field(x->sm, k->path, strlen(k->path));
    rc |= tp_out_stream_field(x->sm, ix, (size_t)m);
    for (size_t i = 0; i < n; i++)
        rc |= tp_out_stream_field(x->sm, f[i], len[i]);
    rc |= tp_out_stream_end(x->sm);
    if (rc == 0 && x->sm->len >= SPOOL_MEM)
        rc = spool_flush(x);
    return rc ? -1 : 0;
}

/* Spooled bytes s[0..n) out as child lines: TP_STREAM_CHILD, then PARENT after PATH. */
static int
spool_copy(struct xf *x, const char *s, size_t n)
{
    int rc = 0;
    while (n > 0 && rc == 0) {
        if (x->sstate == 0) {
            rc |= tp_out_write(x->out, TP_STREAM_CHILD, 2);
            x->sstate = 1;
        }
        if (x->sstate == 1) {
            const char *tab = memchr(s, '\t', n);
            size_t k = tab ? (size_t)(tab - s) : n;
            rc |= tp_out_write(x->out, s, k);
            if (tab) {
                rc |= tp_out_byte(x->out, '\t');
                rc |= tp_out_write(x->out, x->pm->buf, x->pm->len);
                x->sstate = 2; /* the TAB goes on before INDEX */
            }
            s += k, n -= k;
            continue;
        }
        const char *nl = memchr(s, '\n', n);
        size_t k = nl ? (size_t)(nl - s) + 1 : n;
        rc |= tp_out_write(x->out, s, k);
        if (nl)
            x->sstate = 0;
        s += k, n -= k;
    }
    return rc;
}

/* The row's child lines are done with: none spooled, the indexes from 0 again. */
static void
spool_clear(struct xf *x)
{
    x->sm->len = 0;
    /* (the space only: the file is read no further than sbytes) */
    if (x->sbytes > 0 && ftruncate(x->sfd, 0) < 0)
        x->sbytes = 0;
    x->sbytes = 0;
    x->sstate = 0;
    for (size_t k = 0; k < x->c->nx; k++)
        x->xk[k].index = 0;
}

/* The child lines of the row just written, whose _parent is parent[0..n). */
static int
spool_out(struct xf *x, const char *parent, size_t n)
{
    x->pm->len = 0;
    int rc = tp_out_esc(x->pm, parent, n);
    static char buf[1 << 16];
    for (long long at = 0; rc == 0 && at < x->sbytes;) {
        ssize_t k = pread(x->sfd, buf, sizeof buf, at);
        if (k < 0 && errno == EINTR)
            continue;
        if (k <= 0) {
            tp_err("TMPDIR", 0, "cannot read the child rows of --explode back%s",
                   k < 0 ? ":" : ": cut short");
            return -1;
        }
        rc = spool_copy(x, buf, (size_t)k);
        at += k;
    }
    if (rc == 0)
        rc = spool_copy(x, x->sm->buf, x->sm->len);
    spool_clear(x);
    return rc;
}

static int
same_records(const char *a, const char *b)
{
    return b && strcmp(a, b) == 0;
}

static int
on_header(void *arg, tp_reader *r)
{
    struct xf *x = arg;
    size_t n = tp_reader_ncols(r);
    if (n > 0) {
        for (size_t i = 0; i < n && i < x->c->nin; i++)
            if (strcmp(tp_reader_col(r, i), x->c->in[i]) != 0) {
                tp_err(x->file, 1, "column %zu is '%s', but '%s' in pass 1", i + 1,
                       tp_reader_col(r, i), x->c->in[i]);
                return -1;
            }
        if (n != x->c->nin) {
            tp_err(x->file, 1, "%zu columns, but %zu in pass 1", n, x->c->nin);
            return -1;
        }
    }
    return write_header(x);
}

/* A field of the transforms' output: missing values written empty, as below. */
static int
put_field(void *arg, const char *s, size_t n, int missing)
{
    struct xf *x = arg;
    return put(x, missing ? "" : s, missing ? 0 : n);
}

static int
row_inner(void *arg, const tp_row *row)
{
    struct xf *x = arg;
    const tp_context *c = x->c;
    tp_scanrow sr;
    long col;
    char why[1024];
    tp_scanrow_init(&sr, &x->roles);
    /* the same verdict on a row as tp-scan's (scanop.h): its bad values first, then
     * what the scan operations drop (no label, no time, no key, a duplicate) */
    if (tp_scan_check(&sr, row, &col, why, sizeof why))
        return tp_reader_reject(x->r, row, c->in[col], why);
    if (x->tf && tp_tfset_check(x->tf, row->f, row->len, NULL, &col, why, sizeof why))
        return tp_reader_reject(x->r, row, c->in[col], why);
    for (size_t k = 0; x->xlines && k < c->nx; k++) {
        /* a cell holding an array's text (CSV, TSV, Parquet; a JSON string): its
         * elements are child lines too, a cell that is no JSON a bad row, as in pass 1 */
        long xc = c->xcol[k];
        if (row->len[xc] == 0)
            continue;
        tp_json_restart(x->xj[k]);
        int rc = tp_json_feed(x->xj[k], row->f[xc], row->len[xc]);
        if (rc == 0)
            rc = tp_json_end(x->xj[k]);
        if (rc)
            return tp_reader_reject(x->r, row, c->x[k].path, "not a JSON array");
    }
    if (!tp_scan_keeps(&sr, row))
        return 0;
    const char **f = x->p2.f;
    size_t *len = x->p2.len;
    for (size_t i = 0; i < row->n; i++) {
        f[i] = row->f[i];
        len[i] = row->len[i];
    }
    int got = tp_pass2_apply(x->ops, row, why, sizeof why);
    if (got != 0) /* 1: dropped (a duplicate); this stage gives no bad row (2) */
        return got == 1 ? 0 : -1;
    if (c->nx && !x->xlines)
        tag_exploded(x, f, len, row);
    for (size_t k = 0; x->xlines && k < c->nx; k++) {
        f[c->xcol[k]] = ""; /* the elements follow as child lines */
        len[c->xcol[k]] = 0;
    }
    /* the _parent of its child lines, before the transforms write the row */
    char parent[48];
    const char *pv = parent;
    size_t pn = 0;
    if (x->xlines && x->idcol >= 0) {
        pv = f[x->idcol];
        pn = len[x->idcol];
    } else if (x->xlines) {
        pn = (size_t)snprintf(parent, sizeof parent, "%ld:%lld", x->p2.shard, row->index);
    }
    int rc = 0;
    if (x->fcols && tp_tfset_apply(x->tf, f, len, put_field, x) < 0) {
        char *msg = tp_xstrdup(tp_errmsg());
        tp_err(x->file, row->line, "%s", msg);
        free(msg);
        return -1;
    }
    for (size_t i = 0; !x->fcols && i < row->n; i++) {
        /* a missing value is written empty, whatever its spelling ("NA", "null"), as
         * pandas' to_csv writes NaN and as a Parquet null reads back */
        if (tp_is_missing(f[i], len[i]))
            rc |= put(x, "", 0);
        else
            rc |= put(x, f[i], len[i]);
    }
    for (size_t k = 0; k < c->nconcat; k++) {
        /* Build the joined value in one pass; a quoted field is needed only if a part
         * holds a quote, comma or line end, which the writer decides on the whole. */
        static char *buf;
        static size_t cap;
        size_t len = 0;
        for (size_t j = 0; j < c->concat[k].n; j++) {
            size_t s = c->concat[k].src[j];
            const char *v = row->f[s];
            size_t n = row->len[s];
            if (tp_is_missing(v, n)) {
                v = "[MISSING]";
                n = 9;
            }
            if (len + n + 1 > cap) {
                cap = (len + n + 1) * 2;
                buf = tp_xrealloc(buf, cap);
            }
            if (j)
                buf[len++] = '|';
            memcpy(buf + len, v, n);
            len += n;
        }
        rc |= put(x, buf ? buf : "", len);
    }
    rc |= put_end(x);
    if (rc == 0 && x->xlines)
        rc = spool_out(x, pv, pn);
    return rc ? -1 : 0;
}

/* A row; the child lines spooled while it was read go out after it, or nowhere. */
static int
on_row(void *arg, const tp_row *row)
{
    struct xf *x = arg;
    int rc = row_inner(arg, row);
    if (x->xlines)
        spool_clear(x);
    return rc;
}

int
main(int argc, char **argv)
{
    enum { OPT_BEFORE_FIT = 256, OPT_STREAM };
    static const struct option longopts[] = {
        {"before-fit", no_argument, NULL, OPT_BEFORE_FIT},
        {"signature", required_argument, NULL, 's'},
        {"stream", no_argument, NULL, OPT_STREAM},
        {NULL, 0, NULL, 0},
    };
    tp_setprogname(argv);
    if (tp_watch_start() < 0)
        tp_die(TP_EXIT_USAGE);
    tp_toolopt to;
    if (tp_toolopt_init(&to, TP_TO_NEED_CONTEXT | TP_TO_SHARD | TP_TO_BAD | TP_TO_TSV | TP_TO_JSON,
                        "s:", longopts) < 0)
        tp_die(TP_EXIT_USAGE);
    const char *sigfile = NULL;
    int c, before_fit = 0, stream = 0;
    while ((c = getopt_long(argc, argv, to.shortopts, to.longopts, NULL)) != -1) {
        int taken = tp_toolopt_take(&to, c, optarg);
        if (taken == TP_TO_HELP)
            usage(0);
        if (taken == TP_TO_VERSION)
            tp_version_exit();
        if (taken < 0)
            bad();
        if (taken)
            continue;
        switch (c) {
        case 's':
            sigfile = optarg;
            break;
        case OPT_BEFORE_FIT:
            before_fit = 1;
            break;
        case OPT_STREAM:
            stream = 1;
            break;
        default:
            usage(TP_EXIT_USAGE);
        }
    }
    if (tp_toolopt_check(&to) < 0)
        bad();
    if (argc - optind > 1)
        usage(TP_EXIT_USAGE);
    const char *dir = to.context, *in = optind < argc ? argv[optind] : "-";
    long long shard = to.shard >= 0 ? to.shard : tp_shard_number(in);
    if (shard < 0)
        shard = 0;
    tp_context *ctx = tp_context_read_shard(dir, (long)shard);
    if (!ctx)
        tp_die(TP_EXIT_DATA);
    char **sig = NULL;
    long nsig = 0;
    if (sigfile && (nsig = tp_read_signature(sigfile, &sig)) < 0)
        tp_die(TP_EXIT_DATA);
    if (!sig && ctx->header == 0) {
        sig = ctx->in; /* headerless shards: the signature of pass 1 */
        nsig = (long)ctx->nin;
    }
    struct xf x = {0};
    x.c = ctx;
    x.file = in;
    x.stream = stream;
    x.roles.label = ctx->label;
    x.roles.dedup = ctx->dedup;
    x.roles.temporal = ctx->temporal;
    x.p2.c = ctx;
    x.p2.dir = dir;
    x.p2.shard = (long)shard;
    x.p2.file = in;
    x.p2.col = -1;
    x.p2.f = tp_xcalloc(ctx->nin + 1, sizeof *x.p2.f);
    x.p2.len = tp_xcalloc(ctx->nin + 1, sizeof *x.p2.len);
    char *tfdir = tp_xmalloc(strlen(dir) + 16);
    sprintf(tfdir, "%s/transform", dir);
    if (tp_tfset_exists(tfdir, "specs")) {
        int fitted = tp_tfset_exists(tfdir, "fit");
        if (!fitted && !before_fit)
            tp_fatal(TP_EXIT_DATA,
                     "%s: the transforms are not fitted yet: run the fit pass first "
                     "(tp-transform --before-fit | tp-split --fit FILE, then tp-context --fit)",
                     tfdir);
        x.tf = before_fit ? tp_tfset_read_specs(tfdir, (unsigned long long)ctx->seed)
                          : tp_tfset_read_fit(tfdir, (unsigned long long)ctx->seed);
        if (!x.tf || tp_tfset_bind(x.tf, ctx->in, ctx->nin, NULL) < 0)
            tp_die(TP_EXIT_DATA);
        if (!before_fit) {
            char **cols;
            const char **types;
            long n = tp_tfset_read_columns(tfdir, &cols, &types, NULL);
            if (n < 0)
                tp_die(TP_EXIT_DATA);
            free(types);
            x.fcols = cols;
            x.nfcols = n;
        }
    }
    free(tfdir);
    long si = tp_context_shard(ctx, (long)shard);
    tp_reader *r = tp_reader_open(in, tp_delim_for(in, to.tsv), sig, (size_t)nsig);
    if (!r)
        tp_die(TP_EXIT_DATA);
    x.r = r;
    if (to.records && !same_records(to.records, ctx->records))
        tp_fatal(TP_EXIT_USAGE, "--records %s: pass 1 read %s%s", to.records,
                 ctx->records ? "the records at " : "without --records",
                 ctx->records ? ctx->records : "");
    tp_reader_records(r, ctx->records);
    if (ctx->header == 2) /* JSON, --expand-json: the union of pass 1's keys */
        tp_reader_schema(r, ctx->in, ctx->nin);
    for (size_t i = 0; i < ctx->nexpand; i++)
        tp_reader_expand(r, ctx->expand[i]);
    x.sfd = -1;
    x.idcol = -1;
    if (ctx->nx && stream) {
        /* the tp stream: each array read element by element, in bounded memory (json.h);
         * the elements become child lines, except before the fit (not fitted) */
        x.xlines = !before_fit;
        x.xj = tp_xcalloc(ctx->nx, sizeof *x.xj);
        x.xk = tp_xcalloc(ctx->nx, sizeof *x.xk);
        x.sm = tp_out_mem();
        x.pm = tp_out_mem();
        x.idcol = ctx->idcol ? tp_context_col(ctx, ctx->idcol) : -1;
        for (size_t k = 0; k < ctx->nx; k++) {
            x.xk[k].x = &x;
            x.xk[k].path = ctx->x[k].path;
            if (x.xlines) {
                tp_json_cb cb = {on_xchild, NULL, &x.xk[k]};
                x.xj[k] = tp_json_new(in, NULL, &cb);
                tp_json_values(x.xj[k], 1);
                tp_json_schema(x.xj[k], ctx->x[k].cols, ctx->x[k].ncols);
            }
            tp_reader_explode(r, ctx->x[k].path, x.xj[k]);
        }
    }
    x.p2.r = r; /* before the operations open: dedup tells it the rows it need not read */
    if (!(x.ops = tp_pass2_open(&x.p2, TP_STAGE_TRANSFORM)))
        tp_die(TP_EXIT_DATA);
    x.rejects = to.rejects ? tp_rejects_new(to.rejects, in) : NULL;
    tp_reader_policy(r, to.policy, on_bad);
    x.out = tp_out_open("-", 0);
    if (tp_reader_run(r, on_header, on_row, &x) != 0) {
        tp_rejects_abort(x.rejects);
        tp_die(TP_EXIT_DATA);
    }
    long long rows = tp_reader_rows(r), bad = tp_reader_bad(r), bytes;
    unsigned long crc;
    tp_reader_input(r, &bytes, &crc);
    /* the exact check first: the same rows, even the same size, may hold other values */
    if (si >= 0 && (bytes != ctx->shards[si].bytes || crc != ctx->shards[si].crc)) {
        tp_rejects_abort(x.rejects);
        tp_err(in, 0, "changed since pass 1 (size %lld -> %lld bytes, CRC-32 %08lx -> %08lx)",
               ctx->shards[si].bytes, bytes, ctx->shards[si].crc, crc);
        tp_die(TP_EXIT_DATA);
    }
    if (si >= 0 && rows != ctx->shards[si].rows) {
        tp_rejects_abort(x.rejects);
        tp_err(in, 0, "%lld rows, but %lld in pass 1: the shard changed between the passes", rows,
               ctx->shards[si].rows);
        tp_die(TP_EXIT_DATA);
    }
    if (si >= 0 && bad != ctx->shards[si].bad) {
        tp_rejects_abort(x.rejects);
        tp_err(in, 0,
               "%lld bad rows, but %lld in pass 1 (scan and transform with the same "
               "--on-bad-row policy)",
               bad, ctx->shards[si].bad);
        tp_die(TP_EXIT_DATA);
    }
    /* the operations' own checks of the whole shard (every row of the keep list seen) */
    if (tp_pass2_close(x.ops, 1) < 0) {
        tp_rejects_abort(x.rejects);
        tp_die(TP_EXIT_DATA);
    }
    if (x.rejects && tp_rejects_close(x.rejects) < 0)
        tp_die(TP_EXIT_DATA);
    if (tp_out_commit(x.out, NULL) < 0)
        tp_die(TP_EXIT_DATA);
    tp_reader_close(r);
    for (size_t k = 0; x.xj && k < ctx->nx; k++)
        tp_json_free(x.xj[k]);
    free(x.xj);
    free(x.xk);
    tp_out_abort(x.sm);
    tp_out_abort(x.pm);
    if (x.sfd >= 0)
        close(x.sfd);
    tp_tfset_free(x.tf);
    if (x.fcols)
        tp_strv_free(x.fcols, (size_t)x.nfcols);
    free(x.p2.f);
    free(x.p2.len);
    if (sig != ctx->in)
        tp_strv_free(sig, (size_t)nsig);
    tp_context_free(ctx);
    return 0;
}
