/*
 * tp-write: pass 2, last stage. Routes the rows of tp-split's stream to
 * OUTDIR/<split>/part-NNNNN.<ext>, one file per split that has rows, each written under
 * a temporary name and renamed only when complete. CSV and TSV go through the record
 * writer of io.h; Parquet through pqwrite.h, with column types from the context. The
 * child tables of --explode are written in the same format, beside the main table.
 * With --join OUTFILE it joins files it wrote (one split's part files, in the order
 * given) into the one file OUTFILE, through the same writers.
 */
#include "context.h"
#include "err.h"
#include "rejects.h"
#include "io.h"
#include "json.h"
#include "pqcodec.h"
#include "pqwrite.h"
#include "reader.h"
#include "text.h"
#include "value.h"
#include "term.h"
#include "toolopt.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

static const char usage_text[] =
    "usage: tp-write [-hq] [-c DIR] [-f FORMAT] [-n N] [-r FILE] [--compression CODEC]\n"
    "                [--on-bad-row POLICY] [--rejects FILE] [--row-group-size N] OUTDIR [FILE]\n"
    "       tp-write [-hq] [-c DIR] [-f FORMAT] [--compression CODEC] [--row-group-size N]\n"
    "                --join OUTFILE (FILE ... | --files0-from FILE)\n";

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

enum { MAXSPLITS = 16 };

/* Parquet row groups: at most this many rows (pyarrow's default, 1Mi) or this many bytes
 * of buffered values, whichever comes first (tp-write(1)); the bytes bound all the files
 * of one tp-write together. */
enum { PQ_GROUP_ROWS = 1 << 20 };
#define PQ_GROUP_BYTES ((size_t)64 << 20)

struct dest {
    char *name;
    tp_out *out;
    tp_pq_writer *pq;
    char *path; /* Parquet: the file, for its size once committed */
    long long rows;
};

struct wr {
    tp_rejects *rejects;
    const char *outdir, *ext, *file;
    char delim;
    int gzip;
    long shard;
    tp_reader *r;
    struct dest d[MAXSPLITS];
    size_t nd;
    long long rows, refused; /* rows written; rows refused by the Parquet writer */
    /* Parquet */
    int parquet, codec;
    long long group_rows;
    tp_context *ctx; /* column types, or NULL: every column is object */
    int *kinds;      /* per written column */
    size_t *pcol;    /* per written column: its stream column (exploded arrays are not) */
    size_t npcol;
    const char **pf; /* a row's written fields, when some stream columns are not */
    size_t *pl;
    char *kv[2];        /* footer values: tp.signature, tp.metadata */
    long long buffered; /* values buffered by all Parquet files, child files too */
    /* --join: the one output file, the data columns from off (0; 1 after tp:split) */
    const char *join;
    size_t off;
    char **cols; /* --join: the first file's columns, which every file must have */
    size_t ncols;
    /* --explode (the context's child tables): their columns in the stream, not written
     * with the row; each element a row of OUTDIR/PATH/<split>/part-NNNNN.<ext> */
    char *skip;      /* per stream column: 1 for an exploded array */
    long *xs;        /* per child table: its stream column */
    tp_json **xj;    /* per child table: the parser of its cells, columns fixed */
    struct dest *xd; /* child files, one per (table, split) */
    int *xk;         /* their table */
    size_t nxd;
    struct dest *cur; /* the child file of the cell being read */
    const char *parent;
    size_t nparent;
    long long index;
    long line;         /* the row of that cell */
    struct dest *last; /* the tp stream: the split of the row before, for its child lines
                          (NULL: not written, they go nowhere) */
    int xrows;         /* a row came before: child lines may */
    int **xkind;       /* Parquet: per child table, the kinds of its columns */
    char **xkv;        /* Parquet: per child table, its footer values (2 each) */
};

static int flush_largest(struct wr *w);

/*
 * Parquet: one row into d, counted in w's buffered bytes, the bound kept. 0; -1 as
 * tp_pq_writer_row (a refused value, or an I/O error); -2 when writing the row group of
 * flush_largest failed.
 */
static int
pq_row(struct wr *w, struct dest *d, const char *const *f, const size_t *len)
{
    long long before = (long long)tp_pq_writer_buffered(d->pq);
    int rc = tp_pq_writer_row(d->pq, f, len);
    w->buffered += (long long)tp_pq_writer_buffered(d->pq) - before;
    if (rc == 0 && w->buffered > (long long)PQ_GROUP_BYTES && flush_largest(w) < 0)
        return -2;
    return rc;
}

/* An element of an exploded array: a row of its child table. */
static int
on_child(void *arg, const char *const *f, const size_t *len, size_t n, long line)
{
    struct wr *w = arg;
    (void)line;
    char ix[32];
    int k = snprintf(ix, sizeof ix, "%lld", w->index++);
    if (w->cur->pq) {
        w->pf[0] = w->parent;
        w->pl[0] = w->nparent;
        w->pf[1] = ix;
        w->pl[1] = (size_t)k;
        for (size_t i = 0; i < n; i++) {
            w->pf[i + 2] = f[i];
            w->pl[i + 2] = len[i];
        }
        int rc = pq_row(w, w->cur, w->pf, w->pl);
        if (rc == -1 && tp_pq_writer_bad_column(w->cur->pq) >= 0) {
            /* pass 1 typed the column from these values: not a bad row, a broken input */
            char why[1024];
            snprintf(why, sizeof why, "%s", tp_errmsg());
            tp_err(w->file, w->line, "--explode %s: %s", w->ctx->x[w->xk[w->cur - w->xd]].path,
                   why);
        }
        if (rc < 0)
            return -1;
        w->cur->rows++;
        return 0;
    }
    int rc = tp_out_rec_field(w->cur->out, w->parent, w->nparent, w->delim);
    rc |= tp_out_rec_field(w->cur->out, ix, (size_t)k, w->delim);
    for (size_t i = 0; i < n; i++)
        rc |= tp_out_rec_field(w->cur->out, f[i], len[i], w->delim);
    rc |= tp_out_rec_end(w->cur->out);
    w->cur->rows++;
    return rc ? -1 : 0;
}

/* The child file of table k for split name (opened with its header on first use). */
static struct dest *
child_for(struct wr *w, size_t k, const char *name)
{
    for (size_t i = 0; i < w->nxd; i++)
        if (w->xk[i] == (int)k && strcmp(w->xd[i].name, name) == 0)
            return &w->xd[i];
    const tp_xtable *x = &w->ctx->x[k];
    size_t plen = strlen(w->outdir) + strlen(x->path) + strlen(name) + 48;
    char *path = tp_xmalloc(plen);
    snprintf(path, plen, "%s/%s/%s", w->outdir, x->path, name);
    tp_out *o = NULL;
    tp_pq_writer *pq = NULL;
    if (tp_mkdirs(path, 0777) == 0) {
        snprintf(path, plen, "%s/%s/%s/part-%05ld.%s", w->outdir, x->path, name, w->shard, w->ext);
        if (w->parquet) {
            const char **names = tp_xmalloc((x->ncols + 2) * sizeof *names);
            names[0] = "_parent";
            names[1] = "_index";
            for (size_t i = 0; i < x->ncols; i++)
                names[i + 2] = x->cols[i];
            static const char *const keys[] = {"tp.signature", "tp.metadata"};
            const char *vals[] = {w->xkv[2 * k], w->xkv[2 * k + 1]};
            pq = tp_pq_writer_open(path, x->ncols + 2, names, w->xkind[k], w->codec, w->group_rows,
                                   PQ_GROUP_BYTES, keys, vals, 2);
            free(names);
        } else {
            o = tp_out_open(path, w->gzip);
        }
    }
    if (!o && !pq) {
        free(path);
        return NULL;
    }
    w->xd = tp_xrealloc(w->xd, (w->nxd + 1) * sizeof *w->xd);
    w->xk = tp_xrealloc(w->xk, (w->nxd + 1) * sizeof *w->xk);
    struct dest *d = &w->xd[w->nxd];
    w->xk[w->nxd++] = (int)k;
    memset(d, 0, sizeof *d);
    d->name = tp_xstrdup(name);
    if (pq) {
        d->pq = pq;
        d->path = path;
        return d;
    }
    free(path);
    d->out = o;
    int rc =
        tp_out_rec_field(o, "_parent", 7, w->delim) | tp_out_rec_field(o, "_index", 6, w->delim);
    for (size_t i = 0; i < x->ncols; i++)
        rc |= tp_out_rec_field(o, x->cols[i], strlen(x->cols[i]), w->delim);
    return rc | tp_out_rec_end(o) ? NULL : d;
}

/* The exploded cells of a row going to split name: "JSON<TAB>PARENT" (tp-transform). */
static int
explode_row(struct wr *w, const tp_row *row, const char *name)
{
    for (size_t k = 0; k < w->ctx->nx; k++) {
        long c = w->xs[k];
        if (c < 0 || row->len[c] == 0)
            continue;
        const char *cell = row->f[c], *tab = memchr(cell, '\t', row->len[c]);
        if (!tab) {
            tp_err(w->file, row->line, "column '%s': not an exploded array from tp-transform",
                   w->ctx->x[k].path);
            return -1;
        }
        if (!(w->cur = child_for(w, k, name)))
            return -1;
        w->parent = tab + 1;
        w->nparent = row->len[c] - (size_t)(tab + 1 - cell);
        w->index = 0;
        w->line = row->line;
        tp_json_restart(w->xj[k]);
        int rc = tp_json_feed(w->xj[k], cell, (size_t)(tab - cell));
        if (rc == 0)
            rc = tp_json_end(w->xj[k]);
        if (rc)
            return -1;
    }
    return 0;
}

/*
 * A child line of the tp stream (text.h): PATH, PARENT, INDEX and the element's fields,
 * a row of table PATH in the split of the row before it.
 */
static int
on_child_line(void *arg, const tp_row *row)
{
    struct wr *w = arg;
    if (!w->xrows) {
        tp_err(w->file, row->line, "a child line (--explode) before the first row");
        return -1;
    }
    if (!w->last)
        return 0; /* its row was not written */
    size_t k = 0;
    while (w->xs && k < w->ctx->nx &&
           (strlen(w->ctx->x[k].path) != row->len[0] || strcmp(w->ctx->x[k].path, row->f[0]) != 0))
        k++;
    if (!w->xs || k == w->ctx->nx) {
        tp_err(w->file, row->line, "a child line of '%s': no such --explode table in the context",
               row->f[0]);
        return -1;
    }
    const tp_xtable *x = &w->ctx->x[k];
    if (row->n != x->ncols + 3) {
        tp_err(w->file, row->line, "a child line of '%s': %zu fields, but %zu expected", x->path,
               row->n, x->ncols + 3);
        return -1;
    }
    if (!(w->cur = child_for(w, k, w->last->name)))
        return -1;
    w->line = row->line;
    if (w->cur->pq) {
        int rc = pq_row(w, w->cur, row->f + 1, row->len + 1);
        if (rc == -1 && tp_pq_writer_bad_column(w->cur->pq) >= 0) {
            /* pass 1 typed the column from these values: not a bad row, a broken input */
            char why[1024];
            snprintf(why, sizeof why, "%s", tp_errmsg());
            tp_err(w->file, row->line, "--explode %s: %s", x->path, why);
        }
        if (rc < 0)
            return -1;
        w->cur->rows++;
        return 0;
    }
    int rc = 0;
    for (size_t i = 1; i < row->n; i++)
        rc |= tp_out_rec_field(w->cur->out, row->f[i], row->len[i], w->delim);
    rc |= tp_out_rec_end(w->cur->out);
    w->cur->rows++;
    return rc ? -1 : 0;
}

static int
valid_split(const char *s, size_t n)
{
    if (n == 0 || n > 64)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= 'A' && s[i] <= 'Z') ||
              (s[i] >= '0' && s[i] <= '9') || s[i] == '_' || s[i] == '-'))
            return 0;
    return 1;
}

/* The footer's key/value text: the record of fields f(i, arg) for i < n, CSV, with '\n'. */
static void
kv_record(tp_out *m, size_t n, const char *(*f)(size_t, void *), void *arg)
{
    for (size_t i = 0; i < n; i++) {
        const char *s = f(i, arg);
        tp_out_rec_field(m, s, strlen(s), ',');
    }
    tp_out_rec_end(m);
}

static const char *
kind_type(int kind)
{
    static const char *const t[] = {"int64", "float64", "bool", "object"};
    return t[kind];
}

struct mdrow {
    const char *name;
    int kind;
};

static const char *
md_field(size_t i, void *arg)
{
    const struct mdrow *m = arg;
    return i == 0   ? m->name
           : i == 1 ? (m->kind == TP_PQW_STRING ? "true" : "false")
                    : kind_type(m->kind);
}

/*
 * The footer's key/value texts of a Parquet file of the n columns names[i] of kind
 * kinds[i]: those of its signature and metadata files (tp-formats(5)), into kv[0] and
 * kv[1] (malloc'd).
 */
static void
pq_kv(const char *const *names, const int *kinds, size_t n, char **kv)
{
    tp_out *m = tp_out_mem();
    for (size_t i = 0; i < n; i++)
        tp_out_rec_field(m, names[i], strlen(names[i]), ',');
    tp_out_rec_end(m);
    kv[0] = tp_xmemdup(m->buf, m->len);
    m->len = 0;
    tp_out_printf(m, "varname,iscategory,datatype\n");
    for (size_t i = 0; i < n; i++) {
        struct mdrow row = {names[i], kinds[i]};
        kv_record(m, 3, md_field, &row);
    }
    kv[1] = tp_xmemdup(m->buf, m->len);
    tp_out_abort(m);
}

/*
 * Parquet: the columns written (the stream's after tp:split, less the exploded arrays)
 * and each one's kind, from the context's type of the output column of that name; a
 * column the context does not type (no -c, or a name it does not have) is object, a
 * string, which holds any value. Then the footer's key/value texts, in the format of
 * OUTDIR/signature/signature and OUTDIR/metadata/metadata for these columns. With child
 * tables, their kinds and footers likewise, from the context's child columns: _parent
 * object, _index int64, then the type of each column's statistics, as its metadata.
 */
static void
pq_header(struct wr *w, tp_reader *r)
{
    size_t n = tp_reader_ncols(r), maxf = 1;
    w->pcol = tp_xmalloc((n ? n : 1) * sizeof *w->pcol);
    w->kinds = tp_xcalloc(n ? n : 1, sizeof *w->kinds);
    const char **names = tp_xmalloc((n ? n : 1) * sizeof *names);
    w->npcol = 0;
    for (size_t i = w->off; i < n; i++)
        if (!w->skip || !w->skip[i])
            w->pcol[w->npcol++] = i;
    size_t nout = w->ctx ? (w->ctx->nfinal ? w->ctx->nfinal : w->ctx->nout) : 0;
    char *const *out = w->ctx ? (w->ctx->nfinal ? w->ctx->final : w->ctx->out) : NULL;
    const char *const *type = w->ctx ? (w->ctx->nfinal ? w->ctx->ftype : w->ctx->type) : NULL;
    for (size_t i = 0; i < w->npcol; i++) {
        const char *name = names[i] = tp_reader_col(r, w->pcol[i]);
        w->kinds[i] = TP_PQW_STRING;
        for (size_t j = 0; j < nout; j++)
            if (strcmp(out[j], name) == 0) {
                int k = tp_pq_kind(type[j]);
                w->kinds[i] = k >= 0 ? k : TP_PQW_STRING;
                break;
            }
    }
    pq_kv(names, w->kinds, w->npcol, w->kv);
    free(names);
    maxf = w->npcol > maxf ? w->npcol : maxf;
    size_t nx = w->xs ? w->ctx->nx : 0;
    if (nx) {
        w->xkind = tp_xcalloc(nx, sizeof *w->xkind);
        w->xkv = tp_xcalloc(2 * nx, sizeof *w->xkv);
    }
    for (size_t k = 0; k < nx; k++) {
        const tp_xtable *x = &w->ctx->x[k];
        int *kind = w->xkind[k] = tp_xmalloc((x->ncols + 2) * sizeof *kind);
        const char **xn = tp_xmalloc((x->ncols + 2) * sizeof *xn);
        xn[0] = "_parent";
        xn[1] = "_index";
        kind[0] = TP_PQW_STRING;
        kind[1] = TP_PQW_INT64;
        for (size_t i = 0; i < x->ncols; i++) {
            int t = tp_pq_kind(tp_colstat_type(&x->stats[i]));
            xn[i + 2] = x->cols[i];
            kind[i + 2] = t >= 0 ? t : TP_PQW_STRING;
        }
        pq_kv(xn, kind, x->ncols + 2, &w->xkv[2 * k]);
        free(xn);
        maxf = x->ncols + 2 > maxf ? x->ncols + 2 : maxf;
    }
    if (nx || w->npcol != n - w->off) {
        w->pf = tp_xmalloc(maxf * sizeof *w->pf);
        w->pl = tp_xmalloc(maxf * sizeof *w->pl);
    }
}

static struct dest *dest_for(struct wr *w, const char *name, size_t n, long line);

/* --join: the first file's columns are the output's; every other file must have them. */
static int
join_header(struct wr *w, tp_reader *r)
{
    size_t n = tp_reader_ncols(r);
    if (!w->cols) {
        w->cols = tp_xcalloc(n ? n : 1, sizeof *w->cols);
        for (size_t i = 0; i < n; i++)
            w->cols[i] = tp_xstrdup(tp_reader_col(r, i));
        w->ncols = n;
        if (w->parquet)
            pq_header(w, r);
        return dest_for(w, "join", 4, 1) ? 0 : -1;
    }
    for (size_t i = 0; i < n || i < w->ncols; i++)
        if (i >= n || i >= w->ncols || strcmp(w->cols[i], tp_reader_col(r, i)) != 0) {
            tp_err(w->file, 1, "column %zu is '%s', not '%s' as in the first file", i + 1,
                   i < n ? tp_reader_col(r, i) : "(none)", i < w->ncols ? w->cols[i] : "(none)");
            return -1;
        }
    return 0;
}

static int
on_header(void *arg, tp_reader *r)
{
    struct wr *w = arg;
    if (w->join)
        return join_header(w, r);
    if (tp_reader_ncols(r) < 1 || strcmp(tp_reader_col(r, 0), TP_SPLIT_COL) != 0) {
        tp_err(w->file, 1, "the first column must be '" TP_SPLIT_COL "' (the output of tp-split)");
        return -1;
    }
    size_t n = tp_reader_ncols(r);
    w->skip = tp_xcalloc(n, 1);
    if (w->ctx && w->ctx->nx) {
        w->xs = tp_xcalloc(w->ctx->nx, sizeof *w->xs);
        w->xj = tp_xcalloc(w->ctx->nx, sizeof *w->xj);
        for (size_t k = 0; k < w->ctx->nx; k++) {
            const char *name = w->ctx->out[w->ctx->xcol[k]];
            w->xs[k] = -1;
            for (size_t i = 1; i < n; i++)
                if (strcmp(tp_reader_col(r, i), name) == 0) {
                    w->xs[k] = (long)i;
                    w->skip[i] = 1;
                }
            tp_json_cb cb = {on_child, NULL, w};
            w->xj[k] = tp_json_new(w->file, NULL, &cb);
            tp_json_values(w->xj[k], 1);
            tp_json_schema(w->xj[k], w->ctx->x[k].cols, w->ctx->x[k].ncols);
        }
    }
    if (w->parquet)
        pq_header(w, r);
    return 0;
}

/*
 * The Parquet files of one tp-write, those of the child tables too, share one bound on
 * buffered values (PQ_GROUP_BYTES): past it, the file holding the most writes its row
 * group.
 */
static int
flush_largest(struct wr *w)
{
    struct dest *big = NULL;
    for (size_t i = 0; i < w->nd + w->nxd; i++) {
        struct dest *d = i < w->nd ? &w->d[i] : &w->xd[i - w->nd];
        if (d->pq && (!big || tp_pq_writer_buffered(d->pq) > tp_pq_writer_buffered(big->pq)))
            big = d;
    }
    if (!big)
        return 0;
    w->buffered -= (long long)tp_pq_writer_buffered(big->pq);
    return tp_pq_writer_flush(big->pq);
}

static struct dest *
dest_for(struct wr *w, const char *name, size_t n, long line)
{
    for (size_t i = 0; i < w->nd; i++)
        if (strcmp(w->d[i].name, name) == 0)
            return &w->d[i];
    if (!valid_split(name, n)) {
        tp_err(w->file, line, "column '" TP_SPLIT_COL "': not a split name: '%s'", name);
        return NULL;
    }
    if (w->nd == MAXSPLITS) {
        tp_err(w->file, line, "more than %d splits", MAXSPLITS);
        return NULL;
    }
    size_t plen = strlen(w->outdir) + n + 32;
    char *path = tp_xmalloc(plen);
    snprintf(path, plen, "%s/%s", w->outdir, name);
    struct dest *d = NULL;
    if (w->join || tp_mkdirs(path, 0777) == 0) {
        snprintf(path, plen, "%s/%s/part-%05ld.%s", w->outdir, name, w->shard, w->ext);
        if (w->join) {
            free(path);
            path = tp_xstrdup(w->join);
        }
        if (w->parquet) {
            size_t n = w->npcol;
            const char **names = tp_xmalloc((n ? n : 1) * sizeof *names);
            for (size_t i = 0; i < n; i++)
                names[i] = tp_reader_col(w->r, w->pcol[i]);
            static const char *const keys[] = {"tp.signature", "tp.metadata"};
            const char *vals[] = {w->kv[0], w->kv[1]};
            tp_pq_writer *pq = tp_pq_writer_open(path, n, names, w->kinds, w->codec, w->group_rows,
                                                 PQ_GROUP_BYTES, keys, vals, 2);
            free(names);
            if (pq) {
                d = &w->d[w->nd++];
                d->name = tp_xstrdup(name);
                d->out = NULL;
                d->pq = pq;
                d->path = path;
                d->rows = 0;
            } else {
                free(path);
            }
            return d;
        }
        tp_out *o = tp_out_open(path, w->gzip);
        if (o) {
            d = &w->d[w->nd++];
            d->name = tp_xstrdup(name);
            d->out = o;
            d->pq = NULL;
            d->path = NULL;
            d->rows = 0;
            int rc = 0;
            for (size_t i = w->off; i < tp_reader_ncols(w->r); i++) {
                const char *col = tp_reader_col(w->r, i);
                if (!w->skip || !w->skip[i])
                    rc |= tp_out_rec_field(o, col, strlen(col), w->delim);
            }
            if (rc || tp_out_rec_end(o) < 0)
                d = NULL;
        }
    }
    free(path);
    return d;
}

static int
on_row(void *arg, const tp_row *row)
{
    struct wr *w = arg;
    struct dest *d = w->join ? &w->d[0] : dest_for(w, row->f[0], row->len[0], row->line);
    if (!d)
        return -1;
    w->xrows = 1;
    w->last = NULL;
    if (d->pq) {
        const char *const *f = row->f + w->off;
        const size_t *len = row->len + w->off;
        if (w->pf) {
            for (size_t i = 0; i < w->npcol; i++) {
                w->pf[i] = row->f[w->pcol[i]];
                w->pl[i] = row->len[w->pcol[i]];
            }
            f = w->pf;
            len = w->pl;
        }
        int prc = pq_row(w, d, f, len);
        if (prc == -2)
            return -1;
        if (prc < 0) {
            long bad = tp_pq_writer_bad_column(d->pq);
            if (bad < 0)
                return -1;
            /* a value not of its column's type is a bad row: "column 'NAME': REASON" */
            const char *col = tp_reader_col(w->r, w->pcol[bad]);
            char why[1024];
            snprintf(why, sizeof why, "%s", tp_errmsg() + strlen(col) + strlen("column '': "));
            w->refused++;
            return tp_reader_reject(w->r, row, col, why);
        }
        d->rows++;
        w->rows++;
        w->last = d;
        return w->xs ? explode_row(w, row, d->name) : 0;
    }
    int rc = 0;
    for (size_t i = w->off; i < row->n; i++)
        if (!w->skip || !w->skip[i])
            rc |= tp_out_rec_field(d->out, row->f[i], row->len[i], w->delim);
    rc |= tp_out_rec_end(d->out);
    if (w->xs && explode_row(w, row, d->name) < 0)
        return -1;
    d->rows++;
    w->rows++;
    w->last = d;
    return rc ? -1 : 0;
}

static int
on_bad(void *arg, const tp_bad *b)
{
    struct wr *w = arg;
    w->xrows = 1;
    w->last = NULL; /* a bad row's child lines go nowhere */
    return w->rejects ? tp_rejects_add(w->rejects, b) : 0;
}

static void
abort_all(struct wr *w)
{
    for (size_t i = 0; i < w->nxd; i++) {
        tp_out_abort(w->xd[i].out);
        tp_pq_writer_abort(w->xd[i].pq);
        w->xd[i].out = NULL;
        w->xd[i].pq = NULL;
    }
    for (size_t i = 0; i < w->nd; i++) {
        tp_out_abort(w->d[i].out);
        tp_pq_writer_abort(w->d[i].pq);
        w->d[i].out = NULL;
        w->d[i].pq = NULL;
    }
}

/* Commit d's file (its size in *bytes) while *rc is 0, setting it to -1 on failure; after
 * a failure, remove the file instead. */
static void
commit_dest(struct dest *d, int *rc, long long *bytes)
{
    tp_out *o = d->out;
    tp_pq_writer *pq = d->pq;
    d->out = NULL;
    d->pq = NULL;
    if (pq && *rc == 0) {
        struct stat st;
        if (tp_pq_writer_commit(pq) < 0)
            *rc = -1;
        else if (stat(d->path, &st) == 0)
            *bytes = (long long)st.st_size;
    } else if (pq) {
        tp_pq_writer_abort(pq);
    } else if (*rc == 0 && tp_out_commit(o, bytes) < 0)
        *rc = -1;
    else if (*rc)
        tp_out_abort(o);
}

/* --join: the rows of one more file. 0, or -1 with an error recorded. */
static int
join_one(void *arg, const char *file)
{
    struct wr *w = arg;
    w->file = file;
    w->r = tp_reader_open(file, tp_delim_for(file, 0), NULL, 0);
    int rc = w->r && tp_reader_run(w->r, on_header, on_row, w) == 0 ? 0 : -1;
    tp_reader_close(w->r);
    w->r = NULL;
    return rc;
}

/*
 * --join OUTFILE (FILE... | --files0-from LIST): the rows of the files, in order, into
 * OUTFILE (of w's format, written under a temporary name and renamed when complete).
 * The column types for Parquet come from the context in dir (NULL: every column
 * object). Returns 0; exits 1 with a message on a data or write error.
 */
static int
join(struct wr *w, const char *dir, char **files, size_t n, const char *list)
{
    w->outdir = "";
    if (dir && !(w->ctx = tp_context_read_shard(dir, 0)))
        tp_die(TP_EXIT_DATA);
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++)
        rc = join_one(w, files[i]);
    if (rc == 0 && list)
        rc = tp_files0_each(list, join_one, w, "part");
    if (rc < 0) {
        abort_all(w);
        tp_die(TP_EXIT_DATA);
    }
    rc = w->d[0].pq ? tp_pq_writer_commit(w->d[0].pq) : tp_out_commit(w->d[0].out, NULL);
    if (rc < 0)
        tp_die(TP_EXIT_DATA);
    free(w->d[0].name);
    free(w->d[0].path);
    tp_strv_free(w->cols, w->ncols);
    if (w->ctx)
        tp_context_free(w->ctx);
    free(w->kinds);
    free(w->pcol);
    free(w->pf);
    free(w->pl);
    free(w->kv[0]);
    free(w->kv[1]);
    return 0;
}

int
main(int argc, char **argv)
{
    enum { OPT_COMPRESSION = 256, OPT_FILES0, OPT_JOIN, OPT_ROW_GROUP };
    static const struct option longopts[] = {
        {"compression", required_argument, NULL, OPT_COMPRESSION},
        {"files0-from", required_argument, NULL, OPT_FILES0},
        {"format", required_argument, NULL, 'f'},
        {"join", required_argument, NULL, OPT_JOIN},
        {"report", required_argument, NULL, 'r'},
        {"row-group-size", required_argument, NULL, OPT_ROW_GROUP},
        {NULL, 0, NULL, 0},
    };
    static const char *const formats[] = {"csv", "tsv", "csv.gz", "tsv.gz", "parquet"};
    tp_setprogname(argv);
    if (tp_watch_start() < 0)
        tp_die(TP_EXIT_USAGE);
    tp_toolopt to;
    if (tp_toolopt_init(&to, TP_TO_CONTEXT | TP_TO_SHARD | TP_TO_BAD | TP_TO_QUIET,
                        "f:r:", longopts) < 0)
        tp_die(TP_EXIT_USAGE);
    struct wr w = {0};
    w.ext = "csv";
    const char *report = NULL, *files0 = NULL;
    const char *pq_opt = NULL; /* a Parquet option given, for the check against -f */
    w.codec = TP_PQ_SNAPPY;
    w.group_rows = PQ_GROUP_ROWS;
    int c;
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
        case 'f':
            w.ext = NULL;
            for (size_t i = 0; i < 5; i++)
                if (strcasecmp(optarg, formats[i]) == 0)
                    w.ext = formats[i];
            if (!w.ext) {
                tp_warnx("--format: expected csv, tsv, csv.gz, tsv.gz or parquet: '%s'", optarg);
                usage(TP_EXIT_USAGE);
            }
            break;
        case 'r':
            report = optarg;
            break;
        case OPT_JOIN:
            w.join = optarg;
            break;
        case OPT_FILES0:
            files0 = optarg;
            break;
        case OPT_COMPRESSION:
            w.codec = tp_pq_codec_parse(optarg);
            if (w.codec < 0) {
                tp_warnx("--compression: expected snappy, zstd, gzip or none: '%s'", optarg);
                usage(TP_EXIT_USAGE);
            }
            pq_opt = "--compression";
            break;
        case OPT_ROW_GROUP:
            if (tp_opt_ll("--row-group-size", optarg, 1, 2147483647, &w.group_rows) < 0) {
                tp_warnx("%s", tp_errmsg());
                usage(TP_EXIT_USAGE);
            }
            pq_opt = "--row-group-size";
            break;
        default:
            usage(TP_EXIT_USAGE);
        }
    }
    if (files0 && !w.join) {
        tp_warnx("--files0-from: only with --join");
        usage(TP_EXIT_USAGE);
    }
    if (w.join ? (argc - optind < 1) == !files0 : argc - optind < 1 || argc - optind > 2)
        usage(TP_EXIT_USAGE);
    if (tp_toolopt_check(&to) < 0)
        bad();
    w.parquet = strcmp(w.ext, "parquet") == 0;
    if (pq_opt && !w.parquet) {
        tp_warnx("%s: only with -f parquet", pq_opt);
        usage(TP_EXIT_USAGE);
    }
    w.delim = w.ext[0] == 't' ? '\t' : ',';
    w.gzip = strstr(w.ext, ".gz") != NULL;
    if (w.join) {
        if (to.shard >= 0 || report || to.policy_name || to.rejects) {
            tp_warnx("--join takes none of -n, -r, --on-bad-row and --rejects");
            usage(TP_EXIT_USAGE);
        }
        return join(&w, to.context, argv + optind, (size_t)(argc - optind), files0);
    }
    w.off = 1;
    w.outdir = argv[optind];
    w.file = optind + 1 < argc ? argv[optind + 1] : "-";
    w.shard = to.shard < 0 ? 0 : (long)to.shard; /* -n, else 0: not from the file name */
    long long expect = -1;
    const char *dir = to.context;
    if (dir) {
        tp_context *ctx = tp_context_read_shard(dir, w.shard);
        if (!ctx)
            tp_die(TP_EXIT_DATA);
        long si = tp_context_shard(ctx, w.shard);
        if (si < 0) {
            tp_err(dir, 0, "shard %ld is not in the context", w.shard);
            tp_die(TP_EXIT_DATA);
        }
        expect = ctx->shards[si].kept;
        w.ctx = ctx;
    }
    w.r = tp_reader_open(w.file, ',', NULL, 0);
    if (!w.r)
        tp_die(TP_EXIT_DATA);
    w.rejects = to.rejects ? tp_rejects_new(to.rejects, w.file) : NULL;
    tp_reader_policy(w.r, to.policy, on_bad);
    tp_reader_children(w.r, on_child_line);
    if (tp_reader_run(w.r, on_header, on_row, &w) != 0) {
        abort_all(&w);
        tp_rejects_abort(w.rejects);
        tp_die(TP_EXIT_DATA);
    }
    /* (rows the Parquet writer refused are among those pass 1 kept) */
    if (expect >= 0 && w.rows + w.refused != expect) {
        abort_all(&w);
        tp_rejects_abort(w.rejects);
        if (w.rows < expect)
            tp_err(w.file, 0,
                   "%lld rows, but %lld expected for shard %ld: incomplete input "
                   "(did an earlier stage fail?)",
                   w.rows, expect, w.shard);
        else
            tp_err(w.file, 0,
                   "%lld rows, but %lld expected for shard %ld: more rows than pass 1 kept", w.rows,
                   expect, w.shard);
        tp_die(TP_EXIT_DATA);
    }
    tp_out *rep = report ? tp_out_open(report, 0) : NULL;
    if (report && !rep) {
        abort_all(&w);
        tp_rejects_abort(w.rejects);
        tp_die(TP_EXIT_DATA);
    }
    /* the rejects file only once nothing but a write error can fail the run */
    if (w.rejects && tp_rejects_close(w.rejects) < 0) {
        abort_all(&w);
        tp_out_abort(rep);
        tp_die(TP_EXIT_DATA);
    }
    int rc = 0;
    for (size_t i = 0; i < w.nd; i++) {
        long long bytes = 0;
        commit_dest(&w.d[i], &rc, &bytes);
        if (rep && rc == 0)
            rc = tp_out_printf(rep, "split\t%s\t%lld\t%lld\n", w.d[i].name, w.d[i].rows, bytes);
        free(w.d[i].name);
        free(w.d[i].path);
    }
    for (size_t i = 0; i < w.nxd; i++) {
        long long bytes = 0;
        commit_dest(&w.xd[i], &rc, &bytes);
        if (rep && rc == 0)
            rc = tp_out_printf(rep, "child\t%s\t%s\t%lld\t%lld\n", w.ctx->x[w.xk[i]].path,
                               w.xd[i].name, w.xd[i].rows, bytes);
        free(w.xd[i].name);
        free(w.xd[i].path);
    }
    if (rep && rc == 0)
        rc = tp_out_commit(rep, NULL);
    else if (rep)
        tp_out_abort(rep);
    if (rc < 0)
        tp_die(TP_EXIT_DATA);
    tp_reader_close(w.r);
    for (size_t k = 0; w.xj && k < w.ctx->nx; k++)
        tp_json_free(w.xj[k]);
    for (size_t k = 0; w.xkind && k < w.ctx->nx; k++) {
        free(w.xkind[k]);
        free(w.xkv[2 * k]);
        free(w.xkv[2 * k + 1]);
    }
    if (w.ctx)
        tp_context_free(w.ctx);
    free(w.xkind);
    free(w.xkv);
    free(w.xj);
    free(w.xs);
    free(w.xd);
    free(w.xk);
    free(w.skip);
    free(w.kinds);
    free(w.pcol);
    free(w.pf);
    free(w.pl);
    free(w.kv[0]);
    free(w.kv[1]);
    return 0;
}
