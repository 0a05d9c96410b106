/*
 * The table of scan operations (scanop.h) and the loops that run their hooks in table
 * order. One line per operation; each operation's code is its own file (scan_NAME.c).
 */
#include "scanop.h"

#include "err.h"

#include <stdlib.h>
#include <string.h>

/* The order is that of the hooks' calls: keeps drops a row for its label, then its
 * time, then its key (the summary's drop counters), and records follow it in the
 * partial summary. */
const tp_scanop *const tp_scanops[] = {
    &tp_scan_label, &tp_scan_temporal, &tp_scan_dedup, &tp_scan_distinct, &tp_scan_strata, NULL,
};

void
tp_scanrow_init(tp_scanrow *x, const tp_roles *roles)
{
    x->roles = roles;
    x->t = 0;
    x->has_t = 0;
    x->label = -1;
    x->dropped = 0;
}

int
tp_scan_check(tp_scanrow *x, const tp_row *row, long *col, char *why, size_t size)
{
    for (size_t i = 0; tp_scanops[i]; i++)
        if (tp_scanops[i]->check && tp_scanops[i]->check(x, row, col, why, size))
            return 1;
    return 0;
}

int
tp_scan_collect(tp_summary *s, tp_scanrow *x, const tp_row *row)
{
    for (size_t i = 0; tp_scanops[i]; i++) {
        const tp_scanop *op = tp_scanops[i];
        if (x->dropped && !(op->flags & TP_SCAN_ALL_ROWS))
            continue;
        if (op->keeps && !x->dropped && !op->keeps(x, row)) {
            x->dropped = 1;
            *(long long *)((char *)s + op->drop_off) += 1;
            continue;
        }
        if (op->collect && op->collect(s, x, row) < 0)
            return -1;
    }
    return 0;
}

int
tp_scan_keeps(tp_scanrow *x, const tp_row *row)
{
    for (size_t i = 0; tp_scanops[i]; i++)
        if (tp_scanops[i]->keeps && !tp_scanops[i]->keeps(x, row))
            return 0;
    return 1;
}

const tp_scanop *
tp_scanop_by_tag(const char *tag, int ctx)
{
    for (size_t i = 0; tp_scanops[i]; i++) {
        const char *t = ctx ? tp_scanops[i]->ctx_tag : tp_scanops[i]->tag;
        if (t && strcmp(t, tag) == 0)
            return tp_scanops[i];
    }
    return NULL;
}

struct tp_pass2set {
    tp_pass2 *p;
    size_t n;
    const tp_scanop *op[8];
    void *st[8];
};

tp_pass2set *
tp_pass2_open(tp_pass2 *p, int stage)
{
    tp_pass2set *ps = tp_xcalloc(1, sizeof *ps);
    ps->p = p;
    for (size_t i = 0; tp_scanops[i]; i++) {
        const tp_scanop *op = tp_scanops[i];
        if (op->stage != stage || !op->open)
            continue;
        void *st = NULL;
        int rc = op->open(p, &st);
        if (rc < 0) {
            tp_pass2_close(ps, 0);
            return NULL;
        }
        if (rc == 1) {
            ps->op[ps->n] = op;
            ps->st[ps->n++] = st;
        }
    }
    return ps;
}

int
tp_pass2_apply(tp_pass2set *ps, const tp_row *row, char *why, size_t size)
{
    for (size_t i = 0; i < ps->n; i++) {
        int rc = ps->op[i]->apply(ps->st[i], ps->p, row, why, size);
        if (rc)
            return rc;
    }
    return 0;
}

int
tp_pass2_close(tp_pass2set *ps, int ok)
{
    if (!ps)
        return 0;
    int rc = 0;
    for (size_t i = 0; i < ps->n; i++)
        if (ps->op[i]->close && ps->op[i]->close(ps->st[i], ps->p, ok && rc == 0) < 0)
            rc = -1;
    free(ps);
    return rc;
}
