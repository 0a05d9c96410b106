/*
 * tp-context: merges the partial summaries of pass 1 into the context directory that
 * pass 2 reads, and writes the run's signature and metadata files.
 */
#include "context.h"
#include "err.h"
#include "reader.h"
#include "sort.h"
#include "splitmode.h"
#include "summary.h"
#include "term.h"
#include "toolopt.h"
#include "transform.h"
#include "version.h"
#include "value.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

static const char usage_text[] =
    "usage: tp-context [-hq] -c DIR [-d OUTDIR] [-m SIZE] [--concat NAME=COL,COL,...]...\n"
    "                  [--fit-from DIR | --fit-on train|all] [--job-type TYPE] [--max-bad-rows N]\n"
    "                  [--metadata-format FORMAT] [--seed N] [--test-val-ratio Q]\n"
    "                  [--train-ratio R] (SUMMARY... | --files0-from FILE)\n"
    "       tp-context [-hq] -c DIR --fit [-d OUTDIR] [-m SIZE] [--metadata-format FORMAT]\n"
    "                  (PARTIAL... | --files0-from FILE)\n";

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

static void
report(const tp_context *c)
{
    long long rows = 0, dl = 0, dt = 0, dk = 0, dd = 0, bad = 0;
    for (size_t i = 0; i < c->nshards; i++) {
        rows += c->shards[i].rows;
        dl += c->shards[i].drop_label;
        dt += c->shards[i].drop_time;
        dk += c->shards[i].drop_key;
        dd += c->shards[i].drop_dup;
        bad += c->shards[i].bad;
    }
    fprintf(stderr,
            "%s: %zu shards, %lld rows; dropped: %lld missing label, %lld missing time, "
            "%lld missing key, %lld duplicate, %lld bad; %lld rows kept\n",
            tp_progname(), c->nshards, rows, dl, dt, dk, dd, bad, c->n);
    if (tp_job_lookup(c->job) == TP_JOB_TRAINING) {
        char a[40] = "-", b[40] = "-";
        if (c->has_train_cut)
            tp_format_time(c->train_cut, a, sizeof a);
        if (c->has_test_cut)
            tp_format_time(c->test_cut, b, sizeof b);
        fprintf(stderr, "%s: train %lld, val %lld, test %lld; train_cutoff %s, test_cutoff %s\n",
                tp_progname(), c->n_train, c->n_val, c->n_test, a, b);
    }
}

static int
merge_one(void *arg, const char *path)
{
    tp_merge *m = arg;
    tp_summary *s = tp_summary_read(path, tp_merge_sink(m));
    return !s || tp_merge_add(m, s, path) < 0 ? -1 : 0;
}

static int
fit_one(void *arg, const char *path)
{
    return tp_tffit_add(arg, path);
}

/*
 * Fit the transforms of the context in dir from the partials (operands, or --files0-from;
 * none when no transform needs a fit) and give the context the columns they make.
 * 0, or -1 with an error recorded.
 */
static int
fit(tp_context *ctx, const char *dir, const char *memory, const char *files0, char **parts,
    int nparts)
{
    char *tfdir = tp_xmalloc(strlen(dir) + 16);
    sprintf(tfdir, "%s/transform", dir);
    tp_tfset *s = tp_tfset_read_specs(tfdir, (unsigned long long)ctx->seed);
    int rc = s && tp_tfset_bind(s, ctx->in, ctx->nin, NULL) == 0 ? 0 : -1;
    tp_tffit *f = rc == 0 ? tp_tffit_new(s, tfdir, memory) : NULL;
    if (rc == 0 && !f)
        rc = -1;
    if (rc == 0 && files0)
        rc = tp_files0_each(files0, fit_one, f, "fit partial");
    for (int i = 0; rc == 0 && i < nparts; i++)
        rc = tp_tffit_add(f, parts[i]);
    if (rc == 0) {
        rc = tp_tffit_finish(f, ctx->out, ctx->type, ctx->nin, TP_VERSION);
        f = NULL;
    }
    tp_tffit_abort(f);
    char **names;
    const char **types;
    long *src;
    long n = rc == 0 ? tp_tfset_read_columns(tfdir, &names, &types, &src) : -1;
    if (n >= 0)
        tp_context_set_final(ctx, names, types, src, (size_t)n);
    tp_tfset_free(s);
    free(tfdir);
    return n < 0 ? -1 : 0;
}

int
main(int argc, char **argv)
{
    enum {
        OPT_CONCAT = 256,
        OPT_FILES0,
        OPT_FIT,
        OPT_FIT_FROM,
        OPT_FIT_ON,
        OPT_JOB,
        OPT_MAXBAD,
        OPT_META,
        OPT_SEED,
        OPT_Q,
        OPT_R
    };
    static const struct option longopts[] = {
        {"concat", required_argument, NULL, OPT_CONCAT},
        {"files0-from", required_argument, NULL, OPT_FILES0},
        {"fit", no_argument, NULL, OPT_FIT},
        {"fit-from", required_argument, NULL, OPT_FIT_FROM},
        {"fit-on", required_argument, NULL, OPT_FIT_ON},
        {"job-type", required_argument, NULL, OPT_JOB},
        {"max-bad-rows", required_argument, NULL, OPT_MAXBAD},
        {"memory", required_argument, NULL, 'm'},
        {"metadata-format", required_argument, NULL, OPT_META},
        {"output-dir", required_argument, NULL, 'd'},
        {"seed", required_argument, NULL, OPT_SEED},
        {"test-val-ratio", required_argument, NULL, OPT_Q},
        {"train-ratio", required_argument, NULL, OPT_R},
        {NULL, 0, NULL, 0},
    };
    tp_setprogname(argv);
    if (tp_watch_start() < 0)
        tp_die(TP_EXIT_USAGE);
    tp_toolopt to;
    if (tp_toolopt_init(&to, TP_TO_NEED_CONTEXT | TP_TO_QUIET, "d:m:", longopts) < 0)
        tp_die(TP_EXIT_USAGE);
    tp_merge_opts o = {0};
    o.seed = 42;
    o.max_bad = -1;
    tp_parse_ratio("", "0.7", &o.r);
    tp_parse_ratio("", "0.5", &o.q);
    o.concat = tp_xmalloc((size_t)argc * sizeof *o.concat);
    const char *outdir = NULL, *files0 = NULL;
    int json = 0, c, fit_mode = 0;
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
        case 'd':
            outdir = optarg;
            break;
        case 'm':
            if (tp_sort_size_ok(optarg) < 0) {
                tp_warnx("--memory: expected a size like 512M, 2G or 10%%: '%s'", optarg);
                usage(TP_EXIT_USAGE);
            }
            o.memory = optarg;
            break;
        case OPT_CONCAT: {
            char *name, **cols;
            long n = tp_concat_parse(optarg, &name, &cols);
            if (n < 0)
                bad();
            tp_strv_free(cols, (size_t)n);
            free(name);
            o.concat[o.nconcat++] = optarg;
            break;
        }
        case OPT_FIT:
            fit_mode = 1;
            break;
        case OPT_FIT_FROM:
            o.fit_from = optarg;
            break;
        case OPT_FIT_ON:
            if (strcmp(optarg, "train") && strcmp(optarg, "all")) {
                tp_warnx("--fit-on: expected train or all: '%s'", optarg);
                usage(TP_EXIT_USAGE);
            }
            o.fit_on = optarg;
            break;
        case OPT_FILES0:
            files0 = optarg;
            break;
        case OPT_JOB: {
            tp_job j;
            if (tp_job_parse(optarg, &j) < 0)
                bad();
            o.job = tp_job_name(j);
            break;
        }
        case OPT_MAXBAD: {
            long long n;
            if (strchr(optarg, '.')) {
                if (tp_parse_ratio("--max-bad-rows", optarg, &o.max_bad_ratio) < 0) {
                    tp_warnx("--max-bad-rows: not a count or a fraction in [0, 1]: '%s'", optarg);
                    usage(TP_EXIT_USAGE);
                }
                o.max_bad_fraction = 1;
            } else {
                if (tp_opt_ll("--max-bad-rows", optarg, 0, INT64_MAX, &n) < 0)
                    bad();
                o.max_bad = n;
            }
            o.max_bad_text = optarg;
            break;
        }
        case OPT_META:
            if (strcasecmp(optarg, "json") == 0) {
                json = 1;
            } else if (strcasecmp(optarg, "csv") == 0) {
                json = 0;
            } else {
                tp_warnx("--metadata-format: expected csv or json: '%s'", optarg);
                usage(TP_EXIT_USAGE);
            }
            break;
        case OPT_SEED:
            if (tp_opt_ll("--seed", optarg, 0, INT64_MAX, &o.seed) < 0)
                bad();
            break;
        case OPT_Q:
            if (tp_parse_ratio("--test-val-ratio", optarg, &o.q) < 0)
                bad();
            break;
        case OPT_R:
            if (tp_parse_ratio("--train-ratio", optarg, &o.r) < 0)
                bad();
            break;
        default:
            usage(TP_EXIT_USAGE);
        }
    }
    if (tp_toolopt_check(&to) < 0)
        bad();
    const char *dir = to.context;
    if (files0 && optind < argc) {
        tp_warnx("--files0-from: no SUMMARY operands with it: '%s'", argv[optind]);
        usage(TP_EXIT_USAGE);
    }
    if (o.fit_from && o.fit_on) {
        tp_warnx("--fit-from and --fit-on exclude each other (nothing is fitted with --fit-from)");
        usage(TP_EXIT_USAGE);
    }
    if (fit_mode) {
        /* the fit pass's merge: the context is there, the transforms get fitted */
        tp_context *ctx = tp_context_read(dir);
        if (!ctx || fit(ctx, dir, o.memory, files0, argv + optind, argc - optind) < 0)
            tp_die(TP_EXIT_DATA);
        if (outdir && tp_context_write_outputs(ctx, outdir, json) < 0)
            tp_die(TP_EXIT_DATA);
        tp_context_free(ctx);
        free(o.concat);
        return 0;
    }
    if (!files0 && optind == argc) {
        tp_warnx("no summary files");
        usage(TP_EXIT_USAGE);
    }
    tp_merge *m = tp_merge_new(&o, dir);
    if (!m)
        tp_die(TP_EXIT_DATA);
    if (files0) {
        if (tp_files0_each(files0, merge_one, m, "summary") < 0) {
            tp_merge_abort(m);
            tp_die(TP_EXIT_DATA);
        }
    } else {
        for (int i = optind; i < argc; i++)
            if (merge_one(m, argv[i]) < 0) {
                tp_merge_abort(m);
                tp_die(TP_EXIT_DATA);
            }
    }
    tp_context *ctx = tp_merge_finish(m);
    if (!ctx)
        tp_die(TP_EXIT_DATA);
    {
        /* transforms that fit on nothing (hash, log1p) are fitted now: no fit pass */
        char *tfdir = tp_xmalloc(strlen(dir) + 16);
        sprintf(tfdir, "%s/transform", dir);
        tp_tfset *ts = tp_tfset_exists(tfdir, "specs")
                           ? tp_tfset_read_specs(tfdir, (unsigned long long)ctx->seed)
                           : NULL;
        if (tp_tfset_exists(tfdir, "specs") && !ts)
            tp_die(TP_EXIT_DATA);
        if (ts && tp_tfset_exists(tfdir, "fit")) {
            /* --fit-from: the earlier fit, for the columns of this data */
            char **names;
            const char **types;
            long *src;
            long n;
            if (tp_tfset_rebind_fit(tfdir, ctx->out, ctx->type, ctx->nin,
                                    (unsigned long long)ctx->seed) < 0 ||
                (n = tp_tfset_read_columns(tfdir, &names, &types, &src)) < 0)
                tp_die(TP_EXIT_DATA);
            tp_context_set_final(ctx, names, types, src, (size_t)n);
        } else if (ts && !tp_tfset_needs_fit(ts) && fit(ctx, dir, o.memory, NULL, NULL, 0) < 0) {
            tp_die(TP_EXIT_DATA);
        }
        tp_tfset_free(ts);
        free(tfdir);
    }
    if (outdir && tp_context_write_outputs(ctx, outdir, json) < 0)
        tp_die(TP_EXIT_DATA);
    if (!to.quiet)
        report(ctx);
    tp_context_free(ctx);
    free(o.concat);
    return 0;
}
