/*
 * The operations of the two passes over the whole data set ("scan operations"): the
 * label vocabulary, dedup, the temporal cutoffs, the strata of the stratified split and
 * the distinct counts. Each is one file (scan_label.c, scan_dedup.c, scan_temporal.c,
 * scan_distinct.c, scan_strata.c) that fills one tp_scanop; the table (scanops.c) lists
 * them, and tp-scan, the summary, the merge, the context, tp-transform, tp-split and the
 * metadata know them only through it. The lifecycle, hook by hook:
 *
 *   check      pass 1 and pass 2 (tp-scan, tp-transform): whether a value of the row is
 *              bad (a bad row under the bad-row policy), before anything is counted, so
 *              that both passes give a row the same verdict;
 *   keeps      pass 1 and pass 2: whether the row has what the operation needs (a
 *              label, a time, a dedup key); pass 1 counts a row it drops in the
 *              summary's counter at drop_off, pass 2 drops it;
 *   collect    pass 1: what the operation learns of a row into the partial summary
 *              (tp_summary's maps), in bounded memory per shard;
 *   write_partial / read_partial  its records of the partial summary (tag);
 *   merge      one partial into the merge, in memory (what grows with the number of
 *              shards or classes) or spilled to disk and reduced through GNU sort
 *              (spill.h; what grows with rows or keys);
 *   finish     the fitted result into the context, in phases: TP_SCAN_TYPES before the
 *              output columns are typed, TP_SCAN_SURVIVORS (which rows survive),
 *              TP_SCAN_SPLITS (what the split of a row needs);
 *   write_ctx / read_ctx / free_ctx  its records of the context (ctx_tag), written
 *              after the core record ctx_after, so the file keeps one documented order
 *              (tp-formats(5)), and the context fields it owns;
 *   json       the members of a column's statistics in OUTPUT_DIR/metadata/metadata.json
 *              it owns;
 *   open / apply / close  pass 2, in the tool of its stage: tp-transform (rewrite or
 *              drop a row) or tp-split (decide its split).
 * Every hook is optional (NULL); a hook of an operation the data set does not use (no
 * label column, no dedup) does nothing.
 */
#ifndef TP_SCANOP_H
#define TP_SCANOP_H

#include "context.h"
#include "io.h"
#include "reader.h"
#include "summary.h"
#include "text.h"

#include <stddef.h>
#include <stdint.h>

/* The columns of a row with a role, as indexes into the row; -1 when unused. */
typedef struct tp_roles {
    long label, dedup, temporal;
} tp_roles;

/* What the operations learn of one row in turn (pass 1 and pass 2). */
typedef struct tp_scanrow {
    const tp_roles *roles;
    int64_t t;   /* the temporal value in microseconds, set by check (has_t) */
    int has_t;   /* the row has a temporal value */
    long label;  /* pass 1: index of the label value in tp_summary.labels, else -1 */
    int dropped; /* an operation before this one dropped the row */
} tp_scanrow;

/* Start the row state for a row: nothing learnt yet. */
void tp_scanrow_init(tp_scanrow *x, const tp_roles *roles);

/* Pass 2: one shard being rewritten (tp-transform) or split (tp-split). */
typedef struct tp_pass2 {
    const tp_context *c;
    const char *dir;  /* the context directory */
    long shard;       /* the shard number, -1 when unknown */
    const char *file; /* the shard as given, for messages */
    tp_reader *r;     /* its reader, for tp_reader_reject */
    /* tp-transform: the row's fields as they will be written; apply may replace one
     * (the label by its id, in buf) */
    const char **f;
    size_t *len;
    char buf[32];
    /* tp-split: the stream's column of the operation's role (the time, the label), and
     * the split apply decides ("train", "val", "test") */
    long col;
    const char *split;
} tp_pass2;

/* Finish phases (tp_scanop.phase). */
enum { TP_SCAN_TYPES, TP_SCAN_SURVIVORS, TP_SCAN_SPLITS };

/* Pass-2 stages (tp_scanop.stage). */
enum { TP_STAGE_NONE, TP_STAGE_TRANSFORM, TP_STAGE_SPLIT };

/* Flags (tp_scanop.flags). */
enum {
    TP_SCAN_ALL_ROWS = 1 << 0 /* collect sees every row read, dropped ones too */
};

struct tp_merge;
struct tp_shardacc;

typedef struct tp_scanop {
    const char *name; /* "dedup" */
    unsigned flags;   /* TP_SCAN_* */
    /* 0, or 1 when a value is bad: the column in *col and the reason in why (size
     * bytes, "not a date or time: 'x'"); may set x->t */
    int (*check)(tp_scanrow *x, const tp_row *row, long *col, char *why, size_t size);
    /* 1 when the row has what the operation needs, 0 when it drops it */
    int (*keeps)(const tp_scanrow *x, const tp_row *row);
    size_t drop_off; /* offset of the long long drop counter in tp_summary (keeps) */
    /* 0, or -1 with an error recorded */
    int (*collect)(tp_summary *s, tp_scanrow *x, const tp_row *row);
    /* the partial summary's records: write them (0 or -1), and read one record f[0..n-1]
     * whose tag (f[0]) is tag: 0, 1 when malformed (the caller names file and line), or
     * -1 with an error recorded. With sink, records that grow with the shard go to it
     * instead of s's maps. */
    const char *tag;
    int (*write_partial)(const tp_summary *s, tp_out *o);
    int (*read_partial)(tp_summary *s, const tp_summary_sink *sink, tp_lines *l, char **f,
                        size_t n);
    /* add the partial s of shard a (tp_merge_add); it may take s's maps. 0 or -1 */
    int (*merge)(struct tp_merge *m, struct tp_shardacc *a, tp_summary *s);
    int phase; /* TP_SCAN_* */
    int (*finish)(struct tp_merge *m, tp_context *c);
    /* the context's records: written after the core record ctx_after; read back when
     * the tag is ctx_tag (0, 1 when malformed) */
    const char *ctx_after, *ctx_tag;
    int (*write_ctx)(const tp_context *c, tp_out *o);
    int (*read_ctx)(tp_context *c, char **f, size_t n);
    void (*free_ctx)(tp_context *c);
    /* the member (min, max, mean, std, distinct) of output column col (an input column)
     * in the metadata JSON, ", \"NAME\": VALUE", when the operation owns it: 1 written,
     * 0 not its own, -1 error */
    int (*json)(const tp_context *c, size_t col, const char *member, tp_out *o);
    /* pass 2 in the tool of stage: open gives 1 with *st (its state) when the
     * operation applies to the shard, 0 when not, -1 with an error recorded; apply
     * gives 0 (keep), 1 (drop the row), -1 with an error recorded, or in the split stage
     * 2 (a bad row: the reason in why, the column p->col); close
     * checks the end of the shard and frees st: 0 or -1 */
    int stage;
    int (*open)(tp_pass2 *p, void **st);
    int (*apply)(void *st, tp_pass2 *p, const tp_row *row, char *why, size_t size);
    int (*close)(void *st, tp_pass2 *p, int ok);
} tp_scanop;

/* The table, in the order of the hooks' calls (scanops.c); NULL-terminated. */
extern const tp_scanop *const tp_scanops[];
extern const tp_scanop tp_scan_label;    /* scan_label.c */
extern const tp_scanop tp_scan_temporal; /* scan_temporal.c */
extern const tp_scanop tp_scan_dedup;    /* scan_dedup.c */
extern const tp_scanop tp_scan_distinct; /* scan_distinct.c */
extern const tp_scanop tp_scan_strata;   /* scan_strata.c */

/*
 * Pass 1 over one row: every check, then keeps and collect of each operation in table
 * order (an operation after one that dropped the row sees it only with
 * TP_SCAN_ALL_ROWS). 0 (kept or dropped: the drop counted in s), 1 a bad row (*col and
 * why set; nothing counted), -1 with an error recorded. The checks alone, for a caller
 * that must run its own between them and the counting, are tp_scan_check.
 */
int tp_scan_check(tp_scanrow *x, const tp_row *row, long *col, char *why, size_t size);
int tp_scan_collect(tp_summary *s, tp_scanrow *x, const tp_row *row);

/* Pass 2, tp-transform: whether the row survives the operations' keeps (1) or not (0). */
int tp_scan_keeps(tp_scanrow *x, const tp_row *row);

/* The operation whose summary record tag is tag, or whose context record tag is tag
 * (ctx nonzero); NULL. */
const tp_scanop *tp_scanop_by_tag(const char *tag, int ctx);

/* The pass-2 operations of stage open on p: a set applied row by row. */
typedef struct tp_pass2set tp_pass2set;
/* NULL with an error recorded */
tp_pass2set *tp_pass2_open(tp_pass2 *p, int stage);
/* apply the open operations in table order: as the hook (0 keep, 1 drop, 2 bad, -1) */
int tp_pass2_apply(tp_pass2set *ps, const tp_row *row, char *why, size_t size);
/* close them all (ok: the shard was read to its end); 0 or -1. Frees ps. */
int tp_pass2_close(tp_pass2set *ps, int ok);

#endif
