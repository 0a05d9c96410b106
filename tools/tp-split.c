/*
 * tp-split: pass 2, second stage. Decides each row's split from the context and the row
 * alone, and prefixes the row with it in a first column "tp:split" for tp-write.
 */
#include "context.h"
#include "err.h"
#include "io.h"
#include "reader.h"
#include "value.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage_text[] = "usage: tp-split [-h] -c DIR [FILE]\n";

static void
usage(int status)
{
    tp_usage(usage_text, status);
}

struct sp {
    const tp_context *c;
    tp_out *out;
    const char *file;
    long ti; /* temporal column in the stream, -1 for non-training jobs */
};

static int
on_header(void *arg, tp_reader *r)
{
    struct sp *s = arg;
    const tp_context *c = s->c;
    s->ti = -1;
    if (strcmp(c->job, "training") == 0) {
        if (strcmp(c->split, "temporal") != 0 || c->temporal < 0) {
            tp_err(NULL, 0, "the context has no split for a training job");
            return -1;
        }
        const char *name = c->out[c->temporal];
        s->ti = tp_reader_find(r, name);
        if (s->ti < 0) {
            tp_err(s->file, 1, "temporal column '%s' not found", name);
            return -1;
        }
    }
    int rc = tp_out_write(s->out, "tp:split", 8);
    for (size_t i = 0; i < tp_reader_ncols(r); i++) {
        const char *col = tp_reader_col(r, i);
        rc |= tp_out_byte(s->out, ',');
        rc |= tp_out_field(s->out, col, strlen(col), ',');
    }
    rc |= tp_out_byte(s->out, '\n');
    return rc;
}

static int
on_row(void *arg, const tp_row *row)
{
    struct sp *s = arg;
    const tp_context *c = s->c;
    const char *split = c->job;
    if (s->ti >= 0) {
        int64_t t;
        const char *v = row->f[s->ti];
        if (tp_parse_time(v, row->len[s->ti], &t) < 0) {
            tp_err(s->file, row->line, "column '%s': not a date or time: '%s'", c->out[c->temporal],
                   v);
            return -1;
        }
        if (c->has_train_cut && t >= c->train_cut)
            split = c->has_test_cut && t >= c->test_cut ? "test" : "val";
        else
            split = "train";
    }
    int rc = tp_out_write(s->out, split, strlen(split));
    for (size_t i = 0; i < row->n; i++) {
        rc |= tp_out_byte(s->out, ',');
        rc |= tp_out_field(s->out, row->f[i], row->len[i], ',');
    }
    rc |= tp_out_byte(s->out, '\n');
    return rc ? -1 : 0;
}

int
main(int argc, char **argv)
{
    static const struct option longopts[] = {
        {"context", required_argument, NULL, 'c'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
    };
    tp_setprogname(argv);
    const char *dir = NULL;
    int c;
    while ((c = getopt_long(argc, argv, "c:h", longopts, NULL)) != -1) {
        switch (c) {
        case 'c':
            dir = optarg;
            break;
        case 'h':
            usage(0);
            break;
        default:
            usage(TP_EXIT_USAGE);
        }
    }
    if (!dir) {
        tp_warnx("missing -c DIR");
        usage(TP_EXIT_USAGE);
    }
    if (argc - optind > 1) usage(TP_EXIT_USAGE);
    const char *in = optind < argc ? argv[optind] : "-";
    tp_context *ctx = tp_context_read(dir);
    if (!ctx) tp_die(TP_EXIT_DATA);
    struct sp s = {ctx, tp_out_open("-", 0), in, -1};
    tp_reader *r = tp_reader_open(in, ',', NULL, 0);
    if (!r) tp_die(TP_EXIT_DATA);
    if (tp_reader_run(r, on_header, on_row, &s) != 0 || tp_out_commit(s.out, NULL) < 0)
        tp_die(TP_EXIT_DATA);
    tp_reader_close(r);
    tp_context_free(ctx);
    return 0;
}
