/*
 * tp-write: pass 2, last stage. Routes the rows of tp-split's stream to
 * OUTDIR/<split>/part-NNNNN.<ext>, one file per split that has rows, each written under
 * a temporary name and renamed only when complete.
 */
#include "context.h"
#include "err.h"
#include "rejects.h"
#include "io.h"
#include "reader.h"
#include "text.h"
#include "value.h"
#include "term.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char usage_text[] =
    "usage: tp-write [-hq] [-c DIR] [-f FORMAT] [-n N] [-r FILE] [--on-bad-row POLICY]\n"
    "                [--rejects FILE] OUTDIR [FILE]\n";

static void
usage(int status)
{
    tp_usage(usage_text, status);
}

enum { MAXSPLITS = 16 };

struct dest {
    char *name;
    tp_out *out;
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
    long long rows;
};

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

static int
on_header(void *arg, tp_reader *r)
{
    struct wr *w = arg;
    if (tp_reader_ncols(r) < 1 || strcmp(tp_reader_col(r, 0), TP_SPLIT_COL) != 0) {
        tp_err(w->file, 1, "the first column must be '" TP_SPLIT_COL "' (the output of tp-split)");
        return -1;
    }
    return 0;
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
    if (tp_mkdirs(path, 0777) == 0) {
        snprintf(path, plen, "%s/%s/part-%05ld.%s", w->outdir, name, w->shard, w->ext);
        tp_out *o = tp_out_open(path, w->gzip);
        if (o) {
            d = &w->d[w->nd++];
            d->name = tp_xstrdup(name);
            d->out = o;
            d->rows = 0;
            int rc = 0;
            for (size_t i = 1; i < tp_reader_ncols(w->r); i++) {
                const char *col = tp_reader_col(w->r, i);
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
    struct dest *d = dest_for(w, row->f[0], row->len[0], row->line);
    if (!d)
        return -1;
    int rc = 0;
    for (size_t i = 1; i < row->n; i++)
        rc |= tp_out_rec_field(d->out, row->f[i], row->len[i], w->delim);
    rc |= tp_out_rec_end(d->out);
    d->rows++;
    w->rows++;
    return rc ? -1 : 0;
}

static int
on_bad(void *arg, const tp_bad *b)
{
    struct wr *w = arg;
    return w->rejects ? tp_rejects_add(w->rejects, b) : 0;
}

static void
abort_all(struct wr *w)
{
    for (size_t i = 0; i < w->nd; i++) {
        tp_out_abort(w->d[i].out);
        w->d[i].out = NULL;
    }
}

int
main(int argc, char **argv)
{
    enum { OPT_BAD = 256, OPT_REJECTS };
    static const struct option longopts[] = {
        {"context", required_argument, NULL, 'c'},
        {"format", required_argument, NULL, 'f'},
        {"help", no_argument, NULL, 'h'},
        {"on-bad-row", required_argument, NULL, OPT_BAD},
        {"quiet", no_argument, NULL, 'q'},
        {"rejects", required_argument, NULL, OPT_REJECTS},
        {"report", required_argument, NULL, 'r'},
        {"shard", required_argument, NULL, 'n'},
        {NULL, 0, NULL, 0},
    };
    static const char *const formats[] = {"csv", "tsv", "csv.gz", "tsv.gz"};
    tp_setprogname(argv);
    if (tp_watch_start() < 0)
        tp_die(TP_EXIT_USAGE);
    struct wr w = {0};
    w.ext = "csv";
    const char *dir = NULL, *report = NULL, *policy_name = NULL, *rejects = NULL;
    long long shard = 0;
    int policy, c;
    while ((c = getopt_long(argc, argv, "c:f:hn:qr:", longopts, NULL)) != -1) {
        switch (c) {
        case 'c':
            dir = optarg;
            break;
        case 'f':
            w.ext = NULL;
            for (size_t i = 0; i < 4; i++)
                if (strcasecmp(optarg, formats[i]) == 0)
                    w.ext = formats[i];
            if (!w.ext) {
                tp_warnx("--format: expected csv, tsv, csv.gz or tsv.gz: '%s'", optarg);
                usage(TP_EXIT_USAGE);
            }
            break;
        case 'h':
            usage(0);
            break;
        case 'n':
            if (tp_opt_ll("--shard", optarg, 0, 99999999, &shard) < 0) {
                tp_warnx("%s", tp_errmsg());
                usage(TP_EXIT_USAGE);
            }
            break;
        case 'q':
            break;
        case 'r':
            report = optarg;
            break;
        case OPT_BAD:
            policy_name = optarg;
            break;
        case OPT_REJECTS:
            rejects = optarg;
            break;
        default:
            usage(TP_EXIT_USAGE);
        }
    }
    if (argc - optind < 1 || argc - optind > 2)
        usage(TP_EXIT_USAGE);
    if (tp_bad_options(policy_name, rejects, &policy) < 0) {
        tp_warnx("%s", tp_errmsg());
        usage(TP_EXIT_USAGE);
    }
    w.outdir = argv[optind];
    w.file = optind + 1 < argc ? argv[optind + 1] : "-";
    w.shard = (long)shard;
    w.delim = w.ext[0] == 't' ? '\t' : ',';
    w.gzip = strstr(w.ext, ".gz") != NULL;
    long long expect = -1;
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
        tp_context_free(ctx);
    }
    w.r = tp_reader_open(w.file, ',', NULL, 0);
    if (!w.r)
        tp_die(TP_EXIT_DATA);
    w.rejects = rejects ? tp_rejects_new(rejects, w.file) : NULL;
    tp_reader_policy(w.r, policy, on_bad);
    if (tp_reader_run(w.r, on_header, on_row, &w) != 0) {
        abort_all(&w);
        tp_rejects_abort(w.rejects);
        tp_die(TP_EXIT_DATA);
    }
    if (expect >= 0 && w.rows != expect) {
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
        tp_out *o = w.d[i].out;
        w.d[i].out = NULL;
        if (rc == 0 && tp_out_commit(o, &bytes) < 0)
            rc = -1;
        else if (rc)
            tp_out_abort(o);
        if (rep && rc == 0)
            rc = tp_out_printf(rep, "split\t%s\t%lld\t%lld\n", w.d[i].name, w.d[i].rows, bytes);
        free(w.d[i].name);
    }
    if (rep && rc == 0)
        rc = tp_out_commit(rep, NULL);
    else if (rep)
        tp_out_abort(rep);
    if (rc < 0)
        tp_die(TP_EXIT_DATA);
    tp_reader_close(w.r);
    return 0;
}
