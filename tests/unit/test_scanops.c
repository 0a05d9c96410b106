/* The scan operations' table (scanop.h) and the row loops that run it. */
#include "err.h"
#include "scanop.h"
#include "unit.h"

#include <stddef.h>
#include <string.h>

/* A summary of the columns k, t, y as tp-scan's header gives it. */
static tp_summary *
mksummary(void)
{
    tp_summary *s = tp_summary_new();
    static const char *const names[] = {"k", "t", "y"};
    s->ncols = 3;
    s->cols = tp_xmalloc(3 * sizeof *s->cols);
    for (size_t i = 0; i < 3; i++)
        s->cols[i] = tp_xstrdup(names[i]);
    return s;
}

static tp_row
mkrow(const char **f, size_t *len, size_t n, long long index)
{
    for (size_t i = 0; i < n; i++)
        len[i] = strlen(f[i]);
    return (tp_row){n, f, len, (long)index + 2, index, NULL, 0};
}

void
test_scanops(void)
{
    /* the table: every operation once, tags unique, context records after core records */
    static const char *const core[] = {"in", "roles", "rows"};
    size_t nops = 0;
    for (size_t i = 0; tp_scanops[i]; i++, nops++) {
        const tp_scanop *op = tp_scanops[i];
        CHECK(op->name && op->name[0]);
        CHECK(!op->tag || tp_scanop_by_tag(op->tag, 0) == op);
        CHECK(!op->ctx_tag || tp_scanop_by_tag(op->ctx_tag, 1) == op);
        CHECK(!op->write_partial == !op->read_partial && (!op->write_partial || op->tag));
        CHECK(!op->write_ctx == !op->read_ctx && (!op->write_ctx || op->ctx_tag));
        int after = !op->write_ctx;
        for (size_t k = 0; op->write_ctx && k < 3; k++)
            after |= strcmp(op->ctx_after, core[k]) == 0;
        CHECK(after);
        CHECK(!op->keeps || op->drop_off == offsetof(tp_summary, drop_label) ||
              op->drop_off == offsetof(tp_summary, drop_time) ||
              op->drop_off == offsetof(tp_summary, drop_key));
        CHECK(!op->open == !op->apply && (!op->open || op->stage != TP_STAGE_NONE));
    }
    CHECK(nops == 5);
    CHECK(tp_scanop_by_tag("shard", 0) == NULL && tp_scanop_by_tag("shard", 1) == NULL);
    CHECK(tp_scanop_by_tag("lv", 0) == &tp_scan_label);
    CHECK(tp_scanop_by_tag("cutoff", 1) == &tp_scan_temporal);

    /* pass 1 over columns k(ey), t(ime), y (label), with --distinct */
    tp_summary *s = mksummary();
    s->distinct_on = 1;
    s->shard = 4;
    tp_roles roles = {2, 0, 1};
    const char *rows[][3] = {
        {"a", "2024-01-02", "x"}, /* kept */
        {"a", "2024-01-01", "y"}, /* kept: the earlier of key a */
        {"b", "", ""},            /* no label and no time: dropped for its label */
        {"", "2024-01-03", "x"},  /* no key */
        {"c", "", "z"},           /* no time: its label still in the vocabulary */
        {"d", "nope", "x"},       /* a bad row */
    };
    size_t len[3];
    long col = -2;
    char why[128] = "";
    for (long long i = 0; i < 6; i++) {
        tp_row r = mkrow(rows[i], len, 3, i);
        tp_scanrow x;
        tp_scanrow_init(&x, &roles);
        int bad = tp_scan_check(&x, &r, &col, why, sizeof why);
        CHECK(bad == (i == 5));
        if (!bad)
            CHECK(tp_scan_collect(s, &x, &r) == 0);
    }
    CHECK(col == 1 && strcmp(why, "not a date or time: 'nope'") == 0);
    CHECK(s->drop_label == 1 && s->drop_time == 1 && s->drop_key == 1);
    CHECK(tp_map_size(s->labels) == 3); /* x, y, z: not the bad row's */
    CHECK(tp_map_size(s->keys) == 1);
    const tp_keyrec *kr = tp_map_get(s->keys, "a", 1);
    CHECK(kr && kr->row == 1 && kr->shard == 4);
    CHECK(kr && strcmp(tp_map_key(s->labels, (size_t)kr->label, NULL), "y") == 0);
    CHECK(tp_map_size(s->times) == 0 && tp_map_size(s->classes) == 0); /* dedup counts */
    /* distinct values of every row read, dropped ones too: keys a, b, c */
    CHECK(s->distinct && tp_map_size(s->distinct[0]) == 3 && tp_map_size(s->distinct[2]) == 3);
    tp_summary_free(s);

    /* without dedup, pass 1 counts the rows per time and per class */
    s = mksummary();
    roles.dedup = -1;
    for (long long i = 0; i < 5; i++) {
        tp_row r = mkrow(rows[i], len, 3, i);
        tp_scanrow x;
        tp_scanrow_init(&x, &roles);
        CHECK(tp_scan_check(&x, &r, &col, why, sizeof why) == 0);
        CHECK(tp_scan_collect(s, &x, &r) == 0);
        /* pass 2 keeps what pass 1 kept */
        tp_scanrow y;
        tp_scanrow_init(&y, &roles);
        CHECK(tp_scan_check(&y, &r, &col, why, sizeof why) == 0);
        CHECK(tp_scan_keeps(&y, &r) == (i < 2 || i == 3));
    }
    CHECK(s->drop_label == 1 && s->drop_time == 1 && s->drop_key == 0);
    CHECK(tp_map_size(s->times) == 3 && tp_map_size(s->classes) == 2);
    long long *nx = tp_map_get(s->classes, "x", 1);
    CHECK(nx && *nx == 2);
    CHECK(s->distinct == NULL); /* not scanned with --distinct */
    tp_summary_free(s);
}
