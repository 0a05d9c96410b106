/*
 * tp-scan: pass 1 over one shard. Reads every row once and writes the shard's partial
 * summary: header, type evidence and statistics per column, label values, and what the
 * dedup and the temporal split need (see lib/summary.h).
 */
#include "reader.h"
#include "io.h"
#include "err.h"
#include "json.h"
#include "rejects.h"
#include "scanop.h"
#include "sort.h"
#include "splitmode.h"
#include "summary.h"
#include "value.h"
#include "term.h"
#include "toolopt.h"
#include "transform.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage_text[] =
    "usage: tp-scan [-hq] [-l COL] [-m SIZE] [-n N] [-o FILE] [-s FILE]\n"
    "               [--dedup COL | --no-dedup]\n"
    "               [--distinct] [--on-bad-row POLICY] [--rejects FILE] [--rows FILE]\n"
    "               [--fit-from DIR] [--split MODE] [--transform SPEC] [--transforms FILE]\n"
    "               [--expand-json COL] [--explode PATH] [--id COL] [--records PATH] [--tsv]\n"
    "               [FILE]\n";

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

struct scan {
    tp_summary *s;
    const char *label, *dedup, *split_col;
    const tp_splitmode_def *mode; /* split mode given, or NULL for the default */
    const char *group_col;        /* column of group:COL / hash:COL */
    int no_dedup;
    int distinct;    /* --distinct: count the distinct values of every column */
    long li, di, ti; /* column indexes, -1 when unused */
    tp_roles roles;  /* the same, for the scan operations */
    const char *file;
    const char *sigfile; /* -s FILE, where the column names come from, or NULL */
    tp_reader *r;
    tp_rejects *rejects;
    tp_out *rows;    /* --rows: the rows as read, as CSV */
    tp_tfset *tf;    /* --transform: the values they read are checked, or NULL */
    size_t nx;       /* --explode PATH: the child tables (s->x) */
    long *xcol;      /* per child table: the column of its array */
    struct xctx *xc; /* per child table: its parser */
    size_t memory;   /* -m: bytes the keys, times and distinct values keep in memory */
};

struct xctx {
    tp_xtable *x;
    tp_json *j;
    /* a JSON array read element by element (tp_reader_explode) comes before its row,
     * which may yet be bad: the table as it was before the row's first element */
    int pending;
    long long rows;
    size_t ncols;
    tp_colstat *stats;
    size_t cap;
};

/* An element of an exploded array: its fields go to the child table's statistics. */
static int
on_child(void *arg, const char *const *f, const size_t *len, size_t n, long line)
{
    struct xctx *c = arg;
    tp_xtable *x = c->x;
    (void)line;
    if (c->pending == 1) {
        c->pending = 2;
        c->rows = x->rows;
        c->ncols = x->ncols;
        if (x->ncols > c->cap) {
            c->cap = 2 * x->ncols;
            c->stats = tp_xrealloc(c->stats, c->cap * sizeof *c->stats);
        }
        if (x->ncols) /* none yet before the first element: stats NULL */
            memcpy(c->stats, x->stats, x->ncols * sizeof *x->stats);
    }
    if (n > x->ncols) {
        x->cols = tp_xrealloc(x->cols, n * sizeof *x->cols);
        x->stats = tp_xrealloc(x->stats, n * sizeof *x->stats);
        x->born = tp_xrealloc(x->born, n * sizeof *x->born);
        for (size_t i = x->ncols; i < n; i++) {
            x->cols[i] = tp_xstrdup(tp_json_col(c->j, i));
            tp_colstat_init(&x->stats[i]);
            x->born[i] = x->rows; /* the elements before had no such key */
        }
        x->ncols = n;
    }
    for (size_t i = 0; i < n; i++)
        tp_colstat_add(&x->stats[i], f[i], len[i]);
    x->rows++;
    return 0;
}

/* The row of the elements read before it is good: they count. */
static void
explode_keep(struct scan *sc)
{
    for (size_t k = 0; k < sc->nx; k++)
        sc->xc[k].pending = sc->xc[k].pending ? 1 : 0;
}

/* The row of the elements read before it is bad: the tables as they were before them. */
static void
explode_drop(struct scan *sc)
{
    for (size_t k = 0; k < sc->nx; k++) {
        struct xctx *c = &sc->xc[k];
        tp_xtable *x = c->x;
        if (c->pending != 2)
            continue;
        c->pending = 1;
        for (size_t i = c->ncols; i < x->ncols; i++)
            free(x->cols[i]);
        x->ncols = c->ncols;
        tp_json_truncate(c->j, c->ncols);
        x->rows = c->rows;
        if (c->ncols)
            memcpy(x->stats, c->stats, c->ncols * sizeof *x->stats);
    }
}

/* The cells of the exploded columns of a row. */
static int
explode_row(struct scan *sc, const tp_row *row)
{
    for (size_t k = 0; k < sc->nx; k++) {
        long c = sc->xcol[k];
        if (c < 0 || row->len[c] == 0)
            continue;
        tp_json *j = sc->xc[k].j;
        tp_json_restart(j);
        int rc = tp_json_feed(j, row->f[c], row->len[c]);
        if (rc == 0)
            rc = tp_json_end(j);
        if (rc)
            return tp_reader_reject(sc->r, row, sc->s->x[k].path, "not a JSON array");
    }
    explode_keep(sc);
    return 0;
}

/* A --explode path is a folder of OUTDIR beside the splits: none of tp's own. */
static int
explode_path_ok(const char *p)
{
    static const char *const own[] = {"train",      "val",      "test",
                                      "validation", "testing",  "calibration",
                                      "signature",  "metadata", "transform"};
    if (!*p || *p == '.' || *p == '_' || strchr(p, '/'))
        return 0;
    for (size_t i = 0; i < sizeof own / sizeof *own; i++)
        if (strcmp(p, own[i]) == 0)
            return 0;
    return 1;
}

static int
put_record(tp_out *o, size_t n, const char *const *f, const size_t *len)
{
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++)
        rc = tp_out_rec_field(o, f[i], len[i], ',');
    return rc | tp_out_rec_end(o);
}

static int
on_bad(void *arg, const tp_bad *b)
{
    struct scan *sc = arg;
    explode_drop(sc);
    return sc->rejects ? tp_rejects_add(sc->rejects, b) : 0;
}

static long
need_col(tp_reader *r, const char *name, const char *what)
{
    long i = tp_reader_find(r, name);
    if (i < 0)
        tp_err(tp_reader_name(r), 1, "%s column '%s' not found", what, name);
    return i;
}

static int
on_header(void *arg, tp_reader *r)
{
    struct scan *sc = arg;
    tp_summary *s = sc->s;
    /* refused here, in pass 1, rather than by tp-write at the end of pass 2 */
    if (tp_reader_find(r, TP_SPLIT_COL) >= 0) {
        tp_err(sc->sigfile ? sc->sigfile : sc->file, sc->sigfile ? 0 : 1,
               "column '" TP_SPLIT_COL "': the name is reserved (" TP_SPLIT_COL_RESERVED ")");
        return -1;
    }
    s->ncols = tp_reader_ncols(r);
    if (sc->rows && s->ncols > 0) {
        int rc = 0;
        for (size_t i = 0; i < s->ncols; i++)
            rc |= tp_out_rec_field(sc->rows, tp_reader_col(r, i), strlen(tp_reader_col(r, i)), ',');
        if ((rc | tp_out_rec_end(sc->rows)) < 0)
            return -1;
    }
    if (s->ncols == 0)
        return 0; /* 0-byte shard: nothing to resolve */
    s->cols = tp_xmalloc(s->ncols * sizeof *s->cols);
    s->stats = tp_xmalloc(s->ncols * sizeof *s->stats);
    for (size_t i = 0; i < s->ncols; i++) {
        s->cols[i] = tp_xstrdup(tp_reader_col(r, i));
        tp_colstat_init(&s->stats[i]);
        s->stats[i].declared = tp_decl_parse(tp_reader_coltype(r, i));
    }
    if (tp_reader_is_json(r)) {
        /* JSON: the columns are this shard's keys; tp-context takes the union (SPEC 3) */
        s->header = 2;
        s->absent = tp_xcalloc(s->ncols, 1);
        for (size_t i = 0; i < s->ncols; i++)
            s->absent[i] = (char)tp_reader_col_absent(r, i);
    }
    if (sc->label && (sc->li = need_col(r, sc->label, "label")) < 0)
        return -1;
    if (sc->dedup) {
        if ((sc->di = need_col(r, sc->dedup, "dedup key")) < 0)
            return -1;
    } else if (!sc->no_dedup) {
        sc->di = tp_reader_find(r, "customerId");
    }
    if (sc->split_col) {
        if ((sc->ti = need_col(r, sc->split_col, "temporal")) < 0)
            return -1;
    } else if (!sc->mode) {
        /* The default time column is never the label: a column named orderDate given as
         * the label is a label, and the time is looked for in the others. */
        for (size_t i = 0; i < s->ncols && sc->ti < 0; i++)
            if ((long)i != sc->li && tp_splitmode_default_time(s->cols[i]))
                sc->ti = (long)i;
    }
    if (sc->group_col && need_col(r, sc->group_col, sc->mode->name) < 0)
        return -1;
    for (size_t k = 0; k < sc->nx; k++)
        if ((sc->xcol[k] = need_col(r, s->x[k].path, "--explode")) < 0)
            return -1;
    if (s->idcol && need_col(r, s->idcol, "--id") < 0)
        return -1;
    /* The default: temporal on orderDate/transactionDate when there, else random. */
    s->split = tp_xstrdup(sc->mode ? sc->mode->name
                                   : tp_splitmode_name(tp_splitmode_default(sc->ti >= 0)));
    if (sc->group_col)
        s->splitcol = tp_xstrdup(sc->group_col);
    if (sc->li >= 0)
        s->label = tp_xstrdup(s->cols[sc->li]);
    if (sc->di >= 0)
        s->dedup = tp_xstrdup(s->cols[sc->di]);
    if (sc->ti >= 0)
        s->temporal = tp_xstrdup(s->cols[sc->ti]);
    sc->roles.label = sc->li;
    sc->roles.dedup = sc->di;
    sc->roles.temporal = sc->ti;
    if (sc->tf &&
        (tp_tfset_roles(sc->tf, s->label, s->dedup, s->temporal, s->splitcol) < 0 ||
         tp_tfset_bind(sc->tf, s->cols, s->ncols, sc->sigfile ? sc->sigfile : sc->file) < 0))
        return -1;
    return 0;
}

static int
on_row(void *arg, const tp_row *row)
{
    struct scan *sc = arg;
    tp_summary *s = sc->s;
    tp_scanrow x;
    long col;
    char why[1024];
    tp_scanrow_init(&x, &sc->roles);
    /* A bad value makes a bad row before anything is counted, as in tp-transform, so
     * that the statistics and the written data describe the same rows. */
    if (tp_scan_check(&x, row, &col, why, sizeof why))
        return tp_reader_reject(sc->r, row, s->cols[col], why);
    if (sc->tf && tp_tfset_check(sc->tf, row->f, row->len, NULL, &col, why, sizeof why))
        return tp_reader_reject(sc->r, row, s->cols[col], why);
    explode_keep(sc);
    if (sc->rows && put_record(sc->rows, row->n, row->f, row->len) < 0)
        return -1;
    if (sc->nx && explode_row(sc, row) != 0)
        return -1;
    for (size_t i = 0; i < row->n; i++)
        tp_colstat_add(&s->stats[i], row->f[i], row->len[i]);
    /* the scan operations (scanop.h): drops, label values, keys, times, classes */
    if (tp_scan_collect(s, &x, row) < 0)
        return -1;
    return tp_summary_bound(s, sc->memory);
}

int
main(int argc, char **argv)
{
    enum {
        OPT_DEDUP = 256,
        OPT_DISTINCT,
        OPT_EXPAND,
        OPT_EXPLODE,
        OPT_FIT_FROM,
        OPT_ID,
        OPT_NO_DEDUP,
        OPT_ROWS,
        OPT_SPLIT,
        OPT_TRANSFORM,
        OPT_TRANSFORMS
    };
    static const struct option longopts[] = {
        {"dedup", required_argument, NULL, OPT_DEDUP},
        {"distinct", no_argument, NULL, OPT_DISTINCT},
        {"expand-json", required_argument, NULL, OPT_EXPAND},
        {"explode", required_argument, NULL, OPT_EXPLODE},
        {"fit-from", required_argument, NULL, OPT_FIT_FROM},
        {"id", required_argument, NULL, OPT_ID},
        {"label", required_argument, NULL, 'l'},
        {"memory", required_argument, NULL, 'm'},
        {"no-dedup", no_argument, NULL, OPT_NO_DEDUP},
        {"output", required_argument, NULL, 'o'},
        {"rows", required_argument, NULL, OPT_ROWS},
        {"signature", required_argument, NULL, 's'},
        {"split", required_argument, NULL, OPT_SPLIT},
        {"transform", required_argument, NULL, OPT_TRANSFORM},
        {"transforms", required_argument, NULL, OPT_TRANSFORMS},
        {NULL, 0, NULL, 0},
    };
    tp_setprogname(argv);
    if (tp_watch_start() < 0)
        tp_die(TP_EXIT_USAGE);
    tp_toolopt to;
    if (tp_toolopt_init(&to, TP_TO_SHARD | TP_TO_BAD | TP_TO_TSV | TP_TO_QUIET | TP_TO_JSON,
                        "l:m:o:s:", longopts) < 0)
        tp_die(TP_EXIT_USAGE);
    struct scan sc = {0};
    sc.li = sc.di = sc.ti = -1;
    sc.memory = (size_t)8 << 20;
    const char *out = "-", *sigfile = NULL, *rows = NULL, *fit_from = NULL;
    const char **explode = NULL, **expand = NULL, *idcol = NULL;
    size_t nexplode = 0, nexpand = 0;
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
        case 'l':
            sc.label = optarg;
            break;
        case 'm': {
            long long b = tp_sort_size_bytes(optarg);
            if (b < 0) {
                tp_warnx("--memory: expected a size like 8M, 512K or 1%%: '%s'", optarg);
                usage(TP_EXIT_USAGE);
            }
            sc.memory = (size_t)b;
            break;
        }
        case 'o':
            out = optarg;
            break;
        case 's':
            sigfile = optarg;
            break;
        case OPT_DEDUP:
            sc.dedup = optarg;
            break;
        case OPT_DISTINCT:
            sc.distinct = 1;
            break;
        case OPT_ID:
            idcol = optarg;
            break;
        case OPT_EXPAND:
            expand = tp_xrealloc(expand, (nexpand + 1) * sizeof *expand);
            expand[nexpand++] = optarg;
            break;
        case OPT_EXPLODE:
            if (!explode_path_ok(optarg)) {
                tp_warnx("--explode %s: expected a dotted path (KEY.KEY...) that names a folder "
                         "of the output: no '/', not starting with '.' or '_', not a split, "
                         "signature, metadata or transform",
                         optarg);
                usage(TP_EXIT_USAGE);
            }
            explode = tp_xrealloc(explode, (nexplode + 1) * sizeof *explode);
            explode[nexplode++] = optarg;
            break;
        case OPT_ROWS:
            rows = optarg;
            break;
        case OPT_NO_DEDUP:
            sc.no_dedup = 1;
            break;
        case OPT_SPLIT: {
            tp_splitmode m;
            const char *col;
            if (tp_splitmode_parse(optarg, &m, &col) < 0)
                bad();
            sc.mode = tp_splitmode_get(m);
            if (sc.mode->arg == TP_SPLITARG_TEMPORAL)
                sc.split_col = col;
            else if (sc.mode->arg == TP_SPLITARG_SPLITCOL)
                sc.group_col = col;
            break;
        }
        case OPT_FIT_FROM:
            fit_from = optarg;
            break;
        case OPT_TRANSFORM:
        case OPT_TRANSFORMS:
            if (!sc.tf)
                sc.tf = tp_tfset_new(0);
            if ((c == OPT_TRANSFORM ? tp_tfset_add(sc.tf, optarg)
                                    : tp_tfset_add_file(sc.tf, optarg)) < 0)
                bad();
            break;
        default:
            usage(TP_EXIT_USAGE);
        }
    }
    if (argc - optind > 1)
        usage(TP_EXIT_USAGE);
    if (tp_toolopt_check(&to) < 0)
        bad();
    if (sc.dedup && sc.no_dedup) {
        tp_warnx("--dedup and --no-dedup exclude each other");
        usage(TP_EXIT_USAGE);
    }
    if (sc.label && sc.split_col && strcmp(sc.label, sc.split_col) == 0) {
        /* tp-transform writes a label as its class number, which tp-split would then read
         * as the time (epoch seconds): every row would go to train */
        tp_warnx("--label '%s' is also the temporal split column (--split temporal:%s): choose "
                 "another split",
                 sc.label, sc.split_col);
        usage(TP_EXIT_USAGE);
    }
    if (fit_from) {
        /* the transforms fitted by an earlier run; any given must be among them */
        char *dir = tp_xmalloc(strlen(fit_from) + 16);
        sprintf(dir, "%s/transform", fit_from);
        if (!tp_tfset_exists(dir, "specs"))
            tp_fatal(TP_EXIT_USAGE, "--fit-from %s: no fitted transforms there (%s/specs)",
                     fit_from, dir);
        tp_tfset *fitted = tp_tfset_read_specs(dir, 0);
        free(dir);
        if (!fitted)
            tp_die(TP_EXIT_DATA);
        for (size_t i = 0; sc.tf && i < sc.tf->n; i++) {
            int known = 0;
            for (size_t j = 0; j < fitted->n && !known; j++)
                known = strcmp(sc.tf->tf[i].spec, fitted->tf[j].spec) == 0;
            if (!known) {
                tp_warnx("--transform %s: not fitted in %s", sc.tf->tf[i].spec, fit_from);
                usage(TP_EXIT_USAGE);
            }
        }
        tp_tfset_free(sc.tf);
        sc.tf = fitted;
    }
    if (sc.tf && tp_tfset_roles(sc.tf, sc.label, sc.dedup, sc.split_col, sc.group_col) < 0)
        bad();
    if (sc.mode && sc.mode->needs_label && !sc.label) {
        tp_warnx("--split %s needs a label (-l COL)", sc.mode->name);
        usage(TP_EXIT_USAGE);
    }
    const char *in = optind < argc ? argv[optind] : "-";
    sc.file = in;
    sc.sigfile = sigfile;
    char **sig = NULL;
    long nsig = 0;
    if (sigfile && (nsig = tp_read_signature(sigfile, &sig)) < 0)
        tp_die(TP_EXIT_DATA);
    sc.s = tp_summary_new();
    sc.s->header = sig == NULL;
    sc.s->distinct_on = sc.distinct;
    long long shard = to.shard >= 0 ? to.shard : tp_shard_number(in);
    sc.s->shard = shard < 0 ? 0 : (long)shard;
    sc.s->source = tp_xstrdup(in);
    for (size_t i = 0; sc.tf && i < sc.tf->n; i++) {
        sc.s->tf = tp_xrealloc(sc.s->tf, (sc.s->ntf + 1) * sizeof *sc.s->tf);
        sc.s->tf[sc.s->ntf++] = tp_xstrdup(sc.tf->tf[i].spec);
    }
    tp_reader *r = tp_reader_open(in, tp_delim_for(in, to.tsv), sig, (size_t)nsig);
    if (!r)
        tp_die(TP_EXIT_DATA);
    sc.r = r;
    /* a JSON shard may lack a column that others have: the roles' columns are then
     * there, all missing */
    tp_reader_records(r, to.records);
    const char *roles[] = {sc.label, sc.dedup, sc.split_col, sc.group_col};
    for (size_t i = 0; i < sizeof roles / sizeof *roles; i++)
        if (roles[i])
            tp_reader_want(r, roles[i]);
    if (to.records)
        sc.s->records = tp_xstrdup(to.records);
    for (size_t k = 0; k < nexpand; k++) {
        for (size_t i = 0; i < k; i++)
            if (strcmp(expand[i], expand[k]) == 0)
                tp_fatal(TP_EXIT_USAGE, "--expand-json %s: given twice", expand[k]);
        tp_reader_expand(r, expand[k]);
        sc.s->expand = tp_xrealloc(sc.s->expand, (sc.s->nexpand + 1) * sizeof *sc.s->expand);
        sc.s->expand[sc.s->nexpand++] = tp_xstrdup(expand[k]);
    }
    free(expand);
    if (idcol && !nexplode)
        tp_fatal(TP_EXIT_USAGE, "--id %s: names the parent of --explode's child rows: no --explode",
                 idcol);
    if (idcol) {
        sc.s->idcol = tp_xstrdup(idcol);
        tp_reader_want(r, idcol);
    }
    sc.nx = sc.s->nx = nexplode;
    sc.s->x = tp_xcalloc(nexplode ? nexplode : 1, sizeof *sc.s->x);
    sc.xcol = tp_xcalloc(nexplode ? nexplode : 1, sizeof *sc.xcol);
    sc.xc = tp_xcalloc(nexplode ? nexplode : 1, sizeof *sc.xc);
    for (size_t k = 0; k < nexplode; k++) {
        for (size_t i = 0; i < k; i++)
            if (strcmp(explode[i], explode[k]) == 0)
                tp_fatal(TP_EXIT_USAGE, "--explode %s: given twice", explode[k]);
        sc.s->x[k].path = tp_xstrdup(explode[k]);
        sc.xc[k].x = &sc.s->x[k];
        tp_json_cb cb = {on_child, NULL, &sc.xc[k]};
        sc.xc[k].j = tp_json_new(explode[k], NULL, &cb);
        tp_json_values(sc.xc[k].j, 1);
        sc.xc[k].pending = 1;
        tp_reader_want(r, explode[k]);
        tp_reader_explode(r, explode[k], sc.xc[k].j);
    }
    sc.rejects = to.rejects ? tp_rejects_new(to.rejects, in) : NULL;
    if (rows && !(sc.rows = tp_out_open(rows, 0)))
        tp_die(TP_EXIT_DATA);
    tp_reader_policy(r, to.policy, on_bad);
    if (tp_reader_run(r, on_header, on_row, &sc) != 0) {
        tp_rejects_abort(sc.rejects);
        tp_out_abort(sc.rows);
        tp_die(TP_EXIT_DATA);
    }
    if (sc.rows && tp_out_commit(sc.rows, NULL) < 0)
        tp_die(TP_EXIT_DATA);
    if (tp_reader_is_json(r))
        sc.s->header = 2; /* JSON even when no record was good: no columns, none absent */
    sc.s->rows = tp_reader_rows(r);
    for (size_t k = 0; k < sc.nx; k++) {
        tp_xtable *x = &sc.s->x[k];
        for (size_t i = 0; i < x->ncols; i++)
            x->stats[i].missing += x->born[i];
        tp_json_free(sc.xc[k].j);
        free(sc.xc[k].stats);
    }
    free(sc.xc);
    free(sc.xcol);
    free(explode);
    sc.s->bad = tp_reader_bad(r);
    tp_reader_input(r, &sc.s->in_bytes, &sc.s->in_crc);
    if (sc.rejects && tp_rejects_close(sc.rejects) < 0)
        tp_die(TP_EXIT_DATA);
    tp_reader_close(r);
    if (tp_summary_write(sc.s, out) < 0)
        tp_die(TP_EXIT_DATA);
    tp_summary_free(sc.s);
    tp_tfset_free(sc.tf);
    tp_strv_free(sig, (size_t)nsig);
    return 0;
}
