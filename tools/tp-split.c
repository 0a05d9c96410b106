/*
 * tp-split: pass 2, second stage. Decides each row's split from the context and the row
 * alone, and prefixes the row with it in a first column "tp:split" (TP_SPLIT_COL) for
 * tp-write.
 */
#include "context.h"
#include "err.h"
#include "rejects.h"
#include "scanop.h"
#include "sort.h"
#include "hash.h"
#include "io.h"
#include "map.h"
#include "reader.h"
#include "splitmode.h"
#include "text.h"
#include "value.h"
#include "term.h"
#include "toolopt.h"
#include "transform.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage_text[] =
    "usage: tp-split [-h] [-a FILE] -c DIR [-m SIZE] [-n N] [--fit FILE]\n"
    "                [--on-bad-row POLICY] [--rejects FILE] [FILE]\n";

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

struct sp {
    tp_reader *r;
    tp_rejects *rejects;
    const tp_context *c;
    tp_out *out;
    int stream; /* the input is a tp stream: so is the output */
    const char *file;
    tp_splitby how;
    long col;         /* column of the stream the split reads, -1 for none */
    long long offset; /* random: surviving rows in earlier shards */
    long long kept;   /* random: rows pass 1 kept in this shard */
    long long seen;   /* random: rows so far in this shard */
    tp_pass2 p2;      /* temporal, stratified: the scan operation (scanop.h) */
    tp_pass2set *ops;
    unsigned __int128 cut1, cut2; /* hash/group: thresholds on the 64-bit hash */
    /* audit (-a): per split rows, label counts, time range; key values with their split */
    tp_out *audit;
    long label_col, key_col, group_col, time_col;
    tp_map *acc;    /* split name -> struct audit */
    tp_map *labels; /* "split\tvalue" -> long long */
    /* --fit FILE: the fit pass, collecting the transforms' partial instead of writing */
    tp_tfset *tf;
    tp_tfcollect *fit;
    long *fidx;  /* per input column, its column in the stream */
    int written; /* the last row was written: its child lines (--explode) follow it */
};

struct audit {
    long long rows;
    int has_time;
    int64_t tmin, tmax;
};

/* A field and the end of a record of the output: CSV, or the tp stream (text.h). */
static int
put(struct sp *s, const char *v, size_t n)
{
    return s->stream ? tp_out_stream_field(s->out, v, n) : tp_out_rec_field(s->out, v, n, ',');
}

static int
put_end(struct sp *s)
{
    return s->stream ? tp_out_stream_end(s->out) : tp_out_rec_end(s->out);
}

static long
stream_col(tp_reader *r, struct sp *s, long incol, const char *what)
{
    const char *name = s->c->out[incol];
    long i = tp_reader_find(r, name);
    if (i < 0)
        tp_err(s->file, 1, "%s column '%s' not found", what, name);
    return i;
}

static int
on_header(void *arg, tp_reader *r)
{
    struct sp *s = arg;
    const tp_context *c = s->c;
    s->col = -1;
    if (s->how == TP_BY_TIME && (s->col = stream_col(r, s, c->temporal, "temporal")) < 0)
        return -1;
    if (s->how == TP_BY_CLASS && (s->col = stream_col(r, s, c->label, "label")) < 0)
        return -1;
    if (s->how == TP_BY_HASH && (s->col = stream_col(r, s, c->splitcol, c->split)) < 0)
        return -1;
    s->p2.col = s->col;
    if (s->fit) {
        for (size_t i = 0; i < c->nin; i++)
            if ((s->fidx[i] = tp_reader_find(r, c->out[i])) < 0) {
                tp_err(s->file, 1, "column '%s' not found", c->out[i]);
                return -1;
            }
        return 0;
    }
    if (s->audit) {
        s->label_col = c->label >= 0 ? tp_reader_find(r, c->out[c->label]) : -1;
        s->key_col = c->dedup >= 0 ? tp_reader_find(r, c->out[c->dedup]) : -1;
        s->group_col = c->splitcol >= 0 ? tp_reader_find(r, c->out[c->splitcol]) : -1;
        s->time_col = c->temporal >= 0 ? tp_reader_find(r, c->out[c->temporal]) : -1;
    }
    s->stream = tp_reader_is_stream(r);
    if (s->stream && !s->fit)
        tp_reader_raw(r, 1); /* its rows are written on as they came (on_row) */
    int rc = s->stream ? tp_out_stream_start(s->out, tp_reader_ncols(r) + 1) : 0;
    rc |= put(s, TP_SPLIT_COL, strlen(TP_SPLIT_COL));
    for (size_t i = 0; i < tp_reader_ncols(r); i++) {
        const char *col = tp_reader_col(r, i);
        rc |= put(s, col, strlen(col));
    }
    rc |= put_end(s);
    return rc;
}

/* Account a row for the audit: counts in memory (splits x classes), keys to the file. */
static int
audit_row(struct sp *s, const tp_row *row, const char *split)
{
    struct audit *a = tp_map_put(s->acc, split, strlen(split), NULL);
    a->rows++;
    int64_t t;
    if (s->time_col >= 0 && tp_parse_time(row->f[s->time_col], row->len[s->time_col], &t) == 0) {
        if (!a->has_time || t < a->tmin)
            a->tmin = t;
        if (!a->has_time || t > a->tmax)
            a->tmax = t;
        a->has_time = 1;
    }
    if (s->label_col >= 0) {
        static char *buf;
        static size_t cap;
        size_t sn = strlen(split), vn = row->len[s->label_col];
        if (sn + vn + 2 > cap) {
            cap = (sn + vn + 2) * 2;
            buf = tp_xrealloc(buf, cap);
        }
        memcpy(buf, split, sn);
        buf[sn] = '\t';
        memcpy(buf + sn + 1, row->f[s->label_col], vn);
        *(long long *)tp_map_put(s->labels, buf, sn + 1 + vn, NULL) += 1;
    }
    int rc = 0;
    long cols[2] = {s->key_col, s->group_col};
    for (int i = 0; i < 2; i++) {
        if (cols[i] < 0 || (i == 1 && cols[1] == cols[0]))
            continue;
        const char *name = s->c->out[i == 0 ? s->c->dedup : s->c->splitcol];
        rc |= tp_out_printf(s->audit, "k\t");
        rc |= tp_out_esc(s->audit, name, strlen(name));
        rc |= tp_out_byte(s->audit, '\t');
        rc |= tp_out_esc(s->audit, row->f[cols[i]], row->len[cols[i]]);
        rc |= tp_out_printf(s->audit, "\t%s\n", split);
    }
    return rc ? -1 : 0;
}

static int
audit_finish(struct sp *s)
{
    int rc = 0;
    size_t *ix = tp_map_sorted(s->acc);
    for (size_t i = 0; i < tp_map_size(s->acc); i++) {
        const char *split = tp_map_key(s->acc, ix[i], NULL);
        const struct audit *a = tp_map_val(s->acc, ix[i]);
        rc |= tp_out_printf(s->audit, "rows\t%s\t%lld\n", split, a->rows);
        if (a->has_time) {
            char lo[40], hi[40];
            tp_format_time(a->tmin, lo, sizeof lo);
            tp_format_time(a->tmax, hi, sizeof hi);
            rc |= tp_out_printf(s->audit, "time\t%s\t%lld\t%lld\t%s\t%s\n", split,
                                (long long)a->tmin, (long long)a->tmax, lo, hi);
        }
    }
    free(ix);
    ix = tp_map_sorted(s->labels);
    for (size_t i = 0; i < tp_map_size(s->labels); i++) {
        size_t n;
        const char *k = tp_map_key(s->labels, ix[i], &n);
        const char *tab = memchr(k, '\t', n);
        rc |= tp_out_printf(s->audit, "label\t%.*s\t", (int)(tab - k), k);
        rc |= tp_out_esc(s->audit, tab + 1, n - (size_t)(tab + 1 - k));
        rc |= tp_out_printf(s->audit, "\t%lld\n", *(long long *)tp_map_val(s->labels, ix[i]));
    }
    free(ix);
    if (rc) {
        tp_out_abort(s->audit);
        return -1;
    }
    return tp_out_commit(s->audit, NULL);
}

static int
on_bad(void *arg, const tp_bad *b)
{
    struct sp *s = arg;
    s->written = 0; /* a bad row's child lines go nowhere */
    return s->rejects ? tp_rejects_add(s->rejects, b) : 0;
}

static int
on_row(void *arg, const tp_row *row)
{
    struct sp *s = arg;
    const tp_context *c = s->c;
    const char *split = c->job;
    s->written = 0;
    const char *v = s->col >= 0 ? row->f[s->col] : NULL;
    size_t vn = s->col >= 0 ? row->len[s->col] : 0;
    switch (s->how) {
    case TP_BY_JOB:
        break;
    case TP_BY_TIME:
    case TP_BY_CLASS: {
        char why[1024];
        int got = tp_pass2_apply(s->ops, row, why, sizeof why);
        if (got == 2)
            return tp_reader_reject(s->r, row, tp_reader_col(s->r, (size_t)s->col), why);
        if (got != 0)
            return -1;
        split = s->p2.split;
        break;
    }
    case TP_BY_RANK: {
        if (s->seen >= s->kept) {
            tp_err(s->file, row->line, "more rows than pass 1 kept for the shard (%lld)", s->kept);
            return -1;
        }
        long long rank = s->offset + s->seen++;
        split = tp_split_by_position(tp_permute((uint64_t)c->seed, (uint64_t)c->n, (uint64_t)rank),
                                     c->n_train, c->n_val);
        break;
    }
    case TP_BY_HASH: {
        if (tp_is_missing(v, vn)) { /* every missing spelling is one group */
            v = "";
            vn = 0;
        }
        uint64_t h = tp_hash_value((uint64_t)c->seed, v, vn);
        split = h < s->cut1 ? "train" : h < s->cut2 ? "val" : "test";
        break;
    }
    }
    if (s->fit) { /* child lines are not fitted: never written */
        if (s->tf->fit_on == TP_FIT_ALL || strcmp(split, "train") == 0)
            return tp_tfcollect_row(s->fit, row->f, row->len, s->fidx);
        return 0;
    }
    if (s->audit && audit_row(s, row, split) < 0)
        return -1;
    int rc = put(s, split, strlen(split));
    if (s->stream && row->raw && row->n > 0) { /* stream in, stream out: the line as read */
        rc |= tp_out_byte(s->out, '\t') | tp_out_write(s->out, row->raw, row->nraw);
    } else {
        for (size_t i = 0; i < row->n; i++)
            rc |= put(s, row->f[i], row->len[i]);
    }
    rc |= put_end(s);
    s->written = 1;
    return rc ? -1 : 0;
}

/* A child line of the tp stream: on with its row when that was written, as it came. */
static int
on_child(void *arg, const tp_row *row)
{
    struct sp *s = arg;
    if (!s->written)
        return 0;
    int rc = tp_out_write(s->out, TP_STREAM_CHILD, 2);
    for (size_t i = 0; i < row->n; i++)
        rc |= tp_out_stream_field(s->out, row->f[i], row->len[i]);
    return rc | tp_out_stream_end(s->out) ? -1 : 0;
}

/* Thresholds of hash/group: train below r of the 64-bit range, then val, then test. */
static void
hash_cuts(struct sp *s)
{
    const tp_context *c = s->c;
    unsigned __int128 range = (unsigned __int128)1 << 64;
    s->cut1 = range * c->r.num / c->r.den;
    unsigned __int128 hold = range - s->cut1;
    s->cut2 = s->cut1 + hold * (c->q.den - c->q.num) / c->q.den;
}

int
main(int argc, char **argv)
{
    enum { OPT_FIT = 256 };
    static const struct option longopts[] = {
        {"audit", required_argument, NULL, 'a'},
        {"fit", required_argument, NULL, OPT_FIT},
        {"memory", required_argument, NULL, 'm'},
        {NULL, 0, NULL, 0},
    };
    tp_setprogname(argv);
    if (tp_watch_start() < 0)
        tp_die(TP_EXIT_USAGE);
    tp_toolopt to;
    if (tp_toolopt_init(&to, TP_TO_NEED_CONTEXT | TP_TO_SHARD | TP_TO_BAD, "a:m:", longopts) < 0)
        tp_die(TP_EXIT_USAGE);
    const char *audit = NULL, *fit = NULL;
    size_t memory = (size_t)64 << 20; /* -m: bytes of value counts --fit keeps in memory */
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
        case 'a':
            audit = optarg;
            break;
        case OPT_FIT:
            fit = optarg;
            break;
        case 'm': {
            long long b = tp_sort_size_bytes(optarg);
            if (b < 0) {
                tp_warnx("--memory: expected a size like 64M, 512K or 1%%: '%s'", optarg);
                usage(TP_EXIT_USAGE);
            }
            memory = (size_t)b;
            break;
        }
        default:
            usage(TP_EXIT_USAGE);
        }
    }
    if (tp_toolopt_check(&to) < 0)
        bad();
    if (argc - optind > 1)
        usage(TP_EXIT_USAGE);
    const char *dir = to.context, *in = optind < argc ? argv[optind] : "-";
    /* with the shard known, only its record is read (tp_context_read_shard) */
    long long shard = to.shard >= 0 ? to.shard : tp_shard_number(in);
    tp_context *ctx = shard >= 0 ? tp_context_read_shard(dir, (long)shard) : tp_context_read(dir);
    if (!ctx)
        tp_die(TP_EXIT_DATA);
    struct sp s = {0};
    s.c = ctx;
    s.file = in;
    s.how = TP_BY_JOB;
    const tp_splitmode_def *mode = NULL; /* the mode that decides, NULL: the job type */
    if (tp_job_lookup(ctx->job) == TP_JOB_TRAINING && ctx->nin > 0) { /* nin 0: 0-byte shards */
        mode = tp_splitmode_lookup(ctx->split);
        /* a mode decides when the context has the column its decision reads */
        if (!mode || mode->by == TP_BY_JOB || (mode->by == TP_BY_TIME && ctx->temporal < 0) ||
            (mode->by == TP_BY_CLASS && ctx->label < 0) ||
            (mode->by == TP_BY_HASH && ctx->splitcol < 0)) {
            tp_err(dir, 0, "the context has no split for a training job (mode '%s')", ctx->split);
            tp_die(TP_EXIT_DATA);
        }
        s.how = mode->by;
    }
    if (mode && mode->needs_shard) {
        /* the rank of a row needs its shard: -n, the file name, or the only shard */
        if (shard < 0 && ctx->nshards == 1)
            shard = ctx->shards[0].shard;
        if (shard < 0) {
            tp_warnx("split mode '%s' needs the shard number: -n N", ctx->split);
            usage(TP_EXIT_USAGE);
        }
        long si = tp_context_shard(ctx, (long)shard);
        if (si < 0) {
            tp_err(dir, 0, "shard %lld is not in the context", shard);
            tp_die(TP_EXIT_DATA);
        }
        s.offset = ctx->shards[si].before;
        s.kept = ctx->shards[si].kept;
    }
    if (s.how == TP_BY_HASH)
        hash_cuts(&s);
    s.p2.c = ctx;
    s.p2.dir = dir;
    s.p2.shard = (long)shard;
    s.p2.file = in;
    if ((s.how == TP_BY_TIME || s.how == TP_BY_CLASS) &&
        !(s.ops = tp_pass2_open(&s.p2, TP_STAGE_SPLIT)))
        tp_die(TP_EXIT_DATA);
    if (audit) {
        s.audit = tp_out_open(audit, 0);
        if (!s.audit)
            tp_die(TP_EXIT_DATA);
        s.acc = tp_map_new(sizeof(struct audit));
        s.labels = tp_map_new(sizeof(long long));
    }
    if (fit) {
        char *tfdir = tp_xmalloc(strlen(dir) + 16);
        sprintf(tfdir, "%s/transform", dir);
        if (!tp_tfset_exists(tfdir, "specs"))
            tp_fatal(TP_EXIT_DATA, "--fit: %s has no transforms to fit (tp-scan --transform)", dir);
        s.tf = tp_tfset_read_specs(tfdir, (unsigned long long)ctx->seed);
        free(tfdir);
        if (!s.tf || tp_tfset_bind(s.tf, ctx->in, ctx->nin, NULL) < 0)
            tp_die(TP_EXIT_DATA);
        s.fidx = tp_xcalloc(ctx->nin + 1, sizeof *s.fidx);
        /* tallies flushed to the partial beyond -m bytes (default 64 MiB) */
        s.fit = tp_tfcollect_new(s.tf, shard < 0 ? 0 : (long)shard, fit, memory);
        if (!s.fit)
            tp_die(TP_EXIT_DATA);
    }
    s.out = tp_out_open("-", 0);
    tp_reader *r = tp_reader_open(in, ',', NULL, 0);
    if (!r)
        tp_die(TP_EXIT_DATA);
    s.r = r;
    s.p2.r = r;
    s.rejects = to.rejects ? tp_rejects_new(to.rejects, in) : NULL;
    tp_reader_policy(r, to.policy, on_bad);
    tp_reader_children(r, on_child);
    if (tp_reader_run(r, on_header, on_row, &s) != 0 || tp_out_commit(s.out, NULL) < 0 ||
        (s.fit && tp_tfcollect_finish(s.fit) < 0)) {
        tp_out_abort(s.audit);
        tp_rejects_abort(s.rejects);
        tp_die(TP_EXIT_DATA);
    }
    if (s.rejects && tp_rejects_close(s.rejects) < 0)
        tp_die(TP_EXIT_DATA);
    if (s.audit && audit_finish(&s) < 0)
        tp_die(TP_EXIT_DATA);
    tp_map_free(s.acc);
    tp_map_free(s.labels);
    tp_reader_close(r);
    if (tp_pass2_close(s.ops, 1) < 0)
        tp_die(TP_EXIT_DATA);
    tp_tfset_free(s.tf);
    free(s.fidx);
    tp_context_free(ctx);
    return 0;
}
