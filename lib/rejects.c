/*
 * Quarantine files for bad rows.
 */
#include "rejects.h"

#include "err.h"
#include "io.h"
#include "text.h"

#include <stdlib.h>
#include <string.h>

struct tp_rejects {
    char *path, *input;
    tp_out *out;
    char *line; /* the record joined as CSV */
    size_t cap;
};

tp_rejects *
tp_rejects_new(const char *path, const char *input)
{
    tp_rejects *q = tp_xcalloc(1, sizeof *q);
    q->path = tp_xstrdup(path);
    q->input = tp_xstrdup(input);
    return q;
}

static void
put(tp_rejects *q, size_t *len, const char *s, size_t n)
{
    if (*len + n + 1 > q->cap) {
        q->cap = (*len + n + 1) * 2;
        q->line = tp_xrealloc(q->line, q->cap);
    }
    memcpy(q->line + *len, s, n);
    *len += n;
}

/* The fields joined with commas, each quoted when needed (RFC 4180). */
static size_t
join(tp_rejects *q, const tp_bad *b)
{
    size_t len = 0;
    for (size_t i = 0; i < b->n; i++) {
        if (i)
            put(q, &len, ",", 1);
        const char *s = b->f[i];
        size_t n = b->len[i];
        int quote = 0;
        for (size_t j = 0; j < n && !quote; j++)
            quote = s[j] == ',' || s[j] == '"' || s[j] == '\n' || s[j] == '\r';
        if (!quote) {
            put(q, &len, s, n);
            continue;
        }
        put(q, &len, "\"", 1);
        for (size_t j = 0; j < n; j++) {
            if (s[j] == '"')
                put(q, &len, "\"", 1);
            put(q, &len, s + j, 1);
        }
        put(q, &len, "\"", 1);
    }
    return len;
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
    rc |= tp_out_field(o, q->input, strlen(q->input), ',');
    rc |= tp_out_printf(o, ",%ld,", b->line);
    if (b->column)
        rc |= tp_out_field(o, b->column, strlen(b->column), ',');
    rc |= tp_out_byte(o, ',');
    rc |= tp_out_field(o, b->reason, strlen(b->reason), ',');
    rc |= tp_out_byte(o, ',');
    size_t len = join(q, b);
    rc |= tp_out_field(o, q->line ? q->line : "", len, ',');
    rc |= tp_out_byte(o, '\n');
    return rc ? -1 : 0;
}

static void
free_q(tp_rejects *q)
{
    free(q->path);
    free(q->input);
    free(q->line);
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
