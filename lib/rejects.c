/*
 * Quarantine files for bad rows.
 */
#include "rejects.h"

#include "err.h"
#include "io.h"
#include "text.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct tp_rejects {
    char *path, *input;
    tp_out *out;
    tp_out *rec; /* the record joined as CSV, in memory */
};

tp_rejects *
tp_rejects_new(const char *path, const char *input)
{
    tp_rejects *q = tp_xcalloc(1, sizeof *q);
    q->path = tp_xstrdup(path);
    q->input = tp_xstrdup(input);
    return q;
}

/* The fields joined into one CSV line (without its line end), by the writer of every
 * CSV tp writes (tp_out_rec_field). */
static void
join(tp_rejects *q, const tp_bad *b)
{
    if (!q->rec)
        q->rec = tp_out_mem();
    q->rec->len = 0;
    for (size_t i = 0; i < b->n; i++)
        tp_out_rec_field(q->rec, b->f[i], b->len[i], ',');
    tp_out_rec_end(q->rec);
    q->rec->len--; /* the '\n' */
}

int
tp_rejects_add(tp_rejects *q, const tp_bad *b)
{
    int rc = 0;
    if (!q->out) {
        q->out = tp_out_open(q->path, 0);
        if (!q->out)
            return -1;
        rc |= tp_out_printf(q->out, "file,line,column,reason,record\n");
    }
    tp_out *o = q->out;
    char num[24];
    int k = snprintf(num, sizeof num, "%ld", b->line);
    rc |= tp_out_rec_field(o, q->input, strlen(q->input), ',');
    rc |= tp_out_rec_field(o, num, (size_t)k, ',');
    rc |= tp_out_rec_field(o, b->column ? b->column : "", b->column ? strlen(b->column) : 0, ',');
    rc |= tp_out_rec_field(o, b->reason, strlen(b->reason), ',');
    join(q, b);
    rc |= tp_out_rec_field(o, q->rec->buf, q->rec->len, ',');
    rc |= tp_out_rec_end(o);
    return rc ? -1 : 0;
}

static void
free_q(tp_rejects *q)
{
    free(q->path);
    free(q->input);
    tp_out_abort(q->rec);
    free(q);
}

int
tp_rejects_close(tp_rejects *q)
{
    int rc = q->out ? tp_out_commit(q->out, NULL) : 0;
    free_q(q);
    return rc;
}

void
tp_rejects_abort(tp_rejects *q)
{
    if (!q)
        return;
    tp_out_abort(q->out);
    free_q(q);
}

int
tp_bad_options(const char *policy_name, const char *rejects, int *policy)
{
    *policy = policy_name ? tp_parse_policy(policy_name) : TP_BAD_FAIL;
    if (*policy < 0) {
        tp_err(NULL, 0, "--on-bad-row: expected fail, skip or quarantine: '%s'", policy_name);
        return -1;
    }
    if (*policy == TP_BAD_QUARANTINE && !rejects) {
        tp_err(NULL, 0, "--on-bad-row quarantine needs --rejects FILE");
        return -1;
    }
    return 0;
}
